/* export.h: a list answered whole, as a file to keep (an export), instead of page by page: the
 * list's own pages walked in order, up to EXPORT_MAX_ROWS rows. */
#ifndef PLANMON_EXPORT_H
#define PLANMON_EXPORT_H

#include <jansson.h>

#include <stdbool.h>

#include "domain/page.h"
#include "http/context.h"
#include "render/bytes.h"
#include "render/xlsx.h"

/* Reads one page of a list with the handler's own arguments (`args`, borrowed). */
typedef pm_status (*export_page_fn)(http_ctx *ctx, const void *args, const page_request *page,
                                    page_result *out, pm_error *err);

/* Every item of the list `page_fn` reads, in its order (the ?sort= of `order`, borrowed, when not
 * NULL: req_list's page), into *out (a new array). `limit` or
 * `cursor` in the query is PM_INVALID_PARAMETER (they page JSON; an export is whole); more than
 * EXPORT_MAX_ROWS is PM_PAYLOAD_TOO_LARGE, its message naming `narrow` (the filters that narrow
 * the list, e.g. "indicator, unit, period, status or agency"). */
pm_status export_collect(http_ctx *ctx, export_page_fn page_fn, const void *args,
                         const page_request *order, const char *narrow, json_t **out,
                         pm_error *err);

/* A column of an XLSX export: the member of each item, its Vietnamese and English headers, the
 * kind of its cells, its width in characters (0: from the header). A key "agency_name",
 * "unit_name" or "indicator_name" is filled by export_reply_sheet with the names of the codes in
 * "agency", "unit" or "indicator" (a code or an array of codes). */
typedef struct {
    const char *key, *vi, *en;
    xlsx_kind kind;
    double width;
} export_column;

/* Puts the names beside the codes of every item of `items` (borrowed; changed in place), one
 * lookup per kind: agency_name beside agency, lead_names beside lead (an array of codes),
 * unit_name beside unit, indicator_name beside indicator. `keys` (NULL-terminated; NULL: all)
 * chooses among agency, lead, unit and indicator. Reads on `db`. */
pm_status export_add_names(PGconn *db, json_t *items, const char *const *keys, pm_error *err);

/* Answers `items` (an array of objects, borrowed; the name columns are added to them) as an XLSX
 * workbook of one sheet named `sheet_vi` or `sheet_en`, with `ncolumns` columns, headers in the
 * language export_english says, as the file `filename`. Reads the names on `db`. */
pm_status export_reply_sheet(http_ctx *ctx, PGconn *db, json_t *items, const export_column *columns,
                             size_t ncolumns, const char *sheet_vi, const char *sheet_en,
                             const char *filename, const char *lang, pm_error *err);

/* The values of an export's `lang` parameter: "vi", "en"; NULL-terminated. */
extern const char *const export_langs[];

/* Whether an export's headers are English: `lang` ("vi" or "en") when given, else when the
 * request's Accept-Language asks for another language than Vietnamese; Vietnamese otherwise. */
bool export_english(const http_ctx *ctx, const char *lang);

/* Answers `bytes` (an XLSX workbook) as the file `filename`; frees bytes->data. */
void export_reply_xlsx(http_ctx *ctx, const char *filename, render_bytes *bytes);

#endif

/* export.h: a list answered whole, as a file to keep (an export), instead of page by page: the
 * list's own pages walked in order, up to EXPORT_MAX_ROWS rows. */
#ifndef PLANMON_EXPORT_H
#define PLANMON_EXPORT_H

#include <jansson.h>

#include <stdbool.h>

#include "domain/page.h"
#include "http/context.h"
#include "render/bytes.h"

/* Reads one page of a list with the handler's own arguments (`args`, borrowed). */
typedef pm_status (*export_page_fn)(http_ctx *ctx, const void *args, const page_request *page,
                                    page_result *out, pm_error *err);

/* Every item of the list `page_fn` reads, in its order, into *out (a new array). More than
 * EXPORT_MAX_ROWS is PM_PAYLOAD_TOO_LARGE, its message naming `narrow` (the filters that narrow
 * the list, e.g. "indicator, unit, period, status or agency"). */
pm_status export_collect(http_ctx *ctx, export_page_fn page_fn, const void *args,
                         const char *narrow, json_t **out, pm_error *err);

/* Whether an export's headers are English: `lang` ("vi" or "en") when given, else when the
 * request's Accept-Language asks for another language than Vietnamese; Vietnamese otherwise. */
bool export_english(const http_ctx *ctx, const char *lang);

/* Answers `bytes` (an XLSX workbook) as the file `filename`; frees bytes->data. */
void export_reply_xlsx(http_ctx *ctx, const char *filename, render_bytes *bytes);

/* Refuses `limit` and `cursor` for an export (they page JSON; an export is whole):
 * PM_INVALID_PARAMETER naming the one given. */
pm_status export_refuse_paging(const http_ctx *ctx, pm_error *err);

#endif

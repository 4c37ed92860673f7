/* export.c: a list answered whole (see export.h). */
#include "resources/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"
#include "http/request.h"
#include "resources/names_repo.h"

/* Refuses `limit` and `cursor` (they page JSON; an export is whole). */
static pm_status refuse_paging(const http_ctx *ctx, pm_error *err)
{
    static const char *const paging[] = {"limit", "cursor"};
    for (size_t i = 0; i < sizeof paging / sizeof paging[0]; i++)
        if (req_query(ctx, paging[i]))
            return pm_fail_field(err, PM_INVALID_PARAMETER, paging[i], "invalid",
                                 MSG("An export holds the whole list: leave out %s."), paging[i]);
    return PM_OK;
}

pm_status export_collect(http_ctx *ctx, export_page_fn page_fn, const void *args,
                         const page_request *order, const char *narrow, json_t **out, pm_error *err)
{
    const int max = ctx->app->cfg->export_max_rows;
    page_request page = {.limit = PAGE_MAX_LIMIT};
    if (order) {
        page.sort = order->sort;
        page.descending = order->descending;
        memcpy(page.sort_label, order->sort_label, sizeof page.sort_label);
    }
    pm_status st = refuse_paging(ctx, err);
    if (st != PM_OK)
        return st;
    json_t *all = json_array();
    for (;;) {
        page_result result = {0};
        if ((st = page_fn(ctx, args, &page, &result, err)) == PM_OK) {
            json_array_extend(all, result.items);
            if ((int)json_array_size(all) > max)
                st = pm_fail(err, PM_PAYLOAD_TOO_LARGE,
                             MSG("The export would hold more than %d rows (EXPORT_MAX_ROWS): "
                                 "narrow it with %s."),
                             max, narrow);
            else if (result.next_cursor)
                st = page_cursor_decode(result.next_cursor, &page, err);
        }
        bool more = st == PM_OK && result.next_cursor;
        page_result_clear(&result);
        if (!more)
            break;
    }
    if (st != PM_OK) {
        json_decref(all);
        return st;
    }
    *out = all;
    return PM_OK;
}

/* The names shown beside codes: the member holding the code(s), the member of its names, the
 * lookup. */
static const struct {
    const char *key, *names;
    pm_status (*lookup)(PGconn *, const json_t *, json_t **, pm_error *);
} named[] = {
    {"agency", "agency_name", names_repo_agencies},
    {"lead", "lead_names", names_repo_agencies},
    {"unit", "unit_name", names_repo_units},
    {"indicator", "indicator_name", names_repo_indicators},
};

/* The codes of member `key` of every item (a string or an array of strings). New. */
static json_t *codes_of(const json_t *items, const char *key)
{
    json_t *codes = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        const json_t *v = json_object_get(item, key);
        if (json_is_array(v))
            json_array_extend(codes, (json_t *)v);
        else if (json_is_string(v))
            json_array_append(codes, (json_t *)v);
    }
    return codes;
}

/* The name of each code of `v` (a code: its name; an array of codes: an array of names, where a
 * code that names nothing stands for itself). New, or NULL when there is none. */
static json_t *name_of(const json_t *names, const json_t *v)
{
    if (json_is_string(v))
        return json_incref(json_object_get(names, json_string_value(v)));
    if (!json_is_array(v))
        return NULL;
    json_t *out = json_array();
    size_t i;
    const json_t *code;
    json_array_foreach(v, i, code)
    {
        const json_t *name = json_object_get(names, json_string_value(code));
        json_array_append(out, (json_t *)(name ? name : code));
    }
    return out;
}

static bool listed(const char *const *keys, const char *key)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (strcmp(keys[i], key) == 0)
            return true;
    return !keys;
}

pm_status export_add_names(PGconn *db, json_t *items, const char *const *keys, pm_error *err)
{
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        if (!listed(keys, named[k].key))
            continue;
        json_auto_t *codes = codes_of(items, named[k].key), *names = NULL;
        if (json_array_size(codes) == 0)
            continue;
        pm_status st = named[k].lookup(db, codes, &names, err);
        if (st != PM_OK)
            return st;
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item)
        {
            json_t *name = name_of(names, json_object_get(item, named[k].key));
            if (name)
                json_object_set_new(item, named[k].names, name);
        }
    }
    return PM_OK;
}

pm_status export_reply_sheet(http_ctx *ctx, PGconn *db, json_t *items, const export_column *columns,
                             size_t ncolumns, const char *sheet_vi, const char *sheet_en,
                             const char *filename, const char *lang, pm_error *err)
{
    pm_status st = export_add_names(db, items, NULL, err);
    if (st != PM_OK)
        return st;
    bool english = export_english(ctx, lang);
    xlsx_column *cols = calloc(ncolumns, sizeof *cols);
    xlsx_book *book = cols ? xlsx_book_new() : NULL;
    for (size_t c = 0; book && c < ncolumns; c++)
        cols[c] = (xlsx_column){columns[c].key, english ? columns[c].en : columns[c].vi,
                                columns[c].kind, columns[c].width};
    render_bytes bytes = {0};
    bool ok = book && xlsx_book_table(book, english ? sheet_en : sheet_vi, cols, ncolumns, items);
    free(cols);
    if (!ok)
        xlsx_book_free(book);
    if (!ok || !xlsx_book_finish(book, &bytes))
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    export_reply_xlsx(ctx, filename, &bytes);
    return PM_OK;
}

const char *const export_langs[] = {"vi", "en", NULL};

bool export_english(const http_ctx *ctx, const char *lang)
{
    return lang ? strcmp(lang, "en") == 0
                : req_header(ctx, "Accept-Language") && !req_wants_vietnamese(ctx);
}

void export_reply_xlsx(http_ctx *ctx, const char *filename, render_bytes *bytes)
{
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    reply_header(ctx, "Content-Disposition", disposition);
    reply_bytes(ctx, 200, (const char *)bytes->data, bytes->len,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    free(bytes->data);
    bytes->data = NULL;
    bytes->len = 0;
}

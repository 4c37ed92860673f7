/* export.c: a list answered whole (see export.h). */
#include "resources/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"
#include "http/request.h"

pm_status export_collect(http_ctx *ctx, export_page_fn page_fn, const void *args,
                         const char *narrow, json_t **out, pm_error *err)
{
    const int max = ctx->app->cfg->export_max_rows;
    page_request page = {.limit = PAGE_MAX_LIMIT};
    json_t *all = json_array();
    pm_status st = PM_OK;
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

pm_status export_refuse_paging(const http_ctx *ctx, pm_error *err)
{
    static const char *const paging[] = {"limit", "cursor"};
    for (size_t i = 0; i < sizeof paging / sizeof paging[0]; i++)
        if (req_query(ctx, paging[i]))
            return pm_fail_field(err, PM_INVALID_PARAMETER, paging[i], "invalid",
                                 MSG("An export holds the whole list: leave out %s."), paging[i]);
    return PM_OK;
}

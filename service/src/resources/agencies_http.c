/* agencies_http.c: handlers for agencies (see agencies_http.h). */
#include "resources/agencies_http.h"

#include "http/reply.h"
#include "http/request.h"
#include "resources/agencies_repo.h"

static const char *const list_params[] = {"kind", "unit", "q", PAGE_PARAMS, NULL};

pm_status agencies_list(http_ctx *ctx, pm_error *err)
{
    agency_filter filter = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "kind", agency_kinds, &filter.kind, err)) ||
        (st = req_query_digits(ctx, "unit", 10, &filter.unit, err)) ||
        (st = req_query_text(ctx, "q", 200, &filter.q, err)) || (st = req_page(ctx, &page, err)) ||
        (st = ctx_db(ctx, &db, err)) || (st = agency_repo_list(db, &filter, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status agencies_get(http_ctx *ctx, pm_error *err)
{
    return reply_get_by_path(ctx, "code", agency_repo_get, err);
}

pm_status agencies_exists(http_ctx *ctx, const char *code, pm_error *err)
{
    json_t *found = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = agency_repo_get(db, code, &found, err);
    json_decref(found);
    return st;
}

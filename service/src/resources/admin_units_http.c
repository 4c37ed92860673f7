/* admin_units_http.c: handlers for administrative units (see admin_units_http.h). */
#include "resources/admin_units_http.h"

#include "http/reply.h"
#include "http/request.h"
#include "resources/admin_units_repo.h"

static const char *const list_params[] = {"level", "parent", "q", PAGE_PARAMS, NULL};

pm_status admin_units_list(http_ctx *ctx, pm_error *err)
{
    admin_unit_filter filter = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_int(ctx, "level", 1, 3, &filter.level, err)) ||
        (st = req_query_digits(ctx, "parent", 10, &filter.parent, err)) ||
        (st = req_query_text(ctx, "q", 200, &filter.q, err)) || (st = req_page(ctx, &page, err)) ||
        (st = ctx_db(ctx, &db, err)) ||
        (st = admin_unit_repo_list(db, &filter, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status admin_units_get(http_ctx *ctx, pm_error *err)
{
    return reply_get_by_path(ctx, "code", admin_unit_repo_get, err);
}

pm_status admin_units_exists(http_ctx *ctx, const char *code, pm_error *err)
{
    json_t *found = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = admin_unit_repo_get(db, code, &found, err);
    json_decref(found);
    return st;
}

/* audit_http.c: the audit log, history and change feed over HTTP (see audit_http.h). */
#include "resources/audit_http.h"

#include <stdio.h>
#include <string.h>

#include "http/reply.h"
#include "http/request.h"
#include "resources/audit_repo.h"

static const char *const list_params[] = {
    "entity_type", "entity_id", "user", "agency", "action", "since", "until", PAGE_PARAMS, NULL};
/* What the audit trail records (the audit triggers of the migrations, the workflow steps of
 * measurements_http.c and the explicit events of auth_http.c). */
static const char *const entity_types[] = {"users",
                                           "agencies",
                                           "admin-units",
                                           "documents",
                                           "plans",
                                           "sections",
                                           "tasks",
                                           "task-updates",
                                           "indicators",
                                           "targets",
                                           "measurements",
                                           "pilot-model-types",
                                           "pilot-sites",
                                           "pilot-site-statuses",
                                           "reporting-obligations",
                                           "submissions",
                                           NULL};
static const char *const actions[] = {
    "create", "update",       "delete",        "archive",      "restore", "password_change",
    "login",  "login_failed", "token_refresh", "token_revoke", "submit",  "approve",
    "return", "unapprove",    "import",        "baseline",     NULL};
static const char *const page_params[] = {PAGE_PARAMS, NULL};

pm_status audit_events_list(http_ctx *ctx, pm_error *err)
{
    audit_filter f = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "entity_type", entity_types, &f.entity_type, err)) ||
        (st = req_query_text(ctx, "entity_id", 128, &f.entity_id, err)) ||
        (st = req_query_text(ctx, "user", 64, &f.username, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f.agency, err)) ||
        (st = req_query_enum(ctx, "action", actions, &f.action, err)) ||
        (st = req_query_time(ctx, "since", REQ_DAY_STARTS, &f.since, err)) ||
        (st = req_query_time(ctx, "until", REQ_DAY_STARTS, &f.until, err)) ||
        (st = req_page(ctx, &page, err)) || (st = ctx_db(ctx, &db, err)))
        goto out;
    st = audit_repo_list(db, &f, &page, &result, err);
    if (st == PM_OK)
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status audit_changes(http_ctx *ctx, pm_error *err)
{
    page_request page;
    page_result result = {0};
    PGconn *db;
    char lag[32];
    pm_status st;
    if (!(st = req_check_query(ctx, page_params, err)) && !(st = req_page(ctx, &page, err)) &&
        !(st = ctx_db(ctx, &db, err)) &&
        !(st = audit_repo_changes(db, &ctx->who, &page, &result, err)) &&
        !(st = audit_repo_feed_lag(db, lag, sizeof lag, err))) {
        reply_header(ctx, "Planmon-Feed-Lag", lag);
        reply_page(ctx, &result);
    }
    page_result_clear(&result);
    return st;
}

pm_status audit_history(http_ctx *ctx, pm_error *err)
{
    const history_spec *spec = ctx->route->data;
    const char *id = req_path(ctx, spec->param);
    char composite[2 * PATH_PARAM_MAX + 2];
    if (spec->param2 && id) {
        snprintf(composite, sizeof composite, "%s:%s", id, req_path(ctx, spec->param2));
        id = composite;
    }
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if (!(st = req_check_query(ctx, page_params, err)) && !(st = req_page(ctx, &page, err)) &&
        !(st = ctx_db(ctx, &db, err)) && !(st = spec->may_read(ctx, id, err)) &&
        !(st = audit_repo_history(db, spec->entity_type, id, &page, &result, err)))
        reply_page(ctx, &result);
    page_result_clear(&result);
    return st;
}

/* audit_http.c: the audit log, history and change feed over HTTP (see audit_http.h). */
#include "resources/audit_http.h"

#include <stdio.h>
#include <string.h>

#include "http/reply.h"
#include "http/request.h"
#include "resources/audit_repo.h"
#include "resources/export.h"

static const char *const list_params[] = {"entity_type", "entity_id", "user",  "agency",
                                          "action",      "since",     "until", "format",
                                          "lang",        PAGE_PARAMS, NULL};
static const char *const export_formats[] = {"json", "xlsx", NULL};

/* The audit workbook's columns (the changes themselves stay in JSON). */
static const export_column event_columns[] = {
    {"id", "Mã", "Id", XLSX_INT, 10},
    {"at", "Thời điểm", "At", XLSX_TEXT, 28},
    {"effective", "Hiệu lực", "Effective", XLSX_TEXT, 14},
    {"action", "Thao tác", "Action", XLSX_TEXT, 12},
    {"entity_type", "Loại đối tượng", "Entity type", XLSX_TEXT, 18},
    {"entity_id", "Mã đối tượng", "Entity id", XLSX_TEXT, 16},
    {"version", "Phiên bản", "Version", XLSX_INT, 10},
    {"user", "Người thực hiện", "User", XLSX_TEXT, 20},
    {"role", "Vai trò", "Role", XLSX_TEXT, 12},
    {"agency", "Cơ quan", "Agency", XLSX_TEXT, 14},
    {"agency_name", "Tên cơ quan", "Agency name", XLSX_TEXT, 36},
    {"request_id", "Mã yêu cầu", "Request id", XLSX_TEXT, 34},
    {"changes", "Thay đổi", "Changes", XLSX_TEXT, 60},
};

/* What a page of the trail reads with. */
typedef struct {
    PGconn *db;
    audit_filter filter;
} list_args;

static pm_status list_page(http_ctx *ctx, const void *args, const page_request *page,
                           page_result *out, pm_error *err)
{
    const list_args *a = args;
    return audit_repo_list(a->db, &a->filter, page, out, err);
}
/* What the audit trail records (the audit triggers of the migrations, the workflow steps of
 * measurements_http.c and the explicit events of auth_http.c): the values of the entity_type
 * filter of the audit log and of the change feed. */
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
                                           "webhooks",
                                           "funding-sources",
                                           "budget-lines",
                                           "disbursements",
                                           NULL};
static const char *const actions[] = {
    "create",          "update",  "delete",       "archive",       "restore",
    "password_change", "login",   "login_failed", "token_refresh", "token_revoke",
    "submit",          "approve", "return",       "unapprove",     "import",
    "baseline",        "propose", "appraise",     "allocate",      "reject",
    "disburse",        NULL};
static const char *const page_params[] = {PAGE_PARAMS, NULL};
static const char *const feed_params[] = {"entity_type", "since", "expand", PAGE_PARAMS, NULL};
static const char *const feed_expansions[] = {"object", NULL};

pm_status audit_events_list(http_ctx *ctx, pm_error *err)
{
    list_args args = {0};
    audit_filter *f = &args.filter;
    const char *format = NULL, *lang = NULL;
    page_request page;
    page_result result = {0};
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "entity_type", entity_types, &f->entity_type, err)) ||
        (st = req_query_text(ctx, "entity_id", 128, &f->entity_id, err)) ||
        (st = req_query_text(ctx, "user", 64, &f->username, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f->agency, err)) ||
        (st = req_query_enum(ctx, "action", actions, &f->action, err)) ||
        (st = req_query_time(ctx, "since", REQ_DAY_STARTS, &f->since, err)) ||
        (st = req_query_time(ctx, "until", REQ_DAY_STARTS, &f->until, err)) ||
        (st = req_query_enum(ctx, "format", export_formats, &format, err)) ||
        (st = req_query_enum(ctx, "lang", export_langs, &lang, err)) ||
        (st = ctx_db(ctx, &args.db, err)))
        goto out;
    if (format && strcmp(format, "xlsx") == 0) {
        json_auto_t *items = NULL;
        if (!(st = export_collect(ctx, list_page, &args, NULL,
                                  "entity_type, entity_id, user, agency, action, since or until",
                                  &items, err)))
            st = export_reply_sheet(ctx, args.db, items, event_columns,
                                    sizeof event_columns / sizeof event_columns[0], "Nhật ký",
                                    "Audit events", "audit-events.xlsx", lang, err);
        goto out;
    }
    if ((st = req_page(ctx, &page, err)))
        goto out;
    st = audit_repo_list(args.db, f, &page, &result, err);
    if (st == PM_OK)
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status audit_changes(http_ctx *ctx, pm_error *err)
{
    audit_feed feed = {0};
    const char *expand = NULL;
    page_request page;
    page_result result = {0};
    PGconn *db;
    char lag[32];
    pm_status st;
    if ((st = req_check_query(ctx, feed_params, err)) ||
        (st = req_query_enum_list(ctx, "entity_type", entity_types, &feed.entity_types, err)) ||
        (st = req_query_time(ctx, "since", REQ_DAY_STARTS, &feed.since, err)) ||
        (st = req_query_enum(ctx, "expand", feed_expansions, &expand, err)) ||
        (st = req_page(ctx, &page, err)) || (st = ctx_db(ctx, &db, err)))
        return st;
    feed.objects = expand != NULL;
    if (!(st = audit_repo_changes(db, &ctx->who, &feed, &page, &result, err)) &&
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

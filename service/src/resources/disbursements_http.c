/* disbursements_http.c: spending on budget lines over HTTP (see disbursements_http.h). */
#include "resources/disbursements_http.h"

#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "domain/money.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/budget_lines_http.h"
#include "resources/disbursements_repo.h"

static const char *const money_fields[] = {"amount", NULL};

static const field_spec create_fields[] = {
    V_INT("amount", true, -MONEY_MAX, MONEY_MAX),
    V_KEPT_DATE("effective", true),
    V_CHECKED("voucher_number", true, 1, 64, validate_not_blank, MSG("more than blanks")),
    V_KEPT_DATE("voucher_date", true),
    V_OPT_STRING("description", 2000),
    V_CUSTOM("evidence", false, validate_evidence),
    V_BOOL("over_allocation"),
    V_OPT_STRING("reason", 2000),
    V_OPT_INT("corrects", 1, INT64_MAX),
    V_SERVER("id"),
    V_SERVER("line"),
    V_SERVER("agency"),
    V_SERVER("created_by"),
    V_SERVER("created_at"),
    V_END,
};

static const char *const list_params[] = {"money", PAGE_PARAMS, NULL};
static const char *const money_params[] = {"money", NULL};

pm_status disbursements_list(http_ctx *ctx, pm_error *err)
{
    json_auto_t *line = NULL;
    page_request page;
    page_result result = {0};
    bool as_strings;
    PGconn *db;
    pm_status st;
    if (!(st = req_check_query(ctx, list_params, err)) &&
        !(st = budget_lines_money_format(ctx, &as_strings, err)) &&
        !(st = req_page(ctx, &page, err)) && !(st = ctx_db(ctx, &db, err)) &&
        !(st = budget_lines_load(ctx, db, false, &line, err)) &&
        !(st = disbursement_repo_list(db, req_path(ctx, "id"), &page, &result, err))) {
        money_write_all(result.items, money_fields, as_strings);
        reply_page(ctx, &result);
    }
    page_result_clear(&result);
    return st;
}

/* Entry `entry` of the path's line, amounts as asked, answered 201 at `location` or 200. */
static pm_status reply_entry(http_ctx *ctx, PGconn *db, const char *entry, const char *location,
                             pm_error *err)
{
    json_auto_t *out = NULL;
    bool as_strings;
    pm_status st;
    if ((st = budget_lines_money_format(ctx, &as_strings, err)) ||
        (st = disbursement_repo_get(db, req_path(ctx, "id"), entry, &out, err)))
        return st;
    money_write(out, money_fields, as_strings);
    if (location)
        reply_created(ctx, location, out);
    else
        reply_object(ctx, out);
    return PM_OK;
}

pm_status disbursements_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *line = NULL;
    const char *entry = req_path(ctx, "entry");
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = budget_lines_load(ctx, db, false, &line, err)))
        return st;
    if (!entry || !page_key_is_number(entry))
        return pm_fail(err, PM_NOT_FOUND, MSG("The budget line has no such disbursement."));
    return reply_entry(ctx, db, entry, NULL, err);
}

/* Would the entry keep the line's total within bounds? `line` is the line as locked now. */
static pm_status check_total(const json_t *line, const json_t *body, pm_error *err)
{
    long long spent = json_integer_value(json_object_get(line, "spent"));
    long long allocated = json_integer_value(json_object_get(line, "allocated"));
    long long amount = json_integer_value(json_object_get(body, "amount"));
    long long total = spent + amount; /* both within ±10^15 * entries: far from overflow */
    const char *reason = json_member_string(body, "reason");
    bool flagged = json_is_true(json_object_get(body, "over_allocation"));
    if (amount == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "amount", "zero",
                             MSG("amount must not be 0"));
    if (flagged && !(reason && validate_not_blank(reason)))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "reason", "required",
                             MSG("reason is required when over_allocation is true"));
    if (total < 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "amount", "below_zero",
                             MSG("amount would take the line's total spent below zero (%lld)"),
                             total);
    if (total > allocated && !flagged)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "amount", "over_allocation",
                             MSG("amount would take the line's total spent (%lld) past its "
                                 "allocation (%lld): say over_allocation with a reason"),
                             total, allocated);
    return PM_OK;
}

pm_status disbursements_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *line = NULL;
    const char *line_id = req_path(ctx, "id");
    char id[24];
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = ctx_begin(ctx, "disburse", &db, err)) ||
        (st = budget_lines_load(ctx, db, true, &line, err)))
        return st;
    const char *agency = json_member_string(line, "agency");
    if (!access_may_write_budget_line(&ctx->who, agency))
        return pm_fail(err, PM_FORBIDDEN,
                       MSG("Only the line's agency's people, coordinators and admins record "
                           "its spending."));
    if (strcmp(json_member_string(line, "status"), "allocated") != 0)
        return pm_fail(err, PM_CONFLICT,
                       MSG("The budget line is %s; money is spent only on an allocated line."),
                       json_member_string(line, "status"));
    const json_t *corrected = json_object_get(body, "corrects");
    if (json_is_integer(corrected)) {
        char corrects[24];
        snprintf(corrects, sizeof corrects, "%" JSON_INTEGER_FORMAT, json_integer_value(corrected));
        if ((st = disbursement_repo_check_corrects(db, line_id, corrects, err)))
            return st;
    }
    if ((st = check_total(line, body, err)) ||
        (st = disbursement_repo_create(db, line_id, body, agency, ctx->who.username, id, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    char location[96];
    snprintf(location, sizeof location, "/v1/budget-lines/%s/disbursements/%s", line_id, id);
    return reply_entry(ctx, db, id, location, err);
}

/* funding_http.c: the funding roll-up over HTTP (see funding_http.h). */
#include "resources/funding_http.h"

#include <jansson.h>
#include <stdlib.h>

#include "domain/money.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/budget_lines_http.h"
#include "resources/budget_lines_repo.h"

static const char *const params[] = {"plan", "year", "group_by", "money", NULL};
static const char *const groupings[] = {"agency", "source", "section", "task", "year", NULL};
static const char *const money_fields[] = {"proposed", "appraised", "allocated", "spent", NULL};

pm_status funding_rollup(http_ctx *ctx, pm_error *err)
{
    const char *plan = NULL, *year = NULL, *group_by = "agency";
    line_reader reader = budget_lines_reader(ctx);
    json_auto_t *groups = NULL, *total = NULL;
    bool as_strings;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) ||
        (st = req_query_digits(ctx, "plan", 18, &plan, err)) ||
        (st = req_query_digits(ctx, "year", 4, &year, err)) ||
        (st = req_query_enum(ctx, "group_by", groupings, &group_by, err)) ||
        (st = budget_lines_money_format(ctx, &as_strings, err)))
        return st;
    if (!plan)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "plan", "required",
                             MSG("plan is required: the roll-up is of one plan"));
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = budget_line_repo_rollup(db, &reader, plan, year, group_by, &groups, &total, err)))
        return st;
    money_write_all(groups, money_fields, as_strings);
    money_write(total, money_fields, as_strings);
    json_auto_t *body =
        json_pack("{s:I, s:o, s:s, s:O, s:O}", "plan", (json_int_t)strtoll(plan, NULL, 10), "year",
                  year ? json_integer(strtoll(year, NULL, 10)) : json_null(), "group_by", group_by,
                  "groups", groups, "total", total);
    if (!body)
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

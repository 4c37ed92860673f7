/* dashboard_http.c: GET /v1/dashboard (see dashboard_http.h). */
#include "resources/dashboard_http.h"

#include "domain/clock.h"
#include "domain/period.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/analytics_http.h"
#include "resources/export.h"
#include "resources/report_scope.h"
#include "resources/periods_http.h"
#include "resources/reports_repo.h"

static const char *const params[] = {"period", "unit", "plan", NULL};

/* The period asked: a report period or a calendar year, into *asked and its shape *shape. */
static pm_status asked_period(http_ctx *ctx, period *asked, json_t **shape, pm_error *err)
{
    const char *id = NULL;
    pm_status st = req_query_text(ctx, "period", 16, &id, err);
    if (st != PM_OK)
        return st;
    if (!id)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "required", MSG("%s is required"),
                             "period");
    if ((st = periods_shape(ctx, "period", id, shape, err)))
        return st;
    period_parse(id, ctx->app->cfg->report_due_days, asked);
    if (asked->type != PERIOD_YEARLY && asked->type != PERIOD_VN_SIX_MONTHLY &&
        asked->type != PERIOD_VN_YEARLY)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "invalid",
                             MSG("The dashboard answers a report period (2017VNS1, 2017VN) or a "
                                 "calendar year (2017)."));
    return PM_OK;
}

pm_status dashboard_get(http_ctx *ctx, pm_error *err)
{
    const char *unit = NULL, *plan_param = NULL;
    char end[11];
    period asked = {0};
    report_subject subject;
    json_auto_t *shape = NULL, *plan = NULL, *indicators = NULL, *rows = json_array(),
                *named = json_array(), *body = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) || (st = asked_period(ctx, &asked, &shape, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &unit, err)) ||
        (st = req_query_id(ctx, "plan", &plan_param, err)))
        return st;
    period_date_text(asked.end, end);
    st = report_subject_load(ctx, NULL, plan_param, unit, end, &subject, err);
    plan = subject.plan;
    if (st != PM_OK || (st = ctx_db(ctx, &db, err)))
        return st;
    analytics_scope scope = {.unit = subject.unit, .today = clock_today()};
    if ((st = analytics_unit_level(ctx, scope.unit, &scope.unit_level, err)) ||
        (st = report_repo_indicators(db, subject.plan_id, subject.moment, &indicators, err)) ||
        (st = indicator_rows(ctx, indicators, &asked, &scope, true, rows, NULL, err)))
        return st;
    /* the unit's name beside its code, in the rows and at the top */
    static const char *const codes[] = {"unit", NULL};
    json_t *whole = json_pack("{s:s}", "unit", subject.unit);
    json_array_extend(named, rows);
    json_array_append_new(named, whole);
    if ((st = export_add_names(db, named, codes, err)))
        return st;
    body = json_pack("{s:O, s:s, s:O, s:s, s:O?, s:O}", "period", shape, "as_of", subject.moment,
                     "plan", plan, "unit", subject.unit, "unit_name",
                     json_object_get(whole, "unit_name"), "indicators", rows);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

/* report_scope.c: the subject of a report or dashboard and its indicator rows (see
 * report_scope.h). */
#include "resources/report_scope.h"

#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "resources/reports_repo.h"

pm_status report_subject_load(http_ctx *ctx, const char *as_of, const char *plan, const char *unit,
                              const char *end, report_subject *out, pm_error *err)
{
    char root[6];
    PGconn *db;
    pm_status st;
    out->plan = NULL;
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = report_repo_moment(db, as_of, out->moment, out->day, err)) ||
        (st = report_repo_plan(db, plan, end, &out->plan, err)) ||
        (st = report_repo_root_unit(db, root, err)))
        return st;
    if (!unit && !root[0])
        return pm_fail_field(err, PM_INVALID_PARAMETER, "unit", "required",
                             MSG("There are several provinces: name one with unit=CODE."));
    snprintf(out->unit, sizeof out->unit, "%s", unit ? unit : root);
    snprintf(out->plan_id, sizeof out->plan_id, "%lld",
             (long long)json_integer_value(json_object_get(out->plan, "id")));
    return PM_OK;
}

/* A new reference to `v`, or JSON null for NULL. */
static json_t *or_null(const json_t *v)
{
    return v ? json_incref((json_t *)v) : json_null();
}

/* The row of the report's pilots table for a pilot-registry indicator's `item`. */
static json_t *pilot_row(const json_t *indicator, const json_t *item, const json_t *target)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "model_type",
                     or_null(json_object_get(indicator, "pilot_model_type")), "indicator",
                     or_null(json_object_get(indicator, "code")), "period",
                     or_null(json_object_get(item, "period")), "sites",
                     or_null(json_object_get(item, "value")), "districts",
                     or_null(json_object_get(item, "units_reporting")), "target_operator",
                     or_null(json_object_get(item, "target_operator")), "target_value",
                     or_null(json_object_get(item, "target_value")), "target_unit",
                     or_null(json_object_get(target, "unit_of_measure")), "attainment",
                     or_null(json_object_get(item, "attainment")));
}

pm_status indicator_rows(http_ctx *ctx, const json_t *of_plan, const period *asked,
                         const analytics_scope *scope, bool with_targets, json_t *rows,
                         json_t *pilots, pm_error *err)
{
    size_t i;
    json_t *indicator;
    json_array_foreach(of_plan, i, indicator)
    {
        if (analytics_indicator_level(indicator) < scope->unit_level)
            continue; /* collected above the unit: a province figure in no district's */
        period p = *asked;
        period_type type;
        if (period_type_named(json_member_string(indicator, "period_type"), &type))
            period_for_indicator(type, asked, ctx->app->cfg->report_due_days, &p);
        json_auto_t *items = json_array();
        pm_status st = analytics_items(ctx, indicator, &p, 1, scope, items, err);
        if (st != PM_OK)
            return st;
        json_t *item = json_array_get(items, 0);
        if (!item)
            continue;
        const json_t *target = json_object_get(item, "target");
        json_object_set(item, "section", json_object_get(indicator, "section"));
        json_object_set(item, "section_title", json_object_get(indicator, "section_title"));
        json_object_set(item, "indicator", json_object_get(indicator, "code"));
        json_object_set(item, "name", json_object_get(indicator, "name"));
        json_object_set_new(item, "target_operator", or_null(json_object_get(target, "operator")));
        json_object_set_new(item, "target_value", or_null(json_object_get(target, "value")));
        if (pilots && strcmp(json_member_string(indicator, "rollup"), "pilot_registry") == 0)
            json_array_append_new(pilots, pilot_row(indicator, item, target));
        if (!with_targets)
            json_object_del(item, "targets"); /* target is still borrowed from it above */
        json_array_append(rows, item);
    }
    return PM_OK;
}

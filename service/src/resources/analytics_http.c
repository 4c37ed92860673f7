/* analytics_http.c: GET /v1/analytics (see analytics_http.h). */
#include "resources/analytics_http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/analytics_repo.h"
#include "resources/archive_http.h"
#include "resources/indicators_http.h"
#include "resources/indicators_repo.h"

enum { MAX_PERIODS = 60 };

static const char *const params[] = {"indicator",          "period", "unit", "level",
                                     "include_unapproved", NULL};

civil_date analytics_today(void)
{
    return period_add_days((civil_date){1970, 1, 1},
                           (int)(((long long)time(NULL) + 7 * 3600) / 86400));
}

static double round2(double v)
{
    return round(v * 100.0) / 100.0;
}

/* --- targets and attainment --------------------------------------------------------------------
 */

/* How closely `target` names period `p`: 3 its id, 2 a range of years holding it, 1 standing
 * for every period, 0 not at all. */
static int target_fit(const json_t *target, const period *p)
{
    const char *id = validate_string(target, "period");
    if (id)
        return strcmp(id, p->id) == 0 ? 3 : 0;
    const json_t *from = json_object_get(target, "applies_from");
    const json_t *to = json_object_get(target, "applies_to");
    if (json_is_null(from) && json_is_null(to))
        return 1;
    if ((json_is_integer(from) && p->year < json_integer_value(from)) ||
        (json_is_integer(to) && p->year > json_integer_value(to)))
        return 0;
    return 2;
}

/* The targets that apply to `unit` in `p` (a new array): those of the closest fit, scoped to
 * the unit or to none. Several fit alike when the decision sets two goals for one period (PM3: 3
 * models, in 3 districts). */
static json_t *applicable(const json_t *targets, const char *unit, const period *p)
{
    json_t *best = json_array();
    int best_fit = 0;
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t)
    {
        const char *scope = validate_string(t, "scope_unit");
        int fit = scope && strcmp(scope, unit) != 0 ? 0 : target_fit(t, p);
        if (fit > best_fit) {
            json_array_clear(best);
            best_fit = fit;
        }
        if (fit > 0 && fit == best_fit)
            json_array_append(best, t);
    }
    return best;
}

static bool compare(const char *op, double value, double target)
{
    if (strcmp(op, ">=") == 0)
        return value >= target;
    if (strcmp(op, "<=") == 0)
        return value <= target;
    return value == target;
}

/* The number of units a share target asks for, by its rounding rule (50 % of 11 districts is 6
 * when rounding up); -1 when the target compares the percentage itself (exact). */
static double required_units(const char *rounding, double percent, double denominator)
{
    double units = percent * denominator / 100.0;
    if (strcmp(rounding, "ceil") == 0)
        return ceil(units - 1e-9);
    if (strcmp(rounding, "floor") == 0)
        return floor(units + 1e-9);
    if (strcmp(rounding, "round") == 0)
        return round(units);
    return -1;
}

/* Sets "target" and "attainment" of `item`. The rule: no_data when no unit reported; achieved
 * when the value meets the target (a share target with a rounding rule compares the number of
 * units: at least ceil(75 % of 156) = 117); missed when it does not and the period has ended;
 * before the end, on_track when the value has reached the target's share of the period elapsed
 * so far (for >= targets; a <= or = target not met yet is at_risk), else at_risk. A registry
 * indicator (pilot sites) always has data, and a target counted in districts compares the
 * districts with a site. */
static void attain(json_t *item, const json_t *target, bool share, bool registry, const period *p,
                   civil_date today)
{
    static const char *const shown[] = {"id",       "period",          "applies_from", "applies_to",
                                        "operator", "value",           "rounding",     "scope_unit",
                                        "baseline", "unit_of_measure", "note"};
    json_t *summary = json_object();
    for (size_t i = 0; target && i < sizeof shown / sizeof shown[0]; i++)
        json_object_set(summary, shown[i], json_object_get(target, shown[i]));
    json_object_set_new(item, "target", target ? summary : json_null());
    if (!target)
        json_decref(summary);
    const json_t *value = json_object_get(item, "value");
    if (!target) {
        json_object_set_new(item, "attainment", json_null());
        return;
    }
    if (!registry && (json_integer_value(json_object_get(item, "units_reporting")) == 0 ||
                      !json_is_number(value))) {
        json_object_set_new(item, "attainment", json_string("no_data"));
        return;
    }
    const char *op = validate_string(target, "operator");
    double goal = json_number_value(json_object_get(target, "value"));
    const char *measure = validate_string(target, "unit_of_measure");
    double v = registry && measure && strcmp(measure, "district") == 0
                   ? (double)json_integer_value(json_object_get(item, "units_reporting"))
                   : json_number_value(value);
    bool met;
    double required = -1;
    if (share)
        required = required_units(validate_string(target, "rounding"), goal,
                                  json_number_value(json_object_get(item, "denominator")));
    if (required >= 0) {
        json_object_set_new(json_object_get(item, "target"), "required_units", json_real(required));
        met = compare(op, json_number_value(json_object_get(item, "numerator")), required);
    } else {
        met = compare(op, v, goal);
    }
    const char *attainment;
    long now = period_days(today), start = period_days(p->start), end = period_days(p->end);
    if (met)
        attainment = "achieved";
    else if (now > end)
        attainment = "missed";
    else if (strcmp(op, ">=") != 0)
        attainment = "at_risk";
    else {
        double elapsed = now < start ? 0.0 : (double)(now - start + 1) / (double)(end - start + 1);
        attainment = v >= goal * elapsed ? "on_track" : "at_risk";
    }
    json_object_set_new(item, "attainment", json_string(attainment));
}

/* Attains `item` against each of `fitting` (an array of targets): "targets" lists each target
 * with its own attainment, "target" is the first, and "attainment" the worst of them (every goal
 * of the period must be met). */
static void attain_all(json_t *item, const json_t *fitting, bool share, bool registry,
                       const period *p, civil_date today)
{
    static const char *const worst_first[] = {"missed", "no_data", "at_risk", "on_track",
                                              "achieved"};
    json_t *each = json_array();
    size_t i, worst = sizeof worst_first / sizeof worst_first[0];
    json_t *target;
    attain(item, json_array_get(fitting, 0), share, registry, p, today);
    json_array_foreach(fitting, i, target)
    {
        json_auto_t *alone = json_copy(item);
        attain(alone, target, share, registry, p, today);
        json_t *summary = json_object_get(alone, "target");
        const char *attainment = validate_string(alone, "attainment");
        json_object_set(summary, "attainment", json_object_get(alone, "attainment"));
        json_array_append(each, summary);
        for (size_t k = 0; attainment && k < worst; k++)
            if (strcmp(worst_first[k], attainment) == 0)
                worst = k;
    }
    if (worst < sizeof worst_first / sizeof worst_first[0])
        json_object_set_new(item, "attainment", json_string(worst_first[worst]));
    json_object_set_new(item, "targets", each);
}

/* --- the roll-up -------------------------------------------------------------------------------
 */

/* The item of one unit's totals (`row`) for an indicator of `value_type` rolled up by `rollup`:
 * numerator and denominator as that rollup defines them, and the value. */
static json_t *item_of(const json_t *row, const char *rollup, const char *value_type,
                       const period *p, int subperiods)
{
    json_int_t expected = json_integer_value(json_object_get(row, "units_expected"));
    json_int_t reporting = json_integer_value(json_object_get(row, "units_reporting"));
    json_t *numerator = json_null(), *denominator = json_null(), *value = json_null();
    if (strcmp(rollup, "share") == 0 && strcmp(value_type, "boolean") == 0) {
        json_int_t trues = json_integer_value(json_object_get(row, "trues"));
        numerator = json_integer(trues);
        denominator = json_integer(expected);
        if (expected && reporting)
            value = json_real(round2(100.0 * (double)trues / (double)expected));
    } else if (strcmp(rollup, "share") == 0) { /* a percentage's parts, summed */
        const json_t *n = json_object_get(row, "numerator"),
                     *d = json_object_get(row, "denominator");
        if (json_is_number(d) && json_number_value(d) > 0) {
            numerator = json_real(json_number_value(n));
            denominator = json_real(json_number_value(d));
            value = json_real(round2(100.0 * json_number_value(n) / json_number_value(d)));
        }
    } else if (strcmp(rollup, "periods_meeting_threshold") == 0) {
        const json_t *meeting = json_object_get(row, "meeting");
        numerator =
            json_integer(json_is_number(meeting) ? (json_int_t)json_number_value(meeting) : 0);
        denominator = json_integer(expected * subperiods);
        if (reporting)
            value = json_copy(numerator);
    } else if (strcmp(rollup, "pilot_registry") == 0) { /* sites, and districts with one */
        const json_t *total = json_object_get(row, "total");
        value = json_integer(json_is_number(total) ? (json_int_t)json_number_value(total) : 0);
        numerator = json_copy(value);
    } else { /* sum, latest: the values added up */
        const json_t *total = json_object_get(row, "total");
        if (json_is_number(total))
            value = json_real(json_number_value(total));
        numerator = json_copy(value);
    }
    return json_pack("{s:O, s:s, s:o, s:o, s:o, s:I, s:I}", "unit", json_object_get(row, "unit"),
                     "period", p->id, "numerator", numerator, "denominator", denominator, "value",
                     value, "units_reporting", reporting, "units_expected", expected);
}

/* Splits "2017,2018" into periods (at most MAX_PERIODS), each checked. */
static pm_status parse_periods(const http_ctx *ctx, const char *list, period *out, int *count,
                               pm_error *err)
{
    char id[16];
    *count = 0;
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof id || *count == MAX_PERIODS)
            return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "invalid",
                                 "period lists 1 to %d period ids separated by commas; the "
                                 "forms are %s",
                                 MAX_PERIODS, period_forms);
        memcpy(id, s, n);
        id[n] = '\0';
        if (!period_parse(id, ctx->app->cfg->report_due_days, &out[*count]))
            return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "invalid",
                                 "%.15s is not a period id; the forms are %s", id, period_forms);
        (*count)++;
        s += n + (s[n] == ',');
        if (s[-1] == ',' && !*s)
            return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "invalid",
                                 "period ends with a comma");
    }
    return PM_OK;
}

int analytics_indicator_level(const json_t *indicator)
{
    const char *level = validate_string(indicator, "level");
    if (level && strcmp(level, "commune") == 0)
        return 3;
    return level && strcmp(level, "district") == 0 ? 2 : 1;
}

pm_status analytics_unit_level(http_ctx *ctx, const char *unit, int *level, pm_error *err)
{
    pm_status st = analytics_repo_unit_level(ctx->db, unit, level, err);
    if (st == PM_OK && !*level)
        st = pm_fail_field(err, PM_INVALID_PARAMETER, "unit", "unknown",
                           "unit names no administrative unit");
    return st;
}

pm_status analytics_items(http_ctx *ctx, const json_t *indicator, const period *periods, int count,
                          const analytics_scope *scope, json_t *items, pm_error *err)
{
    const char *code = validate_string(indicator, "code");
    const char *rollup = validate_string(indicator, "rollup");
    json_auto_t *targets = NULL;
    int unit_level = scope->unit_level, level = scope->level;
    pm_status st;
    if (strcmp(rollup, "none") == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "no_rollup",
                             "This indicator is not rolled up (its values are texts).");
    int indicator_level = analytics_indicator_level(indicator);
    if (scope->unit && !unit_level &&
        (st = analytics_unit_level(ctx, scope->unit, &unit_level, err)))
        return st;
    int lowest = scope->unit ? unit_level : 1; /* without a unit: the country, above provinces */
    if (!level)
        level = lowest;
    if (level < lowest || level > indicator_level)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "level", "invalid",
                             "level must be from the unit's level (%d) to the indicator's (%d)",
                             lowest, indicator_level);
    if ((st = target_repo_all(ctx->db, code, &targets, err)))
        return st;
    char threshold[40] = "";
    const json_t *t = json_object_get(indicator, "threshold");
    if (json_is_number(t))
        snprintf(threshold, sizeof threshold, "%.15g", json_number_value(t));
    bool share = strcmp(rollup, "share") == 0;
    for (int i = 0; i < count; i++) {
        char start[11], end[11];
        period_date_text(periods[i].start, start);
        period_date_text(periods[i].end, end);
        rollup_query q = {
            .indicator = code,
            .rollup = rollup,
            .period = periods[i].id,
            .period_start = start,
            .period_end = end,
            .unit = scope->unit,
            .level = level,
            .indicator_level = indicator_level,
            .threshold = threshold[0] ? threshold : NULL,
            .model_type = validate_string(indicator, "pilot_model_type"),
            .include_unapproved = scope->include_unapproved,
            .as_of = scope->as_of,
        };
        json_auto_t *rows = NULL;
        if ((st = analytics_repo_rollup(ctx->db, &q, &rows, err)))
            return st;
        int sub = 0;
        for (int k = 0; period_type_names[k]; k++)
            if (strcmp(period_type_names[k], validate_string(indicator, "period_type")) == 0)
                sub = period_count_within((period_type)k, periods[i].start, periods[i].end);
        size_t r;
        json_t *row;
        json_array_foreach(rows, r, row)
        {
            json_t *item =
                item_of(row, rollup, validate_string(indicator, "value_type"), &periods[i], sub);
            json_auto_t *fitting = applicable(targets, validate_string(item, "unit"), &periods[i]);
            attain_all(item, fitting, share, strcmp(rollup, "pilot_registry") == 0, &periods[i],
                       scope->today);
            json_array_append_new(items, item);
        }
    }
    return PM_OK;
}

pm_status analytics_get(http_ctx *ctx, pm_error *err)
{
    const char *code = NULL, *periods_text = NULL;
    analytics_scope scope = {.today = analytics_today()};
    int count = 0;
    period periods[MAX_PERIODS];
    json_auto_t *indicator = NULL, *items = json_array();
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) ||
        (st = req_query_text(ctx, "indicator", 64, &code, err)) ||
        (st = req_query_text(ctx, "period", 1000, &periods_text, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &scope.unit, err)) ||
        (st = req_query_int(ctx, "level", 1, 3, &scope.level, err)) ||
        (st = req_query_bool(ctx, "include_unapproved", &scope.include_unapproved, err)))
        return st;
    static const char *const required[] = {"indicator", "period"};
    const char *given[] = {code, periods_text};
    for (int i = 0; i < 2; i++)
        if (!given[i])
            return pm_fail_field(err, PM_INVALID_PARAMETER, required[i], "required",
                                 "%s is required", required[i]);
    if (scope.include_unapproved && !archive_may_see(ctx))
        return pm_fail_field(err, PM_FORBIDDEN, "include_unapproved", "forbidden",
                             "Only admins and coordinators roll up data not yet approved.");
    if ((st = parse_periods(ctx, periods_text, periods, &count, err)) ||
        (st = indicators_load(ctx, code, false, &indicator, err)) ||
        (st = analytics_items(ctx, indicator, periods, count, &scope, items, err)))
        return st;
    json_auto_t *body = json_pack("{s:O}", "items", items);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

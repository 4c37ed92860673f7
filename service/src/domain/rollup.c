/* rollup.c: roll-up and attainment arithmetic (see rollup.h). */
#include "domain/rollup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/validate.h"
#include "jsonutil.h"

static double round2(double v)
{
    return round(v * 100.0) / 100.0;
}

/* --- targets and attainment ------------------------------------------------------------------ */

/* How closely `target` names period `p`: 3 its id, 2 a range of years holding it, 1 standing
 * for every period, 0 not at all. */
static int target_fit(const json_t *target, const period *p)
{
    const char *id = json_member_string(target, "period");
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
json_t *rollup_applicable_targets(const json_t *targets, const char *unit, const period *p)
{
    json_t *best = json_array();
    int best_fit = 0;
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t)
    {
        const char *scope = json_member_string(t, "scope_unit");
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
double rollup_required_units(const char *rounding, double percent, double denominator)
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

/* Sets "target" and "attainment" of `item`. The rule: undated when the target names no period
 * and no years (the text gives it no date: it is shown, never judged); no_data when no unit
 * reported; achieved
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
    if (target_fit(target, p) == 1) { /* no period, no years: the text dates it nowhere */
        json_object_set_new(item, "attainment", json_string("undated"));
        return;
    }
    if (!registry && (json_integer_value(json_object_get(item, "units_reporting")) == 0 ||
                      !json_is_number(value))) {
        json_object_set_new(item, "attainment", json_string("no_data"));
        return;
    }
    const char *op = json_member_string(target, "operator");
    double goal = json_number_value(json_object_get(target, "value"));
    const char *measure = json_member_string(target, "unit_of_measure");
    double v = registry && measure && strcmp(measure, "district") == 0
                   ? (double)json_integer_value(json_object_get(item, "units_reporting"))
                   : json_number_value(value);
    bool met;
    double required = -1;
    if (share)
        required = rollup_required_units(json_member_string(target, "rounding"), goal,
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
void rollup_attain(json_t *item, const json_t *fitting, bool share, bool registry, const period *p,
                   civil_date today)
{
    static const char *const worst_first[] = {"missed",   "no_data",  "at_risk",
                                              "on_track", "achieved", "undated"};
    json_t *each = json_array();
    size_t i, worst = sizeof worst_first / sizeof worst_first[0];
    json_t *target;
    attain(item, json_array_get(fitting, 0), share, registry, p, today);
    json_array_foreach(fitting, i, target)
    {
        json_auto_t *alone = json_copy(item);
        attain(alone, target, share, registry, p, today);
        json_t *summary = json_object_get(alone, "target");
        const char *attainment = json_member_string(alone, "attainment");
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

/* --- the roll-up ---------------------------------------------------------------------------------
 */

/* The item of one unit's totals (`row`) for an indicator of `value_type` rolled up by `rollup`:
 * numerator and denominator as that rollup defines them, and the value. */
json_t *rollup_item(const json_t *row, const char *rollup, const char *value_type, const period *p,
                    int subperiods)
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

int rollup_subperiods(const char *type_name, const period *p)
{
    period_type type;
    return period_type_named(type_name, &type) ? period_count_within(type, p->start, p->end) : 0;
}

/* --- denominators ---------------------------------------------------------------------------- */

civil_date rollup_census_day(const period *p)
{
    return p->end;
}

bool rollup_unit_exists_on(civil_date valid_from, const civil_date *valid_to, civil_date day)
{
    long d = period_days(day);
    return period_days(valid_from) <= d && (!valid_to || period_days(*valid_to) > d);
}

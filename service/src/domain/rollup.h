/* rollup.h: the arithmetic of roll-ups and of target attainment, written once for analytics,
 * reports and the report documents: which units count in a denominator, what numerator,
 * denominator and value a group's totals give, which targets apply to a unit in a period, how
 * many units a share target requires, and how an item attains its targets.
 *
 * Pure code: values in, values out; no I/O, no clock (today is an argument). JSON arguments are
 * borrowed; returned JSON is a new reference. */
#ifndef PLANMON_ROLLUP_H
#define PLANMON_ROLLUP_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/period.h"

/* --- denominators ------------------------------------------------------------------------------
 */

/* The day on which a period's units are counted (its denominator): the period's last day. A unit
 * created inside the period counts; one that ceased inside it does not. */
civil_date rollup_census_day(const period *p);

/* True when a unit valid from `valid_from` until `valid_to` (exclusive; NULL: still valid)
 * exists on `day`. The roll-up queries (resources/analytics_repo.c) apply this same rule to the
 * units of a group on rollup_census_day. */
bool rollup_unit_exists_on(civil_date valid_from, const civil_date *valid_to, civil_date day);

/* The number of periods of the indicator's type `type_name` ("monthly", ...) that start within
 * `p` (the months of a year, for "months meeting a threshold"); 0 for an unknown type. */
int rollup_subperiods(const char *type_name, const period *p);

/* --- items -------------------------------------------------------------------------------------
 */

/* The item of one group's totals for period `p` of an indicator of `value_type` rolled up by
 * `rollup` (share, sum, latest, periods_meeting_threshold, pilot_registry): {"unit", "period",
 * "numerator", "denominator", "value", "units_reporting", "units_expected"}. `row` holds the
 * totals analytics_repo_rollup answers (units_expected, units_reporting, trues, total,
 * numerator, denominator, meeting); `subperiods` is rollup_subperiods of the indicator. A share
 * of booleans is the true values over the units expected, in percent to two decimals; a share of
 * percentages sums numerators and denominators, never averages percentages. */
json_t *rollup_item(const json_t *row, const char *rollup, const char *value_type, const period *p,
                    int subperiods);

/* --- targets and attainment ------------------------------------------------------------------ */

/* The targets of `targets` (an indicator's) that apply to `unit` in `p`: those that name the
 * period itself, else a range of years that holds it, else none at all; scoped to the unit or to
 * no unit. Several fit alike when the decision sets two goals for one period (PM3: 3 models, in
 * 3 districts). A new array, possibly empty. */
json_t *rollup_applicable_targets(const json_t *targets, const char *unit, const period *p);

/* The number of units a share target of `percent` requires of `denominator` units under its
 * rounding rule: ceil (50 % of 11 districts is 6; 75 % of 156 communes is 117), floor or round;
 * -1 for "exact", where the percentage itself is compared. */
double rollup_required_units(const char *rounding, double percent, double denominator);

/* Sets the "target" (the first of `fitting`), "targets" (each with its own attainment) and
 * "attainment" (the worst of them: every goal of the period must be met) of `item`. Attainment:
 * no_data when no unit reported (never for a registry indicator, `registry`); achieved when the
 * value meets the target (a `share` target with a rounding rule compares the number of units);
 * missed when it does not and `p` has ended by `today`; before that, on_track when the value
 * has reached the target's share of the period elapsed (>= targets), else at_risk. With no
 * fitting target, "target" and "attainment" are null. */
void rollup_attain(json_t *item, const json_t *fitting, bool share, bool registry, const period *p,
                   civil_date today);

#endif

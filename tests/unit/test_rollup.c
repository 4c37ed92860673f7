/* Unit tests: the roll-up and attainment arithmetic (service/src/domain/rollup.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/rollup.h"

static period parse(const char *id)
{
    period p;
    assert_true(period_parse(id, 5, &p));
    return p;
}

static civil_date day(int y, int m, int d)
{
    return (civil_date){y, m, d};
}

/* A share-of-communes target: 75 % by 2017, rounded up (the decision's II.3.1). */
static json_t *share_target(double percent, const char *rounding, int from, int to)
{
    return json_pack("{s:I, s:n, s:I, s:I, s:s, s:f, s:s, s:n}", "id", (json_int_t)1, "period",
                     "applies_from", (json_int_t)from, "applies_to", (json_int_t)to, "operator",
                     ">=", "value", percent, "rounding", rounding, "scope_unit");
}

/* The item of a boolean share indicator of 2017 whose group has `trues` of `expected` units. */
static json_t *share_item(long trues, long expected, long reporting)
{
    period p = parse("2017");
    json_auto_t *row =
        json_pack("{s:s, s:I, s:I, s:I}", "unit", "89", "units_expected", (json_int_t)expected,
                  "units_reporting", (json_int_t)reporting, "trues", (json_int_t)trues);
    return rollup_item(row, "share", "boolean", &p, 1);
}

/* The attainment of `item` against `targets` (an array) in `period_id`, judged on `today`. */
static const char *attain(json_t *item, json_t *targets, const char *period_id, civil_date today)
{
    period p = parse(period_id);
    json_auto_t *fitting = rollup_applicable_targets(targets, "89", &p);
    rollup_attain(item, fitting, true, false, &p, today);
    return json_string_value(json_object_get(item, "attainment"));
}

static void seventy_five_percent_of_156_communes_is_117(void **state)
{
    assert_int_equal((int)rollup_required_units("ceil", 75, 156), 117);
    assert_int_equal((int)rollup_required_units("floor", 75, 156), 117);
    assert_int_equal((int)rollup_required_units("round", 75, 156), 117);
}

static void fifty_percent_of_11_districts_is_6_rounded_up(void **state)
{
    assert_int_equal((int)rollup_required_units("ceil", 50, 11), 6);
    assert_int_equal((int)rollup_required_units("floor", 50, 11), 5);
    assert_int_equal((int)rollup_required_units("round", 50, 11), 6); /* 5.5 rounds half up */
    assert_int_equal((int)rollup_required_units("exact", 50, 11), -1);
}

static void a_whole_share_is_not_rounded_up_by_noise(void **state)
{
    /* 100 % of 156 is exactly 156, though 100.0 * 156 / 100 is not exact in floating point */
    assert_int_equal((int)rollup_required_units("ceil", 100, 156), 156);
    assert_int_equal((int)rollup_required_units("ceil", 33.3333333333, 3), 1);
}

static void a_share_counts_units_not_the_rounded_percentage(void **state)
{
    json_auto_t *targets = json_pack("[o]", share_target(75, "ceil", 2017, 2017));
    /* 116 of 156 is 74.36 %: one unit short of the 117 the rule requires */
    json_auto_t *short_by_one = share_item(116, 156, 156);
    assert_string_equal(attain(short_by_one, targets, "2017", day(2018, 1, 10)), "missed");
    assert_int_equal(json_integer_value(json_object_get(short_by_one, "numerator")), 116);
    assert_int_equal(json_integer_value(json_object_get(short_by_one, "denominator")), 156);
    assert_true(json_real_value(json_object_get(short_by_one, "value")) == 74.36);
    json_t *target = json_object_get(short_by_one, "target");
    assert_true(json_real_value(json_object_get(target, "required_units")) == 117.0);
    json_auto_t *enough = share_item(117, 156, 156);
    assert_string_equal(attain(enough, targets, "2017", day(2018, 1, 10)), "achieved");
}

static void a_period_under_way_is_on_track_or_at_risk_not_missed(void **state)
{
    json_auto_t *targets = json_pack("[o]", share_target(75, "ceil", 2017, 2017));
    /* on 2 July 2017 half the year has gone: 60 % (94 of 156) is on track for 75 % */
    json_auto_t *half = share_item(94, 156, 156);
    assert_string_equal(attain(half, targets, "2017", day(2017, 7, 2)), "on_track");
    json_auto_t *behind = share_item(20, 156, 156);
    assert_string_equal(attain(behind, targets, "2017", day(2017, 7, 2)), "at_risk");
    json_auto_t *none = share_item(0, 156, 0);
    assert_string_equal(attain(none, targets, "2017", day(2017, 7, 2)), "no_data");
}

/* II.3.3.a: "50% huyện, thị, thành phố triển khai ..." gives no year: the target is shown with
 * the period's value, never judged missed or achieved in any one year. */
static void a_target_the_text_dates_nowhere_is_undated(void **state)
{
    json_auto_t *targets = json_pack(
        "[{s:I, s:n, s:n, s:n, s:s, s:f, s:s, s:n}]", "id", (json_int_t)1, "period", "applies_from",
        "applies_to", "operator", ">=", "value", 50.0, "rounding", "ceil", "scope_unit");
    json_auto_t *none = share_item(0, 11, 11);
    assert_string_equal(attain(none, targets, "2017", day(2018, 1, 10)), "undated");
    json_auto_t *all = share_item(11, 11, 11);
    assert_string_equal(attain(all, targets, "2017", day(2018, 1, 10)), "undated");
    assert_int_equal(json_integer_value(json_object_get(all, "numerator")), 11);
    assert_non_null(json_object_get(all, "target"));
}

static void the_worst_of_several_targets_is_the_attainment(void **state)
{
    /* Two goals for the same period: 3 models in 3 districts (PM3): both must be met */
    json_auto_t *targets = json_pack(
        "[{s:I, s:s, s:n, s:n, s:s, s:f, s:s, s:n}, {s:I, s:s, s:n, s:n, s:s, s:f, s:s, s:n}]",
        "id", (json_int_t)1, "period", "2020", "applies_from", "applies_to", "operator",
        ">=", "value", 3.0, "rounding", "exact", "scope_unit", "id", (json_int_t)2, "period",
        "2020", "applies_from", "applies_to", "operator", ">=", "value", 6.0, "rounding", "exact",
        "scope_unit");
    period p = parse("2020");
    json_auto_t *row = json_pack("{s:s, s:I, s:I, s:f}", "unit", "89", "units_expected",
                                 (json_int_t)11, "units_reporting", (json_int_t)3, "total", 4.0);
    json_auto_t *item = rollup_item(row, "sum", "number", &p, 1);
    json_auto_t *fitting = rollup_applicable_targets(targets, "89", &p);
    assert_int_equal(json_array_size(fitting), 2);
    rollup_attain(item, fitting, false, false, &p, day(2021, 1, 5));
    assert_string_equal(json_string_value(json_object_get(item, "attainment")), "missed");
    json_t *each = json_object_get(item, "targets");
    assert_string_equal(json_string_value(json_object_get(json_array_get(each, 0), "attainment")),
                        "achieved");
    assert_string_equal(json_string_value(json_object_get(json_array_get(each, 1), "attainment")),
                        "missed");
}

static void a_target_naming_the_period_wins_over_a_range_of_years(void **state)
{
    json_auto_t *targets = json_pack("[o, {s:I, s:s, s:n, s:n, s:s, s:f, s:s, s:n}]",
                                     share_target(75, "ceil", 2016, 2020), "id", (json_int_t)9,
                                     "period", "2017", "applies_from", "applies_to", "operator",
                                     ">=", "value", 80.0, "rounding", "ceil", "scope_unit");
    period p = parse("2017");
    json_auto_t *fitting = rollup_applicable_targets(targets, "89", &p);
    assert_int_equal(json_array_size(fitting), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(fitting, 0), "id")), 9);
    period later = parse("2019");
    json_auto_t *range = rollup_applicable_targets(targets, "89", &later);
    assert_int_equal(json_array_size(range), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(range, 0), "id")), 1);
    period after = parse("2021");
    json_auto_t *none = rollup_applicable_targets(targets, "89", &after);
    assert_int_equal(json_array_size(none), 0);
}

static void a_target_scoped_to_another_unit_does_not_apply(void **state)
{
    json_t *t = share_target(75, "ceil", 2017, 2017);
    json_object_set_new(t, "scope_unit", json_string("883"));
    json_auto_t *targets = json_pack("[o]", t);
    period p = parse("2017");
    json_auto_t *other = rollup_applicable_targets(targets, "884", &p);
    json_auto_t *own = rollup_applicable_targets(targets, "883", &p);
    assert_int_equal(json_array_size(other), 0);
    assert_int_equal(json_array_size(own), 1);
}

static void a_unit_that_ceased_inside_a_period_is_not_in_its_denominator(void **state)
{
    period year = parse("2017");
    civil_date census = rollup_census_day(&year);
    assert_int_equal(census.month, 12);
    assert_int_equal(census.day, 31);
    civil_date merged_away = day(2017, 7, 1); /* valid until 1 July 2017 (exclusive) */
    assert_false(rollup_unit_exists_on(day(2016, 1, 1), &merged_away, census));
    /* it still counts for the first half-year, which ended before it ceased */
    period first_half = parse("2017S1");
    assert_true(
        rollup_unit_exists_on(day(2016, 1, 1), &merged_away, rollup_census_day(&first_half)));
    /* a unit created inside the period counts; one created after it does not */
    assert_true(rollup_unit_exists_on(day(2017, 7, 1), NULL, census));
    assert_false(rollup_unit_exists_on(day(2018, 1, 1), NULL, census));
    /* a unit that ceases on the day after the period's end still counts */
    civil_date next_year = day(2018, 1, 1);
    assert_true(rollup_unit_exists_on(day(2016, 1, 1), &next_year, census));
}

static void the_denominator_follows_the_units_counted(void **state)
{
    /* 156 communes, one merged away inside 2017: 117 of 155 is 75.48 %, and 75 % of 155
     * requires 117 (ceil of 116.25) */
    json_auto_t *targets = json_pack("[o]", share_target(75, "ceil", 2017, 2017));
    json_auto_t *item = share_item(117, 155, 155);
    assert_string_equal(attain(item, targets, "2017", day(2018, 1, 10)), "achieved");
    assert_true(json_real_value(json_object_get(item, "value")) == 75.48);
    assert_int_equal((int)rollup_required_units("ceil", 75, 155), 117);
}

static void a_percentage_share_sums_parts_never_averages_percentages(void **state)
{
    period p = parse("2017");
    /* two units, 1 of 10 (10 %) and 9 of 100 (9 %): 10 of 110 is 9.09 %, not the 9.5 % that
     * averaging their percentages would give */
    json_auto_t *row =
        json_pack("{s:s, s:I, s:I, s:f, s:f}", "unit", "89", "units_expected", (json_int_t)2,
                  "units_reporting", (json_int_t)2, "numerator", 10.0, "denominator", 110.0);
    json_auto_t *item = rollup_item(row, "share", "percentage", &p, 1);
    assert_true(json_real_value(json_object_get(item, "value")) == 9.09);
}

static void months_meeting_a_threshold_count_out_of_every_unit_month(void **state)
{
    period p = parse("2017");
    assert_int_equal(rollup_subperiods("monthly", &p), 12);
    assert_int_equal(rollup_subperiods("quarterly", &p), 4);
    assert_int_equal(rollup_subperiods("no-such-type", &p), 0);
    json_auto_t *row =
        json_pack("{s:s, s:I, s:I, s:I}", "unit", "883", "units_expected", (json_int_t)1,
                  "units_reporting", (json_int_t)1, "meeting", (json_int_t)11);
    json_auto_t *item = rollup_item(row, "periods_meeting_threshold", "number", &p, 12);
    assert_int_equal(json_integer_value(json_object_get(item, "numerator")), 11);
    assert_int_equal(json_integer_value(json_object_get(item, "denominator")), 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seventy_five_percent_of_156_communes_is_117),
        cmocka_unit_test(fifty_percent_of_11_districts_is_6_rounded_up),
        cmocka_unit_test(a_whole_share_is_not_rounded_up_by_noise),
        cmocka_unit_test(a_share_counts_units_not_the_rounded_percentage),
        cmocka_unit_test(a_period_under_way_is_on_track_or_at_risk_not_missed),
        cmocka_unit_test(a_target_the_text_dates_nowhere_is_undated),
        cmocka_unit_test(the_worst_of_several_targets_is_the_attainment),
        cmocka_unit_test(a_target_naming_the_period_wins_over_a_range_of_years),
        cmocka_unit_test(a_target_scoped_to_another_unit_does_not_apply),
        cmocka_unit_test(a_unit_that_ceased_inside_a_period_is_not_in_its_denominator),
        cmocka_unit_test(the_denominator_follows_the_units_counted),
        cmocka_unit_test(a_percentage_share_sums_parts_never_averages_percentages),
        cmocka_unit_test(months_meeting_a_threshold_count_out_of_every_unit_month),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

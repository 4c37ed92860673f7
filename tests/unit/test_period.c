/* Unit tests: reporting periods (service/src/domain/period.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/period.h"

/* Asserts that `id` parses to `type` with these start, end, cut-off and due dates. */
static void expect(const char *id, period_type type, const char *start, const char *end,
                   const char *due)
{
    period p;
    char text[11];
    assert_true(period_parse(id, 5, &p));
    assert_string_equal(p.id, id);
    assert_int_equal(p.type, type);
    period_date_text(p.start, text);
    assert_string_equal(text, start);
    period_date_text(p.end, text);
    assert_string_equal(text, end);
    period_date_text(p.cut_off, text);
    assert_string_equal(text, end);
    period_date_text(p.due, text);
    assert_string_equal(text, due);
}

static void calendar_periods(void **state)
{
    expect("2017", PERIOD_YEARLY, "2017-01-01", "2017-12-31", "2018-01-06");
    expect("2017S1", PERIOD_SIX_MONTHLY, "2017-01-01", "2017-06-30", "2017-07-06");
    expect("2017S2", PERIOD_SIX_MONTHLY, "2017-07-01", "2017-12-31", "2018-01-06");
    expect("2017Q1", PERIOD_QUARTERLY, "2017-01-01", "2017-03-31", "2017-04-06");
    expect("2017Q3", PERIOD_QUARTERLY, "2017-07-01", "2017-09-30", "2017-10-06");
    expect("201703", PERIOD_MONTHLY, "2017-03-01", "2017-03-31", "2017-04-06");
    expect("201712", PERIOD_MONTHLY, "2017-12-01", "2017-12-31", "2018-01-06");
}

static void leap_years(void **state)
{
    expect("201602", PERIOD_MONTHLY, "2016-02-01", "2016-02-29", "2016-03-06");
    expect("201702", PERIOD_MONTHLY, "2017-02-01", "2017-02-28", "2017-03-06");
    expect("190002", PERIOD_MONTHLY, "1900-02-01", "1900-02-28", "1900-03-06"); /* not leap */
    expect("200002", PERIOD_MONTHLY, "2000-02-01", "2000-02-29", "2000-03-06"); /* leap */
    expect("2016Q1", PERIOD_QUARTERLY, "2016-01-01", "2016-03-31", "2016-04-06");
}

static void decree_09_periods_cross_the_year_boundary(void **state)
{
    expect("2017VNS1", PERIOD_VN_SIX_MONTHLY, "2016-12-15", "2017-06-14", "2017-06-20");
    expect("2017VNS2", PERIOD_VN_SIX_MONTHLY, "2017-06-15", "2017-12-14", "2017-12-20");
    expect("2017VN", PERIOD_VN_YEARLY, "2016-12-15", "2017-12-14", "2017-12-20");
    expect("2020VN", PERIOD_VN_YEARLY, "2019-12-15", "2020-12-14", "2020-12-20");
}

static void due_days_are_configurable(void **state)
{
    period p;
    char text[11];
    assert_true(period_parse("2017", 0, &p));
    period_date_text(p.due, text);
    assert_string_equal(text, "2018-01-01");
    assert_true(period_parse("201612", 30, &p));
    period_date_text(p.due, text);
    assert_string_equal(text, "2017-01-31");
}

static void malformed_ids_are_refused(void **state)
{
    static const char *const bad[] = {
        "",        "17",     "201",    "20170",   "2017S3",   "2017S0",   "2017Q0",
        "2017Q5",  "201700", "201713", "2017VNS", "2017VNS3", "2017vn",   "2017 ",
        " 2017",   "1899",   "2201",   "2017W1",  "2017-03",  "20170301", "abcd",
        "2017S1x", "2017Q",  "2017S",  "2017VN1", "2017VNS12"};
    period p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(period_parse(bad[i], 5, &p));
    assert_false(period_parse(NULL, 5, &p));
}

static void days_round_trip(void **state)
{
    civil_date d = {1970, 1, 1};
    assert_int_equal(period_days(d), 0);
    civil_date leap = {2016, 2, 28};
    civil_date next = period_add_days(leap, 1);
    assert_int_equal(next.month, 2);
    assert_int_equal(next.day, 29);
    next = period_add_days(leap, 2);
    assert_int_equal(next.month, 3);
    assert_int_equal(next.day, 1);
    civil_date eve = {2016, 12, 31};
    next = period_add_days(eve, 1);
    assert_int_equal(next.year, 2017);
    assert_int_equal(next.month, 1);
    assert_int_equal(next.day, 1);
    assert_int_equal(period_days(period_add_days(eve, -400)), period_days(eve) - 400);
}

static void periods_within_a_range(void **state)
{
    civil_date start = {2017, 1, 1}, end = {2017, 12, 31};
    assert_int_equal(period_count_within(PERIOD_MONTHLY, start, end), 12);
    assert_int_equal(period_count_within(PERIOD_QUARTERLY, start, end), 4);
    assert_int_equal(period_count_within(PERIOD_SIX_MONTHLY, start, end), 2);
    assert_int_equal(period_count_within(PERIOD_YEARLY, start, end), 1);
    civil_date vn_start = {2016, 12, 15}, vn_end = {2017, 12, 14};
    assert_int_equal(period_count_within(PERIOD_VN_SIX_MONTHLY, vn_start, vn_end), 2);
    assert_int_equal(period_count_within(PERIOD_MONTHLY, vn_start, vn_end), 12); /* Jan-Dec */
}

static void expect_containing(period_type type, civil_date d, const char *id)
{
    period p;
    assert_true(period_containing(type, d, 5, &p));
    assert_string_equal(p.id, id);
    assert_true(period_days(p.start) <= period_days(d) && period_days(d) <= period_days(p.end));
}

static void the_period_that_contains_a_day(void **state)
{
    expect_containing(PERIOD_MONTHLY, (civil_date){2017, 3, 31}, "201703");
    expect_containing(PERIOD_QUARTERLY, (civil_date){2017, 4, 1}, "2017Q2");
    expect_containing(PERIOD_SIX_MONTHLY, (civil_date){2017, 6, 30}, "2017S1");
    expect_containing(PERIOD_SIX_MONTHLY, (civil_date){2017, 7, 1}, "2017S2");
    expect_containing(PERIOD_YEARLY, (civil_date){2017, 12, 31}, "2017");
    /* Decree 09's windows: 15/12 opens the next year's reports */
    expect_containing(PERIOD_VN_SIX_MONTHLY, (civil_date){2017, 6, 14}, "2017VNS1");
    expect_containing(PERIOD_VN_SIX_MONTHLY, (civil_date){2017, 6, 15}, "2017VNS2");
    expect_containing(PERIOD_VN_SIX_MONTHLY, (civil_date){2017, 12, 14}, "2017VNS2");
    expect_containing(PERIOD_VN_SIX_MONTHLY, (civil_date){2017, 12, 15}, "2018VNS1");
    expect_containing(PERIOD_VN_YEARLY, (civil_date){2016, 12, 14}, "2016VN");
    expect_containing(PERIOD_VN_YEARLY, (civil_date){2016, 12, 15}, "2017VN");
    period p;
    assert_false(period_containing(PERIOD_YEARLY, (civil_date){2201, 1, 1}, 5, &p));
}

static void the_following_period(void **state)
{
    const char *chain[] = {"2016VNS2", "2017VNS1", "2017VNS2", "2018VNS1"};
    period p;
    assert_true(period_parse(chain[0], 5, &p));
    for (size_t i = 1; i < sizeof chain / sizeof chain[0]; i++) {
        assert_true(period_following(&p, 5, &p));
        assert_string_equal(p.id, chain[i]);
    }
    char due[11];
    period_date_text(p.due, due);
    assert_string_equal(due, "2018-06-20");
    assert_true(period_parse("201712", 5, &p));
    assert_true(period_following(&p, 5, &p));
    assert_string_equal(p.id, "201801");
    assert_true(period_parse("2200", 5, &p));
    assert_false(period_following(&p, 5, &p));
}

/* V.1 of Decision 1994: a mid-year report (VNS1) and an annual report (VN) from the decision's
 * date, 15/07/2016, to the plan's end: 2016VN; 2017VNS1 and 2017VN; ... 2020VNS1 and 2020VN. */
static void the_reports_of_the_1994_plan(void **state)
{
    civil_date from = {2016, 7, 15}, to = {2020, 12, 31};
    period list[8];
    assert_int_equal(period_list_ending_within(PERIOD_VN_SIX_MONTHLY, true, from, to, 5, list, 8),
                     4);
    assert_string_equal(list[0].id, "2017VNS1");
    assert_string_equal(list[3].id, "2020VNS1");
    char due[11];
    period_date_text(list[0].due, due);
    assert_string_equal(due, "2017-06-20");
    assert_int_equal(period_list_ending_within(PERIOD_VN_YEARLY, false, from, to, 5, list, 8), 5);
    assert_string_equal(list[0].id, "2016VN");
    assert_string_equal(list[4].id, "2020VN");
    period_date_text(list[1].due, due);
    assert_string_equal(due, "2017-12-20");
    /* both halves, and more periods than room: the count is still whole */
    assert_int_equal(period_list_ending_within(PERIOD_VN_SIX_MONTHLY, false, from, to, 5, list, 2),
                     9);
    assert_string_equal(list[0].id, "2016VNS2");
    assert_int_equal(period_list_ending_within(PERIOD_MONTHLY, false, from, to, 5, NULL, 0), 54);
    /* a window shorter than any period's end holds none */
    civil_date day = {2017, 3, 1};
    assert_int_equal(period_list_ending_within(PERIOD_YEARLY, false, day, day, 5, list, 8), 0);
}

/* 2017VNS1 (15/12/2016 to 14/06/2017) is due on 20/06/2017 with REPORT_DUE_DAYS 5. */
static void a_late_entry_is_recorded_after_its_report_was_due(void **state)
{
    civil_date march = {2017, 3, 1};
    assert_false(period_late_entry(march, (civil_date){2017, 3, 1}, 5));
    assert_false(period_late_entry(march, (civil_date){2017, 6, 20}, 5));
    assert_true(period_late_entry(march, (civil_date){2017, 6, 21}, 5));
    assert_true(period_late_entry((civil_date){2016, 12, 15}, (civil_date){2017, 6, 21}, 5));
    assert_false(period_late_entry((civil_date){2017, 6, 15}, (civil_date){2017, 12, 20}, 5));
    assert_true(period_late_entry((civil_date){2017, 6, 15}, (civil_date){2017, 12, 21}, 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_periods),
        cmocka_unit_test(leap_years),
        cmocka_unit_test(decree_09_periods_cross_the_year_boundary),
        cmocka_unit_test(due_days_are_configurable),
        cmocka_unit_test(malformed_ids_are_refused),
        cmocka_unit_test(days_round_trip),
        cmocka_unit_test(periods_within_a_range),
        cmocka_unit_test(the_period_that_contains_a_day),
        cmocka_unit_test(the_following_period),
        cmocka_unit_test(the_reports_of_the_1994_plan),
        cmocka_unit_test(a_late_entry_is_recorded_after_its_report_was_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

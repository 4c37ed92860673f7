/* Unit tests: numbers, dates and words of a Vietnamese document (service/src/domain/vn_text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "domain/vn_text.h"

static void numbers_group_thousands_with_dots_and_take_a_decimal_comma(void **state)
{
    char b[32];
    assert_string_equal(vn_number(b, sizeof b, 1234, 0), "1.234");
    assert_string_equal(vn_number(b, sizeof b, 1234567.5, 1), "1.234.567,5");
    assert_string_equal(vn_number(b, sizeof b, 75.5, 1), "75,5");
    assert_string_equal(vn_number(b, sizeof b, 75.0, 1), "75");
    assert_string_equal(vn_number(b, sizeof b, 117, 0), "117");
    assert_string_equal(vn_number(b, sizeof b, 0.25, 2), "0,25");
    assert_string_equal(vn_number(b, sizeof b, -1000.25, 2), "-1.000,25");
    assert_string_equal(vn_number(b, sizeof b, 999.96, 1), "1.000");
    assert_string_equal(vn_number(b, sizeof b, -0.01, 1), "0");
    assert_string_equal(vn_number(b, sizeof b, NAN, 1), "");
}

static void dates_take_a_leading_zero_for_days_under_ten_and_months_one_and_two(void **state)
{
    char b[64];
    assert_string_equal(vn_date(b, sizeof b, (civil_date){2018, 1, 5}),
                        "ngày 05 tháng 01 năm 2018");
    assert_string_equal(vn_date(b, sizeof b, (civil_date){2019, 6, 29}),
                        "ngày 29 tháng 6 năm 2019");
    assert_string_equal(vn_date(b, sizeof b, (civil_date){2017, 2, 14}),
                        "ngày 14 tháng 02 năm 2017");
    assert_string_equal(vn_date(b, sizeof b, (civil_date){2017, 12, 1}),
                        "ngày 01 tháng 12 năm 2017");
}

static void periods_read_as_the_report_titles_say(void **state)
{
    char b[64];
    period p;
    const struct {
        const char *id, *words;
    } cases[] = {
        {"2017VNS1", "6 tháng đầu năm 2017"},
        {"2017VNS2", "6 tháng cuối năm 2017"},
        {"2017VN", "năm 2017"},
        {"2018", "năm 2018"},
        {"2017S2", "6 tháng cuối năm 2017"},
        {"2017Q3", "quý III năm 2017"},
        {"201703", "tháng 3 năm 2017"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(period_parse(cases[i].id, 20, &p));
        assert_string_equal(vn_period_phrase(b, sizeof b, &p), cases[i].words);
    }
}

static void statuses_and_attainments_have_vietnamese_words(void **state)
{
    assert_string_equal(vn_task_status("done"), "Hoàn thành");
    assert_string_equal(vn_task_status("in_progress"), "Đang thực hiện");
    assert_string_equal(vn_attainment("achieved"), "đạt");
    assert_string_equal(vn_attainment("no_data"), "chưa có số liệu");
    assert_string_equal(vn_attainment("something_new"), "something_new");
    assert_string_equal(vn_attainment(NULL), "");
    assert_string_equal(vn_pilot_status("piloting"), "Đang thí điểm");
}

static void short_dates_read_day_month_year(void **state)
{
    char b[32];
    assert_string_equal(vn_short_date(b, sizeof b, "2017-06-14"), "14/06/2017");
    assert_string_equal(vn_short_date(b, sizeof b, "later"), "later");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_group_thousands_with_dots_and_take_a_decimal_comma),
        cmocka_unit_test(dates_take_a_leading_zero_for_days_under_ten_and_months_one_and_two),
        cmocka_unit_test(periods_read_as_the_report_titles_say),
        cmocka_unit_test(statuses_and_attainments_have_vietnamese_words),
        cmocka_unit_test(short_dates_read_day_month_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

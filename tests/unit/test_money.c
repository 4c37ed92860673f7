/* Unit tests: amounts of đồng written as numbers or strings (service/src/domain/money.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/money.h"

static const char *const fields[] = {"estimate", "spent", NULL};

static void amounts_become_strings_of_their_digits(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:I, s:I, s:I, s:n}", "estimate", (json_int_t)MONEY_MAX, "spent",
                          (json_int_t)-250000, "year", (json_int_t)2017, "appraised");
    money_write(o, fields, true);
    assert_string_equal(json_string_value(json_object_get(o, "estimate")), "1000000000000000");
    assert_string_equal(json_string_value(json_object_get(o, "spent")), "-250000");
    assert_int_equal(json_integer_value(json_object_get(o, "year")), 2017); /* not an amount */
    json_decref(o);
}

static void sums_written_as_text_become_numbers_when_they_fit(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s, s:s}", "estimate", "9223372036854775807", "spent",
                          "9223372036854775808"); /* one past int64: stays a string */
    money_write(o, fields, false);
    assert_true(json_is_integer(json_object_get(o, "estimate")));
    assert_int_equal(json_integer_value(json_object_get(o, "estimate")), INT64_MAX);
    assert_string_equal(json_string_value(json_object_get(o, "spent")), "9223372036854775808");
    json_decref(o);
}

static void null_and_absent_amounts_are_left_alone(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:n}", "estimate");
    money_write(o, fields, true);
    assert_true(json_is_null(json_object_get(o, "estimate")));
    assert_null(json_object_get(o, "spent"));
    json_decref(o);
}

static void every_item_of_a_list_is_written(void **state)
{
    (void)state;
    json_t *a = json_pack("[{s:I}, {s:I}]", "spent", (json_int_t)1, "spent", (json_int_t)2);
    money_write_all(a, fields, true);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "spent")), "2");
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amounts_become_strings_of_their_digits),
        cmocka_unit_test(sums_written_as_text_become_numbers_when_they_fit),
        cmocka_unit_test(null_and_absent_amounts_are_left_alone),
        cmocka_unit_test(every_item_of_a_list_is_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: keyset cursors and base64url (service/src/domain/page.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/page.h"

static void base64url_round_trips_every_length(void **state)
{
    unsigned char data[64], back[64];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len <= sizeof data; len++) {
        char *text = base64url_encode(data, len);
        assert_non_null(text);
        assert_null(strpbrk(text, "+/="));
        assert_int_equal(base64url_decode(text, back, sizeof back), (long)len);
        assert_memory_equal(back, data, len);
        free(text);
    }
}

static void base64url_rejects_foreign_text(void **state)
{
    unsigned char out[16];
    assert_int_equal(base64url_decode("a", out, sizeof out), -1);    /* impossible length */
    assert_int_equal(base64url_decode("ab+c", out, sizeof out), -1); /* standard alphabet */
    assert_int_equal(base64url_decode("ab=c", out, sizeof out), -1); /* padding */
    assert_int_equal(base64url_decode("AAAAAAAAAAAAAAAAAAAAAAAA", out, 4), -1); /* overflow */
}

static void cursor_round_trips_keys(void **state)
{
    const char *keys[] = {"2", "883"};
    char *cursor = page_cursor_encode(keys, 2);
    page_request page = {.limit = 10};
    pm_error err = {0};
    assert_int_equal(page_cursor_decode(cursor, &page, &err), PM_OK);
    assert_int_equal(page.nkeys, 2);
    assert_string_equal(page.after[0], "2");
    assert_string_equal(page.after[1], "883");
    assert_int_equal(page_expect_keys(&page, 2, &err), PM_OK);
    assert_int_equal(page_expect_keys(&page, 1, &err), PM_INVALID_PARAMETER);
    pm_error_reset(&err);
    free(cursor);
}

static void cursor_rejects_what_it_did_not_make(void **state)
{
    const char *bad[] = {"",
                         "!!!",
                         "e30",
                         /* {} */ "W10",
                         /* [] */ "WzFd", /* [1] */
                         "WyJhIiwiYiIsImMiLCJkIiwiZSJd" /* five keys */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        page_request page = {.limit = 10};
        pm_error err = {0};
        assert_int_equal(page_cursor_decode(bad[i], &page, &err), PM_INVALID_PARAMETER);
        assert_non_null(err.errors);
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(err.errors, 0), "field")), "cursor");
        pm_error_reset(&err);
    }
}

static void numeric_keys(void **state)
{
    assert_true(page_key_is_number("89"));
    assert_true(page_key_is_number("30280"));
    assert_false(page_key_is_number(""));
    assert_false(page_key_is_number("8a"));
    assert_true(page_key_is_number("123456789012345678"));
    assert_false(page_key_is_number("1234567890123456789"));
}

/* A list sorted by (seq, code) binds a cursor whose first key is a number and second a text. */
static void bind_checks_only_the_numeric_keys(void **state)
{
    const char *keys[] = {"3", "II.3.1"};
    char *cursor = page_cursor_encode(keys, 2), limit[16];
    page_request page = {.limit = 10};
    pm_error err = {0};
    assert_int_equal(page_cursor_decode(cursor, &page, &err), PM_OK);
    assert_int_equal(page_bind(&page, 2, 1, limit, &err), PM_OK);
    assert_string_equal(limit, "11");
    assert_int_equal(page_bind(&page, 2, 2, limit, &err), PM_INVALID_PARAMETER);
    pm_error_reset(&err);
    assert_int_equal(page_bind(&page, 1, 0, limit, &err), PM_INVALID_PARAMETER);
    pm_error_reset(&err);
    free(cursor);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64url_round_trips_every_length),
        cmocka_unit_test(base64url_rejects_foreign_text),
        cmocka_unit_test(cursor_round_trips_keys),
        cmocka_unit_test(cursor_rejects_what_it_did_not_make),
        cmocka_unit_test(numeric_keys),
        cmocka_unit_test(bind_checks_only_the_numeric_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

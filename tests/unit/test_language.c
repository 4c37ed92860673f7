/* Unit tests: choosing Vietnamese or English from Accept-Language (domain/language.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/language.h"

static void vietnamese_when_asked_for(void **state)
{
    assert_true(language_prefers_vietnamese("vi"));
    assert_true(language_prefers_vietnamese("vi-VN"));
    assert_true(language_prefers_vietnamese("VI-vn,en;q=0.8"));
    assert_true(language_prefers_vietnamese("fr, vi;q=0.9"));
    assert_true(language_prefers_vietnamese("en;q=0.3, vi;q=0.7"));
    assert_true(language_prefers_vietnamese("vi, en")); /* alike: the earlier listed */
}

static void english_otherwise(void **state)
{
    assert_false(language_prefers_vietnamese(NULL));
    assert_false(language_prefers_vietnamese(""));
    assert_false(language_prefers_vietnamese("en"));
    assert_false(language_prefers_vietnamese("en-US,vi;q=0.5"));
    assert_false(language_prefers_vietnamese("en, vi"));
    assert_false(language_prefers_vietnamese("fr"));
    assert_false(language_prefers_vietnamese("vi;q=0"));
    assert_false(language_prefers_vietnamese("*, vi;q=0.5"));
    assert_false(language_prefers_vietnamese("vie"));      /* not the tag "vi" */
    assert_false(language_prefers_vietnamese("vi;q=abc")); /* a malformed q counts as 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vietnamese_when_asked_for),
        cmocka_unit_test(english_otherwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

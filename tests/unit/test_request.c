/* Unit tests: strict JSON bodies, query encoding, entity-tag lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"
#include "http/request.h"

static pm_status parse(const char *text, json_t **out)
{
    pm_error err = {0};
    pm_status st = req_parse_json_object(text, strlen(text), out, &err);
    if (st != PM_OK)
        assert_true(err.detail[0] != '\0');
    pm_error_reset(&err);
    return st;
}

static void json_bodies_are_parsed_strictly(void **state)
{
    json_t *v = NULL;
    assert_int_equal(parse("{\"a\": 1}", &v), PM_OK);
    assert_true(json_is_object(v));
    json_decref(v);
    const char *bad[] = {
        "{\"a\": 1, \"a\": 2}", /* duplicate key */
        "[1, 2]",               /* not an object */
        "\"text\"",
        "42",
        "null",
        "{\"a\": 1} {}",        /* trailing data */
        "{\"a\": 1",            /* truncated */
        "{\"a\": \"\\u0000\"}", /* NUL inside a string */
        "{\"a\": \"\xff\"}",    /* invalid UTF-8 */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = NULL;
        assert_int_equal(parse(bad[i], &v), PM_INVALID_JSON);
        assert_null(v);
    }
}

static void deep_nesting_is_refused_not_crashed(void **state)
{
    size_t depth = 10000;
    char *text = malloc(depth * 2 + 3);
    text[0] = '{';
    memcpy(text + 1, "\"a\":", 4);
    size_t o = 5;
    for (size_t i = 0; i < depth; i++)
        text[o++] = '[';
    for (size_t i = 0; i < depth && o < depth * 2; i++)
        text[o++] = ']';
    text[o] = '\0';
    json_t *v = NULL;
    assert_int_equal(parse(text, &v), PM_INVALID_JSON);
    free(text);
}

static void query_components_are_percent_encoded(void **state)
{
    char *s = req_url_encode("Đông Xuyên&x=1/2");
    assert_string_equal(s, "%C4%90%C3%B4ng%20Xuy%C3%AAn%26x%3D1%2F2");
    free(s);
    s = req_url_encode("A-z_0.9~");
    assert_string_equal(s, "A-z_0.9~");
    free(s);
}

static void entity_tag_lists_match_weak_strong_and_star(void **state)
{
    const char *etag = "\"0123456789abcdef\"";
    assert_true(reply_etag_listed("\"0123456789abcdef\"", etag));
    assert_true(reply_etag_listed("W/\"0123456789abcdef\"", etag));
    assert_true(reply_etag_listed("\"x\", \"0123456789abcdef\"", etag));
    assert_true(reply_etag_listed("*", etag));
    assert_false(reply_etag_listed("\"0123456789abcdee\"", etag));
    assert_false(reply_etag_listed("\"0123456789abcdef0\"", etag));
    assert_false(reply_etag_listed(NULL, etag));
}

static void etags_depend_on_every_byte(void **state)
{
    char a[24], b[24];
    reply_etag("{\"v\":1}", 7, a, sizeof a);
    reply_etag("{\"v\":2}", 7, b, sizeof b);
    assert_int_equal(strlen(a), 18);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_bodies_are_parsed_strictly),
        cmocka_unit_test(deep_nesting_is_refused_not_crashed),
        cmocka_unit_test(query_components_are_percent_encoded),
        cmocka_unit_test(entity_tag_lists_match_weak_strong_and_star),
        cmocka_unit_test(etags_depend_on_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the status -> problem mapping and the SQLSTATE -> status mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/query.h"
#include "http/problem.h"
#include "messages.h"

static void every_status_has_an_error_code_and_class(void **state)
{
    for (int s = PM_OK + 1; s < PM_STATUS_COUNT; s++) {
        int http = problem_http_status((pm_status)s);
        assert_true(http >= 400 && http <= 599);
        for (int t = s + 1; t < PM_STATUS_COUNT; t++)
            assert_string_not_equal(problem_code((pm_status)s), problem_code((pm_status)t));
    }
}

static void statuses_follow_the_interface_conventions(void **state)
{
    struct {
        pm_status s;
        int http;
        const char *code;
    } expect[] = {
        {PM_INVALID_JSON, 400, "invalid_json"},
        {PM_UNAUTHORIZED, 401, "unauthorized"},
        {PM_TOKEN_EXPIRED, 401, "token_expired"},
        {PM_UNKNOWN_PARAMETER, 400, "unknown_parameter"},
        {PM_VALIDATION_FAILED, 422, "validation_failed"},
        {PM_NOT_FOUND, 404, "not_found"},
        {PM_METHOD_NOT_ALLOWED, 405, "method_not_allowed"},
        {PM_CONFLICT, 409, "conflict"},
        {PM_PRECONDITION_FAILED, 412, "precondition_failed"},
        {PM_PAYLOAD_TOO_LARGE, 413, "payload_too_large"},
        {PM_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type"},
        {PM_PRECONDITION_REQUIRED, 428, "precondition_required"},
        {PM_UNAVAILABLE, 503, "service_unavailable"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        assert_int_equal(problem_http_status(expect[i].s), expect[i].http);
        assert_string_equal(problem_code(expect[i].s), expect[i].code);
    }
}

static void problem_body_carries_every_member(void **state)
{
    pm_error err = {0};
    pm_fail_field(&err, PM_INVALID_PARAMETER, "limit", "invalid", "limit must be a whole number");
    json_t *body = problem_new(&err, "/v1/agencies", "req-1", false);
    assert_string_equal(json_string_value(json_object_get(body, "type")),
                        "urn:planmon:problem:invalid_parameter");
    assert_int_equal(json_integer_value(json_object_get(body, "status")), 400);
    assert_string_equal(json_string_value(json_object_get(body, "code")), "invalid_parameter");
    assert_string_equal(json_string_value(json_object_get(body, "detail")),
                        "limit must be a whole number");
    assert_string_equal(json_string_value(json_object_get(body, "request_id")), "req-1");
    assert_string_equal(json_string_value(json_object_get(body, "instance")), "/v1/agencies");
    json_t *first = json_array_get(json_object_get(body, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "field")), "limit");
    json_decref(body);
    pm_error_reset(&err);
}

/* Accept-Language: vi: the title, the detail and the field messages in Vietnamese, from the
 * catalogue (service/messages/vi.tsv), with the same code; the English otherwise. */
static void problem_body_speaks_vietnamese_when_asked(void **state)
{
    pm_error err = {0};
    pm_fail_field(&err, PM_INVALID_PARAMETER, "limit", "invalid",
                  MSG("%s must be a whole number from %ld to %ld"), "limit", 1L, 500L);
    json_t *en = problem_new(&err, "/v1/agencies", "r", false);
    json_t *vi = problem_new(&err, "/v1/agencies", "r", true);
    const char *title_en = json_string_value(json_object_get(en, "title"));
    const char *title_vi = json_string_value(json_object_get(vi, "title"));
    assert_string_equal(title_en, "A parameter has an invalid value");
    assert_string_not_equal(title_vi, title_en);
    assert_string_equal(title_vi, msg_vi("A parameter has an invalid value"));
    const char *detail_vi = json_string_value(json_object_get(vi, "detail"));
    assert_string_not_equal(detail_vi, json_string_value(json_object_get(en, "detail")));
    assert_non_null(strstr(detail_vi, "limit"));
    assert_non_null(strstr(detail_vi, "500"));
    json_t *field = json_array_get(json_object_get(vi, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(field, "message")), detail_vi);
    assert_string_equal(json_string_value(json_object_get(field, "code")), "invalid");
    assert_null(json_object_get(field, "message_vi"));
    assert_string_equal(json_string_value(json_object_get(vi, "code")), "invalid_parameter");
    json_decref(en);
    json_decref(vi);
    pm_error_reset(&err);
}

static void client_bytes_that_are_not_utf8_never_break_the_body(void **state)
{
    pm_error err = {0};
    pm_fail_field(&err, PM_UNKNOWN_PARAMETER, "bad\xff\xfe", "unknown",
                  "unknown query parameter 'bad\xff'");
    json_t *body = problem_new(&err, "/x\xc3", "r", false);
    assert_non_null(body);
    assert_non_null(json_object_get(body, "detail"));
    assert_non_null(json_object_get(body, "instance"));
    json_decref(body);
    pm_error_reset(&err);
}

static void sqlstates_map_to_statuses(void **state)
{
    assert_int_equal(db_sqlstate_status("23505"), PM_CONFLICT);
    assert_int_equal(db_sqlstate_status("23514"), PM_VALIDATION_FAILED);
    assert_int_equal(db_sqlstate_status("22P02"), PM_VALIDATION_FAILED);
    assert_int_equal(db_sqlstate_status("40001"), PM_UNAVAILABLE);
    assert_int_equal(db_sqlstate_status("57014"), PM_UNAVAILABLE);
    assert_int_equal(db_sqlstate_status("57P01"), PM_UNAVAILABLE);
    assert_int_equal(db_sqlstate_status("08006"), PM_UNAVAILABLE);
    assert_int_equal(db_sqlstate_status(NULL), PM_UNAVAILABLE);
    assert_int_equal(db_sqlstate_status("42P01"), PM_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_an_error_code_and_class),
        cmocka_unit_test(statuses_follow_the_interface_conventions),
        cmocka_unit_test(problem_body_carries_every_member),
        cmocka_unit_test(problem_body_speaks_vietnamese_when_asked),
        cmocka_unit_test(client_bytes_that_are_not_utf8_never_break_the_body),
        cmocka_unit_test(sqlstates_map_to_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

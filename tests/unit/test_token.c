/* Unit tests: access token claims (service/src/auth/token.c) and body validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "auth/token_cache.h"
#include "domain/validate.h"

static const time_t NOW = 1800000000;

static auth_keys hs256_keys(void)
{
    static char secret[] = "0123456789abcdef0123456789abcdef-test";
    auth_keys k = {.alg = JWT_ALG_HS256,
                   .issuer = "planmon",
                   .audience = "planmon",
                   .ttl_s = 900,
                   .max_ttl_s = 900};
    k.sign_key = k.verify_key = (unsigned char *)secret;
    k.sign_len = k.verify_len = (int)strlen(secret);
    strcpy(k.kid, "t");
    return k;
}

static json_t *good_claims(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:i}", "iss", "planmon", "aud",
                     "planmon", "sub", "longxuyen.officer", "role", "officer", "agency", "UBND-883",
                     "iat", (json_int_t)NOW - 100, "nbf", (json_int_t)NOW - 100, "exp",
                     (json_int_t)NOW + 800, "jti", "abc", "sv", 3);
}

/* Checks good claims with one member replaced (or removed, when value is NULL). */
static const char *check_with(const char *name, json_t *value)
{
    auth_keys k = hs256_keys();
    json_t *c = good_claims();
    if (value)
        json_object_set_new(c, name, value);
    else
        json_object_del(c, name);
    principal who;
    const char *why = token_check_claims(&k, c, NOW, &who);
    json_decref(c);
    return why;
}

static void good_claims_pass_and_fill_the_principal(void **state)
{
    auth_keys k = hs256_keys();
    json_t *c = good_claims();
    principal who;
    assert_null(token_check_claims(&k, c, NOW, &who));
    assert_true(who.authenticated);
    assert_string_equal(who.username, "longxuyen.officer");
    assert_int_equal(who.role, ROLE_OFFICER);
    assert_int_equal(who.session_version, 3);
    assert_string_equal(who.agency, "UBND-883");
    json_decref(c);
}

static void every_claim_is_checked(void **state)
{
    assert_non_null(check_with("exp", NULL));
    assert_non_null(check_with("exp", json_string("1800000900")));
    assert_non_null(check_with("exp", json_real(1800000900.0)));
    assert_non_null(check_with("exp", json_integer(NOW - 61))); /* expired beyond leeway */
    assert_null(check_with("exp", json_integer(NOW - 30)));     /* within leeway */
    assert_non_null(check_with("nbf", json_integer(NOW + 120)));
    assert_non_null(check_with("iat", json_integer(NOW + 120)));
    assert_non_null(check_with("iat", NULL));
    assert_non_null(check_with("iat", json_integer(NOW - 2000))); /* lifetime above max */
    assert_non_null(check_with("iss", json_string("someone-else")));
    assert_non_null(check_with("aud", json_string("other")));
    assert_null(check_with("aud", json_pack("[s,s]", "other", "planmon")));
    assert_non_null(check_with("aud", json_pack("[s]", "other")));
    assert_non_null(check_with("sub", NULL));
    assert_non_null(check_with("sub", json_string("")));
    assert_non_null(check_with("role", json_string("superuser")));
    assert_non_null(check_with("role", NULL));
    assert_non_null(check_with("agency", NULL));
    assert_non_null(check_with("agency", json_integer(5)));
    assert_non_null(check_with("sv", NULL));
    assert_non_null(check_with("sv", json_string("3")));
}

static void issued_tokens_verify_and_tampering_does_not(void **state)
{
    auth_keys k = hs256_keys();
    principal who = {.authenticated = true, .role = ROLE_MANAGER};
    strcpy(who.username, "longxuyen.manager");
    strcpy(who.agency, "UBND-883");
    char *token = token_issue(&k, &who, time(NULL), 600);
    assert_non_null(token);
    principal back;
    pm_error err = {0};
    assert_int_equal(token_verify(&k, token, time(NULL), &back, &err), PM_OK);
    assert_string_equal(back.username, "longxuyen.manager");
    assert_int_equal(back.role, ROLE_MANAGER);
    char *dot = strrchr(token, '.');
    dot[1] = dot[1] == 'A' ? 'B' : 'A'; /* signature changed */
    assert_int_equal(token_verify(&k, token, time(NULL), &back, &err), PM_UNAUTHORIZED);
    pm_error_reset(&err);
    free(token);
}

/* Expiry alone is told apart (the client refreshes), and only for a token that is ours. */
static void an_expired_token_says_so_unless_its_signature_is_wrong(void **state)
{
    auth_keys k = hs256_keys();
    principal who = {.authenticated = true, .role = ROLE_OFFICER};
    strcpy(who.username, "longxuyen.officer");
    strcpy(who.agency, "UBND-883");
    char *token = token_issue(&k, &who, NOW - 1000, 900); /* expired 100 s ago */
    assert_non_null(token);
    principal back;
    pm_error err = {0};
    assert_int_equal(token_verify(&k, token, NOW, &back, &err), PM_TOKEN_EXPIRED);
    pm_error_reset(&err);
    assert_int_equal(token_verify(&k, token, NOW - 100 + TOKEN_LEEWAY_S, &back, &err), PM_OK);
    char *dot = strrchr(token, '.');
    dot[1] = dot[1] == 'A' ? 'B' : 'A'; /* signature changed */
    assert_int_equal(token_verify(&k, token, NOW, &back, &err), PM_UNAUTHORIZED);
    pm_error_reset(&err);
    free(token);
}

static void an_unsigned_token_is_refused(void **state)
{
    auth_keys k = hs256_keys();
    jwt_t *jwt = NULL;
    jwt_new(&jwt);
    jwt_add_grants_json(jwt,
                        "{\"iss\":\"planmon\",\"aud\":\"planmon\",\"sub\":\"admin\","
                        "\"role\":\"admin\",\"agency\":\"STTTT\",\"iat\":1,\"exp\":4000000000}");
    char *token = jwt_encode_str(jwt); /* alg none */
    principal who;
    pm_error err = {0};
    assert_int_equal(token_verify(&k, token, NOW, &who, &err), PM_UNAUTHORIZED);
    pm_error_reset(&err);
    free(token);
    jwt_free(jwt);
    char big[TOKEN_MAX_BYTES + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(token_verify(&k, big, NOW, &who, &err), PM_UNAUTHORIZED);
    pm_error_reset(&err);
}

/* Only three non-empty base64url segments reach libjwt, which misreads empty ones. */
static void a_token_not_in_compact_form_is_refused(void **state)
{
    auth_keys k = hs256_keys();
    static const char *const malformed[] = {
        "",         ".",       "..",          "a..",
        "a.b.",     ".b.c",    "a..c",        "a.b.c.d",
        "a.b",      "a b.c.d", "a.b.c=",      "a.b.c\n",
        "e30.e30.", "...",     "e30.e30.e30", "eyJhbGciOiJIUzI1NiJ9..sig"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        principal who;
        pm_error err = {0};
        assert_int_equal(token_verify(&k, malformed[i], NOW, &who, &err), PM_UNAUTHORIZED);
        pm_error_reset(&err);
    }
}

static const char *const colours[] = {"red", "green", NULL};
static const field_spec specs[] = {
    V_STRING("name", true, 1, 5),
    V_ENUM("colour", false, colours),
    V_BOOL("on"),
    V_SERVER("version"),
    V_END,
};

static pm_status validate_text(const char *text, validate_mode mode, const char **field)
{
    json_t *body = json_loads(text, 0, NULL);
    pm_error err = {0};
    pm_status st = validate_body(body, specs, mode, &err);
    static char name[32];
    name[0] = '\0';
    if (err.errors)
        snprintf(name, sizeof name, "%s",
                 json_string_value(json_object_get(json_array_get(err.errors, 0), "field")));
    *field = name;
    pm_error_reset(&err);
    json_decref(body);
    return st;
}

static void bodies_are_validated_by_their_declaration(void **state)
{
    const char *field;
    assert_int_equal(
        validate_text("{\"name\":\"a\",\"colour\":\"red\",\"on\":true}", VALIDATE_CREATE, &field),
        PM_OK);
    assert_int_equal(validate_text("{\"name\":\"a\",\"extra\":1}", VALIDATE_CREATE, &field),
                     PM_BAD_REQUEST);
    assert_string_equal(field, "extra");
    assert_int_equal(validate_text("{\"name\":\"a\",\"version\":2}", VALIDATE_CREATE, &field),
                     PM_BAD_REQUEST);
    assert_string_equal(field, "version");
    assert_int_equal(validate_text("{}", VALIDATE_CREATE, &field), PM_VALIDATION_FAILED);
    assert_string_equal(field, "name");
    assert_int_equal(validate_text("{}", VALIDATE_PATCH, &field), PM_OK);
    assert_int_equal(validate_text("{\"name\":\"toolong\"}", VALIDATE_PATCH, &field),
                     PM_VALIDATION_FAILED);
    assert_int_equal(validate_text("{\"colour\":\"blue\"}", VALIDATE_PATCH, &field),
                     PM_VALIDATION_FAILED);
    assert_string_equal(field, "colour");
    assert_int_equal(validate_text("{\"on\":\"yes\"}", VALIDATE_PATCH, &field),
                     PM_VALIDATION_FAILED);
    assert_int_equal(validate_text("{\"name\":null}", VALIDATE_PATCH, &field),
                     PM_VALIDATION_FAILED);
}

static void dates_are_real_calendar_dates(void **state)
{
    assert_true(validate_date("2016-07-15"));
    assert_true(validate_date("2020-02-29")); /* leap year */
    assert_false(validate_date("2019-02-29"));
    assert_false(validate_date("1900-02-29")); /* century, not a leap year */
    assert_true(validate_date("2000-02-29"));  /* 400th year is */
    assert_false(validate_date("2016-13-01"));
    assert_false(validate_date("2016-04-31"));
    assert_false(validate_date("2016-7-15"));
    assert_false(validate_date("15/07/2016"));
    assert_false(validate_date("2016-07-15T00:00:00Z"));
    assert_false(validate_date(""));
}

static void name_lists_hold_known_names_separated_by_commas(void **state)
{
    static const char *const names[] = {"tasks", "task-updates", "users", NULL};
    assert_true(validate_name_list("tasks", names));
    assert_true(validate_name_list("tasks,users", names));
    assert_true(validate_name_list("task-updates,tasks,task-updates", names));
    assert_false(validate_name_list("", names));
    assert_false(validate_name_list("task", names));   /* a prefix of a name */
    assert_false(validate_name_list("tasksx", names)); /* a name and more */
    assert_false(validate_name_list("tasks,", names));
    assert_false(validate_name_list(",tasks", names));
    assert_false(validate_name_list("tasks,,users", names));
    assert_false(validate_name_list("tasks, users", names));
    assert_false(validate_name_list("tasks,plans", names));
}

static void verified_tokens_are_remembered_until_they_expire(void **state)
{
    unsigned char a[TOKEN_HASH_BYTES], b[TOKEN_HASH_BYTES];
    token_cache_hash("token-a", 7, a);
    token_cache_hash("token-b", 7, b);
    principal who = {.authenticated = true, .role = ROLE_VIEWER, .expires_at = NOW + 100};
    strcpy(who.username, "viewer");
    token_cache_put(a, &who);
    principal out;
    assert_true(token_cache_get(a, NOW, TOKEN_LEEWAY_S, &out));
    assert_string_equal(out.username, "viewer");
    assert_false(token_cache_get(b, NOW, TOKEN_LEEWAY_S, &out));       /* another token */
    assert_true(token_cache_get(a, NOW + 160, TOKEN_LEEWAY_S, &out));  /* within the leeway */
    assert_false(token_cache_get(a, NOW + 161, TOKEN_LEEWAY_S, &out)); /* expired */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_claims_pass_and_fill_the_principal),
        cmocka_unit_test(every_claim_is_checked),
        cmocka_unit_test(issued_tokens_verify_and_tampering_does_not),
        cmocka_unit_test(an_expired_token_says_so_unless_its_signature_is_wrong),
        cmocka_unit_test(an_unsigned_token_is_refused),
        cmocka_unit_test(a_token_not_in_compact_form_is_refused),
        cmocka_unit_test(bodies_are_validated_by_their_declaration),
        cmocka_unit_test(dates_are_real_calendar_dates),
        cmocka_unit_test(name_lists_hold_known_names_separated_by_commas),
        cmocka_unit_test(verified_tokens_are_remembered_until_they_expire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

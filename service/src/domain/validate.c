/* validate.c: declared body validation (see validate.h). */
#include "domain/validate.h"

#include <stdio.h>
#include <string.h>

#include "jsonutil.h"

static const field_spec *find(const field_spec *specs, const char *name)
{
    for (const field_spec *s = specs; s->name; s++)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

bool validate_date(const char *s)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1900 || y > 2200 || m < 1 ||
        m > 12 || d < 1)
        return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

static bool enum_has(const char *const *values, const char *v)
{
    for (size_t i = 0; values && values[i]; i++)
        if (strcmp(values[i], v) == 0)
            return true;
    return false;
}

/* Checks one present value; appends to err and returns false when it is not acceptable. */
static bool check_value(const field_spec *s, const json_t *v, pm_error *err)
{
    switch (s->type) {
    case FIELD_BOOL:
        if (json_is_boolean(v))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "type", "%s must be true or false",
                      s->name);
        return false;
    case FIELD_ENUM:
        if (json_is_string(v) && enum_has(s->values, json_string_value(v)))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "enum",
                      "%s is not one of the allowed values", s->name);
        return false;
    case FIELD_STRING: {
        size_t len = json_is_string(v) ? json_string_length(v) : 0;
        if (!json_is_string(v)) {
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "type", "%s must be a string",
                          s->name);
            return false;
        }
        if (len < s->min_len || len > s->max_len || strlen(json_string_value(v)) != len) {
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "length",
                          "%s must be %zu to %zu bytes long", s->name, s->min_len, s->max_len);
            return false;
        }
        if (s->check && !s->check(json_string_value(v))) {
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "format", "%s must be %s", s->name,
                          s->pattern_hint ? s->pattern_hint : "well-formed");
            return false;
        }
        return true;
    }
    case FIELD_DATE:
        if (json_is_string(v) && validate_date(json_string_value(v)))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "date",
                      "%s must be a date written YYYY-MM-DD", s->name);
        return false;
    case FIELD_SERVER:
        break;
    }
    return false;
}

pm_status validate_body(const json_t *body, const field_spec *specs, validate_mode mode,
                        pm_error *err)
{
    const char *key;
    json_t *v;
    /* Structural problems first: they are 400 whatever else is wrong. */
    json_object_foreach((json_t *)body, key, v)
    {
        const field_spec *s = find(specs, key);
        if (!s)
            return pm_fail_field(err, PM_BAD_REQUEST, key, "unknown_field",
                                 "%.64s is not a field of this resource", key);
        if (s->type == FIELD_SERVER)
            return pm_fail_field(err, PM_BAD_REQUEST, key, "server_owned",
                                 "%.64s is set by the server and cannot be sent", key);
    }
    bool ok = true;
    for (const field_spec *s = specs; s->name; s++) {
        if (s->type == FIELD_SERVER)
            continue;
        json_t *value = json_object_get(body, s->name);
        if (!value) {
            if (mode == VALIDATE_CREATE && s->required) {
                pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "required", "%s is required",
                              s->name);
                ok = false;
            }
            continue;
        }
        if (json_is_null(value)) {
            if (s->nullable)
                continue;
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "required", "%s cannot be null",
                          s->name);
            ok = false;
            continue;
        }
        ok = check_value(s, value, err) && ok;
    }
    if (!ok) {
        err->status = PM_VALIDATION_FAILED;
        return PM_VALIDATION_FAILED;
    }
    return PM_OK;
}

const char *validate_string(const json_t *body, const char *name)
{
    return json_string_value(json_object_get(body, name));
}

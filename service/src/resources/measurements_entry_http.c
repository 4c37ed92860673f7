/* measurements_entry_http.c: one measurement entry, shared by single writes and bulk import (see
 * measurements_entry_http.h). */
#include "resources/measurements_entry_http.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/access.h"
#include "domain/clock.h"
#include "domain/validate.h"
#include "jsonutil.h"
#include "resources/archive_http.h"

enum { MAX_EVIDENCE = 20, MAX_TEXT_VALUE = 20000 };

pm_status measurement_evidence_field(const char *name, const json_t *value, pm_error *err)
{
    return validate_array(name, value, MAX_EVIDENCE, validate_url, err);
}

/* Any JSON value: its type is checked against the indicator's value type later. */
pm_status measurement_any_value(const char *name, const json_t *value, pm_error *err)
{
    (void)name, (void)value, (void)err;
    return PM_OK;
}

/* Entering and submitting: editors anywhere, others within scope. */
pm_status measurement_may_enter(const http_ctx *ctx, bool in_scope, pm_error *err)
{
    if (access_may_enter(&ctx->who, in_scope))
        return PM_OK;
    return pm_fail_field(err, PM_FORBIDDEN, "unit", "out_of_scope",
                         MSG("This unit and indicator are outside the scope of agency %s."),
                         ctx->who.agency);
}

/* The JSON value a CSV cell stands for under `value_type`, or NULL when it stands for none. */
json_t *measurement_value_from_text(const char *value_type, const char *text)
{
    char *end;
    if (strcmp(value_type, "text") == 0)
        return json_string(text);
    if (strcmp(value_type, "boolean") == 0) {
        if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0)
            return json_true();
        if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0)
            return json_false();
        return NULL;
    }
    if (strcmp(value_type, "percentage") == 0) {
        const char *slash = strchr(text, '/');
        if (!slash || slash == text)
            return NULL;
        double n = strtod(text, &end), d;
        if (end != slash || !slash[1])
            return NULL;
        d = strtod(slash + 1, &end);
        return *end ? NULL : json_pack("{s:f, s:f}", "numerator", n, "denominator", d);
    }
    if (!*text || strspn(text, "0123456789.-+eE") != strlen(text))
        return NULL;
    if (strcmp(value_type, "count") == 0) {
        long long v = strtoll(text, &end, 10);
        return *end ? NULL : json_integer(v);
    }
    double v = strtod(text, &end);
    return *end ? NULL : json_real(v);
}

static bool finite_number(const json_t *v)
{
    return json_is_number(v) && isfinite(json_number_value(v));
}

/* Puts `value`, checked against `value_type`, into `row` as its column fields. */
pm_status measurement_put_value(json_t *row, const char *value_type, const json_t *value,
                                pm_error *err)
{
    static const char *const value_columns[] = {"value_bool", "value_num", "value_text",
                                                "numerator", "denominator"};
    for (size_t i = 0; i < 5; i++)
        json_object_set_new(row, value_columns[i], json_null());
    if (strcmp(value_type, "boolean") == 0 && json_is_boolean(value))
        return json_object_set(row, "value_bool", (json_t *)value), PM_OK;
    if (strcmp(value_type, "count") == 0 && json_is_integer(value) &&
        json_integer_value(value) >= 0 && json_integer_value(value) <= (1LL << 53))
        return json_object_set(row, "value_num", (json_t *)value), PM_OK;
    if (strcmp(value_type, "number") == 0 && finite_number(value) &&
        fabs(json_number_value(value)) < 1e15)
        return json_object_set(row, "value_num", (json_t *)value), PM_OK;
    if (strcmp(value_type, "text") == 0 && json_is_string(value) &&
        json_string_length(value) >= 1 && json_string_length(value) <= MAX_TEXT_VALUE &&
        strlen(json_string_value(value)) == json_string_length(value))
        return json_object_set(row, "value_text", (json_t *)value), PM_OK;
    if (strcmp(value_type, "percentage") == 0 && json_is_object(value) &&
        json_object_size(value) == 2) {
        const json_t *n = json_object_get(value, "numerator");
        const json_t *d = json_object_get(value, "denominator");
        if (finite_number(n) && finite_number(d) && json_number_value(d) > 0 &&
            json_number_value(d) < 1e15 && json_number_value(n) >= 0 &&
            json_number_value(n) <= json_number_value(d)) {
            json_object_set(row, "numerator", (json_t *)n);
            json_object_set(row, "denominator", (json_t *)d);
            return PM_OK;
        }
    }
    static const char *const forms[][2] = {
        {"boolean", MSG("true or false")},
        {"count", MSG("a whole number from 0")},
        {"number", MSG("a number")},
        {"percentage", MSG("{\"numerator\", \"denominator\"} with 0 <= numerator <= denominator")},
        {"text", MSG("a text of 1 to 20000 bytes")},
    };
    const char *form = MSG("a value");
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(forms[i][0], value_type) == 0)
            form = forms[i][1];
    return pm_fail_field_with(err, PM_VALIDATION_FAILED, "value", "type",
                              MSG("value must be %s for this indicator"), form);
}

/* Parses the period of `body` into `p` (422 naming period otherwise). */
pm_status measurement_parse_period(const http_ctx *ctx, const json_t *body, period *p,
                                   pm_error *err)
{
    if (period_parse(json_member_string(body, "period"), ctx->app->cfg->report_due_days, p))
        return PM_OK;
    return pm_fail_field_with(err, PM_VALIDATION_FAILED, "period", "invalid",
                              MSG("period is not a period id; the forms are %s"), period_forms);
}

/* Checks an entry against what it meets (`c`, from measurement_repo_context or _classify):
 * the indicator exists and takes entries, the unit exists at the period's end at the
 * indicator's level, the period is of the indicator's type and has begun (nothing in a period
 * to come can have been measured), and the caller may enter it. */
pm_status measurement_check_entry(const http_ctx *ctx, const json_t *c, const period *p,
                                  pm_error *err)
{
    if (!json_is_true(json_object_get(c, "indicator_known")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "unknown",
                             MSG("indicator names no indicator"));
    if (strcmp(json_member_string(c, "rollup"), "pilot_registry") == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "derived",
                             MSG("This indicator is derived from the pilot-site registry."));
    if (!json_is_true(json_object_get(c, "unit_known")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "unknown",
                             MSG("unit names no administrative unit"));
    if (strcmp(json_member_string(c, "period_type"), period_type_names[p->type]) != 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "wrong_type",
                             MSG("This indicator is collected per %s period."),
                             json_member_string(c, "period_type"));
    if (!json_is_true(json_object_get(c, "period_started")))
        return pm_fail_field(
            err, PM_VALIDATION_FAILED, "period", "not_started",
            MSG("The period has not begun; nothing in it can have been measured."));
    if (json_integer_value(json_object_get(c, "unit_level")) !=
        json_integer_value(json_object_get(c, "level")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "wrong_level",
                             MSG("This indicator is collected for units of level %lld."),
                             (long long)json_integer_value(json_object_get(c, "level")));
    if (!json_is_true(json_object_get(c, "unit_exists")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "not_existing",
                             MSG("The unit did not exist at the end of the period."));
    return measurement_may_enter(ctx, json_is_true(json_object_get(c, "in_scope")), err);
}

bool measurement_late(const period *p)
{
    return period_days(clock_today()) > period_days(p->due);
}

/* The row an entry writes: its keys, its period's dates, whether it is written late, and its
 * value under `value_type`. */
pm_status measurement_make_row(const json_t *body, const period *p, const char *value_type,
                               json_t **out, pm_error *err)
{
    char start[11], end[11];
    period_date_text(p->start, start);
    period_date_text(p->end, end);
    json_t *row = json_pack(
        "{s:O, s:O, s:s, s:s, s:s}", "indicator", json_object_get(body, "indicator"), "unit",
        json_object_get(body, "unit"), "period", p->id, "period_start", start, "period_end", end);
    json_object_set_new(row, "late_entry", json_boolean(measurement_late(p)));
    const json_t *comment = json_object_get(body, "comment");
    json_object_set_new(row, "comment", comment ? json_incref((json_t *)comment) : json_null());
    const json_t *evidence = json_object_get(body, "evidence");
    if (evidence)
        json_object_set(row, "evidence", (json_t *)evidence);
    pm_status st = measurement_put_value(row, value_type, json_object_get(body, "value"), err);
    if (st != PM_OK) {
        json_decref(row);
        return st;
    }
    *out = row;
    return PM_OK;
}

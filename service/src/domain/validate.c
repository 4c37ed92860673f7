/* validate.c: declared body validation (see validate.h). */
#include "domain/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/timestamp.h"
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

/* The number of characters of a JSON string's value (Jansson holds valid UTF-8), or SIZE_MAX
 * when it holds a NUL byte, which no text field accepts. */
static size_t text_length(const json_t *v)
{
    const char *s = json_string_value(v);
    size_t bytes = json_string_length(v), chars = 0;
    if (strlen(s) != bytes)
        return SIZE_MAX;
    for (size_t i = 0; i < bytes; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

static bool enum_has(const char *const *values, const char *v)
{
    for (size_t i = 0; values && values[i]; i++)
        if (strcmp(values[i], v) == 0)
            return true;
    return false;
}

void validate_join_names(const char *const *names, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; names && names[i]; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? ", " : "", names[i]);
    }
}

bool validate_name_list(const char *list, const char *const *names)
{
    for (const char *s = list;; s++) {
        size_t n = strcspn(s, ",");
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++)
            known = strlen(names[i]) == n && strncmp(s, names[i], n) == 0;
        if (!known)
            return false;
        s += n;
        if (!*s)
            return true;
    }
}

/* Checks one present value; appends to err and returns false when it is not acceptable. */
static bool check_value(const field_spec *s, const json_t *v, pm_error *err)
{
    switch (s->type) {
    case FIELD_BOOL:
        if (json_is_boolean(v))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "type", MSG("%s must be true or false"),
                      s->name);
        return false;
    case FIELD_ENUM:
        if (json_is_string(v) && enum_has(s->values, json_string_value(v)))
            return true;
        char allowed[512];
        validate_join_names(s->values, allowed, sizeof allowed);
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "enum", MSG("%s must be one of: %s"),
                      s->name, allowed);
        return false;
    case FIELD_STRING: {
        if (!json_is_string(v)) {
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "type", MSG("%s must be a string"),
                          s->name);
            return false;
        }
        size_t len = text_length(v);
        if (len < s->min_len || len > s->max_len) {
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "length",
                          MSG("%s must be %zu to %zu characters long (no NUL)"), s->name,
                          s->min_len, s->max_len);
            return false;
        }
        if (s->check && !s->check(json_string_value(v))) {
            pm_fail_field_named(err, PM_VALIDATION_FAILED, s->name, "format", MSG("%s must be %s"),
                                s->name, s->pattern_hint ? s->pattern_hint : MSG("well-formed"));
            return false;
        }
        return true;
    }
    case FIELD_DATE:
        if (json_is_string(v) && validate_date(json_string_value(v)))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "date",
                      MSG("%s must be a date written YYYY-MM-DD"), s->name);
        return false;
    case FIELD_TIME: {
        timestamp t;
        if (json_is_string(v) && timestamp_parse(json_string_value(v), &t))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "time", MSG("%s must be " TIMESTAMP_FORM),
                      s->name);
        return false;
    }
    case FIELD_INT:
        if (json_is_integer(v) && json_integer_value(v) >= s->min_int &&
            json_integer_value(v) <= s->max_int)
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, json_is_integer(v) ? "range" : "type",
                      MSG("%s must be an integer from %lld to %lld"), s->name, s->min_int,
                      s->max_int);
        return false;
    case FIELD_NUMBER:
        if (json_is_number(v))
            return true;
        pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "type", MSG("%s must be a number"),
                      s->name);
        return false;
    case FIELD_CUSTOM:
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
                                 MSG("%.64s is not a field of this resource"), key);
        if (s->type == FIELD_SERVER)
            return pm_fail_field(err, PM_BAD_REQUEST, key, "server_owned",
                                 MSG("%.64s is set by the server and cannot be sent"), key);
    }
    bool ok = true;
    for (const field_spec *s = specs; s->name; s++) {
        if (s->type == FIELD_SERVER)
            continue;
        json_t *value = json_object_get(body, s->name);
        if (!value) {
            if (mode == VALIDATE_CREATE && s->required) {
                pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "required", MSG("%s is required"),
                              s->name);
                ok = false;
            }
            continue;
        }
        if (json_is_null(value)) {
            if (s->nullable)
                continue;
            pm_fail_field(err, PM_VALIDATION_FAILED, s->name, "required", MSG("%s cannot be null"),
                          s->name);
            ok = false;
            continue;
        }
        if (s->type != FIELD_CUSTOM) {
            ok = check_value(s, value, err) && ok;
            continue;
        }
        pm_status st = s->custom(s->name, value, err);
        if (st == PM_BAD_REQUEST) {
            err->status = PM_BAD_REQUEST;
            return PM_BAD_REQUEST;
        }
        ok = st == PM_OK && ok;
    }
    if (!ok) {
        err->status = PM_VALIDATION_FAILED;
        return PM_VALIDATION_FAILED;
    }
    return PM_OK;
}

pm_status validate_array(const char *name, const json_t *value, size_t max,
                         pm_status (*item)(const char *name, const json_t *item, pm_error *err),
                         pm_error *err)
{
    if (!json_is_array(value))
        return pm_fail_field(err, PM_VALIDATION_FAILED, name, "type", MSG("%s must be an array"),
                             name);
    if (json_array_size(value) > max)
        return pm_fail_field(err, PM_VALIDATION_FAILED, name, "length",
                             MSG("%s may have at most %zu items"), name, max);
    pm_status worst = PM_OK;
    size_t i;
    json_t *v;
    json_array_foreach(value, i, v)
    {
        char item_name[80];
        snprintf(item_name, sizeof item_name, "%.40s[%zu]", name, i);
        pm_status st = item(item_name, v, err);
        if (st == PM_BAD_REQUEST)
            return st;
        if (st != PM_OK)
            worst = st;
    }
    return worst;
}

pm_status validate_short_text(const char *name, const json_t *item, pm_error *err)
{
    size_t len = json_is_string(item) ? text_length(item) : 0;
    if (len >= 1 && len <= 1000)
        return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, name, "invalid",
                         MSG("%s must be a text of 1 to 1000 characters"), name);
}

pm_status validate_url(const char *name, const json_t *item, pm_error *err)
{
    const char *s = json_string_value(item);
    size_t len = s ? json_string_length(item) : 0;
    bool scheme = s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
    const char *host = scheme ? strstr(s, "//") + 2 : NULL;
    if (scheme && len <= 2000 && strlen(s) == len && host && *host && *host != '/' &&
        strcspn(s, " \t\r\n<>\"") == len)
        return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, name, "invalid",
                         MSG("%s must be an http or https URL of at most 2000 bytes"), name);
}

pm_status validate_evidence(const char *name, const json_t *value, pm_error *err)
{
    return validate_array(name, value, VALIDATE_MAX_EVIDENCE, validate_url, err);
}

bool validate_not_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] != '\0';
}

/* Runs of characters from `run` joined by single `sep`s, neither first nor last. */
static bool runs_joined(const char *s, const char *run, char sep)
{
    for (;;) {
        size_t n = strspn(s, run);
        if (n == 0)
            return false;
        s += n;
        if (*s == '\0')
            return true;
        if (*s++ != sep)
            return false;
    }
}

bool validate_code(const char *s)
{
    return runs_joined(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", '-');
}

bool validate_clause(const char *s)
{
    size_t head = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    if (head == 0 || (s[head] != '\0' && s[head] != '.'))
        return false;
    return s[head] == '\0' ||
           runs_joined(s + head + 1,
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", '.');
}

bool validate_slug(const char *s)
{
    return runs_joined(s, "abcdefghijklmnopqrstuvwxyz0123456789", '-');
}

bool validate_symbol_part(const char *s)
{
    return *s && !s[strcspn(s, " \t\r\n/-")];
}

pm_status validate_object_item(const char *name, const json_t *item, const field_spec *specs,
                               pm_error *err)
{
    if (!json_is_object(item))
        return pm_fail_field(err, PM_VALIDATION_FAILED, name, "type", MSG("%s must be an object"),
                             name);
    pm_error inner = {0};
    pm_status st = validate_body(item, specs, VALIDATE_CREATE, &inner);
    size_t i;
    json_t *entry;
    json_array_foreach(inner.errors, i, entry)
    {
        char field[160];
        snprintf(field, sizeof field, "%s.%s", name,
                 json_string_value(json_object_get(entry, "field")));
        char en[PM_DETAIL_MAX], vi[PM_DETAIL_MAX];
        snprintf(en, sizeof en, "%s: %s", name, json_member_string(entry, "message"));
        snprintf(vi, sizeof vi, "%s: %s", name, json_member_string(entry, "message_vi"));
        pm_fail_field_pair(err, st, field, json_member_string(entry, "code"), en, vi);
    }
    pm_error_reset(&inner);
    return st;
}

const char *validate_merged(const json_t *change, const json_t *current, const char *name)
{
    const json_t *v = json_object_get(change, name);
    return json_string_value(v ? v : json_object_get(current, name));
}

pm_status validate_period(const json_t *change, const json_t *current, const char *start,
                          const char *end, bool may_equal, pm_error *err)
{
    const char *from = validate_merged(change, current, start);
    const char *to = validate_merged(change, current, end);
    int order = from && to ? strcmp(to, from) : 1;
    if (order > 0 || (order == 0 && may_equal))
        return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, end, "before_start",
                         may_equal ? MSG("%s must be on or after %s") : MSG("%s must be after %s"),
                         end, start);
}

pm_status validate_basis(const json_t *change, const json_t *current, const char *source,
                         const char *note, pm_error *err)
{
    const char *value = validate_merged(change, current, source);
    const char *basis = validate_merged(change, current, note);
    if (value && strcmp(value, "inferred") == 0 && !(basis && validate_not_blank(basis)))
        return pm_fail_field(err, PM_VALIDATION_FAILED, note, "required",
                             MSG("%s gives the basis of an inferred %s"), note, source);
    return PM_OK;
}

void validate_canonical_time(json_t *body, const char *name)
{
    timestamp t;
    if (timestamp_parse(json_member_string(body, name), &t)) {
        char text[TIMESTAMP_TEXT_MAX];
        timestamp_text(&t, text, sizeof text);
        json_object_set_new(body, name, json_string(text));
    }
}

pm_status validate_enum_item(const char *name, const json_t *item, const char *const *allowed,
                             pm_error *err)
{
    const char *value = json_string_value(item);
    for (const char *const *a = allowed; value && *a; a++)
        if (strcmp(*a, value) == 0)
            return PM_OK;
    char known[1024];
    validate_join_names(allowed, known, sizeof known);
    return pm_fail_field(err, PM_VALIDATION_FAILED, name, "invalid", MSG("%s must be one of: %s"),
                         name, known);
}

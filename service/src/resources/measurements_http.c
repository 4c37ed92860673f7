/* measurements_http.c: measurements, their workflow and bulk import over HTTP (see
 * measurements_http.h). */
#include "resources/measurements_http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/csv.h"
#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/archive_http.h"
#include "resources/measurements_repo.h"

enum { MAX_EVIDENCE = 20, MAX_IMPORT_ROWS = 200000, MAX_TEXT_VALUE = 20000 };

const measurement_step measurement_submit = {"submit", "draft", "submitted", false, false};
const measurement_step measurement_approve = {"approve", "submitted", "approved", true, false};
const measurement_step measurement_return = {"return", "submitted", "draft", true, true};
const measurement_step measurement_unapprove = {"unapprove", "approved", "submitted", true, false};

static pm_status evidence_field(const char *name, const json_t *value, pm_error *err)
{
    return validate_array(name, value, MAX_EVIDENCE, validate_url, err);
}

/* Any JSON value: its type is checked against the indicator's value type later. */
static pm_status any_value(const char *name, const json_t *value, pm_error *err)
{
    (void)name, (void)value, (void)err;
    return PM_OK;
}

/* The fields the server owns. */
#define MEASUREMENT_SERVER_FIELDS                                                                 \
    V_SERVER("id"), V_SERVER("status"), V_SERVER("review_note"), V_SERVER("entered_by"),          \
        V_SERVER("agency"), V_SERVER("reviewed_by"), V_SERVER("version"), V_SERVER("created_at"), \
        V_SERVER("updated_at"), V_END

static const field_spec create_fields[] = {
    V_STRING("indicator", true, 1, 64), V_STRING("unit", true, 1, 5),
    V_STRING("period", true, 1, 11),    V_CUSTOM("value", true, any_value),
    V_OPT_STRING("comment", 5000),      V_CUSTOM("evidence", false, evidence_field),
    MEASUREMENT_SERVER_FIELDS};

/* A measurement's indicator, unit and period name it: they are not changed. */
static const field_spec patch_fields[] = {V_SERVER("indicator"),
                                          V_SERVER("unit"),
                                          V_SERVER("period"),
                                          V_CUSTOM("value", false, any_value),
                                          V_OPT_STRING("comment", 5000),
                                          V_CUSTOM("evidence", false, evidence_field),
                                          MEASUREMENT_SERVER_FIELDS};

static const field_spec note_fields[] = {
    V_CHECKED("note", true, 1, 5000, validate_not_blank, "more than blanks"), V_END};

static const field_spec import_row_fields[] = {
    V_STRING("indicator", true, 1, 64), V_STRING("unit", true, 1, 5),
    V_STRING("period", true, 1, 11),    V_CUSTOM("value", true, any_value),
    V_OPT_STRING("comment", 5000),      V_END,
};

static const char *const list_params[] = {"indicator", "unit",          "period",    "status",
                                          "agency",    "updated_since", PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};
static const char *const import_params[] = {"dry_run", "atomic", NULL};
static const char *const csv_header[] = {"indicator", "unit", "period", "value", "comment"};
/* What a measurement's reply leaves out of the row read for the handler's checks. */
static const char *const check_fields[] = {"unit_parent",     "unit_level",  "in_scope",
                                           "indicator_level", "viewer_unit", "value_type"};

/* --- who ------------------------------------------------------------------------------------- */

static measure_viewer viewer_of(const http_ctx *ctx)
{
    role_id r = ctx->who.role;
    return (measure_viewer){
        .agency = ctx->who.agency,
        .see_all = r == ROLE_ADMIN || r == ROLE_COORDINATOR || r == ROLE_AUDITOR,
        .see_scope = r == ROLE_MANAGER || r == ROLE_OFFICER,
    };
}

/* Entering and submitting: editors anywhere, others within scope. */
static pm_status may_enter(const http_ctx *ctx, bool in_scope, pm_error *err)
{
    if (archive_may_see(ctx) || in_scope)
        return PM_OK;
    return pm_fail_field(err, PM_FORBIDDEN, "unit", "out_of_scope",
                         "This unit and indicator are outside the scope of agency %s.",
                         ctx->who.agency);
}

/* Reviewing: editors; for commune data also the manager of its district's People's Committee. */
static pm_status may_review(const http_ctx *ctx, const json_t *m, pm_error *err)
{
    if (archive_may_see(ctx))
        return PM_OK;
    const char *parent = validate_string(m, "unit_parent");
    const char *own = validate_string(m, "viewer_unit");
    if (ctx->who.role == ROLE_MANAGER &&
        json_integer_value(json_object_get(m, "indicator_level")) == 3 && parent && own &&
        strcmp(parent, own) == 0)
        return PM_OK;
    return pm_fail(err, PM_FORBIDDEN,
                   "Commune data is reviewed by its district's People's Committee, district and "
                   "province data by the coordinator.");
}

/* --- values ---------------------------------------------------------------------------------- */

/* The JSON value a CSV cell stands for under `value_type`, or NULL when it stands for none. */
static json_t *value_from_text(const char *value_type, const char *text)
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
static pm_status put_value(json_t *row, const char *value_type, const json_t *value, pm_error *err)
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
        {"boolean", "true or false"},
        {"count", "a whole number from 0"},
        {"number", "a number"},
        {"percentage", "{\"numerator\", \"denominator\"} with 0 <= numerator <= denominator"},
        {"text", "a text of 1 to 20000 bytes"},
    };
    const char *form = "a value";
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(forms[i][0], value_type) == 0)
            form = forms[i][1];
    return pm_fail_field(err, PM_VALIDATION_FAILED, "value", "type",
                         "value must be %s for this indicator", form);
}

/* --- one entry: indicator, unit and period ---------------------------------------------------- */

/* Parses the period of `body` into `p` (422 naming period otherwise). */
static pm_status parse_period(const http_ctx *ctx, const json_t *body, period *p, pm_error *err)
{
    if (period_parse(validate_string(body, "period"), ctx->app->cfg->report_due_days, p))
        return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "invalid",
                         "period is not a period id; the forms are %s", period_forms);
}

/* Checks an entry against what it meets (`c`, from measurement_repo_context or _classify):
 * the indicator exists and takes entries, the unit exists at the period's end at the
 * indicator's level, the period is of the indicator's type, and the caller may enter it. */
static pm_status check_entry(const http_ctx *ctx, const json_t *c, const period *p, pm_error *err)
{
    if (!json_is_true(json_object_get(c, "indicator_known")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "unknown",
                             "indicator names no indicator");
    if (strcmp(validate_string(c, "rollup"), "pilot_registry") == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "derived",
                             "This indicator is derived from the pilot-site registry.");
    if (!json_is_true(json_object_get(c, "unit_known")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "unknown",
                             "unit names no administrative unit");
    if (strcmp(validate_string(c, "period_type"), period_type_names[p->type]) != 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "wrong_type",
                             "This indicator is collected per %s period.",
                             validate_string(c, "period_type"));
    if (json_integer_value(json_object_get(c, "unit_level")) !=
        json_integer_value(json_object_get(c, "level")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "wrong_level",
                             "This indicator is collected for units of level %lld.",
                             (long long)json_integer_value(json_object_get(c, "level")));
    if (!json_is_true(json_object_get(c, "unit_exists")))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "not_existing",
                             "The unit did not exist at the end of the period.");
    return may_enter(ctx, json_is_true(json_object_get(c, "in_scope")), err);
}

/* The row an entry writes: its keys, its period's dates, and its value under `value_type`. */
static pm_status make_row(const json_t *body, const period *p, const char *value_type, json_t **out,
                          pm_error *err)
{
    char start[11], end[11];
    period_date_text(p->start, start);
    period_date_text(p->end, end);
    json_t *row = json_pack(
        "{s:O, s:O, s:s, s:s, s:s}", "indicator", json_object_get(body, "indicator"), "unit",
        json_object_get(body, "unit"), "period", p->id, "period_start", start, "period_end", end);
    const json_t *comment = json_object_get(body, "comment");
    json_object_set_new(row, "comment", comment ? json_incref((json_t *)comment) : json_null());
    const json_t *evidence = json_object_get(body, "evidence");
    if (evidence)
        json_object_set(row, "evidence", (json_t *)evidence);
    pm_status st = put_value(row, value_type, json_object_get(body, "value"), err);
    if (st != PM_OK) {
        json_decref(row);
        return st;
    }
    *out = row;
    return PM_OK;
}

/* --- reading --------------------------------------------------------------------------------- */

static pm_status load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st;
    *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, "There is no such measurement.");
    measure_viewer viewer = viewer_of(ctx);
    if ((st = ctx_db(ctx, &db, err)))
        return st;
    return measurement_repo_get(db, &viewer, id, lock, out, err);
}

pm_status measurements_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    json_t *m = NULL;
    pm_status st = load(ctx, id, false, &m, err);
    json_decref(m);
    return st;
}

/* Removes from `m` the fields kept for checks, which clients never see. */
static void strip_check_fields(json_t *m)
{
    for (size_t i = 0; i < sizeof check_fields / sizeof check_fields[0]; i++)
        json_object_del(m, check_fields[i]);
}

/* reply_check_if_match against the measurement as clients see it. */
static pm_status check_if_match(http_ctx *ctx, const json_t *current, pm_error *err)
{
    json_auto_t *shown = json_copy((json_t *)current);
    if (!shown)
        return pm_fail(err, PM_INTERNAL, "Out of memory.");
    strip_check_fields(shown);
    return reply_check_if_match(ctx, shown, err);
}

/* Answers the measurement of `id` as read now, without the fields kept for checks. */
static pm_status reply_measurement(http_ctx *ctx, const char *id, bool created, pm_error *err)
{
    json_auto_t *m = NULL;
    pm_status st = load(ctx, id, false, &m, err);
    if (st != PM_OK)
        return st;
    strip_check_fields(m);
    if ((st = ctx_commit(ctx, err)))
        return st;
    if (created) {
        char location[64];
        snprintf(location, sizeof location, "/v1/measurements/%s", id);
        reply_created(ctx, location, m);
    } else {
        reply_object(ctx, m);
    }
    return PM_OK;
}

pm_status measurements_list(http_ctx *ctx, pm_error *err)
{
    measurement_filter f = {0};
    measure_viewer viewer = viewer_of(ctx);
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_text(ctx, "indicator", 64, &f.indicator, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &f.unit, err)) ||
        (st = req_query_text(ctx, "period", 11, &f.period, err)) ||
        (st = req_query_enum(ctx, "status", measurement_statuses, &f.status, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f.agency, err)) ||
        (st = req_query_time(ctx, "updated_since", &f.updated_since, err)) ||
        (st = req_page(ctx, &page, err)) || (st = ctx_db(ctx, &db, err)))
        goto out;
    st = req_time_refused(measurement_repo_list(db, &viewer, &f, &page, &result, err),
                          "updated_since", err);
    if (st == PM_OK)
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status measurements_get(http_ctx *ctx, pm_error *err)
{
    pm_status st = req_check_query(ctx, no_params, err);
    return st ? st : reply_measurement(ctx, req_path(ctx, "id"), false, err);
}

/* --- writing --------------------------------------------------------------------------------- */

pm_status measurements_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *context = NULL, *row = NULL;
    period p;
    char end[11], id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = parse_period(ctx, body, &p, err)))
        return st;
    period_date_text(p.end, end);
    if ((st = ctx_begin(ctx, NULL, err)) ||
        (st = measurement_repo_context(ctx->db, validate_string(body, "indicator"),
                                       validate_string(body, "unit"), end, ctx->who.agency,
                                       &context, err)) ||
        (st = check_entry(ctx, context, &p, err)) ||
        (st = make_row(body, &p, validate_string(context, "value_type"), &row, err)) ||
        (st = measurement_repo_create(ctx->db, row, ctx->who.username, ctx->who.agency, id, err)))
        return st;
    return reply_measurement(ctx, id, true, err);
}

pm_status measurements_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *row = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, err)) || (st = load(ctx, id, true, &current, err)) ||
        (st = may_enter(ctx, json_is_true(json_object_get(current, "in_scope")), err)) ||
        (st = check_if_match(ctx, current, err)))
        return st;
    if (strcmp(validate_string(current, "status"), "approved") == 0)
        return pm_fail(err, PM_CONFLICT,
                       "The measurement is approved and locked; a reviewer "
                       "must un-approve it first.");
    row = json_object();
    const json_t *value = json_object_get(patch, "value");
    if (value && json_is_null(value))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "value", "required",
                             "value cannot be null");
    if (value && (st = put_value(row, validate_string(current, "value_type"), value, err)))
        return st;
    json_object_set(row, "comment", json_object_get(patch, "comment"));
    json_object_set(row, "evidence", json_object_get(patch, "evidence"));
    if ((st = measurement_repo_update(ctx->db, id, archive_version(current), row, patch, err)))
        return st;
    return reply_measurement(ctx, id, false, err);
}

pm_status measurements_transition(http_ctx *ctx, pm_error *err)
{
    const measurement_step *step = ctx->route->data;
    json_auto_t *body = NULL, *current = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)))
        return st;
    if (step->needs_note && ((st = req_json_body(ctx, &body, err)) ||
                             (st = validate_body(body, note_fields, VALIDATE_CREATE, err))))
        return st;
    if ((st = ctx_begin(ctx, step->action, err)) || (st = load(ctx, id, true, &current, err)) ||
        (st = step->review
                  ? may_review(ctx, current, err)
                  : may_enter(ctx, json_is_true(json_object_get(current, "in_scope")), err)))
        return st;
    const char *status = validate_string(current, "status");
    if (strcmp(status, step->from) != 0)
        return pm_fail(err, PM_CONFLICT, "The measurement is %s; only a %s one can be %s.", status,
                       step->from, step->to);
    if ((st = measurement_repo_transition(ctx->db, id, archive_version(current), step->from,
                                          step->to, step->review ? ctx->who.username : NULL,
                                          validate_string(body, "note"), err)))
        return st;
    return reply_measurement(ctx, id, false, err);
}

/* --- bulk import ----------------------------------------------------------------------------- */

typedef struct {
    json_t *conflicts; /* [{"index", "field", "code", "message"}] */
    long imported, updated, ignored, rejected;
} import_summary;

/* Records the failures in `err` as conflicts of row `index`, and resets `err`. */
static void reject(import_summary *s, size_t index, pm_error *err)
{
    size_t i;
    json_t *e;
    s->rejected++;
    json_array_foreach(err->errors, i, e)
    {
        json_t *c = json_pack("{s:I}", "index", (json_int_t)index);
        json_object_update(c, e);
        json_array_append_new(s->conflicts, c);
    }
    if (!err->errors)
        json_array_append_new(s->conflicts,
                              json_pack("{s:I, s:n, s:s, s:s}", "index", (json_int_t)index, "field",
                                        "code", "invalid", "message", err->detail));
    pm_error_reset(err);
}

/* The rows of a JSON body {"rows": [...]} (a new array). */
static pm_status json_rows(const http_ctx *ctx, json_t **out, pm_error *err)
{
    json_auto_t *body = NULL;
    pm_status st = req_json_body(ctx, &body, err);
    if (st != PM_OK)
        return st;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "rows") != 0)
            return pm_fail_field(err, PM_BAD_REQUEST, key, "unknown_field",
                                 "%.64s is not a field of an import", key);
    }
    json_t *rows = json_object_get(body, "rows");
    if (!json_is_array(rows))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "rows", "type",
                             "rows must be an array of rows");
    *out = json_incref(rows);
    return PM_OK;
}

/* The rows of a CSV body with the header indicator,unit,period,value[,comment] (a new array of
 * objects whose values are strings). */
static pm_status csv_rows(const http_ctx *ctx, json_t **out, pm_error *err)
{
    size_t bad_line;
    json_auto_t *table = csv_parse(ctx->req->binary_body, ctx->req->binary_body_length, &bad_line);
    if (!table)
        return pm_fail(err, PM_BAD_REQUEST, "The CSV body is malformed at line %zu.", bad_line);
    json_t *header = json_array_get(table, 0);
    size_t columns = json_array_size(header);
    bool ok = columns == 4 || columns == 5;
    for (size_t i = 0; ok && i < columns; i++)
        ok = strcmp(json_string_value(json_array_get(header, i)), csv_header[i]) == 0;
    if (!ok)
        return pm_fail(err, PM_BAD_REQUEST,
                       "The CSV header must be indicator,unit,period,value,comment.");
    json_t *rows = json_array();
    for (size_t r = 1; r < json_array_size(table); r++) {
        json_t *cells = json_array_get(table, r), *row = json_object();
        for (size_t i = 0; i < json_array_size(cells) && i < columns; i++) {
            json_t *cell = json_array_get(cells, i);
            if (i == 4 && json_string_length(cell) == 0)
                continue; /* no comment */
            json_object_set(row, csv_header[i], cell);
        }
        if (json_array_size(cells) != columns)
            json_object_set_new(row, "_cells", json_integer((json_int_t)json_array_size(cells)));
        json_array_append_new(rows, row);
    }
    *out = rows;
    return PM_OK;
}

/* Fails with PM_VALIDATION_FAILED when an earlier row of the import names the same measurement
 * (indicator, unit, period); otherwise remembers row `i` in `seen`. */
static pm_status check_repeat(json_t *seen, const json_t *row, const period *p, size_t i,
                              pm_error *err)
{
    char key[256];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s", validate_string(row, "indicator"),
             validate_string(row, "unit"), p->id);
    json_t *first = json_object_get(seen, key);
    if (first)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "row", "duplicate",
                             "the row names the measurement of row %" JSON_INTEGER_FORMAT " again",
                             json_integer_value(first));
    json_object_set_new(seen, key, json_integer((json_int_t)i));
    return PM_OK;
}

/* Checks the shape of every row and parses its period; a row that fails, or names a measurement
 * an earlier row names, is rejected and left out of `keys` (the rows to classify: {"i",
 * "indicator", "unit", "period", "period_end"}). */
static void check_rows(const http_ctx *ctx, json_t *rows, period *periods, json_t *keys,
                       import_summary *s)
{
    size_t i;
    json_t *row;
    json_auto_t *seen = json_object();
    json_array_foreach(rows, i, row)
    {
        pm_error err = {0};
        char end[11];
        if (!json_is_object(row))
            pm_fail_field(&err, PM_VALIDATION_FAILED, "row", "type", "a row must be an object");
        else if (json_object_get(row, "_cells"))
            pm_fail_field(&err, PM_VALIDATION_FAILED, "row", "columns",
                          "a row must have as many cells as the header");
        else if (validate_body(row, import_row_fields, VALIDATE_CREATE, &err) == PM_OK &&
                 parse_period(ctx, row, &periods[i], &err) == PM_OK &&
                 check_repeat(seen, row, &periods[i], i, &err) == PM_OK) {
            period_date_text(periods[i].end, end);
            json_array_append_new(keys, json_pack("{s:I, s:O, s:O, s:s, s:s}", "i", (json_int_t)i,
                                                  "indicator", json_object_get(row, "indicator"),
                                                  "unit", json_object_get(row, "unit"), "period",
                                                  periods[i].id, "period_end", end));
            continue;
        }
        reject(s, i, &err);
    }
}

/* True when the prepared `row` has the value and comment the existing measurement (`c`, a
 * classified row) has. */
static bool unchanged(const json_t *row, const json_t *c)
{
    static const char *const columns[] = {"value_bool", "value_num",   "value_text",
                                          "numerator",  "denominator", "comment"};
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        const json_t *a = json_object_get(row, columns[i]);
        const json_t *b = json_object_get(c, columns[i]);
        bool same = json_is_number(a) && json_is_number(b)
                        ? json_number_value(a) == json_number_value(b)
                        : json_equal(a ? a : json_null(), b ? b : json_null());
        if (!same)
            return false;
    }
    return true;
}

pm_status measurements_import(http_ctx *ctx, pm_error *err)
{
    json_auto_t *rows = NULL, *keys = json_array(), *classified = NULL, *writes = json_array(),
                *summary = NULL;
    import_summary s = {.conflicts = json_array()};
    bool dry_run = false, atomic = true;
    period *periods = NULL;
    const char *type = req_header(ctx, "Content-Type");
    bool csv = type && strncasecmp(type, "text/csv", 8) == 0;
    pm_status st;
    if ((st = req_check_query(ctx, import_params, err)) ||
        (st = req_query_bool(ctx, "dry_run", &dry_run, err)) ||
        (st = req_query_bool(ctx, "atomic", &atomic, err)) ||
        (st = csv ? csv_rows(ctx, &rows, err) : json_rows(ctx, &rows, err)))
        goto out;
    if (json_array_size(rows) > MAX_IMPORT_ROWS) {
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "rows", "length",
                           "An import has at most %d rows.", MAX_IMPORT_ROWS);
        goto out;
    }
    periods = calloc(json_array_size(rows) + 1, sizeof *periods);
    if (!periods) {
        st = pm_fail(err, PM_INTERNAL, "The import is too large to prepare.");
        goto out;
    }
    check_rows(ctx, rows, periods, keys, &s);
    if ((st = ctx_begin(ctx, "import", err)) ||
        (st = measurement_repo_classify(ctx->db, keys, ctx->who.agency, &classified, err)))
        goto out;
    size_t k;
    json_t *c;
    json_array_foreach(classified, k, c)
    {
        size_t i = (size_t)json_integer_value(json_object_get(c, "i"));
        json_t *in = json_array_get(rows, i), *row = NULL;
        pm_error row_err = {0};
        if (csv && check_entry(ctx, c, &periods[i], &row_err) == PM_OK) {
            json_t *value =
                value_from_text(validate_string(c, "value_type"), validate_string(in, "value"));
            if (value)
                json_object_set_new(in, "value", value);
        }
        if (row_err.status == PM_OK && !csv)
            check_entry(ctx, c, &periods[i], &row_err);
        if (row_err.status == PM_OK)
            make_row(in, &periods[i], validate_string(c, "value_type"), &row, &row_err);
        const char *existing = validate_string(c, "status");
        if (row_err.status == PM_OK && existing && unchanged(row, c)) {
            s.ignored++; /* even when approved: it asks for no change */
            json_decref(row);
            continue;
        }
        if (row_err.status == PM_OK && existing && strcmp(existing, "approved") == 0)
            pm_fail_field(&row_err, PM_CONFLICT, "value", "locked",
                          "The measurement is approved and locked.");
        if (row_err.status != PM_OK) {
            json_decref(row);
            reject(&s, i, &row_err);
            continue;
        }
        if (existing)
            s.updated++;
        else
            s.imported++;
        json_array_append_new(writes, row);
    }
    bool refused = atomic && s.rejected > 0;
    if (!dry_run && !refused && json_array_size(writes) &&
        (st = measurement_repo_import(ctx->db, writes, ctx->who.username, ctx->who.agency, err)))
        goto out;
    if (!dry_run && !refused && (st = ctx_commit(ctx, err)))
        goto out;
    if (refused)
        s.imported = s.updated = s.ignored = 0;
    summary = json_pack("{s:s, s:{s:I, s:I, s:I, s:I}, s:O, s:b}", "status",
                        s.rejected == 0                                          ? "ok"
                        : (refused || s.rejected == (long)json_array_size(rows)) ? "rejected"
                                                                                 : "partial",
                        "counts", "imported", (json_int_t)s.imported, "updated",
                        (json_int_t)s.updated, "ignored", (json_int_t)s.ignored, "rejected",
                        (json_int_t)s.rejected, "conflicts", s.conflicts, "dry_run", dry_run);
    reply_json(ctx, refused && !dry_run ? 422 : 200, summary, "application/json");
out:
    free(periods);
    json_decref(s.conflicts);
    return st;
}

/* obligations_http.c: reporting obligations, submissions and completeness over HTTP (see
 * obligations_http.h). */
#include "resources/obligations_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "domain/clock.h"
#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/archive_http.h"
#include "resources/export.h"
#include "resources/obligations_repo.h"
#include "resources/occurrences_repo.h"
#include "resources/tasks_repo.h"

enum { MAX_REPORTERS = 200 };

static pm_status reporter(const char *name, const json_t *item, pm_error *err)
{
    const char *s = json_string_value(item);
    if (s && json_string_length(item) <= 32 && strlen(s) == json_string_length(item) &&
        validate_code(s))
        return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, name, "invalid",
                         MSG("%s must be an agency code"), name);
}

static pm_status reporters(const char *name, const json_t *value, pm_error *err)
{
    pm_status st = validate_array(name, value, MAX_REPORTERS, reporter, err);
    if (st == PM_OK && json_array_size(value) == 0)
        st = pm_fail_field(err, PM_VALIDATION_FAILED, name, "length",
                           MSG("%s names at least one agency"), name);
    return st;
}

static const char *const sources[] = {"text", "inferred", NULL};

#define OBLIGATION_FIELDS(req)                                                                     \
    V_OPT_STRING("source_clause", 64), V_OPT_INT("task", 1, INT64_MAX),                            \
        V_CHECKED("description", req, 1, 5000, validate_not_blank, MSG("more than blanks")),       \
        V_KEPT_CUSTOM("reporters", req, reporters), V_OPT_STRING("recipient", 32),                 \
        V_ENUM("recipient_source", false, sources), V_OPT_STRING("recipient_note", 2000),          \
        V_ENUM("mode", false, obligation_modes), V_ENUM("frequency", req, obligation_frequencies), \
        V_ENUM("frequency_source", false, sources), V_OPT_STRING("frequency_note", 2000),          \
        V_OPT_ENUM("period_type", period_type_names),                                              \
        V_ENUM("expected_periods", false, obligation_expected_periods),                            \
        V_DATE("applies_from", false), V_DATE("applies_to", false), V_OPT_INT("due_days", 0, 365), \
        V_OPT_STRING("due_rule", 2000), V_OPT_STRING("note", 5000), V_SERVER("version"),           \
        V_SERVER("created_at"), V_SERVER("updated_at"), V_SERVER("archived_at"), V_END

static const field_spec create_fields[] = {
    V_CHECKED("code", true, 1, 64, validate_code, MSG("A-Z and 0-9 in runs joined by '-'")),
    OBLIGATION_FIELDS(true)};
static const field_spec patch_fields[] = {V_SERVER("code"), OBLIGATION_FIELDS(false)};

static const field_spec submission_fields[] = {
    V_STRING("agency", false, 1, 32),
    V_STRING("period", false, 1, 11),
    V_TIME("submitted_at", false),
    V_CUSTOM("document_link", false, validate_url),
    V_OPT_STRING("note", 5000),
    V_SERVER("id"),
    V_SERVER("obligation"),
    V_SERVER("due"),
    V_SERVER("on_time"),
    V_SERVER("submitted_by"),
    V_SERVER("version"),
    V_SERVER("created_at"),
    V_END,
};

static const char *const list_params[] = {"agency", "frequency", "include_archived", PAGE_PARAMS,
                                          NULL};
static const char *const submission_params[] = {"agency", "period", PAGE_PARAMS, NULL};
static const char *const completeness_params[] = {"period", "agency", "format", "lang", NULL};
static const char *const export_formats[] = {"json", "xlsx", NULL};

/* The completeness workbook's columns. */
static const export_column completeness_columns[] = {
    {"agency", "Cơ quan, đơn vị", "Agency", XLSX_TEXT, 14},
    {"agency_name", "Tên cơ quan, đơn vị", "Agency name", XLSX_TEXT, 40},
    {"period", "Kỳ", "Period", XLSX_TEXT, 10},
    {"expected", "Phải nộp", "Expected", XLSX_INT, 10},
    {"submitted", "Đã nộp", "Submitted", XLSX_INT, 10},
    {"on_time", "Đúng hạn", "On time", XLSX_INT, 10},
    {"late", "Muộn", "Late", XLSX_INT, 8},
    {"missing", "Chưa nộp", "Missing", XLSX_INT, 10},
    {"late_entries", "Ghi nhận muộn", "Late entries", XLSX_INT, 12},
};
static const char *const no_params[] = {NULL};

/* --- obligations ----------------------------------------------------------------------------- */

static pm_status load(http_ctx *ctx, const char *code, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st;
    *out = NULL;
    if ((st = ctx_db(ctx, &db, err)) || (st = obligation_repo_get(db, code, lock, out, err)))
        return st;
    return archive_hide(ctx, out, MSG("There is no such reporting obligation."), err);
}

pm_status obligations_may_read(http_ctx *ctx, const char *code, pm_error *err)
{
    json_t *o = NULL;
    pm_status st = load(ctx, code, false, &o, err);
    json_decref(o);
    return st;
}

pm_status obligations_list(http_ctx *ctx, pm_error *err)
{
    obligation_filter f = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if (!(st = req_check_query(ctx, list_params, err)) &&
        !(st = req_query_text(ctx, "agency", 32, &f.agency, err)) &&
        !(st = req_query_enum(ctx, "frequency", obligation_frequencies, &f.frequency, err)) &&
        !(st = req_query_bool(ctx, "include_archived", &f.include_archived, err)) &&
        !(st = req_page(ctx, &page, err)) &&
        !(st = archive_check_include(
              ctx, f.include_archived,
              MSG("Only admins and coordinators see archived reporting obligations."), err)) &&
        !(st = ctx_db(ctx, &db, err)) && !(st = obligation_repo_list(db, &f, &page, &result, err)))
        reply_page(ctx, &result);
    page_result_clear(&result);
    return st;
}

pm_status obligations_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *o = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = load(ctx, req_path(ctx, "code"), false, &o, err)))
        return st;
    reply_object(ctx, o);
    return PM_OK;
}

/* What an obligation `change` (a body, or a patch of `current`) gives must hold together: a
 * window that ends after it begins; the first half only of six-monthly periods; an inferred
 * recipient or frequency with its basis in a note. */
static pm_status consistent(const json_t *change, const json_t *current, pm_error *err)
{
    pm_status st = validate_period(change, current, "applies_from", "applies_to", true, err);
    if (st != PM_OK)
        return st;
    const char *halves = validate_merged(change, current, "expected_periods");
    const char *type = validate_merged(change, current, "period_type");
    if (halves && strcmp(halves, "first_half") == 0 &&
        (!type || (strcmp(type, "six_monthly") != 0 && strcmp(type, "vn_six_monthly") != 0)))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "expected_periods", "inconsistent",
                             MSG("expected_periods first_half needs a six-monthly period_type"));
    if ((st = validate_basis(change, current, "recipient_source", "recipient_note", err)))
        return st;
    return validate_basis(change, current, "frequency_source", "frequency_note", err);
}

/* Derives again the occurrences of the task `obligation` is linked to, if any: its periods,
 * window and due days are the task's rhythm (occurrences_repo.h). */
static pm_status derive(http_ctx *ctx, PGconn *db, const json_t *obligation, pm_error *err)
{
    const json_t *task = json_object_get(obligation, "task");
    if (!json_is_integer(task))
        return PM_OK;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(task));
    return occurrence_repo_derive(db, id, ctx->app->cfg->report_due_days, err);
}

pm_status obligations_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = consistent(body, NULL, err)) || (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = obligation_repo_check_references(db, body, err)) ||
        (st = obligation_repo_create(db, body, err)) ||
        (st = obligation_repo_get(db, json_member_string(body, "code"), false, &created, err)) ||
        (st = derive(ctx, db, created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[128];
    snprintf(location, sizeof location, "/v1/reporting-obligations/%s",
             json_member_string(body, "code"));
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status obligations_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load(ctx, code, true, &current, err)))
        return st;
    if (archive_is_archived(current))
        return pm_fail(err, PM_CONFLICT, MSG("The reporting obligation is archived."));
    if ((st = reply_check_if_match(ctx, current, err)) || (st = consistent(patch, current, err)) ||
        (st = obligation_repo_check_references(db, patch, err)) ||
        (st = obligation_repo_update(db, code, archive_version(current), patch, err)) ||
        (st = obligation_repo_get(db, code, false, &updated, err)) ||
        (st = derive(ctx, db, current, err)) || (st = derive(ctx, db, updated, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

/* --- submissions ----------------------------------------------------------------------------- */

pm_status submissions_list(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *o = NULL;
    const char *agency = NULL, *period_id = NULL;
    page_request page;
    page_result result = {0};
    pm_status st;
    if (!(st = req_check_query(ctx, submission_params, err)) &&
        !(st = req_query_text(ctx, "agency", 32, &agency, err)) &&
        !(st = req_query_text(ctx, "period", 11, &period_id, err)) &&
        !(st = req_page(ctx, &page, err)) &&
        !(st = load(ctx, req_path(ctx, "code"), false, &o, err)) && !(st = ctx_db(ctx, &db, err)) &&
        !(st = submission_repo_list(db, req_path(ctx, "code"), agency, period_id, &page, &result,
                                    err)))
        reply_page(ctx, &result);
    page_result_clear(&result);
    return st;
}

pm_status submissions_get(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *o = NULL, *submission = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = load(ctx, req_path(ctx, "code"), false, &o, err)))
        return st;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such submission."));
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = submission_repo_get(db, req_path(ctx, "code"), id, &submission, err)))
        return st;
    reply_object(ctx, submission);
    return PM_OK;
}

/* True when `agency` is among the obligation's reporters. */
static bool reports(const json_t *obligation, const char *agency)
{
    size_t i;
    json_t *code;
    json_array_foreach(json_object_get(obligation, "reporters"), i, code)
    {
        if (strcmp(json_string_value(code), agency) == 0)
            return true;
    }
    return false;
}

/* Fills "period" and "due" of `body` for `obligation`: a periodic obligation needs a period of
 * its type, due its due days (or REPORT_DUE_DAYS) after the end; one made at a council's
 * sessions names the session's date as its period, with no due date; one made once takes none. */
static pm_status settle_period(const http_ctx *ctx, const json_t *obligation, json_t *body,
                               pm_error *err)
{
    const char *type = json_member_string(obligation, "period_type");
    const char *id = json_member_string(body, "period");
    civil_date session;
    if (strcmp(json_member_string(obligation, "frequency"), "per_session") == 0) {
        if (!id || !clock_parse_date(id, &session))
            return pm_fail_field(err, PM_VALIDATION_FAILED, "period", id ? "invalid" : "required",
                                 MSG("period is the date of the session (YYYY-MM-DD) at which the "
                                     "report was made"));
        json_object_set_new(body, "due", json_null());
        return PM_OK;
    }
    if (!type) {
        if (id)
            return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "not_periodic",
                                 MSG("This report is made once: it has no period."));
        json_object_set_new(body, "due", json_null());
        return PM_OK;
    }
    const json_t *days = json_object_get(obligation, "due_days");
    period p;
    if (!id)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "required",
                             MSG("period is required for a %s report"), type);
    if (!period_parse(id,
                      json_is_integer(days) ? (int)json_integer_value(days)
                                            : ctx->app->cfg->report_due_days,
                      &p))
        return pm_fail_field_with(err, PM_VALIDATION_FAILED, "period", "invalid",
                                  MSG("period is not a period id; the forms are %s"), period_forms);
    if (strcmp(period_type_names[p.type], type) != 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "wrong_type",
                             MSG("This report is made per %s period."), type);
    char due[11];
    period_date_text(p.due, due);
    json_object_set_new(body, "due", json_string(due));
    return PM_OK;
}

/* When a report was received (submitted_at, its effective time) may not be after now, nor
 * before the start of its period or of the task the obligation belongs to (or its plan). */
static pm_status received_when(PGconn *db, const json_t *obligation, const json_t *body,
                               pm_error *err)
{
    const char *at = json_member_string(body, "submitted_at");
    if (!at)
        return PM_OK;
    char start[11] = "", earliest[11] = "", day[11];
    bool future = false;
    pm_status st = submission_repo_received_day(db, at, day, &future, err);
    if (st != PM_OK)
        return st;
    if (future)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "submitted_at", "in_future",
                             MSG("submitted_at is after now: a report is recorded once received"));
    const char *period_id = json_member_string(body, "period");
    period p;
    if (period_id && period_parse(period_id, 0, &p))
        period_date_text(p.start, start);
    const json_t *task = json_object_get(obligation, "task");
    if (json_is_integer(task)) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(task));
        if ((st = task_repo_earliest(db, id, earliest, err)))
            return st;
    }
    const char *bound = strcmp(start, earliest) > 0 ? start : earliest;
    if (bound[0] && strcmp(day, bound) < 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "submitted_at", "before_start",
                             MSG("submitted_at is before %s, when the period (or the task) begins"),
                             bound);
    return PM_OK;
}

pm_status submissions_create(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *body = NULL, *o = NULL, *created = NULL;
    const char *code = req_path(ctx, "code");
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, submission_fields, VALIDATE_CREATE, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load(ctx, code, false, &o, err)))
        return st;
    if (archive_is_archived(o))
        return pm_fail(err, PM_CONFLICT, MSG("The reporting obligation is archived."));
    if (!json_object_get(body, "agency"))
        json_object_set_new(body, "agency", json_string(ctx->who.agency));
    const char *agency = json_member_string(body, "agency");
    const char *recipient = json_member_string(o, "recipient");
    if (!access_may_hand_in_for(&ctx->who, agency, recipient))
        return pm_fail_field(err, PM_FORBIDDEN, "agency", "forbidden",
                             MSG("An agency hands in its own reports; the recipient records those "
                                 "it received."));
    if (json_object_get(body, "submitted_at") && !access_may_date_submission(&ctx->who, recipient))
        return pm_fail_field(err, PM_FORBIDDEN, "submitted_at", "forbidden",
                             MSG("Only admins, coordinators and the recipient record when a report "
                                 "was received; the reporting agency's own record is dated now."));
    if (!reports(o, agency))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "agency", "not_reporter",
                             MSG("%.32s does not make this report."), agency);
    json_object_set_new(body, "obligation", json_string(code));
    validate_canonical_time(body, "submitted_at");
    if ((st = settle_period(ctx, o, body, err)) || (st = received_when(db, o, body, err)) ||
        (st = submission_repo_create(db, body, ctx->who.username, id, err)) ||
        (st = submission_repo_get(db, code, id, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[160];
    snprintf(location, sizeof location, "/v1/reporting-obligations/%s/submissions/%s", code, id);
    reply_created(ctx, location, created);
    return PM_OK;
}

/* --- completeness ---------------------------------------------------------------------------- */

pm_status completeness_get(http_ctx *ctx, pm_error *err)
{
    const char *id = NULL, *agency = NULL, *format = NULL, *lang = NULL;
    json_auto_t *items = NULL;
    PGconn *db;
    period p;
    pm_status st;
    if ((st = req_check_query(ctx, completeness_params, err)) ||
        (st = req_query_text(ctx, "period", 11, &id, err)) ||
        (st = req_query_text(ctx, "agency", 32, &agency, err)) ||
        (st = req_query_enum(ctx, "format", export_formats, &format, err)) ||
        (st = req_query_enum(ctx, "lang", export_langs, &lang, err)))
        return st;
    if (!id)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "required",
                             MSG("period is required"));
    if (!period_parse(id, ctx->app->cfg->report_due_days, &p))
        return pm_fail_field_with(err, PM_INVALID_PARAMETER, "period", "invalid",
                                  MSG("period is not a period id; the forms are %s"), period_forms);
    static const char *const codes[] = {"agency", NULL};
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = submission_repo_completeness(db, &p, agency, NULL, &items, err)) ||
        (st = export_add_names(db, items, codes, err)))
        return st;
    if (format && strcmp(format, "xlsx") == 0)
        return export_reply_sheet(ctx, db, items, completeness_columns,
                                  sizeof completeness_columns / sizeof completeness_columns[0],
                                  "Chế độ báo cáo", "Completeness", "completeness.xlsx", lang, err);
    json_auto_t *body = json_pack("{s:O}", "items", items);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

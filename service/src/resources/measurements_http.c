/* measurements_http.c: measurements and their workflow over HTTP (see measurements_http.h); the
 * bulk import is measurements_import_http.c. */
#include "resources/measurements_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/csv.h"
#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/archive_http.h"
#include "resources/export.h"
#include "resources/measurements_entry_http.h"
#include "resources/measurements_repo.h"

const measurement_step measurement_submit = {"submit", "draft", "submitted", false, false};
const measurement_step measurement_approve = {"approve", "submitted", "approved", true, false};
const measurement_step measurement_return = {"return", "submitted", "draft", true, true};
const measurement_step measurement_unapprove = {"unapprove", "approved", "submitted", true, false};

/* The fields the server owns. */
#define MEASUREMENT_SERVER_FIELDS                                                                 \
    V_SERVER("id"), V_SERVER("status"), V_SERVER("review_note"), V_SERVER("entered_by"),          \
        V_SERVER("agency"), V_SERVER("reviewed_by"), V_SERVER("version"), V_SERVER("created_at"), \
        V_SERVER("updated_at"), V_END

static const field_spec create_fields[] = {
    V_STRING("indicator", true, 1, 64), V_STRING("unit", true, 1, 5),
    V_STRING("period", true, 1, 11),    V_CUSTOM("value", true, measurement_any_value),
    V_OPT_STRING("comment", 5000),      V_CUSTOM("evidence", false, measurement_evidence_field),
    MEASUREMENT_SERVER_FIELDS};

/* A measurement's indicator, unit and period name it: they are not changed. */
static const field_spec patch_fields[] = {V_SERVER("indicator"),
                                          V_SERVER("unit"),
                                          V_SERVER("period"),
                                          V_CUSTOM("value", false, measurement_any_value),
                                          V_OPT_STRING("comment", 5000),
                                          V_CUSTOM("evidence", false, measurement_evidence_field),
                                          MEASUREMENT_SERVER_FIELDS};

static const field_spec note_fields[] = {
    V_CHECKED("note", true, 1, 5000, validate_not_blank, MSG("more than blanks")), V_END};
/* approve and unapprove: a note is the reviewer's choice. */
static const field_spec optional_note_fields[] = {
    V_CHECKED("note", false, 1, 5000, validate_not_blank, MSG("more than blanks")), V_END};

static const char *const list_params[] = {
    "indicator",     "unit",   "period", "status",    "agency",
    "updated_since", "format", "lang",   LIST_PARAMS, NULL};
static const char *const list_formats[] = {"json", "csv", "xlsx", NULL};

/* The XLSX export's columns: Vietnamese and English headers, the names beside the codes. */
static const export_column sheet_columns[] = {
    {"id", "Mã", "Id", XLSX_INT, 8},
    {"indicator", "Mã chỉ tiêu", "Indicator", XLSX_TEXT, 22},
    {"indicator_name", "Tên chỉ tiêu", "Indicator name", XLSX_TEXT, 50},
    {"unit", "Mã đơn vị", "Unit", XLSX_TEXT, 10},
    {"unit_name", "Tên đơn vị", "Unit name", XLSX_TEXT, 28},
    {"period", "Kỳ", "Period", XLSX_TEXT, 10},
    {"value", "Giá trị", "Value", XLSX_TEXT, 12},
    {"comment", "Ghi chú", "Comment", XLSX_TEXT, 40},
    {"status", "Trạng thái", "Status", XLSX_TEXT, 12},
    {"agency", "Cơ quan nhập", "Agency", XLSX_TEXT, 14},
    {"agency_name", "Tên cơ quan nhập", "Agency name", XLSX_TEXT, 36},
    {"entered_by", "Người nhập", "Entered by", XLSX_TEXT, 18},
    {"reviewed_by", "Người duyệt", "Reviewed by", XLSX_TEXT, 18},
    {"updated_at", "Ngày cập nhật", "Updated on", XLSX_DATE, 14},
    {"late_entry", "Nhập muộn", "Late entry", XLSX_BOOL, 10},
};
/* The CSV export's columns: the import's own header, so that an export re-imports. */
static const char *const export_columns[] = {"indicator", "unit", "period", "value", "comment"};
static const char *const no_params[] = {NULL};
/* What a measurement's reply leaves out of the row read for the handler's checks. */
static const char *const check_fields[] = {"unit_parent",     "unit_level",  "in_scope",
                                           "indicator_level", "viewer_unit", "value_type"};

/* --- who ------------------------------------------------------------------------------------- */

static measure_viewer viewer_of(const http_ctx *ctx)
{
    return (measure_viewer){
        .agency = ctx->who.agency,
        .see_all = access_reads_all_drafts(&ctx->who),
        .see_scope = access_reads_own_drafts(&ctx->who),
    };
}

/* Reviewing: editors; for commune data also the manager of its district's People's Committee. */
static pm_status may_review(const http_ctx *ctx, const json_t *m, pm_error *err)
{
    if (access_may_review(&ctx->who, (int)json_integer_value(json_object_get(m, "indicator_level")),
                          json_member_string(m, "unit_parent"),
                          json_member_string(m, "viewer_unit")))
        return PM_OK;
    return pm_fail(
        err, PM_FORBIDDEN,
        MSG("Commune data is reviewed by its district's People's Committee, district and "
            "province data by the coordinator."));
}

/* --- reading --------------------------------------------------------------------------------- */

static pm_status load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st;
    *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such measurement."));
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
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    strip_check_fields(shown);
    return reply_check_if_match(ctx, shown, err);
}

/* The measurement of `id` as read now, as clients see it (without the fields kept for checks):
 * *out is new. */
static pm_status read_shown(http_ctx *ctx, const char *id, json_t **out, pm_error *err)
{
    pm_status st = load(ctx, id, false, out, err);
    if (st == PM_OK)
        strip_check_fields(*out);
    return st;
}

/* What a page of the list reads with: the connection, the viewer, the filter. */
typedef struct {
    PGconn *db;
    measure_viewer viewer;
    measurement_filter filter;
    page_request order; /* the page asked, whose ?sort= an export keeps */
} list_args;

static pm_status list_page(http_ctx *ctx, const void *args, const page_request *page,
                           page_result *out, pm_error *err)
{
    const list_args *a = args;
    return measurement_repo_list(a->db, &a->viewer, &a->filter, page, out, err);
}

/* Every measurement of the list asked, for an export. *items is new. */
static pm_status collect_all(http_ctx *ctx, const list_args *args, json_t **items, pm_error *err)
{
    return export_collect(ctx, list_page, args, &args->order,
                          "indicator, unit, period, status or agency", items, err);
}

/* The whole list as CSV with the import's header (indicator,unit,period,value,comment), UTF-8
 * with a byte-order mark: a file that POST /v1/measurements/import takes back unchanged. */
static pm_status reply_csv_export(http_ctx *ctx, const list_args *args, pm_error *err)
{
    json_auto_t *items = NULL;
    pm_status st = collect_all(ctx, args, &items, err);
    if (st != PM_OK)
        return st;
    size_t len;
    char *text = csv_write(items, export_columns, sizeof export_columns / sizeof export_columns[0],
                           true, &len);
    if (!text)
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    reply_header(ctx, "Content-Disposition", "attachment; filename=\"measurements.csv\"");
    reply_bytes(ctx, 200, text, len, "text/csv; charset=utf-8");
    free(text);
    return PM_OK;
}

/* The whole list as an XLSX workbook of one sheet, names beside codes, a fraction written
 * "numerator/denominator". */
static pm_status reply_xlsx_export(http_ctx *ctx, const list_args *args, const char *lang,
                                   pm_error *err)
{
    json_auto_t *items = NULL;
    pm_status st = collect_all(ctx, args, &items, err);
    if (st != PM_OK)
        return st;
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m)
    {
        const json_t *v = json_object_get(m, "value");
        if (json_is_object(v))
            json_object_set_new(
                m, "value",
                json_sprintf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
                             json_integer_value(json_object_get(v, "numerator")),
                             json_integer_value(json_object_get(v, "denominator"))));
    }
    return export_reply_sheet(ctx, args->db, items, sheet_columns,
                              sizeof sheet_columns / sizeof sheet_columns[0], "Số liệu",
                              "Measurements", "measurements.xlsx", lang, err);
}

pm_status measurements_list(http_ctx *ctx, pm_error *err)
{
    list_args args = {.viewer = viewer_of(ctx)};
    measurement_filter *f = &args.filter;
    const char *format = NULL, *lang = NULL;
    page_request *page = &args.order;
    page_result result = {0};
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_text(ctx, "indicator", 64, &f->indicator, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &f->unit, err)) ||
        (st = req_query_text(ctx, "period", 11, &f->period, err)) ||
        (st = req_query_enum(ctx, "status", measurement_statuses, &f->status, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f->agency, err)) ||
        (st = req_query_time(ctx, "updated_since", REQ_DAY_STARTS, &f->updated_since, err)) ||
        (st = req_query_enum(ctx, "format", list_formats, &format, err)) ||
        (st = req_query_enum(ctx, "lang", export_langs, &lang, err)) ||
        (st = req_list(ctx, measurement_sort_names, page, err)) ||
        (st = ctx_db(ctx, &args.db, err)))
        goto out;
    if (format && strcmp(format, "csv") == 0) {
        st = reply_csv_export(ctx, &args, err);
        goto out;
    }
    if (format && strcmp(format, "xlsx") == 0) {
        st = reply_xlsx_export(ctx, &args, lang, err);
        goto out;
    }
    if ((st = measurement_repo_list(args.db, &args.viewer, f, page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status measurements_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *m = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = read_shown(ctx, req_path(ctx, "id"), &m, err)))
        return st;
    reply_object(ctx, m);
    return PM_OK;
}

/* --- writing --------------------------------------------------------------------------------- */

pm_status measurements_create(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *body = NULL, *context = NULL, *row = NULL, *created = NULL;
    period p;
    char start[11], end[11], id[24], location[64];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = measurement_parse_period(ctx, body, &p, err)))
        return st;
    period_date_text(p.start, start);
    period_date_text(p.end, end);
    if ((st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = measurement_repo_context(db, json_member_string(body, "indicator"),
                                       json_member_string(body, "unit"), start, end,
                                       ctx->who.agency, &context, err)) ||
        (st = measurement_check_entry(ctx, context, &p, err)) ||
        (st = measurement_make_row(body, &p, json_member_string(context, "value_type"), &row,
                                   err)) ||
        (st = measurement_repo_create(db, row, ctx->who.username, ctx->who.agency, id, err)) ||
        (st = read_shown(ctx, id, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    snprintf(location, sizeof location, "/v1/measurements/%s", id);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status measurements_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *row = NULL, *updated = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load(ctx, id, true, &current, err)) ||
        (st =
             measurement_may_enter(ctx, json_is_true(json_object_get(current, "in_scope")), err)) ||
        (st = check_if_match(ctx, current, err)))
        return st;
    if (strcmp(json_member_string(current, "status"), "approved") == 0)
        return pm_fail(err, PM_CONFLICT,
                       MSG("The measurement is approved and locked; a reviewer "
                           "must un-approve it first."));
    row = json_object();
    const json_t *value = json_object_get(patch, "value");
    if (value && json_is_null(value))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "value", "required",
                             MSG("value cannot be null"));
    if (value &&
        (st = measurement_put_value(row, json_member_string(current, "value_type"), value, err)))
        return st;
    json_object_set(row, "comment", json_object_get(patch, "comment"));
    json_object_set(row, "evidence", json_object_get(patch, "evidence"));
    period p;
    if (period_parse(json_member_string(current, "period"), ctx->app->cfg->report_due_days, &p))
        json_object_set_new(row, "late_entry", json_boolean(measurement_late(&p)));
    if ((st = measurement_repo_update(db, id, archive_version(current), row, patch, err)) ||
        (st = read_shown(ctx, id, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

pm_status measurement_transition_one(http_ctx *ctx, PGconn *db, const measurement_step *step,
                                     const char *id, const char *note, pm_error *err)
{
    json_auto_t *current = NULL;
    pm_status st;
    if ((st = load(ctx, id, true, &current, err)) ||
        (st = step->review ? may_review(ctx, current, err)
                           : measurement_may_enter(
                                 ctx, json_is_true(json_object_get(current, "in_scope")), err)))
        return st;
    const char *status = json_member_string(current, "status");
    if (strcmp(status, step->from) != 0)
        return pm_fail(err, PM_CONFLICT, MSG("The measurement is %s; only a %s one can be %s."),
                       status, step->from, step->to);
    return measurement_repo_transition(db, id, archive_version(current), step->from, step->to,
                                       step->review ? ctx->who.username : NULL, note, err);
}

pm_status measurements_transition(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    const measurement_step *step = ctx->route->data;
    json_auto_t *body = NULL, *changed = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)))
        return st;
    bool sent = ctx->req->binary_body_length > 0;
    if ((step->needs_note || (step->review && sent)) &&
        ((st = req_json_body(ctx, &body, err)) ||
         (st = validate_body(body, step->needs_note ? note_fields : optional_note_fields,
                             VALIDATE_CREATE, err))))
        return st;
    if ((st = ctx_begin(ctx, step->action, &db, err)) ||
        (st = measurement_transition_one(ctx, db, step, id, json_member_string(body, "note"),
                                         err)) ||
        (st = read_shown(ctx, id, &changed, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, changed);
    return PM_OK;
}

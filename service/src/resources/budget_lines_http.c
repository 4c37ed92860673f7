/* budget_lines_http.c: budget lines over HTTP (see budget_lines_http.h). */
#include "resources/budget_lines_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "domain/money.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/archive_http.h"
#include "resources/budget_lines_repo.h"

const budget_line_step budget_line_propose = LINE_PROPOSE, budget_line_appraise = LINE_APPRAISE,
                       budget_line_allocate = LINE_ALLOCATE, budget_line_reject = LINE_REJECT;

const char *const budget_line_money_fields[] = {"estimate", "appraised", "allocated", "spent",
                                                NULL};

static const char *const line_statuses[] = {"draft",     "proposed", "appraised",
                                            "allocated", "rejected", NULL};

#define LINE_SERVER_FIELDS                                                                 \
    V_SERVER("id"), V_SERVER("status"), V_SERVER("appraised"), V_SERVER("appraisal_note"), \
        V_SERVER("allocated"), V_SERVER("decision_number"), V_SERVER("decision_date"),     \
        V_SERVER("status_note"), V_SERVER("spent"), V_SERVER("disbursements"),             \
        V_SERVER("over_allocation"), V_SERVER("spent_share"), V_SERVER("created_by"),      \
        V_SERVER("version"), V_SERVER("created_at"), V_SERVER("updated_at")

/* The fields a writer gives, required (`req`) on create. */
#define LINE_FIELDS(req)                                                                     \
    V_INT("year", req, 2000, 2100), V_STRING("source", req, 1, 32),                          \
        V_OPT_INT("task", 1, INT64_MAX), V_OPT_STRING("section", 32),                        \
        V_CHECKED("description", req, 1, 2000, validate_not_blank, MSG("more than blanks")), \
        V_INT("estimate", req, 0, MONEY_MAX), LINE_SERVER_FIELDS

static const field_spec create_fields[] = {V_INT("plan", true, 1, INT64_MAX),
                                           V_OPT_STRING("agency", 32), LINE_FIELDS(true), V_END};
static const field_spec patch_fields[] = {V_SERVER("plan"), V_SERVER("agency"), LINE_FIELDS(false),
                                          V_END};

static const field_spec propose_fields[] = {V_OPT_STRING("note", 2000), V_END};
static const field_spec appraise_fields[] = {V_INT("appraised", true, 0, MONEY_MAX),
                                             V_OPT_STRING("note", 2000), V_END};
static const field_spec allocate_fields[] = {
    V_INT("allocated", true, 0, MONEY_MAX),
    V_CHECKED("decision_number", true, 1, 64, validate_not_blank, MSG("more than blanks")),
    V_KEPT_DATE("decision_date", true), V_OPT_STRING("note", 2000), V_END};
static const field_spec reject_fields[] = {
    V_CHECKED("note", true, 1, 2000, validate_not_blank, MSG("more than blanks")), V_END};

static const char *const list_params[] = {"plan", "year",    "agency", "source",    "status",
                                          "task", "section", "money",  PAGE_PARAMS, NULL};
static const char *const money_params[] = {"money", NULL};

pm_status budget_lines_money_format(const http_ctx *ctx, bool *as_strings, pm_error *err)
{
    const char *format = "number";
    pm_status st = req_query_enum(ctx, "money", money_formats, &format, err);
    *as_strings = strcmp(format, "string") == 0;
    return st;
}

line_reader budget_lines_reader(const http_ctx *ctx)
{
    return (line_reader){ctx->who.agency, access_reads_all_budget_lines(&ctx->who)};
}

/* Line `id` as the caller may read it: an id that is not digits cannot exist. */
static pm_status load_readable(http_ctx *ctx, PGconn *db, const char *id, bool lock, json_t **out,
                               pm_error *err)
{
    line_reader reader = budget_lines_reader(ctx);
    *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such budget line."));
    return budget_line_repo_get(db, id, &reader, lock, out, err);
}

pm_status budget_lines_load(http_ctx *ctx, PGconn *db, bool lock, json_t **out, pm_error *err)
{
    return load_readable(ctx, db, req_path(ctx, "id"), lock, out, err);
}

pm_status budget_lines_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    json_auto_t *line = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    return st ? st : load_readable(ctx, db, id, false, &line, err);
}

/* The line as clients see it, amounts as asked: a new object. */
static json_t *shown(const json_t *line, bool as_strings)
{
    json_t *copy = json_deep_copy(line);
    for (const char *const *f = budget_line_check_fields; copy && *f; f++)
        json_object_del(copy, *f);
    if (copy)
        money_write(copy, budget_line_money_fields, as_strings);
    return copy;
}

/* If-Match names the line as read now, with amounts as numbers or as strings. */
static pm_status check_if_match(http_ctx *ctx, const json_t *current, pm_error *err)
{
    json_auto_t *numbers = shown(current, false), *strings = shown(current, true);
    if (!numbers || !strings)
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    pm_status st = reply_check_if_match(ctx, numbers, err);
    if (st == PM_PRECONDITION_FAILED) {
        pm_error again = {0};
        if (reply_check_if_match(ctx, strings, &again) == PM_OK) {
            pm_error_reset(err);
            st = PM_OK;
        }
        pm_error_reset(&again);
    }
    return st;
}

/* Reads line `id` again after a change and answers it (201 with `location`, or 200). */
static pm_status reply_line(http_ctx *ctx, PGconn *db, const char *id, const char *location,
                            pm_error *err)
{
    json_auto_t *line = NULL, *out = NULL;
    line_reader reader = budget_lines_reader(ctx);
    bool as_strings;
    pm_status st;
    if ((st = budget_lines_money_format(ctx, &as_strings, err)) ||
        (st = budget_line_repo_get(db, id, &reader, false, &line, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    if (!(out = shown(line, as_strings)))
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    if (location)
        reply_created(ctx, location, out);
    else
        reply_object(ctx, out);
    return PM_OK;
}

pm_status budget_lines_list(http_ctx *ctx, pm_error *err)
{
    line_filter f = {0};
    line_reader reader = budget_lines_reader(ctx);
    page_request page;
    page_result result = {0};
    bool as_strings;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_digits(ctx, "plan", 18, &f.plan, err)) ||
        (st = req_query_digits(ctx, "year", 4, &f.year, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f.agency, err)) ||
        (st = req_query_text(ctx, "source", 32, &f.source, err)) ||
        (st = req_query_enum(ctx, "status", line_statuses, &f.status, err)) ||
        (st = req_query_digits(ctx, "task", 18, &f.task, err)) ||
        (st = req_query_text(ctx, "section", 32, &f.section, err)) ||
        (st = budget_lines_money_format(ctx, &as_strings, err)) || (st = req_page(ctx, &page, err)))
        goto out;
    if (!(st = ctx_db(ctx, &db, err)) &&
        !(st = budget_line_repo_list(db, &reader, &f, &page, &result, err))) {
        money_write_all(result.items, budget_line_money_fields, as_strings);
        reply_page(ctx, &result);
    }
out:
    page_result_clear(&result);
    return st;
}

pm_status budget_lines_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *line = NULL, *out = NULL;
    bool as_strings;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)) ||
        (st = budget_lines_money_format(ctx, &as_strings, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = budget_lines_load(ctx, db, false, &line, err)))
        return st;
    if (!(out = shown(line, as_strings)))
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    reply_object(ctx, out);
    return PM_OK;
}

/* May the caller draft, change or delete the lines of `agency`? 403 naming agency otherwise. */
static pm_status may_write(const http_ctx *ctx, const char *agency, pm_error *err)
{
    if (access_may_write_budget_line(&ctx->who, agency))
        return PM_OK;
    return pm_fail_field(err, PM_FORBIDDEN, "agency", "not_yours",
                         MSG("Only the agency's own people, coordinators and admins write its "
                             "budget lines."));
}

/* The text of integer member `name` of `object` into `buf`; NULL when absent or null. */
static const char *int_text(const json_t *object, const char *name, char *buf, size_t size)
{
    const json_t *v = json_object_get(object, name);
    if (!json_is_integer(v))
        return NULL;
    snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return buf;
}

pm_status budget_lines_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL;
    char plan[24], task[24], year[8], task_section[40], id[24];
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)))
        return st;
    const char *agency = json_member_string(body, "agency");
    if (!agency)
        agency = ctx->who.agency;
    const char *section = json_member_string(body, "section");
    const char *task_id = int_text(body, "task", task, sizeof task);
    if ((st = may_write(ctx, agency, err)) || (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = budget_line_repo_check(db, int_text(body, "plan", plan, sizeof plan), agency,
                                     json_member_string(body, "source"), task_id, section,
                                     int_text(body, "year", year, sizeof year), task_section,
                                     sizeof task_section, err)))
        return st;
    if (!section && task_section[0])
        section = task_section;
    if ((st = budget_line_repo_create(db, body, agency, section, ctx->who.username, id, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/budget-lines/%s", id);
    return reply_line(ctx, db, id, location, err);
}

/* The draft the path names, locked for a change by the caller: readable (404), the caller's to
 * write (403), named by If-Match (428, 412), a draft (409). */
static pm_status load_draft(http_ctx *ctx, PGconn *db, json_t **current, pm_error *err)
{
    pm_status st;
    if ((st = budget_lines_load(ctx, db, true, current, err)) ||
        (st = may_write(ctx, json_member_string(*current, "agency"), err)) ||
        (st = check_if_match(ctx, *current, err)))
        return st;
    if (strcmp(json_member_string(*current, "status"), "draft") != 0)
        return pm_fail(err, PM_CONFLICT,
                       MSG("The budget line is %s; only a draft can be changed or deleted."),
                       json_member_string(*current, "status"));
    return PM_OK;
}

pm_status budget_lines_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL;
    char plan[24], task[24], year[8], task_section[40];
    const char *id = req_path(ctx, "id");
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load_draft(ctx, db, &current, err)))
        return st;
    const json_t *task_source = json_object_get(patch, "task") ? patch : current;
    const json_t *year_source = json_object_get(patch, "year") ? patch : current;
    const char *task_id = int_text(task_source, "task", task, sizeof task);
    const char *section = validate_merged(patch, current, "section");
    if ((st = budget_line_repo_check(db, int_text(current, "plan", plan, sizeof plan),
                                     json_member_string(current, "agency"),
                                     validate_merged(patch, current, "source"), task_id,
                                     json_object_get(patch, "section") ? section : NULL,
                                     int_text(year_source, "year", year, sizeof year), task_section,
                                     sizeof task_section, err)))
        return st;
    /* a new task brings its section unless the patch names one */
    if (json_is_integer(json_object_get(patch, "task")) && !json_object_get(patch, "section"))
        section = task_section[0] ? task_section : NULL;
    if ((st = budget_line_repo_update(db, id, archive_version(current), patch, section, err)))
        return st;
    return reply_line(ctx, db, id, NULL, err);
}

pm_status budget_lines_delete(http_ctx *ctx, pm_error *err)
{
    json_auto_t *current = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)) || (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = load_draft(ctx, db, &current, err)) ||
        (st = budget_line_repo_delete(db, req_path(ctx, "id"), archive_version(current), err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    reply_bytes(ctx, 204, "", 0, NULL);
    return PM_OK;
}

/* --- the workflow ------------------------------------------------------------------------------
 */

typedef struct {
    const char *action, *to;
    const field_spec *fields;
} step_spec;

static const step_spec steps[] = {
    [LINE_PROPOSE] = {"propose", "proposed", propose_fields},
    [LINE_APPRAISE] = {"appraise", "appraised", appraise_fields},
    [LINE_ALLOCATE] = {"allocate", "allocated", allocate_fields},
    [LINE_REJECT] = {"reject", "rejected", reject_fields},
};

static pm_status forbidden_step(pm_error *err)
{
    return pm_fail(err, PM_FORBIDDEN, MSG("You may not take this step on this budget line."));
}

/* May the caller take `step` on `line` in its status? 403 when the caller may not take the step
 * on such a line, 409 when the line is not in a status the step starts from. */
static pm_status may_step(const http_ctx *ctx, budget_line_step step, const json_t *line,
                          pm_error *err)
{
    const char *status = json_member_string(line, "status");
    bool district_line = json_is_true(json_object_get(line, "district_line"));
    bool callers_district = json_is_true(json_object_get(line, "callers_district"));
    bool allocates = access_may_allocate_budget_line(&ctx->who, district_line, callers_district);
    switch (step) {
    case LINE_PROPOSE:
        if (!access_may_propose_budget_line(&ctx->who, json_member_string(line, "agency")))
            return forbidden_step(err);
        if (strcmp(status, "draft") != 0)
            return pm_fail(err, PM_CONFLICT,
                           MSG("The budget line is %s; only a draft can be proposed."), status);
        return PM_OK;
    case LINE_APPRAISE:
        if (district_line)
            return pm_fail(err, PM_CONFLICT,
                           MSG("A People's Committee's own line is allocated by its district "
                               "without appraisal."));
        if (!access_may_appraise_budget_line(&ctx->who))
            return forbidden_step(err);
        if (strcmp(status, "proposed") != 0)
            return pm_fail(err, PM_CONFLICT,
                           MSG("The budget line is %s; only a proposed line can be appraised."),
                           status);
        return PM_OK;
    case LINE_ALLOCATE:
        if (!allocates)
            return forbidden_step(err);
        if (strcmp(status, district_line ? "proposed" : "appraised") != 0)
            return pm_fail(err, PM_CONFLICT,
                           MSG("The budget line is %s; only a %s line can be allocated."), status,
                           district_line ? "proposed" : "appraised");
        return PM_OK;
    case LINE_REJECT:
        if (strcmp(status, "proposed") != 0 && strcmp(status, "appraised") != 0)
            return pm_fail(err, PM_CONFLICT,
                           MSG("The budget line is %s; only a proposed or appraised line can be "
                               "rejected."),
                           status);
        /* whoever takes the next step may refuse to */
        if (!(!district_line && strcmp(status, "proposed") == 0
                  ? access_may_appraise_budget_line(&ctx->who)
                  : allocates))
            return forbidden_step(err);
        return PM_OK;
    }
    return forbidden_step(err);
}

pm_status budget_lines_step(http_ctx *ctx, pm_error *err)
{
    budget_line_step step = *(const budget_line_step *)ctx->route->data;
    const step_spec *spec = &steps[step];
    json_auto_t *body = NULL, *current = NULL;
    const char *id = req_path(ctx, "id");
    char appraised[24], allocated[24];
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, money_params, err)))
        return st;
    if (ctx->req->binary_body_length > 0 || step != LINE_PROPOSE) {
        if ((st = req_json_body(ctx, &body, err)) ||
            (st = validate_body(body, spec->fields, VALIDATE_CREATE, err)))
            return st;
    }
    if ((st = ctx_begin(ctx, spec->action, &db, err)) ||
        (st = budget_lines_load(ctx, db, true, &current, err)) ||
        (st = check_if_match(ctx, current, err)) || (st = may_step(ctx, step, current, err)))
        return st;
    line_step_values v = {
        .status = spec->to,
        .appraised = int_text(body, "appraised", appraised, sizeof appraised),
        .allocated = int_text(body, "allocated", allocated, sizeof allocated),
        .decision_number = json_member_string(body, "decision_number"),
        .decision_date = json_member_string(body, "decision_date"),
        .note = json_member_string(body, "note"),
    };
    if ((st = budget_line_repo_step(db, id, archive_version(current), &v, err)))
        return st;
    return reply_line(ctx, db, id, NULL, err);
}

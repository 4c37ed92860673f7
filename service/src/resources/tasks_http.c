/* tasks_http.c: tasks and their progress journal over HTTP (see tasks_http.h). */
#include "resources/tasks_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/occurrences_repo.h"
#include "resources/task_updates_http.h"
#include "resources/export.h"
#include "resources/tasks_repo.h"

enum { MAX_TASK_AGENCIES = 200 };

static const field_spec agency_entry[] = {
    V_CHECKED("agency", true, 1, 32, validate_code, MSG("an agency code")),
    V_ENUM("role", true, task_roles),
    V_ENUM("mode", false, task_modes),
    V_ENUM("source", false, task_sources),
    V_OPT_STRING("note", 1000),
    V_END,
};

static pm_status agency_item(const char *name, const json_t *item, pm_error *err)
{
    return validate_object_item(name, item, agency_entry, err);
}

pm_status tasks_agency_entries(const char *name, const json_t *value, pm_error *err)
{
    pm_status st = validate_array(name, value, MAX_TASK_AGENCIES, agency_item, err);
    if (st != PM_OK)
        return st;
    for (size_t i = 0; i < json_array_size(value); i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_member_string(json_array_get(value, i), "agency"),
                       json_member_string(json_array_get(value, j), "agency")) == 0) {
                char field[48];
                snprintf(field, sizeof field, "agencies[%zu].agency", i);
                st = pm_fail_field(err, PM_VALIDATION_FAILED, field, "duplicate",
                                   MSG("%s is already listed as agencies[%zu]"), field, j);
                break;
            }
    return st;
}

/* The fields a task's own agency (a lead) may change: its dates, and its status and percent,
 * which a change records as a progress update dated occurred_on (task_updates_http.h). */
#define TASK_PROGRESS_FIELDS                                                          \
    V_DATE("start_date", false), V_DATE("due_date", false),                           \
        V_ENUM("status", false, task_statuses), V_INT("percent_done", false, 0, 100), \
        V_DATE("occurred_on", false)

#define TASK_FIELDS(req)                                                                          \
    V_OPT_STRING("section", 32), V_OPT_INT("parent_id", 1, INT64_MAX),                            \
        V_OPT_CHECKED("key", 1, 64, validate_slug, MSG("a-z and 0-9 in runs joined by '-'")),     \
        V_OPT_STRING("source_clause", 64),                                                        \
        V_CHECKED("title", req, 1, 1000, validate_not_blank, MSG("more than blanks")),            \
        V_OPT_STRING("title_en", 1000), V_STRING("description", false, 0, 20000),                 \
        V_CUSTOM("agencies", false, tasks_agency_entries),                                        \
        V_ENUM("recurrence", false, task_recurrences), V_OPT_ENUM("due_basis", task_due_bases),   \
        V_OPT_ENUM("start_basis", task_start_bases), V_OPT_ENUM("title_basis", task_title_bases), \
        V_OPT_INT("due_days", 0, 365), TASK_PROGRESS_FIELDS, V_SERVER("id"), V_SERVER("overdue"), \
        V_SERVER("version"), V_SERVER("created_at"), V_SERVER("updated_at"),                      \
        V_SERVER("archived_at")

static const field_spec create_fields[] = {V_INT("plan", true, 1, INT64_MAX), TASK_FIELDS(true),
                                           V_END};
static const field_spec patch_fields[] = {V_SERVER("plan"), TASK_FIELDS(false), V_END};
static const char *const lead_fields[] = {"start_date",   "due_date",    "status",
                                          "percent_done", "occurred_on", NULL};
/* The fields a change records as a progress update rather than writes to the task. */
static const char *const progress_fields[] = {"status", "percent_done", "occurred_on"};

static const char *const list_params[] = {
    "plan", "section",       "parent_id",        "agency",     "role",
    "mode", "status",        "overdue",          "due_before", "due_after",
    "q",    "updated_since", "include_archived", "source",     "format",
    "lang", "mine",          LIST_PARAMS,        NULL};
static const char *const export_formats[] = {"json", "xlsx", NULL};

/* The tasks workbook's columns: "agency" holds each task's lead agencies. */
static const export_column task_columns[] = {
    {"id", "Mã", "Id", XLSX_INT, 8},
    {"section", "Mục", "Section", XLSX_TEXT, 10},
    {"source_clause", "Điều khoản", "Clause", XLSX_TEXT, 12},
    {"title", "Nhiệm vụ", "Title", XLSX_TEXT, 60},
    {"agency", "Cơ quan chủ trì", "Lead", XLSX_TEXT, 14},
    {"agency_name", "Tên cơ quan chủ trì", "Lead agency", XLSX_TEXT, 40},
    {"status", "Tình trạng", "Status", XLSX_TEXT, 12},
    {"percent_done", "Tiến độ", "Done", XLSX_PERCENT, 10},
    {"start_date", "Bắt đầu", "Start", XLSX_DATE, 12},
    {"due_date", "Hạn", "Due", XLSX_DATE, 12},
    {"recurrence", "Lặp lại", "Recurrence", XLSX_TEXT, 12},
    {"overdue", "Quá hạn", "Overdue", XLSX_BOOL, 10},
    {"updated_at", "Ngày cập nhật", "Updated on", XLSX_DATE, 14},
};

/* What a page of the list reads with; `order` holds the ?sort= an export keeps. */
typedef struct {
    PGconn *db;
    task_filter filter;
    page_request order;
} list_args;

static pm_status list_page(http_ctx *ctx, const void *args, const page_request *page,
                           page_result *out, pm_error *err)
{
    const list_args *a = args;
    return task_repo_list(a->db, &a->filter, page, out, err);
}

/* The whole list as a workbook, each task's lead agencies (codes and names) beside it. */
static pm_status reply_tasks_xlsx(http_ctx *ctx, const list_args *args, const char *lang,
                                  pm_error *err)
{
    json_auto_t *items = NULL;
    pm_status st = export_collect(ctx, list_page, args, &args->order,
                                  "plan, section, agency, status, overdue, due_before or due_after",
                                  &items, err);
    if (st != PM_OK)
        return st;
    size_t i;
    json_t *task;
    json_array_foreach(items, i, task)
    {
        json_t *leads = json_array();
        size_t k;
        const json_t *e;
        json_array_foreach(json_object_get(task, "agencies"), k, e)
        {
            if (strcmp(json_member_string(e, "role"), "lead") == 0)
                json_array_append(leads, json_object_get(e, "agency"));
        }
        json_object_set_new(task, "agency", leads);
    }
    return export_reply_sheet(ctx, args->db, items, task_columns,
                              sizeof task_columns / sizeof task_columns[0], "Nhiệm vụ", "Tasks",
                              "tasks.xlsx", lang, err);
}
static const char *const no_params[] = {NULL};

/* --- who may do what ------------------------------------------------------------------------ */

const char *tasks_role_of(const char *agency, const json_t *task)
{
    size_t i;
    json_t *entry;
    json_array_foreach(json_object_get(task, "agencies"), i, entry)
    {
        if (agency && strcmp(json_member_string(entry, "agency"), agency) == 0)
            return json_member_string(entry, "role");
    }
    return NULL;
}

/* A change of a task's fields: editors any; a lead agency's people only the progress fields. */
static pm_status may_change(const http_ctx *ctx, const json_t *task, const json_t *patch,
                            pm_error *err)
{
    if (access_may_edit_task_definition(&ctx->who))
        return PM_OK;
    if (!access_may_edit_task(&ctx->who, tasks_role_of(ctx->who.agency, task)))
        return pm_fail(err, PM_FORBIDDEN,
                       MSG("Only the task's lead agency, coordinators and admins change a task."));
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)patch, key, value)
    {
        bool allowed = false;
        for (size_t i = 0; lead_fields[i]; i++)
            allowed = allowed || strcmp(key, lead_fields[i]) == 0;
        if (!allowed)
            return pm_fail_field(
                err, PM_FORBIDDEN, key, "forbidden",
                MSG("The lead agency changes only dates, status and percent_done."));
    }
    return PM_OK;
}

/* --- progress -------------------------------------------------------------------------------- */

/* Moves the progress fields of `change` (status, percent_done, occurred_on) into a new update
 * in *progress, or leaves *progress NULL when they change nothing: none given, or the values the
 * task has (`current`; on create, not started at 0 %). occurred_on without a status or percent
 * is refused. */
static pm_status take_progress(json_t *change, const json_t *current, json_t **progress,
                               pm_error *err)
{
    *progress = NULL;
    const json_t *status = json_object_get(change, "status");
    const json_t *percent = json_object_get(change, "percent_done");
    bool given = (status && !json_is_null(status)) || (percent && !json_is_null(percent));
    bool dated = json_object_get(change, "occurred_on") != NULL;
    if (!given && dated)
        return pm_fail_field(
            err, PM_VALIDATION_FAILED, "occurred_on", "without_change",
            MSG("occurred_on dates a change of status or percent_done; give one."));
    const char *now_status = current ? json_member_string(current, "status") : "not_started";
    long long now_percent =
        current ? json_integer_value(json_object_get(current, "percent_done")) : 0;
    bool same = (!json_is_string(status) || strcmp(json_string_value(status), now_status) == 0) &&
                (!json_is_integer(percent) || json_integer_value(percent) == now_percent);
    if (given && !same) {
        *progress = json_object();
        for (size_t i = 0; i < sizeof progress_fields / sizeof progress_fields[0]; i++) {
            json_t *value = json_object_get(change, progress_fields[i]);
            if (value && !json_is_null(value))
                json_object_set(*progress, progress_fields[i], value);
        }
    }
    for (size_t i = 0; i < sizeof progress_fields / sizeof progress_fields[0]; i++)
        json_object_del(change, progress_fields[i]);
    return PM_OK;
}

/* Derives the occurrences of task `id` and, when `progress` is given, records it; `moved`: the
 * request has given the task a new version already. */
static pm_status follow_up(http_ctx *ctx, PGconn *db, const char *id, json_t *progress, bool moved,
                           pm_error *err)
{
    json_auto_t *task = NULL;
    pm_status st = occurrence_repo_derive(db, id, ctx->app->cfg->report_due_days, err);
    if (st == PM_OK && progress && !(st = task_repo_get(db, id, true, true, &task, err))) {
        char update[24];
        st = task_progress_record(ctx, db, task, progress, !moved, update, err);
    }
    return st;
}

/* --- reading -------------------------------------------------------------------------------- */

pm_status tasks_load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st;
    *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such task."));
    if ((st = ctx_db(ctx, &db, err)))
        return st;
    return task_repo_get(db, id, access_sees_archived(&ctx->who), lock, out, err);
}

static pm_status load_path(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    return tasks_load(ctx, req_path(ctx, "id"), lock, out, err);
}

pm_status tasks_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    json_t *task = NULL;
    pm_status st = tasks_load(ctx, id, false, &task, err);
    json_decref(task);
    return st;
}

static pm_status set_archived(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                              pm_error *err)
{
    return task_repo_set_archived(db, req_path(ctx, "id"), archive_version(current), archive, err);
}

const archivable tasks_archivable = {MSG("The task is archived; restore it first."),
                                     MSG("The task is not archived."), load_path, set_archived};

pm_status tasks_list(http_ctx *ctx, pm_error *err)
{
    static const char *const booleans[] = {"true", "false", NULL};
    list_args args = {0};
    task_filter *f = &args.filter;
    const char *format = NULL, *lang = NULL;
    bool mine = false;
    page_request *page = &args.order;
    page_result result = {0};
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_id(ctx, "plan", &f->plan, err)) ||
        (st = req_query_text(ctx, "section", 32, &f->section, err)) ||
        (st = req_query_id(ctx, "parent_id", &f->parent_id, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f->agency, err)) ||
        (st = req_query_enum(ctx, "role", task_roles, &f->role, err)) ||
        (st = req_query_enum(ctx, "mode", task_modes, &f->mode, err)) ||
        (st = req_query_enum(ctx, "status", task_statuses, &f->status, err)) ||
        (st = req_query_enum(ctx, "overdue", booleans, &f->overdue, err)) ||
        (st = req_query_date(ctx, "due_before", &f->due_before, err)) ||
        (st = req_query_date(ctx, "due_after", &f->due_after, err)) ||
        (st = req_query_text(ctx, "q", 200, &f->q, err)) ||
        (st = req_query_time(ctx, "updated_since", REQ_DAY_STARTS, &f->updated_since, err)) ||
        (st = req_query_bool(ctx, "include_archived", &f->include_archived, err)) ||
        (st = req_query_enum(ctx, "source", task_sources, &f->source, err)) ||
        (st = req_query_enum(ctx, "format", export_formats, &format, err)) ||
        (st = req_query_enum(ctx, "lang", export_langs, &lang, err)) ||
        (st = req_query_bool(ctx, "mine", &mine, err)) ||
        (st = req_list(ctx, task_sort_names, page, err)))
        goto out;
    if (mine && f->agency) {
        st = pm_fail_field(err, PM_INVALID_PARAMETER, "mine", "with_agency",
                           MSG("mine=true means the caller's agency: give mine or agency, not "
                               "both"));
        goto out;
    }
    if (mine)
        f->agency = ctx->who.agency;
    if (f->role && !f->agency) {
        st = pm_fail_field(err, PM_INVALID_PARAMETER, "role", "needs_agency",
                           MSG("role filters the entries of one agency: give agency too"));
        goto out;
    }
    if ((st = archive_check_include(ctx, f->include_archived,
                                    MSG("Only admins and coordinators see archived tasks."), err)))
        goto out;
    if ((st = ctx_db(ctx, &args.db, err)))
        goto out;
    if (format && strcmp(format, "xlsx") == 0) {
        st = reply_tasks_xlsx(ctx, &args, lang, err);
        goto out;
    }
    st = task_repo_list(args.db, f, page, &result, err);
    if (st == PM_OK)
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status tasks_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *task = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = load_path(ctx, false, &task, err)))
        return st;
    reply_object(ctx, task);
    return PM_OK;
}

/* --- writing -------------------------------------------------------------------------------- */

pm_status tasks_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *progress = NULL, *created = NULL;
    PGconn *db;
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = validate_period(body, NULL, "start_date", "due_date", true, err)) ||
        (st = take_progress(body, NULL, &progress, err)) || (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = task_repo_check_references(db, body, NULL, err)) ||
        (st = task_repo_create(db, body, id, err)) ||
        (st = follow_up(ctx, db, id, progress, true, err)) ||
        (st = task_repo_get(db, id, true, false, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/tasks/%s", id);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status tasks_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL, *refs = NULL, *progress = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &tasks_archivable, false, &db, &current, err)) ||
        (st = may_change(ctx, current, patch, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = validate_period(patch, current, "start_date", "due_date", true, err)) ||
        (st = take_progress(patch, current, &progress, err)))
        return st;
    /* What the patch refers to, checked within the task's plan. */
    refs = json_deep_copy(patch);
    json_object_set(refs, "plan", json_object_get(current, "plan"));
    bool fields = json_object_size(patch) > 0;
    if ((st = task_repo_check_references(db, refs, id, err)) ||
        (fields && (st = task_repo_update(db, id, archive_version(current), patch, err))) ||
        (st = follow_up(ctx, db, id, progress, fields, err)) ||
        (st = task_repo_get(db, id, true, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

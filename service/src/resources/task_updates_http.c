/* task_updates_http.c: a task's progress journal over HTTP (see task_updates_http.h). */
#include "resources/task_updates_http.h"

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
#include "resources/occurrences_repo.h"
#include "resources/tasks_http.h"
#include "resources/tasks_repo.h"

static const field_spec update_fields[] = {
    V_OPT_STRING("note", 5000),
    V_INT("percent_done", false, 0, 100),
    V_ENUM("status", false, task_statuses),
    V_STRING("occurrence", false, 1, 16),
    V_DATE("occurred_on", false),
    V_CUSTOM("evidence", false, validate_evidence),
    V_SERVER("id"),
    V_SERVER("task"),
    V_SERVER("previous_status"),
    V_SERVER("previous_percent_done"),
    V_SERVER("author"),
    V_SERVER("agency"),
    V_SERVER("created_at"),
    V_SERVER("late_entry"),
    V_END,
};

static const char *const no_params[] = {NULL};
static const char *const page_params[] = {PAGE_PARAMS, NULL};

/* An update: editors on any task, other agencies where they lead or coordinate; one that sets
 * the status or percent, or reports an occurrence done, only where the caller may change the
 * task's own fields. */
static pm_status may_report(const http_ctx *ctx, const json_t *task, const json_t *update,
                            pm_error *err)
{
    const char *role = tasks_role_of(ctx->who.agency, task);
    if (!access_may_post_update(&ctx->who, role))
        return pm_fail(
            err, PM_FORBIDDEN,
            MSG("Only the task's lead and coordinating agencies post progress updates."));
    static const char *const task_fields[] = {"status", "percent_done", "occurrence"};
    for (size_t i = 0; i < sizeof task_fields / sizeof task_fields[0]; i++)
        if (json_object_get(update, task_fields[i]) && !access_may_edit_task(&ctx->who, role))
            return pm_fail_field(err, PM_FORBIDDEN, task_fields[i], "forbidden",
                                 MSG("Only the task's lead agency, coordinators and admins set its "
                                     "status and percent and report its occurrences done; a "
                                     "coordinating agency posts notes."));
    return PM_OK;
}

/* Makes `update` consistent with `state`, the task's {status, percent_done} on the day it
 * occurred: marked done without a percent, it is 100 % done; done with another percent is
 * refused. */
static pm_status settle(json_t *update, const json_t *state, pm_error *err)
{
    const json_t *status = json_object_get(update, "status");
    if (!json_is_string(status))
        status = json_object_get(state, "status");
    const json_t *percent = json_object_get(update, "percent_done");
    bool done = json_is_string(status) && strcmp(json_string_value(status), "done") == 0;
    if (done && json_object_get(update, "status") && !json_is_integer(percent)) {
        json_object_set_new(update, "percent_done", json_integer(100));
        return PM_OK;
    }
    if (!json_is_integer(percent))
        percent = json_object_get(state, "percent_done");
    if (done && json_integer_value(percent) != 100)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "percent_done", "inconsistent",
                             MSG("A task that is done is 100 percent done."));
    return PM_OK;
}

/* The day `update` occurred (today when it gives none), checked against today and `earliest`. */
static pm_status occurred_on(json_t *update, const char *earliest, civil_date *day, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    if (!json_object_get(update, "occurred_on"))
        json_object_set_new(update, "occurred_on", json_string(today));
    const char *on = json_member_string(update, "occurred_on");
    if (strcmp(on, today) > 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "occurred_on", "in_future",
                             MSG("occurred_on is after today (%s) in the province"), today);
    if (earliest && strcmp(on, earliest) < 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "occurred_on", "before_start",
                             MSG("occurred_on is before %s, when the task (or its plan) starts"),
                             earliest);
    clock_parse_date(on, day);
    return PM_OK;
}

/* The occurrence `update` names, if any: one of the task's, begun by the day the update
 * occurred. */
static pm_status check_occurrence(PGconn *db, const char *task, const json_t *update, pm_error *err)
{
    const char *name = json_member_string(update, "occurrence");
    json_auto_t *occurrence = NULL;
    if (!name)
        return PM_OK;
    pm_status st = occurrence_repo_get(db, task, name, &occurrence, err);
    if (st == PM_NOT_FOUND) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "occurrence", "unknown",
                             MSG("occurrence names none of the task's occurrences (GET "
                                 "/v1/tasks/%s/occurrences lists them)"),
                             task);
    }
    if (st != PM_OK)
        return st;
    const char *start = json_member_string(occurrence, "start");
    if (strcmp(json_member_string(update, "occurred_on"), start) < 0)
        return pm_fail_field(
            err, PM_VALIDATION_FAILED, "occurred_on", "before_occurrence",
            MSG("occurred_on is before %s, when the period of occurrence %s begins"), start, name);
    return PM_OK;
}

pm_status task_progress_record(http_ctx *ctx, PGconn *db, const json_t *task, json_t *update,
                               bool new_version, char *id_out, pm_error *err)
{
    char task_id[24], earliest[11];
    civil_date day = {1970, 1, 1};
    json_auto_t *then = NULL, *now = NULL;
    snprintf(task_id, sizeof task_id, "%lld",
             (long long)json_integer_value(json_object_get(task, "id")));
    pm_status st;
    if ((st = task_repo_earliest(db, task_id, earliest, err)) ||
        (st = occurred_on(update, earliest[0] ? earliest : NULL, &day, err)) ||
        (st = check_occurrence(db, task_id, update, err)) ||
        (st =
             task_repo_state(db, task_id, json_member_string(update, "occurred_on"), &then, err)) ||
        (st = settle(update, then, err)))
        return st;
    json_object_set_new(
        update, "late_entry",
        json_boolean(period_late_entry(day, clock_today(), ctx->app->cfg->report_due_days)));
    if ((st = task_repo_add_update(db, task_id, then, update, ctx->who.username, ctx->who.agency,
                                   id_out, err)) ||
        (st = task_repo_state(db, task_id, NULL, &now, err)))
        return st;
    if (strcmp(json_member_string(now, "status"), "done") == 0 &&
        json_integer_value(json_object_get(now, "percent_done")) != 100)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "occurred_on", "inconsistent",
                             MSG("Dated %s, this update would leave the task done at %lld percent "
                                 "after the updates that follow it."),
                             json_member_string(update, "occurred_on"),
                             (long long)json_integer_value(json_object_get(now, "percent_done")));
    return task_repo_apply_state(db, task_id, new_version, err);
}

static pm_status load(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    return st ? st : tasks_load(ctx, req_path(ctx, "id"), lock, out, err);
}

pm_status task_updates_list(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *task = NULL;
    page_request page;
    page_result result = {0};
    pm_status st;
    if (!(st = req_check_query(ctx, page_params, err)) && !(st = req_page(ctx, &page, err)) &&
        !(st = load(ctx, false, &task, err)) && !(st = ctx_db(ctx, &db, err)) &&
        !(st = task_repo_list_updates(db, req_path(ctx, "id"), &page, &result, err)))
        reply_page(ctx, &result);
    page_result_clear(&result);
    return st;
}

pm_status task_updates_get(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *task = NULL, *update = NULL;
    const char *update_id = req_path(ctx, "update_id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = load(ctx, false, &task, err)))
        return st;
    if (!update_id || !page_key_is_number(update_id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such update."));
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = task_repo_get_update(db, req_path(ctx, "id"), update_id, &update, err)))
        return st;
    reply_object(ctx, update);
    return PM_OK;
}

pm_status task_updates_create(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *body = NULL, *task = NULL, *created = NULL;
    const char *task_id = req_path(ctx, "id");
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, update_fields, VALIDATE_CREATE, err)))
        return st;
    if (json_is_null(json_object_get(body, "note")))
        json_object_del(body, "note");
    if (!json_object_get(body, "note") && !json_object_get(body, "percent_done") &&
        !json_object_get(body, "status") && !json_object_get(body, "occurrence"))
        return pm_fail_field(
            err, PM_VALIDATION_FAILED, "note", "required",
            MSG("An update gives a note, a percent_done, a status or an occurrence."));
    if ((st = ctx_begin(ctx, NULL, &db, err)) || (st = load(ctx, true, &task, err)) ||
        (st = may_report(ctx, task, body, err)))
        return st;
    if (archive_is_archived(task))
        return pm_fail(err, PM_CONFLICT, MSG("The task is archived; restore it first."));
    if ((st = task_progress_record(ctx, db, task, body, true, id, err)) ||
        (st = task_repo_get_update(db, task_id, id, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[96];
    snprintf(location, sizeof location, "/v1/tasks/%s/updates/%s", task_id, id);
    reply_created(ctx, location, created);
    return PM_OK;
}

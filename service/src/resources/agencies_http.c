/* agencies_http.c: handlers for agencies (see agencies_http.h). */
#include "resources/agencies_http.h"

#include <stdio.h>
#include <string.h>

#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/agencies_repo.h"
#include "resources/tasks_repo.h"

#define AGENCY_FIELDS(req)                                                                        \
    V_CHECKED("name", req, 1, 300, validate_not_blank, MSG("more than blanks")),                  \
        V_OPT_STRING("name_en", 300), V_ENUM("kind", req, agency_kinds), V_OPT_STRING("unit", 5), \
        V_DATE("valid_from", false), V_DATE("valid_to", false),                                   \
        V_OPT_CHECKED("short_name", 1, 20, validate_symbol_part,                                  \
                      MSG("letters and digits, without blanks, '/' or '-'")),                     \
        V_OPT_STRING("parent", 32), V_SERVER("version")

static const field_spec create_fields[] = {
    V_CHECKED("code", true, 1, 32, validate_code, MSG("A-Z and 0-9 in runs joined by '-'")),
    AGENCY_FIELDS(true), V_END};
static const field_spec patch_fields[] = {V_SERVER("code"), AGENCY_FIELDS(false), V_END};
static const char *const no_params[] = {NULL};

static const char *const list_params[] = {"kind", "unit", "q", LIST_PARAMS, NULL};

pm_status agencies_list(http_ctx *ctx, pm_error *err)
{
    agency_filter filter = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "kind", agency_kinds, &filter.kind, err)) ||
        (st = req_query_digits(ctx, "unit", 10, &filter.unit, err)) ||
        (st = req_query_text(ctx, "q", 200, &filter.q, err)) ||
        (st = req_list(ctx, agency_sort_names, &page, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = agency_repo_list(db, &filter, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status agencies_get(http_ctx *ctx, pm_error *err)
{
    return reply_get_by_path(ctx, "code", agency_repo_get, err);
}

pm_status agencies_exists(http_ctx *ctx, const char *code, pm_error *err)
{
    json_t *found = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = agency_repo_get(db, code, &found, err);
    json_decref(found);
    return st;
}

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; name && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* The rules across fields: a People's Committee, a People's Council and an inspection team are
 * tied to a unit; a procuracy, a court and a social work centre may be (a district's); no other
 * kind is. A validity period ends after it begins. */
static pm_status check_agency(const json_t *change, const json_t *current, pm_error *err)
{
    const char *kind = validate_merged(change, current, "kind");
    const char *unit = validate_merged(change, current, "unit");
    if (listed(agency_kinds_with_unit, kind) && !unit)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "required",
                             MSG("A %s is tied to its administrative unit."), kind);
    if (unit && !listed(agency_kinds_with_unit, kind) && !listed(agency_kinds_may_have_unit, kind))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "unit", "not_allowed",
                             MSG("A %s is not tied to an administrative unit."), kind);
    return validate_period(change, current, "valid_from", "valid_to", false, err);
}

pm_status agencies_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    pm_status st;
    const char *code;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = check_agency(body, NULL, err)))
        return st;
    code = json_member_string(body, "code");
    if ((st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = agency_repo_check(db, code, json_member_string(body, "kind"),
                                json_member_string(body, "unit"),
                                json_member_string(body, "parent"), true, err)) ||
        (st = agency_repo_create(db, body, err)) ||
        (st = agency_repo_get(db, code, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/agencies/%s", code);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status agencies_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code");
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = agency_repo_get_locked(db, code, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = check_agency(patch, current, err)) ||
        (st = agency_repo_check(db, code, validate_merged(patch, current, "kind"),
                                validate_merged(patch, current, "unit"),
                                validate_merged(patch, current, "parent"), false, err)) ||
        (st = agency_repo_update(db, code, json_integer_value(json_object_get(current, "version")),
                                 patch, err)) ||
        (st = agency_repo_get(db, code, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

/* --- responsibilities --------------------------------------------------------------------------
 */

static const char *const responsibility_params[] = {"plan", NULL};

/* Adds what `task` has falling due next (`next`: {occurrence, due}) to `list`, kept in due order
 * (then task order). */
static void add_due_soon(json_t *list, const json_t *task, const json_t *next)
{
    const char *due = json_member_string(next, "due");
    size_t at = json_array_size(list);
    while (at > 0 && strcmp(json_member_string(json_array_get(list, at - 1), "due"), due) > 0)
        at--;
    json_array_insert_new(list, at,
                          json_pack("{s:O, s:O, s:O, s:O}", "task", json_object_get(task, "id"),
                                    "title", json_object_get(task, "title"), "occurrence",
                                    json_object_get(next, "occurrence"), "due",
                                    json_object_get(next, "due")));
}

pm_status agencies_responsibilities(http_ctx *ctx, pm_error *err)
{
    json_auto_t *agency = NULL, *tasks = NULL;
    const char *code = req_path(ctx, "code"), *plan = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, responsibility_params, err)) ||
        (st = req_query_id(ctx, "plan", &plan, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = agency_repo_get(db, code, &agency, err)) ||
        (st = task_repo_responsibilities(db, code, plan, &tasks, err)))
        return st;
    json_t *lead = json_array(), *coordinate = json_array(), *overdue = json_array(),
           *due_soon = json_array();
    long done = 0, counted = 0;
    size_t i;
    json_t *task;
    json_array_foreach(tasks, i, task)
    {
        const json_t *next = json_object_get(task, "next_due");
        if (json_is_object(next))
            add_due_soon(due_soon, task, next);
        bool leads = strcmp(json_member_string(task, "role"), "lead") == 0;
        const char *status = json_member_string(task, "status");
        json_object_del(task, "role");
        json_array_append(leads ? lead : coordinate, task);
        if (json_is_true(json_object_get(task, "overdue")))
            json_array_append(overdue, task);
        if (leads && strcmp(status, "cancelled") != 0) {
            counted++;
            done += strcmp(status, "done") == 0;
        }
    }
    json_auto_t *body = json_pack(
        "{s:O, s:O, s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:o, s:o}", "agency",
        json_object_get(agency, "code"), "name", json_object_get(agency, "name"), "counts", "lead",
        (json_int_t)json_array_size(lead), "coordinate", (json_int_t)json_array_size(coordinate),
        "overdue", (json_int_t)json_array_size(overdue), "done", (json_int_t)done, "share_done",
        counted ? json_real((double)((2000 * done + counted) / (2 * counted)) / 10.0) : json_null(),
        "lead", lead, "coordinate", coordinate, "overdue", overdue, "due_soon", due_soon);
    reply_object(ctx, body);
    return PM_OK;
}

/* pilots_http.c: pilot model types and sites over HTTP (see pilots_http.h). */
#include "resources/pilots_http.h"

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
#include "resources/pilot_status_repo.h"
#include "resources/pilots_repo.h"
#include "resources/tasks_repo.h"

enum { MAX_EVIDENCE = 20 };

#define TYPE_FIELDS(req)                                                                     \
    V_CHECKED("name", req, 1, 1000, validate_not_blank, MSG("more than blanks")),            \
        V_OPT_STRING("name_en", 1000), V_OPT_STRING("source_clause", 64),                    \
        V_STRING("description", false, 0, 20000), V_OPT_STRING("target_text", 5000),         \
        V_OPT_INT("target_count", 0, 100000), V_OPT_ENUM("target_unit", pilot_target_units), \
        V_OPT_INT("target_districts", 0, 100000), V_DATE("target_date", false),              \
        V_OPT_STRING("lead_agency", 32), V_OPT_ENUM("lead_agency_source", task_sources),     \
        V_OPT_STRING("lead_agency_note", 2000), V_OPT_INT("task", 1, INT64_MAX),             \
        V_SERVER("version"), V_SERVER("created_at"), V_SERVER("updated_at"),                 \
        V_SERVER("sites_active"), V_SERVER("districts_active"), V_END

static const field_spec type_create_fields[] = {
    V_CHECKED("code", true, 1, 32, validate_code, MSG("A-Z and 0-9 in runs joined by '-'")),
    TYPE_FIELDS(true)};
static const field_spec type_patch_fields[] = {V_SERVER("code"), TYPE_FIELDS(false)};

static pm_status evidence_field(const char *name, const json_t *value, pm_error *err)
{
    return validate_array(name, value, MAX_EVIDENCE, validate_url, err);
}

#define SITE_FIELDS(req)                                                                  \
    V_STRING("model_type", req, 1, 32),                                                   \
        V_CHECKED("name", req, 1, 300, validate_not_blank, MSG("more than blanks")),      \
        V_STRING("district", req, 1, 5), V_STRING("host_agency", req, 1, 32),             \
        V_ENUM("status", false, pilot_site_statuses), V_DATE("start_date", false),        \
        V_DATE("evaluation_date", false), V_INT("beneficiaries", false, 0, 100000000),    \
        V_CUSTOM("evidence", false, evidence_field), V_OPT_STRING("notes", 5000),         \
        V_DATE("effective_on", false), V_OPT_STRING("status_note", 5000), V_SERVER("id"), \
        V_SERVER("version"), V_SERVER("created_at"), V_SERVER("updated_at"),              \
        V_SERVER("archived_at"), V_END

static const field_spec site_create_fields[] = {SITE_FIELDS(true)};
static const field_spec site_patch_fields[] = {SITE_FIELDS(false)};

static const char *const site_list_params[] = {
    "model_type", "district", "status", "host_agency", "include_archived", PAGE_PARAMS, NULL};
static const char *const page_params[] = {PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};

/* The moves a site's status may make (stopped is final). */
static const char *const transitions[][2] = {
    {"planned", "piloting"},  {"piloting", "evaluated"}, {"evaluated", "scaled_up"},
    {"planned", "stopped"},   {"piloting", "stopped"},   {"evaluated", "stopped"},
    {"scaled_up", "stopped"},
};

static pm_status check_transition(const char *from, const char *to, pm_error *err)
{
    if (!to || strcmp(from, to) == 0)
        return PM_OK;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(transitions[i][0], from) == 0 && strcmp(transitions[i][1], to) == 0)
            return PM_OK;
    return pm_fail_field(err, PM_CONFLICT, "status", "invalid_transition",
                         MSG("A %s site cannot become %s."), from, to);
}

/* The status change `change` (a body, or a patch of `current`, NULL on create) makes, recorded in
 * the site's history: effective `effective_on` (default today; on create, the start date of a
 * site that is already under way), not after today nor before the change it follows. The
 * history-only fields leave `change`. */
static pm_status record_status(http_ctx *ctx, PGconn *db, const char *site, json_t *change,
                               const json_t *current, pm_error *err)
{
    const char *from = current ? json_member_string(current, "status") : NULL;
    const char *to = json_member_string(change, "status");
    if (!current && !to)
        to = "planned";
    char today[11], last[11] = "", on[11];
    clock_today_text(today);
    const char *given = json_member_string(change, "effective_on");
    const char *start = validate_merged(change, current, "start_date");
    pm_status st = PM_OK;
    if (!to || (from && strcmp(from, to) == 0)) {
        if (given)
            st = pm_fail_field(err, PM_VALIDATION_FAILED, "effective_on", "without_change",
                               MSG("effective_on dates a change of status; give the new status."));
        goto out;
    }
    snprintf(on, sizeof on, "%s",
             given ? given
             : !current && strcmp(to, "planned") != 0 && start && strcmp(start, today) <= 0
                 ? start
                 : today);
    if (current && (st = pilot_status_repo_last_day(db, site, last, err)))
        goto out;
    if (strcmp(on, today) > 0)
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "effective_on", "in_future",
                           MSG("effective_on is after today (%s) in the province"), today);
    else if (last[0] && strcmp(on, last) < 0)
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "effective_on", "before_previous",
                           MSG("effective_on is before %s, when the site's current status took "
                               "effect"),
                           last);
    else {
        civil_date day;
        clock_parse_date(on, &day);
        st = pilot_status_repo_add(
            db, site, to, from, on, json_member_string(change, "status_note"),
            period_late_entry(day, clock_today(), ctx->app->cfg->report_due_days),
            ctx->who.username, ctx->who.agency[0] ? ctx->who.agency : NULL, err);
    }
out:
    json_object_del(change, "effective_on");
    json_object_del(change, "status_note");
    return st;
}

/* --- model types ----------------------------------------------------------------------------- */

pm_status pilot_types_may_read(http_ctx *ctx, const char *code, pm_error *err)
{
    json_t *type = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = pilot_type_repo_get(db, code, false, &type, err);
    json_decref(type);
    return st;
}

pm_status pilot_types_list(http_ctx *ctx, pm_error *err)
{
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if (!(st = req_check_query(ctx, page_params, err)) && !(st = req_page(ctx, &page, err)) &&
        !(st = ctx_db(ctx, &db, err)) && !(st = pilot_type_repo_list(db, &page, &result, err)))
        reply_page(ctx, &result);
    page_result_clear(&result);
    return st;
}

pm_status pilot_types_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *type = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = pilot_type_repo_get(db, req_path(ctx, "code"), false, &type, err)))
        return st;
    reply_object(ctx, type);
    return PM_OK;
}

pm_status pilot_types_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, type_create_fields, VALIDATE_CREATE, err)) ||
        (st = validate_basis(body, NULL, "lead_agency_source", "lead_agency_note", err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = pilot_type_repo_check_references(db, body, err)) ||
        (st = pilot_type_repo_create(db, body, err)) ||
        (st = pilot_type_repo_get(db, json_member_string(body, "code"), false, &created, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    char location[96];
    snprintf(location, sizeof location, "/v1/pilot-model-types/%s",
             json_member_string(body, "code"));
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status pilot_types_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code");
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, type_patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = pilot_type_repo_get(db, code, true, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = validate_basis(patch, current, "lead_agency_source", "lead_agency_note", err)) ||
        (st = pilot_type_repo_check_references(db, patch, err)) ||
        (st = pilot_type_repo_update(db, code, archive_version(current), patch, err)) ||
        (st = pilot_type_repo_get(db, code, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

/* --- sites ------------------------------------------------------------------------------------ */

/* Sites are managed by their host agency's people, and by admins and coordinators. */
static pm_status may_manage(const http_ctx *ctx, const char *host, pm_error *err)
{
    if (access_may_manage_site(&ctx->who, host))
        return PM_OK;
    return pm_fail_field(
        err, PM_FORBIDDEN, "host_agency", "forbidden",
        MSG("A pilot site is managed by its host agency, coordinators and admins."));
}

static pm_status load_site(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st;
    *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such pilot site."));
    if ((st = ctx_db(ctx, &db, err)) || (st = pilot_site_repo_get(db, id, lock, out, err)))
        return st;
    return archive_hide(ctx, out, MSG("There is no such pilot site."), err);
}

static pm_status load_site_path(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    return load_site(ctx, req_path(ctx, "id"), lock, out, err);
}

pm_status pilot_sites_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    json_t *site = NULL;
    pm_status st = load_site(ctx, id, false, &site, err);
    json_decref(site);
    return st;
}

static pm_status archive_site(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                              pm_error *err)
{
    return pilot_site_repo_set_archived(db, req_path(ctx, "id"), archive_version(current), archive,
                                        err);
}

const archivable pilot_sites_archivable = {MSG("The pilot site is archived; restore it first."),
                                           MSG("The pilot site is not archived."), load_site_path,
                                           archive_site};

pm_status pilot_sites_list(http_ctx *ctx, pm_error *err)
{
    pilot_site_filter f = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, site_list_params, err)) ||
        (st = req_query_text(ctx, "model_type", 32, &f.model_type, err)) ||
        (st = req_query_digits(ctx, "district", 5, &f.district, err)) ||
        (st = req_query_enum(ctx, "status", pilot_site_statuses, &f.status, err)) ||
        (st = req_query_text(ctx, "host_agency", 32, &f.host_agency, err)) ||
        (st = req_query_bool(ctx, "include_archived", &f.include_archived, err)) ||
        (st = req_page(ctx, &page, err)) ||
        (st = archive_check_include(ctx, f.include_archived,
                                    MSG("Only admins and coordinators see archived pilot sites."),
                                    err)))
        goto out;
    if (!(st = ctx_db(ctx, &db, err)) && !(st = pilot_site_repo_list(db, &f, &page, &result, err)))
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status pilot_sites_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *site = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = load_site_path(ctx, false, &site, err)))
        return st;
    reply_object(ctx, site);
    return PM_OK;
}

pm_status pilot_sites_create(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *body = NULL, *created = NULL;
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, site_create_fields, VALIDATE_CREATE, err)) ||
        (st = may_manage(ctx, json_member_string(body, "host_agency"), err)) ||
        (st = check_transition("planned", json_member_string(body, "status"), err)) ||
        (st = validate_period(body, NULL, "start_date", "evaluation_date", true, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = pilot_site_repo_check_references(db, body, err)) ||
        (st = pilot_site_repo_check_territory(db, json_member_string(body, "district"),
                                              json_member_string(body, "host_agency"), err)) ||
        (st = pilot_site_repo_create(db, body, id, err)) ||
        (st = record_status(ctx, db, id, body, NULL, err)) ||
        (st = pilot_site_repo_get(db, id, false, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/pilot-sites/%s", id);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status pilot_sites_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, site_patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &pilot_sites_archivable, false, &db, &current, err)) ||
        (st = may_manage(ctx, json_member_string(current, "host_agency"), err)) ||
        (st = may_manage(ctx, validate_merged(patch, current, "host_agency"), err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = check_transition(json_member_string(current, "status"),
                               json_member_string(patch, "status"), err)) ||
        (st = validate_period(patch, current, "start_date", "evaluation_date", true, err)) ||
        (st = pilot_site_repo_check_references(db, patch, err)) ||
        (st = pilot_site_repo_check_territory(db, validate_merged(patch, current, "district"),
                                              validate_merged(patch, current, "host_agency"),
                                              err)) ||
        (st = record_status(ctx, db, id, patch, current, err)) ||
        (st = pilot_site_repo_update(db, id, archive_version(current), patch, err)) ||
        (st = pilot_site_repo_get(db, id, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

pm_status pilot_sites_status_history(http_ctx *ctx, pm_error *err)
{
    json_auto_t *site = NULL, *items = NULL, *body = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = load_site_path(ctx, false, &site, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = pilot_status_repo_history(db, req_path(ctx, "id"), &items, err)))
        return st;
    body = json_pack("{s:O}", "items", items);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

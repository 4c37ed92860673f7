/* indicators_http.c: indicators and targets over HTTP (see indicators_http.h). */
#include "resources/indicators_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/indicators_repo.h"
#include "resources/tasks_repo.h"

enum { MAX_REPORTING_AGENCIES = 200 };

static pm_status agency_code(const char *name, const json_t *item, pm_error *err)
{
    const char *s = json_string_value(item);
    if (s && json_string_length(item) <= 32 && strlen(s) == json_string_length(item) &&
        validate_code(s))
        return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, name, "invalid",
                         MSG("%s must be an agency code"), name);
}

static pm_status reporting_agencies(const char *name, const json_t *value, pm_error *err)
{
    pm_status st = validate_array(name, value, MAX_REPORTING_AGENCIES, agency_code, err);
    for (size_t i = 0; st == PM_OK && i < json_array_size(value); i++)
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(value, i), json_array_get(value, j))) {
                char field[48];
                snprintf(field, sizeof field, "%s[%zu]", name, i);
                st = pm_fail_field(err, PM_VALIDATION_FAILED, field, "duplicate",
                                   MSG("%s is listed twice"), field);
                break;
            }
    return st;
}

static pm_status period_id(const char *name, const json_t *value, pm_error *err)
{
    period p;
    if (json_is_string(value) && period_parse(json_string_value(value), 0, &p))
        return PM_OK;
    return pm_fail_field_named(err, PM_VALIDATION_FAILED, name, "invalid",
                               MSG("%s must be a period: %s"), name, period_forms);
}

#define INDICATOR_FIELDS(req)                                                                  \
    V_CHECKED("name", req, 1, 1000, validate_not_blank, MSG("more than blanks")),              \
        V_OPT_STRING("name_en", 1000), V_OPT_STRING("source_clause", 64),                      \
        V_STRING("description", false, 0, 20000), V_OPT_INT("plan", 1, INT64_MAX),             \
        V_ENUM("level", req, indicator_levels), V_ENUM("period_type", req, period_type_names), \
        V_ENUM("value_type", req, indicator_value_types),                                      \
        V_ENUM("direction", false, indicator_directions),                                      \
        V_ENUM("rollup", req, indicator_rollups), V_NUMBER("threshold", false),                \
        V_OPT_STRING("pilot_model_type", 32),                                                  \
        V_CUSTOM("reporting_agencies", false, reporting_agencies),                             \
        V_OPT_ENUM("source", task_sources), V_OPT_STRING("note", 5000), V_SERVER("version"),   \
        V_SERVER("created_at"), V_SERVER("updated_at"), V_SERVER("archived_at")

static const field_spec indicator_create_fields[] = {
    V_CHECKED("code", true, 1, 64, validate_code, MSG("A-Z and 0-9 in runs joined by '-'")),
    INDICATOR_FIELDS(true), V_END};
static const field_spec indicator_patch_fields[] = {V_SERVER("code"), INDICATOR_FIELDS(false),
                                                    V_END};

#define TARGET_FIELDS(req)                                                                       \
    V_CUSTOM("period", false, period_id), V_OPT_INT("applies_from", 1900, 2200),                 \
        V_OPT_INT("applies_to", 1900, 2200), V_ENUM("operator", req, target_operators),          \
        V_KEPT_NUMBER("value", req), V_OPT_STRING("unit_of_measure", 64),                        \
        V_OPT_STRING("scope_unit", 5), V_NUMBER("baseline", false),                              \
        V_ENUM("rounding", false, target_roundings), V_OPT_STRING("note", 5000), V_SERVER("id"), \
        V_SERVER("indicator"), V_SERVER("version"), V_SERVER("created_at"),                      \
        V_SERVER("updated_at"), V_SERVER("archived_at"), V_END

static const field_spec target_create_fields[] = {TARGET_FIELDS(true)};
static const field_spec target_patch_fields[] = {TARGET_FIELDS(false)};

static const char *const list_params[] = {"level",     "agency", "q", "include_archived",
                                          PAGE_PARAMS, NULL};
static const char *const target_list_params[] = {"include_archived", PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};

/* --- indicators ------------------------------------------------------------------------------ */

pm_status indicators_load(http_ctx *ctx, const char *code, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    json_t *indicator = NULL;
    pm_status st;
    if (out)
        *out = NULL;
    if ((st = ctx_db(ctx, &db, err)) || (st = indicator_repo_get(db, code, lock, &indicator, err)))
        return st;
    if ((st = archive_hide(ctx, &indicator, MSG("There is no such indicator."), err)))
        return st;
    if (out)
        *out = indicator;
    else
        json_decref(indicator);
    return PM_OK;
}

pm_status indicators_may_read(http_ctx *ctx, const char *code, pm_error *err)
{
    return indicators_load(ctx, code, false, NULL, err);
}

static pm_status load_indicator(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    return indicators_load(ctx, req_path(ctx, "code"), lock, out, err);
}

static pm_status archive_indicator(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                                   pm_error *err)
{
    return indicator_repo_set_archived(db, req_path(ctx, "code"), archive_version(current), archive,
                                       err);
}

const archivable indicators_archivable = {MSG("The indicator is archived; restore it first."),
                                          MSG("The indicator is not archived."), load_indicator,
                                          archive_indicator};

pm_status indicators_list(http_ctx *ctx, pm_error *err)
{
    indicator_filter f = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "level", indicator_levels, &f.level, err)) ||
        (st = req_query_text(ctx, "agency", 32, &f.agency, err)) ||
        (st = req_query_text(ctx, "q", 200, &f.q, err)) ||
        (st = req_query_bool(ctx, "include_archived", &f.include_archived, err)) ||
        (st = req_page(ctx, &page, err)))
        goto out;
    if ((st = archive_check_include(ctx, f.include_archived,
                                    MSG("Only admins and coordinators see archived indicators."),
                                    err)))
        goto out;
    if (!(st = ctx_db(ctx, &db, err)) && !(st = indicator_repo_list(db, &f, &page, &result, err)))
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status indicators_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *indicator = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = load_indicator(ctx, false, &indicator, err)))
        return st;
    reply_object(ctx, indicator);
    return PM_OK;
}

pm_status indicators_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, indicator_create_fields, VALIDATE_CREATE, err)) ||
        (st = validate_basis(body, NULL, "source", "note", err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = indicator_repo_check_references(db, body, err)) ||
        (st = indicator_repo_create(db, body, err)) ||
        (st = indicator_repo_get(db, json_member_string(body, "code"), false, &created, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    char location[96];
    snprintf(location, sizeof location, "/v1/indicators/%s", json_member_string(body, "code"));
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status indicators_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, indicator_patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &indicators_archivable, false, &db, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = validate_basis(patch, current, "source", "note", err)) ||
        (st = indicator_repo_check_references(db, patch, err)) ||
        (st = indicator_repo_update(db, code, archive_version(current), patch, err)) ||
        (st = indicator_repo_get(db, code, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

/* --- targets --------------------------------------------------------------------------------- */

static pm_status load_target(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    const char *id = req_path(ctx, "id");
    json_t *target = NULL;
    pm_status st;
    *out = NULL;
    if ((st = indicators_load(ctx, req_path(ctx, "code"), false, NULL, err)))
        return st;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such target."));
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = target_repo_get(db, req_path(ctx, "code"), id, lock, &target, err)))
        return st;
    if ((st = archive_hide(ctx, &target, MSG("There is no such target."), err)))
        return st;
    *out = target;
    return PM_OK;
}

pm_status targets_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    (void)id;
    json_t *target = NULL;
    pm_status st = load_target(ctx, false, &target, err);
    json_decref(target);
    return st;
}

static pm_status archive_target(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                                pm_error *err)
{
    return target_repo_set_archived(db, req_path(ctx, "code"), req_path(ctx, "id"),
                                    archive_version(current), archive, err);
}

const archivable targets_archivable = {MSG("The target is archived; restore it first."),
                                       MSG("The target is not archived."), load_target,
                                       archive_target};

/* A target names one period, or a range of years, or neither (it stands for every period). */
static pm_status check_target(const json_t *change, const json_t *current, pm_error *err)
{
    const json_t *named = json_object_get(change, "period");
    if (!named)
        named = json_object_get(current, "period");
    const json_t *from = json_object_get(change, "applies_from");
    if (!from)
        from = json_object_get(current, "applies_from");
    const json_t *to = json_object_get(change, "applies_to");
    if (!to)
        to = json_object_get(current, "applies_to");
    if (json_is_string(named) && (json_is_integer(from) || json_is_integer(to)))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "exclusive",
                             MSG("A target names a period or a range of years, not both."));
    if (json_is_integer(from) && json_is_integer(to) &&
        json_integer_value(to) < json_integer_value(from))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "applies_to", "before_start",
                             MSG("applies_to must not be before applies_from"));
    return PM_OK;
}

pm_status targets_list(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    bool include_archived = false;
    page_request page;
    page_result result = {0};
    pm_status st;
    if ((st = req_check_query(ctx, target_list_params, err)) ||
        (st = req_query_bool(ctx, "include_archived", &include_archived, err)) ||
        (st = req_page(ctx, &page, err)))
        goto out;
    if ((st =
             archive_check_include(ctx, include_archived,
                                   MSG("Only admins and coordinators see archived targets."), err)))
        goto out;
    if (!(st = indicators_load(ctx, req_path(ctx, "code"), false, NULL, err)) &&
        !(st = ctx_db(ctx, &db, err)) &&
        !(st = target_repo_list(db, req_path(ctx, "code"), include_archived, &page, &result, err)))
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status targets_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *target = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = load_target(ctx, false, &target, err)))
        return st;
    reply_object(ctx, target);
    return PM_OK;
}

pm_status targets_create(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *body = NULL, *indicator = NULL, *created = NULL;
    const char *code = req_path(ctx, "code");
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, target_create_fields, VALIDATE_CREATE, err)) ||
        (st = check_target(body, NULL, err)) || (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = indicators_load(ctx, code, true, &indicator, err)))
        return st;
    if (archive_is_archived(indicator))
        return pm_fail(err, PM_CONFLICT, MSG("The indicator is archived; restore it first."));
    if ((st = target_repo_create(db, code, body, id, err)) ||
        (st = target_repo_get(db, code, id, false, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[128];
    snprintf(location, sizeof location, "/v1/indicators/%s/targets/%s", code, id);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status targets_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code"), *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, target_patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &targets_archivable, false, &db, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = check_target(patch, current, err)) ||
        (st = target_repo_update(db, code, id, archive_version(current), patch, err)) ||
        (st = target_repo_get(db, code, id, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

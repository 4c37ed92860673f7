/* admin_units_http.c: handlers for administrative units (see admin_units_http.h). */
#include "resources/admin_units_http.h"

#include <stdio.h>
#include <string.h>

#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/admin_units_repo.h"

static const char *const unit_types[] = {"tinh",   "thanh_pho", "thi_xa", "huyen",
                                         "phuong", "thi_tran",  "xa",     NULL};

/* The types a unit of each level may have (index: level - 1). */
static const char *const level_types[3][4] = {
    {"tinh", "thanh_pho", NULL},
    {"thanh_pho", "thi_xa", "huyen", NULL},
    {"phuong", "thi_tran", "xa", NULL},
};

static bool gso_code(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n >= 2 && n <= 5 && s[n] == '\0';
}

#define UNIT_FIELDS(req)                                                                    \
    V_CHECKED("name", req, 1, 200, validate_not_blank, MSG("more than blanks")),            \
        V_ENUM("type", req, unit_types), V_KEPT_DATE("valid_from", req),                    \
        V_DATE("valid_to", false), V_SERVER("level"), V_SERVER("path"), V_SERVER("counts"), \
        V_SERVER("current_since"), V_SERVER("former"), V_SERVER("version")

static const field_spec create_fields[] = {
    V_CHECKED("code", true, 2, 5, gso_code, MSG("2 to 5 digits (the GSO code)")),
    V_OPT_STRING("parent", 5), UNIT_FIELDS(true), V_END};
static const field_spec patch_fields[] = {V_SERVER("code"), V_SERVER("parent"),
                                          V_DATE("effective", false), UNIT_FIELDS(false), V_END};
static const char *const no_params[] = {NULL};

static const char *const list_params[] = {"level", "parent", "q", LIST_PARAMS, NULL};

pm_status admin_units_list(http_ctx *ctx, pm_error *err)
{
    admin_unit_filter filter = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_int(ctx, "level", 1, 3, &filter.level, err)) ||
        (st = req_query_digits(ctx, "parent", 10, &filter.parent, err)) ||
        (st = req_query_text(ctx, "q", 200, &filter.q, err)) ||
        (st = req_list(ctx, admin_unit_sort_names, &page, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = admin_unit_repo_list(db, &filter, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status admin_units_get(http_ctx *ctx, pm_error *err)
{
    return reply_get_by_path(ctx, "code", admin_unit_repo_get, err);
}

pm_status admin_units_exists(http_ctx *ctx, const char *code, pm_error *err)
{
    json_t *found = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = admin_unit_repo_get(db, code, &found, err);
    json_decref(found);
    return st;
}

static pm_status check_type(const char *type, int level, pm_error *err)
{
    if (level > 3)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "parent", "too_deep",
                             MSG("Communes (level 3) have no units below them."));
    for (int i = 0; type && level_types[level - 1][i]; i++)
        if (strcmp(type, level_types[level - 1][i]) == 0)
            return PM_OK;
    return pm_fail_field(err, PM_VALIDATION_FAILED, "type", "wrong_level",
                         MSG("A unit of level %d cannot be of this type."), level);
}

pm_status admin_units_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    int level = 1;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = validate_period(body, NULL, "valid_from", "valid_to", false, err)))
        return st;
    const char *code = json_member_string(body, "code");
    if ((st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = admin_unit_repo_check_new(db, code, json_member_string(body, "parent"), &level,
                                        err)) ||
        (st = check_type(json_member_string(body, "type"), level, err)) ||
        (st = admin_unit_repo_create(db, body, err)) ||
        (st = admin_unit_repo_get(db, code, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/admin-units/%s", code);
    reply_created(ctx, location, created);
    return PM_OK;
}

/* A change in law (`effective`) must change the name or type, and begin after the current
 * ones did; the current ones must still begin after the unit does. */
static pm_status check_effective(const json_t *patch, const json_t *current, pm_error *err)
{
    const char *effective = json_member_string(patch, "effective");
    const char *since = json_member_string(current, "current_since");
    const char *from = validate_merged(patch, current, "valid_from");
    if (!effective) {
        if (since && from && strcmp(since, from) <= 0)
            return pm_fail_field(err, PM_VALIDATION_FAILED, "valid_from", "after_current",
                                 MSG("valid_from must be before current_since (%s)"), since);
        return PM_OK;
    }
    const char *name = json_member_string(patch, "name"), *type = json_member_string(patch, "type");
    if ((!name || strcmp(name, json_member_string(current, "name")) == 0) &&
        (!type || strcmp(type, json_member_string(current, "type")) == 0))
        return pm_fail_field(
            err, PM_VALIDATION_FAILED, "effective", "nothing_changes",
            MSG("effective dates a change of name or type; this patch makes none"));
    const char *start = since ? since : from;
    if (start && strcmp(effective, start) <= 0)
        return pm_fail_field(
            err, PM_VALIDATION_FAILED, "effective", "not_after_start",
            MSG("effective must be after %s, when the current name and type began"), start);
    return PM_OK;
}

pm_status admin_units_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code");
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = admin_unit_repo_get_locked(db, code, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = validate_period(patch, current, "valid_from", "valid_to", false, err)) ||
        (st = check_effective(patch, current, err)) ||
        (st = check_type(validate_merged(patch, current, "type"),
                         (int)json_integer_value(json_object_get(current, "level")), err)) ||
        (st = admin_unit_repo_update(db, code,
                                     json_integer_value(json_object_get(current, "version")), patch,
                                     json_member_string(patch, "effective"), err)) ||
        (st = admin_unit_repo_get(db, code, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

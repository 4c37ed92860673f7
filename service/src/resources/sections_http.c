/* sections_http.c: the sections of a plan over HTTP (see sections_http.h). */
#include "resources/sections_http.h"

#include <stdio.h>

#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/plans_http.h"
#include "resources/sections_repo.h"
#include "resources/tasks_http.h"

static pm_status heading_path(const char *name, const json_t *value, pm_error *err)
{
    return validate_array(name, value, 10, validate_short_text, err);
}

#define SECTION_FIELDS(req)                                                            \
    V_INT("seq", false, 0, 1000000), V_ENUM("kind", req, section_kinds),               \
        V_CHECKED("title", req, 1, 1000, validate_not_blank, MSG("more than blanks")), \
        V_STRING("text", false, 0, 100000), V_OPT_STRING("targets_text", 20000),       \
        V_CUSTOM("heading_path", false, heading_path),                                 \
        V_CUSTOM("addressees", false, tasks_agency_entries), V_SERVER("plan"),         \
        V_SERVER("version"), V_SERVER("created_at"), V_SERVER("updated_at"),           \
        V_SERVER("archived_at")

static const field_spec create_fields[] = {
    V_CHECKED("code", true, 1, 32, validate_clause,
              MSG("A-Z and 0-9 in runs joined by '.' (II.3.1)")),
    SECTION_FIELDS(true), V_END};
static const field_spec patch_fields[] = {V_SERVER("code"), SECTION_FIELDS(false), V_END};

static const char *const list_params[] = {"kind", "q", "include_archived", PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};

/* The section of the path as the caller may see it: its plan visible, and itself not archived
 * unless the caller edits plan data. */
static pm_status load_path(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    const char *plan = req_path(ctx, "id");
    json_t *section = NULL;
    pm_status st;
    *out = NULL;
    if ((st = plans_load(ctx, plan, false, NULL, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = section_repo_get(db, plan, req_path(ctx, "code"), lock, &section, err)))
        return st;
    if ((st = archive_hide(ctx, &section, MSG("There is no such section."), err)))
        return st;
    *out = section;
    return PM_OK;
}

pm_status sections_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    (void)id;
    json_t *section = NULL;
    pm_status st = load_path(ctx, false, &section, err);
    json_decref(section);
    return st;
}

static pm_status set_archived(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                              pm_error *err)
{
    return section_repo_set_archived(db, req_path(ctx, "id"), req_path(ctx, "code"),
                                     archive_version(current), archive, err);
}

const archivable sections_archivable = {MSG("The section is archived; restore it first."),
                                        MSG("The section is not archived."), load_path,
                                        set_archived};

pm_status sections_list(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    section_filter f = {.plan = req_path(ctx, "id")};
    page_request page;
    page_result result = {0};
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "kind", section_kinds, &f.kind, err)) ||
        (st = req_query_text(ctx, "q", 200, &f.q, err)) ||
        (st = req_query_bool(ctx, "include_archived", &f.include_archived, err)) ||
        (st = req_page(ctx, &page, err)))
        goto out;
    if ((st = archive_check_include(ctx, f.include_archived,
                                    MSG("Only admins and coordinators see archived sections."),
                                    err)))
        goto out;
    if (!(st = plans_load(ctx, f.plan, false, NULL, err)) && !(st = ctx_db(ctx, &db, err)) &&
        !(st = section_repo_list(db, &f, &page, &result, err)))
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status sections_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *section = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = load_path(ctx, false, &section, err)))
        return st;
    reply_object(ctx, section);
    return PM_OK;
}

pm_status sections_create(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *body = NULL, *plan = NULL, *created = NULL;
    const char *plan_id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = plans_load(ctx, plan_id, true, &plan, err)))
        return st;
    if (archive_is_archived(plan))
        return pm_fail(err, PM_CONFLICT, MSG("The plan is archived; restore it first."));
    const char *code = json_member_string(body, "code");
    if ((st = section_repo_check_references(db, body, err)) ||
        (st = section_repo_create(db, plan_id, body, err)) ||
        (st = section_repo_get(db, plan_id, code, false, &created, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    char location[128];
    snprintf(location, sizeof location, "/v1/plans/%s/sections/%s", plan_id, code);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status sections_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *plan = req_path(ctx, "id"), *code = req_path(ctx, "code");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &sections_archivable, false, &db, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = section_repo_check_references(db, patch, err)) ||
        (st = section_repo_update(db, plan, code, archive_version(current), patch, err)) ||
        (st = section_repo_get(db, plan, code, false, &updated, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

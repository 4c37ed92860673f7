/* plans_http.c: plans over HTTP (see plans_http.h). */
#include "resources/plans_http.h"

#include <stdio.h>

#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/plans_repo.h"

#define PLAN_FIELDS(req)                                                                       \
    V_CHECKED("code", req, 1, 32, validate_code, MSG("A-Z and 0-9 in runs joined by '-'")),    \
        V_CHECKED("title", req, 1, 1000, validate_not_blank, MSG("more than blanks")),         \
        V_OPT_STRING("title_en", 1000), V_KEPT_DATE("period_start", req),                      \
        V_KEPT_DATE("period_end", req), V_OPT_STRING("document", 64),                          \
        V_OPT_STRING("lead_agency", 32), V_OPT_STRING("parent_programme", 64), V_SERVER("id"), \
        V_SERVER("version"), V_SERVER("created_at"), V_SERVER("updated_at"),                   \
        V_SERVER("archived_at"), V_END

static const field_spec create_fields[] = {PLAN_FIELDS(true)};
static const field_spec patch_fields[] = {PLAN_FIELDS(false)};

static const char *const list_params[] = {"q", "include_archived", PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};

pm_status plans_load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err)
{
    json_t *plan = NULL;
    PGconn *db;
    pm_status st;
    if (out)
        *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such plan."));
    if ((st = ctx_db(ctx, &db, err)) || (st = plan_repo_get(db, id, lock, &plan, err)))
        return st;
    if ((st = archive_hide(ctx, &plan, MSG("There is no such plan."), err)))
        return st;
    if (out)
        *out = plan;
    else
        json_decref(plan);
    return PM_OK;
}

pm_status plans_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    return plans_load(ctx, id, false, NULL, err);
}

static pm_status load_path(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    return plans_load(ctx, req_path(ctx, "id"), lock, out, err);
}

static pm_status set_archived(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                              pm_error *err)
{
    return plan_repo_set_archived(db, req_path(ctx, "id"), archive_version(current), archive, err);
}

const archivable plans_archivable = {MSG("The plan is archived; restore it first."),
                                     MSG("The plan is not archived."), load_path, set_archived};

pm_status plans_list(http_ctx *ctx, pm_error *err)
{
    plan_filter f = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_text(ctx, "q", 200, &f.q, err)) ||
        (st = req_query_bool(ctx, "include_archived", &f.include_archived, err)) ||
        (st = req_page(ctx, &page, err)))
        goto out;
    if ((st = archive_check_include(ctx, f.include_archived,
                                    MSG("Only admins and coordinators see archived plans."), err)))
        goto out;
    if (!(st = ctx_db(ctx, &db, err)) && !(st = plan_repo_list(db, &f, &page, &result, err)))
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status plans_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *plan = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = load_path(ctx, false, &plan, err)))
        return st;
    reply_object(ctx, plan);
    return PM_OK;
}

pm_status plans_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = validate_period(body, NULL, "period_start", "period_end", true, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = plan_repo_check_references(db, body, err)) ||
        (st = plan_repo_create(db, body, id, err)) ||
        (st = plan_repo_get(db, id, false, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/plans/%s", id);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status plans_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &plans_archivable, false, &db, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = validate_period(patch, current, "period_start", "period_end", true, err)) ||
        (st = plan_repo_check_references(db, patch, err)) ||
        (st = plan_repo_update(db, id, archive_version(current), patch, err)) ||
        (st = plan_repo_get(db, id, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

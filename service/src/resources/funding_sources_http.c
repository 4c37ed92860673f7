/* funding_sources_http.c: funding sources over HTTP (see funding_sources_http.h). */
#include "resources/funding_sources_http.h"

#include <stdio.h>

#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/funding_sources_repo.h"

#define SOURCE_FIELDS(req)                                                       \
    V_CHECKED("name", req, 1, 200, validate_not_blank, MSG("more than blanks")), \
        V_OPT_STRING("name_en", 200), V_ENUM("kind", req, funding_source_kinds), \
        V_OPT_STRING("cited", 64), V_SERVER("version"), V_SERVER("created_at"),  \
        V_SERVER("updated_at")

static const field_spec create_fields[] = {
    V_CHECKED("code", true, 1, 32, validate_code, MSG("A-Z and 0-9 in runs joined by '-'")),
    SOURCE_FIELDS(true), V_END};
static const field_spec patch_fields[] = {V_SERVER("code"), SOURCE_FIELDS(false), V_END};

static const char *const list_params[] = {PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};

pm_status funding_sources_list(http_ctx *ctx, pm_error *err)
{
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if (!(st = req_check_query(ctx, list_params, err)) && !(st = req_page(ctx, &page, err)) &&
        !(st = ctx_db(ctx, &db, err)) && !(st = funding_source_repo_list(db, &page, &result, err)))
        reply_page(ctx, &result);
    page_result_clear(&result);
    return st;
}

static pm_status get_unlocked(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    return funding_source_repo_get(conn, code, false, out, err);
}

pm_status funding_sources_get(http_ctx *ctx, pm_error *err)
{
    return reply_get_by_path(ctx, "code", get_unlocked, err);
}

pm_status funding_sources_exists(http_ctx *ctx, const char *code, pm_error *err)
{
    json_auto_t *source = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    return st ? st : funding_source_repo_get(db, code, false, &source, err);
}

pm_status funding_sources_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = funding_source_repo_create(db, body, err)))
        return st;
    const char *code = json_string_value(json_object_get(body, "code"));
    if ((st = funding_source_repo_get(db, code, false, &created, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    char location[80];
    snprintf(location, sizeof location, "/v1/funding-sources/%s", code);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status funding_sources_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *code = req_path(ctx, "code");
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = funding_source_repo_get(db, code, true, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = funding_source_repo_update(
             db, code, json_integer_value(json_object_get(current, "version")), patch, err)) ||
        (st = funding_source_repo_get(db, code, false, &updated, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

/* documents_http.c: legal documents over HTTP (see documents_http.h). */
#include "resources/documents_http.h"

#include <stdio.h>

#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "resources/documents_repo.h"

#define DOCUMENT_FIELDS(req)                                                              \
    V_CHECKED("number", req, 1, 64, validate_not_blank, MSG("more than blanks")),         \
        V_ENUM("type", req, document_types), V_OPT_STRING("issuer", 200),                 \
        V_OPT_STRING("signer", 200), V_DATE("issued", false), V_DATE("effective", false), \
        V_CHECKED("title", req, 1, 1000, validate_not_blank, MSG("more than blanks")),    \
        V_OPT_STRING("title_en", 1000), V_SERVER("id"), V_SERVER("version"),              \
        V_SERVER("created_at"), V_SERVER("updated_at"), V_SERVER("archived_at"),          \
        V_SERVER("created_by"), V_END

static const field_spec create_fields[] = {DOCUMENT_FIELDS(true)};
static const field_spec patch_fields[] = {DOCUMENT_FIELDS(false)};

static const char *const list_params[] = {"type", "q", "include_archived", PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};

/* The document of the path as the caller may see it (PM_NOT_FOUND otherwise), optionally
 * locked for a change. The path id must be digits: anything else cannot exist. */
static pm_status load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err)
{
    PGconn *db;
    pm_status st;
    *out = NULL;
    if (!id || !page_key_is_number(id))
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such document."));
    if ((st = ctx_db(ctx, &db, err)) || (st = document_repo_get(db, id, lock, out, err)))
        return st;
    return archive_hide(ctx, out, MSG("There is no such document."), err);
}

pm_status documents_may_read(http_ctx *ctx, const char *id, pm_error *err)
{
    json_t *doc = NULL;
    pm_status st = load(ctx, id, false, &doc, err);
    json_decref(doc);
    return st;
}

pm_status documents_list(http_ctx *ctx, pm_error *err)
{
    document_filter f = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_enum(ctx, "type", document_types, &f.type, err)) ||
        (st = req_query_text(ctx, "q", 200, &f.q, err)) ||
        (st = req_query_bool(ctx, "include_archived", &f.include_archived, err)) ||
        (st = req_page(ctx, &page, err)))
        goto out;
    if ((st = archive_check_include(ctx, f.include_archived,
                                    MSG("Only admins and coordinators see archived documents."),
                                    err)))
        goto out;
    if (!(st = ctx_db(ctx, &db, err)) && !(st = document_repo_list(db, &f, &page, &result, err)))
        reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status documents_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *doc = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = load(ctx, req_path(ctx, "id"), false, &doc, err)))
        return st;
    reply_object(ctx, doc);
    return PM_OK;
}

pm_status documents_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    char id[24];
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = document_repo_create(db, body, id, err)) ||
        (st = document_repo_get(db, id, false, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/documents/%s", id);
    reply_created(ctx, location, created);
    return PM_OK;
}

static pm_status load_path(http_ctx *ctx, bool lock, json_t **out, pm_error *err)
{
    return load(ctx, req_path(ctx, "id"), lock, out, err);
}

static pm_status set_archived(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                              pm_error *err)
{
    return document_repo_set_archived(db, req_path(ctx, "id"), archive_version(current), archive,
                                      err);
}

const archivable documents_archivable = {MSG("The document is archived; restore it first."),
                                         MSG("The document is not archived."), load_path,
                                         set_archived};

pm_status documents_patch(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    const char *id = req_path(ctx, "id");
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (st = archive_begin_change(ctx, &documents_archivable, false, &db, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = document_repo_update(db, id, archive_version(current), patch, err)) ||
        (st = document_repo_get(db, id, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

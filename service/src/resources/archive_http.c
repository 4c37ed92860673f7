/* archive_http.c: archive and restore of plan data (see archive_http.h). */
#include "resources/archive_http.h"

#include "auth/access.h"
#include "http/reply.h"
#include "http/request.h"

static const char *const no_params[] = {NULL};

bool archive_is_archived(const json_t *object)
{
    const json_t *at = json_object_get(object, "archived_at");
    return at && !json_is_null(at);
}

pm_status archive_hide(const http_ctx *ctx, json_t **object, const char *none, pm_error *err)
{
    if (!archive_is_archived(*object) || access_sees_archived(&ctx->who))
        return PM_OK;
    json_decref(*object);
    *object = NULL;
    return pm_fail_text(err, PM_NOT_FOUND, none);
}

pm_status archive_check_include(const http_ctx *ctx, bool include_archived, const char *refusal,
                                pm_error *err)
{
    if (!include_archived || access_sees_archived(&ctx->who))
        return PM_OK;
    return pm_fail_field_text(err, PM_FORBIDDEN, "include_archived", "forbidden", refusal);
}

long long archive_version(const json_t *object)
{
    return (long long)json_integer_value(json_object_get(object, "version"));
}

pm_status archive_begin_change(http_ctx *ctx, const archivable *a, bool want_archived, PGconn **db,
                               json_t **current, pm_error *err)
{
    pm_status st;
    *current = NULL;
    if ((st = ctx_begin(ctx, NULL, db, err)) || (st = a->load(ctx, true, current, err)))
        return st;
    if (archive_is_archived(*current) != want_archived)
        return pm_fail_text(err, PM_CONFLICT, want_archived ? a->not_archived : a->archived);
    return PM_OK;
}

pm_status archive_delete(http_ctx *ctx, pm_error *err)
{
    const archivable *a = ctx->route->data;
    json_auto_t *current = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = archive_begin_change(ctx, a, false, &db, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = a->set_archived(ctx, db, current, true, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_bytes(ctx, 204, "", 0, NULL);
    return PM_OK;
}

pm_status archive_restore(http_ctx *ctx, pm_error *err)
{
    const archivable *a = ctx->route->data;
    json_auto_t *current = NULL, *restored = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = archive_begin_change(ctx, a, true, &db, &current, err)) ||
        (st = a->set_archived(ctx, db, current, false, err)) ||
        (st = a->load(ctx, false, &restored, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, restored);
    return PM_OK;
}

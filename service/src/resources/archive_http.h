/* archive_http.h: what plan data shares over HTTP — nothing the province entered is destroyed:
 * DELETE archives (kept, restorable, audited), POST .../restore brings it back, and only the
 * roles that edit plan data see what is archived.
 *
 * A resource describes itself once as an `archivable`; its DELETE and restore routes name
 * archive_delete / archive_restore with that description as the route's data, and its PATCH
 * opens the change with archive_begin_change. */
#ifndef PLANMON_ARCHIVE_HTTP_H
#define PLANMON_ARCHIVE_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "http/context.h"

typedef struct {
    /* What a change is told of an archived object, and a restore of one that is not (MSG). */
    const char *archived, *not_archived;
    /* Reads the path's object as the caller may see it (PM_NOT_FOUND otherwise); `lock` takes
     * the row lock for a change. *out is new. */
    pm_status (*load)(http_ctx *ctx, bool lock, json_t **out, pm_error *err);
    /* Archives (`archive`) or restores `current` at its version, on `db` (the request's). */
    pm_status (*set_archived)(http_ctx *ctx, PGconn *db, const json_t *current, bool archive,
                              pm_error *err);
} archivable;

/* Hides an archived object from those who may not see it: when *object is archived and the
 * caller does not edit plan data, releases it, sets it NULL and answers PM_NOT_FOUND with
 * `none` ("There is no such plan.", a MSG). */
pm_status archive_hide(const http_ctx *ctx, json_t **object, const char *none, pm_error *err);

/* The include_archived list filter: PM_FORBIDDEN (naming it, with `refusal`: "Only admins and
 * coordinators see archived plans.", a MSG) when asked for by a role that does not see archived
 * rows. */
pm_status archive_check_include(const http_ctx *ctx, bool include_archived, const char *refusal,
                                pm_error *err);

/* True when the object (borrowed) has a non-null archived_at. */
bool archive_is_archived(const json_t *object);

/* The `version` of an object (borrowed). */
long long archive_version(const json_t *object);

/* Opens the request's change of the path's object: begins the transaction (*db, as ctx_begin),
 * loads and locks the object, and checks that it is (`want_archived`) or is not archived
 * (PM_CONFLICT). *current is new. The caller checks If-Match where the operation needs it. */
pm_status archive_begin_change(http_ctx *ctx, const archivable *a, bool want_archived, PGconn **db,
                               json_t **current, pm_error *err);

/* DELETE: If-Match, archive, 204. ctx->route->data is the archivable. */
pm_status archive_delete(http_ctx *ctx, pm_error *err);

/* POST .../restore: restores and answers the object. ctx->route->data is the archivable. */
pm_status archive_restore(http_ctx *ctx, pm_error *err);

#endif

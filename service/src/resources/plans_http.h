/* plans_http.h: /v1/plans — list, create, read, merge-patch; DELETE and restore go through
 * archive_http with plans_archivable. Everyone signed in reads; admins and coordinators write. */
#ifndef PLANMON_PLANS_HTTP_H
#define PLANMON_PLANS_HTTP_H

#include <jansson.h>

#include "http/context.h"
#include "resources/archive_http.h"

extern const archivable plans_archivable;

pm_status plans_list(http_ctx *ctx, pm_error *err);
pm_status plans_create(http_ctx *ctx, pm_error *err);
pm_status plans_get(http_ctx *ctx, pm_error *err);
pm_status plans_patch(http_ctx *ctx, pm_error *err);

/* Reads plan `id` as the caller may see it (archived: editors only), optionally locked.
 * PM_NOT_FOUND otherwise; *out new (NULL allowed: only the check). For the nested resources. */
pm_status plans_load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err);

/* A history_spec check: the caller may read plan `id`. */
pm_status plans_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

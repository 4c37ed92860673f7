/* indicators_http.h: /v1/indicators (the code is the id) and /v1/indicators/{code}/targets —
 * list, create, read, merge-patch; DELETE and restore through archive_http. Everyone signed in
 * reads; admins and coordinators write. Also GET /v1/periods/{id}. */
#ifndef PLANMON_INDICATORS_HTTP_H
#define PLANMON_INDICATORS_HTTP_H

#include <jansson.h>

#include "http/context.h"
#include "resources/archive_http.h"

extern const archivable indicators_archivable;
extern const archivable targets_archivable;

pm_status indicators_list(http_ctx *ctx, pm_error *err);
pm_status indicators_create(http_ctx *ctx, pm_error *err);
pm_status indicators_get(http_ctx *ctx, pm_error *err);
pm_status indicators_patch(http_ctx *ctx, pm_error *err);
pm_status targets_list(http_ctx *ctx, pm_error *err);
pm_status targets_create(http_ctx *ctx, pm_error *err);
pm_status targets_get(http_ctx *ctx, pm_error *err);
pm_status targets_patch(http_ctx *ctx, pm_error *err);

/* Reads indicator `code` as the caller may see it (archived: editors only). *out new. */
pm_status indicators_load(http_ctx *ctx, const char *code, bool lock, json_t **out, pm_error *err);

/* history_spec checks. */
pm_status indicators_may_read(http_ctx *ctx, const char *code, pm_error *err);
pm_status targets_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

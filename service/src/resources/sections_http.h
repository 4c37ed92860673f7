/* sections_http.h: /v1/plans/{id}/sections and /v1/plans/{id}/sections/{code} — list, create,
 * read, merge-patch; DELETE and restore through archive_http with sections_archivable. A
 * section of an archived plan is as hidden as the plan. */
#ifndef PLANMON_SECTIONS_HTTP_H
#define PLANMON_SECTIONS_HTTP_H

#include "http/context.h"
#include "resources/archive_http.h"

extern const archivable sections_archivable;

pm_status sections_list(http_ctx *ctx, pm_error *err);
pm_status sections_create(http_ctx *ctx, pm_error *err);
pm_status sections_get(http_ctx *ctx, pm_error *err);
pm_status sections_patch(http_ctx *ctx, pm_error *err);

/* A history_spec check: the caller may read the section of the path (`id` is unused). */
pm_status sections_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

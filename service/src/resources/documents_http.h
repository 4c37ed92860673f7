/* documents_http.h: /v1/documents — legal documents. Everyone signed in reads; admins and
 * coordinators create, edit, archive (DELETE) and restore. Archived documents are seen only by
 * those who may restore them. */
#ifndef PLANMON_DOCUMENTS_HTTP_H
#define PLANMON_DOCUMENTS_HTTP_H

#include "http/context.h"
#include "resources/archive_http.h"

/* DELETE (archive) and restore go through archive_http with this. */
extern const archivable documents_archivable;

pm_status documents_list(http_ctx *ctx, pm_error *err);
pm_status documents_get(http_ctx *ctx, pm_error *err);
pm_status documents_create(http_ctx *ctx, pm_error *err);
pm_status documents_patch(http_ctx *ctx, pm_error *err);
/* PM_OK when the caller may read document `id` (for its history), else PM_NOT_FOUND. */
pm_status documents_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

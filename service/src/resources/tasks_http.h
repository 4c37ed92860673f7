/* tasks_http.h: /v1/tasks (list, create, read, merge-patch; DELETE and restore through
 * archive_http with tasks_archivable) and the progress journal /v1/tasks/{id}/updates.
 *
 * Who may change what (PRODUCT.md, access rules): admins and coordinators everything; a manager
 * or officer whose agency leads the task its dates, status and percent, and posts updates; one
 * whose agency coordinates posts updates only; everyone signed in reads. */
#ifndef PLANMON_TASKS_HTTP_H
#define PLANMON_TASKS_HTTP_H

#include "http/context.h"
#include "resources/archive_http.h"

extern const archivable tasks_archivable;

pm_status tasks_list(http_ctx *ctx, pm_error *err);
pm_status tasks_create(http_ctx *ctx, pm_error *err);
pm_status tasks_get(http_ctx *ctx, pm_error *err);
pm_status tasks_patch(http_ctx *ctx, pm_error *err);
pm_status task_updates_list(http_ctx *ctx, pm_error *err);
pm_status task_updates_create(http_ctx *ctx, pm_error *err);
pm_status task_updates_get(http_ctx *ctx, pm_error *err);

/* A history_spec check: the caller may read task `id`. */
pm_status tasks_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

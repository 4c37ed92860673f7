/* tasks_http.h: /v1/tasks (list, create, read, merge-patch; DELETE and restore through
 * archive_http with tasks_archivable). Its progress journal is task_updates_http.h, its
 * occurrences occurrences_http.h. A status or percent given on create or PATCH is recorded as a
 * progress update dated `occurred_on` (default today).
 *
 * Who may change what (docs/access.md): admins and coordinators everything; a manager
 * or officer whose agency leads the task its dates, status and percent, and posts updates; one
 * whose agency coordinates posts updates only; everyone signed in reads. */
#ifndef PLANMON_TASKS_HTTP_H
#define PLANMON_TASKS_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "http/context.h"
#include "resources/archive_http.h"

extern const archivable tasks_archivable;

pm_status tasks_list(http_ctx *ctx, pm_error *err);
pm_status tasks_create(http_ctx *ctx, pm_error *err);
pm_status tasks_get(http_ctx *ctx, pm_error *err);
pm_status tasks_patch(http_ctx *ctx, pm_error *err);

/* Reads task `id` as the caller may see it (archived ones only for those who see archived
 * data); `lock` takes its row lock. PM_NOT_FOUND otherwise. *out is new. */
pm_status tasks_load(http_ctx *ctx, const char *id, bool lock, json_t **out, pm_error *err);

/* A validate_body check (V_CUSTOM) of a list of agency entries, as a task's agencies and a
 * section's addressees are: at most 200 {"agency", "role", "mode", "source", "note"}, each
 * agency once. */
pm_status tasks_agency_entries(const char *name, const json_t *value, pm_error *err);

/* The role ("lead", "coordinate") `agency` has on `task`, or NULL. Borrowed from `task`. */
const char *tasks_role_of(const char *agency, const json_t *task);

/* A history_spec check: the caller may read task `id`. */
pm_status tasks_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

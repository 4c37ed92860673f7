/* pilots_http.h: /v1/pilot-model-types (the three model types of II.3.3.b with their targets;
 * admins and coordinators edit) and /v1/pilot-sites (where a model is piloted: a host agency
 * manages its own sites, admins and coordinators all; the status moves planned -> piloting ->
 * evaluated -> scaled_up, or to stopped from any of them, and nothing else). Each change of
 * status is kept with the day it took effect, `effective_on` (default today), in the site's
 * status history, GET /v1/pilot-sites/{id}/status-history, which the pilots of a report read. */
#ifndef PLANMON_PILOTS_HTTP_H
#define PLANMON_PILOTS_HTTP_H

#include "http/context.h"
#include "resources/archive_http.h"

extern const archivable pilot_sites_archivable;

pm_status pilot_types_list(http_ctx *ctx, pm_error *err);
pm_status pilot_types_create(http_ctx *ctx, pm_error *err);
pm_status pilot_types_get(http_ctx *ctx, pm_error *err);
pm_status pilot_types_patch(http_ctx *ctx, pm_error *err);
pm_status pilot_sites_list(http_ctx *ctx, pm_error *err);
pm_status pilot_sites_create(http_ctx *ctx, pm_error *err);
pm_status pilot_sites_get(http_ctx *ctx, pm_error *err);
pm_status pilot_sites_patch(http_ctx *ctx, pm_error *err);
pm_status pilot_sites_status_history(http_ctx *ctx, pm_error *err);

/* history_spec checks. */
pm_status pilot_types_may_read(http_ctx *ctx, const char *code, pm_error *err);
pm_status pilot_sites_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

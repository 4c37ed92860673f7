/* measurements_bulk_http.h: imports as resources, and review in bulk.
 * GET /v1/measurement-imports/{id}: an import that wrote — who ran it, its form, its summary and
 * the measurements it created or changed. POST /v1/measurements/submit and /approve: one step
 * for a list of measurements ({"ids": [...]}) or for an import's ({"import": id}), all or
 * nothing: a measurement the caller may not move, or not in the step's status, refuses the lot
 * and names it. */
#ifndef PLANMON_MEASUREMENTS_BULK_HTTP_H
#define PLANMON_MEASUREMENTS_BULK_HTTP_H

#include "http/context.h"

pm_status measurement_imports_get(http_ctx *ctx, pm_error *err);

/* ctx->route->data is the measurement_step (measurement_submit or measurement_approve). */
pm_status measurements_bulk_transition(http_ctx *ctx, pm_error *err);

#endif

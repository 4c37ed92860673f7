/* audit_http.h: GET /v1/audit-events (admin, coordinator, auditor), GET /v1/changes (the
 * change feed for integrating systems), and GET /v1/{collection}/{id}/history for the
 * collections whose route rows name a history_spec. */
#ifndef PLANMON_AUDIT_HTTP_H
#define PLANMON_AUDIT_HTTP_H

#include "http/context.h"

/* What a history route needs: the audit entity type, the path parameter holding the id (or two,
 * for an object named within another: the id is then "<param>:<param2>", as the audit trigger
 * writes it), and a check that the caller may read the object (PM_NOT_FOUND otherwise). */
typedef struct {
    const char *entity_type;
    const char *param;
    pm_status (*may_read)(http_ctx *ctx, const char *id, pm_error *err);
    const char *param2; /* NULL: one parameter */
} history_spec;

pm_status audit_events_list(http_ctx *ctx, pm_error *err);
pm_status audit_changes(http_ctx *ctx, pm_error *err);
/* ctx->route->data is the route's history_spec. */
pm_status audit_history(http_ctx *ctx, pm_error *err);

#endif

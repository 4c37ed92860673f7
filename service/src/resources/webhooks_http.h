/* webhooks_http.h: webhooks over HTTP — registering receivers of events, their deliveries and
 * redelivery. Admins manage every webhook; a manager those of its own agency. The sending is the
 * notifier's (notify/notifier.h). */
#ifndef PLANMON_WEBHOOKS_HTTP_H
#define PLANMON_WEBHOOKS_HTTP_H

#include "http/context.h"

/* The event kinds a webhook may ask for, NULL-terminated (static). */
extern const char *const webhook_event_kinds[];

pm_status webhooks_list(http_ctx *ctx, pm_error *err);
pm_status webhooks_create(http_ctx *ctx, pm_error *err);
pm_status webhooks_get(http_ctx *ctx, pm_error *err);
pm_status webhooks_patch(http_ctx *ctx, pm_error *err);
pm_status webhooks_delete(http_ctx *ctx, pm_error *err);
pm_status webhooks_deliveries(http_ctx *ctx, pm_error *err);
pm_status webhooks_redeliver(http_ctx *ctx, pm_error *err);

#endif

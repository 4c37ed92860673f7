/* funding_sources_http.h: /v1/funding-sources — where the plan's money comes from (decision
 * 1994, section IV). Everyone reads them; admins add and change them. */
#ifndef PLANMON_FUNDING_SOURCES_HTTP_H
#define PLANMON_FUNDING_SOURCES_HTTP_H

#include "http/context.h"

pm_status funding_sources_list(http_ctx *ctx, pm_error *err);
pm_status funding_sources_get(http_ctx *ctx, pm_error *err);
pm_status funding_sources_create(http_ctx *ctx, pm_error *err);
pm_status funding_sources_patch(http_ctx *ctx, pm_error *err);

/* A history_spec check: funding source `code` exists (everyone may read it). */
pm_status funding_sources_exists(http_ctx *ctx, const char *code, pm_error *err);

#endif

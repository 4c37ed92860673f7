/* obligations_http.h: /v1/reporting-obligations (who reports what to whom and how often;
 * admins and coordinators edit), their submissions (handed in by a reporting agency's people,
 * or recorded by admins and coordinators, who alone may date one in the past), and
 * GET /v1/reporting-completeness?period=&agency= (expected, submitted, on time, late, missing). */
#ifndef PLANMON_OBLIGATIONS_HTTP_H
#define PLANMON_OBLIGATIONS_HTTP_H

#include "http/context.h"

pm_status obligations_list(http_ctx *ctx, pm_error *err);
pm_status obligations_create(http_ctx *ctx, pm_error *err);
pm_status obligations_get(http_ctx *ctx, pm_error *err);
pm_status obligations_patch(http_ctx *ctx, pm_error *err);
pm_status submissions_list(http_ctx *ctx, pm_error *err);
pm_status submissions_create(http_ctx *ctx, pm_error *err);
pm_status submissions_get(http_ctx *ctx, pm_error *err);
pm_status completeness_get(http_ctx *ctx, pm_error *err);

/* A history_spec check: the caller may read obligation `code`. */
pm_status obligations_may_read(http_ctx *ctx, const char *code, pm_error *err);

#endif

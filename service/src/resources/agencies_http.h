/* agencies_http.h: GET /v1/agencies and /v1/agencies/{code}; POST and PATCH (admins: the
 * route's rule) with validity dates, audited; and an agency's responsibilities,
 * GET /v1/agencies/{code}/responsibilities: the tasks it leads and coordinates, what of them is
 * overdue (a recurring task's overdue occurrences named), what falls due in the next 30 days
 * (due_soon), and the share of its led tasks done. */
#ifndef PLANMON_AGENCIES_HTTP_H
#define PLANMON_AGENCIES_HTTP_H

#include "http/context.h"

pm_status agencies_list(http_ctx *ctx, pm_error *err);
/* PM_OK when the agency `code` exists (everyone may read it), else PM_NOT_FOUND. */
pm_status agencies_exists(http_ctx *ctx, const char *code, pm_error *err);
pm_status agencies_get(http_ctx *ctx, pm_error *err);
pm_status agencies_create(http_ctx *ctx, pm_error *err);
pm_status agencies_patch(http_ctx *ctx, pm_error *err);
pm_status agencies_responsibilities(http_ctx *ctx, pm_error *err);

#endif

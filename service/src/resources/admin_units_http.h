/* admin_units_http.h: GET /v1/admin-units and /v1/admin-units/{code}; POST and PATCH (admins:
 * the route's rule), audited, with validity dates and the former names and types of a unit. */
#ifndef PLANMON_ADMIN_UNITS_HTTP_H
#define PLANMON_ADMIN_UNITS_HTTP_H

#include "http/context.h"

pm_status admin_units_list(http_ctx *ctx, pm_error *err);
/* PM_OK when the administrative unit `code` exists (everyone may read it), else PM_NOT_FOUND. */
pm_status admin_units_exists(http_ctx *ctx, const char *code, pm_error *err);
pm_status admin_units_get(http_ctx *ctx, pm_error *err);
pm_status admin_units_create(http_ctx *ctx, pm_error *err);
pm_status admin_units_patch(http_ctx *ctx, pm_error *err);

#endif

/* admin_units_http.h: GET /v1/admin-units and /v1/admin-units/{code}. */
#ifndef PLANMON_ADMIN_UNITS_HTTP_H
#define PLANMON_ADMIN_UNITS_HTTP_H

#include "http/context.h"

pm_status admin_units_list(http_ctx *ctx, pm_error *err);
pm_status admin_units_get(http_ctx *ctx, pm_error *err);

#endif

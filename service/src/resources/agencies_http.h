/* agencies_http.h: GET /v1/agencies and /v1/agencies/{code}. */
#ifndef PLANMON_AGENCIES_HTTP_H
#define PLANMON_AGENCIES_HTTP_H

#include "http/context.h"

pm_status agencies_list(http_ctx *ctx, pm_error *err);
pm_status agencies_get(http_ctx *ctx, pm_error *err);

#endif

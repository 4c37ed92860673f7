/* analytics_http.h: GET /v1/analytics?indicator=CODE&period=ID[,ID...]&unit=CODE&level=N — for
 * each unit of `level` under `unit` and each period: numerator, denominator, value, units
 * reporting and expected, the target that applies and its attainment. Approved data only unless
 * an admin or coordinator asks include_unapproved=true. Computed from the measurements at read
 * time: never stale. */
#ifndef PLANMON_ANALYTICS_HTTP_H
#define PLANMON_ANALYTICS_HTTP_H

#include "http/context.h"

pm_status analytics_get(http_ctx *ctx, pm_error *err);

#endif

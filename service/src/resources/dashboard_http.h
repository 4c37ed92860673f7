/* dashboard_http.h: GET /v1/dashboard?period=ID&unit=CODE&plan=ID — a front-end's first screen in
 * one answer: every indicator of the plan collected at the unit's level or below it, for one
 * report period (2017VNS1, 2017VN) or calendar year (2017), each answered by the one mapping
 * from report period to indicator period that reports and analytics use, with its value,
 * numerator, denominator, units reporting and expected, its targets and its attainment. Approved
 * data now, read as GET /v1/analytics reads it; anyone signed in may ask. */
#ifndef PLANMON_DASHBOARD_HTTP_H
#define PLANMON_DASHBOARD_HTTP_H

#include "http/context.h"

pm_status dashboard_get(http_ctx *ctx, pm_error *err);

#endif

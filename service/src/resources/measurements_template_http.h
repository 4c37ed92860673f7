/* measurements_template_http.h: GET /v1/measurements/template — the XLSX a district officer
 * fills in and sends back to POST /v1/measurements/import: one sheet per indicator with a row per
 * unit in the caller's scope at the indicator's level (code and name locked), a value column
 * validated by the indicator's value type, a comment column, the values already entered with
 * their status, and a sheet of instructions in Vietnamese. */
#ifndef PLANMON_MEASUREMENTS_TEMPLATE_HTTP_H
#define PLANMON_MEASUREMENTS_TEMPLATE_HTTP_H

#include "http/context.h"

pm_status measurements_template(http_ctx *ctx, pm_error *err);

#endif

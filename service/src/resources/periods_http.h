/* periods_http.h: reporting periods by id — GET /v1/periods/{id} answers a period's type, start,
 * end, cut-off and due date (the day after its end plus REPORT_DUE_DAYS), and the Period shape
 * is shared with the reports that name a period. */
#ifndef PLANMON_PERIODS_HTTP_H
#define PLANMON_PERIODS_HTTP_H

#include <jansson.h>

#include "http/context.h"

pm_status periods_get(http_ctx *ctx, pm_error *err);

/* The Period shape for `id` (REPORT_DUE_DAYS from the configuration), or PM_INVALID_PARAMETER
 * naming `field` with the forms an id may take. *out new. */
pm_status periods_shape(const http_ctx *ctx, const char *field, const char *id, json_t **out,
                        pm_error *err);

#endif

/* report_workbook.h: a report (GET /v1/reports/{period}) as an XLSX workbook: a first sheet
 * "Thông tin" (the plan, the period, the unit, as_of, who exported it and when), then a sheet per
 * table with typed cells (numbers, percentages, dates, booleans) and the names of agencies and
 * units beside their codes. */
#ifndef PLANMON_REPORT_WORKBOOK_H
#define PLANMON_REPORT_WORKBOOK_H

#include <jansson.h>
#include <stdbool.h>

#include "http/context.h"
#include "render/bytes.h"

/* Writes the workbook of `body` (the report as JSON, borrowed) into `out` (empty on entry; the
 * caller frees out->data), headers and sheet names in English when `english`, else Vietnamese.
 * Reads the names through the request's connection. */
pm_status report_workbook(http_ctx *ctx, const json_t *body, bool english, render_bytes *out,
                          pm_error *err);

#endif

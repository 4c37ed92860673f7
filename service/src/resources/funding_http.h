/* funding_http.h: GET /v1/funding — the plan's money by agency, source, section, task or year:
 * proposed, appraised, allocated and spent amounts and the share spent, over the budget lines
 * the caller may read. It reads the lines' maintained totals, never the disbursements. */
#ifndef PLANMON_FUNDING_HTTP_H
#define PLANMON_FUNDING_HTTP_H

#include "http/context.h"

pm_status funding_rollup(http_ctx *ctx, pm_error *err);

#endif

/* disbursements_http.h: /v1/budget-lines/{id}/disbursements — what was spent on an allocated
 * line: append-only entries with an amount, the day the money was spent (`effective`, the day it
 * counts for in reports), the voucher and evidence links. A correction is an entry with a
 * negative amount; the line's total never goes below zero, nor past its allocation unless the
 * entry says so (`over_allocation`) with a reason. The line's agency's people, coordinators and
 * admins record them; whoever reads the line reads them. */
#ifndef PLANMON_DISBURSEMENTS_HTTP_H
#define PLANMON_DISBURSEMENTS_HTTP_H

#include "http/context.h"

pm_status disbursements_list(http_ctx *ctx, pm_error *err);
pm_status disbursements_get(http_ctx *ctx, pm_error *err);
pm_status disbursements_create(http_ctx *ctx, pm_error *err);

#endif

/* disbursements_repo.h: SQL for spending on budget lines (migration 0025): append-only entries,
 * whose trigger keeps the line's totals in the same transaction. */
#ifndef PLANMON_DISBURSEMENTS_REPO_H
#define PLANMON_DISBURSEMENTS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "domain/page.h"
#include "status.h"

/* Records the entry `fields` (borrowed, validated: amount, effective, voucher_number,
 * voucher_date, description, evidence, over_allocation, reason, corrects) on line `line` of
 * `agency` by `created_by`; its id into `id` (24 bytes). */
pm_status disbursement_repo_create(PGconn *conn, const char *line, const json_t *fields,
                                   const char *agency, const char *created_by, char *id,
                                   pm_error *err);

/* Whether entry `id` is one of line `line`'s: PM_OK, or 422 naming `corrects`. */
pm_status disbursement_repo_check_corrects(PGconn *conn, const char *line, const char *id,
                                           pm_error *err);

/* Entry `id` of line `line` into *out (new); PM_NOT_FOUND when the line has none such. */
pm_status disbursement_repo_get(PGconn *conn, const char *line, const char *id, json_t **out,
                                pm_error *err);

/* The entries of line `line`, oldest first, one page. */
pm_status disbursement_repo_list(PGconn *conn, const char *line, const page_request *page,
                                 page_result *out, pm_error *err);

#endif

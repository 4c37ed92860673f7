/* plans_repo.h: SQL for plans (plan data: archived, never deleted). */
#ifndef PLANMON_PLANS_REPO_H
#define PLANMON_PLANS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

typedef struct {
    const char *q; /* NULL: any */
    bool include_archived;
} plan_filter;

/* Lists plans in id order, one page. */
pm_status plan_repo_list(PGconn *conn, const plan_filter *filter, const page_request *page,
                         page_result *out, pm_error *err);

/* Reads plan `id` (archived too: the caller decides who sees it); `lock` takes the row lock.
 * PM_NOT_FOUND when there is none. *out is new. */
pm_status plan_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err);

/* Checks the references of `fields` (document, parent_programme, lead_agency): a present one
 * that does not exist is PM_VALIDATION_FAILED naming every such field. */
pm_status plan_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err);

/* Inserts a plan from validated `fields`; *id_out (24 bytes) receives its id. PM_CONFLICT
 * (field code) when the code is taken. */
pm_status plan_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err);

/* Applies the merge patch `fields` at `version` (PM_PRECONDITION_FAILED when it moved on). */
pm_status plan_repo_update(PGconn *conn, const char *id, long long version, const json_t *fields,
                           pm_error *err);

/* Archives (`archive`) or restores the plan at `version`. */
pm_status plan_repo_set_archived(PGconn *conn, const char *id, long long version, bool archive,
                                 pm_error *err);

/* Seeds a plan unless its code exists; *id_out (24 bytes) receives the id either way. */
pm_status plan_repo_seed(PGconn *conn, const json_t *fields, char *id_out, int *added,
                         pm_error *err);

#endif

/* indicators_repo.h: SQL for indicators and their targets (plan data: archived, never
 * deleted). An indicator's code is its id. */
#ifndef PLANMON_INDICATORS_REPO_H
#define PLANMON_INDICATORS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* NULL-terminated value lists (the CHECKs of migration 0009 list the same). */
extern const char *const indicator_levels[];
extern const char *const indicator_value_types[];
extern const char *const indicator_directions[];
extern const char *const indicator_rollups[];
extern const char *const target_operators[];
extern const char *const target_roundings[];

typedef struct {
    const char *level, *agency, *q; /* agency: named among the reporting agencies */
    bool include_archived;
} indicator_filter;

/* Lists indicators in code order, one page. */
pm_status indicator_repo_list(PGconn *conn, const indicator_filter *filter,
                              const page_request *page, page_result *out, pm_error *err);

/* Reads indicator `code` (archived too); `lock` takes the row lock. PM_NOT_FOUND when none. */
pm_status indicator_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                             pm_error *err);

/* Checks the references of `fields`: plan, every reporting agency, the pilot model type.
 * PM_VALIDATION_FAILED naming each bad one. */
pm_status indicator_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err);

/* Inserts an indicator. PM_CONFLICT (field code) when the code is taken; PM_VALIDATION_FAILED
 * when the rollup does not suit the value type or lacks its threshold or model type. */
pm_status indicator_repo_create(PGconn *conn, const json_t *fields, pm_error *err);

/* Applies the merge patch `fields` (never code) at `version`. */
pm_status indicator_repo_update(PGconn *conn, const char *code, long long version,
                                const json_t *fields, pm_error *err);

/* Archives (`archive`) or restores the indicator at `version`. */
pm_status indicator_repo_set_archived(PGconn *conn, const char *code, long long version,
                                      bool archive, pm_error *err);

/* Seeds an indicator unless its code exists; *added counts. */
pm_status indicator_repo_seed(PGconn *conn, const json_t *fields, int *added, pm_error *err);

/* Lists the targets of `indicator` in id order, one page. */
pm_status target_repo_list(PGconn *conn, const char *indicator, bool include_archived,
                           const page_request *page, page_result *out, pm_error *err);

/* Every target of `indicator` that is not archived, in id order. *out a new array. */
pm_status target_repo_all(PGconn *conn, const char *indicator, json_t **out, pm_error *err);

/* Reads target `id` of `indicator`; `lock` takes the row lock. */
pm_status target_repo_get(PGconn *conn, const char *indicator, const char *id, bool lock,
                          json_t **out, pm_error *err);

/* Inserts a target of `indicator`; *id_out (24 bytes) receives its id. A scope unit that does
 * not exist is PM_VALIDATION_FAILED (field scope_unit). */
pm_status target_repo_create(PGconn *conn, const char *indicator, const json_t *fields,
                             char *id_out, pm_error *err);

/* Applies the merge patch `fields` at `version`. */
pm_status target_repo_update(PGconn *conn, const char *indicator, const char *id, long long version,
                             const json_t *fields, pm_error *err);

/* Archives (`archive`) or restores the target at `version`. */
pm_status target_repo_set_archived(PGconn *conn, const char *indicator, const char *id,
                                   long long version, bool archive, pm_error *err);

/* Seeds the targets of a seeded indicator: only when it has none yet; *added counts. */
pm_status target_repo_seed(PGconn *conn, const char *indicator, const json_t *targets, int *added,
                           pm_error *err);

#endif

/* obligations_repo.h: SQL for reporting obligations (who reports what to whom, how often), the
 * submissions that meet them, and completeness per agency and period. */
#ifndef PLANMON_OBLIGATIONS_REPO_H
#define PLANMON_OBLIGATIONS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "domain/period.h"
#include "status.h"

extern const char *const obligation_frequencies[];
extern const char *const obligation_modes[];
/* Which periods of its type an obligation expects: all, or the first half of each year. */
extern const char *const obligation_expected_periods[];

typedef struct {
    const char *agency, *frequency; /* agency: among the reporters; NULL: any */
    bool include_archived;
} obligation_filter;

pm_status obligation_repo_list(PGconn *conn, const obligation_filter *filter,
                               const page_request *page, page_result *out, pm_error *err);

/* Reads obligation `code` (archived too); `lock` takes the row lock. */
pm_status obligation_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                              pm_error *err);

/* Checks the task, reporters and recipient `fields` name: PM_VALIDATION_FAILED naming each
 * unknown one. */
pm_status obligation_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err);

/* Inserts an obligation (PM_CONFLICT field code when taken). */
pm_status obligation_repo_create(PGconn *conn, const json_t *fields, pm_error *err);

/* Applies the merge patch `fields` (never code) at `version`. */
pm_status obligation_repo_update(PGconn *conn, const char *code, long long version,
                                 const json_t *fields, pm_error *err);

/* Seeds an obligation unless its code exists (`fields` as the table holds it, with "task_key"
 * naming its task in plan `plan`). *added counts. */
pm_status obligation_repo_seed(PGconn *conn, const char *plan, const json_t *fields, int *added,
                               pm_error *err);

/* Lists the submissions of `obligation` (of `agency` and `period` when not NULL) in id order. */
pm_status submission_repo_list(PGconn *conn, const char *obligation, const char *agency,
                               const char *period, const page_request *page, page_result *out,
                               pm_error *err);

/* Reads submission `id` of `obligation`. */
pm_status submission_repo_get(PGconn *conn, const char *obligation, const char *id, json_t **out,
                              pm_error *err);

/* Inserts a submission from `fields` (obligation, agency, period ("" for a report made once),
 * due (date or null), submitted_at (null: now), document_link, note) by `username`; *id_out
 * (24 bytes) gets its id. PM_CONFLICT when the agency has submitted for that period. */
pm_status submission_repo_create(PGconn *conn, const json_t *fields, const char *username,
                                 char *id_out, pm_error *err);

/* Completeness in period `p` per reporting agency (`agency` only, when not NULL) of the
 * obligations of its type in force for it (its end within their window; a first-half
 * obligation only in a first half), counting the submissions recorded by `as_of` (NULL: now):
 * {"agency", "period", "expected", "submitted", "on_time", "late", "missing"}, in agency order.
 * *out a new array. */
pm_status submission_repo_completeness(PGconn *conn, const period *p, const char *agency,
                                       const char *as_of, json_t **out, pm_error *err);

/* The day in the province (11 bytes into `day`) of time `at` (a canonical RFC 3339 time), and
 * whether `at` is after now. */
pm_status submission_repo_received_day(PGconn *conn, const char *at, char *day, bool *future,
                                       pm_error *err);

#endif

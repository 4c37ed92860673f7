/* occurrences_repo.h: the occurrences of recurring tasks. A recurring task (recurrence other than
 * none) falls due once per period of its rhythm: the periods of its linked reporting obligation
 * (the first, by code, that is not archived and has a period type), within the obligation's
 * window and only the first halves where the obligation expects only those; otherwise the
 * calendar periods of its recurrence (monthly, six_monthly: 2017S1, yearly: 2017). Only periods
 * whose end falls within the task's life (its start and due date, else its plan's) count. Each
 * occurrence is due the obligation's due_days, else the task's, else REPORT_DUE_DAYS after the
 * day after its period ends (domain/period.h).
 *
 * Occurrences are derived and stored (task_occurrence, migration 0018) so that SQL can judge
 * what is overdue; a derivation retires what no longer follows and adds what is new, so that a
 * report as of an earlier moment reads the occurrences known then. */
#ifndef PLANMON_OCCURRENCES_REPO_H
#define PLANMON_OCCURRENCES_REPO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "status.h"

/* Derives the occurrences of task `task` from its current rhythm (REPORT_DUE_DAYS `due_days`)
 * and stores them. A task that is not recurring keeps none. Within the caller's transaction. */
pm_status occurrence_repo_derive(PGconn *conn, const char *task, int due_days, pm_error *err);

/* occurrence_repo_derive for every task that recurs or has occurrences (after a migration, a
 * seed, or a change of REPORT_DUE_DAYS). *derived counts the tasks. */
pm_status occurrence_repo_derive_all(PGconn *conn, int due_days, int *derived, pm_error *err);

/* The current occurrences of task `task` whose period ends within [from, to] (either NULL: open),
 * in due order, each {id, start, end, due, obligation, done, done_on, on_time, overdue} as of
 * today in the province. *out is a new array. */
pm_status occurrence_repo_list(PGconn *conn, const char *task, const char *from, const char *to,
                               json_t **out, pm_error *err);

/* The current occurrence `id` (its period id) of task `task` as {id, start, end, due}.
 * PM_NOT_FOUND when the task has no such occurrence. *out is new. */
pm_status occurrence_repo_get(PGconn *conn, const char *task, const char *id, json_t **out,
                              pm_error *err);

#endif

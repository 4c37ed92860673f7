/* tasks_repo.h: SQL for tasks, their progress updates and an agency's responsibilities (plan
 * data: archived, never deleted). `overdue` is computed by every read, never stored: while not
 * started or in progress, a one-off task due before today in the province (domain/clock.h), a
 * recurring task with an occurrence due before today and not done. */
#ifndef PLANMON_TASKS_REPO_H
#define PLANMON_TASKS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* NULL-terminated value lists (the CHECKs of migrations 0008 and 0018 list the same). */
extern const char *const task_statuses[];
extern const char *const task_recurrences[];
extern const char *const task_roles[];
extern const char *const task_modes[];
extern const char *const task_sources[];
/* The keys of ?sort= on the task list (req_list). */
extern const char *const task_sort_names[];
extern const char *const task_due_bases[];
extern const char *const task_start_bases[];
extern const char *const task_title_bases[];

typedef struct {
    const char *plan, *section, *parent_id; /* NULL: any */
    const char *agency, *role, *mode;       /* role applies to agency's entry */
    const char *status, *overdue;           /* overdue: "true" / "false" */
    const char *due_before, *due_after, *q, *updated_since;
    bool include_archived; /* also archived tasks and the tasks of archived plans */
    const char *source;    /* "text": no inferred agency or due date; "inferred": one at least */
} task_filter;

/* Lists tasks in id order, one page. PM_VALIDATION_FAILED when updated_since is no time. */
pm_status task_repo_list(PGconn *conn, const task_filter *filter, const page_request *page,
                         page_result *out, pm_error *err);

/* Reads task `id`; an archived task or the task of an archived plan only when
 * `include_archived`. `lock` takes the row lock. PM_NOT_FOUND when there is none. *out is new. */
pm_status task_repo_get(PGconn *conn, const char *id, bool include_archived, bool lock,
                        json_t **out, pm_error *err);

/* Checks what `task` (the fields a task will have: plan, section, parent_id, agencies) refers
 * to: the plan exists and is not archived, the section is the plan's, the parent is a task of
 * the plan and not `self` or below it (`self` NULL on create), every agency exists. Fails with
 * PM_VALIDATION_FAILED naming each bad field. */
pm_status task_repo_check_references(PGconn *conn, const json_t *task, const char *self,
                                     pm_error *err);

/* Inserts a task from validated `fields`; *id_out (24 bytes) receives its id. PM_CONFLICT (field
 * key) when the plan has a task with that key. */
pm_status task_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err);

/* Applies the merge patch `fields` (never `plan`) at `version`. */
pm_status task_repo_update(PGconn *conn, const char *id, long long version, const json_t *fields,
                           pm_error *err);

/* Archives (`archive`) or restores the task at `version`. */
pm_status task_repo_set_archived(PGconn *conn, const char *id, long long version, bool archive,
                                 pm_error *err);

/* Seeds a task of plan `plan` unless the plan has a task with its key, to which it then gives
 * only the provenance (due_basis, start_basis, title_basis) it lacks; `parent_key` names its
 * parent by key (NULL: none). *added counts the tasks added or given provenance. */
pm_status task_repo_seed(PGconn *conn, const char *plan, const json_t *fields,
                         const char *parent_key, int *added, pm_error *err);

/* Appends progress update `update` (validated and settled: note, percent_done, status,
 * occurrence, occurred_on, late_entry, evidence) to task `task` by `author` of `agency`;
 * `previous` ({status, percent_done}) is the task's state on the day the update occurred.
 * *id_out (24 bytes) receives the update's id. The task's own state is left to
 * task_repo_apply_state. */
pm_status task_repo_add_update(PGconn *conn, const char *task, const json_t *previous,
                               const json_t *update, const char *author, const char *agency,
                               char *id_out, pm_error *err);

/* The state ({status, percent_done}) of task `task` at the end of `day` (YYYY-MM-DD; NULL: with
 * every update recorded so far), from its updates (planmon_task_state). *out is new. */
pm_status task_repo_state(PGconn *conn, const char *task, const char *day, json_t **out,
                          pm_error *err);

/* Sets the status and percent of task `task` to what its updates give (task_repo_state with
 * NULL) when they differ, then moving its version if `new_version` (false when the request has
 * moved it already: one version per change). The caller holds the task's row lock. */
pm_status task_repo_apply_state(PGconn *conn, const char *task, bool new_version, pm_error *err);

/* The first day (11 bytes into `day`) an update of task `task` may be dated: the later of its
 * start date and its plan's. */
pm_status task_repo_earliest(PGconn *conn, const char *task, char *day, pm_error *err);

/* Lists the updates of task `task` in id order, one page. */
pm_status task_repo_list_updates(PGconn *conn, const char *task, const page_request *page,
                                 page_result *out, pm_error *err);

/* Reads update `id` of task `task`. PM_NOT_FOUND when there is none. */
pm_status task_repo_get_update(PGconn *conn, const char *task, const char *id, json_t **out,
                               pm_error *err);

/* The visible tasks (not archived, plan not archived; of plan `plan` unless NULL) on which
 * `agency` has an entry, in id order, as summaries with that entry's `role` and `mode`, their
 * `overdue_occurrences` and their `next_due` within 30 days (or null). *out is a new array. */
pm_status task_repo_responsibilities(PGconn *conn, const char *agency, const char *plan,
                                     json_t **out, pm_error *err);

#endif

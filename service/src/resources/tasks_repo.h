/* tasks_repo.h: SQL for tasks, their progress updates and an agency's responsibilities (plan
 * data: archived, never deleted). `overdue` is computed by every read, never stored: due before
 * today in the province (domain/clock.h) while not started or in progress. */
#ifndef PLANMON_TASKS_REPO_H
#define PLANMON_TASKS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* NULL-terminated value lists (the CHECKs of migration 0008 list the same). */
extern const char *const task_statuses[];
extern const char *const task_recurrences[];
extern const char *const task_roles[];
extern const char *const task_modes[];
extern const char *const task_sources[];

typedef struct {
    const char *plan, *section, *parent_id; /* NULL: any */
    const char *agency, *role, *mode;       /* role applies to agency's entry */
    const char *status, *overdue;           /* overdue: "true" / "false" */
    const char *due_before, *due_after, *q, *updated_since;
    bool include_archived; /* also archived tasks and the tasks of archived plans */
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

/* Seeds a task of plan `plan` unless the plan has a task with its key; `parent_key` names its
 * parent by key (NULL: none). *added counts. */
pm_status task_repo_seed(PGconn *conn, const char *plan, const json_t *fields,
                         const char *parent_key, int *added, pm_error *err);

/* Appends a progress update by `author` of `agency` to task `task` (whose status and percent
 * were `previous`, a task object) and applies its status and percent to the task at the
 * task's version. *id_out (24 bytes) receives the update's id. */
pm_status task_repo_add_update(PGconn *conn, const json_t *previous, const json_t *update,
                               const char *author, const char *agency, char *id_out, pm_error *err);

/* Lists the updates of task `task` in id order, one page. */
pm_status task_repo_list_updates(PGconn *conn, const char *task, const page_request *page,
                                 page_result *out, pm_error *err);

/* Reads update `id` of task `task`. PM_NOT_FOUND when there is none. */
pm_status task_repo_get_update(PGconn *conn, const char *task, const char *id, json_t **out,
                               pm_error *err);

/* The visible tasks (not archived, plan not archived; of plan `plan` unless NULL) on which
 * `agency` has an entry, in id order, as summaries with that entry's `role` and `mode`. *out is
 * a new array. */
pm_status task_repo_responsibilities(PGconn *conn, const char *agency, const char *plan,
                                     json_t **out, pm_error *err);

#endif

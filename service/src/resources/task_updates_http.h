/* task_updates_http.h: the progress journal of a task, /v1/tasks/{id}/updates, and the one way a
 * task's status and percent change (task_progress_record), which a PATCH of the task and a task
 * created with a status use too.
 *
 * An update has two times: `occurred_on`, the day it happened in the province (given by the
 * caller, default today; not after today, not before the task's or its plan's start), and
 * `created_at`, when planmon learned it. `late_entry` says it was recorded after the due date of
 * the Vietnamese 6-month report period (Decree 09/2019) that contains occurred_on. The task's
 * state is what its updates give, the latest by occurred_on (planmon_task_state), so an update
 * dated before a later one leaves today's state as it is and changes the past. An update may
 * name an `occurrence` of a recurring task, which it reports done.
 *
 * Who: editors on any task; a lead agency's people its status, percent and occurrences; a
 * coordinating agency's people notes only. */
#ifndef PLANMON_TASK_UPDATES_HTTP_H
#define PLANMON_TASK_UPDATES_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "http/context.h"

pm_status task_updates_list(http_ctx *ctx, pm_error *err);
pm_status task_updates_create(http_ctx *ctx, pm_error *err);
pm_status task_updates_get(http_ctx *ctx, pm_error *err);

/* Records progress `update` (validated: note, status, percent_done, occurrence, evidence,
 * occurred_on) of `task` (a Task, row-locked in the caller's transaction) by the caller, and
 * gives the task the state its updates now give. Fills in occurred_on (today when absent),
 * late_entry and, for a task marked done without a percent, percent_done 100. Refuses with 422
 * naming occurred_on a day after today, before the task's or plan's start, or before the named
 * occurrence's period, and a state it would leave inconsistent (done below 100 percent); 422
 * naming occurrence one the task does not have. `new_version`: the task's version moves with a
 * change of its state (false when the request has moved it already, as a create or a PATCH of
 * other fields does). *id_out (24 bytes) receives the update's id. */
pm_status task_progress_record(http_ctx *ctx, PGconn *db, const json_t *task, json_t *update,
                               bool new_version, char *id_out, pm_error *err);

#endif

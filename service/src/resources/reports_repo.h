/* reports_repo.h: what the 6-monthly and annual reports read: the plan's tasks as they stood at
 * a moment (from the audit snapshots), the progress updates of a window, the plan's indicators
 * with the sections they serve, and the moment itself. */
#ifndef PLANMON_REPORTS_REPO_H
#define PLANMON_REPORTS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

/* Reads `as_of` (NULL: now) as a moment: *moment (40 bytes) gets it in RFC 3339 UTC to the
 * microsecond, *day (11
 * bytes) its date in the province. PM_INVALID_PARAMETER (field as_of) when it is no time or
 * lies in the future. */
pm_status report_repo_moment(PGconn *conn, const char *as_of, char *moment, char *day,
                             pm_error *err);

/* The plan `plan` when not NULL, else the only plan not archived: *out {"id", "code", "title"};
 * PM_NOT_FOUND, or PM_INVALID_PARAMETER (field plan) when there are several. */
pm_status report_repo_plan(PGconn *conn, const char *plan, json_t **out, pm_error *err);

/* Per lead agency of the plan's tasks as they stood at `moment`: {"agency", "section" (the first
 * responsibility section, V.1-15, of a task it leads, or null), "total", "not_started",
 * "in_progress", "done", "cancelled", "overdue" (due before `day` and not done or cancelled)},
 * in section then agency order. *out a new array. */
pm_status report_repo_task_counts(PGconn *conn, const char *plan, const char *moment,
                                  const char *day, json_t **out, pm_error *err);

/* The plan's tasks overdue on `day` as they stood at `moment`: {"id", "section",
 * "source_clause", "title", "status", "percent_done", "due_date", "lead": [codes]}, by id. */
pm_status report_repo_overdue(PGconn *conn, const char *plan, const char *moment, const char *day,
                              json_t **out, pm_error *err);

/* The progress updates of the plan's tasks made in [from, until): {"id", "task", "note",
 * "percent_done", "status", "agency", "author", "created_at"}, by id. */
pm_status report_repo_updates(PGconn *conn, const char *plan, const char *from, const char *until,
                              json_t **out, pm_error *err);

/* The plan's indicators that roll up and existed, unarchived, at `as_of`, each with the section it
 * serves (the section whose code its source clause starts with, the longest): {"code", "name",
 * "level", "period_type", "value_type", "rollup", "threshold", "pilot_model_type", "section",
 * "section_title"}, in section then code order. */
pm_status report_repo_indicators(PGconn *conn, const char *plan, const char *as_of, json_t **out,
                                 pm_error *err);

/* The only level-1 unit, or NULL in *code (6 bytes) when there are several. */
pm_status report_repo_root_unit(PGconn *conn, char *code, pm_error *err);

#endif

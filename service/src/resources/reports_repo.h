/* reports_repo.h: what the 6-monthly and annual reports read. One rule for every table: the
 * report of period P as of moment A counts the facts whose effective time falls in P (or the
 * state at P's end) as planmon knew them at A: the plan's tasks at P's end (their definitions
 * from the audit snapshots by A, their state from the updates that occurred by then and were
 * recorded by A), the updates that occurred in P, the plan's indicators with the sections they
 * serve, and the moment itself. */
#ifndef PLANMON_REPORTS_REPO_H
#define PLANMON_REPORTS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

/* Reads `as_of` (NULL: now) as a moment: *moment (40 bytes) gets it in RFC 3339 UTC to the
 * microsecond, *day (11 bytes) its date in the province. PM_INVALID_PARAMETER (field as_of) when it
 * is no time or lies in the future. */
pm_status report_repo_moment(PGconn *conn, const char *as_of, char *moment, char *day,
                             pm_error *err);

/* The plan `plan` when not NULL, else the only plan not archived, if period `end` (YYYY-MM-DD,
 * the report period's last day) falls within its life: *out {"id", "code", "title"}.
 * PM_NOT_FOUND; PM_INVALID_PARAMETER (field plan) when several plans are there to choose from;
 * PM_VALIDATION_FAILED (field period) when the period ends outside the plan's life. */
pm_status report_repo_plan(PGconn *conn, const char *plan, const char *end, json_t **out,
                           pm_error *err);

/* What a report's tables are read for: the plan (its id), the moment A (RFC 3339) that says what
 * planmon knew, the day D (YYYY-MM-DD) at whose end the state is taken (the period's last day,
 * or A's day when earlier), and the period's first day. Borrowed strings. */
typedef struct {
    const char *plan, *moment, *day, *start;
} report_moment;

/* Per lead agency of the plan's tasks at the end of D as known at A: {"agency", "section" (the
 * sections of the tasks it leads, in the plan's order, joined by "; ", or null), "total",
 * "not_started", "in_progress", "done", "cancelled", "overdue"}, in the order of the first
 * responsibility section (V.1-15) each leads in, then agency. *out is new. */
/* The plan's money per agency (table "funding"), as known at A: {"agency", "lines" (allocated
 * for `budget_year`, the year of the period's end), "allocated" (their sum), "spent" (entries on
 * the plan's lines whose effective day falls from the period's first day to D), "entries",
 * "over_allocation_entries"}, by agency. *out is new. */
pm_status report_repo_funding(PGconn *conn, const report_moment *m, const char *budget_year,
                              json_t **out, pm_error *err);

pm_status report_repo_task_counts(PGconn *conn, const report_moment *m, json_t **out,
                                  pm_error *err);

/* One row per task of the plan that had begun by D, as known at A: {"id", "key", "section",
 * "source_clause", "title", "lead": [codes], "status", "percent_done", "due_date", "due_basis",
 * "recurrence", "overdue", "last_update" (the latest update that occurred in the period, or
 * null), "last_update_on", "last_update_recorded_at", "late_entry" (that update's)}, in section
 * then id order. *out is new. */
pm_status report_repo_task_status(PGconn *conn, const report_moment *m, json_t **out,
                                  pm_error *err);

/* What was overdue at the end of D as known at A: each one-off task past its due date, and each
 * overdue occurrence of a recurring task: {"id", "section", "source_clause", "title", "status",
 * "percent_done", "occurrence" (null for a one-off task), "due_date", "due_basis",
 * "lead": [codes]}, by task then due date. *out is new. */
pm_status report_repo_overdue(PGconn *conn, const report_moment *m, json_t **out, pm_error *err);

/* What falls due from `from` to `to` (YYYY-MM-DD, the next period) of the tasks open at the end
 * of D as known at A: each one-off task due then, and each occurrence of a recurring task due
 * then: {"id", "section", "source_clause", "title", "occurrence" (null for a one-off task),
 * "due_date", "lead": [codes]}, by due date then task. *out is new. */
pm_status report_repo_due_next(PGconn *conn, const report_moment *m, const char *from,
                               const char *to, json_t **out, pm_error *err);

/* The progress updates of the plan's tasks that occurred from the period's first day to D and
 * were recorded by A: {"id", "task", "occurred_on", "created_at", "late_entry", "occurrence",
 * "note", "percent_done", "status", "agency", "author"}, by occurred_on then id. *out is new. */
pm_status report_repo_updates(PGconn *conn, const report_moment *m, json_t **out, pm_error *err);

/* The plan's indicators that roll up and existed, unarchived, at `as_of`, each with the section it
 * serves (the section whose code its source clause starts with, the longest): {"code", "name",
 * "level", "period_type", "value_type", "rollup", "threshold", "pilot_model_type", "section",
 * "section_title"}, in section then code order. */
pm_status report_repo_indicators(PGconn *conn, const char *plan, const char *as_of, json_t **out,
                                 pm_error *err);

/* The only level-1 unit, or NULL in *code (6 bytes) when there are several. */
pm_status report_repo_root_unit(PGconn *conn, char *code, pm_error *err);

#endif

/* budget_lines_repo.h: SQL for budget lines and the funding roll-up (migration 0025). Every read
 * applies the lines' read rule for `reader`: appraised and allocated lines are everyone's, the
 * others their agency's, its district People's Committee's and those who read all lines
 * (access_reads_all_budget_lines). */
#ifndef PLANMON_BUDGET_LINES_REPO_H
#define PLANMON_BUDGET_LINES_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/page.h"
#include "status.h"

/* Who reads: the caller's agency and whether it reads every line. */
typedef struct {
    const char *agency;
    bool reads_all;
} line_reader;

/* The columns a line's answer carries only for the handler's checks (strip before replying):
 * district_line (its agency is a district's or commune's People's Committee) and
 * callers_district (the reader is the People's Committee of the district that holds the line's
 * agency's unit: the district's own line, or a commune's of it). */
extern const char *const budget_line_check_fields[];

/* The list filters; NULL: any. */
typedef struct {
    const char *plan, *year, *agency, *source, *status, *task, *section;
} line_filter;

/* A line's references, checked: `plan`, `agency`, `source`, `task`, `section` and `year`
 * (borrowed; task, section and year may be NULL). Fails 422 naming the first field that names
 * nothing (a task of another plan, a section the plan does not have, a year outside the plan's
 * period); `section` that differs from the task's is 422 too. Writes the task's section into
 * `task_section` (size bytes; "" when none). */
pm_status budget_line_repo_check(PGconn *conn, const char *plan, const char *agency,
                                 const char *source, const char *task, const char *section,
                                 const char *year, char *task_section, size_t size, pm_error *err);

/* Inserts a draft line of `fields` (borrowed, validated and checked; `agency` and `section`
 * given apart, as decided by the handler) by `created_by`; its id into `id` (24 bytes). */
pm_status budget_line_repo_create(PGconn *conn, const json_t *fields, const char *agency,
                                  const char *section, const char *created_by, char *id,
                                  pm_error *err);

/* Line `id` as `reader` may read it, with the check fields, into *out (new); `lock` takes its
 * row lock. PM_NOT_FOUND when there is none or the reader may not read it. */
pm_status budget_line_repo_get(PGconn *conn, const char *id, const line_reader *reader, bool lock,
                               json_t **out, pm_error *err);

/* The lines `reader` may read that pass `f`, by id, one page. */
pm_status budget_line_repo_list(PGconn *conn, const line_reader *reader, const line_filter *f,
                                const page_request *page, page_result *out, pm_error *err);

/* Applies `patch` (borrowed, validated: year, source, task, description, estimate) and
 * `section` to draft line `id` at `version`. */
pm_status budget_line_repo_update(PGconn *conn, const char *id, long long version,
                                  const json_t *patch, const char *section, pm_error *err);

/* Deletes draft line `id` at `version`. */
pm_status budget_line_repo_delete(PGconn *conn, const char *id, long long version, pm_error *err);

/* A step of a line's workflow: its new status, and what the step records (NULL: unchanged). */
typedef struct {
    const char *status, *appraised, *allocated, *decision_number, *decision_date, *note;
} line_step_values;

/* Moves line `id` at `version` to `v->status`, recording `v`. */
pm_status budget_line_repo_step(PGconn *conn, const char *id, long long version,
                                const line_step_values *v, pm_error *err);

/* The funding roll-up of plan `plan` (and `year`, or NULL for all) by `group_by` (agency,
 * source, section, task, year) over the lines `reader` may read that are proposed or further:
 * *groups (new array of {key, name, lines, proposed, appraised, allocated, spent, spent_share})
 * and *total (new object, the same without key and name). Sums are numeric in SQL and come as
 * strings of digits (money_write makes them numbers). */
pm_status budget_line_repo_rollup(PGconn *conn, const line_reader *reader, const char *plan,
                                  const char *year, const char *group_by, json_t **groups,
                                  json_t **total, pm_error *err);

#endif

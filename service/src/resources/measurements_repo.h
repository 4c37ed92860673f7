/* measurements_repo.h: SQL for measurements (one value per indicator x unit x period), their
 * approval workflow and bulk import. Who may see what is decided here in SQL, from the caller's
 * `measure_viewer`, so that a list and a single read can never disagree. */
#ifndef PLANMON_MEASUREMENTS_REPO_H
#define PLANMON_MEASUREMENTS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

extern const char *const measurement_statuses[];
/* The keys of ?sort= on the measurement list (req_list). */
extern const char *const measurement_sort_names[];

/* Whose reads: approved data is everyone's; drafts and submitted data only `see_all`'s, or,
 * with `see_scope`, those of units in `agency`'s scope (planmon_in_scope). */
typedef struct {
    const char *agency;
    bool see_all, see_scope;
} measure_viewer;

typedef struct {
    const char *indicator, *unit, *period, *status, *agency, *updated_since; /* NULL: any */
} measurement_filter;

/* Lists the measurements the viewer may see, in id order, one page. PM_VALIDATION_FAILED when
 * updated_since is no time. */
pm_status measurement_repo_list(PGconn *conn, const measure_viewer *viewer,
                                const measurement_filter *filter, const page_request *page,
                                page_result *out, pm_error *err);

/* Reads measurement `id` if the viewer may see it (PM_NOT_FOUND otherwise); `lock` takes the row
 * lock. Besides the shape's fields *out holds, for the handler's checks: "unit_parent",
 * "unit_level" (1..3), "in_scope" (of the viewer's agency), "indicator_level", "viewer_unit"
 * (the unit of the viewer's agency, or null) and "value_type" (the indicator's). */
pm_status measurement_repo_get(PGconn *conn, const measure_viewer *viewer, const char *id,
                               bool lock, json_t **out, pm_error *err);

/* What an entry of (indicator, unit) by `agency` for the period from `period_start` to
 * `period_end` meets: *out (new, the caller's) gets {"indicator_known", "period_started" (by today
 * in the province), "level", "period_type", "value_type", "rollup", "unit_known", "unit_level",
 * "unit_exists" (at the period's end), "in_scope"}. */
pm_status measurement_repo_context(PGconn *conn, const char *indicator, const char *unit,
                                   const char *period_start, const char *period_end,
                                   const char *agency, json_t **out, pm_error *err);

/* Inserts a draft from the prepared `row` (indicator, unit, period, period_start, period_end,
 * value_bool | value_num | value_text | numerator + denominator, comment, evidence, late_entry:
 * written after its period's due date) entered by
 * `username` of `agency`; *id_out (24 bytes) gets its id. PM_CONFLICT when the indicator, unit
 * and period have one already. */
pm_status measurement_repo_create(PGconn *conn, const json_t *row, const char *username,
                                  const char *agency, char *id_out, pm_error *err);

/* Replaces the value fields of `row` (and comment, evidence where present in `present`) of
 * measurement `id` at `version`, unless it is approved; a new value takes row's late_entry. */
pm_status measurement_repo_update(PGconn *conn, const char *id, long long version,
                                  const json_t *row, const json_t *present, pm_error *err);

/* Moves measurement `id` at `version` from `from` to `to`, with a reviewer (NULL: keep) and a
 * review note (NULL: clear). */
pm_status measurement_repo_transition(PGconn *conn, const char *id, long long version,
                                      const char *from, const char *to, const char *reviewer,
                                      const char *note, pm_error *err);

/* For an import: every row of `rows` (an array of {"i", "indicator", "unit", "period",
 * "period_start", "period_end"}) with what it meets, as in measurement_repo_context, plus the
 * existing measurement's "status", "same" (true when `rows`' prepared value and comment equal it) —
 * `rows` items carry the prepared value fields for that comparison. *out a new array, in `i`
 * order. */
pm_status measurement_repo_classify(PGconn *conn, const json_t *rows, const char *agency,
                                    json_t **out, pm_error *err);

/* Writes the prepared `rows` (as for measurement_repo_create) in one statement: new ones as
 * drafts, existing ones (never approved) updated; appends the ids written to `ids`. */
pm_status measurement_repo_import(PGconn *conn, const json_t *rows, const char *username,
                                  const char *agency, json_t *ids, pm_error *err);

/* The rows of the entry template of `indicator` for `period_id` (whose last day is `period_end`):
 * each unit at the indicator's level that exists then, in `agency`'s scope (every unit when
 * `see_all`), below `unit` when not NULL, in code order: {"indicator", "indicator_name", "unit",
 * "unit_name", "period", "value" (null when none is entered), "comment", "status"}. *out is
 * new. */
pm_status measurement_repo_template(PGconn *conn, const char *indicator, const char *period_id,
                                    const char *period_end, const char *agency, bool see_all,
                                    const char *unit, json_t **out, pm_error *err);

/* Records an import that wrote: who (`username`, `agency`), its `format` ("json", "csv",
 * "xlsx"), its `summary` and the `ids` (a JSON array) of the measurements it created or changed;
 * the new import's id into `id_out`. */
pm_status measurement_repo_record_import(PGconn *conn, const char *username, const char *agency,
                                         const char *format, const json_t *summary,
                                         const json_t *ids, char id_out[24], pm_error *err);

/* Import `id` as {"id", "username", "agency", "format", "summary", "measurements": [ids],
 * "created_at"}; PM_NOT_FOUND when there is none. *out is new. */
pm_status measurement_repo_get_import(PGconn *conn, const char *id, json_t **out, pm_error *err);

#endif

/* measurements_entry_http.h: what one measurement entry is — its value under the indicator's
 * value type, its period, the checks it must pass (with the caller's scope, hence HTTP) and the
 * row it writes — shared by the single writes of measurements_http.c and the bulk import of
 * measurements_import_http.c. Thread-safe. */
#ifndef PLANMON_MEASUREMENTS_ENTRY_HTTP_H
#define PLANMON_MEASUREMENTS_ENTRY_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/period.h"
#include "http/context.h"

/* FIELD_CUSTOM checks: evidence, an array of at most 20 http(s) URLs; value, any JSON value
 * (its type is checked against the indicator's value type by measurement_put_value). */
pm_status measurement_evidence_field(const char *name, const json_t *value, pm_error *err);
pm_status measurement_any_value(const char *name, const json_t *value, pm_error *err);

/* Entering and submitting: editors anywhere, others within scope (`in_scope`, as the repository
 * read it); else PM_FORBIDDEN naming unit. */
pm_status measurement_may_enter(const http_ctx *ctx, bool in_scope, pm_error *err);

/* The JSON value a CSV cell `text` stands for under `value_type` (a new reference), or NULL when
 * it stands for none. */
json_t *measurement_value_from_text(const char *value_type, const char *text);

/* Puts `value` (borrowed), checked against `value_type`, into `row` (borrowed) as its column
 * fields (value_bool, value_num, value_text, numerator, denominator); 422 naming value
 * otherwise. */
pm_status measurement_put_value(json_t *row, const char *value_type, const json_t *value,
                                pm_error *err);

/* Parses the period of `body` (borrowed) into `p`; 422 naming period otherwise. */
pm_status measurement_parse_period(const http_ctx *ctx, const json_t *body, period *p,
                                   pm_error *err);

/* Checks an entry against what it meets (`c`, from measurement_repo_context or _classify,
 * borrowed): the indicator exists and takes entries, the unit exists at the period's end at the
 * indicator's level, the period is of the indicator's type, and the caller may enter it. */
pm_status measurement_check_entry(const http_ctx *ctx, const json_t *c, const period *p,
                                  pm_error *err);

/* Whether a value of period `p` written today is a late entry: today in the province is after
 * the period's due date. */
bool measurement_late(const period *p);

/* The row an entry (`body`, borrowed) writes, into *out (a new reference owned by the caller):
 * its keys, its period's dates, `late_entry` (measurement_late), and its value under
 * `value_type`. */
pm_status measurement_make_row(const json_t *body, const period *p, const char *value_type,
                               json_t **out, pm_error *err);

#endif

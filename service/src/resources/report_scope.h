/* report_scope.h: what a report (reports_http.h) and the dashboard (dashboard_http.h) speak of —
 * the plan, the moment and the unit — and the rows of the plan's indicators for that unit and a
 * period. */
#ifndef PLANMON_REPORT_SCOPE_H
#define PLANMON_REPORT_SCOPE_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/period.h"
#include "http/context.h"
#include "resources/analytics_http.h"

/* The plan, moment and unit of a report or dashboard. */
typedef struct {
    char moment[40];  /* as_of, or now: RFC 3339 UTC to the microsecond */
    char day[11];     /* its day in the province */
    char plan_id[24]; /* the plan's id as text */
    char unit[6];     /* the unit asked, or the province */
    json_t *plan;     /* {"id", "code", "title"}: the caller's, to json_decref */
} report_subject;

/* Fills *out for a period ending on `end` (YYYY-MM-DD): the moment of `as_of` (NULL: now;
 * report_repo_moment), the plan `plan` or else the only one not archived (report_repo_plan:
 * the period must end within its life), and `unit` or else the province (PM_INVALID_PARAMETER
 * naming unit when there are several). Uses the request's database connection. */
pm_status report_subject_load(http_ctx *ctx, const char *as_of, const char *plan, const char *unit,
                              const char *end, report_subject *out, pm_error *err);

/* Appends to `rows` one row per indicator of `of_plan` (report_repo_indicators) collected at
 * `scope->unit`'s level or below it: the analytics item of that unit (analytics_items) for the
 * indicator's period that answers `asked` (period_for_indicator: a yearly indicator answers
 * 2017VN with 2017), with the indicator's code, name and section, and the period's first target
 * (target_operator, target_value; its attainment is already the worst of all the period's
 * targets). `with_targets` keeps the item's list of targets too. When `pilots` is not NULL, a
 * pilot-registry indicator also appends its row of the report's pilots table there. Only
 * 6-month and annual periods are asked: the mapping never refuses them. All arguments are
 * borrowed; the rows are new references in `rows` and `pilots`. */
pm_status indicator_rows(http_ctx *ctx, const json_t *of_plan, const period *asked,
                         const analytics_scope *scope, bool with_targets, json_t *rows,
                         json_t *pilots, pm_error *err);

#endif

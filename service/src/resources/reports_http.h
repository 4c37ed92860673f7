/* reports_http.h: GET /v1/reports/{period} — the 6-monthly or annual report for a reporting
 * period (2017VNS1, 2017VN; also 2017S1 or 2017), generated from the data in the plan's order:
 * the indicators of each section with numerator, denominator, value, target and attainment; task
 * status counts per lead agency in the order of section V; the overdue tasks; pilot-model
 * progress against target; reporting completeness; the progress updates of the window.
 *
 * Computed as of `?as_of=` (default now, never in the future): measurements as approved then,
 * tasks as they stood at the period's end (or at as_of when earlier), pilot sites as they stood
 * then, submissions recorded by then, updates made within the period up to then — all read from
 * the audit snapshots, so the same as_of always gives the same report. `?format=csv` or
 * `Accept: text/csv` gives one table (`?table=indicators|tasks|overdue|pilots|completeness|
 * updates`) as UTF-8 CSV with a byte-order mark. Anyone signed in reads reports. */
#ifndef PLANMON_REPORTS_HTTP_H
#define PLANMON_REPORTS_HTTP_H

#include "http/context.h"

pm_status reports_get(http_ctx *ctx, pm_error *err);

#endif

/* analytics_repo.h: the roll-up of one indicator's measurements for one period, up the unit
 * tree, computed at read time from the measurements themselves (so never stale). */
#ifndef PLANMON_ANALYTICS_REPO_H
#define PLANMON_ANALYTICS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

typedef struct {
    const char *indicator, *rollup; /* rollup: share, sum, latest, periods_meeting_threshold,
                                     * pilot_registry */
    const char *period, *period_start, *period_end; /* the period's id and dates */
    const char *census_day; /* the units of a group are those existing then (rollup_census_day) */
    const char *unit;       /* the units counted are below (or are) this one; NULL: all */
    int level, indicator_level; /* group by units of `level`; data sits at indicator_level */
    const char *threshold;      /* periods_meeting_threshold: the value a period must reach */
    const char *model_type;     /* pilot_registry: the pilot model type whose sites count */
    bool include_unapproved;    /* drafts and submitted data too */
    const char *as_of;          /* NULL: the data now; else as it was then (RFC 3339) */
} rollup_query;

/* One row per unit of `level` under `unit` (in the country when NULL) that exists on the census
 * day, in code order:
 * {"unit", "units_expected" (units at the indicator's level below it, existing then),
 *  "units_reporting", "trues" (boolean values that are true), "total" (sum of numbers),
 *  "numerator", "denominator" (sums of a percentage's parts), "meeting" (periods meeting the
 *  threshold), "reported" (periods reported)}; for pilot_registry "total" counts the sites
 *  piloting, evaluated or scaled up by the period's end and "units_reporting" the districts
 *  with one. *out a new array. */
pm_status analytics_repo_rollup(PGconn *conn, const rollup_query *q, json_t **out, pm_error *err);

/* The level (1..3) of unit `code`, or 0 when there is no such unit. */
pm_status analytics_repo_unit_level(PGconn *conn, const char *code, int *level, pm_error *err);

#endif

/* analytics_http.h: GET /v1/analytics?indicator=CODE&period=ID[,ID...]&unit=CODE&level=N — for
 * each unit of `level` under `unit` and each period: numerator, denominator, value, units
 * reporting and expected, the target that applies and its attainment. Approved data only unless
 * an admin or coordinator asks include_unapproved=true. Computed from the measurements at read
 * time: never stale. */
#ifndef PLANMON_ANALYTICS_HTTP_H
#define PLANMON_ANALYTICS_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/period.h"
#include "http/context.h"

/* Where and as of when a roll-up looks. */
typedef struct {
    const char *unit;        /* the units below (or at) this one; NULL: the whole country */
    int level;               /* group by units of this level; 0: the unit's own (provinces) */
    int unit_level;          /* the unit's own level when the caller knows it; 0: looked up */
    bool include_unapproved; /* drafts and submitted data too */
    const char *as_of;       /* NULL: the data now; else as it was then (RFC 3339) */
    civil_date today;        /* the day attainment is judged on (missed once a period ended) */
} analytics_scope;

pm_status analytics_get(http_ctx *ctx, pm_error *err);

/* The unit level (1 province, 2 district, 3 commune) at which `indicator` (borrowed) is
 * collected. */
int analytics_indicator_level(const json_t *indicator);

/* The level of administrative unit `unit` into *level; PM_INVALID_PARAMETER naming unit when no
 * unit has that code. Uses the request's database connection. */
pm_status analytics_unit_level(http_ctx *ctx, const char *unit, int *level, pm_error *err);

/* Appends to `items` (borrowed) the analytics items of `indicator` (an indicator object, borrowed)
 * for each of the `count` periods, in the shape GET /v1/analytics answers. Fails as that route
 * does for a bad level or unit, or an indicator that does not roll up. */
pm_status analytics_items(http_ctx *ctx, const json_t *indicator, const period *periods, int count,
                          const analytics_scope *scope, json_t *items, pm_error *err);

#endif

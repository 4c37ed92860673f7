/* admin_units_repo.h: SQL for administrative units (province -> districts -> communes). */
#ifndef PLANMON_ADMIN_UNITS_REPO_H
#define PLANMON_ADMIN_UNITS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "domain/page.h"
#include "status.h"

typedef struct {
    int level;          /* 1..3, 0 for any */
    const char *parent; /* direct children of this unit, or NULL */
    const char *q;      /* diacritic-insensitive substring of the name, or NULL */
} admin_unit_filter;

/* Lists units matching `filter` in (level, code) order, one page (strings borrowed). Fills
 * `out` (caller clears). `conn` is borrowed. */
pm_status admin_unit_repo_list(PGconn *conn, const admin_unit_filter *filter,
                               const page_request *page, page_result *out, pm_error *err);

/* Reads one unit into *out (new reference). PM_NOT_FOUND when there is none. */
pm_status admin_unit_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err);

#endif

/* agencies_repo.h: SQL for agencies (departments, committees, mass organisations, ...). */
#ifndef PLANMON_AGENCIES_REPO_H
#define PLANMON_AGENCIES_REPO_H

#include <jansson.h>
#include <libpq-fe.h>

#include "domain/page.h"
#include "status.h"

/* The agency kinds, NULL-terminated (the CHECK constraint of migration 0001 lists the same). */
extern const char *const agency_kinds[];

typedef struct {
    const char *kind; /* or NULL */
    const char *unit; /* agencies tied to exactly this unit, or NULL */
    const char *q;    /* diacritic-insensitive substring of code or names, or NULL */
} agency_filter;

/* Lists agencies matching `filter` in code order, one page. Fills `out` (caller clears).
 * `conn` is borrowed. */
pm_status agency_repo_list(PGconn *conn, const agency_filter *filter, const page_request *page,
                           page_result *out, pm_error *err);

/* Reads one agency into *out (new reference). PM_NOT_FOUND when there is none. */
pm_status agency_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err);

#endif

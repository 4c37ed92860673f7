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

/* The keys of ?sort= on the list (req_list). */
extern const char *const admin_unit_sort_names[];

/* Lists units matching `filter` in (level, code) order, one page (strings borrowed). Fills
 * `out` (caller clears). `conn` is borrowed. */
pm_status admin_unit_repo_list(PGconn *conn, const admin_unit_filter *filter,
                               const page_request *page, page_result *out, pm_error *err);

/* Reads one unit into *out (new reference). PM_NOT_FOUND when there is none. */
pm_status admin_unit_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err);

/* admin_unit_repo_get with the row lock, for a change. */
pm_status admin_unit_repo_get_locked(PGconn *conn, const char *code, json_t **out, pm_error *err);

/* Checks a new unit: `code` not taken (PM_CONFLICT, field code), `parent` (NULL: none) an
 * existing unit (PM_VALIDATION_FAILED, field parent); *level receives the new unit's level. */
pm_status admin_unit_repo_check_new(PGconn *conn, const char *code, const char *parent, int *level,
                                    pm_error *err);

/* Inserts a unit from validated `fields` (its level and path follow from its parent). */
pm_status admin_unit_repo_create(PGconn *conn, const json_t *fields, pm_error *err);

/* Applies the merge patch `fields` (name, type, valid_from, valid_to) at `version`. With an
 * `effective` date (NULL: a correction) the current name and type are kept in `former`, ending
 * then, and the new ones hold from then on. */
pm_status admin_unit_repo_update(PGconn *conn, const char *code, long long version,
                                 const json_t *fields, const char *effective, pm_error *err);

/* `planmon seed`: inserts the unit `code` (of `level`, under `parent`, NULL for the province,
 * valid from `valid_from`) unless it exists; adds 1 to *added when it was new. */
pm_status admin_unit_repo_seed(PGconn *conn, const char *code, const char *name, const char *type,
                               int level, const char *parent, const char *valid_from, int *added,
                               pm_error *err);

#endif

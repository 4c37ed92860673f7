/* agencies_repo.h: SQL for agencies (departments, committees, mass organisations, ...). */
#ifndef PLANMON_AGENCIES_REPO_H
#define PLANMON_AGENCIES_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* The agency kinds, NULL-terminated (the CHECK constraint of migration 0019 lists the same); the
 * kinds that are tied to a unit, and those that may be (a district's procuracy, court, the
 * province's social work centre). Only a People's Committee's unit is its data scope. */
extern const char *const agency_kinds[];
extern const char *const agency_kinds_with_unit[];
extern const char *const agency_kinds_may_have_unit[];

typedef struct {
    const char *kind; /* or NULL */
    const char *unit; /* agencies tied to exactly this unit, or NULL */
    const char *q;    /* diacritic-insensitive substring of code or names, or NULL */
} agency_filter;

/* The keys of ?sort= on the list (req_list). */
extern const char *const agency_sort_names[];

/* Lists agencies matching `filter` in code order, one page. Fills `out` (caller clears).
 * `conn` is borrowed. */
pm_status agency_repo_list(PGconn *conn, const agency_filter *filter, const page_request *page,
                           page_result *out, pm_error *err);

/* Reads one agency into *out (new reference). PM_NOT_FOUND when there is none. */
pm_status agency_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err);

/* agency_repo_get with the row lock, for a change. */
pm_status agency_repo_get_locked(PGconn *conn, const char *code, json_t **out, pm_error *err);

/* Checks a new or changed agency of `kind`: `code` not taken (when `creating`: PM_CONFLICT,
 * field code), `unit` (NULL: none) an existing unit (PM_VALIDATION_FAILED) tied to no other
 * agency of that kind (PM_CONFLICT, field unit), `parent` (NULL: none) another existing agency
 * (PM_VALIDATION_FAILED, field parent). */
pm_status agency_repo_check(PGconn *conn, const char *code, const char *kind, const char *unit,
                            const char *parent, bool creating, pm_error *err);

/* Inserts an agency from validated `fields`. */
pm_status agency_repo_create(PGconn *conn, const json_t *fields, pm_error *err);

/* Applies the merge patch `fields` (never code) at `version`. */
pm_status agency_repo_update(PGconn *conn, const char *code, long long version,
                             const json_t *fields, pm_error *err);

/* `planmon seed`: inserts the agency `fields` ({"code", "name", "name_en", "kind"}) unless one
 * with its code exists (then only the abbreviation it lacks is filled in); adds 1 to *added when
 * it was new. */
pm_status agency_repo_seed(PGconn *conn, const json_t *fields, int *added, pm_error *err);

/* `planmon seed`: the bodies tied to each current unit that lacks them, named after it: its
 * People's Committee ("Ủy ban nhân dân thành phố Long Xuyên"), and the district People's
 * Councils (HDND-883), procuracies (VKSND-883) and courts (TAND-883), the inspection teams of
 * every level (DKTLN-89, DKTLN-883, DKTLN-30280) and the province's social work centre
 * (TTCTXH-89), each with its kind's abbreviation (UBND, HĐND, …); adds the number inserted to
 * *added. Seeded before agency_repo_seed's agencies, whose parent may be one of them. */
pm_status agency_repo_seed_unit_bodies(PGconn *conn, int *added, pm_error *err);

#endif

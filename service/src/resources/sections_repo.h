/* sections_repo.h: SQL for the sections of a plan (plan data: archived, never deleted). A
 * section is named by its plan's id and its code (II.3.1). */
#ifndef PLANMON_SECTIONS_REPO_H
#define PLANMON_SECTIONS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* The section kinds, NULL-terminated (the CHECK of migration 0008 lists the same). */
extern const char *const section_kinds[];

typedef struct {
    const char *plan;     /* the plan's id (required) */
    const char *kind, *q; /* NULL: any */
    bool include_archived;
} section_filter;

/* Lists a plan's sections in (seq, code) order, one page. */
pm_status section_repo_list(PGconn *conn, const section_filter *filter, const page_request *page,
                            page_result *out, pm_error *err);

/* Reads section `code` of plan `plan` (archived too); `lock` takes the row lock. PM_NOT_FOUND
 * when there is none. *out is new. */
pm_status section_repo_get(PGconn *conn, const char *plan, const char *code, bool lock,
                           json_t **out, pm_error *err);

/* Inserts a section of plan `plan` from validated `fields`. PM_CONFLICT (field code) when the
 * plan has a section with that code. */
pm_status section_repo_create(PGconn *conn, const char *plan, const json_t *fields, pm_error *err);

/* Applies the merge patch `fields` at `version` (PM_PRECONDITION_FAILED when it moved on). */
pm_status section_repo_update(PGconn *conn, const char *plan, const char *code, long long version,
                              const json_t *fields, pm_error *err);

/* Checks what `fields` (a body or patch) refers to: every addressee an agency. Fails with
 * PM_VALIDATION_FAILED naming each bad entry (addressees[i].agency). */
pm_status section_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err);

/* Archives (`archive`) or restores the section at `version`. */
pm_status section_repo_set_archived(PGconn *conn, const char *plan, const char *code,
                                    long long version, bool archive, pm_error *err);

/* Seeds a section of plan `plan` unless the plan has its code; *added counts. */
pm_status section_repo_seed(PGconn *conn, const char *plan, const json_t *fields, int *added,
                            pm_error *err);

#endif

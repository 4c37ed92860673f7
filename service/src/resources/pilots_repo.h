/* pilots_repo.h: SQL for the pilot model types of II.3.3.b and the sites where they are
 * piloted (plan data: sites are archived, never deleted). */
#ifndef PLANMON_PILOTS_REPO_H
#define PLANMON_PILOTS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

extern const char *const pilot_site_statuses[];
extern const char *const pilot_target_units[];

typedef struct {
    const char *model_type, *district, *status, *host_agency; /* NULL: any */
    bool include_archived;
} pilot_site_filter;

/* Lists the model types in code order, one page. */
pm_status pilot_type_repo_list(PGconn *conn, const page_request *page, page_result *out,
                               pm_error *err);

/* Reads model type `code`; `lock` takes the row lock. PM_NOT_FOUND when there is none. */
pm_status pilot_type_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                              pm_error *err);

/* Checks the lead agency and task `fields` name: PM_VALIDATION_FAILED naming each unknown one. */
pm_status pilot_type_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err);

/* Inserts a model type (PM_CONFLICT field code when taken). */
pm_status pilot_type_repo_create(PGconn *conn, const json_t *fields, pm_error *err);

/* Applies the merge patch `fields` (never code) at `version`. */
pm_status pilot_type_repo_update(PGconn *conn, const char *code, long long version,
                                 const json_t *fields, pm_error *err);

/* Seeds a model type from the seed file unless its code exists; `plan` resolves its task key.
 * *added counts. */
pm_status pilot_type_repo_seed(PGconn *conn, const char *plan, const json_t *item, int *added,
                               pm_error *err);

/* Lists sites in id order, one page. */
pm_status pilot_site_repo_list(PGconn *conn, const pilot_site_filter *filter,
                               const page_request *page, page_result *out, pm_error *err);

/* Reads site `id` (archived too); `lock` takes the row lock. */
pm_status pilot_site_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err);

/* Checks what `fields` refers to: the model type, a district-level unit, the host agency.
 * PM_VALIDATION_FAILED naming each bad one. */
pm_status pilot_site_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err);

/* The site's territory: PM_VALIDATION_FAILED naming `district` (code outside_host) when the
 * host agency is a People's Committee and `district` lies outside its unit. */
pm_status pilot_site_repo_check_territory(PGconn *conn, const char *district,
                                          const char *host_agency, pm_error *err);

/* Inserts a site; *id_out (24 bytes) gets its id. */
pm_status pilot_site_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err);

/* Applies the merge patch `fields` at `version`. */
pm_status pilot_site_repo_update(PGconn *conn, const char *id, long long version,
                                 const json_t *fields, pm_error *err);

/* Archives (`archive`) or restores the site at `version`. */
pm_status pilot_site_repo_set_archived(PGconn *conn, const char *id, long long version,
                                       bool archive, pm_error *err);

#endif

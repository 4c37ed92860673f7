/* documents_repo.h: SQL for legal documents (plan data: archived, never deleted). */
#ifndef PLANMON_DOCUMENTS_REPO_H
#define PLANMON_DOCUMENTS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* The document types, NULL-terminated (the CHECK of migration 0004 lists the same). */
extern const char *const document_types[];

typedef struct {
    const char *type, *q; /* NULL: any */
    bool include_archived;
} document_filter;

/* Lists documents in id order, one page. */
pm_status document_repo_list(PGconn *conn, const document_filter *filter, const page_request *page,
                             page_result *out, pm_error *err);

/* Reads document `id` (archived ones too: the caller decides who sees them); `lock` takes the
 * row lock for a change. PM_NOT_FOUND when there is none. */
pm_status document_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err);

/* Inserts a document from the validated `fields`; *id_out receives its id (at least 24 bytes).
 * PM_CONFLICT (field number) when the number exists. */
pm_status document_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err);

/* Applies the merge patch `fields` if the version is still `version` (PM_PRECONDITION_FAILED). */
pm_status document_repo_update(PGconn *conn, const char *id, long long version,
                               const json_t *fields, pm_error *err);

/* Archives (`archive` true) or restores the document at `version`. */
pm_status document_repo_set_archived(PGconn *conn, const char *id, long long version, bool archive,
                                     pm_error *err);

/* Inserts the documents of a seed file entry unless their number exists; *added counts. */
pm_status document_repo_seed(PGconn *conn, const json_t *fields, int *added, pm_error *err);

#endif

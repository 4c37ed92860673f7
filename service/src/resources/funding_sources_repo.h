/* funding_sources_repo.h: SQL for funding sources (migration 0025): where the plan's money comes
 * from, by code. */
#ifndef PLANMON_FUNDING_SOURCES_REPO_H
#define PLANMON_FUNDING_SOURCES_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

extern const char *const funding_source_kinds[];

/* The sources by code, one page. */
pm_status funding_source_repo_list(PGconn *conn, const page_request *page, page_result *out,
                                   pm_error *err);

/* One source into *out (new); `lock` takes its row lock. PM_NOT_FOUND when there is none. */
pm_status funding_source_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                                  pm_error *err);

/* Adds the source `fields` (code, name, name_en, kind, cited: borrowed, validated); PM_CONFLICT
 * naming code when it is taken. */
pm_status funding_source_repo_create(PGconn *conn, const json_t *fields, pm_error *err);

/* Applies `patch` (borrowed, validated) to source `code` at `version`. */
pm_status funding_source_repo_update(PGconn *conn, const char *code, long long version,
                                     const json_t *patch, pm_error *err);

#endif

/* agencies_repo.c: agencies (see agencies_repo.h). */
#include "resources/agencies_repo.h"

#include <stdio.h>

#include "db/query.h"

const char *const agency_kinds[] = {
    "people_committee",
    "office",
    "steering_committee",
    "department",
    "police",
    "border_guard",
    "media",
    "party",
    "procuracy",
    "court",
    "mass_organisation",
    "foreign_partner",
    NULL,
};

#define AGENCY_SELECT "SELECT a.code, a.name, a.name_en, a.kind, a.unit FROM agency a"

/* $1 kind, $2 unit, $3 q, $4 keyset after code, $5 limit + 1. */
static const char list_sql[] =
    AGENCY_SELECT " WHERE ($1::text IS NULL OR a.kind = $1)"
                  "   AND ($2::text IS NULL OR a.unit = $2)"
                  "   AND ($3::text IS NULL OR a.search_text LIKE planmon_search_pattern($3)"
                  "        AND a.search_text ~ planmon_search_words($3))"
                  "   AND ($4::text IS NULL OR a.code > $4)"
                  " ORDER BY a.code"
                  " LIMIT $5::int";

static const char get_sql[] = AGENCY_SELECT " WHERE a.code = $1";

static const char *const sort_keys[] = {"code"};

pm_status agency_repo_list(PGconn *conn, const agency_filter *filter, const page_request *page,
                           page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, false, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {filter->kind, filter->unit, filter->q, page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 5, params, page, sort_keys, 1, out, err);
}

pm_status agency_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, get_sql, 1, params, "There is no such agency.", out, err);
}

/* funding_sources_repo.c: funding sources (see funding_sources_repo.h). */
#include "resources/funding_sources_repo.h"

#include "db/params.h"
#include "db/query.h"

const char *const funding_source_kinds[] = {"state_budget", "enterprise", "sponsor", "other", NULL};

#define UTC_TEXT(T) "to_char(" T " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define SOURCE_SELECT                                               \
    "SELECT s.code, s.name, s.name_en, s.kind, s.cited, s.version," \
    "       " UTC_TEXT("s.created_at") " AS created_at, " UTC_TEXT( \
        "s.updated_at") " AS"                                       \
                        " updated_at"                               \
                        " FROM funding_source s"

/* $1 after code $2 limit + 1 */
static const char list_sql[] = SOURCE_SELECT " WHERE ($1::text IS NULL OR s.code > $1)"
                                             " ORDER BY s.code LIMIT $2::int";
static const char get_sql[] = SOURCE_SELECT " WHERE s.code = $1";
static const char get_locked_sql[] = SOURCE_SELECT " WHERE s.code = $1 FOR UPDATE";

static const char *const columns[] = {"code", "name", "name_en", "kind", "cited"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

/* $1..$5 the columns; nothing when the code is taken */
static const char insert_sql[] = "INSERT INTO funding_source (code, name, name_en, kind, cited)"
                                 " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING"
                                 " RETURNING code";

/* The columns but code as $1..$4, $5 present fields, $6 code $7 version. */
static const char update_sql[] =
    "UPDATE funding_source SET"
    "  name = CASE WHEN 'name' = ANY($5::text[]) THEN $1 ELSE name END,"
    "  name_en = CASE WHEN 'name_en' = ANY($5::text[]) THEN $2 ELSE name_en END,"
    "  kind = CASE WHEN 'kind' = ANY($5::text[]) THEN $3 ELSE kind END,"
    "  cited = CASE WHEN 'cited' = ANY($5::text[]) THEN $4 ELSE cited END,"
    "  version = version + 1, updated_at = now()"
    " WHERE code = $6 AND version = $7::int RETURNING code";

static const char *const code_key[] = {"code"};

pm_status funding_source_repo_list(PGconn *conn, const page_request *page, page_result *out,
                                   pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 2, params, page, code_key, 1, out, err);
}

pm_status funding_source_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                                  pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 1, params,
                        MSG("There is no such funding source."), out, err);
}

pm_status funding_source_repo_create(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    PGresult *res = NULL;
    pm_status st = db_exec(conn, insert_sql, p.count, p.values, &res, err);
    if (st == PM_OK && PQntuples(res) == 0)
        st = pm_fail_field(err, PM_CONFLICT, "code", "taken",
                           MSG("A funding source with this code exists."));
    PQclear(res);
    db_params_clear(&p);
    return st;
}

pm_status funding_source_repo_update(PGconn *conn, const char *code, long long version,
                                     const json_t *patch, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, patch, columns + 1, NCOLUMNS - 1);
    db_params_add_present(&p, patch, columns + 1, NCOLUMNS - 1);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st =
        db_change_one(conn, update_sql, p.count, p.values,
                      MSG("The funding source was changed meanwhile; read it again."), err);
    db_params_clear(&p);
    return st;
}

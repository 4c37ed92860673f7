/* plans_repo.c: plans (see plans_repo.h). */
#include "resources/plans_repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"

#define PLAN_SELECT                                                                             \
    "SELECT p.id, p.code, p.title, p.title_en, p.period_start::text AS period_start,"           \
    "       p.period_end::text AS period_end, p.document, p.lead_agency, p.parent_programme,"   \
    "       p.version, planmon_utc(p.created_at) AS created_at,"                                \
    "       planmon_utc(p.updated_at) AS updated_at, planmon_utc(p.archived_at) AS archived_at" \
    " FROM plan p"

/* $1 q $2 include archived $3 after id $4 limit + 1 */
static const char list_sql[] =
    PLAN_SELECT " WHERE ($1::text IS NULL OR p.search_text LIKE planmon_search_pattern($1)"
                "        AND p.search_text ~ planmon_search_words($1))"
                "   AND ($2::boolean OR p.archived_at IS NULL)"
                "   AND ($3::bigint IS NULL OR p.id > $3::bigint)"
                " ORDER BY p.id LIMIT $4::int";

static const char get_sql[] = PLAN_SELECT " WHERE p.id = $1::bigint";
static const char get_locked_sql[] = PLAN_SELECT " WHERE p.id = $1::bigint FOR UPDATE";

/* $1 document $2 lead agency $3 parent programme: which present references do not exist. */
static const char references_sql[] =
    "SELECT $1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM document WHERE number = $1)"
    "         AS document,"
    "       $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agency WHERE code = $2)"
    "         AS lead_agency,"
    "       $3::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM document WHERE number = $3)"
    "         AS parent_programme";
static const char *const reference_fields[] = {"document", "lead_agency", "parent_programme"};
static const db_reference references[] = {
    {"document", "document", NULL, "unknown", MSG("names nothing that exists")},
    {"lead_agency", "lead_agency", NULL, "unknown", MSG("names nothing that exists")},
    {"parent_programme", "parent_programme", NULL, "unknown", MSG("names nothing that exists")},
};

static const char *const columns[] = {"code",       "title",    "title_en",    "period_start",
                                      "period_end", "document", "lead_agency", "parent_programme"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static const char insert_sql[] =
    "INSERT INTO plan (code, title, title_en, period_start, period_end, document, lead_agency,"
    "                  parent_programme)"
    " VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8) RETURNING id";

static const char seed_sql[] =
    "WITH added AS ("
    "  INSERT INTO plan (code, title, title_en, period_start, period_end, document, lead_agency,"
    "                    parent_programme)"
    "  VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8)"
    "  ON CONFLICT (code) DO NOTHING RETURNING id)"
    " SELECT id, true FROM added UNION ALL SELECT id, false FROM plan WHERE code = $1";

/* A merge patch: $9 names the present fields; $10 id $11 version. */
static const char update_sql[] =
    "UPDATE plan SET"
    "  code = CASE WHEN 'code' = ANY($9::text[]) THEN $1 ELSE code END,"
    "  title = CASE WHEN 'title' = ANY($9::text[]) THEN $2 ELSE title END,"
    "  title_en = CASE WHEN 'title_en' = ANY($9::text[]) THEN $3 ELSE title_en END,"
    "  period_start = CASE WHEN 'period_start' = ANY($9::text[]) THEN $4::date"
    "                 ELSE period_start END,"
    "  period_end = CASE WHEN 'period_end' = ANY($9::text[]) THEN $5::date ELSE period_end END,"
    "  document = CASE WHEN 'document' = ANY($9::text[]) THEN $6 ELSE document END,"
    "  lead_agency = CASE WHEN 'lead_agency' = ANY($9::text[]) THEN $7 ELSE lead_agency END,"
    "  parent_programme = CASE WHEN 'parent_programme' = ANY($9::text[]) THEN $8"
    "                     ELSE parent_programme END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $10::bigint AND version = $11::int AND archived_at IS NULL RETURNING id";

static const char archive_sql[] =
    "UPDATE plan SET archived_at = CASE WHEN $3::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int"
    "   AND (archived_at IS NULL) = $3::boolean RETURNING id";

static const char *const id_key[] = {"id"};

pm_status plan_repo_list(PGconn *conn, const plan_filter *f, const page_request *page,
                         page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {f->q, f->include_archived ? "true" : "false", page_after(page, 0),
                            limit};
    return db_fetch_page(conn, list_sql, 4, params, page, id_key, 1, out, err);
}

pm_status plan_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err)
{
    const char *params[] = {id};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 1, params,
                        MSG("There is no such plan."), out, err);
}

pm_status plan_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, reference_fields, 3);
    pm_status st = db_check_references(conn, references_sql, p.count, p.values, references,
                                       sizeof references / sizeof references[0], err);
    db_params_clear(&p);
    return st;
}

/* A taken code (unique) or the period CHECK, named. */
static pm_status refusal(pm_status st, pm_error *err)
{
    if (st == PM_VALIDATION_FAILED) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period_end", "before_start",
                             MSG("period_end must not be before period_start"));
    }
    if (st == PM_CONFLICT) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                             MSG("A plan with this code exists."));
    }
    return st;
}

pm_status plan_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    PGresult *res;
    pm_status st = refusal(db_exec(conn, insert_sql, p.count, p.values, &res, err), err);
    db_params_clear(&p);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status plan_repo_seed(PGconn *conn, const json_t *fields, char *id_out, int *added,
                         pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        *added += PQgetvalue(res, 0, 1)[0] == 't';
        PQclear(res);
    }
    return st;
}

pm_status plan_repo_update(PGconn *conn, const char *id, long long version, const json_t *fields,
                           pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    db_params_add_present(&p, fields, columns, NCOLUMNS);
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    pm_status st =
        refusal(db_change_one(conn, update_sql, p.count, p.values,
                              MSG("The plan was changed meanwhile; read it again."), err),
                err);
    db_params_clear(&p);
    return st;
}

pm_status plan_repo_set_archived(PGconn *conn, const char *id, long long version, bool archive,
                                 pm_error *err)
{
    const char *keys[] = {id};
    return db_set_archived(conn, archive_sql, keys, 1, version, archive,
                           MSG("The plan was changed meanwhile; read it again."), err);
}

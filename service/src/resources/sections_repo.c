/* sections_repo.c: the sections of a plan (see sections_repo.h). */
#include "resources/sections_repo.h"

#include <stdlib.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"

const char *const section_kinds[] = {"purpose", "goal",           "scope", "objective", "solution",
                                     "funding", "responsibility", "other", NULL};

#define SECTION_SELECT                                                                          \
    "SELECT s.plan, s.code, s.seq, s.kind, s.title, s.text, s.targets_text,"                    \
    "       s.heading_path, planmon_task_agencies_json(s.addressees) AS addressees,"            \
    "       s.version, planmon_utc(s.created_at) AS created_at,"                                \
    "       planmon_utc(s.updated_at) AS updated_at, planmon_utc(s.archived_at) AS archived_at" \
    " FROM plan_section s"

/* $1 plan $2 kind $3 q $4 include archived $5/$6 after (seq, code) $7 limit + 1 */
static const char list_sql[] =
    SECTION_SELECT " WHERE s.plan = $1::bigint AND ($2::text IS NULL OR s.kind = $2)"
                   "   AND ($3::text IS NULL OR s.search_text LIKE planmon_search_pattern($3)"
                   "        AND s.search_text ~ planmon_search_words($3))"
                   "   AND ($4::boolean OR s.archived_at IS NULL)"
                   "   AND ($5::int IS NULL OR (s.seq, s.code) > ($5::int, $6::text))"
                   " ORDER BY s.seq, s.code LIMIT $7::int";

static const char get_sql[] = SECTION_SELECT " WHERE s.plan = $1::bigint AND s.code = $2";
static const char get_locked_sql[] =
    SECTION_SELECT " WHERE s.plan = $1::bigint AND s.code = $2 FOR UPDATE";

static const char *const columns[] = {"code", "seq",          "kind",         "title",
                                      "text", "targets_text", "heading_path", "addressees"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

#define INSERT_VALUES                                                              \
    "INSERT INTO plan_section (plan, code, seq, kind, title, text, targets_text,"  \
    "                          heading_path, addressees)"                          \
    " VALUES ($1::bigint, $2, coalesce($3::int, 0), $4, $5, coalesce($6, ''), $7," \
    "         coalesce($8::jsonb, '[]'), planmon_task_agencies($9::jsonb))"

/* $1 plan, then the columns as $2..$9 */
static const char insert_sql[] = INSERT_VALUES;

/* As insert_sql; a section the plan has keeps what it has, but receives the addressees it
 * lacks (a database seeded before migration 0019). */
static const char seed_sql[] =
    INSERT_VALUES " ON CONFLICT (plan, code) DO UPDATE SET addressees = excluded.addressees"
                  " WHERE plan_section.addressees = '[]' AND excluded.addressees <> '[]'";

/* $1 addressees: the positions of those that name no agency. */
static const char references_sql[] = "SELECT planmon_unknown_agencies($1::jsonb) AS addressees";

static const db_reference references[] = {
    {"addressees", "addressees", ".agency", "unknown", MSG("names no agency")},
};

/* The columns but code (it names the section) as $1..$7, $8 present fields, $9 plan $10 code
 * $11 version. */
static const char update_sql[] =
    "UPDATE plan_section SET"
    "  seq = CASE WHEN 'seq' = ANY($8::text[]) THEN coalesce($1::int, 0) ELSE seq END,"
    "  kind = CASE WHEN 'kind' = ANY($8::text[]) THEN $2 ELSE kind END,"
    "  title = CASE WHEN 'title' = ANY($8::text[]) THEN $3 ELSE title END,"
    "  text = CASE WHEN 'text' = ANY($8::text[]) THEN coalesce($4, '') ELSE text END,"
    "  targets_text = CASE WHEN 'targets_text' = ANY($8::text[]) THEN $5 ELSE targets_text END,"
    "  heading_path = CASE WHEN 'heading_path' = ANY($8::text[])"
    "                 THEN coalesce($6::jsonb, '[]') ELSE heading_path END,"
    "  addressees = CASE WHEN 'addressees' = ANY($8::text[])"
    "               THEN planmon_task_agencies($7::jsonb) ELSE addressees END,"
    "  version = version + 1, updated_at = now()"
    " WHERE plan = $9::bigint AND code = $10 AND version = $11::int AND archived_at IS NULL"
    " RETURNING id";

static const char archive_sql[] =
    "UPDATE plan_section SET archived_at = CASE WHEN $4::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE plan = $1::bigint AND code = $2 AND version = $3::int"
    "   AND (archived_at IS NULL) = $4::boolean RETURNING id";

static const char *const sort_keys[] = {"seq", "code"};

pm_status section_repo_list(PGconn *conn, const section_filter *f, const page_request *page,
                            page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 2, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {f->plan,
                            f->kind,
                            f->q,
                            f->include_archived ? "true" : "false",
                            page_after(page, 0),
                            page_after(page, 1),
                            limit};
    return db_fetch_page(conn, list_sql, 7, params, page, sort_keys, 2, out, err);
}

pm_status section_repo_get(PGconn *conn, const char *plan, const char *code, bool lock,
                           json_t **out, pm_error *err)
{
    const char *params[] = {plan, code};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 2, params,
                        MSG("There is no such section."), out, err);
}

static pm_status code_taken(pm_status st, pm_error *err)
{
    if (st != PM_CONFLICT)
        return st;
    pm_error_reset(err);
    return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                         MSG("The plan has a section with this code."));
}

pm_status section_repo_create(PGconn *conn, const char *plan, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add(&p, plan);
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    pm_status st = code_taken(db_exec(conn, insert_sql, p.count, p.values, NULL, err), err);
    db_params_clear(&p);
    return st;
}

pm_status section_repo_seed(PGconn *conn, const char *plan, const json_t *fields, int *added,
                            pm_error *err)
{
    db_params p = {0};
    db_params_add(&p, plan);
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

pm_status section_repo_update(PGconn *conn, const char *plan, const char *code, long long version,
                              const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add_present(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add(&p, plan);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st = db_change_one(conn, update_sql, p.count, p.values,
                                 MSG("The section was changed meanwhile; read it again."), err);
    db_params_clear(&p);
    return st;
}

pm_status section_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err)
{
    static const char *const checked[] = {"addressees"};
    db_params p = {0};
    db_params_add_fields(&p, fields, checked, 1);
    pm_status st = db_check_references(conn, references_sql, p.count, p.values, references,
                                       sizeof references / sizeof references[0], err);
    db_params_clear(&p);
    return st;
}

pm_status section_repo_set_archived(PGconn *conn, const char *plan, const char *code,
                                    long long version, bool archive, pm_error *err)
{
    const char *keys[] = {plan, code};
    return db_set_archived(conn, archive_sql, keys, 2, version, archive,
                           MSG("The section was changed meanwhile; read it again."), err);
}

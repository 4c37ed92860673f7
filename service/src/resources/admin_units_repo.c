/* admin_units_repo.c: administrative units (see admin_units_repo.h). */
#include "resources/admin_units_repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/params.h"
#include "db/query.h"
#include "domain/clock.h"

/* The unit's shape; `counts` are its current (not ended by TODAY) descendants by level. */
#define UNIT_SELECT(TODAY)                                                              \
    "SELECT u.code, u.name, u.type, u.level, u.parent, to_json(u.path) AS path,"        \
    "       u.valid_from::text AS valid_from, u.valid_to::text AS valid_to,"            \
    "       json_build_object('district', c.district, 'commune', c.commune) AS counts," \
    "       u.current_since::text AS current_since, u.former, u.version"                \
    " FROM admin_unit u"                                                                \
    " CROSS JOIN LATERAL ("                                                             \
    "     SELECT count(*) FILTER (WHERE d.level = 2) AS district,"                      \
    "            count(*) FILTER (WHERE d.level = 3) AS commune"                        \
    "     FROM admin_unit d"                                                            \
    "     WHERE u.level < 3 AND d.path @> ARRAY[u.code] AND d.code <> u.code"           \
    "       AND (d.valid_to IS NULL OR d.valid_to > " TODAY ")) c"

/* $1 level, $2 parent, $3 q, $4/$5 keyset after (level, code), $6 limit + 1, $7 today. */
#define LIST_FILTERED                                                           \
    UNIT_SELECT("$7::date")                                                     \
    " WHERE ($1::smallint IS NULL OR u.level = $1::smallint)"                   \
    "   AND ($2::text IS NULL OR u.parent = $2)"                                \
    "   AND ($3::text IS NULL OR u.search_text LIKE planmon_search_pattern($3)" \
    "        AND u.search_text ~ planmon_search_words($3))"
static const char list_sql[] =
    LIST_FILTERED "   AND ($4::smallint IS NULL OR (u.level, u.code) > ($4::smallint, $5::text))"
                  " ORDER BY u.level, u.code LIMIT $6::int";

/* ?sort= keys (admin_unit_sort_names), each ascending then descending; sorted, $4 is the code
 * and $5 the sort key of the cursor. A code sorts as a number. */
#define UNIT_SORTED(KEY) DB_SORTED_PAGES(LIST_FILTERED, KEY, "l.code", "$5", "$4::text", "$6")
static const char *const sorted_sql[] = {
    UNIT_SORTED(DB_NAME_KEY("l.name")),
    UNIT_SORTED("lpad(l.code, 10, '0')"),
};
const char *const admin_unit_sort_names[] = {"name", "code", NULL};
DB_SORTS_MATCH(sorted_sql, admin_unit_sort_names);

static const char count_sql[] = DB_COUNT(LIST_FILTERED, "$4::text, $5::text, $6::text");

/* $1 code $2 today */
static const char get_sql[] = UNIT_SELECT("$2::date") " WHERE u.code = $1";
static const char get_locked_sql[] = UNIT_SELECT("$2::date") " WHERE u.code = $1 FOR UPDATE OF u";

/* $1 code $2 parent: is the code taken, is the parent unknown, the parent's level. */
static const char check_sql[] =
    "SELECT EXISTS (SELECT 1 FROM admin_unit WHERE code = $1),"
    "       $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM admin_unit WHERE code = $2),"
    "       (SELECT level FROM admin_unit WHERE code = $2)";

static const char *const columns[] = {"code", "name", "type", "parent", "valid_from", "valid_to"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

/* The path is the trigger's; the level is one below the parent's. */
static const char insert_sql[] =
    "INSERT INTO admin_unit (code, name, type, level, parent, path, valid_from, valid_to)"
    " VALUES ($1, $2, $3, coalesce((SELECT level + 1 FROM admin_unit WHERE code = $4), 1), $4,"
    "         ARRAY[$1], $5::date, $6::date)";

/* name, type, valid_from, valid_to as $1..$4, $5 present fields, $6 effective date (a change
 * in law: the current name and type become a former one ending then), $7 code $8 version. */
static const char update_sql[] =
    "UPDATE admin_unit SET"
    "  name = CASE WHEN 'name' = ANY($5::text[]) THEN $1 ELSE name END,"
    "  type = CASE WHEN 'type' = ANY($5::text[]) THEN $2 ELSE type END,"
    "  valid_from = CASE WHEN 'valid_from' = ANY($5::text[]) THEN $3::date ELSE valid_from END,"
    "  valid_to = CASE WHEN 'valid_to' = ANY($5::text[]) THEN $4::date ELSE valid_to END,"
    "  former = CASE WHEN $6::date IS NULL THEN former ELSE former || jsonb_build_array("
    "      jsonb_build_object('name', name, 'type', type,"
    "                         'valid_from', coalesce(current_since, valid_from)::text,"
    "                         'valid_to', $6::date::text)) END,"
    "  current_since = coalesce($6::date, current_since),"
    "  version = version + 1, updated_at = now()"
    " WHERE code = $7 AND version = $8::int RETURNING code";

static const char *const sort_keys[] = {"level", "code"};

pm_status admin_unit_repo_list(PGconn *conn, const admin_unit_filter *filter,
                               const page_request *page, page_result *out, pm_error *err)
{
    static const char *const sorted_keys[] = {"code", "_sort"};
    char limit[16];
    if ((page->sort ? page_bind_sorted(page, false, limit, err)
                    : page_bind(page, 2, 2, limit, err)) != PM_OK)
        return PM_INVALID_PARAMETER;
    char level[8], today[11];
    snprintf(level, sizeof level, "%d", filter->level);
    clock_today_text(today);
    const char *params[] = {
        filter->level ? level : NULL, filter->parent, filter->q, page_after(page, 0),
        page_after(page, 1),          limit,          today,
    };
    pm_status st = page->sort
                       ? db_fetch_page(conn, sorted_sql[db_sorted_index(page)], 7, params, page,
                                       sorted_keys, 2, out, err)
                       : db_fetch_page(conn, list_sql, 7, params, page, sort_keys, 2, out, err);
    return st == PM_OK && page->count ? db_count(conn, count_sql, 7, params, out, err) : st;
}

pm_status admin_unit_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {code, today};
    return db_fetch_one(conn, get_sql, 2, params, MSG("There is no such administrative unit."), out,
                        err);
}

pm_status admin_unit_repo_get_locked(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {code, today};
    return db_fetch_one(conn, get_locked_sql, 2, params,
                        MSG("There is no such administrative unit."), out, err);
}

pm_status admin_unit_repo_check_new(PGconn *conn, const char *code, const char *parent, int *level,
                                    pm_error *err)
{
    const char *params[] = {code, parent};
    PGresult *res;
    pm_status st = db_exec(conn, check_sql, 2, params, &res, err);
    if (st != PM_OK)
        return st;
    *level = PQgetisnull(res, 0, 2) ? 1 : atoi(PQgetvalue(res, 0, 2)) + 1;
    if (PQgetvalue(res, 0, 0)[0] == 't')
        st = pm_fail_field(err, PM_CONFLICT, "code", "taken", MSG("A unit with this code exists."));
    else if (PQgetvalue(res, 0, 1)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "parent", "unknown",
                           MSG("parent names no administrative unit"));
    PQclear(res);
    return st;
}

/* A CHECK refused the dates (a race with another change), or a unique code lost to a race. */
static pm_status refusal(pm_status st, pm_error *err)
{
    if (st == PM_VALIDATION_FAILED) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "valid_to", "before_start",
                             MSG("valid_to must be after valid_from and current_since"));
    }
    if (st == PM_CONFLICT) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                             MSG("A unit with this code exists."));
    }
    return st;
}

pm_status admin_unit_repo_create(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    pm_status st = refusal(db_exec(conn, insert_sql, p.count, p.values, NULL, err), err);
    db_params_clear(&p);
    return st;
}

pm_status admin_unit_repo_update(PGconn *conn, const char *code, long long version,
                                 const json_t *fields, const char *effective, pm_error *err)
{
    static const char *const changeable[] = {"name", "type", "valid_from", "valid_to"};
    db_params p = {0};
    db_params_add_fields(&p, fields, changeable, 4);
    db_params_add_present(&p, fields, changeable, 4);
    db_params_add(&p, effective);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st =
        refusal(db_change_one(conn, update_sql, p.count, p.values,
                              MSG("The unit was changed meanwhile; read it again."), err),
                err);
    db_params_clear(&p);
    return st;
}

static const char seed_sql[] =
    "INSERT INTO admin_unit (code, name, type, level, parent, valid_from)"
    " VALUES ($1, $2, $3, $4::smallint, $5, $6::date)"
    " ON CONFLICT (code) DO NOTHING";

pm_status admin_unit_repo_seed(PGconn *conn, const char *code, const char *name, const char *type,
                               int level, const char *parent, const char *valid_from, int *added,
                               pm_error *err)
{
    char lvl[4];
    snprintf(lvl, sizeof lvl, "%d", level);
    const char *params[] = {code, name, type, lvl, parent, valid_from};
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, 6, params, &res, err);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

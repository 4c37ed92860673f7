/* admin_units_repo.c: administrative units (see admin_units_repo.h). */
#include "resources/admin_units_repo.h"

#include <stdio.h>

#include "db/query.h"

/* The unit's shape; `counts` are its current (not ended) descendants by level. */
#define UNIT_SELECT                                                                    \
    "SELECT u.code, u.name, u.type, u.level, u.parent, to_json(u.path) AS path,"       \
    "       u.valid_from::text AS valid_from, u.valid_to::text AS valid_to,"           \
    "       json_build_object('district', c.district, 'commune', c.commune) AS counts" \
    " FROM admin_unit u"                                                               \
    " CROSS JOIN LATERAL ("                                                            \
    "     SELECT count(*) FILTER (WHERE d.level = 2) AS district,"                     \
    "            count(*) FILTER (WHERE d.level = 3) AS commune"                       \
    "     FROM admin_unit d"                                                           \
    "     WHERE u.level < 3 AND d.path @> ARRAY[u.code] AND d.code <> u.code"          \
    "       AND (d.valid_to IS NULL OR d.valid_to > current_date)) c"

/* $1 level, $2 parent, $3 q, $4/$5 keyset after (level, code), $6 limit + 1. */
static const char list_sql[] =
    UNIT_SELECT " WHERE ($1::smallint IS NULL OR u.level = $1::smallint)"
                "   AND ($2::text IS NULL OR u.parent = $2)"
                "   AND ($3::text IS NULL OR u.search_text LIKE planmon_search_pattern($3)"
                "        AND u.search_text ~ planmon_search_words($3))"
                "   AND ($4::smallint IS NULL OR (u.level, u.code) > ($4::smallint, $5::text))"
                " ORDER BY u.level, u.code"
                " LIMIT $6::int";

static const char get_sql[] = UNIT_SELECT " WHERE u.code = $1";

static const char *const sort_keys[] = {"level", "code"};

pm_status admin_unit_repo_list(PGconn *conn, const admin_unit_filter *filter,
                               const page_request *page, page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 2, true, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    char level[8];
    snprintf(level, sizeof level, "%d", filter->level);
    const char *params[] = {
        filter->level ? level : NULL, filter->parent,      filter->q,
        page_after(page, 0),          page_after(page, 1), limit,
    };
    return db_fetch_page(conn, list_sql, 6, params, page, sort_keys, 2, out, err);
}

pm_status admin_unit_repo_get(PGconn *conn, const char *code, json_t **out, pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, get_sql, 1, params, "There is no such administrative unit.", out,
                        err);
}

/* names_repo.c: the names behind codes (see names_repo.h). */
#include "resources/names_repo.h"

#include <stdlib.h>

#include "db/query.h"

/* $1 the codes as a JSON array */
#define CODES_IN " WHERE code IN (SELECT jsonb_array_elements_text($1::jsonb))"

static const char agencies_sql[] = "SELECT code, name FROM agency" CODES_IN;
static const char units_sql[] = "SELECT code, name FROM admin_unit" CODES_IN;
static const char indicators_sql[] = "SELECT code, name FROM indicator" CODES_IN;

/* The rows (code, name) of `sql` for `codes` as {code: name}. */
static pm_status name_map(PGconn *conn, const char *sql, const json_t *codes, json_t **out,
                          pm_error *err)
{
    json_auto_t *strings = json_array(), *rows = NULL;
    size_t i;
    const json_t *code;
    json_array_foreach(codes, i, code)
    {
        if (json_is_string(code))
            json_array_append(strings, (json_t *)code);
    }
    char *text = json_dumps(strings, JSON_COMPACT);
    if (!text)
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    const char *params[] = {text};
    pm_status st = db_fetch_all(conn, sql, 1, params, &rows, err);
    free(text);
    if (st != PM_OK)
        return st;
    json_t *map = json_object();
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_object_set(map, json_string_value(json_object_get(row, "code")),
                        json_object_get(row, "name"));
    }
    *out = map;
    return PM_OK;
}

pm_status names_repo_agencies(PGconn *conn, const json_t *codes, json_t **out, pm_error *err)
{
    return name_map(conn, agencies_sql, codes, out, err);
}

pm_status names_repo_units(PGconn *conn, const json_t *codes, json_t **out, pm_error *err)
{
    return name_map(conn, units_sql, codes, out, err);
}

pm_status names_repo_indicators(PGconn *conn, const json_t *codes, json_t **out, pm_error *err)
{
    return name_map(conn, indicators_sql, codes, out, err);
}

/* documents_repo.c: legal documents (see documents_repo.h). */
#include "resources/documents_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"

const char *const document_types[] = {"luat",    "nghi_quyet", "nghi_dinh", "quyet_dinh",
                                      "chi_thi", "thong_tu",   "ke_hoach",  "cong_van",
                                      "other",   NULL};

#define DOCUMENT_SELECT                                                                      \
    "SELECT d.id, d.number, d.type, d.issuer, d.signer, d.issued::text AS issued,"           \
    "       d.effective::text AS effective, d.title, d.title_en, d.version,"                 \
    "       to_char(d.archived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " \
    "archived_at,"                                                                           \
    "       to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS "  \
    "created_at,"                                                                            \
    "       to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS "  \
    "updated_at"                                                                             \
    " FROM document d"

/* $1 type $2 q $3 include archived $4 after id $5 limit + 1 */
static const char list_sql[] =
    DOCUMENT_SELECT " WHERE ($1::text IS NULL OR d.type = $1)"
                    "   AND ($2::text IS NULL OR d.search_text LIKE planmon_search_pattern($2)"
                    "        AND d.search_text ~ planmon_search_words($2))"
                    "   AND ($3::boolean OR d.archived_at IS NULL)"
                    "   AND ($4::bigint IS NULL OR d.id > $4::bigint)"
                    " ORDER BY d.id LIMIT $5::int";

static const char get_sql[] = DOCUMENT_SELECT " WHERE d.id = $1::bigint";
static const char get_locked_sql[] = DOCUMENT_SELECT " WHERE d.id = $1::bigint FOR UPDATE";

/* Fields in this order: $1 number $2 type $3 issuer $4 signer $5 issued $6 effective $7 title
 * $8 title_en */
static const char *const columns[] = {"number", "type",      "issuer", "signer",
                                      "issued", "effective", "title",  "title_en"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static const char insert_sql[] =
    "INSERT INTO document (number, type, issuer, signer, issued, effective, title, title_en)"
    " VALUES ($1, $2, coalesce($3, ''), $4, $5::date, $6::date, $7, $8) RETURNING id";

static const char seed_sql[] =
    "INSERT INTO document (number, type, issuer, signer, issued, effective, title, title_en)"
    " VALUES ($1, $2, coalesce($3, ''), $4, $5::date, $6::date, $7, $8)"
    " ON CONFLICT (number) DO NOTHING";

/* A merge patch: $9 says which fields are present (an absent field keeps its value; a present
 * null clears it). $10 id $11 version. */
static const char update_sql[] =
    "UPDATE document SET"
    "  number = CASE WHEN 'number' = ANY($9::text[]) THEN $1 ELSE number END,"
    "  type = CASE WHEN 'type' = ANY($9::text[]) THEN $2 ELSE type END,"
    "  issuer = CASE WHEN 'issuer' = ANY($9::text[]) THEN coalesce($3, '') ELSE issuer END,"
    "  signer = CASE WHEN 'signer' = ANY($9::text[]) THEN $4 ELSE signer END,"
    "  issued = CASE WHEN 'issued' = ANY($9::text[]) THEN $5::date ELSE issued END,"
    "  effective = CASE WHEN 'effective' = ANY($9::text[]) THEN $6::date ELSE effective END,"
    "  title = CASE WHEN 'title' = ANY($9::text[]) THEN $7 ELSE title END,"
    "  title_en = CASE WHEN 'title_en' = ANY($9::text[]) THEN $8 ELSE title_en END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $10::bigint AND version = $11::int AND archived_at IS NULL RETURNING id";

static const char archive_sql[] =
    "UPDATE document SET archived_at = CASE WHEN $3::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int"
    "   AND (archived_at IS NULL) = $3::boolean RETURNING id";

static const char *const id_key[] = {"id"};

pm_status document_repo_list(PGconn *conn, const document_filter *f, const page_request *page,
                             page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {f->type, f->q, f->include_archived ? "true" : "false",
                            page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 5, params, page, id_key, 1, out, err);
}

pm_status document_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err)
{
    const char *params[] = {id};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 1, params,
                        MSG("There is no such document."), out, err);
}

/* The column values of `fields` as text parameters (NULL for absent or null). */
static void column_params(const json_t *fields, const char *params[NCOLUMNS])
{
    for (int i = 0; i < NCOLUMNS; i++)
        params[i] = json_string_value(json_object_get(fields, columns[i]));
}

/* Names the field a refusal of the database is about: a taken number (unique), or the one CHECK
 * the handler cannot see alone, effective before issued (with the stored date on a patch). */
static pm_status number_taken(pm_status st, const json_t *fields, pm_error *err)
{
    if (st == PM_VALIDATION_FAILED) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "effective", "before_issued",
                             MSG("effective must not be before issued"));
    }
    if (st != PM_CONFLICT)
        return st;
    pm_error_reset(err);
    return pm_fail_field(err, PM_CONFLICT, "number", "taken",
                         MSG("A document numbered %.64s exists."),
                         json_string_value(json_object_get(fields, "number")));
}

pm_status document_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err)
{
    const char *params[NCOLUMNS];
    column_params(fields, params);
    PGresult *res;
    pm_status st =
        number_taken(db_exec(conn, insert_sql, NCOLUMNS, params, &res, err), fields, err);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status document_repo_seed(PGconn *conn, const json_t *fields, int *added, pm_error *err)
{
    const char *params[NCOLUMNS];
    column_params(fields, params);
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, NCOLUMNS, params, &res, err);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

pm_status document_repo_update(PGconn *conn, const char *id, long long version,
                               const json_t *fields, pm_error *err)
{
    const char *params[NCOLUMNS + 3];
    column_params(fields, params);
    char present[256] = "{", ver[24];
    for (int i = 0; i < NCOLUMNS; i++)
        if (json_object_get(fields, columns[i]))
            snprintf(present + strlen(present), sizeof present - strlen(present), "%s%s",
                     present[1] ? "," : "", columns[i]);
    strcat(present, "}");
    snprintf(ver, sizeof ver, "%lld", version);
    params[NCOLUMNS] = present;
    params[NCOLUMNS + 1] = id;
    params[NCOLUMNS + 2] = ver;
    return number_taken(db_change_one(conn, update_sql, NCOLUMNS + 3, params,
                                      MSG("The document was changed meanwhile; read it again."),
                                      err),
                        fields, err);
}

pm_status document_repo_set_archived(PGconn *conn, const char *id, long long version, bool archive,
                                     pm_error *err)
{
    const char *keys[] = {id};
    return db_set_archived(conn, archive_sql, keys, 1, version, archive,
                           MSG("The document was changed meanwhile; read it again."), err);
}

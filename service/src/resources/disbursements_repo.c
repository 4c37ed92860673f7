/* disbursements_repo.c: spending on budget lines (see disbursements_repo.h). */
#include "resources/disbursements_repo.h"

#include "db/params.h"
#include "db/query.h"

#define UTC_TEXT(T) "to_char(" T " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define ENTRY_SELECT                                                                   \
    "SELECT d.id, d.line, d.amount, d.effective::text AS effective, d.voucher_number," \
    "       d.voucher_date::text AS voucher_date, d.description, d.evidence,"          \
    "       d.over_allocation, d.reason, d.corrects, d.agency, d.created_by,"          \
    "       " UTC_TEXT("d.created_at") " AS created_at"                                \
                                       " FROM disbursement d"

static const char *const columns[] = {"amount",          "effective",   "voucher_number",
                                      "voucher_date",    "description", "evidence",
                                      "over_allocation", "reason",      "corrects"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

/* $1..$9 the columns $10 line $11 agency $12 created_by */
static const char insert_sql[] =
    "INSERT INTO disbursement (amount, effective, voucher_number, voucher_date, description,"
    "                          evidence, over_allocation, reason, corrects, line, agency,"
    "                          created_by)"
    " VALUES ($1::bigint, $2::date, $3, $4::date, coalesce($5, ''),"
    "         coalesce($6::jsonb, '[]'::jsonb), coalesce($7::boolean, false), $8, $9::bigint,"
    "         $10::bigint, $11, $12)"
    " RETURNING id::text";

static const char corrects_sql[] =
    "SELECT EXISTS (SELECT 1 FROM disbursement WHERE id = $2::bigint AND line = $1::bigint)";

static const char get_sql[] = ENTRY_SELECT " WHERE d.line = $1::bigint AND d.id = $2::bigint";

/* $1 line $2 after id $3 limit + 1 */
static const char list_sql[] = ENTRY_SELECT " WHERE d.line = $1::bigint"
                                            "   AND ($2::bigint IS NULL OR d.id > $2::bigint)"
                                            " ORDER BY d.id LIMIT $3::int";

static const char *const id_key[] = {"id"};

pm_status disbursement_repo_create(PGconn *conn, const char *line, const json_t *fields,
                                   const char *agency, const char *created_by, char *id,
                                   pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    db_params_add(&p, line);
    db_params_add(&p, agency);
    db_params_add(&p, created_by);
    pm_status st = db_fetch_text(conn, insert_sql, p.count, p.values, NULL, id, 24, err);
    db_params_clear(&p);
    return st;
}

pm_status disbursement_repo_check_corrects(PGconn *conn, const char *line, const char *id,
                                           pm_error *err)
{
    const char *params[] = {line, id};
    char found[8];
    pm_status st = db_fetch_text(conn, corrects_sql, 2, params, NULL, found, sizeof found, err);
    if (st == PM_OK && found[0] != 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "corrects", "unknown",
                           MSG("corrects names no entry of this budget line"));
    return st;
}

pm_status disbursement_repo_get(PGconn *conn, const char *line, const char *id, json_t **out,
                                pm_error *err)
{
    const char *params[] = {line, id};
    return db_fetch_one(conn, get_sql, 2, params, MSG("The budget line has no such disbursement."),
                        out, err);
}

pm_status disbursement_repo_list(PGconn *conn, const char *line, const page_request *page,
                                 page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {line, page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 3, params, page, id_key, 1, out, err);
}

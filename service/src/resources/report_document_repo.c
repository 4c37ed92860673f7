/* report_document_repo.c: what a report's document reads (see report_document_repo.h). */
#include "resources/report_document_repo.h"

#include <stdlib.h>

#include "db/query.h"

/* A unit's name without its type: "Thành phố Long Xuyên" → "Long Xuyên". */
#define PLACE(u) \
    "regexp_replace(" u ".name, '^(Tỉnh|Thành phố|Thị xã|Huyện|Phường|Thị trấn|Xã) ', '')"

/* $1 agency or NULL $2 unit $3 plan: the issuer, its parent, its unit and where it sits (its own
 * unit, its parent's, else the province). */
static const char issuer_sql[] =
    "WITH chosen AS ("
    "  SELECT coalesce($1::text,"
    "                  (SELECT a.code FROM agency a JOIN admin_unit u ON u.code = a.unit"
    "                   WHERE a.kind = 'people_committee' AND a.unit = $2 AND u.level > 1),"
    "                  (SELECT p.lead_agency FROM plan p WHERE p.id = $3::bigint)) AS code)"
    " SELECT a.code, a.name, a.kind, coalesce(a.short_name, a.code) AS short_name,"
    "        p.name AS parent_name,"
    "        CASE WHEN a.kind = 'people_committee' THEN u.name END AS unit_name,"
    "        " PLACE(
        "w") " AS place,"
             "        (SELECT extract(year FROM p.period_start)::int FROM plan p WHERE p.id = "
             "$3::bigint)"
             "            AS plan_first_year"
             " FROM chosen c JOIN agency a ON a.code = c.code"
             " LEFT JOIN agency p ON p.code = a.parent"
             " LEFT JOIN admin_unit u ON u.code = a.unit"
             " JOIN admin_unit w ON w.code = coalesce(a.unit, p.unit,"
             "                                        (SELECT r.code FROM admin_unit r"
             "                                         WHERE r.level = 1 AND r.valid_to IS NULL"
             "                                         ORDER BY r.code LIMIT 1))";

static const char unit_names_sql[] = "SELECT coalesce(jsonb_object_agg(u.code, " PLACE(
    "u") "), '{}')::text FROM admin_unit u"
         " WHERE u.parent = $1 AND u.valid_to IS NULL";

static const char sections_sql[] = "SELECT code, title, kind FROM plan_section"
                                   " WHERE plan = $1::bigint AND archived_at IS NULL"
                                   " ORDER BY seq, id";

static const char recipients_sql[] =
    "SELECT coalesce(json_agg(r.name ORDER BY r.code), '[]')::text"
    " FROM agency r WHERE r.code IN (SELECT o.recipient FROM reporting_obligation o"
    "                                WHERE o.archived_at IS NULL AND o.period_type = $2"
    "                                  AND o.reporters @> jsonb_build_array($1::text))";

/* $1 plan $2 unit $3 day $4 moment */
static const char pilot_sites_sql[] =
    "SELECT t.code AS model_type, t.name AS model_name, s.name, d.name AS district,"
    "       planmon_site_status(s.id, $3::date, $4::timestamptz) AS status"
    " FROM pilot_site s JOIN pilot_model_type t ON t.code = s.model_type"
    " JOIN admin_unit d ON d.code = s.district"
    " WHERE (t.task IS NULL OR EXISTS (SELECT 1 FROM task k WHERE k.id = t.task"
    "                                                      AND k.plan = $1::bigint))"
    "   AND s.created_at <= $4::timestamptz"
    "   AND (s.archived_at IS NULL OR s.archived_at > $4::timestamptz)"
    "   AND (d.code = $2 OR d.parent = $2)"
    " ORDER BY t.code, d.code, s.name, s.id";

pm_status report_doc_repo_issuer(PGconn *conn, const char *agency, const char *unit,
                                 const char *plan, json_t **out, pm_error *err)
{
    const char *params[] = {agency, unit, plan};
    pm_status st =
        db_fetch_one(conn, issuer_sql, 3, params, MSG("agency names no agency"), out, err);
    if (st != PM_NOT_FOUND)
        return st;
    pm_error_reset(err);
    return pm_fail_field(err, PM_INVALID_PARAMETER, "agency", "unknown",
                         agency ? MSG("agency names no agency")
                                : MSG("No agency issues this report by default: name one with "
                                      "agency=CODE."));
}

/* The one text value of `sql` with `params`, parsed as JSON into *out (new). */
static pm_status fetch_json(PGconn *conn, const char *sql, int n, const char *const *params,
                            json_t **out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, n, params, &res, err);
    if (st != PM_OK)
        return st;
    *out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    return *out ? PM_OK : pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
}

pm_status report_doc_repo_unit_names(PGconn *conn, const char *parent, json_t **out, pm_error *err)
{
    const char *params[] = {parent};
    return fetch_json(conn, unit_names_sql, 1, params, out, err);
}

pm_status report_doc_repo_sections(PGconn *conn, const char *plan, json_t **out, pm_error *err)
{
    const char *params[] = {plan};
    return db_fetch_all(conn, sections_sql, 1, params, out, err);
}

pm_status report_doc_repo_recipients(PGconn *conn, const char *agency, const char *period_type,
                                     json_t **out, pm_error *err)
{
    const char *params[] = {agency, period_type};
    return fetch_json(conn, recipients_sql, 2, params, out, err);
}

pm_status report_doc_repo_pilot_sites(PGconn *conn, const char *plan, const char *unit,
                                      const char *day, const char *moment, json_t **out,
                                      pm_error *err)
{
    const char *params[] = {plan, unit, day, moment};
    return db_fetch_all(conn, pilot_sites_sql, 4, params, out, err);
}

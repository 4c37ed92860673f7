/* measurements_repo.c: measurements, their workflow and imports (see measurements_repo.h). */
#include "resources/measurements_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"
#include "domain/clock.h"

const char *const measurement_statuses[] = {"draft", "submitted", "approved", NULL};

/* The value as the API shows it: true, 3, "text" or {"numerator", "denominator"}. */
#define VALUE_JSON                                                   \
    "CASE WHEN m.value_bool IS NOT NULL THEN to_jsonb(m.value_bool)" \
    "     WHEN m.value_num IS NOT NULL THEN to_jsonb(m.value_num)"   \
    "     WHEN m.value_text IS NOT NULL THEN to_jsonb(m.value_text)" \
    "     ELSE jsonb_build_object('numerator', m.numerator, 'denominator', m.denominator) END"

#define MEASUREMENT_COLUMNS                                                                \
    "m.id, m.indicator, m.unit, m.period, " VALUE_JSON " AS value, m.comment, m.evidence," \
    " m.status, m.review_note, m.entered_by, m.agency, m.reviewed_by, m.version,"          \
    " planmon_utc(m.created_at) AS created_at, planmon_utc(m.updated_at) AS updated_at,"   \
    " m.late_entry"

#define MEASUREMENT_FROM                                           \
    " FROM measurement m JOIN indicator i ON i.code = m.indicator" \
    " JOIN admin_unit u ON u.code = m.unit"

/* Agency `a` (a parameter, "$1") has unit u in its scope for indicator i. */
#define IN_SCOPE_OF(a)                                        \
    "coalesce(planmon_in_scope(u.path, i.reporting_agencies," \
    "                          (SELECT planmon_scope_unit(" a ")), " a "), false)"

/* The viewer ($1 agency, $2 sees all, $3 sees its scope) is in scope of the row. */
#define IN_SCOPE IN_SCOPE_OF("$1")

#define VISIBLE                                                                     \
    "planmon_measurement_visible(m.status, u.path, i.reporting_agencies,"           \
    "                            (SELECT planmon_scope_unit($1)), $1, $2::boolean," \
    "                            $3::boolean)"

/* $1-$3 viewer, $4 indicator $5 unit $6 period $7 status $8 agency $9 updated since
 * $10 after id $11 limit + 1 ($12 the cursor's sort key: sorted_sql). `_start` (hidden from the
 * items) sorts by period. */
#define LIST_FILTERED                                                                             \
    "SELECT " MEASUREMENT_COLUMNS ", m.period_start AS _start" MEASUREMENT_FROM " WHERE " VISIBLE \
    "   AND ($4::text IS NULL OR m.indicator = $4) AND ($5::text IS NULL OR m.unit = $5)"         \
    "   AND ($6::text IS NULL OR m.period = $6) AND ($7::text IS NULL OR m.status = $7)"          \
    "   AND ($8::text IS NULL OR m.agency = $8)"                                                  \
    "   AND ($9::timestamptz IS NULL OR m.updated_at >= $9::timestamptz)"

static const char list_sql[] =
    LIST_FILTERED " AND ($10::bigint IS NULL OR m.id > $10::bigint) ORDER BY m.id LIMIT $11::int";

/* ?sort= keys (measurement_sort_names), each ascending then descending: a period by its first
 * day, a unit by its code as a number, statuses in the order of review. */
#define MEASUREMENT_SORTED(KEY) \
    DB_SORTED_PAGES(LIST_FILTERED, KEY, "l.id", "$12", "$10::bigint", "$11")
static const char *const sorted_sql[] = {
    MEASUREMENT_SORTED("l._start::text"),
    MEASUREMENT_SORTED("lpad(l.unit, 5, '0')"),
    MEASUREMENT_SORTED("array_position(ARRAY['draft', 'submitted', 'approved'], l.status)::text"),
    MEASUREMENT_SORTED("l.updated_at"),
};
const char *const measurement_sort_names[] = {"period", "unit", "status", "updated", NULL};
DB_SORTS_MATCH(sorted_sql, measurement_sort_names);

static const char count_sql[] = DB_COUNT(LIST_FILTERED, "$10::text, $11::text, $12::text");

#define GET_SELECT                                                                    \
    "SELECT " MEASUREMENT_COLUMNS ", u.parent AS unit_parent, u.level AS unit_level," \
    " " IN_SCOPE " AS in_scope, planmon_level(i.level) AS indicator_level,"           \
    " (SELECT planmon_scope_unit($1)) AS viewer_unit, i.value_type" MEASUREMENT_FROM  \
    " WHERE m.id = $4::bigint AND " VISIBLE

static const char get_sql[] = GET_SELECT;
static const char get_locked_sql[] = GET_SELECT " FOR UPDATE OF m";

/* $1 indicator $2 unit $3 period end $4 agency $5 period start $6 today */
static const char context_sql[] =
    "SELECT i.code IS NOT NULL AND i.archived_at IS NULL AS indicator_known,"
    "       $5::date <= $6::date AS period_started,"
    "       planmon_level(i.level) AS level, i.period_type, i.value_type, i.rollup,"
    "       u.code IS NOT NULL AS unit_known, u.level AS unit_level,"
    "       u.code IS NOT NULL AND u.valid_from <= $3::date"
    "           AND (u.valid_to IS NULL OR u.valid_to > $3::date) AS unit_exists,"
    "       coalesce(planmon_in_scope(u.path, i.reporting_agencies,"
    "                (SELECT planmon_scope_unit($4)), $4), false) AS in_scope"
    " FROM (SELECT 1) AS one LEFT JOIN indicator i ON i.code = $1"
    " LEFT JOIN admin_unit u ON u.code = $2";

/* $1 the rows, $2 agency $3 today */
static const char classify_sql[] =
    "SELECT r.i, i.code IS NOT NULL AND i.archived_at IS NULL AS indicator_known,"
    "       r.period_start <= $3::date AS period_started,"
    "       planmon_level(i.level) AS level, i.period_type, i.value_type, i.rollup,"
    "       u.code IS NOT NULL AS unit_known, u.level AS unit_level,"
    "       u.code IS NOT NULL AND r.period_end IS NOT NULL AND u.valid_from <= r.period_end"
    "           AND (u.valid_to IS NULL OR u.valid_to > r.period_end) AS unit_exists,"
    "       coalesce(planmon_in_scope(u.path, i.reporting_agencies, (SELECT "
    "planmon_scope_unit($2)),"
    "                                 $2), false) AS in_scope,"
    "       m.status, m.value_bool, m.value_num, m.value_text, m.numerator, m.denominator,"
    "       m.comment"
    " FROM jsonb_to_recordset($1::jsonb) AS r (i int, indicator text, unit text, period text,"
    "      period_start date, period_end date)"
    " LEFT JOIN indicator i ON i.code = r.indicator LEFT JOIN admin_unit u ON u.code = r.unit"
    " LEFT JOIN measurement m ON m.indicator = r.indicator AND m.unit = r.unit"
    "      AND m.period = r.period"
    " ORDER BY r.i";

static const char *const row_columns[] = {"indicator",  "unit",        "period",    "period_start",
                                          "period_end", "value_bool",  "value_num", "value_text",
                                          "numerator",  "denominator", "comment",   "evidence",
                                          "late_entry"};
enum { NROW_COLUMNS = sizeof row_columns / sizeof row_columns[0] };

/* The row columns as $1..$13, $14 user $15 agency */
static const char insert_sql[] =
    "INSERT INTO measurement (indicator, unit, period, period_start, period_end, value_bool,"
    "                         value_num, value_text, numerator, denominator, comment, evidence,"
    "                         late_entry, entered_by, agency)"
    " VALUES ($1, $2, $3, $4::date, $5::date, $6::boolean, $7::numeric, $8, $9::numeric,"
    "         $10::numeric, $11, coalesce($12::jsonb, '[]'), coalesce($13::boolean, false), $14,"
    "         $15) ON CONFLICT (indicator, unit, period) DO NOTHING RETURNING id";

/* $1 indicator $2 unit $3 period: the measurement an insert collided with. */
static const char existing_sql[] =
    "SELECT id FROM measurement WHERE indicator = $1 AND unit = $2 AND period = $3";

/* $1..$5 value fields, $6 comment $7 evidence, $8 present fields, $9 id $10 version, $11 whether
 * a new value is a late entry. A change returns a submitted value to draft. */
static const char update_sql[] =
    "UPDATE measurement SET"
    "  value_bool = CASE WHEN 'value' = ANY($8::text[]) THEN $1::boolean ELSE value_bool END,"
    "  value_num = CASE WHEN 'value' = ANY($8::text[]) THEN $2::numeric ELSE value_num END,"
    "  value_text = CASE WHEN 'value' = ANY($8::text[]) THEN $3 ELSE value_text END,"
    "  numerator = CASE WHEN 'value' = ANY($8::text[]) THEN $4::numeric ELSE numerator END,"
    "  denominator = CASE WHEN 'value' = ANY($8::text[]) THEN $5::numeric ELSE denominator END,"
    "  comment = CASE WHEN 'comment' = ANY($8::text[]) THEN $6 ELSE comment END,"
    "  evidence = CASE WHEN 'evidence' = ANY($8::text[]) THEN coalesce($7::jsonb, '[]')"
    "             ELSE evidence END,"
    "  late_entry = CASE WHEN 'value' = ANY($8::text[]) THEN $11::boolean ELSE late_entry END,"
    "  status = 'draft', version = version + 1, updated_at = now()"
    " WHERE id = $9::bigint AND version = $10::int AND status <> 'approved' RETURNING id";

/* $1 id $2 version $3 from $4 to $5 reviewer $6 note */
static const char transition_sql[] =
    "UPDATE measurement SET status = $4, reviewed_by = coalesce($5, reviewed_by),"
    "       review_note = $6, version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int AND status = $3 RETURNING id";

/* $1 the prepared rows $2 user $3 agency */
static const char import_sql[] =
    "INSERT INTO measurement (indicator, unit, period, period_start, period_end, value_bool,"
    "                         value_num, value_text, numerator, denominator, comment,"
    "                         late_entry, entered_by, agency)"
    " SELECT r.indicator, r.unit, r.period, r.period_start, r.period_end, r.value_bool,"
    "        r.value_num, r.value_text, r.numerator, r.denominator, r.comment,"
    "        coalesce(r.late_entry, false), $2, $3"
    " FROM jsonb_to_recordset($1::jsonb) AS r (indicator text, unit text, period text,"
    "      period_start date, period_end date, value_bool boolean, value_num numeric,"
    "      value_text text, numerator numeric, denominator numeric, comment text,"
    "      late_entry boolean)"
    " ON CONFLICT (indicator, unit, period) DO UPDATE SET"
    "   value_bool = EXCLUDED.value_bool, value_num = EXCLUDED.value_num,"
    "   value_text = EXCLUDED.value_text, numerator = EXCLUDED.numerator,"
    "   denominator = EXCLUDED.denominator, comment = EXCLUDED.comment,"
    "   late_entry = EXCLUDED.late_entry,"
    "   entered_by = EXCLUDED.entered_by, agency = EXCLUDED.agency, status = 'draft',"
    "   version = measurement.version + 1, updated_at = now()"
    " WHERE measurement.status <> 'approved'"
    " RETURNING id";

/* $1 'statement' while the import's INSERT runs, '' after it: its rows are audited by the
 * statement triggers, all at once (migration 0026), rather than one row trigger call each. */
static const char audit_by_statement_sql[] = "SELECT set_config('planmon.audit', $1, true)";

/* $1 username $2 agency $3 format $4 summary $5 the measurements' ids (a JSON array) */
static const char record_import_sql[] =
    "INSERT INTO measurement_import (username, agency, format, summary, measurements)"
    " SELECT $1, $2, $3, $4::jsonb, coalesce(array_agg(e::bigint ORDER BY n), '{}')"
    " FROM jsonb_array_elements_text($5::jsonb) WITH ORDINALITY AS x (e, n)"
    " RETURNING id";

static const char get_import_sql[] =
    "SELECT id, username, agency, format, summary, to_jsonb(measurements) AS measurements,"
    "       planmon_utc(created_at) AS created_at"
    " FROM measurement_import WHERE id = $1::bigint";

static const char *const id_key[] = {"id"};
static const char stale[] = MSG("The measurement was changed meanwhile; read it again.");

static void add_viewer(db_params *p, const measure_viewer *v)
{
    db_params_add(p, v->agency);
    db_params_add(p, v->see_all ? "true" : "false");
    db_params_add(p, v->see_scope ? "true" : "false");
}

pm_status measurement_repo_list(PGconn *conn, const measure_viewer *viewer,
                                const measurement_filter *f, const page_request *page,
                                page_result *out, pm_error *err)
{
    static const char *const sorted_keys[] = {"id", "_sort"};
    char limit[16];
    if ((page->sort ? page_bind_sorted(page, true, limit, err) : page_bind(page, 1, 1, limit, err)))
        return PM_INVALID_PARAMETER;
    db_params p = {0};
    add_viewer(&p, viewer);
    const char *filters[] = {f->indicator,        f->unit,   f->period,
                             f->status,           f->agency, f->updated_since,
                             page_after(page, 0), limit,     page_after(page, 1)};
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        db_params_add(&p, filters[i]);
    pm_status st = page->sort ? db_fetch_page(conn, sorted_sql[db_sorted_index(page)], p.count,
                                              p.values, page, sorted_keys, 2, out, err)
                              : db_fetch_page(conn, list_sql, p.count - 1, p.values, page, id_key,
                                              1, out, err);
    if (st == PM_OK && page->count)
        st = db_count(conn, count_sql, p.count, p.values, out, err);
    db_params_clear(&p);
    return st;
}

pm_status measurement_repo_get(PGconn *conn, const measure_viewer *viewer, const char *id,
                               bool lock, json_t **out, pm_error *err)
{
    db_params p = {0};
    add_viewer(&p, viewer);
    db_params_add(&p, id);
    pm_status st = db_fetch_one(conn, lock ? get_locked_sql : get_sql, p.count, p.values,
                                MSG("There is no such measurement."), out, err);
    db_params_clear(&p);
    return st;
}

pm_status measurement_repo_context(PGconn *conn, const char *indicator, const char *unit,
                                   const char *period_start, const char *period_end,
                                   const char *agency, json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {indicator, unit, period_end, agency, period_start, today};
    return db_fetch_one(conn, context_sql, 6, params, MSG("The request could not be completed."),
                        out, err);
}

pm_status measurement_repo_create(PGconn *conn, const json_t *row, const char *username,
                                  const char *agency, char *id_out, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, row, row_columns, NROW_COLUMNS);
    db_params_add(&p, username);
    db_params_add(&p, agency);
    PGresult *res;
    pm_status st = db_exec(conn, insert_sql, p.count, p.values, &res, err);
    if (st == PM_OK && PQntuples(res) == 0) { /* the unit's period has its measurement */
        PQclear(res);
        st = db_exec(conn, existing_sql, 3, p.values, &res, err);
        if (st == PM_OK && PQntuples(res) == 1)
            snprintf(err->existing, sizeof err->existing, "/v1/measurements/%s",
                     PQgetvalue(res, 0, 0));
        if (st == PM_OK) {
            PQclear(res);
            st = pm_fail(err, PM_CONFLICT,
                         MSG("This indicator has a measurement for this unit and period; change "
                             "that one instead."));
        }
    } else if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    db_params_clear(&p);
    return st;
}

pm_status measurement_repo_update(PGconn *conn, const char *id, long long version,
                                  const json_t *row, const json_t *present, pm_error *err)
{
    static const char *const patchable[] = {"value", "comment", "evidence"};
    db_params p = {0};
    db_params_add_fields(&p, row, row_columns + 5, 7); /* value fields, comment, evidence */
    db_params_add_present(&p, present, patchable, 3);
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    db_params_add_fields(&p, row, row_columns + 12, 1); /* late_entry */
    pm_status st = db_change_one(conn, update_sql, p.count, p.values, stale, err);
    db_params_clear(&p);
    return st;
}

pm_status measurement_repo_transition(PGconn *conn, const char *id, long long version,
                                      const char *from, const char *to, const char *reviewer,
                                      const char *note, pm_error *err)
{
    db_params p = {0};
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    db_params_add(&p, from);
    db_params_add(&p, to);
    db_params_add(&p, reviewer);
    db_params_add(&p, note);
    pm_status st = db_change_one(conn, transition_sql, p.count, p.values, stale, err);
    db_params_clear(&p);
    return st;
}

pm_status measurement_repo_classify(PGconn *conn, const json_t *rows, const char *agency,
                                    json_t **out, pm_error *err)
{
    char *text = json_dumps(rows, JSON_COMPACT);
    if (!text)
        return pm_fail(err, PM_INTERNAL, MSG("The import could not be prepared."));
    char today[11];
    clock_today_text(today);
    const char *params[] = {text, agency, today};
    pm_status st = db_fetch_all(conn, classify_sql, 3, params, out, err);
    free(text);
    return st;
}

/* Sets how the transaction's measurement writes are audited from now on: "statement" (all the
 * rows of a statement at once) or "" (row by row). */
static pm_status audit_by(PGconn *conn, const char *how, pm_error *err)
{
    const char *params[] = {how};
    return db_exec(conn, audit_by_statement_sql, 1, params, NULL, err);
}

pm_status measurement_repo_import(PGconn *conn, const json_t *rows, const char *username,
                                  const char *agency, json_t *ids, pm_error *err)
{
    char *text = json_dumps(rows, JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!text)
        return pm_fail(err, PM_INTERNAL, MSG("The import could not be prepared."));
    PGresult *res = NULL;
    pm_status st = audit_by(conn, "statement", err);
    if (st == PM_OK) {
        const char *params[] = {text, username, agency};
        st = db_exec(conn, import_sql, 3, params, &res, err);
    }
    if (st == PM_OK)
        st = audit_by(conn, "", err);
    free(text);
    if (st != PM_OK) {
        PQclear(res);
        return st;
    }
    if ((size_t)PQntuples(res) != json_array_size(rows))
        st = pm_fail(err, PM_CONFLICT,
                     MSG("Some measurements were approved while the import ran; import again."));
    for (int i = 0; st == PM_OK && i < PQntuples(res); i++)
        json_array_append_new(ids, json_integer(atoll(PQgetvalue(res, i, 0))));
    PQclear(res);
    return st;
}

pm_status measurement_repo_record_import(PGconn *conn, const char *username, const char *agency,
                                         const char *format, const json_t *summary,
                                         const json_t *ids, char id_out[24], pm_error *err)
{
    char *summary_text = json_dumps(summary, JSON_COMPACT);
    char *ids_text = json_dumps(ids, JSON_COMPACT);
    pm_status st = PM_INTERNAL;
    if (summary_text && ids_text) {
        const char *params[] = {username, agency, format, summary_text, ids_text};
        st = db_fetch_text(conn, record_import_sql, 5, params,
                           MSG("The import could not be prepared."), id_out, 24, err);
    } else {
        pm_fail(err, PM_INTERNAL, MSG("The import could not be prepared."));
    }
    free(summary_text);
    free(ids_text);
    return st;
}

pm_status measurement_repo_get_import(PGconn *conn, const char *id, json_t **out, pm_error *err)
{
    const char *params[] = {id};
    return db_fetch_one(conn, get_import_sql, 1, params, MSG("There is no such import."), out, err);
}

/* $1 indicator $2 period $3 the period's last day $4 agency $5 sees every unit $6 unit or NULL:
 * the units at the indicator's level that exist on $3, in the agency's scope (or every one),
 * below $6, each with the measurement it has for $2. */
static const char template_sql[] =
    "SELECT i.code AS indicator, i.name AS indicator_name, u.code AS unit, u.name AS unit_name,"
    "       $2::text AS period, CASE WHEN m.id IS NOT NULL THEN " VALUE_JSON " END AS value,"
    "       m.comment, m.status"
    " FROM indicator i"
    " JOIN admin_unit u ON u.level = planmon_level(i.level)"
    "  AND u.valid_from <= $3::date AND (u.valid_to IS NULL OR u.valid_to > $3::date)"
    " LEFT JOIN measurement m ON m.indicator = i.code AND m.unit = u.code AND m.period = $2"
    " WHERE i.code = $1"
    "   AND ($6::text IS NULL OR u.path @> ARRAY[$6::text])"
    "   AND ($5::boolean OR " IN_SCOPE_OF("$4") ")"
                                                " ORDER BY u.code";

pm_status measurement_repo_template(PGconn *conn, const char *indicator, const char *period_id,
                                    const char *period_end, const char *agency, bool see_all,
                                    const char *unit, json_t **out, pm_error *err)
{
    const char *params[] = {indicator, period_id, period_end, agency, see_all ? "true" : "false",
                            unit};
    return db_fetch_all(conn, template_sql, 6, params, out, err);
}

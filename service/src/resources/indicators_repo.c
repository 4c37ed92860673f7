/* indicators_repo.c: indicators and targets (see indicators_repo.h). */
#include "resources/indicators_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"

const char *const indicator_levels[] = {"commune", "district", "province", NULL};
const char *const indicator_value_types[] = {"boolean",    "count", "number",
                                             "percentage", "text",  NULL};
const char *const indicator_directions[] = {"increase", "decrease", "none", NULL};
const char *const indicator_rollups[] = {
    "share", "sum", "latest", "periods_meeting_threshold", "pilot_registry", "none", NULL};
const char *const target_operators[] = {">=", "<=", "=", NULL};
const char *const target_roundings[] = {"ceil", "floor", "round", "exact", NULL};

#define INDICATOR_SELECT                                                                       \
    "SELECT i.code, i.name, i.name_en, i.source_clause, i.description, i.plan, i.level,"       \
    "       i.period_type, i.value_type, i.direction, i.rollup, i.threshold,"                  \
    "       i.pilot_model_type, i.reporting_agencies, i.source, i.note, i.version,"            \
    "       planmon_utc(i.created_at) AS created_at, planmon_utc(i.updated_at) AS updated_at," \
    "       planmon_utc(i.archived_at) AS archived_at"                                         \
    " FROM indicator i"

/* $1 level $2 agency $3 q $4 include archived $5 after code $6 limit + 1 */
static const char list_sql[] = INDICATOR_SELECT
    " WHERE ($1::text IS NULL OR i.level = $1)"
    "   AND ($2::text IS NULL OR i.reporting_agencies @> jsonb_build_array($2::text))"
    "   AND ($3::text IS NULL OR i.search_text LIKE planmon_search_pattern($3)"
    "        AND i.search_text ~ planmon_search_words($3))"
    "   AND ($4::boolean OR i.archived_at IS NULL)"
    "   AND ($5::text IS NULL OR i.code > $5)"
    " ORDER BY i.code LIMIT $6::int";

static const char get_sql[] = INDICATOR_SELECT " WHERE i.code = $1";
static const char get_locked_sql[] = INDICATOR_SELECT " WHERE i.code = $1 FOR UPDATE";

/* $1 plan $2 reporting agencies $3 pilot model type: is the plan unknown, which agencies
 * (indexes) are, is the model type unknown. */
static const char references_sql[] =
    "SELECT $1::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan WHERE id = $1::bigint)"
    "         AS plan,"
    "       (SELECT coalesce(array_agg(n - 1 ORDER BY n), '{}')"
    "        FROM jsonb_array_elements_text(coalesce($2::jsonb, '[]')) WITH ORDINALITY AS a (c, n)"
    "        WHERE NOT EXISTS (SELECT 1 FROM agency WHERE code = c))::text AS reporting_agencies,"
    "       $3::text IS NOT NULL"
    "         AND NOT EXISTS (SELECT 1 FROM pilot_model_type WHERE code = $3::text)"
    "         AS pilot_model_type";
static const db_reference references[] = {
    {"plan", "plan", NULL, "unknown", MSG("names no plan")},
    {"reporting_agencies", "reporting_agencies", "", "unknown", MSG("names no agency")},
    {"pilot_model_type", "pilot_model_type", NULL, "unknown", MSG("names no pilot model type")},
};

static const char *const columns[] = {
    "code",   "name",      "name_en",          "source_clause",      "description",
    "plan",   "level",     "period_type",      "value_type",         "direction",
    "rollup", "threshold", "pilot_model_type", "reporting_agencies", "source",
    "note"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

#define INDICATOR_INSERT                                                                      \
    "INSERT INTO indicator (code, name, name_en, source_clause, description, plan, level,"    \
    "                       period_type, value_type, direction, rollup, threshold,"           \
    "                       pilot_model_type, reporting_agencies, source, note)"              \
    " VALUES ($1, $2, $3, $4, coalesce($5, ''), $6::bigint, $7, $8, $9,"                      \
    "         coalesce($10, 'increase'), $11, $12::numeric, $13, coalesce($14::jsonb, '[]')," \
    "         coalesce($15, 'text'), $16)"

static const char insert_sql[] = INDICATOR_INSERT;
/* An indicator that exists keeps what it has, but receives the seed's provenance where it has
 * none (a database seeded before migration 0019). */
static const char seed_sql[] =
    INDICATOR_INSERT " ON CONFLICT (code) DO UPDATE SET source = excluded.source,"
                     " note = excluded.note"
                     " WHERE indicator.note IS NULL AND indicator.source = 'text'"
                     "   AND (excluded.note IS NOT NULL OR excluded.source <> 'text')";

/* The columns but code as $1..$15, $16 present fields, $17 code $18 version. */
static const char update_sql[] =
    "UPDATE indicator SET"
    "  name = CASE WHEN 'name' = ANY($16::text[]) THEN $1 ELSE name END,"
    "  name_en = CASE WHEN 'name_en' = ANY($16::text[]) THEN $2 ELSE name_en END,"
    "  source_clause = CASE WHEN 'source_clause' = ANY($16::text[]) THEN $3"
    "                  ELSE source_clause END,"
    "  description = CASE WHEN 'description' = ANY($16::text[]) THEN coalesce($4, '')"
    "                ELSE description END,"
    "  plan = CASE WHEN 'plan' = ANY($16::text[]) THEN $5::bigint ELSE plan END,"
    "  level = CASE WHEN 'level' = ANY($16::text[]) THEN $6 ELSE level END,"
    "  period_type = CASE WHEN 'period_type' = ANY($16::text[]) THEN $7 ELSE period_type END,"
    "  value_type = CASE WHEN 'value_type' = ANY($16::text[]) THEN $8 ELSE value_type END,"
    "  direction = CASE WHEN 'direction' = ANY($16::text[]) THEN $9 ELSE direction END,"
    "  rollup = CASE WHEN 'rollup' = ANY($16::text[]) THEN $10 ELSE rollup END,"
    "  threshold = CASE WHEN 'threshold' = ANY($16::text[]) THEN $11::numeric ELSE threshold END,"
    "  pilot_model_type = CASE WHEN 'pilot_model_type' = ANY($16::text[]) THEN $12"
    "                     ELSE pilot_model_type END,"
    "  reporting_agencies = CASE WHEN 'reporting_agencies' = ANY($16::text[])"
    "                       THEN coalesce($13::jsonb, '[]') ELSE reporting_agencies END,"
    "  source = CASE WHEN 'source' = ANY($16::text[]) THEN coalesce($14, 'text') ELSE source END,"
    "  note = CASE WHEN 'note' = ANY($16::text[]) THEN $15 ELSE note END,"
    "  version = version + 1, updated_at = now()"
    " WHERE code = $17 AND version = $18::int AND archived_at IS NULL RETURNING code";

static const char archive_sql[] =
    "UPDATE indicator SET archived_at = CASE WHEN $3::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE code = $1 AND version = $2::int AND (archived_at IS NULL) = $3::boolean"
    " RETURNING code";

#define TARGET_SELECT                                                                          \
    "SELECT t.id, t.indicator, t.period, t.applies_from, t.applies_to, t.operator, t.value,"   \
    "       t.unit_of_measure, t.scope_unit, t.baseline, t.rounding, t.note, t.version,"       \
    "       planmon_utc(t.created_at) AS created_at, planmon_utc(t.updated_at) AS updated_at," \
    "       planmon_utc(t.archived_at) AS archived_at"                                         \
    " FROM indicator_target t"

/* $1 indicator $2 include archived $3 after id $4 limit + 1 */
static const char target_list_sql[] =
    TARGET_SELECT " WHERE t.indicator = $1 AND ($2::boolean OR t.archived_at IS NULL)"
                  "   AND ($3::bigint IS NULL OR t.id > $3::bigint)"
                  " ORDER BY t.id LIMIT $4::int";
static const char target_all_sql[] =
    TARGET_SELECT " WHERE t.indicator = $1 AND t.archived_at IS NULL ORDER BY t.id";
static const char target_get_sql[] = TARGET_SELECT " WHERE t.indicator = $1 AND t.id = $2::bigint";
static const char target_get_locked_sql[] =
    TARGET_SELECT " WHERE t.indicator = $1 AND t.id = $2::bigint FOR UPDATE";

static const char *const target_columns[] = {
    "period",          "applies_from", "applies_to", "operator", "value",
    "unit_of_measure", "scope_unit",   "baseline",   "rounding", "note"};
enum { NTARGET_COLUMNS = sizeof target_columns / sizeof target_columns[0] };

/* $1 indicator, the target columns as $2..$11 */
static const char target_insert_sql[] =
    "INSERT INTO indicator_target (indicator, period, applies_from, applies_to, operator, value,"
    "                              unit_of_measure, scope_unit, baseline, rounding, note)"
    " VALUES ($1, $2, $3::int, $4::int, $5, $6::numeric, $7, $8, $9::numeric,"
    "         coalesce($10, 'exact'), $11) RETURNING id";

/* $1 indicator $2 the seed file's targets: inserted only when the indicator has none. */
static const char target_seed_sql[] =
    "INSERT INTO indicator_target (indicator, period, applies_from, applies_to, operator, value,"
    "                              unit_of_measure, scope_unit, baseline, rounding, note)"
    " SELECT $1, t.period, t.applies_from, t.applies_to, t.operator, t.value, t.unit,"
    "        t.scope_unit, t.baseline, coalesce(t.rounding, 'exact'), t.note"
    " FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (period text, applies_from int,"
    "      applies_to int, operator text, value numeric, unit text, scope_unit text,"
    "      baseline numeric, rounding text, note text)) WITH ORDINALITY AS t (period,"
    "      applies_from, applies_to, operator, value, unit, scope_unit, baseline, rounding, note,"
    "      n)"
    " WHERE NOT EXISTS (SELECT 1 FROM indicator_target WHERE indicator = $1)"
    " ORDER BY t.n";

/* The target columns as $1..$10, $11 present fields, $12 indicator $13 id $14 version. */
static const char target_update_sql[] =
    "UPDATE indicator_target SET"
    "  period = CASE WHEN 'period' = ANY($11::text[]) THEN $1 ELSE period END,"
    "  applies_from = CASE WHEN 'applies_from' = ANY($11::text[]) THEN $2::int"
    "                 ELSE applies_from END,"
    "  applies_to = CASE WHEN 'applies_to' = ANY($11::text[]) THEN $3::int ELSE applies_to END,"
    "  operator = CASE WHEN 'operator' = ANY($11::text[]) THEN $4 ELSE operator END,"
    "  value = CASE WHEN 'value' = ANY($11::text[]) THEN $5::numeric ELSE value END,"
    "  unit_of_measure = CASE WHEN 'unit_of_measure' = ANY($11::text[]) THEN $6"
    "                    ELSE unit_of_measure END,"
    "  scope_unit = CASE WHEN 'scope_unit' = ANY($11::text[]) THEN $7 ELSE scope_unit END,"
    "  baseline = CASE WHEN 'baseline' = ANY($11::text[]) THEN $8::numeric ELSE baseline END,"
    "  rounding = CASE WHEN 'rounding' = ANY($11::text[]) THEN coalesce($9, 'exact')"
    "             ELSE rounding END,"
    "  note = CASE WHEN 'note' = ANY($11::text[]) THEN $10 ELSE note END,"
    "  version = version + 1, updated_at = now()"
    " WHERE indicator = $12 AND id = $13::bigint AND version = $14::int AND archived_at IS NULL"
    " RETURNING id";

static const char target_archive_sql[] =
    "UPDATE indicator_target SET archived_at = CASE WHEN $4::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE indicator = $1 AND id = $2::bigint AND version = $3::int"
    "   AND (archived_at IS NULL) = $4::boolean RETURNING id";

static const char *const code_key[] = {"code"};
static const char *const id_key[] = {"id"};

pm_status indicator_repo_list(PGconn *conn, const indicator_filter *f, const page_request *page,
                              page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {
        f->level, f->agency, f->q, f->include_archived ? "true" : "false", page_after(page, 0),
        limit};
    return db_fetch_page(conn, list_sql, 6, params, page, code_key, 1, out, err);
}

pm_status indicator_repo_get(PGconn *conn, const char *code, bool lock, json_t **out, pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 1, params,
                        MSG("There is no such indicator."), out, err);
}

pm_status indicator_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err)
{
    static const char *const checked[] = {"plan", "reporting_agencies", "pilot_model_type"};
    db_params p = {0};
    db_params_add_fields(&p, fields, checked, 3);
    pm_status st = db_check_references(conn, references_sql, p.count, p.values, references,
                                       sizeof references / sizeof references[0], err);
    db_params_clear(&p);
    return st;
}

/* A taken code, or a CHECK across fields (rollup, value type, threshold, model type). */
static pm_status refusal(pm_status st, pm_error *err)
{
    if (st == PM_CONFLICT) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                             MSG("An indicator with this code exists."));
    }
    if (st == PM_VALIDATION_FAILED) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "rollup", "inconsistent",
                             MSG("rollup share needs a boolean or percentage value, "
                                 "periods_meeting_threshold a threshold, and pilot_registry a "
                                 "pilot_model_type (which no other rollup takes)"));
    }
    return st;
}

pm_status indicator_repo_create(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    pm_status st = refusal(db_exec(conn, insert_sql, p.count, p.values, NULL, err), err);
    db_params_clear(&p);
    return st;
}

pm_status indicator_repo_seed(PGconn *conn, const json_t *fields, int *added, pm_error *err)
{
    db_params p = {0};
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

pm_status indicator_repo_update(PGconn *conn, const char *code, long long version,
                                const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add_present(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st =
        refusal(db_change_one(conn, update_sql, p.count, p.values,
                              MSG("The indicator was changed meanwhile; read it again."), err),
                err);
    db_params_clear(&p);
    return st;
}

pm_status indicator_repo_set_archived(PGconn *conn, const char *code, long long version,
                                      bool archive, pm_error *err)
{
    const char *keys[] = {code};
    return db_set_archived(conn, archive_sql, keys, 1, version, archive,
                           MSG("The indicator was changed meanwhile; read it again."), err);
}

pm_status target_repo_list(PGconn *conn, const char *indicator, bool include_archived,
                           const page_request *page, page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {indicator, include_archived ? "true" : "false", page_after(page, 0),
                            limit};
    return db_fetch_page(conn, target_list_sql, 4, params, page, id_key, 1, out, err);
}

pm_status target_repo_all(PGconn *conn, const char *indicator, json_t **out, pm_error *err)
{
    const char *params[] = {indicator};
    return db_fetch_all(conn, target_all_sql, 1, params, out, err);
}

pm_status target_repo_get(PGconn *conn, const char *indicator, const char *id, bool lock,
                          json_t **out, pm_error *err)
{
    const char *params[] = {indicator, id};
    return db_fetch_one(conn, lock ? target_get_locked_sql : target_get_sql, 2, params,
                        MSG("There is no such target."), out, err);
}

/* The only reference a target's row can miss is its scope unit. */
static pm_status scope_unknown(pm_status st, pm_error *err)
{
    if (st != PM_CONFLICT && st != PM_VALIDATION_FAILED)
        return st;
    pm_error_reset(err);
    return pm_fail_field(err, PM_VALIDATION_FAILED, "scope_unit", "unknown",
                         MSG("scope_unit names no administrative unit, or the years are reversed"));
}

pm_status target_repo_create(PGconn *conn, const char *indicator, const json_t *fields,
                             char *id_out, pm_error *err)
{
    db_params p = {0};
    db_params_add(&p, indicator);
    db_params_add_fields(&p, fields, target_columns, NTARGET_COLUMNS);
    PGresult *res;
    pm_status st =
        scope_unknown(db_exec(conn, target_insert_sql, p.count, p.values, &res, err), err);
    db_params_clear(&p);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status target_repo_seed(PGconn *conn, const char *indicator, const json_t *targets, int *added,
                           pm_error *err)
{
    db_params p = {0};
    db_params_add(&p, indicator);
    static const char *const targets_key[] = {"targets"};
    json_t *holder = json_pack("{s:O}", "targets", targets);
    db_params_add_fields(&p, holder, targets_key, 1);
    PGresult *res;
    pm_status st = db_exec(conn, target_seed_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    json_decref(holder);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

pm_status target_repo_update(PGconn *conn, const char *indicator, const char *id, long long version,
                             const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, target_columns, NTARGET_COLUMNS);
    db_params_add_present(&p, fields, target_columns, NTARGET_COLUMNS);
    db_params_add(&p, indicator);
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    pm_status st =
        scope_unknown(db_change_one(conn, target_update_sql, p.count, p.values,
                                    MSG("The target was changed meanwhile; read it again."), err),
                      err);
    db_params_clear(&p);
    return st;
}

pm_status target_repo_set_archived(PGconn *conn, const char *indicator, const char *id,
                                   long long version, bool archive, pm_error *err)
{
    const char *keys[] = {indicator, id};
    return db_set_archived(conn, target_archive_sql, keys, 2, version, archive,
                           MSG("The target was changed meanwhile; read it again."), err);
}

/* analytics_repo.c: roll-ups at read time (see analytics_repo.h). */
#include "resources/analytics_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"

/* The groups (g), and the units below them at the indicator's level (d), that exist on the census
 * day $11 (domain/rollup.h: rollup_unit_exists_on at rollup_census_day), under unit $3
 * (GROUPS_UNDER) or in the whole country, $3 being NULL (GROUPS_ALL); and the indicator's
 * measurements (ms) now, or as they were at $10 (their audit snapshots).
 * $1 indicator $2 period $3 unit $4 level $5 period end $6 include unapproved $7 indicator level
 * $8 period start $9 threshold or model type $10 as of (NULL: now) $11 census day */
#define UNDER_UNIT " AND u.path @> ARRAY[$3::text]"
#define ANYWHERE " AND $3::text IS NULL"
#define GROUPS_WITHIN(WITHIN)                                                             \
    "WITH g AS ("                                                                         \
    "  SELECT u.code FROM admin_unit u"                                                   \
    "  WHERE u.level = $4::int" WITHIN " AND u.valid_from <= $11::date"                   \
    "    AND (u.valid_to IS NULL OR u.valid_to > $11::date)),"                            \
    " d AS ("                                                                             \
    "  SELECT u.code, u.path[$4::int] AS grp FROM admin_unit u"                           \
    "  WHERE u.level = $7::int" WITHIN " AND u.valid_from <= $11::date"                   \
    "    AND (u.valid_to IS NULL OR u.valid_to > $11::date)),"                            \
    " ms AS ("                                                                            \
    "  SELECT m.unit, m.period, m.period_start, m.period_end, m.value_bool, m.value_num," \
    "         m.numerator, m.denominator, m.status"                                       \
    "  FROM measurement m WHERE $10::timestamptz IS NULL AND m.indicator = $1"            \
    "  UNION ALL"                                                                         \
    "  SELECT r.unit, r.period, r.period_start, r.period_end, r.value_bool, r.value_num," \
    "         r.numerator, r.denominator, r.status"                                       \
    "  FROM (SELECT DISTINCT ON (e.entity_id) e.row FROM audit_event e"                   \
    "        WHERE $10::timestamptz IS NOT NULL AND e.entity_type = 'measurements'"       \
    "          AND e.at <= $10::timestamptz AND e.row ->> 'indicator' = $1"               \
    "        ORDER BY e.entity_id, e.id DESC) AS x"                                       \
    "  CROSS JOIN LATERAL jsonb_populate_record(NULL::measurement, x.row) AS r"           \
    "  WHERE r.id IS NOT NULL),"
#define GROUPS_UNDER GROUPS_WITHIN(UNDER_UNIT)
#define GROUPS_ALL GROUPS_WITHIN(ANYWHERE)

#define COUNTED "(m.status = 'approved' OR $6::boolean)"

#define TOTALS                                                                                   \
    " SELECT g.code AS unit, count(d.code) AS units_expected, count(m.unit) AS units_reporting," \
    "        count(*) FILTER (WHERE m.value_bool) AS trues, sum(m.value_num) AS total,"          \
    "        sum(m.numerator) AS numerator, sum(m.denominator) AS denominator,"                  \
    "        sum(m.meeting) AS meeting, sum(m.reported) AS reported"                             \
    " FROM g LEFT JOIN d ON d.grp = g.code LEFT JOIN m ON m.unit = d.code"                       \
    " GROUP BY g.code ORDER BY g.code"

/* Each measured form reads the measurements unit by unit (LATERAL): one short range of
 * measurement_unit_period per unit of the roll-up, so a province reads its own ~2,000 rows of a
 * monthly commune indicator's year, not the country's 127,000 (tests/bench/results). */

/* Each unit's own value, chosen by CHOICE (after the unit's measurements of the indicator that
 * count). */
#define VALUE_FORM(CHOICE)                                                            \
    " m AS MATERIALIZED ("                                                            \
    "  SELECT d.code AS unit, x.value_bool, x.value_num, x.numerator, x.denominator," \
    "         NULL::bigint AS meeting, NULL::bigint AS reported"                      \
    "  FROM d CROSS JOIN LATERAL ("                                                   \
    "    SELECT m.value_bool, m.value_num, m.numerator, m.denominator FROM ms m"      \
    "    WHERE m.unit = d.code AND " COUNTED CHOICE ") x)"

/* The period's own values. */
#define PERIOD_FORM                                                                   \
    VALUE_FORM(" AND m.period = $2 AND $5::date IS NOT NULL AND $8::date IS NOT NULL" \
               " AND $9::numeric IS NULL")
static const char period_sql[] = GROUPS_UNDER PERIOD_FORM TOTALS;
static const char period_all_sql[] = GROUPS_ALL PERIOD_FORM TOTALS;

/* Each unit's latest value up to the period's end. */
#define LATEST_FORM                                                     \
    VALUE_FORM(" AND m.period_end <= $5::date AND $2::text IS NOT NULL" \
               " AND $8::date IS NOT NULL AND $9::numeric IS NULL"      \
               " ORDER BY m.period_end DESC LIMIT 1")
static const char latest_sql[] = GROUPS_UNDER LATEST_FORM TOTALS;
static const char latest_all_sql[] = GROUPS_ALL LATEST_FORM TOTALS;

/* The periods within this one that reach the threshold, per unit. */
#define THRESHOLD_FORM                                                                  \
    " m AS MATERIALIZED ("                                                              \
    "  SELECT d.code AS unit, NULL::boolean AS value_bool, NULL::numeric AS value_num," \
    "         NULL::numeric AS numerator, NULL::numeric AS denominator, x.meeting,"     \
    "         x.reported"                                                               \
    "  FROM d CROSS JOIN LATERAL ("                                                     \
    "    SELECT count(*) FILTER (WHERE m.value_num >= $9::numeric) AS meeting,"         \
    "           count(*) AS reported FROM ms m"                                         \
    "    WHERE m.unit = d.code AND m.period_start BETWEEN $8::date AND $5::date"        \
    "      AND m.period_end <= $5::date AND " COUNTED " AND $2::text IS NOT NULL) x"    \
    "  WHERE x.reported > 0)"
static const char threshold_sql[] = GROUPS_UNDER THRESHOLD_FORM TOTALS;
static const char threshold_all_sql[] = GROUPS_ALL THRESHOLD_FORM TOTALS;

/* The sites piloting the model type ($9) at the period's end, per district: the pilot-site
 * registry as data, each site's status the one its history gives for that day as known at $10
 * (planmon_site_status, migration 0018). */
#define PILOT_FORM                                                                       \
    " m AS MATERIALIZED ("                                                               \
    "  SELECT s.district AS unit, NULL::boolean AS value_bool,"                          \
    "         count(*)::numeric AS value_num, NULL::numeric AS numerator,"               \
    "         NULL::numeric AS denominator, NULL::bigint AS meeting,"                    \
    "         NULL::bigint AS reported"                                                  \
    "  FROM (SELECT * FROM pilot_site WHERE $10::timestamptz IS NULL"                    \
    "        UNION ALL"                                                                  \
    "        SELECT r.* FROM (SELECT DISTINCT ON (e.entity_id) e.row FROM audit_event e" \
    "              WHERE $10::timestamptz IS NOT NULL AND e.entity_type = 'pilot-sites'" \
    "                AND e.at <= $10::timestamptz ORDER BY e.entity_id, e.id DESC) AS x" \
    "        CROSS JOIN LATERAL jsonb_populate_record(NULL::pilot_site, x.row) AS r"     \
    "        WHERE r.id IS NOT NULL) AS s"                                               \
    "  WHERE s.model_type = $9::text AND s.archived_at IS NULL"                          \
    "    AND s.district IN (SELECT d.code FROM d)"                                       \
    "    AND planmon_site_status(s.id, $5::date,"                                        \
    "                            coalesce($10::timestamptz, " DB_KNOWN_NOW "))"          \
    "        IN ('piloting', 'evaluated', 'scaled_up')"                                  \
    "    AND $1::text IS NOT NULL AND $2::text IS NOT NULL AND $6::boolean IS NOT NULL"  \
    "    AND $8::date IS NOT NULL"                                                       \
    "  GROUP BY s.district)"
static const char pilot_sql[] = GROUPS_UNDER PILOT_FORM TOTALS;
static const char pilot_all_sql[] = GROUPS_ALL PILOT_FORM TOTALS;

static const char unit_level_sql[] = "SELECT level FROM admin_unit WHERE code = $1";

pm_status analytics_repo_rollup(PGconn *conn, const rollup_query *q, json_t **out, pm_error *err)
{
    char level[8], indicator_level[8];
    snprintf(level, sizeof level, "%d", q->level);
    snprintf(indicator_level, sizeof indicator_level, "%d", q->indicator_level);
    bool threshold = strcmp(q->rollup, "periods_meeting_threshold") == 0;
    bool pilot = strcmp(q->rollup, "pilot_registry") == 0;
    const char *params[] = {
        q->indicator,    q->period,       q->unit,
        level,           q->period_end,   q->include_unapproved ? "true" : "false",
        indicator_level, q->period_start, threshold ? q->threshold : pilot ? q->model_type : NULL,
        q->as_of,        q->census_day};
    bool latest = strcmp(q->rollup, "latest") == 0;
    bool all = q->unit == NULL;
    if (pilot)
        return db_fetch_all(conn, all ? pilot_all_sql : pilot_sql, 11, params, out, err);
    if (threshold)
        return db_fetch_all(conn, all ? threshold_all_sql : threshold_sql, 11, params, out, err);
    if (latest)
        return db_fetch_all(conn, all ? latest_all_sql : latest_sql, 11, params, out, err);
    return db_fetch_all(conn, all ? period_all_sql : period_sql, 11, params, out, err);
}

pm_status analytics_repo_unit_level(PGconn *conn, const char *code, int *level, pm_error *err)
{
    const char *params[] = {code};
    PGresult *res;
    pm_status st = db_exec(conn, unit_level_sql, 1, params, &res, err);
    if (st != PM_OK)
        return st;
    *level = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return PM_OK;
}

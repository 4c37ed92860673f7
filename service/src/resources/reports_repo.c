/* reports_repo.c: what the reports read (see reports_repo.h). */
#include "resources/reports_repo.h"

#include <stdio.h>
#include <string.h>

#include "db/query.h"
#include "domain/clock.h"

/* $1 as of (a time, a date in the province, or NULL for now) $2 zone $3 today: the moment in
 * UTC, its date in the province (today without as_of), and whether it is still to come. A date
 * stands for the end of that day in the province, or now when that day is today. */
static const char moment_sql[] =
    "SELECT to_char(x.t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    "       CASE WHEN $1::text IS NULL THEN $3::date ELSE planmon_local_date(x.t, $2) END::text,"
    "       x.future"
    " FROM (SELECT CASE WHEN d.is_day"
    "                   THEN least(planmon_day_start($1::date + 1, $2) - interval '1 microsecond',"
    "                              now())"
    "                   ELSE coalesce($1::timestamptz, now()) END AS t,"
    "              CASE WHEN d.is_day THEN $1::date > $3::date"
    "                   ELSE coalesce($1::timestamptz, now()) > now() END AS future"
    "       FROM (SELECT coalesce($1::text ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', false) AS is_day) d)"
    "      AS x";

static const char plan_sql[] =
    "SELECT p.id, p.code, p.title FROM plan p"
    " WHERE ($1::bigint IS NULL AND p.archived_at IS NULL) OR p.id = $1::bigint"
    " ORDER BY p.id LIMIT 2";

/* The plan's tasks as they stood at $2: each task's latest snapshot by then. */
#define TASKS_THEN                                                                 \
    "WITH t AS ("                                                                  \
    "  SELECT r.* FROM (SELECT DISTINCT ON (e.entity_id) e.row FROM audit_event e" \
    "                   WHERE e.entity_type = 'tasks' AND e.at <= $2::timestamptz" \
    "                   ORDER BY e.entity_id, e.id DESC) AS x"                     \
    "  CROSS JOIN LATERAL jsonb_populate_record(NULL::task, x.row) AS r"           \
    "  WHERE r.id IS NOT NULL AND r.plan = $1::bigint AND r.archived_at IS NULL)"

#define OVERDUE_ON "(t.status IN ('not_started', 'in_progress') AND t.due_date < $3::date)"

/* $1 plan $2 moment $3 day */
static const char task_counts_sql[] = TASKS_THEN
    " SELECT e ->> 'agency' AS agency,"
    "        (array_agg(s.code ORDER BY s.seq) FILTER (WHERE s.kind = 'responsibility'))[1]"
    "          AS section,"
    "        count(*) AS total, count(*) FILTER (WHERE t.status = 'not_started') AS not_started,"
    "        count(*) FILTER (WHERE t.status = 'in_progress') AS in_progress,"
    "        count(*) FILTER (WHERE t.status = 'done') AS done,"
    "        count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled,"
    "        count(*) FILTER (WHERE " OVERDUE_ON ") AS overdue"
    " FROM t CROSS JOIN LATERAL jsonb_array_elements(t.agencies) AS e"
    " LEFT JOIN plan_section s ON s.plan = t.plan AND s.code = t.section"
    " WHERE e ->> 'role' = 'lead'"
    " GROUP BY e ->> 'agency'"
    " ORDER BY min(s.seq) FILTER (WHERE s.kind = 'responsibility') NULLS LAST, e ->> 'agency'";

/* $1 plan $2 moment $3 day */
static const char overdue_sql[] =
    TASKS_THEN " SELECT t.id, t.section, t.source_clause, t.title, t.status, t.percent_done,"
               "        t.due_date::text AS due_date,"
               "        (SELECT coalesce(json_agg(e ->> 'agency' ORDER BY n), '[]')"
               "         FROM jsonb_array_elements(t.agencies) WITH ORDINALITY AS a (e, n)"
               "         WHERE e ->> 'role' = 'lead') AS lead"
               " FROM t WHERE " OVERDUE_ON " ORDER BY t.id";

/* $1 plan $2 from $3 until */
static const char updates_sql[] =
    "SELECT u.id, u.task_id AS task, u.note, u.percent_done, u.status, u.agency, u.author,"
    "       planmon_utc(u.created_at) AS created_at"
    " FROM task_update u JOIN task t ON t.id = u.task_id"
    " WHERE t.plan = $1::bigint AND u.created_at >= $2::timestamptz"
    "   AND u.created_at < $3::timestamptz"
    " ORDER BY u.id";

/* $1 plan $2 as of: the indicators that existed then and were not archived by then */
static const char indicators_sql[] =
    "SELECT i.code, i.name, i.level, i.period_type, i.value_type, i.rollup, i.threshold,"
    "       i.pilot_model_type, s.code AS section, s.title AS section_title"
    " FROM indicator i"
    " LEFT JOIN LATERAL (SELECT s.code, s.title, s.seq FROM plan_section s"
    "                    WHERE s.plan = i.plan AND s.archived_at IS NULL"
    "                      AND (i.source_clause = s.code OR i.source_clause LIKE s.code || '.%'"
    "                           OR i.source_clause LIKE s.code || '(%')"
    "                    ORDER BY length(s.code) DESC LIMIT 1) AS s ON true"
    " WHERE i.plan = $1::bigint AND i.created_at <= $2::timestamptz"
    "   AND (i.archived_at IS NULL OR i.archived_at > $2::timestamptz) AND i.rollup <> 'none'"
    " ORDER BY s.seq NULLS LAST, i.code";

static const char root_unit_sql[] = "SELECT code FROM admin_unit WHERE level = 1 LIMIT 2";

pm_status report_repo_moment(PGconn *conn, const char *as_of, char *moment, char *day,
                             pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {as_of, clock_zone(), today};
    PGresult *res;
    pm_status st = db_exec(conn, moment_sql, 3, params, &res, err);
    if (st == PM_VALIDATION_FAILED || (st == PM_OK && PQgetvalue(res, 0, 2)[0] == 't')) {
        if (st == PM_OK)
            PQclear(res);
        pm_error_reset(err);
        return pm_fail_field(err, PM_INVALID_PARAMETER, "as_of", "invalid",
                             "as_of must be a date or an RFC 3339 time, not in the future");
    }
    if (st != PM_OK)
        return st;
    snprintf(moment, 40, "%s", PQgetvalue(res, 0, 0));
    snprintf(day, 11, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    return PM_OK;
}

pm_status report_repo_plan(PGconn *conn, const char *plan, json_t **out, pm_error *err)
{
    const char *params[] = {plan};
    json_t *rows = NULL;
    pm_status st = db_fetch_all(conn, plan_sql, 1, params, &rows, err);
    if (st != PM_OK)
        return st;
    if (json_array_size(rows) == 0)
        st = pm_fail(err, PM_NOT_FOUND, "There is no such plan.");
    else if (json_array_size(rows) > 1)
        st = pm_fail_field(err, PM_INVALID_PARAMETER, "plan", "required",
                           "There are several plans: name one with plan=ID.");
    else
        *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return st;
}

pm_status report_repo_task_counts(PGconn *conn, const char *plan, const char *moment,
                                  const char *day, json_t **out, pm_error *err)
{
    const char *params[] = {plan, moment, day};
    return db_fetch_all(conn, task_counts_sql, 3, params, out, err);
}

pm_status report_repo_overdue(PGconn *conn, const char *plan, const char *moment, const char *day,
                              json_t **out, pm_error *err)
{
    const char *params[] = {plan, moment, day};
    return db_fetch_all(conn, overdue_sql, 3, params, out, err);
}

pm_status report_repo_updates(PGconn *conn, const char *plan, const char *from, const char *until,
                              json_t **out, pm_error *err)
{
    const char *params[] = {plan, from, until};
    return db_fetch_all(conn, updates_sql, 3, params, out, err);
}

pm_status report_repo_indicators(PGconn *conn, const char *plan, const char *as_of, json_t **out,
                                 pm_error *err)
{
    const char *params[] = {plan, as_of};
    return db_fetch_all(conn, indicators_sql, 2, params, out, err);
}

pm_status report_repo_root_unit(PGconn *conn, char *code, pm_error *err)
{
    json_t *rows = NULL;
    pm_status st = db_fetch_all(conn, root_unit_sql, 0, NULL, &rows, err);
    if (st != PM_OK)
        return st;
    code[0] = '\0';
    if (json_array_size(rows) == 1)
        snprintf(code, 6, "%s",
                 json_string_value(json_object_get(json_array_get(rows, 0), "code")));
    json_decref(rows);
    return PM_OK;
}

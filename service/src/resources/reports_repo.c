/* reports_repo.c: what the reports read (see reports_repo.h). */
#include "resources/reports_repo.h"

#include <stdio.h>
#include <string.h>

#include "db/query.h"
#include "domain/clock.h"
#include "jsonutil.h"

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

/* $1 plan id or NULL: that plan, or the plans not archived (at most 2, to tell one from many). */
static const char plan_sql[] =
    "SELECT p.id, p.code, p.title, p.period_start::text AS period_start,"
    "       p.period_end::text AS period_end"
    " FROM plan p"
    " WHERE ($1::bigint IS NULL AND p.archived_at IS NULL) OR p.id = $1::bigint"
    " ORDER BY p.id LIMIT 2";

/* The lead agencies of task `t`, in the order the task lists them, as a JSON array. */
#define LEADS                                                            \
    "(SELECT coalesce(json_agg(e ->> 'agency' ORDER BY n), '[]')"        \
    " FROM jsonb_array_elements(t.agencies) WITH ORDINALITY AS a (e, n)" \
    " WHERE e ->> 'role' = 'lead')"

/* The plan's tasks at the end of day $3 as planmon knew them at moment $2 (zone $4): each task's
 * definition is its latest audit snapshot by $2, if it was not archived by then and had begun
 * by $3; its status and percent are what its updates that occurred by $3 and were recorded by $2
 * give (planmon_task_state); overdue is judged on $3 (planmon_task_overdue). */
#define TASKS_THEN                                                                               \
    "WITH d AS ("                                                                                \
    "  SELECT r.* FROM (SELECT DISTINCT ON (e.entity_id) e.row FROM audit_event e"               \
    "                   WHERE e.entity_type = 'tasks' AND e.at <= $2::timestamptz"               \
    "                   ORDER BY e.entity_id, e.id DESC) AS x"                                   \
    "  CROSS JOIN LATERAL jsonb_populate_record(NULL::task, x.row) AS r"                         \
    "  WHERE r.id IS NOT NULL AND r.plan = $1::bigint AND r.archived_at IS NULL"                 \
    "    AND (r.start_date IS NULL OR r.start_date <= $3::date)),"                               \
    " t AS ("                                                                                    \
    "  SELECT d.id, d.plan, d.key, d.section, d.source_clause, d.title, d.agencies, d.due_date," \
    "         d.due_basis, d.recurrence, st.status, st.percent_done,"                            \
    "         planmon_task_overdue(d.id, d.recurrence, st.status, d.due_date, $3::date,"         \
    "                              $2::timestamptz, $4) AS overdue"                              \
    "  FROM d CROSS JOIN LATERAL planmon_task_state(d.id, $3::date, $2::timestamptz) AS st)"

/* $1 plan $2 moment $3 day $4 zone: per lead agency, the sections of the tasks it leads in the
 * plan's order ("II.3.2; V.12"), and its tasks by state; agencies in the order of the first
 * responsibility section (V.1-15) they lead in. */
static const char task_counts_sql[] = TASKS_THEN
    ", led AS ("
    "  SELECT e ->> 'agency' AS agency, t.status, t.overdue, t.section, s.seq, s.kind"
    "  FROM t CROSS JOIN LATERAL jsonb_array_elements(t.agencies) AS e"
    "  LEFT JOIN plan_section s ON s.plan = t.plan AND s.code = t.section"
    "  WHERE e ->> 'role' = 'lead')"
    " SELECT l.agency,"
    "        (SELECT string_agg(x.section, '; ' ORDER BY x.seq, x.section)"
    "         FROM (SELECT DISTINCT o.section, o.seq FROM led o"
    "               WHERE o.agency = l.agency AND o.section IS NOT NULL) AS x) AS section,"
    "        count(*) AS total, count(*) FILTER (WHERE l.status = 'not_started') AS not_started,"
    "        count(*) FILTER (WHERE l.status = 'in_progress') AS in_progress,"
    "        count(*) FILTER (WHERE l.status = 'done') AS done,"
    "        count(*) FILTER (WHERE l.status = 'cancelled') AS cancelled,"
    "        count(*) FILTER (WHERE l.overdue) AS overdue"
    " FROM led l GROUP BY l.agency"
    " ORDER BY min(l.seq) FILTER (WHERE l.kind = 'responsibility') NULLS LAST, l.agency";

/* $1 plan $2 moment $3 day $4 zone $5 the period's first day: one row per task, with the latest
 * of its updates that occurred within the period (by $3) and were recorded by $2. */
static const char task_status_sql[] = TASKS_THEN
    " SELECT t.id, t.key, t.section, t.source_clause, t.title, " LEADS " AS lead, t.status,"
    "        t.percent_done, t.due_date::text AS due_date, t.due_basis, t.recurrence, t.overdue,"
    "        u.id AS last_update, u.occurred_on::text AS last_update_on,"
    "        planmon_utc(u.created_at) AS last_update_recorded_at,"
    "        coalesce(u.late_entry, false) AS late_entry"
    " FROM t LEFT JOIN plan_section s ON s.plan = t.plan AND s.code = t.section"
    " LEFT JOIN LATERAL (SELECT u.id, u.occurred_on, u.created_at, u.late_entry"
    "                    FROM task_update u"
    "                    WHERE u.task_id = t.id AND u.occurred_on BETWEEN $5::date AND $3::date"
    "                      AND u.created_at <= $2::timestamptz"
    "                    ORDER BY u.occurred_on DESC, u.id DESC LIMIT 1) AS u ON true"
    " ORDER BY s.seq NULLS LAST, t.id";

/* $1 plan $2 moment $3 day $4 zone: the one-off tasks past their due date, and each overdue
 * occurrence of a recurring task (planmon_overdue_occurrences), while the task is open. */
static const char overdue_sql[] = TASKS_THEN
    " SELECT t.id, t.section, t.source_clause, t.title, t.status, t.percent_done,"
    "        x.occurrence, x.due::text AS due_date, t.due_basis, " LEADS " AS lead"
    " FROM t CROSS JOIN LATERAL ("
    "   SELECT NULL::text AS occurrence, t.due_date AS due"
    "   WHERE t.recurrence = 'none' AND t.overdue"
    "   UNION ALL"
    "   SELECT o.period, o.due FROM planmon_overdue_occurrences(t.id, $3::date, $2::timestamptz,"
    "                                                           $4) AS o"
    "   WHERE t.recurrence <> 'none' AND t.status IN ('not_started', 'in_progress')) AS x"
    " ORDER BY t.id, x.due";

/* $1 plan $2 moment $3 day $4 zone $5 $6 the next period's first and last days: what falls due
 * then of the tasks still open: one-off tasks, and the occurrences of recurring ones that
 * planmon had derived by the moment. */
static const char due_next_sql[] = TASKS_THEN
    " SELECT t.id, t.section, t.source_clause, t.title, x.occurrence, x.due::text AS due_date,"
    "        " LEADS " AS lead"
    " FROM t CROSS JOIN LATERAL ("
    "   SELECT NULL::text AS occurrence, t.due_date AS due"
    "   WHERE t.recurrence = 'none' AND t.due_date BETWEEN $5::date AND $6::date"
    "   UNION ALL"
    "   SELECT o.period, o.due FROM task_occurrence o"
    "   WHERE o.task = t.id AND t.recurrence <> 'none' AND o.due BETWEEN $5::date AND $6::date"
    "     AND o.created_at <= $2::timestamptz"
    "     AND (o.retired_at IS NULL OR o.retired_at > $2::timestamptz)) AS x"
    " WHERE t.status IN ('not_started', 'in_progress')"
    " ORDER BY x.due, t.id";

/* $1 plan $2 the period's first day $3 day $4 moment: the updates that occurred within the
 * period by that day, as recorded by that moment, with both times. */
static const char updates_sql[] =
    "SELECT u.id, u.task_id AS task, u.occurred_on::text AS occurred_on,"
    "       planmon_utc(u.created_at) AS created_at, u.late_entry, u.occurrence, u.note,"
    "       u.percent_done, u.status, u.agency, u.author"
    " FROM task_update u JOIN task t ON t.id = u.task_id"
    " WHERE t.plan = $1::bigint AND u.occurred_on BETWEEN $2::date AND $3::date"
    "   AND u.created_at <= $4::timestamptz"
    " ORDER BY u.occurred_on, u.id";

/* $1 plan $2 the budget year (that of the period's end) $3 first day $4 last day (D) $5 as of:
 * per agency with a line of the plan, as known at A — the lines allocated for the budget year
 * (and their allocation) and what was spent on the plan's allocated lines by effective date
 * within the period, with the entries that went past an allocation. Sums in numeric. */
static const char funding_sql[] =
    "WITH allocated AS (SELECT l.agency, count(*) AS lines, sum(l.allocated) AS allocated"
    "   FROM budget_line l"
    "   WHERE l.plan = $1::bigint AND l.year = $2::int AND l.status = 'allocated'"
    "     AND EXISTS (SELECT 1 FROM audit_event e WHERE e.entity_type = 'budget-lines'"
    "                 AND e.entity_id = l.id::text AND e.action = 'allocate'"
    "                 AND e.at <= $5::timestamptz)"
    "   GROUP BY l.agency),"
    " spent AS (SELECT l.agency, sum(d.amount) AS spent, count(*) AS entries,"
    "          count(*) FILTER (WHERE d.over_allocation) AS over_allocation"
    "   FROM disbursement d JOIN budget_line l ON l.id = d.line"
    "   WHERE l.plan = $1::bigint AND d.effective BETWEEN $3::date AND $4::date"
    "     AND d.created_at <= $5::timestamptz"
    "   GROUP BY l.agency)"
    " SELECT coalesce(a.agency, s.agency) AS agency, coalesce(a.lines, 0)::int AS lines,"
    "        coalesce(a.allocated, 0)::bigint AS allocated, coalesce(s.spent, 0)::bigint AS spent,"
    "        coalesce(s.entries, 0)::int AS entries,"
    "        coalesce(s.over_allocation, 0)::int AS over_allocation_entries"
    " FROM allocated a FULL JOIN spent s ON s.agency = a.agency"
    " ORDER BY 1";

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
                             MSG("as_of must be a date or an RFC 3339 time, not in the future"));
    }
    if (st != PM_OK)
        return st;
    snprintf(moment, 40, "%s", PQgetvalue(res, 0, 0));
    snprintf(day, 11, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    return PM_OK;
}

pm_status report_repo_plan(PGconn *conn, const char *plan, const char *end, json_t **out,
                           pm_error *err)
{
    const char *params[] = {plan};
    json_t *rows = NULL;
    pm_status st = db_fetch_all(conn, plan_sql, 1, params, &rows, err);
    if (st != PM_OK)
        return st;
    json_t *found = json_array_get(rows, 0);
    const char *from = json_member_string(found, "period_start");
    const char *to = json_member_string(found, "period_end");
    if (!found)
        st = pm_fail(err, PM_NOT_FOUND, MSG("There is no such plan."));
    else if (json_array_size(rows) > 1)
        st = pm_fail_field(err, PM_INVALID_PARAMETER, "plan", "required",
                           MSG("There are several plans: name one with plan=ID."));
    else if (strcmp(end, from) < 0 || strcmp(end, to) > 0)
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "period", "outside_plan",
                           MSG("The period ends on %s, outside the life of plan %s (%s to %s): a "
                               "report covers a period that ends within its plan's."),
                           end, json_member_string(found, "code"), from, to);
    if (st == PM_OK) {
        *out = json_deep_copy(found);
        json_object_del(*out, "period_start");
        json_object_del(*out, "period_end");
    }
    json_decref(rows);
    return st;
}

pm_status report_repo_task_counts(PGconn *conn, const report_moment *m, json_t **out, pm_error *err)
{
    const char *params[] = {m->plan, m->moment, m->day, clock_zone()};
    return db_fetch_all(conn, task_counts_sql, 4, params, out, err);
}

pm_status report_repo_task_status(PGconn *conn, const report_moment *m, json_t **out, pm_error *err)
{
    const char *params[] = {m->plan, m->moment, m->day, clock_zone(), m->start};
    return db_fetch_all(conn, task_status_sql, 5, params, out, err);
}

pm_status report_repo_overdue(PGconn *conn, const report_moment *m, json_t **out, pm_error *err)
{
    const char *params[] = {m->plan, m->moment, m->day, clock_zone()};
    return db_fetch_all(conn, overdue_sql, 4, params, out, err);
}

pm_status report_repo_due_next(PGconn *conn, const report_moment *m, const char *from,
                               const char *to, json_t **out, pm_error *err)
{
    const char *params[] = {m->plan, m->moment, m->day, clock_zone(), from, to};
    return db_fetch_all(conn, due_next_sql, 6, params, out, err);
}

pm_status report_repo_updates(PGconn *conn, const report_moment *m, json_t **out, pm_error *err)
{
    const char *params[] = {m->plan, m->start, m->day, m->moment};
    return db_fetch_all(conn, updates_sql, 4, params, out, err);
}

pm_status report_repo_funding(PGconn *conn, const report_moment *m, const char *budget_year,
                              json_t **out, pm_error *err)
{
    const char *params[] = {m->plan, budget_year, m->start, m->day, m->moment};
    return db_fetch_all(conn, funding_sql, 5, params, out, err);
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

/* occurrences_repo.c: the occurrences of recurring tasks (see occurrences_repo.h). */
#include "resources/occurrences_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"
#include "domain/clock.h"
#include "domain/period.h"
#include "jsonutil.h"

/* $1 task: what its occurrences follow from. */
static const char rhythm_sql[] =
    "SELECT t.recurrence, coalesce(t.start_date, p.period_start)::text AS life_start,"
    "       coalesce(t.due_date, p.period_end)::text AS life_end, t.due_days,"
    "       o.code AS obligation, o.period_type, o.expected_periods,"
    "       o.applies_from::text AS applies_from, o.applies_to::text AS applies_to,"
    "       o.due_days AS obligation_due_days"
    " FROM task t JOIN plan p ON p.id = t.plan"
    " LEFT JOIN LATERAL (SELECT o.* FROM reporting_obligation o"
    "                    WHERE o.task = t.id AND o.archived_at IS NULL"
    "                      AND o.period_type IS NOT NULL"
    "                    ORDER BY o.code LIMIT 1) AS o ON true"
    " WHERE t.id = $1::bigint";

/* The occurrences wanted, $2: [{period, period_start, period_end, due, obligation}]. */
#define WANTED                                                             \
    " jsonb_to_recordset($2::jsonb) AS w (period text, period_start date," \
    "                                     period_end date, due date, obligation text)"
#define SAME                                                                     \
    " w.period = o.period AND w.period_start = o.period_start AND w.due = o.due" \
    " AND w.obligation IS NOT DISTINCT FROM o.obligation"

/* $1 task $2 wanted: retires the current occurrences that are not wanted as they are. */
static const char retire_sql[] = "UPDATE task_occurrence o SET retired_at = now()"
                                 " WHERE o.task = $1::bigint AND o.retired_at IS NULL"
                                 "   AND NOT EXISTS (SELECT 1 FROM" WANTED " WHERE" SAME ")";

/* $1 task $2 wanted: adds those that are not current. */
static const char add_sql[] =
    "INSERT INTO task_occurrence (task, period, period_start, period_end, due, obligation)"
    " SELECT $1::bigint, w.period, w.period_start, w.period_end, w.due, w.obligation"
    " FROM" WANTED " WHERE NOT EXISTS (SELECT 1 FROM task_occurrence o"
    "                   WHERE o.task = $1::bigint AND o.retired_at IS NULL AND" SAME ")";

static const char derivable_sql[] =
    "SELECT t.id FROM task t WHERE t.recurrence <> 'none'"
    "    OR EXISTS (SELECT 1 FROM task_occurrence o WHERE o.task = t.id AND o.retired_at IS NULL)"
    " ORDER BY t.id";

/* Done: an update names the occurrence, or every reporter of the linked obligation handed in its
 * report for the period (planmon_occurrence_done); done_on: the first day it was. */
#define OCCURRENCE_SELECT                                                                  \
    "SELECT o.period AS id, o.period_start::text AS start, o.period_end::text AS \"end\"," \
    "       o.due::text AS due, o.obligation, d.done, d.done_on::text AS done_on,"         \
    "       d.done_on <= o.due AS on_time, NOT d.done AND o.due < $4::date AS overdue"     \
    " FROM task_occurrence o"                                                              \
    " CROSS JOIN LATERAL (SELECT planmon_occurrence_done(o.task, o.period, o.obligation,"  \
    "                                                    $4::date, " DB_KNOWN_NOW          \
    ", $5) AS done) AS x"                                                                  \
    " CROSS JOIN LATERAL (SELECT x.done, CASE WHEN x.done THEN least("                     \
    "     (SELECT min(u.occurred_on) FROM task_update u"                                   \
    "      WHERE u.task_id = o.task AND u.occurrence = o.period),"                         \
    "     (SELECT max(planmon_local_date(s.submitted_at, $5)) FROM submission s"           \
    "      WHERE s.obligation = o.obligation AND s.period = o.period)) END AS done_on) AS d"

/* $1 task $2 from $3 to $4 today $5 zone */
static const char list_sql[] =
    OCCURRENCE_SELECT " WHERE o.task = $1::bigint AND o.retired_at IS NULL"
                      "   AND ($2::date IS NULL OR o.period_end >= $2::date)"
                      "   AND ($3::date IS NULL OR o.period_end <= $3::date)"
                      " ORDER BY o.due, o.period";

/* $1 task $2 period */
static const char get_sql[] =
    "SELECT o.period AS id, o.period_start::text AS start, o.period_end::text AS \"end\","
    "       o.due::text AS due"
    " FROM task_occurrence o"
    " WHERE o.task = $1::bigint AND o.period = $2 AND o.retired_at IS NULL";

static civil_date day_of(const char *text)
{
    civil_date d = {1970, 1, 1};
    if (text)
        clock_parse_date(text, &d);
    return d;
}

static const char *later(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

static const char *earlier(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) <= 0 ? a : b;
}

/* The periods the rhythm `r` gives, as the wanted list of retire_sql and add_sql. */
static json_t *wanted(const json_t *r, int default_due_days)
{
    json_t *list = json_array();
    const char *recurrence = json_member_string(r, "recurrence");
    const char *obligation = json_member_string(r, "obligation");
    const char *from = json_member_string(r, "life_start"), *to = json_member_string(r, "life_end");
    period_type type;
    bool first_halves = false;
    int due_days = default_due_days;
    const json_t *task_days = json_object_get(r, "due_days");
    if (json_is_integer(task_days))
        due_days = (int)json_integer_value(task_days);
    if (!recurrence || strcmp(recurrence, "none") == 0 || !from || !to)
        return list;
    if (obligation) {
        const json_t *days = json_object_get(r, "obligation_due_days");
        if (!period_type_named(json_member_string(r, "period_type"), &type))
            return list;
        first_halves = strcmp(json_member_string(r, "expected_periods"), "first_half") == 0;
        from = later(from, json_member_string(r, "applies_from"));
        to = earlier(to, json_member_string(r, "applies_to"));
        if (json_is_integer(days))
            due_days = (int)json_integer_value(days);
    } else if (!period_type_named(recurrence, &type)) {
        return list;
    }
    civil_date start = day_of(from), end = day_of(to);
    size_t n = period_list_ending_within(type, first_halves, start, end, due_days, NULL, 0);
    period *periods = n ? calloc(n, sizeof *periods) : NULL;
    if (n && !periods)
        return list;
    period_list_ending_within(type, first_halves, start, end, due_days, periods, n);
    for (size_t i = 0; i < n; i++) {
        char s[11], e[11], due[11];
        period_date_text(periods[i].start, s);
        period_date_text(periods[i].end, e);
        period_date_text(periods[i].due, due);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "period", periods[i].id,
                                              "period_start", s, "period_end", e, "due", due,
                                              "obligation", obligation));
    }
    free(periods);
    return list;
}

pm_status occurrence_repo_derive(PGconn *conn, const char *task, int due_days, pm_error *err)
{
    const char *params[] = {task, NULL};
    json_t *rhythm = NULL;
    pm_status st =
        db_fetch_one(conn, rhythm_sql, 1, params, MSG("There is no such task."), &rhythm, err);
    if (st != PM_OK)
        return st;
    json_t *list = wanted(rhythm, due_days);
    char *text = json_dumps(list, JSON_COMPACT);
    params[1] = text;
    if (!text)
        st = pm_fail(err, PM_INTERNAL, MSG("The occurrences could not be written."));
    if (st == PM_OK)
        st = db_exec(conn, retire_sql, 2, params, NULL, err);
    if (st == PM_OK)
        st = db_exec(conn, add_sql, 2, params, NULL, err);
    free(text);
    json_decref(list);
    json_decref(rhythm);
    return st;
}

pm_status occurrence_repo_derive_all(PGconn *conn, int due_days, int *derived, pm_error *err)
{
    json_t *tasks = NULL;
    pm_status st = db_fetch_all(conn, derivable_sql, 0, NULL, &tasks, err);
    size_t i;
    json_t *row;
    *derived = 0;
    json_array_foreach(tasks, i, row)
    {
        char id[24];
        if (st != PM_OK)
            break;
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
        st = occurrence_repo_derive(conn, id, due_days, err);
        *derived += st == PM_OK;
    }
    json_decref(tasks);
    return st;
}

pm_status occurrence_repo_list(PGconn *conn, const char *task, const char *from, const char *to,
                               json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {task, from, to, today, clock_zone()};
    return db_fetch_all(conn, list_sql, 5, params, out, err);
}

pm_status occurrence_repo_get(PGconn *conn, const char *task, const char *id, json_t **out,
                              pm_error *err)
{
    const char *params[] = {task, id};
    return db_fetch_one(conn, get_sql, 2, params, MSG("The task has no such occurrence."), out,
                        err);
}

/* tasks_repo.c: tasks, progress updates, responsibilities (see tasks_repo.h). */
#include "resources/tasks_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"
#include "domain/clock.h"
#include "jsonutil.h"

const char *const task_statuses[] = {"not_started", "in_progress", "done", "cancelled", NULL};
const char *const task_recurrences[] = {"none", "monthly", "six_monthly", "yearly", NULL};
const char *const task_roles[] = {"lead", "coordinate", NULL};
const char *const task_modes[] = {"assigned", "requested", NULL};
const char *const task_sources[] = {"text", "inferred", NULL};
const char *const task_due_bases[] = {"text", "plan_end", NULL};
const char *const task_start_bases[] = {"text", "decision_date", NULL};
const char *const task_title_bases[] = {"text", "excerpt", "elided", NULL};

/* Derived at read time, never stored: a one-off task past its due date, a recurring task with an
 * occurrence past due and not done (planmon_task_overdue, migration 0018), as of TODAY in ZONE
 * (the parameters holding clock_today and clock_zone). */
#define OVERDUE(TODAY, ZONE)                                                                \
    "coalesce(t.archived_at IS NULL AND planmon_task_overdue(t.id, t.recurrence, t.status," \
    "         t.due_date, " TODAY ", " DB_KNOWN_NOW ", " ZONE "), false)"

/* Visible to a caller who does not see archived rows: neither the task nor its plan archived. */
#define VISIBLE "(t.archived_at IS NULL AND p.archived_at IS NULL)"

#define TASK_SELECT(TODAY, ZONE)                                                                \
    "SELECT t.id, t.plan, t.section, t.parent_id, t.key, t.source_clause, t.title, t.title_en," \
    "       t.title_basis, t.description, planmon_task_agencies_json(t.agencies) AS agencies,"  \
    "       t.start_date::text AS start_date, t.start_basis, t.due_date::text AS due_date,"     \
    "       t.due_basis, t.recurrence, t.due_days, t.status, t.percent_done,"                   \
    "       " OVERDUE(TODAY, ZONE) " AS overdue, t.version,"                                    \
                                   "       planmon_utc(t.created_at) AS created_at, "           \
                                   "planmon_utc(t.updated_at) AS updated_at,"                   \
                                   "       planmon_utc(t.archived_at) AS archived_at"           \
                                   " FROM task t JOIN plan p ON p.id = t.plan"

/* $1 plan $2 section $3 parent $4 agency $5 role $6 mode $7 status $8 overdue $9 due before
 * $10 due after $11 q $12 updated since $13 include archived $14 after id $15 limit + 1
 * $16 today $17 zone */
#define LIST_SELECT TASK_SELECT("$16::date", "$17")
#define LIST_OVERDUE OVERDUE("$16::date", "$17")
#define LIST_FILTERED                                                                    \
    LIST_SELECT                                                                          \
    " WHERE ($1::bigint IS NULL OR t.plan = $1::bigint)"                                 \
    "   AND ($2::text IS NULL OR t.section = $2)"                                        \
    "   AND ($3::bigint IS NULL OR t.parent_id = $3::bigint)"                            \
    "   AND ($4::text IS NULL AND $6::text IS NULL OR t.agencies @> jsonb_build_array("  \
    "        jsonb_strip_nulls(jsonb_build_object('agency', $4::text, 'role', $5::text," \
    "                                             'mode', $6::text))))"                  \
    "   AND ($7::text IS NULL OR t.status = $7)"                                         \
    "   AND ($8::boolean IS NULL OR " LIST_OVERDUE " = $8::boolean)"                     \
    "   AND ($9::date IS NULL OR t.due_date < $9::date)"                                 \
    "   AND ($10::date IS NULL OR t.due_date > $10::date)"                               \
    "   AND ($11::text IS NULL OR t.search_text LIKE planmon_search_pattern($11)"        \
    "        AND t.search_text ~ planmon_search_words($11))"                             \
    "   AND ($12::timestamptz IS NULL OR t.updated_at >= $12::timestamptz)"              \
    "   AND ($13::boolean OR " VISIBLE ")"                                               \
    "   AND ($18::text IS NULL OR planmon_task_inferred(t.agencies, t.due_basis)"        \
    "                             = ($18::text = 'inferred'))"

static const char list_sql[] =
    LIST_FILTERED " AND ($14::bigint IS NULL OR t.id > $14::bigint) ORDER BY t.id LIMIT $15::int";

/* ?sort= keys (task_sort_names), each ascending then descending; $19 the cursor's sort key. A
 * task without a due date comes after every dated one; statuses sort in the order of work. */
#define TASK_SORTED(KEY) DB_SORTED_PAGES(LIST_FILTERED, KEY, "l.id", "$19", "$14::bigint", "$15")
static const char *const sorted_sql[] = {
    TASK_SORTED("coalesce(l.due_date, '9999-12-31')"),
    TASK_SORTED("array_position(ARRAY['not_started', 'in_progress', 'done', 'cancelled'],"
                " l.status)::text"),
    TASK_SORTED("lpad(l.percent_done::text, 3, '0')"),
    TASK_SORTED(DB_NAME_KEY("l.title")),
};
const char *const task_sort_names[] = {"due_date", "status", "percent", "title", NULL};
DB_SORTS_MATCH(sorted_sql, task_sort_names);

static const char count_sql[] = DB_COUNT(LIST_FILTERED, "$14::text, $15::text, $19::text");

/* $1 id $2 include archived (the task's or its plan's) $3 today $4 zone */
static const char get_sql[] =
    TASK_SELECT("$3::date", "$4") " WHERE t.id = $1::bigint AND ($2::boolean OR " VISIBLE ")";
static const char get_locked_sql[] =
    TASK_SELECT("$3::date", "$4") " WHERE t.id = $1::bigint AND ($2::boolean OR " VISIBLE
                                  ") FOR UPDATE OF t";

/* $1 plan $2 section $3 parent $4 self $5 agencies $6 check the plan: which references fail. */
static const char references_sql[] =
    "SELECT $6::boolean AND NOT EXISTS (SELECT 1 FROM plan WHERE id = $1::bigint"
    "                                     AND archived_at IS NULL) AS plan,"
    "       $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_section WHERE"
    "           plan = $1::bigint AND code = $2 AND archived_at IS NULL) AS section,"
    "       $3::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task WHERE id = $3::bigint"
    "                                                AND plan = $1::bigint) AS parent,"
    "       $3::bigint IS NOT NULL AND $4::bigint IS NOT NULL AND EXISTS ("
    "           WITH RECURSIVE up (id, parent_id) AS ("
    "               SELECT id, parent_id FROM task WHERE id = $3::bigint"
    "               UNION SELECT t.id, t.parent_id FROM task t JOIN up ON t.id = up.parent_id)"
    "           SELECT 1 FROM up WHERE up.id = $4::bigint) AS cycle,"
    "       planmon_unknown_agencies($5::jsonb) AS agencies";

static const db_reference references[] = {
    {"plan", "plan", NULL, "unknown", MSG("names no plan that is open for changes")},
    {"section", "section", NULL, "unknown", MSG("names no section of the task's plan")},
    {"parent", "parent_id", NULL, "unknown", MSG("names no task of the same plan")},
    {"cycle", "parent_id", NULL, "cycle", MSG("would make the task a part of itself")},
    {"agencies", "agencies", ".agency", "unknown", MSG("names no agency")},
};

/* The columns a caller writes. A task's status and percent are not among them: they follow from
 * its progress updates (task_repo_apply_state), so that every change of state has a date. */
static const char *const columns[] = {"plan",          "section",     "parent_id",   "key",
                                      "source_clause", "title",       "title_en",    "description",
                                      "agencies",      "start_date",  "due_date",    "recurrence",
                                      "due_basis",     "start_basis", "title_basis", "due_days"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

#define INSERT_INTO                                                                         \
    "INSERT INTO task (plan, section, parent_id, key, source_clause, title, title_en,"      \
    "                  description, agencies, start_date, due_date, recurrence, due_basis," \
    "                  start_basis, title_basis, due_days)"

/* The columns as $1..$16. */
static const char insert_sql[] =
    INSERT_INTO " VALUES ($1::bigint, $2, $3::bigint, $4, $5, $6, $7, coalesce($8, ''),"
                "         planmon_task_agencies($9::jsonb), $10::date, $11::date,"
                "         coalesce($12, 'none'), $13, $14, $15, $16::int) RETURNING id";

/* As insert_sql, with $3 the parent's key. A task the plan has keeps what it has but receives
 * the provenance of its dates and title where it lacks it (a database seeded before 0018). */
static const char seed_sql[] =
    INSERT_INTO " VALUES ($1::bigint, $2,"
                "         (SELECT id FROM task WHERE plan = $1::bigint AND key = $3),"
                "         $4, $5, $6, $7, coalesce($8, ''), planmon_task_agencies($9::jsonb),"
                "         $10::date, $11::date, coalesce($12, 'none'), $13, $14, $15, $16::int)"
                " ON CONFLICT (plan, key) DO UPDATE"
                " SET due_basis = coalesce(task.due_basis, excluded.due_basis),"
                "     start_basis = coalesce(task.start_basis, excluded.start_basis),"
                "     title_basis = coalesce(task.title_basis, excluded.title_basis)"
                " WHERE (task.due_basis IS NULL AND excluded.due_basis IS NOT NULL)"
                "    OR (task.start_basis IS NULL AND excluded.start_basis IS NOT NULL)"
                "    OR (task.title_basis IS NULL AND excluded.title_basis IS NOT NULL)";

/* The columns but plan as $1..$15, $16 present fields, $17 id $18 version. */
static const char update_sql[] =
    "UPDATE task SET"
    "  section = CASE WHEN 'section' = ANY($16::text[]) THEN $1 ELSE section END,"
    "  parent_id = CASE WHEN 'parent_id' = ANY($16::text[]) THEN $2::bigint ELSE parent_id END,"
    "  key = CASE WHEN 'key' = ANY($16::text[]) THEN $3 ELSE key END,"
    "  source_clause = CASE WHEN 'source_clause' = ANY($16::text[]) THEN $4 ELSE source_clause END,"
    "  title = CASE WHEN 'title' = ANY($16::text[]) THEN $5 ELSE title END,"
    "  title_en = CASE WHEN 'title_en' = ANY($16::text[]) THEN $6 ELSE title_en END,"
    "  description = CASE WHEN 'description' = ANY($16::text[]) THEN coalesce($7, '')"
    "                ELSE description END,"
    "  agencies = CASE WHEN 'agencies' = ANY($16::text[]) THEN planmon_task_agencies($8::jsonb)"
    "             ELSE agencies END,"
    "  start_date = CASE WHEN 'start_date' = ANY($16::text[]) THEN $9::date ELSE start_date END,"
    "  due_date = CASE WHEN 'due_date' = ANY($16::text[]) THEN $10::date ELSE due_date END,"
    "  recurrence = CASE WHEN 'recurrence' = ANY($16::text[]) THEN $11 ELSE recurrence END,"
    "  due_basis = CASE WHEN 'due_basis' = ANY($16::text[]) THEN $12 ELSE due_basis END,"
    "  start_basis = CASE WHEN 'start_basis' = ANY($16::text[]) THEN $13 ELSE start_basis END,"
    "  title_basis = CASE WHEN 'title_basis' = ANY($16::text[]) THEN $14 ELSE title_basis END,"
    "  due_days = CASE WHEN 'due_days' = ANY($16::text[]) THEN $15::int ELSE due_days END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $17::bigint AND version = $18::int AND archived_at IS NULL RETURNING id";

static const char archive_sql[] =
    "UPDATE task SET archived_at = CASE WHEN $3::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int"
    "   AND (archived_at IS NULL) = $3::boolean RETURNING id";

#define UPDATE_SELECT                                                                      \
    "SELECT u.id, u.task_id AS task, u.occurred_on::text AS occurred_on, u.occurrence,"    \
    "       u.note, u.percent_done, u.status, u.previous_status, u.previous_percent_done," \
    "       u.evidence, u.author, u.agency, planmon_utc(u.created_at) AS created_at,"      \
    "       u.late_entry"                                                                  \
    " FROM task_update u"

/* $1 task $2 note $3 percent $4 status $5 occurrence $6 occurred on $7 late entry $8 evidence
 * $9 previous status $10 previous percent $11 author $12 agency */
static const char add_update_sql[] =
    "INSERT INTO task_update (task_id, note, percent_done, status, occurrence, occurred_on,"
    "                         late_entry, evidence, previous_status, previous_percent_done,"
    "                         author, agency)"
    " VALUES ($1::bigint, $2, $3::smallint, $4, $5, $6::date, $7::boolean,"
    "         coalesce($8::jsonb, '[]'), $9, $10::smallint, $11, $12) RETURNING id";

/* $1 task $2 day: its status and percent at the end of that day ('infinity': now). */
static const char state_sql[] =
    "SELECT s.status, s.percent_done FROM planmon_task_state($1::bigint, $2::date, " DB_KNOWN_NOW
    ") AS s";

/* $1 task $2 whether the version moves: the task takes the state its updates give it, if that
 * changes it. */
static const char apply_state_sql[] =
    "UPDATE task t SET status = s.status, percent_done = s.percent_done,"
    "       version = t.version + CASE WHEN $2::boolean THEN 1 ELSE 0 END, updated_at = now()"
    " FROM planmon_task_state($1::bigint, 'infinity', " DB_KNOWN_NOW ") AS s"
    " WHERE t.id = $1::bigint AND (t.status, t.percent_done) IS DISTINCT FROM"
    "                             (s.status, s.percent_done)";

/* $1 task: the first day an update of it may be dated, the later of its start and its plan's. */
static const char earliest_sql[] =
    "SELECT greatest(t.start_date, p.period_start)::text AS earliest"
    " FROM task t JOIN plan p ON p.id = t.plan WHERE t.id = $1::bigint";

/* $1 task $2 after id $3 limit + 1 */
static const char list_updates_sql[] =
    UPDATE_SELECT " WHERE u.task_id = $1::bigint AND ($2::bigint IS NULL OR u.id > $2::bigint)"
                  " ORDER BY u.id LIMIT $3::int";
static const char get_update_sql[] =
    UPDATE_SELECT " WHERE u.task_id = $1::bigint AND u.id = $2::bigint";

/* $1 agency $2 plan $3 today $4 zone: each task with the agency's role on it, its occurrences
 * past due and not done (planmon_overdue_occurrences), and what falls due next within 30 days
 * and is not done: an occurrence, or a one-off task's own due date. */
static const char responsibilities_sql[] =
    "SELECT t.id, t.plan, t.section, t.source_clause, t.title, e ->> 'role' AS role,"
    "       e ->> 'mode' AS mode, t.status, t.percent_done, t.due_date::text AS due_date,"
    "       t.due_basis, t.recurrence, " OVERDUE(
        "$3::date",
        "$4") " AS overdue,"
              "       (SELECT coalesce(json_agg(json_build_object('occurrence', o.period,"
              "                                                   'due', o.due::text) ORDER BY "
              "o.due), '[]')"
              "        FROM planmon_overdue_occurrences(t.id, $3::date, " DB_KNOWN_NOW ", $4) AS o"
              "        WHERE t.status IN ('not_started', 'in_progress')) AS overdue_occurrences,"
              "       (SELECT json_build_object('occurrence', n.period, 'due', n.due::text)"
              "        FROM (SELECT o.period, o.due FROM task_occurrence o"
              "              WHERE o.task = t.id AND o.retired_at IS NULL"
              "                AND o.due BETWEEN $3::date AND $3::date + 30"
              "                AND NOT planmon_occurrence_done(o.task, o.period, o.obligation, "
              "$3::date,"
              "                                                " DB_KNOWN_NOW ", $4)"
              "              UNION ALL"
              "              SELECT NULL, t.due_date WHERE t.recurrence = 'none'"
              "                AND t.due_date BETWEEN $3::date AND $3::date + 30) AS n"
              "        WHERE t.status IN ('not_started', 'in_progress')"
              "        ORDER BY n.due LIMIT 1) AS next_due"
              " FROM task t JOIN plan p ON p.id = t.plan"
              " CROSS JOIN LATERAL jsonb_array_elements(t.agencies) AS e"
              " WHERE t.agencies @> jsonb_build_array(jsonb_build_object('agency', $1::text))"
              "   AND e ->> 'agency' = $1 AND " VISIBLE
              "   AND ($2::bigint IS NULL OR t.plan = $2::bigint)"
              " ORDER BY t.id";

static const char *const id_key[] = {"id"};

static const char stale[] = MSG("The task was changed meanwhile; read it again.");

pm_status task_repo_list(PGconn *conn, const task_filter *f, const page_request *page,
                         page_result *out, pm_error *err)
{
    static const char *const sorted_keys[] = {"id", "_sort"};
    char limit[16], today[11];
    if ((page->sort ? page_bind_sorted(page, true, limit, err) : page_bind(page, 1, 1, limit, err)))
        return PM_INVALID_PARAMETER;
    clock_today_text(today);
    const char *params[] = {f->plan,
                            f->section,
                            f->parent_id,
                            f->agency,
                            f->role,
                            f->mode,
                            f->status,
                            f->overdue,
                            f->due_before,
                            f->due_after,
                            f->q,
                            f->updated_since,
                            f->include_archived ? "true" : "false",
                            page_after(page, 0),
                            limit,
                            today,
                            clock_zone(),
                            f->source,
                            page_after(page, 1)};
    pm_status st = page->sort
                       ? db_fetch_page(conn, sorted_sql[db_sorted_index(page)], 19, params, page,
                                       sorted_keys, 2, out, err)
                       : db_fetch_page(conn, list_sql, 18, params, page, id_key, 1, out, err);
    return st == PM_OK && page->count ? db_count(conn, count_sql, 19, params, out, err) : st;
}

pm_status task_repo_get(PGconn *conn, const char *id, bool include_archived, bool lock,
                        json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {id, include_archived ? "true" : "false", today, clock_zone()};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 4, params,
                        MSG("There is no such task."), out, err);
}

pm_status task_repo_check_references(PGconn *conn, const json_t *task, const char *self,
                                     pm_error *err)
{
    static const char *const checked[] = {"plan", "section", "parent_id"};
    static const char *const agencies[] = {"agencies"};
    db_params p = {0};
    db_params_add_fields(&p, task, checked, 3);
    db_params_add(&p, self);
    db_params_add_fields(&p, task, agencies, 1);
    db_params_add(&p, self ? "false" : "true");
    pm_status st = db_check_references(conn, references_sql, p.count, p.values, references,
                                       sizeof references / sizeof references[0], err);
    db_params_clear(&p);
    return st;
}

static pm_status key_taken(pm_status st, pm_error *err)
{
    if (st != PM_CONFLICT)
        return st;
    pm_error_reset(err);
    return pm_fail_field(err, PM_CONFLICT, "key", "taken",
                         MSG("The plan has a task with this key."));
}

pm_status task_repo_create(PGconn *conn, const json_t *fields, char *id_out, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    PGresult *res;
    pm_status st = key_taken(db_exec(conn, insert_sql, p.count, p.values, &res, err), err);
    db_params_clear(&p);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status task_repo_seed(PGconn *conn, const char *plan, const json_t *fields,
                         const char *parent_key, int *added, pm_error *err)
{
    db_params p = {0};
    db_params_add(&p, plan);
    db_params_add_fields(&p, fields, columns + 1, 1); /* section */
    db_params_add(&p, parent_key);
    db_params_add_fields(&p, fields, columns + 3, NCOLUMNS - 3);
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

pm_status task_repo_update(PGconn *conn, const char *id, long long version, const json_t *fields,
                           pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add_present(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    pm_status st = key_taken(db_change_one(conn, update_sql, p.count, p.values, stale, err), err);
    db_params_clear(&p);
    return st;
}

pm_status task_repo_set_archived(PGconn *conn, const char *id, long long version, bool archive,
                                 pm_error *err)
{
    const char *keys[] = {id};
    return db_set_archived(conn, archive_sql, keys, 1, version, archive,
                           MSG("The task was changed meanwhile; read it again."), err);
}

pm_status task_repo_add_update(PGconn *conn, const char *task, const json_t *previous,
                               const json_t *update, const char *author, const char *agency,
                               char *id_out, pm_error *err)
{
    static const char *const update_columns[] = {
        "note", "percent_done", "status", "occurrence", "occurred_on", "late_entry", "evidence"};
    static const char *const state[] = {"status", "percent_done"};
    db_params p = {0};
    db_params_add(&p, task);
    db_params_add_fields(&p, update, update_columns, 7);
    db_params_add_fields(&p, previous, state, 2);
    db_params_add(&p, author);
    db_params_add(&p, agency);
    PGresult *res;
    pm_status st = db_exec(conn, add_update_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status task_repo_state(PGconn *conn, const char *task, const char *day, json_t **out,
                          pm_error *err)
{
    const char *params[] = {task, day ? day : "infinity"};
    return db_fetch_one(conn, state_sql, 2, params, MSG("There is no such task."), out, err);
}

pm_status task_repo_apply_state(PGconn *conn, const char *task, bool new_version, pm_error *err)
{
    const char *params[] = {task, new_version ? "true" : "false"};
    return db_exec(conn, apply_state_sql, 2, params, NULL, err);
}

pm_status task_repo_earliest(PGconn *conn, const char *task, char *day, pm_error *err)
{
    const char *params[] = {task};
    return db_fetch_text(conn, earliest_sql, 1, params, MSG("There is no such task."), day, 11,
                         err);
}

pm_status task_repo_list_updates(PGconn *conn, const char *task, const page_request *page,
                                 page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {task, page_after(page, 0), limit};
    return db_fetch_page(conn, list_updates_sql, 3, params, page, id_key, 1, out, err);
}

pm_status task_repo_get_update(PGconn *conn, const char *task, const char *id, json_t **out,
                               pm_error *err)
{
    const char *params[] = {task, id};
    return db_fetch_one(conn, get_update_sql, 2, params, MSG("There is no such update."), out, err);
}

pm_status task_repo_responsibilities(PGconn *conn, const char *agency, const char *plan,
                                     json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {agency, plan, today, clock_zone()};
    return db_fetch_all(conn, responsibilities_sql, 4, params, out, err);
}

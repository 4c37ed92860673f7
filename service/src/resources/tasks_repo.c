/* tasks_repo.c: tasks, progress updates, responsibilities (see tasks_repo.h). */
#include "resources/tasks_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"
#include "domain/clock.h"

const char *const task_statuses[] = {"not_started", "in_progress", "done", "cancelled", NULL};
const char *const task_recurrences[] = {"none", "monthly", "six_monthly", "yearly", NULL};
const char *const task_roles[] = {"lead", "coordinate", NULL};
const char *const task_modes[] = {"assigned", "requested", NULL};
const char *const task_sources[] = {"text", "inferred", NULL};

/* Derived at read time from the dates, the status and TODAY (the parameter holding
 * clock_today), never stored. */
#define OVERDUE(TODAY)                                                              \
    "coalesce(t.archived_at IS NULL AND t.status IN ('not_started', 'in_progress')" \
    "         AND t.due_date < " TODAY ", false)"

/* Visible to a caller who does not see archived rows: neither the task nor its plan archived. */
#define VISIBLE "(t.archived_at IS NULL AND p.archived_at IS NULL)"

#define TASK_SELECT(TODAY)                                                                      \
    "SELECT t.id, t.plan, t.section, t.parent_id, t.key, t.source_clause, t.title, t.title_en," \
    "       t.description, planmon_task_agencies_json(t.agencies) AS agencies,"                 \
    "       t.start_date::text AS start_date, t.due_date::text AS due_date, t.recurrence,"      \
    "       t.status, t.percent_done, " OVERDUE(                                                \
        TODAY) " AS overdue, t.version,"                                                        \
               "       planmon_utc(t.created_at) AS created_at, planmon_utc(t.updated_at) AS "  \
               "updated_at,"                                                                    \
               "       planmon_utc(t.archived_at) AS archived_at"                               \
               " FROM task t JOIN plan p ON p.id = t.plan"

/* $1 plan $2 section $3 parent $4 agency $5 role $6 mode $7 status $8 overdue $9 due before
 * $10 due after $11 q $12 updated since $13 include archived $14 after id $15 limit + 1
 * $16 today */
static const char list_sql[] = TASK_SELECT(
    "$16::date") " WHERE ($1::bigint IS NULL OR t.plan = $1::bigint)"
                 "   AND ($2::text IS NULL OR t.section = $2)"
                 "   AND ($3::bigint IS NULL OR t.parent_id = $3::bigint)"
                 "   AND ($4::text IS NULL AND $6::text IS NULL OR t.agencies @> jsonb_build_array("
                 "        jsonb_strip_nulls(jsonb_build_object('agency', $4::text, 'role', "
                 "$5::text,"
                 "                                             'mode', $6::text))))"
                 "   AND ($7::text IS NULL OR t.status = $7)"
                 "   AND ($8::boolean IS NULL OR " OVERDUE(
                     "$16::date") " = $8::boolean)"
                                  "   AND ($9::date IS NULL OR t.due_date < $9::date)"
                                  "   AND ($10::date IS NULL OR t.due_date > $10::date)"
                                  "   AND ($11::text IS NULL OR t.search_text LIKE "
                                  "planmon_search_pattern($11)"
                                  "        AND t.search_text ~ planmon_search_words($11))"
                                  "   AND ($12::timestamptz IS NULL OR t.updated_at >= "
                                  "$12::timestamptz)"
                                  "   AND ($13::boolean OR " VISIBLE ")"
                                  "   AND ($14::bigint IS NULL OR t.id > $14::bigint)"
                                  " ORDER BY t.id LIMIT $15::int";

/* $1 id $2 include archived (the task's or its plan's) $3 today */
static const char get_sql[] =
    TASK_SELECT("$3::date") " WHERE t.id = $1::bigint AND ($2::boolean OR " VISIBLE ")";
static const char get_locked_sql[] =
    TASK_SELECT("$3::date") " WHERE t.id = $1::bigint AND ($2::boolean OR " VISIBLE
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
    "       (SELECT coalesce(array_agg(n - 1 ORDER BY n), '{}')"
    "        FROM jsonb_array_elements(coalesce($5::jsonb, '[]')) WITH ORDINALITY AS a (e, n)"
    "        WHERE NOT EXISTS (SELECT 1 FROM agency WHERE code = e ->> 'agency'))::text"
    "         AS agencies";

static const db_reference references[] = {
    {"plan", "plan", NULL, "unknown", "names no plan that is open for changes"},
    {"section", "section", NULL, "unknown", "names no section of the task's plan"},
    {"parent", "parent_id", NULL, "unknown", "names no task of the same plan"},
    {"cycle", "parent_id", NULL, "cycle", "would make the task a part of itself"},
    {"agencies", "agencies", ".agency", "unknown", "names no agency"},
};

static const char *const columns[] = {
    "plan",        "section",  "parent_id",  "key",      "source_clause", "title",  "title_en",
    "description", "agencies", "start_date", "due_date", "recurrence",    "status", "percent_done"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static const char insert_sql[] =
    "INSERT INTO task (plan, section, parent_id, key, source_clause, title, title_en,"
    "                  description, agencies, start_date, due_date, recurrence, status,"
    "                  percent_done)"
    " VALUES ($1::bigint, $2, $3::bigint, $4, $5, $6, $7, coalesce($8, ''),"
    "         planmon_task_agencies($9::jsonb), $10::date, $11::date, coalesce($12, 'none'),"
    "         coalesce($13, 'not_started'), coalesce($14::smallint, 0)) RETURNING id";

/* As insert_sql, with $3 the parent's key. */
static const char seed_sql[] =
    "INSERT INTO task (plan, section, parent_id, key, source_clause, title, title_en,"
    "                  description, agencies, start_date, due_date, recurrence, status,"
    "                  percent_done)"
    " VALUES ($1::bigint, $2, (SELECT id FROM task WHERE plan = $1::bigint AND key = $3),"
    "         $4, $5, $6, $7, coalesce($8, ''), planmon_task_agencies($9::jsonb), $10::date,"
    "         $11::date, coalesce($12, 'none'), coalesce($13, 'not_started'),"
    "         coalesce($14::smallint, 0))"
    " ON CONFLICT (plan, key) DO NOTHING";

/* The columns but plan as $1..$13, $14 present fields, $15 id $16 version. */
static const char update_sql[] =
    "UPDATE task SET"
    "  section = CASE WHEN 'section' = ANY($14::text[]) THEN $1 ELSE section END,"
    "  parent_id = CASE WHEN 'parent_id' = ANY($14::text[]) THEN $2::bigint ELSE parent_id END,"
    "  key = CASE WHEN 'key' = ANY($14::text[]) THEN $3 ELSE key END,"
    "  source_clause = CASE WHEN 'source_clause' = ANY($14::text[]) THEN $4"
    "                  ELSE source_clause END,"
    "  title = CASE WHEN 'title' = ANY($14::text[]) THEN $5 ELSE title END,"
    "  title_en = CASE WHEN 'title_en' = ANY($14::text[]) THEN $6 ELSE title_en END,"
    "  description = CASE WHEN 'description' = ANY($14::text[]) THEN coalesce($7, '')"
    "                ELSE description END,"
    "  agencies = CASE WHEN 'agencies' = ANY($14::text[]) THEN planmon_task_agencies($8::jsonb)"
    "             ELSE agencies END,"
    "  start_date = CASE WHEN 'start_date' = ANY($14::text[]) THEN $9::date ELSE start_date END,"
    "  due_date = CASE WHEN 'due_date' = ANY($14::text[]) THEN $10::date ELSE due_date END,"
    "  recurrence = CASE WHEN 'recurrence' = ANY($14::text[]) THEN $11 ELSE recurrence END,"
    "  status = CASE WHEN 'status' = ANY($14::text[]) THEN $12 ELSE status END,"
    "  percent_done = CASE WHEN 'percent_done' = ANY($14::text[]) THEN $13::smallint"
    "                 ELSE percent_done END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $15::bigint AND version = $16::int AND archived_at IS NULL RETURNING id";

static const char archive_sql[] =
    "UPDATE task SET archived_at = CASE WHEN $3::boolean THEN now() END,"
    "       version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int"
    "   AND (archived_at IS NULL) = $3::boolean RETURNING id";

#define UPDATE_SELECT                                                                      \
    "SELECT u.id, u.task_id AS task, u.note, u.percent_done, u.status, u.previous_status," \
    "       u.previous_percent_done, u.evidence, u.author, u.agency,"                      \
    "       planmon_utc(u.created_at) AS created_at"                                       \
    " FROM task_update u"

/* $1 task $2 note $3 percent $4 status $5 previous status $6 previous percent $7 evidence
 * $8 author $9 agency */
static const char add_update_sql[] =
    "INSERT INTO task_update (task_id, note, percent_done, status, previous_status,"
    "                         previous_percent_done, evidence, author, agency)"
    " VALUES ($1::bigint, $2, $3::smallint, $4, $5, $6::smallint, coalesce($7::jsonb, '[]'),"
    "         $8, $9) RETURNING id";

/* $1 task $2 status $3 percent $4 version: the update's effect on its task. */
static const char apply_update_sql[] =
    "UPDATE task SET status = $2, percent_done = $3::smallint,"
    "       version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $4::int AND archived_at IS NULL RETURNING id";

/* $1 task $2 after id $3 limit + 1 */
static const char list_updates_sql[] =
    UPDATE_SELECT " WHERE u.task_id = $1::bigint AND ($2::bigint IS NULL OR u.id > $2::bigint)"
                  " ORDER BY u.id LIMIT $3::int";
static const char get_update_sql[] =
    UPDATE_SELECT " WHERE u.task_id = $1::bigint AND u.id = $2::bigint";

/* $1 agency $2 plan $3 today */
static const char responsibilities_sql[] =
    "SELECT t.id, t.plan, t.section, t.source_clause, t.title, e ->> 'role' AS role,"
    "       e ->> 'mode' AS mode, t.status, t.percent_done, t.due_date::text AS due_date,"
    "       t.recurrence, " OVERDUE(
        "$3::date") " AS overdue"
                    " FROM task t JOIN plan p ON p.id = t.plan"
                    " CROSS JOIN LATERAL jsonb_array_elements(t.agencies) AS e"
                    " WHERE t.agencies @> jsonb_build_array(jsonb_build_object('agency', $1::text))"
                    "   AND e ->> 'agency' = $1 AND " VISIBLE
                    "   AND ($2::bigint IS NULL OR t.plan = $2::bigint)"
                    " ORDER BY t.id";

static const char *const id_key[] = {"id"};

static const char stale[] = "The task was changed meanwhile; read it again.";

pm_status task_repo_list(PGconn *conn, const task_filter *f, const page_request *page,
                         page_result *out, pm_error *err)
{
    char limit[16], today[11];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
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
                            today};
    return db_fetch_page(conn, list_sql, 16, params, page, id_key, 1, out, err);
}

pm_status task_repo_get(PGconn *conn, const char *id, bool include_archived, bool lock,
                        json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {id, include_archived ? "true" : "false", today};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 3, params, "There is no such task.",
                        out, err);
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
    return pm_fail_field(err, PM_CONFLICT, "key", "taken", "The plan has a task with this key.");
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
                           "The task was changed meanwhile; read it again.", err);
}

pm_status task_repo_add_update(PGconn *conn, const json_t *previous, const json_t *update,
                               const char *author, const char *agency, char *id_out, pm_error *err)
{
    static const char *const update_columns[] = {"note", "percent_done", "status"};
    static const char *const evidence[] = {"evidence"};
    static const char *const task_state[] = {"id", "status", "percent_done"};
    const char *task = NULL;
    db_params p = {0};
    db_params_add_fields(&p, previous, task_state, 1);
    task = p.values[0];
    db_params_add_fields(&p, update, update_columns, 3);
    db_params_add_fields(&p, previous, task_state + 1, 2);
    db_params_add_fields(&p, update, evidence, 1);
    db_params_add(&p, author);
    db_params_add(&p, agency);
    PGresult *res;
    pm_status st = db_exec(conn, add_update_sql, p.count, p.values, &res, err);
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    /* The task takes the update's status and percent where it gives them. */
    const json_t *status = json_object_get(update, "status");
    const json_t *percent = json_object_get(update, "percent_done");
    const char *new_status = json_is_string(status)
                                 ? json_string_value(status)
                                 : json_string_value(json_object_get(previous, "status"));
    long long new_percent = json_is_integer(percent)
                                ? json_integer_value(percent)
                                : json_integer_value(json_object_get(previous, "percent_done"));
    bool changes =
        strcmp(new_status, json_string_value(json_object_get(previous, "status"))) != 0 ||
        new_percent != json_integer_value(json_object_get(previous, "percent_done"));
    if (st == PM_OK && changes) {
        db_params q = {0};
        db_params_add(&q, task);
        db_params_add(&q, new_status);
        db_params_add_int(&q, new_percent);
        db_params_add_int(&q, json_integer_value(json_object_get(previous, "version")));
        st = db_change_one(conn, apply_update_sql, q.count, q.values, stale, err);
        db_params_clear(&q);
    }
    db_params_clear(&p);
    return st;
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
    return db_fetch_one(conn, get_update_sql, 2, params, "There is no such update.", out, err);
}

pm_status task_repo_responsibilities(PGconn *conn, const char *agency, const char *plan,
                                     json_t **out, pm_error *err)
{
    char today[11];
    clock_today_text(today);
    const char *params[] = {agency, plan, today};
    return db_fetch_all(conn, responsibilities_sql, 3, params, out, err);
}

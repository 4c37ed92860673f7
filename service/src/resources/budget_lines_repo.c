/* budget_lines_repo.c: budget lines and the funding roll-up (see budget_lines_repo.h). */
#include "resources/budget_lines_repo.h"

#include <stdio.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"

const char *const budget_line_check_fields[] = {"district_line", "callers_district", NULL};

#define UTC_TEXT(T) "to_char(" T " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define LINE_COLUMNS                                                                              \
    "SELECT l.id, l.plan, l.year, l.agency, l.source, l.section, l.task, l.description,"          \
    "       l.estimate, l.status, l.appraised, l.appraisal_note, l.allocated, l.decision_number," \
    "       l.decision_date::text AS decision_date, l.status_note, l.spent, l.disbursements,"     \
    "       l.over_allocation,"                                                                   \
    "       CASE WHEN l.allocated > 0 THEN round(l.spent::numeric / l.allocated, 4)::float8"      \
    "       END AS spent_share,"                                                                  \
    "       l.created_by, l.version, " UTC_TEXT("l.created_at") " AS created_at, " UTC_TEXT(      \
        "l.updated_at") " AS updated_at"

/* The line's agency and its unit, for the read rule and the steps, and the reader's People's
 * Committee's unit ($1: the reader's agency), looked up once per statement. */
#define LINE_WITH_UNIT                                         \
    " FROM budget_line l JOIN agency la ON la.code = l.agency" \
    " LEFT JOIN admin_unit lu ON lu.code = la.unit"
#define LINE_FROM LINE_WITH_UNIT " CROSS JOIN (SELECT planmon_scope_unit($1) AS unit) vu"

/* Whether the reader ($1 agency, $2 reads all, its People's Committee's unit UNIT) may read line
 * l. Its arguments must be columns and parameters, so that PostgreSQL inlines the function
 * rather than calling it for every row (a roll-up over 20,000 lines spent 58 ms in those calls,
 * and 8 ms over 1,600 when UNIT was planmon_scope_unit($1) itself: tests/bench/funding). */
#define LINE_VISIBLE_TO(UNIT) \
    "planmon_budget_line_visible(l.status, l.agency, lu.path, $1, " UNIT ", $2::boolean)"
#define LINE_VISIBLE LINE_VISIBLE_TO("vu.unit")

/* $1 reader's agency $2 reads all $3 id */
#define GET_SQL                                                                            \
    LINE_COLUMNS                                                                           \
    ", la.kind = 'people_committee' AND coalesce(lu.level, 1) >= 2 AS district_line,"      \
    " EXISTS (SELECT 1 FROM admin_unit cu WHERE cu.code = vu.unit"                         \
    "         AND cu.level = 2 AND cu.code = ANY (lu.path)) AS callers_district" LINE_FROM \
    " WHERE l.id = $3::bigint AND " LINE_VISIBLE
static const char get_sql[] = GET_SQL;
static const char get_locked_sql[] = GET_SQL " FOR UPDATE OF l";

/* $1 reader's agency $2 reads all $3 plan $4 year $5 agency $6 source $7 status $8 task
 * $9 section $10 after id $11 limit + 1 */
static const char list_sql[] =
    LINE_COLUMNS LINE_FROM " WHERE " LINE_VISIBLE " AND ($3::bigint IS NULL OR l.plan = $3::bigint)"
                           "   AND ($4::int IS NULL OR l.year = $4::int)"
                           "   AND ($5::text IS NULL OR l.agency = $5)"
                           "   AND ($6::text IS NULL OR l.source = $6)"
                           "   AND ($7::text IS NULL OR l.status = $7)"
                           "   AND ($8::bigint IS NULL OR l.task = $8::bigint)"
                           "   AND ($9::text IS NULL OR l.section = $9)"
                           "   AND ($10::bigint IS NULL OR l.id > $10::bigint)"
                           " ORDER BY l.id LIMIT $11::int";

/* $1 plan $2 agency $3 source $4 task $5 section $6 year: which reference names nothing, and the
 * task's section */
static const char check_sql[] =
    "SELECT NOT EXISTS (SELECT 1 FROM plan WHERE id = $1::bigint AND archived_at IS NULL),"
    "       NOT EXISTS (SELECT 1 FROM agency WHERE code = $2),"
    "       NOT EXISTS (SELECT 1 FROM funding_source WHERE code = $3 AND archived_at IS NULL),"
    "       $4::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task WHERE id = $4::bigint"
    "                                  AND plan = $1::bigint AND archived_at IS NULL),"
    "       $5::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_section WHERE plan = $1::bigint"
    "                                  AND code = $5 AND archived_at IS NULL),"
    "       coalesce((SELECT section FROM task WHERE id = $4::bigint), ''),"
    "       $6::int IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan WHERE id = $1::bigint"
    "          AND $6::int BETWEEN extract(year FROM period_start) AND extract(year FROM "
    "period_end))";

/* $1 plan $2 year $3 agency $4 source $5 section $6 task $7 description $8 estimate
 * $9 created_by */
static const char insert_sql[] =
    "INSERT INTO budget_line (plan, year, agency, source, section, task, description, estimate,"
    "                         created_by)"
    " VALUES ($1::bigint, $2::int, $3, $4, $5, $6::bigint, $7, $8::bigint, $9) RETURNING id::text";

static const char *const patch_columns[] = {"year", "source", "task", "description", "estimate"};
enum { NPATCH = sizeof patch_columns / sizeof patch_columns[0] };

/* $1..$5 the patch columns, $6 present fields, $7 section $8 id $9 version */
static const char update_sql[] =
    "UPDATE budget_line SET"
    "  year = CASE WHEN 'year' = ANY($6::text[]) THEN $1::int ELSE year END,"
    "  source = CASE WHEN 'source' = ANY($6::text[]) THEN $2 ELSE source END,"
    "  task = CASE WHEN 'task' = ANY($6::text[]) THEN $3::bigint ELSE task END,"
    "  description = CASE WHEN 'description' = ANY($6::text[]) THEN $4 ELSE description END,"
    "  estimate = CASE WHEN 'estimate' = ANY($6::text[]) THEN $5::bigint ELSE estimate END,"
    "  section = $7, version = version + 1, updated_at = now()"
    " WHERE id = $8::bigint AND version = $9::int AND status = 'draft' RETURNING id";

static const char delete_sql[] =
    "DELETE FROM budget_line WHERE id = $1::bigint AND version = $2::int AND status = 'draft'"
    " RETURNING id";

/* $1 id $2 version $3 status $4 appraised $5 allocated $6 decision_number $7 decision_date
 * $8 note */
static const char step_sql[] =
    "UPDATE budget_line SET status = $3,"
    "  appraised = coalesce($4::bigint, appraised),"
    "  appraisal_note = CASE WHEN $3 = 'appraised' THEN $8 ELSE appraisal_note END,"
    "  allocated = coalesce($5::bigint, allocated),"
    "  decision_number = coalesce($6, decision_number),"
    "  decision_date = coalesce($7::date, decision_date),"
    "  status_note = CASE WHEN $3 <> 'appraised' THEN $8 ELSE status_note END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int RETURNING id";

/* The funding roll-up ($1 reader's agency $2 reads all $3 plan $4 year $5 group_by): the groups,
 * then the total (key and name null, total_row true). It reads the sums kept by migration 0027
 * (funding_total), and the lines themselves only where the read rule depends on the reader:
 * proposed lines, which a reader who does not see every line (`sees_all`, as in
 * planmon_budget_line_visible) counts only when they are its own or its district's. Year groups
 * and the total come from the `source` rows, which count every line once. */
static const char rollup_sql[] =
    "WITH w AS MATERIALIZED ("
    "  SELECT $2::boolean OR coalesce($1 = planmon_finance_agency(), false) AS sees_all,"
    "         planmon_scope_unit($1) AS unit),"
    " parts AS ("
    "  SELECT CASE $5 WHEN 'year' THEN t.year::text ELSE nullif(t.key, '') END AS key, t.status,"
    "         t.lines, t.estimate, t.appraised, t.allocated, t.spent"
    "  FROM funding_total t, w"
    "  WHERE t.plan = $3::bigint AND ($4::int IS NULL OR t.year = $4::int)"
    "    AND t.dim = CASE $5 WHEN 'year' THEN 'source' ELSE $5 END"
    "    AND (w.sees_all OR t.status <> 'proposed')"
    "  UNION ALL"
    "  SELECT CASE $5 WHEN 'agency' THEN l.agency WHEN 'source' THEN l.source"
    "              WHEN 'section' THEN l.section WHEN 'task' THEN l.task::text"
    "              ELSE l.year::text END, l.status, 1, l.estimate, 0, 0, 0"
    " " LINE_WITH_UNIT ", w"
    "  WHERE NOT w.sees_all AND l.plan = $3::bigint AND ($4::int IS NULL OR l.year = $4::int)"
    "    AND l.status = 'proposed' AND " LINE_VISIBLE_TO(
        "w.unit") "),"
                  " g AS (SELECT p.key, sum(p.lines)::int AS lines, coalesce(sum(p.estimate), "
                  "0)::text AS proposed,"
                  "       coalesce(sum(p.appraised) FILTER (WHERE p.status <> 'proposed'), "
                  "0)::text AS appraised,"
                  "       coalesce(sum(p.allocated) FILTER (WHERE p.status = 'allocated'), 0) AS "
                  "allocated_n,"
                  "       coalesce(sum(p.spent) FILTER (WHERE p.status = 'allocated'), 0) AS "
                  "spent_n,"
                  "       GROUPING(p.key) = 1 AS is_total"
                  "  FROM parts p GROUP BY GROUPING SETS ((p.key), ())"
                  "  HAVING GROUPING(p.key) = 1 OR sum(p.lines) > 0)"
                  " SELECT g.key, CASE $5 WHEN 'agency' THEN (SELECT name FROM agency WHERE code = "
                  "g.key)"
                  "                 WHEN 'source' THEN (SELECT name FROM funding_source WHERE code "
                  "= g.key)"
                  "                 WHEN 'section' THEN (SELECT s.title FROM plan_section s"
                  "                                      WHERE s.plan = $3::bigint AND s.code = "
                  "g.key)"
                  "                 WHEN 'task' THEN (SELECT t.title FROM task t WHERE t.id::text "
                  "= g.key)"
                  "               END AS name,"
                  "        coalesce(g.lines, 0) AS lines, g.proposed, g.appraised, "
                  "g.allocated_n::text AS allocated,"
                  "        g.spent_n::text AS spent,"
                  "        CASE WHEN g.allocated_n > 0 THEN round(g.spent_n / g.allocated_n, "
                  "4)::float8"
                  "        END AS spent_share, g.is_total AS total_row"
                  " FROM g ORDER BY g.is_total, g.key NULLS LAST";

static const char *const id_key[] = {"id"};

pm_status budget_line_repo_check(PGconn *conn, const char *plan, const char *agency,
                                 const char *source, const char *task, const char *section,
                                 const char *year, char *task_section, size_t size, pm_error *err)
{
    const char *params[] = {plan, agency, source, task, section, year};
    PGresult *res = NULL;
    pm_status st = db_exec(conn, check_sql, 6, params, &res, err);
    if (st != PM_OK)
        return st;
    snprintf(task_section, size, "%s", PQgetvalue(res, 0, 5));
    if (PQgetvalue(res, 0, 0)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "plan", "unknown",
                           MSG("plan names no plan in force"));
    else if (PQgetvalue(res, 0, 1)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "agency", "unknown",
                           MSG("agency names no agency"));
    else if (PQgetvalue(res, 0, 2)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "source", "unknown",
                           MSG("source names no funding source"));
    else if (PQgetvalue(res, 0, 3)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "task", "unknown",
                           MSG("task names no task of the plan"));
    else if (PQgetvalue(res, 0, 4)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "section", "unknown",
                           MSG("section names no section of the plan"));
    else if (task && section && task_section[0] && strcmp(section, task_section) != 0)
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "section", "not_the_tasks",
                           MSG("section is not the section of the task"));
    else if (PQgetvalue(res, 0, 6)[0] == 't')
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "year", "outside_plan",
                           MSG("year is outside the plan's period"));
    PQclear(res);
    return st;
}

pm_status budget_line_repo_create(PGconn *conn, const json_t *fields, const char *agency,
                                  const char *section, const char *created_by, char *id,
                                  pm_error *err)
{
    static const char *const first[] = {"plan", "year"};
    static const char *const then[] = {"source"};
    static const char *const last[] = {"task", "description", "estimate"};
    db_params p = {0};
    db_params_add_fields(&p, fields, first, 2);
    db_params_add(&p, agency);
    db_params_add_fields(&p, fields, then, 1);
    db_params_add(&p, section);
    db_params_add_fields(&p, fields, last, 3);
    db_params_add(&p, created_by);
    pm_status st = db_fetch_text(conn, insert_sql, p.count, p.values, NULL, id, 24, err);
    db_params_clear(&p);
    return st;
}

pm_status budget_line_repo_get(PGconn *conn, const char *id, const line_reader *reader, bool lock,
                               json_t **out, pm_error *err)
{
    const char *params[] = {reader->agency, reader->reads_all ? "true" : "false", id};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 3, params,
                        MSG("There is no such budget line."), out, err);
}

pm_status budget_line_repo_list(PGconn *conn, const line_reader *reader, const line_filter *f,
                                const page_request *page, page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {reader->agency, reader->reads_all ? "true" : "false",
                            f->plan,        f->year,
                            f->agency,      f->source,
                            f->status,      f->task,
                            f->section,     page_after(page, 0),
                            limit};
    return db_fetch_page(conn, list_sql, 11, params, page, id_key, 1, out, err);
}

pm_status budget_line_repo_update(PGconn *conn, const char *id, long long version,
                                  const json_t *patch, const char *section, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, patch, patch_columns, NPATCH);
    db_params_add_present(&p, patch, patch_columns, NPATCH);
    db_params_add(&p, section);
    db_params_add(&p, id);
    db_params_add_int(&p, version);
    pm_status st = db_change_one(conn, update_sql, p.count, p.values,
                                 MSG("The budget line was changed meanwhile; read it again."), err);
    db_params_clear(&p);
    return st;
}

pm_status budget_line_repo_delete(PGconn *conn, const char *id, long long version, pm_error *err)
{
    char ver[24];
    snprintf(ver, sizeof ver, "%lld", version);
    const char *params[] = {id, ver};
    return db_change_one(conn, delete_sql, 2, params,
                         MSG("The budget line was changed meanwhile; read it again."), err);
}

pm_status budget_line_repo_step(PGconn *conn, const char *id, long long version,
                                const line_step_values *v, pm_error *err)
{
    char ver[24];
    snprintf(ver, sizeof ver, "%lld", version);
    const char *params[] = {
        id,     ver, v->status, v->appraised, v->allocated, v->decision_number, v->decision_date,
        v->note};
    return db_change_one(conn, step_sql, 8, params,
                         MSG("The budget line was changed meanwhile; read it again."), err);
}

pm_status budget_line_repo_rollup(PGconn *conn, const line_reader *reader, const char *plan,
                                  const char *year, const char *group_by, json_t **groups,
                                  json_t **total, pm_error *err)
{
    const char *params[] = {reader->agency, reader->reads_all ? "true" : "false", plan, year,
                            group_by};
    PGresult *res = NULL;
    *groups = *total = NULL;
    pm_status st = db_exec(conn, rollup_sql, 5, params, &res, err);
    if (st != PM_OK)
        return st;
    int total_col = PQfnumber(res, "total_row");
    *groups = json_array();
    for (int r = 0; r < PQntuples(res); r++) {
        json_t *row = db_row_to_json(res, r);
        json_object_del(row, "total_row");
        if (PQgetvalue(res, r, total_col)[0] == 't') {
            json_object_del(row, "key");
            json_object_del(row, "name");
            json_decref(*total);
            *total = row;
        } else {
            json_array_append_new(*groups, row);
        }
    }
    if (!*total) /* the empty grouping set makes its row even of no line: never here */
        st = pm_fail(err, PM_INTERNAL, MSG("The funding roll-up gave no total."));
    PQclear(res);
    return st;
}

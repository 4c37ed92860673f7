/* obligations_repo.c: reporting obligations and submissions (see obligations_repo.h). */
#include "resources/obligations_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/params.h"
#include "db/query.h"
#include "db/references.h"
#include "domain/clock.h"
#include "jsonutil.h"

const char *const obligation_frequencies[] = {"once",        "per_session", "monthly", "quarterly",
                                              "six_monthly", "yearly",      NULL};
const char *const obligation_modes[] = {"assigned", "requested", NULL};
const char *const obligation_expected_periods[] = {"all", "first_half", NULL};

#define OBLIGATION_SELECT                                                                      \
    "SELECT o.code, o.source_clause, o.task, o.description, o.reporters, o.recipient,"         \
    "       o.recipient_source, o.recipient_note, o.mode, o.frequency, o.frequency_source,"    \
    "       o.frequency_note, o.period_type, o.expected_periods,"                              \
    "       o.applies_from::text AS applies_from, o.applies_to::text AS applies_to,"           \
    "       o.due_days, o.due_rule, o.note, o.version,"                                        \
    "       planmon_utc(o.created_at) AS created_at, planmon_utc(o.updated_at) AS updated_at," \
    "       planmon_utc(o.archived_at) AS archived_at"                                         \
    " FROM reporting_obligation o"

/* $1 agency $2 frequency $3 include archived $4 after code $5 limit + 1 */
static const char list_sql[] = OBLIGATION_SELECT
    " WHERE ($1::text IS NULL OR o.reporters @> jsonb_build_array($1::text))"
    "   AND ($2::text IS NULL OR o.frequency = $2) AND ($3::boolean OR o.archived_at IS NULL)"
    "   AND ($4::text IS NULL OR o.code > $4) ORDER BY o.code LIMIT $5::int";
static const char get_sql[] = OBLIGATION_SELECT " WHERE o.code = $1";
static const char get_locked_sql[] = OBLIGATION_SELECT " WHERE o.code = $1 FOR UPDATE";

/* $1 task $2 reporters $3 recipient */
static const char references_sql[] =
    "SELECT $1::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task WHERE id = $1::bigint)"
    "         AS task,"
    "       (SELECT coalesce(array_agg(n - 1 ORDER BY n), '{}')"
    "        FROM jsonb_array_elements_text(coalesce($2::jsonb, '[]')) WITH ORDINALITY AS a (c, n)"
    "        WHERE NOT EXISTS (SELECT 1 FROM agency WHERE code = c))::text AS reporters,"
    "       $3::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agency WHERE code = $3)"
    "         AS recipient";
static const db_reference references[] = {
    {"task", "task", NULL, "unknown", MSG("names no task")},
    {"reporters", "reporters", "", "unknown", MSG("names no agency")},
    {"recipient", "recipient", NULL, "unknown", MSG("names no agency")},
};

static const char *const columns[] = {"code",
                                      "source_clause",
                                      "task",
                                      "description",
                                      "reporters",
                                      "recipient",
                                      "mode",
                                      "frequency",
                                      "period_type",
                                      "due_days",
                                      "due_rule",
                                      "note",
                                      "applies_from",
                                      "applies_to",
                                      "expected_periods",
                                      "recipient_source",
                                      "recipient_note",
                                      "frequency_source",
                                      "frequency_note"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

#define OBLIGATION_COLUMNS                                                                \
    "(code, source_clause, task, description, reporters, recipient, mode, frequency,"     \
    " period_type, due_days, due_rule, note, applies_from, applies_to, expected_periods," \
    " recipient_source, recipient_note, frequency_source, frequency_note)"
/* The values of the columns after code, source_clause and task ($4..$19). */
#define OBLIGATION_VALUES                                                                  \
    " $4, $5::jsonb, $6, coalesce($7, 'assigned'), $8, $9, $10::int, $11, $12, $13::date," \
    " $14::date, coalesce($15, 'all'), coalesce($16, 'text'), $17, coalesce($18, 'text'), $19"

static const char insert_sql[] = "INSERT INTO reporting_obligation " OBLIGATION_COLUMNS
                                 " VALUES ($1, $2, $3::bigint," OBLIGATION_VALUES ")";

/* As the insert, with $3 the task's key in plan $20. */
static const char seed_sql[] = "INSERT INTO reporting_obligation " OBLIGATION_COLUMNS
                               " VALUES ($1, $2, (SELECT id FROM task WHERE plan = $20::bigint AND "
                               "key = $3)," OBLIGATION_VALUES ") ON CONFLICT (code) DO NOTHING";

/* The columns but code as $1..$18, $19 present fields, $20 code $21 version. */
static const char update_sql[] =
    "UPDATE reporting_obligation SET"
    "  source_clause = CASE WHEN 'source_clause' = ANY($19::text[]) THEN $1"
    "        ELSE source_clause END,"
    "  task = CASE WHEN 'task' = ANY($19::text[]) THEN $2::bigint ELSE task END,"
    "  description = CASE WHEN 'description' = ANY($19::text[]) THEN $3 ELSE description END,"
    "  reporters = CASE WHEN 'reporters' = ANY($19::text[]) THEN $4::jsonb ELSE reporters END,"
    "  recipient = CASE WHEN 'recipient' = ANY($19::text[]) THEN $5 ELSE recipient END,"
    "  mode = CASE WHEN 'mode' = ANY($19::text[]) THEN coalesce($6, 'assigned') ELSE mode END,"
    "  frequency = CASE WHEN 'frequency' = ANY($19::text[]) THEN $7 ELSE frequency END,"
    "  period_type = CASE WHEN 'period_type' = ANY($19::text[]) THEN $8 ELSE period_type END,"
    "  due_days = CASE WHEN 'due_days' = ANY($19::text[]) THEN $9::int ELSE due_days END,"
    "  due_rule = CASE WHEN 'due_rule' = ANY($19::text[]) THEN $10 ELSE due_rule END,"
    "  note = CASE WHEN 'note' = ANY($19::text[]) THEN $11 ELSE note END,"
    "  applies_from = CASE WHEN 'applies_from' = ANY($19::text[]) THEN $12::date"
    "        ELSE applies_from END,"
    "  applies_to = CASE WHEN 'applies_to' = ANY($19::text[]) THEN $13::date ELSE applies_to END,"
    "  expected_periods = CASE WHEN 'expected_periods' = ANY($19::text[])"
    "        THEN coalesce($14, 'all') ELSE expected_periods END,"
    "  recipient_source = CASE WHEN 'recipient_source' = ANY($19::text[])"
    "        THEN coalesce($15, 'text') ELSE recipient_source END,"
    "  recipient_note = CASE WHEN 'recipient_note' = ANY($19::text[]) THEN $16"
    "        ELSE recipient_note END,"
    "  frequency_source = CASE WHEN 'frequency_source' = ANY($19::text[])"
    "        THEN coalesce($17, 'text') ELSE frequency_source END,"
    "  frequency_note = CASE WHEN 'frequency_note' = ANY($19::text[]) THEN $18"
    "        ELSE frequency_note END,"
    "  version = version + 1, updated_at = now()"
    " WHERE code = $20 AND version = $21::int AND archived_at IS NULL RETURNING code";

/* On time: received (submitted_at, its effective time) by the due date, in the province's
 * calendar (ZONE: the parameter holding clock_zone); a late entry: recorded in planmon
 * (created_at) after the due date. */
#define SUBMISSION_SELECT(ZONE)                                                                \
    "SELECT s.id, s.obligation, s.agency, nullif(s.period, '') AS period, s.due::text AS due," \
    "       planmon_utc(s.submitted_at) AS submitted_at,"                                      \
    "       CASE WHEN s.due IS NOT NULL THEN"                                                  \
    "         planmon_local_date(s.submitted_at, " ZONE ") <= s.due END AS on_time,"           \
    "       s.document_link, s.note, s.submitted_by, s.version,"                               \
    "       planmon_utc(s.created_at) AS created_at,"                                          \
    "       coalesce(planmon_local_date(s.created_at, " ZONE ") > s.due, false) AS late_entry" \
    " FROM submission s"

/* $1 obligation $2 agency $3 period $4 after id $5 limit + 1 $6 zone */
static const char submission_list_sql[] =
    SUBMISSION_SELECT("$6") " WHERE s.obligation = $1 AND ($2::text IS NULL OR s.agency = $2)"
                            "   AND ($3::text IS NULL OR s.period = $3)"
                            "   AND ($4::bigint IS NULL OR s.id > $4::bigint)"
                            " ORDER BY s.id LIMIT $5::int";
/* $1 obligation $2 id $3 zone */
static const char submission_get_sql[] =
    SUBMISSION_SELECT("$3") " WHERE s.obligation = $1 AND s.id = $2::bigint";

static const char *const submission_columns[] = {"obligation",   "agency",        "period", "due",
                                                 "submitted_at", "document_link", "note"};
enum { NSUBMISSION_COLUMNS = sizeof submission_columns / sizeof submission_columns[0] };

/* The columns as $1..$7, $8 user */
static const char submission_insert_sql[] =
    "INSERT INTO submission (obligation, agency, period, due, submitted_at, document_link, note,"
    "                        submitted_by)"
    " VALUES ($1, $2, coalesce($3, ''), $4::date, coalesce($5::timestamptz, now()), $6, $7, $8)"
    " RETURNING id";

/* $1 period $2 period type $3 agency $4 as of (NULL: now) $5 zone $6 the period's end $7 the
 * period is the first half of its year: the obligations that existed then, and were in force
 * for the period (its end in their window; a first-half obligation only in the first half) */
static const char completeness_sql[] =
    "WITH o AS ("
    "  SELECT o.code, r.agency FROM reporting_obligation o"
    "  CROSS JOIN jsonb_array_elements_text(o.reporters) AS r (agency)"
    "  WHERE o.period_type = $2"
    "    AND (o.applies_from IS NULL OR $6::date >= o.applies_from)"
    "    AND (o.applies_to IS NULL OR $6::date <= o.applies_to)"
    "    AND (o.expected_periods = 'all' OR $7::boolean)"
    "    AND CASE WHEN $4::timestamptz IS NULL THEN o.archived_at IS NULL"
    "             ELSE o.created_at <= $4::timestamptz"
    "                  AND (o.archived_at IS NULL OR o.archived_at > $4::timestamptz) END"
    "    AND ($3::text IS NULL OR r.agency = $3)),"
    " s AS ("
    "  SELECT s.obligation, s.agency,"
    "         planmon_local_date(s.submitted_at, $5) <= s.due AS on_time,"
    "         planmon_local_date(s.created_at, $5) > s.due AS late_entry"
    "  FROM submission s WHERE s.period = $1"
    "    AND ($4::timestamptz IS NULL OR s.created_at <= $4::timestamptz))"
    " SELECT o.agency, $1::text AS period, count(*) AS expected, count(s.agency) AS submitted,"
    "        count(*) FILTER (WHERE s.on_time) AS on_time,"
    "        count(*) FILTER (WHERE NOT s.on_time) AS late,"
    "        count(*) - count(s.agency) AS missing,"
    "        count(*) FILTER (WHERE s.late_entry) AS late_entries"
    " FROM o LEFT JOIN s ON s.obligation = o.code AND s.agency = o.agency"
    " GROUP BY o.agency ORDER BY o.agency";

/* $1 a time $2 zone: its day in the province, and whether it is still to come. */
static const char received_day_sql[] =
    "SELECT planmon_local_date($1::timestamptz, $2)::text AS day,"
    "       $1::timestamptz > now() AS future";

static const char *const code_key[] = {"code"};
static const char *const id_key[] = {"id"};

pm_status obligation_repo_list(PGconn *conn, const obligation_filter *f, const page_request *page,
                               page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {f->agency, f->frequency, f->include_archived ? "true" : "false",
                            page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 5, params, page, code_key, 1, out, err);
}

pm_status obligation_repo_get(PGconn *conn, const char *code, bool lock, json_t **out,
                              pm_error *err)
{
    const char *params[] = {code};
    return db_fetch_one(conn, lock ? get_locked_sql : get_sql, 1, params,
                        MSG("There is no such reporting obligation."), out, err);
}

pm_status obligation_repo_check_references(PGconn *conn, const json_t *fields, pm_error *err)
{
    static const char *const checked[] = {"task", "reporters", "recipient"};
    db_params p = {0};
    db_params_add_fields(&p, fields, checked, 3);
    pm_status st = db_check_references(conn, references_sql, p.count, p.values, references,
                                       sizeof references / sizeof references[0], err);
    db_params_clear(&p);
    return st;
}

/* A taken code, or the CHECK tying a report made once to no period type. */
static pm_status refusal(pm_status st, pm_error *err)
{
    if (st == PM_CONFLICT) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_CONFLICT, "code", "taken",
                             MSG("A reporting obligation with this code exists."));
    }
    if (st == PM_VALIDATION_FAILED) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period_type", "inconsistent",
                             MSG("A report made once has no period_type; a periodic one has one."));
    }
    return st;
}

pm_status obligation_repo_create(PGconn *conn, const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, NCOLUMNS);
    pm_status st = refusal(db_exec(conn, insert_sql, p.count, p.values, NULL, err), err);
    db_params_clear(&p);
    return st;
}

pm_status obligation_repo_seed(PGconn *conn, const char *plan, const json_t *fields, int *added,
                               pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns, 2);
    db_params_add(&p, json_string_value(json_object_get(fields, "task_key")));
    db_params_add_fields(&p, fields, columns + 3, NCOLUMNS - 3);
    db_params_add(&p, plan);
    PGresult *res;
    pm_status st = db_exec(conn, seed_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_OK) {
        *added += atoi(PQcmdTuples(res));
        PQclear(res);
    }
    return st;
}

pm_status obligation_repo_update(PGconn *conn, const char *code, long long version,
                                 const json_t *fields, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add_present(&p, fields, columns + 1, NCOLUMNS - 1);
    db_params_add(&p, code);
    db_params_add_int(&p, version);
    pm_status st = refusal(
        db_change_one(conn, update_sql, p.count, p.values,
                      MSG("The reporting obligation was changed meanwhile; read it again."), err),
        err);
    db_params_clear(&p);
    return st;
}

pm_status submission_repo_list(PGconn *conn, const char *obligation, const char *agency,
                               const char *period_id, const page_request *page, page_result *out,
                               pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {obligation,          agency, period_id,
                            page_after(page, 0), limit,  clock_zone()};
    return db_fetch_page(conn, submission_list_sql, 6, params, page, id_key, 1, out, err);
}

pm_status submission_repo_get(PGconn *conn, const char *obligation, const char *id, json_t **out,
                              pm_error *err)
{
    const char *params[] = {obligation, id, clock_zone()};
    return db_fetch_one(conn, submission_get_sql, 3, params, MSG("There is no such submission."),
                        out, err);
}

pm_status submission_repo_create(PGconn *conn, const json_t *fields, const char *username,
                                 char *id_out, pm_error *err)
{
    db_params p = {0};
    db_params_add_fields(&p, fields, submission_columns, NSUBMISSION_COLUMNS);
    db_params_add(&p, username);
    PGresult *res;
    pm_status st = db_exec(conn, submission_insert_sql, p.count, p.values, &res, err);
    db_params_clear(&p);
    if (st == PM_CONFLICT) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_CONFLICT, "period", "taken",
                             MSG("This agency has submitted this report for this period."));
    }
    if (st == PM_VALIDATION_FAILED) { /* a submitted_at the database could not read */
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "submitted_at", "invalid",
                             MSG("submitted_at must be an RFC 3339 time"));
    }
    if (st == PM_OK) {
        snprintf(id_out, 24, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status submission_repo_completeness(PGconn *conn, const period *p, const char *agency,
                                       const char *as_of, json_t **out, pm_error *err)
{
    char end[11];
    period_date_text(p->end, end);
    bool six_monthly = p->type == PERIOD_SIX_MONTHLY || p->type == PERIOD_VN_SIX_MONTHLY;
    bool first_half = six_monthly && p->id[strlen(p->id) - 1] == '1';
    const char *params[] = {p->id, period_type_names[p->type],   agency, as_of, clock_zone(),
                            end,   first_half ? "true" : "false"};
    return db_fetch_all(conn, completeness_sql, 7, params, out, err);
}

pm_status submission_repo_received_day(PGconn *conn, const char *at, char *day, bool *future,
                                       pm_error *err)
{
    const char *params[] = {at, clock_zone()};
    json_t *row = NULL;
    pm_status st = db_fetch_one(conn, received_day_sql, 2, params,
                                MSG("The request could not be completed."), &row, err);
    if (st == PM_OK) {
        snprintf(day, 11, "%s", json_member_string(row, "day"));
        *future = json_is_true(json_object_get(row, "future"));
    }
    json_decref(row);
    return st;
}

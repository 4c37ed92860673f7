/* outbox_repo.c: the statements of notifications (see outbox_repo.h). */
#include "notify/outbox_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"

/* The advisory transaction locks of the scheduler and of the fan-out (the migrations hold
 * 4470931826). */
/* Sent by the trigger of migration 0022 when outbox events commit. */
static const char listen_sql[] = "LISTEN planmon_outbox";

static const char schedule_lock_sql[] = "SELECT pg_try_advisory_xact_lock(4470931827)::text";
static const char fan_out_lock_sql[] = "SELECT pg_try_advisory_xact_lock(4470931828)::text";

#define UTC_TEXT(T) "to_char(" T " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/* The change an outbox event `e` was made from, and what a measurement's read rule needs. */
#define CHANGE_JOINS                                             \
    " LEFT JOIN audit_event a ON a.id = e.audit_event"           \
    " LEFT JOIN admin_unit mu ON a.entity_type = 'measurements'" \
    "      AND mu.code = a.row ->> 'unit'"                       \
    " LEFT JOIN indicator mi ON a.entity_type = 'measurements'"  \
    "      AND mi.code = a.row ->> 'indicator'"                  \
    " LEFT JOIN agency ba ON a.entity_type = 'budget-lines'"     \
    "      AND ba.code = a.entity_agency"                        \
    " LEFT JOIN admin_unit bu ON bu.code = ba.unit"

/* Whether webhook `w` may read the measurement as change `a` left it: with its agency's read
 * rights (drafts in the agency's scope), or a viewer's without an agency (approved only). */
#define WEBHOOK_READS_MEASUREMENT                                                     \
    "planmon_measurement_visible(a.row ->> 'status', mu.path, mi.reporting_agencies," \
    "    planmon_scope_unit(w.agency), w.agency, false, w.agency IS NOT NULL)"

/* Whether webhook `w` may read the budget line as change `a` left it, as its agency would (a
 * viewer without one: appraised and allocated lines only). */
#define WEBHOOK_READS_BUDGET_LINE                                                         \
    "planmon_budget_line_visible(a.row ->> 'status', a.entity_agency, bu.path, w.agency," \
    "    planmon_scope_unit(w.agency), false)"

/* $1 today $2 zone $3 OUTBOX_OVERDUE_DAYS. The open occurrences (migration 0023) due from
 * OUTBOX_OVERDUE_DAYS ago to 60 days ahead (the most a webhook looks ahead); the events of each:
 * due_soon once per number of days ahead an enabled webhook asks, due_today, overdue. `agencies`
 * (those the deadline concerns) decides which agencies' webhooks hear of it. */
static const char schedule_sql[] =
    "INSERT INTO outbox_event (kind, subject, lead_days, data)"
    " SELECT k.kind, o.subject, k.lead, jsonb_build_object("
    "     'subject', o.subject, 'task', o.task, 'title', o.title, 'plan', o.plan,"
    "     'occurrence', o.period, 'period_start', o.period_start, 'period_end', o.period_end,"
    "     'due', o.due, 'days_left', o.due - $1::date, 'obligation', o.obligation,"
    "     'agencies', o.agencies)"
    " FROM planmon_open_occurrences($1::date - $3::int, $1::date + 60, $1::date, $2) o"
    " CROSS JOIN LATERAL ("
    "     SELECT 'due_soon' AS kind, d.n AS lead"
    "     FROM (SELECT DISTINCT w.due_soon_days AS n FROM webhook w"
    "           WHERE w.enabled AND 'due_soon' = ANY (w.events)) d"
    "     WHERE $1::date BETWEEN o.due - d.n AND o.due - 1"
    "     UNION ALL SELECT 'due_today', 0 WHERE o.due = $1::date"
    "     UNION ALL SELECT 'overdue', 0 WHERE o.due < $1::date) k"
    " ON CONFLICT (subject, kind, lead_days) WHERE subject IS NOT NULL DO NOTHING";

/* $1 limit. The events past the position whose transactions are older than every one still
 * running (the change feed's horizon: none of them can commit later with an earlier place), in
 * (txid, id) order; a delivery for each enabled webhook that asked for the kind since it was
 * made and may read the event (a due_soon: the one as many days ahead as it asks): deadlines that
 * concern its agency (all, without one), no user changes, a measurement's change when it may read
 * the measurement as the change left it or the change withdrew an approval, a budget line's
 * likewise, the other collections' changes always. */
static const char fan_out_sql[] =
    "WITH pos AS (SELECT txid, id FROM outbox_position),"
    " batch AS (SELECT e.* FROM outbox_event e, pos"
    "   WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot())"
    "     AND (e.txid, e.id) > (pos.txid, pos.id)"
    "   ORDER BY e.txid, e.id LIMIT $1::int),"
    " made AS (INSERT INTO webhook_delivery (webhook, event)"
    "   SELECT w.id, e.id FROM batch e"
    "   JOIN webhook w ON w.enabled AND e.kind = ANY (w.events) AND e.at >= w.created_at"
    "     AND (e.kind <> 'due_soon' OR e.lead_days = w.due_soon_days)"
    "  " CHANGE_JOINS "   WHERE CASE WHEN e.subject IS NOT NULL"
    "                THEN w.agency IS NULL OR e.data -> 'agencies' ? w.agency"
    "              WHEN a.entity_type = 'users' THEN false"
    "              WHEN a.entity_type = 'measurements'"
    "                THEN a.changes -> 'status' ->> 'old' = 'approved'"
    "                  OR " WEBHOOK_READS_MEASUREMENT
    "              WHEN a.entity_type = 'budget-lines'"
    "                THEN a.changes -> 'status' ->> 'old' IN ('appraised', 'allocated')"
    "                  OR " WEBHOOK_READS_BUDGET_LINE "              ELSE true END"
    "   ON CONFLICT (webhook, event) DO NOTHING RETURNING 1),"
    " moved AS (UPDATE outbox_position SET txid = l.txid, id = l.id"
    "   FROM (SELECT txid, id FROM batch ORDER BY txid DESC, id DESC LIMIT 1) l RETURNING 1)"
    " SELECT (SELECT count(*) FROM batch)::text AS events, (SELECT count(*) FROM made) AS made,"
    "        (SELECT count(*) FROM moved) AS moved";

/* $1 lease seconds $2 limit. The body: {type, timestamp, data}; data is the change as the
 * change feed shows it, with the object after it where the webhook may read it, or the
 * deadline. */
static const char claim_sql[] =
    "WITH due AS (SELECT d.id FROM webhook_delivery d"
    "   JOIN webhook w ON w.id = d.webhook AND w.enabled"
    "   WHERE d.status = 'pending' AND d.next_attempt_at <= now()"
    "     AND (d.locked_until IS NULL OR d.locked_until <= now())"
    "   ORDER BY d.next_attempt_at, d.id LIMIT $2::int FOR UPDATE OF d SKIP LOCKED),"
    " claimed AS (UPDATE webhook_delivery d"
    "   SET locked_until = now() + make_interval(secs => $1::int), attempts = d.attempts + 1"
    "   FROM due WHERE d.id = due.id RETURNING d.id, d.webhook, d.event, d.attempts)"
    " SELECT c.id::text AS delivery, c.attempts::text AS attempt, w.url, w.secret,"
    "        'evt_' || e.id AS message_id, extract(epoch FROM now())::bigint::text AS timestamp,"
    "        jsonb_build_object('type', e.kind, 'timestamp', " UTC_TEXT(
        "e.at") ","
                "          'data', CASE WHEN a.id IS NULL THEN e.data"
                "            ELSE jsonb_build_object('entity_type', a.entity_type, 'entity_id', "
                "a.entity_id,"
                "                   'action', a.action, 'version', a.version, 'at', " UTC_TEXT(
                    "a.at") ","
                            "                   'object', CASE"
                            "                     WHEN a.entity_type = 'measurements'"
                            "                       THEN CASE WHEN " WEBHOOK_READS_MEASUREMENT
                            "                            THEN a.row END"
                            "                     WHEN a.entity_type = 'budget-lines'"
                            "                       THEN CASE WHEN " WEBHOOK_READS_BUDGET_LINE
                            "                            THEN a.row END"
                            "                     ELSE a.row END)"
                            "          END)::text AS body"
                            " FROM claimed c JOIN webhook w ON w.id = c.webhook"
                            " JOIN outbox_event e ON e.id = c.event" CHANGE_JOINS " ORDER BY c.id";

/* A disabling failure: the webhook's `failures` reaching $8 with this one. */
#define DISABLES "(d.status = 'failed' AND w.enabled AND w.failures + 1 >= $8::int)"

/* $1 delivery $2 attempt $3 delivered $4 http status $5 duration ms $6 error $7 retry in s (-1:
 * no more) $8 disable after */
static const char record_sql[] =
    "WITH d AS (UPDATE webhook_delivery SET"
    "   status = CASE WHEN $3::boolean THEN 'delivered' WHEN $7::int < 0 THEN 'failed'"
    "                 ELSE 'pending' END,"
    "   next_attempt_at = CASE WHEN NOT $3::boolean AND $7::int >= 0"
    "                          THEN now() + make_interval(secs => $7::int)"
    "                          ELSE next_attempt_at END,"
    "   locked_until = NULL,"
    "   finished_at = CASE WHEN $3::boolean OR $7::int < 0 THEN now() END"
    "   WHERE id = $1::bigint AND attempts = $2::int AND status = 'pending'"
    "   RETURNING webhook, status),"
    " tried AS (INSERT INTO webhook_attempt (delivery, attempt, http_status, duration_ms, error)"
    "   SELECT id, $2::int, $4::int, $5::int, left($6, 500) FROM webhook_delivery"
    "   WHERE id = $1::bigint RETURNING 1),"
    " counted AS (UPDATE webhook w SET"
    "   failures = CASE WHEN d.status = 'delivered' THEN 0 ELSE w.failures + 1 END,"
    "   enabled = w.enabled AND NOT " DISABLES ","
    "   disabled_reason = CASE WHEN " DISABLES
    "     THEN format('%s deliveries in a row failed; the last: %s', w.failures + 1,"
    "                 coalesce($6, 'HTTP ' || $4))"
    "     ELSE w.disabled_reason END,"
    "   version = w.version + CASE WHEN " DISABLES " THEN 1 ELSE 0 END,"
    "   updated_at = CASE WHEN " DISABLES " THEN now() ELSE w.updated_at END"
    "   FROM d WHERE w.id = d.webhook"
    "     AND (d.status = 'failed' OR (d.status = 'delivered' AND w.failures > 0))"
    "   RETURNING 1)"
    " SELECT (SELECT count(*) FROM tried) AS tried, (SELECT count(*) FROM counted) AS counted";

/* The work that runs under a lock, one instance at a time. */
enum locked_work { SCHEDULE, FAN_OUT };

/* Runs `work` alone under its advisory lock, in one transaction; *ran false (and nothing done)
 * when another instance holds it. The result into *res. */
static pm_status under_lock(PGconn *conn, enum locked_work work, int nparams,
                            const char *const *params, bool *ran, PGresult **res, pm_error *err)
{
    char held[8] = "";
    pm_status st = db_begin(conn, err);
    if (st == PM_OK)
        st = db_fetch_text(conn, work == SCHEDULE ? schedule_lock_sql : fan_out_lock_sql, 0, NULL,
                           NULL, held, sizeof held, err);
    *ran = st == PM_OK && strcmp(held, "true") == 0;
    if (st == PM_OK && *ran)
        st =
            db_exec(conn, work == SCHEDULE ? schedule_sql : fan_out_sql, nparams, params, res, err);
    if (st == PM_OK)
        return db_commit(conn, err);
    db_rollback(conn, NULL);
    return st;
}

pm_status outbox_repo_schedule(PGconn *conn, const char *today, const char *zone, int *made,
                               pm_error *err)
{
    char overdue[16];
    snprintf(overdue, sizeof overdue, "%d", OUTBOX_OVERDUE_DAYS);
    const char *params[] = {today, zone, overdue};
    PGresult *res = NULL;
    bool ran;
    pm_status st = under_lock(conn, SCHEDULE, 3, params, &ran, &res, err);
    *made = st == PM_OK && res ? atoi(PQcmdTuples(res)) : 0;
    PQclear(res);
    return st;
}

pm_status outbox_repo_fan_out(PGconn *conn, int limit, int *events, pm_error *err)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *params[] = {lim};
    PGresult *res = NULL;
    bool ran;
    pm_status st = under_lock(conn, FAN_OUT, 1, params, &ran, &res, err);
    *events = st == PM_OK && res && PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return st;
}

static char *column(const PGresult *res, int row, const char *name)
{
    int col = PQfnumber(res, name);
    return strdup(col >= 0 && !PQgetisnull(res, row, col) ? PQgetvalue(res, row, col) : "");
}

pm_status outbox_repo_claim(PGconn *conn, int lease_s, int limit, outbox_claim **claims, int *count,
                            pm_error *err)
{
    char lease[16], lim[16];
    snprintf(lease, sizeof lease, "%d", lease_s);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *params[] = {lease, lim};
    PGresult *res;
    *claims = NULL;
    *count = 0;
    pm_status st = db_exec(conn, claim_sql, 2, params, &res, err);
    if (st != PM_OK)
        return st;
    int n = PQntuples(res);
    if (n > 0 && !(*claims = calloc((size_t)n, sizeof **claims))) {
        PQclear(res);
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    }
    for (int i = 0; i < n; i++) {
        outbox_claim *c = &(*claims)[i];
        c->delivery = column(res, i, "delivery");
        c->attempt = column(res, i, "attempt");
        c->url = column(res, i, "url");
        c->secret = column(res, i, "secret");
        c->message_id = column(res, i, "message_id");
        c->timestamp = column(res, i, "timestamp");
        c->body = column(res, i, "body");
    }
    *count = n;
    PQclear(res);
    return PM_OK;
}

void outbox_claims_free(outbox_claim *claims, int count)
{
    for (int i = 0; i < count; i++) {
        outbox_claim *c = &claims[i];
        free(c->delivery);
        free(c->attempt);
        free(c->url);
        free(c->secret);
        free(c->message_id);
        free(c->timestamp);
        free(c->body);
    }
    free(claims);
}

pm_status outbox_repo_record(PGconn *conn, const outbox_claim *claim, const outbox_result *result,
                             pm_error *err)
{
    char status[16], duration[16], retry[16], disable[16];
    snprintf(status, sizeof status, "%d", result->http_status);
    snprintf(duration, sizeof duration, "%d", result->duration_ms);
    snprintf(retry, sizeof retry, "%d", result->retry_in_s);
    snprintf(disable, sizeof disable, "%d", result->disable_after);
    const char *params[] = {claim->delivery,
                            claim->attempt,
                            result->delivered ? "true" : "false",
                            result->http_status ? status : NULL,
                            duration,
                            result->error,
                            retry,
                            disable};
    return db_exec(conn, record_sql, 8, params, NULL, err);
}

pm_status outbox_repo_listen(PGconn *conn, pm_error *err)
{
    return db_exec(conn, listen_sql, 0, NULL, NULL, err);
}

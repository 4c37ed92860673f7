/* mail_repo.c: e-mail's statements (see mail_repo.h). */
#include "notify/mail_repo.h"

#include <stdio.h>

#include "db/query.h"

/* One open occurrence as the digest lists it. */
#define DIGEST_ITEM                                                                \
    "jsonb_build_object('task', o.task, 'title', o.title, 'occurrence', o.period," \
    "                   'due', o.due) ORDER BY o.due, o.task"

/* $1 today $2 zone $3 the hour of the digest (HH:MM) $4 DIGEST_AHEAD_DAYS $5 DIGEST_OVERDUE_DAYS
 * $6 DIGEST_REVIEW_ITEMS */
static const char recipients_sql[] =
    "SELECT u.username, u.email, u.display_name, u.role, u.agency, a.name AS agency_name,"
    "       to_jsonb(u.mail_digest) AS parts,"
    "       CASE WHEN 'due_soon' = ANY (u.mail_digest) THEN"
    "         (SELECT coalesce(jsonb_agg(" DIGEST_ITEM "), '[]'::jsonb)"
    "          FROM planmon_open_occurrences($1::date, $1::date + $4::int, $1::date, $2) o"
    "          WHERE o.agencies ? u.agency) END AS due_soon,"
    "       CASE WHEN 'overdue' = ANY (u.mail_digest) THEN"
    "         (SELECT coalesce(jsonb_agg(" DIGEST_ITEM "), '[]'::jsonb)"
    "          FROM planmon_open_occurrences($1::date - $5::int, $1::date - 1, $1::date, $2) o"
    "          WHERE o.agencies ? u.agency) END AS overdue,"
    "       CASE WHEN 'review' = ANY (u.mail_digest) THEN"
    "         (SELECT jsonb_build_object('count', count(*),"
    "                   'items', coalesce(jsonb_agg(r.item ORDER BY r.id)"
    "                                     FILTER (WHERE r.n <= $6::int), '[]'::jsonb))"
    "          FROM (SELECT m.id, row_number() OVER (ORDER BY m.id) AS n,"
    "                       jsonb_build_object('id', m.id, 'indicator', m.indicator,"
    "                         'indicator_name', i.name, 'unit', m.unit, 'unit_name', mu.name,"
    "                         'period', m.period) AS item"
    "                FROM measurement m JOIN indicator i ON i.code = m.indicator"
    "                JOIN admin_unit mu ON mu.code = m.unit"
    "                WHERE m.status = 'submitted'"
    "                  AND (u.role IN ('admin', 'coordinator')"
    "                       OR (u.role = 'manager' AND i.level = 'commune'"
    "                           AND mu.parent = planmon_scope_unit(u.agency)))) r) END"
    "         AS review"
    " FROM app_user u JOIN agency a ON a.code = u.agency"
    " WHERE u.active AND u.email IS NOT NULL AND cardinality(u.mail_digest) > 0"
    "   AND to_char(now() AT TIME ZONE $2, 'HH24:MI') >= $3"
    "   AND NOT EXISTS (SELECT 1 FROM mail_outbox q WHERE q.username = u.username"
    "                   AND q.kind = 'digest' AND q.day = $1::date)"
    " ORDER BY u.username";

/* $1 username $2 to $3 day $4 subject $5 text $6 html */
static const char queue_sql[] =
    "INSERT INTO mail_outbox (username, to_address, kind, day, subject, body_text, body_html)"
    " VALUES ($1, $2, 'digest', $3::date, $4, $5, $6)"
    " ON CONFLICT (username, kind, day) DO NOTHING RETURNING id";

/* $1 lease seconds $2 limit */
static const char claim_sql[] =
    "WITH due AS (SELECT id FROM mail_outbox"
    "   WHERE status = 'pending' AND next_attempt_at <= now()"
    "     AND (locked_until IS NULL OR locked_until <= now())"
    "   ORDER BY next_attempt_at, id LIMIT $2::int FOR UPDATE SKIP LOCKED)"
    " UPDATE mail_outbox m"
    " SET locked_until = now() + make_interval(secs => $1::int), attempts = m.attempts + 1"
    " FROM due WHERE m.id = due.id"
    " RETURNING m.id::text AS id, m.attempts::text AS attempt, m.to_address, m.subject,"
    "           m.body_text, m.body_html";

/* $1 id $2 attempt $3 sent $4 error $5 retry in s (-1: no more) */
static const char record_sql[] =
    "UPDATE mail_outbox SET"
    "  status = CASE WHEN $3::boolean THEN 'sent' WHEN $5::int < 0 THEN 'failed'"
    "                ELSE 'pending' END,"
    "  next_attempt_at = CASE WHEN NOT $3::boolean AND $5::int >= 0"
    "                         THEN now() + make_interval(secs => $5::int)"
    "                         ELSE next_attempt_at END,"
    "  locked_until = NULL, last_error = CASE WHEN $3::boolean THEN last_error ELSE left($4, 500) "
    "END,"
    "  sent_at = CASE WHEN $3::boolean THEN now() END"
    " WHERE id = $1::bigint AND attempts = $2::int AND status = 'pending'";

pm_status mail_repo_digest_recipients(PGconn *conn, const char *today, const char *zone,
                                      const char *at, json_t **out, pm_error *err)
{
    char ahead[16], overdue[16], items[16];
    snprintf(ahead, sizeof ahead, "%d", DIGEST_AHEAD_DAYS);
    snprintf(overdue, sizeof overdue, "%d", DIGEST_OVERDUE_DAYS);
    snprintf(items, sizeof items, "%d", DIGEST_REVIEW_ITEMS);
    const char *params[] = {today, zone, at, ahead, overdue, items};
    return db_fetch_all(conn, recipients_sql, 6, params, out, err);
}

pm_status mail_repo_queue_digest(PGconn *conn, const char *username, const char *to,
                                 const char *day, const char *subject, const char *text,
                                 const char *html, bool *queued, pm_error *err)
{
    const char *params[] = {username, to, day, subject, text, html};
    PGresult *res;
    pm_status st = db_exec(conn, queue_sql, 6, params, &res, err);
    *queued = st == PM_OK && PQntuples(res) == 1;
    if (st == PM_OK)
        PQclear(res);
    return st;
}

pm_status mail_repo_claim(PGconn *conn, int lease_s, int limit, json_t **out, pm_error *err)
{
    char lease[16], lim[16];
    snprintf(lease, sizeof lease, "%d", lease_s);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *params[] = {lease, lim};
    return db_fetch_all(conn, claim_sql, 2, params, out, err);
}

pm_status mail_repo_record(PGconn *conn, const char *id, const char *attempt, bool sent,
                           const char *error, int retry_in_s, pm_error *err)
{
    char retry[16];
    snprintf(retry, sizeof retry, "%d", retry_in_s);
    const char *params[] = {id, attempt, sent ? "true" : "false", error, retry};
    return db_exec(conn, record_sql, 5, params, NULL, err);
}

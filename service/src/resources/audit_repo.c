/* audit_repo.c: the audit trail (see audit_repo.h). */
#include "resources/audit_repo.h"

#include <stdio.h>

#include "auth/access.h"
#include "db/query.h"

static const char record_sql[] =
    "INSERT INTO audit_event (username, role, agency, request_id, action, entity_type, entity_id,"
    "                         entity_agency, changes)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::jsonb, '{}'::jsonb))";

/* The event's public shape; `changes` as a list of {field, old, new} (or {field, redacted});
 * `at` is when planmon recorded the change, `effective` when what it records happened, for the
 * facts that have an effective time of their own (migration 0018): a progress update's
 * occurred_on, a pilot site status change's effective_on, a submission's submitted_at, a
 * measurement's period. */
#define EVENT_SELECT                                                                            \
    "SELECT e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at," \
    "       CASE e.entity_type WHEN 'task-updates' THEN e.row ->> 'occurred_on'"                \
    "         WHEN 'pilot-site-statuses' THEN e.row ->> 'effective_on'"                         \
    "         WHEN 'submissions' THEN planmon_utc((e.row ->> 'submitted_at')::timestamptz)"     \
    "         WHEN 'measurements' THEN e.row ->> 'period' END AS effective,"                    \
    "       e.username AS user, e.role, e.agency, e.request_id, e.action, e.entity_type,"       \
    "       e.entity_id, e.version,"                                                            \
    "       (SELECT coalesce(jsonb_agg(jsonb_build_object('field', c.key) || c.value"           \
    "                                  ORDER BY c.key), '[]'::jsonb)"                           \
    "        FROM jsonb_each(e.changes) c) AS changes"                                          \
    " FROM audit_event e"

/* $1 entity_type $2 entity_id $3 username $4 agency $5 action $6 since $7 until $8 before id
 * $9 limit + 1 */
static const char list_sql[] = EVENT_SELECT
    " WHERE ($1::text IS NULL OR e.entity_type = $1) AND ($2::text IS NULL OR e.entity_id = $2)"
    "   AND ($3::text IS NULL OR e.username = $3) AND ($4::text IS NULL OR e.agency = $4)"
    "   AND ($5::text IS NULL OR e.action = $5)"
    "   AND ($6::timestamptz IS NULL OR e.at >= $6::timestamptz)"
    "   AND ($7::timestamptz IS NULL OR e.at < $7::timestamptz)"
    "   AND ($8::bigint IS NULL OR e.id < $8::bigint)"
    " ORDER BY e.id DESC LIMIT $9::int";

/* $1 entity_type $2 entity_id $3 after id $4 limit + 1 */
static const char history_sql[] =
    EVENT_SELECT " WHERE e.entity_type = $1 AND e.entity_id = $2"
                 "   AND e.action NOT IN ('login', 'login_failed', 'token_refresh', 'token_revoke')"
                 "   AND ($3::bigint IS NULL OR e.id > $3::bigint)"
                 " ORDER BY e.id LIMIT $4::int";

/* Only transactions older than the oldest one still running: none of those can commit later,
 * so the (txid, id) order served never gains an earlier entry after a client has read past it.
 * The read rule of the objects applies: `readable`, whether the reader may read the object as
 * the change left it — users and webhooks to those who manage them (the admin, a manager its own
 * agency's), a measurement or a budget line to those who may read it in the status the change
 * left it in, the rest to everyone. A change is shown where its object
 * is readable, and also where it took the object out of the reader's view: a user moved out of
 * a manager's agency, an approval withdrawn (news to every reader of approved data), an appraised
 * or allocated budget line rejected or changed. OBJECT is
 * "" or the column of the object, which only a reader of it gets.
 * $1 manages all users $2 the agency whose users the reader manages $3/$4 after (txid, id)
 * $5 limit + 1 $6 the reader's agency $7 sees all drafts $8 sees its scope's drafts
 * $9 entity types separated by commas (NULL: all) $10 since (NULL: all) $11 reads every budget
 * line (access_reads_all_budget_lines; the others read as planmon_budget_line_visible says) */
#define CHANGES_SQL(OBJECT)                                                                      \
    "SELECT e.txid::text AS _txid, e.id::text AS _id,"                                           \
    "       e.entity_type, e.entity_id, e.action, e.version,"                                    \
    "       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at" OBJECT  \
    " FROM audit_event e"                                                                        \
    " LEFT JOIN admin_unit mu ON e.entity_type = 'measurements' AND mu.code = e.row ->> 'unit'"  \
    " LEFT JOIN indicator mi ON e.entity_type = 'measurements'"                                  \
    "      AND mi.code = e.row ->> 'indicator'"                                                  \
    " LEFT JOIN agency ba ON e.entity_type = 'budget-lines' AND ba.code = e.entity_agency"       \
    " LEFT JOIN admin_unit bu ON bu.code = ba.unit"                                              \
    " CROSS JOIN LATERAL (SELECT CASE"                                                           \
    "      WHEN e.entity_type IN ('users', 'webhooks') THEN $1::boolean OR e.entity_agency = $2" \
    "      WHEN e.entity_type = 'measurements'"                                                  \
    "        THEN planmon_measurement_visible(e.row ->> 'status', mu.path,"                      \
    "           mi.reporting_agencies, (SELECT planmon_scope_unit($6)), $6, $7::boolean,"        \
    "           $8::boolean)"                                                                    \
    "      WHEN e.entity_type = 'budget-lines'"                                                  \
    "        THEN planmon_budget_line_visible(e.row ->> 'status', e.entity_agency, bu.path, $6," \
    "           (SELECT planmon_scope_unit($6)), $11::boolean)"                                  \
    "      ELSE true END AS readable) r"                                                         \
    " WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot())"                                    \
    "   AND e.action NOT IN ('login', 'login_failed', 'token_refresh', 'token_revoke')"          \
    "   AND (r.readable"                                                                         \
    "        OR (e.entity_type = 'users' AND e.changes -> 'agency' ->> 'old' = $2)"              \
    "        OR (e.entity_type = 'measurements'"                                                 \
    "            AND e.changes -> 'status' ->> 'old' = 'approved')"                              \
    "        OR (e.entity_type = 'budget-lines'"                                                 \
    "            AND e.changes -> 'status' ->> 'old' IN ('appraised', 'allocated')))"            \
    "   AND ($9::text IS NULL OR e.entity_type = ANY (string_to_array($9::text, ',')))"          \
    "   AND ($10::timestamptz IS NULL OR e.at >= $10::timestamptz)"                              \
    "   AND ($3::xid8 IS NULL OR (e.txid, e.id) > ($3::xid8, $4::bigint))"                       \
    " ORDER BY e.txid, e.id LIMIT $5::int"

static const char changes_sql[] = CHANGES_SQL("");
static const char changes_objects_sql[] =
    CHANGES_SQL(", CASE WHEN r.readable THEN e.row END AS object");

/* How far the feed is behind: the age in seconds of the oldest committed change it holds back
 * (its transaction is not older than every one still running), 0 when it holds none back. The
 * events past the horizon are the newest few: the feed index (txid, id) serves them. */
static const char feed_lag_sql[] =
    "SELECT coalesce(extract(epoch FROM clock_timestamp() - min(e.at)), 0)::numeric(12, 3)::text"
    " FROM audit_event e"
    " WHERE e.txid >= pg_snapshot_xmin(pg_current_snapshot())"
    "   AND e.action NOT IN ('login', 'login_failed', 'token_refresh', 'token_revoke')";

static const char *const id_key[] = {"id"};
static const char *const feed_keys[] = {"_txid", "_id"};

pm_status audit_repo_record(PGconn *conn, const principal *who, const char *request_id,
                            const char *action, const char *entity_type, const char *entity_id,
                            const char *entity_agency, const char *changes_json, pm_error *err)
{
    const char *params[] = {who ? who->username : NULL,
                            who ? role_name(who->role) : NULL,
                            who ? who->agency : NULL,
                            request_id,
                            action,
                            entity_type,
                            entity_id,
                            entity_agency,
                            changes_json};
    return db_exec(conn, record_sql, 9, params, NULL, err);
}

pm_status audit_repo_list(PGconn *conn, const audit_filter *f, const page_request *page,
                          page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {f->entity_type, f->entity_id, f->username,         f->agency, f->action,
                            f->since,       f->until,     page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 9, params, page, id_key, 1, out, err);
}

pm_status audit_repo_history(PGconn *conn, const char *entity_type, const char *entity_id,
                             const page_request *page, page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 1, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {entity_type, entity_id, page_after(page, 0), limit};
    return db_fetch_page(conn, history_sql, 4, params, page, id_key, 1, out, err);
}

pm_status audit_repo_changes(PGconn *conn, const principal *who, const audit_feed *feed,
                             const page_request *page, page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 2, 2, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {access_manages_all_users(who) ? "true" : "false",
                            access_manages_user_of(who, who->agency) ? who->agency : NULL,
                            page_after(page, 0),
                            page_after(page, 1),
                            limit,
                            who->agency,
                            access_reads_all_drafts(who) ? "true" : "false",
                            access_reads_own_drafts(who) ? "true" : "false",
                            feed->entity_types,
                            feed->since,
                            access_reads_all_budget_lines(who) ? "true" : "false"};
    PGresult *res;
    pm_status st =
        db_exec(conn, feed->objects ? changes_objects_sql : changes_sql, 11, params, &res, err);
    if (st != PM_OK)
        return st;
    st = db_feed_collect(res, page, feed_keys, 2, out, err);
    PQclear(res);
    return st;
}

pm_status audit_repo_feed_lag(PGconn *conn, char *seconds, size_t size, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, feed_lag_sql, 0, NULL, &res, err);
    if (st == PM_OK) {
        snprintf(seconds, size, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

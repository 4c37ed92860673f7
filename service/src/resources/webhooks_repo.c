/* webhooks_repo.c: webhooks and their deliveries (see webhooks_repo.h). */
#include "resources/webhooks_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"
#include "jsonutil.h"

#define UTC_TEXT(T) "to_char(" T " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define WEBHOOK_SELECT                                                                         \
    "SELECT w.id, w.url, to_jsonb(w.events) AS events, w.agency, w.due_soon_days,"             \
    "       w.description, w.enabled, w.disabled_reason, w.failures, w.created_by, w.version," \
    "       " UTC_TEXT("w.created_at") " AS created_at, " UTC_TEXT(                            \
        "w.updated_at") " AS updated_at"                                                       \
                        " FROM webhook w"

/* $1 url $2 events (JSON array) $3 agency $4 due_soon_days $5 description $6 secret
 * $7 created_by */
static const char insert_sql[] =
    "INSERT INTO webhook (url, events, agency, due_soon_days, description, secret, created_by)"
    " VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3, $4::int,"
    "         coalesce($5, ''), $6, $7)"
    " RETURNING id::text";

static const char get_sql[] = WEBHOOK_SELECT " WHERE w.id = $1::bigint";
static const char get_for_update_sql[] = WEBHOOK_SELECT " WHERE w.id = $1::bigint FOR UPDATE";

/* $1 agency $2 after id $3 limit + 1 */
static const char list_sql[] = WEBHOOK_SELECT " WHERE ($1::text IS NULL OR w.agency = $1)"
                                              "   AND ($2::bigint IS NULL OR w.id > $2::bigint)"
                                              " ORDER BY w.id LIMIT $3::int";

/* $1 id $2 version $3 url $4 events $5 due_soon_days $6 description $7 enabled */
static const char update_sql[] =
    "UPDATE webhook SET url = coalesce($3, url),"
    "  events = CASE WHEN $4::jsonb IS NULL THEN events"
    "                ELSE ARRAY(SELECT jsonb_array_elements_text($4::jsonb)) END,"
    "  due_soon_days = coalesce($5::int, due_soon_days),"
    "  description = coalesce($6, description),"
    "  enabled = coalesce($7::boolean, enabled),"
    "  failures = CASE WHEN $7::boolean AND NOT enabled THEN 0 ELSE failures END,"
    "  disabled_reason = CASE WHEN $7::boolean THEN NULL ELSE disabled_reason END,"
    "  version = version + 1, updated_at = now()"
    " WHERE id = $1::bigint AND version = $2::int RETURNING id";

static const char delete_sql[] = "DELETE FROM webhook WHERE id = $1::bigint RETURNING id";

#define DELIVERY_SELECT                                                                           \
    "SELECT d.id, 'evt_' || d.event AS message_id, e.kind AS type, d.status,"                     \
    "       d.attempts AS attempt_count,"                                                         \
    "       CASE WHEN d.status = 'pending' THEN " UTC_TEXT(                                       \
        "d.next_attempt_at") " END"                                                               \
                             "         AS next_attempt_at,"                                       \
                             "       " UTC_TEXT("d.created_at") " AS created_at, " UTC_TEXT(      \
                                 "d.finished_at") " AS finished_at,"                              \
                                                  "       (SELECT "                               \
                                                  "coalesce(jsonb_agg(jsonb_build_object('"       \
                                                  "attempt', a.attempt,"                          \
                                                  "                'at', " UTC_TEXT(              \
                                                      "a.at") ", 'http_status', a.http_status,"   \
                                                              "                'duration_ms', "   \
                                                              "a.duration_ms, 'error', a.error) " \
                                                              "ORDER BY a.id),"                   \
                                                              "                '[]'::jsonb)"      \
                                                              "        FROM webhook_attempt a "   \
                                                              "WHERE a.delivery = d.id) AS "      \
                                                              "attempts"                          \
                                                              " FROM webhook_delivery d JOIN "    \
                                                              "outbox_event e ON e.id = d.event"

/* $1 webhook $2 status $3 before id $4 limit + 1 */
static const char deliveries_sql[] =
    DELIVERY_SELECT " WHERE d.webhook = $1::bigint AND ($2::text IS NULL OR d.status = $2)"
                    "   AND ($3::bigint IS NULL OR d.id < $3::bigint)"
                    " ORDER BY d.id DESC LIMIT $4::int";

/* $1 webhook $2 delivery: the state it is in, locked */
static const char delivery_state_sql[] =
    "SELECT d.status FROM webhook_delivery d"
    " WHERE d.webhook = $1::bigint AND d.id = $2::bigint FOR UPDATE";

static const char redeliver_sql[] =
    "UPDATE webhook_delivery SET status = 'pending', next_attempt_at = now(),"
    "  locked_until = NULL, finished_at = NULL"
    " WHERE webhook = $1::bigint AND id = $2::bigint AND status <> 'pending' RETURNING id";

static const char delivery_get_sql[] = DELIVERY_SELECT " WHERE d.id = $1::bigint";

static const char *const id_key[] = {"id"};

pm_status webhook_repo_create(PGconn *conn, const webhook_new *w, char *id, size_t size,
                              pm_error *err)
{
    char days[16];
    snprintf(days, sizeof days, "%d", w->due_soon_days);
    char *events = json_dumps(w->events, JSON_COMPACT);
    const char *params[] = {w->url,         events,    w->agency,    days,
                            w->description, w->secret, w->created_by};
    pm_status st = events ? db_fetch_text(conn, insert_sql, 7, params, NULL, id, size, err)
                          : pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    free(events);
    return st;
}

pm_status webhook_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err)
{
    const char *params[] = {id};
    return db_fetch_one(conn, lock ? get_for_update_sql : get_sql, 1, params,
                        MSG("There is no such webhook."), out, err);
}

pm_status webhook_repo_list(PGconn *conn, const char *agency, const page_request *page,
                            page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {agency, page_after(page, 0), limit};
    return db_fetch_page(conn, list_sql, 3, params, page, id_key, 1, out, err);
}

pm_status webhook_repo_update(PGconn *conn, const char *id, long long version, const json_t *patch,
                              pm_error *err)
{
    char ver[24], days[16];
    snprintf(ver, sizeof ver, "%lld", version);
    json_t *due = json_object_get(patch, "due_soon_days");
    json_t *events = json_object_get(patch, "events");
    json_t *enabled = json_object_get(patch, "enabled");
    snprintf(days, sizeof days, "%lld", (long long)json_integer_value(due));
    char *events_text = events ? json_dumps(events, JSON_COMPACT) : NULL;
    const char *params[] = {id,
                            ver,
                            json_member_string(patch, "url"),
                            events_text,
                            due ? days : NULL,
                            json_member_string(patch, "description"),
                            enabled ? (json_is_true(enabled) ? "true" : "false") : NULL};
    pm_status st = db_change_one(conn, update_sql, 7, params,
                                 MSG("The webhook was changed meanwhile; read it again."), err);
    free(events_text);
    return st;
}

pm_status webhook_repo_delete(PGconn *conn, const char *id, pm_error *err)
{
    const char *params[] = {id};
    return db_change_one(conn, delete_sql, 1, params, MSG("There is no such webhook."), err);
}

pm_status webhook_repo_deliveries(PGconn *conn, const char *id, const char *status,
                                  const page_request *page, page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {id, status, page_after(page, 0), limit};
    return db_fetch_page(conn, deliveries_sql, 4, params, page, id_key, 1, out, err);
}

pm_status webhook_repo_redeliver(PGconn *conn, const char *id, const char *delivery, json_t **out,
                                 pm_error *err)
{
    const char *params[] = {id, delivery};
    char state[16];
    pm_status st =
        db_fetch_text(conn, delivery_state_sql, 2, params, MSG("The webhook has no such delivery."),
                      state, sizeof state, err);
    if (st != PM_OK)
        return st;
    if (strcmp(state, "pending") == 0)
        return pm_fail(err, PM_CONFLICT,
                       MSG("The delivery is pending already: it is sent when it falls due."));
    if ((st = db_exec(conn, redeliver_sql, 2, params, NULL, err)))
        return st;
    const char *get_params[] = {delivery};
    return db_fetch_one(conn, delivery_get_sql, 1, get_params,
                        MSG("The webhook has no such delivery."), out, err);
}

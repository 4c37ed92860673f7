/* query.c: statement execution with bounded waits, SQLSTATE mapping, rows as JSON (see query.h). */
#include "db/query.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/statements.h"
#include "domain/clock.h"
#include "log.h"

/* The server cuts statements at the configured statement_timeout; the client waits a little
 * longer so that, normally, the server's own cancellation (57014) is what the caller sees. */
static int client_timeout_ms = 6000;

void db_set_query_timeout(int ms)
{
    client_timeout_ms = ms + 1000;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct {
    const char *prefix; /* a full SQLSTATE or a two-character class */
    pm_status status;
} sqlstate_map[] = {
    {"23505", PM_CONFLICT},          /* unique_violation */
    {"23503", PM_CONFLICT},          /* foreign_key_violation */
    {"23P01", PM_CONFLICT},          /* exclusion_violation */
    {"23514", PM_VALIDATION_FAILED}, /* check_violation */
    {"23502", PM_VALIDATION_FAILED}, /* not_null_violation */
    {"22", PM_VALIDATION_FAILED},    /* data exceptions: bad text representation, out of range */
    {"40001", PM_UNAVAILABLE},       /* serialization_failure */
    {"40P01", PM_UNAVAILABLE},       /* deadlock_detected */
    {"55P03", PM_UNAVAILABLE},       /* lock_not_available */
    {"57014", PM_UNAVAILABLE},       /* query_canceled (statement_timeout) */
    {"57", PM_UNAVAILABLE},          /* operator intervention: shutdown, cannot connect now */
    {"08", PM_UNAVAILABLE},          /* connection exceptions */
    {"53", PM_UNAVAILABLE},          /* insufficient resources */
};

pm_status db_sqlstate_status(const char *sqlstate)
{
    if (!sqlstate || !*sqlstate)
        return PM_UNAVAILABLE;
    for (size_t i = 0; i < sizeof sqlstate_map / sizeof sqlstate_map[0]; i++)
        if (strncmp(sqlstate, sqlstate_map[i].prefix, strlen(sqlstate_map[i].prefix)) == 0)
            return sqlstate_map[i].status;
    return PM_INTERNAL;
}

static const char unavailable[] = MSG("The database is unavailable; try again shortly.");

/* What a client is told of a failure of status `status` (a MSG). */
static const char *detail_of(pm_status status)
{
    switch (status) {
    case PM_CONFLICT:
        return MSG("The request conflicts with data already stored.");
    case PM_VALIDATION_FAILED:
        return MSG("A value in the request is not acceptable.");
    case PM_UNAVAILABLE:
        return unavailable;
    default:
        return MSG("The request could not be completed.");
    }
}

/* Waits until the connection has a complete result: NULL, or why there is none (for the log). */
static const char *wait_result(PGconn *conn)
{
    int64_t deadline = monotonic_ms() + client_timeout_ms;
    while (PQisBusy(conn)) {
        int64_t left = deadline - monotonic_ms();
        if (left <= 0)
            return "did not answer in time";
        struct pollfd pfd = {.fd = PQsocket(conn), .events = POLLIN};
        int ready = poll(&pfd, 1, (int)left);
        if (ready < 0 || (ready > 0 && !PQconsumeInput(conn)))
            return "connection lost";
    }
    return NULL;
}

/* Takes the last result of what `sent` sent (NULL-free on PM_OK); PM_UNAVAILABLE when the
 * send failed or no answer came in time (logged). */
static pm_status round_trip(PGconn *conn, int sent, PGresult **out)
{
    *out = NULL;
    if (!sent) {
        log_msg(LOG_WARN, NULL, "database send failed: %s", PQerrorMessage(conn));
        return PM_UNAVAILABLE;
    }
    PGresult *last = NULL;
    for (;;) {
        const char *why = wait_result(conn);
        if (why) {
            PQclear(last);
            log_msg(LOG_WARN, NULL, "database %s (timeout %d ms): %s", why, client_timeout_ms,
                    PQerrorMessage(conn));
            return PM_UNAVAILABLE;
        }
        PGresult *res = PQgetResult(conn);
        if (!res)
            break;
        PQclear(last);
        last = res;
    }
    if (!last) {
        log_msg(LOG_WARN, NULL, "database sent no result: %s", PQerrorMessage(conn));
        return PM_UNAVAILABLE;
    }
    *out = last;
    return PM_OK;
}

static bool succeeded(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* How a named statement went wrong where the unnamed one would not have: its plan's result type
 * changed with the schema (0A000, "cached plan must not change result type"), or the server lost
 * it (26000) or had the name already (42P05), as behind a transaction-mode pooler. Nothing ran. */
typedef enum { NAMED_FINE, NAMED_STALE, NAMED_UNKEPT } named_trouble;

static named_trouble trouble_of(const PGresult *res)
{
    const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (!sqlstate)
        return NAMED_FINE;
    if (strcmp(sqlstate, "0A000") == 0)
        return NAMED_STALE;
    return strcmp(sqlstate, "26000") == 0 || strcmp(sqlstate, "42P05") == 0 ? NAMED_UNKEPT
                                                                            : NAMED_FINE;
}

/* Sends `sql` by name when `conn` keeps prepared statements (preparing it on first use), else
 * unnamed, and takes its result; *named tells which way it went. */
static pm_status send_statement(PGconn *conn, const char *sql, int nparams,
                                const char *const *params, bool *named, PGresult **out)
{
    char name[STATEMENT_NAME_MAX];
    bool prepared = false;
    *named = db_statements_lookup(conn, sql, name, &prepared);
    if (*named && !prepared) {
        pm_status st = round_trip(conn, PQsendPrepare(conn, name, sql, nparams, NULL), out);
        if (st != PM_OK || !succeeded(*out)) { /* the statement's own error, as unnamed */
            *named = st == PM_OK && trouble_of(*out) == NAMED_UNKEPT;
            return st;
        }
        PQclear(*out);
        db_statements_mark(conn, sql);
    }
    int sent = *named ? PQsendQueryPrepared(conn, name, nparams, params, NULL, NULL, 0)
                      : PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    return round_trip(conn, sent, out);
}

/* Runs `sql` once; *retry is set when a named statement failed where running it again will
 * succeed (nothing ran, and no transaction was spoiled). */
static pm_status exec_once(PGconn *conn, const char *sql, int nparams, const char *const *params,
                           bool *retry, PGresult **out, pm_error *err)
{
    *retry = false;
    PGresult *cleanup;
    if (PQtransactionStatus(conn) == PQTRANS_IDLE && db_statements_take_cleanup(conn) &&
        round_trip(conn, PQsendQuery(conn, "DEALLOCATE ALL"), &cleanup) == PM_OK)
        PQclear(cleanup);
    bool named;
    PGresult *last;
    if (send_statement(conn, sql, nparams, params, &named, &last) != PM_OK)
        return pm_fail_text(err, PM_UNAVAILABLE, unavailable);
    if (succeeded(last)) {
        if (out)
            *out = last;
        else
            PQclear(last);
        return PM_OK;
    }
    named_trouble trouble = named ? trouble_of(last) : NAMED_FINE;
    if (trouble == NAMED_STALE) {
        db_statements_forget(conn);
        log_msg(LOG_INFO, NULL, "prepared statements dropped: %s", PQresultErrorMessage(last));
    } else if (trouble == NAMED_UNKEPT) {
        db_statements_disable(conn);
        log_msg(LOG_WARN, NULL,
                "the database does not keep prepared statements (a transaction-mode pooler?); "
                "this connection sends them unnamed from now on; set DB_PREPARE=off: %s",
                PQresultErrorMessage(last));
    }
    if (trouble != NAMED_FINE && PQtransactionStatus(conn) == PQTRANS_IDLE) {
        PQclear(last);
        *retry = true;
        return PM_UNAVAILABLE;
    }
    const char *sqlstate = PQresultErrorField(last, PG_DIAG_SQLSTATE);
    pm_status status = trouble != NAMED_FINE
                           ? PM_UNAVAILABLE
                           : db_sqlstate_status(PQstatus(conn) == CONNECTION_OK ? sqlstate : NULL);
    log_msg(status == PM_INTERNAL ? LOG_ERROR : LOG_WARN, NULL, "database error %s: %s",
            sqlstate ? sqlstate : "-", PQresultErrorMessage(last));
    PQclear(last);
    return pm_fail_text(err, status, detail_of(status));
}

pm_status db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                  PGresult **out, pm_error *err)
{
    if (out)
        *out = NULL;
    bool retry;
    pm_status st = exec_once(conn, sql, nparams, params, &retry, out, err);
    if (retry) /* once: the statement is prepared afresh, or sent unnamed */
        st = exec_once(conn, sql, nparams, params, &retry, out, err);
    if (retry) /* the same trouble again */
        st = pm_fail_text(err, PM_UNAVAILABLE, unavailable);
    return st;
}

json_t *db_row_to_json(const PGresult *res, int row)
{
    json_t *obj = json_object();
    int ncols = PQnfields(res);
    for (int c = 0; c < ncols; c++) {
        const char *name = PQfname(res, c);
        if (name[0] == '_')
            continue;
        if (PQgetisnull(res, row, c)) {
            json_object_set_new_nocheck(obj, name, json_null());
            continue;
        }
        const char *v = PQgetvalue(res, row, c);
        json_t *value;
        switch (PQftype(res, c)) {
        case 16: /* bool */
            value = json_boolean(v[0] == 't');
            break;
        case 20: /* int8 */
        case 21: /* int2 */
        case 23: /* int4 */
            value = json_integer(strtoll(v, NULL, 10));
            break;
        case 700:  /* float4 */
        case 701:  /* float8 */
        case 1700: /* numeric */
            value = json_real(strtod(v, NULL));
            break;
        case 114:  /* json */
        case 3802: /* jsonb */
            value = json_loads(v, JSON_DECODE_ANY, NULL);
            break;
        default: /* the database's text is UTF-8 (the migrations refuse another encoding) */
            value = json_stringn_nocheck(v, (size_t)PQgetlength(res, row, c));
            break;
        }
        json_object_set_new_nocheck(obj, name, value ? value : json_null());
    }
    return obj;
}

/* The cursor of the position after row `row` of `res`: its `key_columns`, then the sort a sorted
 * list continues (page_bind_sorted). A new string into *out (caller frees). */
static pm_status row_cursor(const PGresult *res, int row, const page_request *page,
                            const char *const *key_columns, int nkeys, char **out, pm_error *err)
{
    const char *keys[PAGE_MAX_KEYS];
    if (nkeys + (page->sort > 0) > PAGE_MAX_KEYS)
        return pm_fail(err, PM_INTERNAL, MSG("The list could not be paged."));
    for (int k = 0; k < nkeys; k++) {
        int col = PQfnumber(res, key_columns[k]);
        if (col < 0)
            return pm_fail(err, PM_INTERNAL, MSG("The list could not be paged."));
        keys[k] = PQgetvalue(res, row, col);
    }
    if (page->sort > 0)
        keys[nkeys++] = page->sort_label;
    *out = page_cursor_encode(keys, nkeys);
    return *out ? PM_OK : pm_fail(err, PM_INTERNAL, MSG("The list could not be paged."));
}

pm_status db_page_collect(const PGresult *res, const page_request *page,
                          const char *const *key_columns, int nkeys, page_result *out,
                          pm_error *err)
{
    int rows = PQntuples(res);
    int served = rows > page->limit ? page->limit : rows;
    out->items = json_array();
    out->next_cursor = NULL;
    for (int r = 0; r < served; r++)
        json_array_append_new(out->items, db_row_to_json(res, r));
    if (rows > page->limit && served > 0)
        return row_cursor(res, served - 1, page, key_columns, nkeys, &out->next_cursor, err);
    return PM_OK;
}

pm_status db_feed_collect(const PGresult *res, const page_request *page,
                          const char *const *key_columns, int nkeys, page_result *out,
                          pm_error *err)
{
    pm_status st = db_page_collect(res, page, key_columns, nkeys, out, err);
    size_t served = json_array_size(out->items);
    out->resumable = true;
    if (st != PM_OK || (!served && !page->nkeys))
        return st; /* nothing served from the start of the feed: poll from its start */
    if (served)
        return row_cursor(res, (int)served - 1, page, key_columns, nkeys, &out->resume_cursor, err);
    const char *keys[PAGE_MAX_KEYS]; /* nothing new yet: from where the request began */
    for (int k = 0; k < page->nkeys; k++)
        keys[k] = page->after[k];
    out->resume_cursor = page_cursor_encode(keys, page->nkeys);
    return out->resume_cursor ? PM_OK
                              : pm_fail(err, PM_INTERNAL, MSG("The list could not be paged."));
}

int db_sorted_index(const page_request *page)
{
    return 2 * (page->sort - 1) + (page->descending ? 1 : 0);
}

pm_status db_count(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   page_result *out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err);
    if (st != PM_OK)
        return st;
    out->total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    out->counted = true;
    PQclear(res);
    return PM_OK;
}

pm_status db_fetch_one(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       const char *not_found, json_t **out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err);
    if (st != PM_OK)
        return st;
    if (PQntuples(res) == 1)
        *out = db_row_to_json(res, 0);
    else
        st = pm_fail_text(err, PM_NOT_FOUND, not_found);
    PQclear(res);
    return st;
}

pm_status db_fetch_text(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        const char *not_found, char *out, size_t size, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err); /* sql-constant: forwarded */
    if (st != PM_OK)
        return st;
    if (PQntuples(res) == 1 && PQnfields(res) >= 1)
        snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
    else
        st = pm_fail_text(err, PM_NOT_FOUND, not_found);
    PQclear(res);
    return st;
}

pm_status db_fetch_all(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       json_t **out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err); /* sql-constant: forwarded */
    if (st != PM_OK)
        return st;
    *out = json_array();
    for (int r = 0; r < PQntuples(res); r++)
        json_array_append_new(*out, db_row_to_json(res, r));
    PQclear(res);
    return PM_OK;
}

pm_status db_fetch_page(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        const page_request *page, const char *const *key_columns, int nkeys,
                        page_result *out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err);
    if (st == PM_OK) {
        st = db_page_collect(res, page, key_columns, nkeys, out, err);
        PQclear(res);
    }
    return st;
}

pm_status db_set_archived(PGconn *conn, const char *sql, const char *const *keys, int nkeys,
                          long long version, bool archive, const char *stale, pm_error *err)
{
    char ver[24];
    snprintf(ver, sizeof ver, "%lld", version);
    const char *params[4] = {NULL};
    if (nkeys < 1 || nkeys > 2)
        return pm_fail(err, PM_INTERNAL, MSG("The change could not be made."));
    for (int i = 0; i < nkeys; i++)
        params[i] = keys[i];
    params[nkeys] = ver;
    params[nkeys + 1] = archive ? "true" : "false";
    return db_change_one(conn, sql, nkeys + 2, params, stale, err); /* sql-constant: forwarded */
}

pm_status db_begin(PGconn *conn, pm_error *err)
{
    return db_exec(conn, "BEGIN", 0, NULL, NULL, err);
}

pm_status db_commit(PGconn *conn, pm_error *err)
{
    return db_exec(conn, "COMMIT", 0, NULL, NULL, err);
}

pm_status db_rollback(PGconn *conn, pm_error *err)
{
    return db_exec(conn, "ROLLBACK", 0, NULL, NULL, err);
}

pm_status db_savepoint(PGconn *conn, pm_error *err)
{
    return db_exec(conn, "SAVEPOINT planmon", 0, NULL, NULL, err);
}

pm_status db_rollback_to_savepoint(PGconn *conn, pm_error *err)
{
    return db_exec(conn, "ROLLBACK TO SAVEPOINT planmon", 0, NULL, NULL, err);
}

/* The audit trigger (migration 0003) reads these settings; the outbox trigger (migrations 0022,
 * 0024) the province's zone, and runs only for the entity types an enabled webhook listens to
 * when the transaction begins (planmon.outbox: a bulk import no one listens to pays nothing for
 * events). */
static const char set_actor_sql[] =
    "SELECT set_config('planmon.user', coalesce($1, ''), true),"
    "       set_config('planmon.role', coalesce($2, ''), true),"
    "       set_config('planmon.agency', coalesce($3, ''), true),"
    "       set_config('planmon.request_id', coalesce($4, ''), true),"
    "       set_config('planmon.action', coalesce($5, ''), true),"
    "       set_config('planmon.zone', $6, true),"
    "       set_config('planmon.outbox', outbox_listened_entity_types(), true)";

pm_status db_set_actor(PGconn *conn, const db_actor *actor, pm_error *err)
{
    const char *params[] = {actor->user,       actor->role,   actor->agency,
                            actor->request_id, actor->action, clock_zone()};
    return db_exec(conn, set_actor_sql, 6, params, NULL, err);
}

pm_status db_begin_as(PGconn *conn, const db_actor *actor, pm_error *err)
{
    pm_status st = db_begin(conn, err);
    return st == PM_OK ? db_set_actor(conn, actor, err) : st;
}

pm_status db_change_one(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        const char *stale, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, sql, nparams, params, &res, err);
    if (st != PM_OK)
        return st;
    if (PQntuples(res) != 1)
        st = pm_fail_text(err, PM_PRECONDITION_FAILED, stale);
    PQclear(res);
    return st;
}

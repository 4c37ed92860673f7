/* pool.c: bounded libpq connection pool (see pool.h). */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/query.h"
#include "db/statements.h"
#include "log.h"

/* After a failed connect, further connects are not tried for this long: callers get 503 at once
 * instead of each spending a connect timeout while the server is away. */
enum { CONNECT_BACKOFF_MS = 250, CONNECT_TIMEOUT_S = 2 };

struct slot {
    PGconn *conn;
    bool in_use;
};

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *conninfo;
    int size;
    int in_use;
    int acquire_timeout_ms;
    int query_timeout_ms;
    bool prepare; /* connections keep named prepared statements (db/statements.h) */
    int64_t last_connect_failure_ms;
    uint64_t acquire_timeouts, reconnects, connect_failures;
    struct slot *slots;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Server notices ("relation already exists, skipping") go to the log, not to stderr. */
static void notice_to_log(void *arg, const char *message)
{
    log_msg(LOG_DEBUG, NULL, "database notice: %s", message);
}

PGconn *db_connect(const char *conninfo, int query_timeout_ms, pm_error *err)
{
    char options[64], timeout[16];
    snprintf(options, sizeof options, "-c statement_timeout=%d", query_timeout_ms);
    snprintf(timeout, sizeof timeout, "%d", CONNECT_TIMEOUT_S);
    /* expand_dbname: `dbname` carries the whole URL; later keywords fill what it leaves unset. */
    const char *const keys[] = {
        "dbname",          "connect_timeout",     "options",          "application_name",
        "keepalives_idle", "keepalives_interval", "keepalives_count", NULL};
    const char *const values[] = {conninfo, timeout, options, "planmon", "30", "10", "3", NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        log_msg(LOG_WARN, NULL, "database connection failed: %s",
                conn ? PQerrorMessage(conn) : "out of memory");
        PQfinish(conn);
        pm_fail(err, PM_UNAVAILABLE, MSG("The database is unavailable; try again shortly."));
        return NULL;
    }
    PQsetNoticeProcessor(conn, notice_to_log, NULL);
    return conn;
}

db_pool *db_pool_new(const char *conninfo, int size, int acquire_timeout_ms, int query_timeout_ms,
                     bool prepare)
{
    db_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->slots = calloc((size_t)size, sizeof *pool->slots);
    pool->conninfo = strdup(conninfo);
    if (!pool->slots || !pool->conninfo) {
        free(pool->slots);
        free(pool->conninfo);
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->freed, &attr);
    pthread_condattr_destroy(&attr);
    pool->size = size;
    pool->acquire_timeout_ms = acquire_timeout_ms;
    pool->query_timeout_ms = query_timeout_ms;
    pool->prepare = prepare;
    return pool;
}

void db_pool_free(db_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->size; i++)
        PQfinish(pool->slots[i].conn);
    pthread_cond_destroy(&pool->freed);
    pthread_mutex_destroy(&pool->lock);
    free(pool->slots);
    free(pool->conninfo);
    free(pool);
}

/* True when an idle connection is still usable. An idle connection of ours has nothing to read
 * (we neither LISTEN nor leave results behind): input means the server is going or gone — a
 * shutdown or restart sends a FATAL notice, which libpq takes in as a mere notice while the
 * socket is still open, before the close arrives — so any input retires the connection. */
static bool conn_alive(PGconn *conn)
{
    if (PQstatus(conn) != CONNECTION_OK)
        return false;
    struct pollfd pfd = {.fd = PQsocket(conn), .events = POLLIN};
    return poll(&pfd, 1, 0) == 0;
}

pm_status db_pool_acquire(db_pool *pool, PGconn **out, pm_error *err)
{
    *out = NULL;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += pool->acquire_timeout_ms / 1000;
    deadline.tv_nsec += (long)(pool->acquire_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&pool->lock);
    while (pool->in_use == pool->size) {
        if (pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline) == ETIMEDOUT &&
            pool->in_use == pool->size) {
            pool->acquire_timeouts++;
            pthread_mutex_unlock(&pool->lock);
            return pm_fail(err, PM_UNAVAILABLE, MSG("The service is busy; try again shortly."));
        }
    }
    /* Prefer a slot with an open connection. */
    struct slot *slot = NULL;
    for (int i = 0; i < pool->size; i++) {
        if (pool->slots[i].in_use)
            continue;
        if (!slot || (!slot->conn && pool->slots[i].conn))
            slot = &pool->slots[i];
    }
    slot->in_use = true;
    pool->in_use++;
    bool backing_off = !slot->conn && pool->last_connect_failure_ms &&
                       now_ms() - pool->last_connect_failure_ms < CONNECT_BACKOFF_MS;
    pthread_mutex_unlock(&pool->lock);

    if (slot->conn && !conn_alive(slot->conn)) {
        PQfinish(slot->conn);
        slot->conn = NULL;
    }
    if (!slot->conn && !backing_off) {
        slot->conn = db_connect(pool->conninfo, pool->query_timeout_ms, NULL);
        if (slot->conn && pool->prepare)
            db_statements_attach(slot->conn);
        pthread_mutex_lock(&pool->lock);
        if (slot->conn) {
            pool->reconnects++;
            pool->last_connect_failure_ms = 0;
        } else {
            pool->connect_failures++;
            pool->last_connect_failure_ms = now_ms();
        }
        pthread_mutex_unlock(&pool->lock);
    }
    if (!slot->conn) {
        pthread_mutex_lock(&pool->lock);
        slot->in_use = false;
        pool->in_use--;
        pthread_cond_signal(&pool->freed);
        pthread_mutex_unlock(&pool->lock);
        return pm_fail(err, PM_UNAVAILABLE, MSG("The database is unavailable; try again shortly."));
    }
    *out = slot->conn;
    return PM_OK;
}

void db_pool_release(db_pool *pool, PGconn *conn)
{
    if (!conn)
        return;
    bool keep;
    switch (PQtransactionStatus(conn)) {
    case PQTRANS_IDLE:
        keep = PQstatus(conn) == CONNECTION_OK;
        break;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
        keep = db_rollback(conn, NULL) == PM_OK;
        break;
    default: /* PQTRANS_ACTIVE (a timed-out query) or PQTRANS_UNKNOWN (connection lost) */
        keep = false;
        break;
    }
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < pool->size; i++) {
        struct slot *slot = &pool->slots[i];
        if (slot->conn == conn && slot->in_use) {
            if (!keep)
                slot->conn = NULL;
            slot->in_use = false;
            pool->in_use--;
            pthread_cond_signal(&pool->freed);
            break;
        }
    }
    pthread_mutex_unlock(&pool->lock);
    if (!keep)
        PQfinish(conn);
}

void db_pool_get_stats(db_pool *pool, db_pool_stats *out)
{
    pthread_mutex_lock(&pool->lock);
    out->size = pool->size;
    out->in_use = pool->in_use;
    out->acquire_timeouts = pool->acquire_timeouts;
    out->reconnects = pool->reconnects;
    out->connect_failures = pool->connect_failures;
    pthread_mutex_unlock(&pool->lock);
}

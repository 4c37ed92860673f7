/* pool.h: a bounded, thread-safe pool of libpq connections.
 *
 * A request borrows one connection (db_pool_acquire) and gives it back (db_pool_release). The
 * wait for a free connection is bounded; a connection that died (server restart) is detected
 * before it is lent and replaced; a connection given back inside a transaction is rolled back, and
 * one in a broken state is dropped and re-made on next use. While PostgreSQL is unreachable,
 * acquire fails fast with PM_UNAVAILABLE rather than blocking every worker on connect timeouts. */
#ifndef PLANMON_DB_POOL_H
#define PLANMON_DB_POOL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "status.h"

typedef struct db_pool db_pool;

typedef struct {
    int size;
    int in_use;
    uint64_t acquire_timeouts;
    uint64_t reconnects;
    uint64_t connect_failures;
} db_pool_stats;

/* Creates a pool of `size` lazily opened connections to `conninfo` (a libpq URI or key=value
 * string, copied). Statements on its connections are cut off server-side after
 * `query_timeout_ms`; with `prepare`, each connection prepares the statements it runs, once
 * (db/statements.h). Returns NULL on allocation failure. The caller owns the pool. */
db_pool *db_pool_new(const char *conninfo, int size, int acquire_timeout_ms, int query_timeout_ms,
                     bool prepare);

/* Closes every connection and frees the pool. No connection may be borrowed. */
void db_pool_free(db_pool *pool);

/* Lends a healthy connection in *out (borrowed until db_pool_release). Fails with
 * PM_UNAVAILABLE when no connection frees up in time or the database cannot be reached.
 * Thread-safe. */
pm_status db_pool_acquire(db_pool *pool, PGconn **out, pm_error *err);

/* Gives `conn` back: rolls back an open transaction, drops a broken connection. Thread-safe. */
void db_pool_release(db_pool *pool, PGconn *conn);

/* Opens one standalone connection (for migrate and seed); NULL with `err` filled on failure.
 * The caller owns it (PQfinish). */
PGconn *db_connect(const char *conninfo, int query_timeout_ms, pm_error *err);

/* Copies the pool's counters into *out. Thread-safe. */
void db_pool_get_stats(db_pool *pool, db_pool_stats *out);

#endif

/* context.h: one HTTP request as the handlers see it, the shape of a route, and the request's
 * database connection and transaction (context.c).
 *
 * An http_ctx lives on the dispatcher's stack for one request: everything it points to is
 * borrowed from Ulfius or the app, and the database connection it may hold is given back by the
 * dispatcher (ctx_release). Handlers: parse, authorise, call one repository or domain function,
 * reply. They reach the connection in one way only, ctx_db (or ctx_begin for a write), and may
 * give it back early (ctx_put_back). */
#ifndef PLANMON_HTTP_CONTEXT_H
#define PLANMON_HTTP_CONTEXT_H

#include <libpq-fe.h>
#include <ulfius.h>

#include "app.h"
#include "auth/principal.h"
#include "domain/timestamp.h"
#include "status.h"

struct http_ctx;

/* A handler replies on success (reply.h) and returns PM_OK, or returns a failure status with
 * `err` filled, and the dispatcher answers the problem. */
typedef pm_status (*route_handler)(struct http_ctx *ctx, pm_error *err);

enum route_flags {
    ROUTE_BODY_JSON = 1 << 0,   /* the operation takes a JSON request body */
    ROUTE_BODY_IMPORT = 1 << 1, /* a JSON or CSV body of up to IMPORT_MAX_BYTES */
};

struct route {
    const char *method; /* GET, POST, ... */
    const char *path;   /* OpenAPI template: /v1/admin-units/{code} */
    route_handler handler;
    unsigned roles; /* ROLE_BIT()s that may call it; 0: public, no token needed */
    unsigned flags;
    int metric;        /* index into the metrics series, set by routes.c */
    const char *allow; /* for the 405 catch-all of a path: its Allow header */
    const void *data;  /* the handler's own parameters (e.g. a history_spec), or NULL */
};

enum { ROUTE_MAX_PARAMS = 2, PATH_PARAM_MAX = 128, QUERY_MAX_PARAMS = 32, REQ_TIMES_MAX = 4 };

struct query_param {
    const char *key, *value; /* decoded, NUL-terminated, valid UTF-8; point into query_buf */
};

typedef struct http_ctx {
    const struct _u_request *req;
    struct _u_response *resp;
    const struct route *route;
    app_t *app;
    /* The connection, its pool (the primary's, or the replica's for a read) and its open
     * transaction (0 none, TX_HANDLER, TX_DISPATCHER). Only context.c and the dispatcher's own
     * steps (dispatch.c, idempotency.c) touch these; tests/checks/layers.py holds them to it. */
    PGconn *conn;
    db_pool *conn_pool;
    int tx;
    principal who;        /* the caller, once authenticated */
    bool token_presented; /* an Authorization header was sent (for WWW-Authenticate) */
    char request_id[129];
    /* decoded values of the template's {params}, in template order (filled by the dispatcher) */
    char path_values[ROUTE_MAX_PARAMS][PATH_PARAM_MAX];
    /* the query string, parsed by the dispatcher (Ulfius's own map mixes path parameters in and
     * joins repeated keys with commas, so it is not used) */
    int nquery;
    struct query_param query[QUERY_MAX_PARAMS];
    char *query_buf; /* owned; freed by the dispatcher */
    /* the time bounds of the query in canonical form (req_query_time), for the request */
    int ntimes;
    char times[REQ_TIMES_MAX][TIMESTAMP_TEXT_MAX];
} http_ctx;

enum { TX_HANDLER = 1, TX_DISPATCHER = 2 };

/* The request's database connection into *out (borrowed for the rest of the request; the same
 * one on every call): for a GET or HEAD a streaming replica's when one is configured and has
 * replayed the client's Planmon-Read-After, else the primary's. PM_UNAVAILABLE when none can
 * be had in time. */
pm_status ctx_db(http_ctx *ctx, PGconn **out, pm_error *err);

/* True when the request reads from a streaming replica (ctx_db took one). */
bool ctx_on_replica(const http_ctx *ctx);

/* Moves the request to the primary for the rest of it: gives the replica's connection back and
 * takes the primary's into *out (as ctx_db), for an answer that a replica's lag would make wrong.
 * Called before any transaction. PM_UNAVAILABLE when the primary cannot be had in time. */
pm_status ctx_use_primary(http_ctx *ctx, PGconn **out, pm_error *err);

/* Starts the request's write transaction on the connection (*out, as ctx_db): BEGIN, then the
 * audit actor — the caller, the request id, and `action` when it is not the plain create or
 * update the audit trigger derives. Inside the dispatcher's own transaction (an idempotent
 * POST) only the actor is set. Every audited write goes through this. */
pm_status ctx_begin(http_ctx *ctx, const char *action, PGconn **out, pm_error *err);

/* Commits what ctx_begin started (nothing when the dispatcher owns the transaction: it commits
 * after storing the answer). A handler commits before it replies. */
pm_status ctx_commit(http_ctx *ctx, pm_error *err);

/* Gives the connection back to its pool (the dispatcher, at the end of the request). */
void ctx_release(http_ctx *ctx);

/* Gives the connection back to its pool before work that needs no database and may wait (a
 * password check), unless a transaction is open; the next ctx_db takes one again. */
void ctx_put_back(http_ctx *ctx);

#endif

/* context.c: the request's database connection and write transaction (see context.h). */
#include "http/context.h"

#include <string.h>

#include "db/position_repo.h"
#include "db/query.h"
#include "http/request.h"

/* A GET or HEAD with a replica configured reads from it, once it has replayed the write position
 * the client names in Planmon-Read-After (the Planmon-Write-Position of its last write); else,
 * or when the replica cannot be reached, from the primary. */
static bool take_replica(http_ctx *ctx)
{
    db_pool *replica = ctx->app->read_pool;
    const char *method = ctx->req->http_verb;
    if (!replica || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
        return false;
    PGconn *conn;
    pm_error ignored = {0};
    bool replayed = true;
    const char *after = req_header(ctx, "Planmon-Read-After");
    if (db_pool_acquire(replica, &conn, &ignored) != PM_OK) {
        pm_error_reset(&ignored);
        return false;
    }
    if (after && position_repo_replayed(conn, after, &replayed, &ignored) != PM_OK)
        replayed = false;
    pm_error_reset(&ignored);
    if (!replayed) {
        db_pool_release(replica, conn);
        return false;
    }
    ctx->conn = conn;
    ctx->conn_pool = replica;
    return true;
}

pm_status ctx_db(http_ctx *ctx, PGconn **out, pm_error *err)
{
    if (!ctx->conn && !take_replica(ctx))
        return ctx_use_primary(ctx, out, err);
    *out = ctx->conn;
    return PM_OK;
}

bool ctx_on_replica(const http_ctx *ctx)
{
    return ctx->conn && ctx->app->read_pool && ctx->conn_pool == ctx->app->read_pool;
}

pm_status ctx_use_primary(http_ctx *ctx, PGconn **out, pm_error *err)
{
    if (ctx_on_replica(ctx)) {
        db_pool_release(ctx->conn_pool, ctx->conn);
        ctx->conn = NULL;
        ctx->conn_pool = NULL;
    }
    if (!ctx->conn) {
        pm_status st = db_pool_acquire(ctx->app->pool, &ctx->conn, err);
        if (st != PM_OK)
            return st;
        ctx->conn_pool = ctx->app->pool;
    }
    *out = ctx->conn;
    return PM_OK;
}

pm_status ctx_begin(http_ctx *ctx, const char *action, PGconn **out, pm_error *err)
{
    const principal *who = ctx->who.authenticated ? &ctx->who : NULL;
    db_actor actor = {
        .user = who ? who->username : NULL,
        .role = who ? role_name(who->role) : NULL,
        .agency = who ? who->agency : NULL,
        .request_id = ctx->request_id,
        .action = action,
    };
    pm_status st = ctx_db(ctx, out, err);
    if (st != PM_OK)
        return st;
    if (ctx->tx)
        return db_set_actor(*out, &actor, err);
    if ((st = db_begin_as(*out, &actor, err)) == PM_OK)
        ctx->tx = TX_HANDLER;
    return st;
}

pm_status ctx_commit(http_ctx *ctx, pm_error *err)
{
    if (ctx->tx != TX_HANDLER)
        return PM_OK;
    ctx->tx = 0;
    return db_commit(ctx->conn, err);
}

void ctx_release(http_ctx *ctx)
{
    if (ctx->conn)
        db_pool_release(ctx->conn_pool, ctx->conn);
    ctx->conn = NULL;
    ctx->conn_pool = NULL;
}

void ctx_put_back(http_ctx *ctx)
{
    if (!ctx->tx)
        ctx_release(ctx);
}

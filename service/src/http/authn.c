/* authn.c: bearer token authentication and the route's role rule (see authn.h). */
#include "http/authn.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/auth_repo.h"
#include "auth/token.h"
#include "auth/user_cache.h"
#include "http/request.h"
#include "log.h"

/* The state of the token's user, read from the request's connection. */
static pm_status read_state(http_ctx *ctx, PGconn *db, user_state *state, pm_error *err)
{
    auth_user user;
    pm_status st = auth_repo_user(db, ctx->who.username, &user, err);
    memset(state, 0, sizeof *state);
    if (st == PM_NOT_FOUND) {
        pm_error_reset(err);
        return PM_OK;
    }
    if (st == PM_OK) {
        state->exists = true;
        state->active = user.active;
        state->role = user.who.role;
        memcpy(state->agency, user.who.agency, sizeof state->agency);
        state->session_version = user.who.session_version;
    }
    return st;
}

/* Whether `state` refuses the token's principal `who`: no such user, disabled, or another role,
 * agency or session than the token says. */
static bool refuses(const user_state *state, const principal *who)
{
    return !state->exists || !state->active || state->role != who->role ||
           strcmp(state->agency, who->agency) != 0 ||
           who->session_version != state->session_version;
}

/* The user's current state: from this process's cache when fresh, else from the database. A
 * refusal read from a replica is read again from the primary: the replica may not have replayed
 * the user's creation or change yet (a user made a moment ago would get 401 on its first GET). */
static pm_status current_state(http_ctx *ctx, time_t now, user_state *state, pm_error *err)
{
    if (user_cache_get(ctx->who.username, now, state))
        return PM_OK;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = read_state(ctx, db, state, err);
    if (st == PM_OK && refuses(state, &ctx->who) && ctx_on_replica(ctx) &&
        (st = ctx_use_primary(ctx, &db, err)) == PM_OK)
        st = read_state(ctx, db, state, err);
    if (st == PM_OK)
        user_cache_put(ctx->who.username, now, state);
    return st;
}

pm_status authn_require(http_ctx *ctx, pm_error *err)
{
    const char *header = req_header(ctx, "Authorization");
    const char *token = header && strncasecmp(header, "Bearer ", 7) == 0 ? header + 7 : NULL;
    while (token && *token == ' ')
        token++;
    /* Only a bearer token that was sent can be "invalid" (RFC 6750 3.1); anything else gets the
     * plain challenge. */
    ctx->token_presented = token && *token;
    if (!ctx->token_presented)
        return pm_fail(err, PM_UNAUTHORIZED,
                       MSG("This operation needs an access token: Authorization: Bearer <token>."));
    time_t now = time(NULL);
    pm_status st = token_verify(ctx->app->keys, token, now, &ctx->who, err);
    user_state state;
    if (st == PM_OK)
        st = current_state(ctx, now, &state, err);
    if (st != PM_OK)
        return st;
    if (refuses(&state, &ctx->who)) {
        log_msg(LOG_DEBUG, NULL, "token refused: the user's account or session changed");
        return pm_fail(err, PM_UNAUTHORIZED,
                       MSG("The access token is missing, invalid or expired."));
    }
    if (!(ctx->route->roles & ROLE_BIT(ctx->who.role)))
        return pm_fail(err, PM_FORBIDDEN, MSG("The %s role may not %s %s."),
                       role_name(ctx->who.role), ctx->route->method, ctx->route->path);
    return PM_OK;
}

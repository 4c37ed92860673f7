/* auth_http.c: signing in, token refresh and sign-out (see auth_http.h). */
#include "resources/auth_http.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "auth/auth_repo.h"
#include "auth/token.h"
#include "auth/user_cache.h"
#include "domain/page.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "log.h"
#include "resources/audit_repo.h"

static const field_spec login_fields[] = {
    V_STRING("username", true, 1, USERNAME_MAX - 1),
    V_STRING("password", true, 1, PASSWORD_MAX),
    V_END,
};

static const field_spec refresh_fields[] = {
    V_STRING("refresh_token", true, 1, 128),
    V_END,
};

static const char *const no_params[] = {NULL};

/* A new refresh token: random text in `token` (44 bytes), its SHA-256 in `hash`. */
static bool new_refresh_token(char token[44], unsigned char hash[REFRESH_TOKEN_BYTES])
{
    unsigned char raw[REFRESH_TOKEN_BYTES];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return false;
    char *text = base64url_encode(raw, sizeof raw);
    if (!text)
        return false;
    snprintf(token, 44, "%s", text);
    free(text);
    SHA256((const unsigned char *)token, strlen(token), hash);
    return true;
}

/* Answers the token pair for `user` with refresh token `refresh`. */
static pm_status reply_tokens(http_ctx *ctx, const auth_user *user, const char *refresh,
                              pm_error *err)
{
    const auth_keys *keys = ctx->app->keys;
    char *access = token_issue(keys, &user->who, time(NULL), keys->ttl_s);
    if (!access)
        return pm_fail(err, PM_INTERNAL, MSG("The token could not be signed."));
    json_t *body = json_pack("{s:s, s:s, s:i, s:s}", "access_token", access, "token_type", "Bearer",
                             "expires_in", keys->ttl_s, "refresh_token", refresh);
    free(access);
    reply_header(ctx, "Cache-Control", "no-store");
    reply_json(ctx, 200, body, "application/json");
    json_decref(body);
    return PM_OK;
}

/* Parses the body against `fields`, with no query parameters allowed. */
static pm_status read_body(http_ctx *ctx, const field_spec *fields, json_t **body, pm_error *err)
{
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, body, err)))
        return st;
    return validate_body(*body, fields, VALIDATE_CREATE, err);
}

pm_status auth_token(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL;
    PGconn *db;
    pm_status st;
    if ((st = read_body(ctx, login_fields, &body, err)) || (st = ctx_db(ctx, &db, err)))
        return st;
    const char *username = json_member_string(body, "username");
    const char *password = json_member_string(body, "password");
    char address[64];
    req_client_address(ctx, address, sizeof address);

    const pm_config *cfg = ctx->app->cfg;
    int retry_after = 0;
    if ((st =
             auth_repo_throttle(db, username, address, cfg->login_window_s, cfg->login_max_failures,
                                cfg->login_max_failures_ip, &retry_after, err)))
        return st;
    if (retry_after > 0) {
        char seconds[16];
        snprintf(seconds, sizeof seconds, "%d", retry_after);
        reply_header(ctx, "Retry-After", seconds);
        log_msg(LOG_WARN, NULL, "login throttled for %.64s from %s", username, address);
        return pm_fail(err, PM_TOO_MANY_REQUESTS,
                       MSG("Too many failed sign-ins; try again later."));
    }

    auth_user user;
    pm_status found = auth_repo_user(db, username, &user, NULL);
    if (found != PM_OK && found != PM_NOT_FOUND)
        return pm_fail(err, found, MSG("The database is unavailable; try again shortly."));
    bool ok;
    ctx_put_back(ctx); /* a password check may wait its turn: not holding a connection */
    if ((st = password_verify(found == PM_OK ? user.password_hash : NULL, password, &ok, err)))
        return st;
    if (!ok || found != PM_OK || !user.active) {
        /* The one event recorded for a refused request; never with the password. */
        log_msg(LOG_WARN, NULL, "login failed for %.64s from %s", username, address);
        char changes[96];
        snprintf(changes, sizeof changes, "{\"address\": {\"new\": \"%s\"}}", address);
        if ((st = ctx_begin(ctx, NULL, &db, err)) ||
            (st = auth_repo_record_failure(db, username, address, err)) ||
            (st = audit_repo_record(db, NULL, ctx->request_id, "login_failed", "users", username,
                                    found == PM_OK ? user.who.agency : NULL, changes, err)) ||
            (st = ctx_commit(ctx, err)))
            return st;
        return pm_fail(err, PM_UNAUTHORIZED,
                       MSG("The username or password is wrong, or the account is disabled."));
    }
    char refresh[44];
    unsigned char hash[REFRESH_TOKEN_BYTES];
    if (!new_refresh_token(refresh, hash))
        return pm_fail(err, PM_INTERNAL, MSG("The token could not be made."));
    ctx->who = user.who;
    ctx->who.authenticated = true;
    if ((st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = auth_repo_clear_failures(db, username, err)) ||
        (st = auth_repo_refresh_start(db, user.id, hash, cfg->refresh_ttl_s, err)) ||
        (st = audit_repo_record(db, &ctx->who, ctx->request_id, "login", "users", username,
                                user.who.agency, NULL, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    return reply_tokens(ctx, &user, refresh, err);
}

/* The audit event's changes for a refresh's outcome (a static string, or NULL). */
static const char *refresh_audit_changes(refresh_outcome outcome)
{
    switch (outcome) {
    case REFRESH_FAMILY_REVOKED:
        return "{\"reason\": {\"new\": \"refresh token reused\"}}";
    case REFRESH_REUSED_IN_GRACE:
        return "{\"reason\": {\"new\": \"refresh token reused within the grace period\"}}";
    default:
        return NULL;
    }
}

pm_status auth_refresh(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL;
    PGconn *db;
    pm_status st;
    if ((st = read_body(ctx, refresh_fields, &body, err)) || (st = ctx_db(ctx, &db, err)))
        return st;
    const char *old = json_member_string(body, "refresh_token");
    unsigned char old_hash[REFRESH_TOKEN_BYTES], new_hash[REFRESH_TOKEN_BYTES];
    SHA256((const unsigned char *)old, strlen(old), old_hash);
    char refresh[44];
    auth_user user;
    if (!new_refresh_token(refresh, new_hash))
        return pm_fail(err, PM_INTERNAL, MSG("The token could not be made."));
    const refresh_rules rules = {ctx->app->cfg->refresh_ttl_s,
                                 ctx->app->cfg->refresh_reuse_grace_s};
    refresh_outcome outcome = REFRESH_ROTATED;
    if ((st = ctx_begin(ctx, NULL, &db, err)))
        return st;
    st = auth_repo_refresh_rotate(db, old_hash, new_hash, &rules, &user, &outcome, err);
    bool revoked = outcome == REFRESH_FAMILY_REVOKED;
    if (st == PM_OK || revoked) {
        /* A reused (rotated) token: its family's revocation and that event are kept. */
        pm_error audit_err = {0};
        pm_status rec = audit_repo_record(
            db, &user.who, ctx->request_id, revoked ? "token_revoke" : "token_refresh", "users",
            user.who.username, user.who.agency, refresh_audit_changes(outcome), &audit_err);
        if (rec == PM_OK)
            rec = ctx_commit(ctx, &audit_err);
        if (rec != PM_OK && st == PM_OK) {
            pm_error_reset(err);
            *err = audit_err;
            return rec;
        }
        pm_error_reset(&audit_err);
    }
    if (st != PM_OK)
        return st;
    ctx->who = user.who;
    ctx->who.authenticated = true;
    return reply_tokens(ctx, &user, refresh, err);
}

pm_status auth_logout(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL;
    PGconn *db;
    pm_status st;
    if ((st = read_body(ctx, refresh_fields, &body, err)) || (st = ctx_db(ctx, &db, err)))
        return st;
    const char *token = json_member_string(body, "refresh_token");
    unsigned char hash[REFRESH_TOKEN_BYTES];
    SHA256((const unsigned char *)token, strlen(token), hash);
    auth_user owner;
    bool found = false;
    if ((st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = auth_repo_refresh_revoke_family(db, hash, &owner, &found, err)) ||
        (found && (st = audit_repo_record(db, &owner.who, ctx->request_id, "token_revoke", "users",
                                          owner.who.username, owner.who.agency, NULL, err))) ||
        (st = ctx_commit(ctx, err)))
        return st;
    reply_bytes(ctx, 204, "", 0, NULL);
    return PM_OK;
}

pm_status auth_jwks(http_ctx *ctx, pm_error *err)
{
    pm_status st = req_check_query(ctx, no_params, err);
    if (st != PM_OK)
        return st;
    reply_header(ctx, "Cache-Control", "public, max-age=300");
    reply_json(ctx, 200, ctx->app->keys->jwks, "application/json");
    return PM_OK;
}

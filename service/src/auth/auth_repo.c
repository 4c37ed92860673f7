/* auth_repo.c: sign-in SQL (see auth_repo.h). */
#include "auth/auth_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"

static const char user_sql[] = "SELECT id, username, role, agency, active, password_hash,"
                               "       session_version"
                               " FROM app_user WHERE username = $1";

/* For each of username and address: when the max-th most recent failure in the window exists,
 * the seconds until it leaves the window (then fewer than max remain). */
static const char throttle_sql[] =
    "SELECT coalesce(max(ceil(extract(epoch FROM f.failed_at + w.len - now()))), 0)::int"
    " FROM (SELECT make_interval(secs => $3::int) AS len) w,"
    " LATERAL ((SELECT failed_at FROM login_failure"
    "           WHERE username = $1 AND failed_at > now() - w.len"
    "           ORDER BY failed_at DESC OFFSET $4::int - 1 LIMIT 1)"
    "          UNION ALL"
    "          (SELECT failed_at FROM login_failure"
    "           WHERE address = $2 AND failed_at > now() - w.len"
    "           ORDER BY failed_at DESC OFFSET $5::int - 1 LIMIT 1)) f";

static const char record_failure_sql[] =
    "INSERT INTO login_failure (username, address) VALUES ($1, $2)";

/* Forgets this user's failures, and old rows of everyone (the table stays small). */
static const char clear_failures_sql[] =
    "DELETE FROM login_failure WHERE username = $1 OR failed_at < now() - interval '1 day'";

static const char refresh_start_sql[] =
    "INSERT INTO refresh_token (token_hash, family, user_id, expires_at)"
    " VALUES ($1::bytea, nextval('refresh_token_family_seq'), $2::bigint,"
    "         now() + make_interval(secs => $3::int))";

/* Locks the token's row, so that two refreshes of one token (two tabs, two instances) take
 * turns: the second sees the first's rotated_at, committed (READ COMMITTED re-reads a row
 * locked by another transaction once that one ends). `in_grace`: rotated at most $2 seconds
 * before this transaction began. */
static const char refresh_lock_sql[] =
    "SELECT r.id, r.family, r.rotated_at IS NOT NULL AS rotated,"
    "       r.revoked_at IS NOT NULL OR r.expires_at <= now() AS dead, u.username,"
    "       r.rotated_at >= now() - make_interval(secs => $2::int) AS in_grace"
    " FROM refresh_token r JOIN app_user u ON u.id = r.user_id"
    " WHERE r.token_hash = $1::bytea FOR UPDATE OF r";

static const char refresh_mark_rotated_sql[] =
    "UPDATE refresh_token SET rotated_at = now() WHERE id = $1::bigint";

static const char refresh_next_sql[] =
    "INSERT INTO refresh_token (token_hash, family, user_id, expires_at)"
    " SELECT $1::bytea, family, user_id, now() + make_interval(secs => $3::int)"
    " FROM refresh_token WHERE id = $2::bigint";

/* Revokes the token's family; answers the owner's username when the token exists. */
static const char revoke_family_sql[] =
    "WITH token AS (SELECT family, user_id FROM refresh_token WHERE token_hash = $1::bytea),"
    "     revoked AS (UPDATE refresh_token SET revoked_at = now()"
    "                 WHERE revoked_at IS NULL AND family = (SELECT family FROM token))"
    " SELECT u.username FROM app_user u WHERE u.id = (SELECT user_id FROM token)";

static const char revoke_family_by_id_sql[] =
    "UPDATE refresh_token SET revoked_at = now() WHERE revoked_at IS NULL AND family = $1::bigint";

/* `hash` as a bytea literal in hex form (\x...), into `out` (at least 68 bytes). */
static void bytea_hex(const unsigned char *hash, char *out)
{
    strcpy(out, "\\x");
    for (int i = 0; i < REFRESH_TOKEN_BYTES; i++)
        sprintf(out + 2 + 2 * i, "%02x", hash[i]);
}

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void read_user(PGresult *res, int row, auth_user *out)
{
    memset(out, 0, sizeof *out);
    out->id = atoll(PQgetvalue(res, row, 0));
    copy_text(out->who.username, sizeof out->who.username, PQgetvalue(res, row, 1));
    out->who.role = (role_id)role_parse(PQgetvalue(res, row, 2));
    copy_text(out->who.agency, sizeof out->who.agency, PQgetvalue(res, row, 3));
    out->active = PQgetvalue(res, row, 4)[0] == 't';
    copy_text(out->password_hash, sizeof out->password_hash, PQgetvalue(res, row, 5));
    out->who.session_version = atoi(PQgetvalue(res, row, 6));
}

pm_status auth_repo_user(PGconn *conn, const char *username, auth_user *out, pm_error *err)
{
    const char *params[] = {username};
    PGresult *res;
    pm_status st = db_exec(conn, user_sql, 1, params, &res, err);
    if (st != PM_OK)
        return st;
    if (PQntuples(res) == 1)
        read_user(res, 0, out);
    else
        st = pm_fail(err, PM_NOT_FOUND, MSG("There is no such user."));
    PQclear(res);
    return st;
}

pm_status auth_repo_throttle(PGconn *conn, const char *username, const char *address, int window_s,
                             int max_user, int max_address, int *retry_after, pm_error *err)
{
    char window[16], user_limit[16], address_limit[16];
    snprintf(window, sizeof window, "%d", window_s);
    snprintf(user_limit, sizeof user_limit, "%d", max_user);
    snprintf(address_limit, sizeof address_limit, "%d", max_address);
    const char *params[] = {username, address, window, user_limit, address_limit};
    PGresult *res;
    pm_status st = db_exec(conn, throttle_sql, 5, params, &res, err);
    if (st == PM_OK) {
        *retry_after = atoi(PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

pm_status auth_repo_record_failure(PGconn *conn, const char *username, const char *address,
                                   pm_error *err)
{
    const char *params[] = {username, address};
    return db_exec(conn, record_failure_sql, 2, params, NULL, err);
}

pm_status auth_repo_clear_failures(PGconn *conn, const char *username, pm_error *err)
{
    const char *params[] = {username};
    return db_exec(conn, clear_failures_sql, 1, params, NULL, err);
}

pm_status auth_repo_refresh_start(PGconn *conn, long long user_id, const unsigned char *hash,
                                  int ttl_s, pm_error *err)
{
    char hex[2 * REFRESH_TOKEN_BYTES + 4], id[24], ttl[16];
    bytea_hex(hash, hex);
    snprintf(id, sizeof id, "%lld", user_id);
    snprintf(ttl, sizeof ttl, "%d", ttl_s);
    const char *params[] = {hex, id, ttl};
    return db_exec(conn, refresh_start_sql, 3, params, NULL, err);
}

pm_status auth_repo_refresh_rotate(PGconn *conn, const unsigned char *old_hash,
                                   const unsigned char *new_hash, const refresh_rules *rules,
                                   auth_user *out, refresh_outcome *outcome, pm_error *err)
{
    char old_hex[2 * REFRESH_TOKEN_BYTES + 4], new_hex[2 * REFRESH_TOKEN_BYTES + 4], ttl[16],
        grace[16];
    bytea_hex(old_hash, old_hex);
    bytea_hex(new_hash, new_hex);
    snprintf(ttl, sizeof ttl, "%d", rules->ttl_s);
    snprintf(grace, sizeof grace, "%d", rules->reuse_grace_s);
    *outcome = REFRESH_ROTATED;
    PGresult *res = NULL;
    const char *lock_params[] = {old_hex, grace};
    pm_status st = db_exec(conn, refresh_lock_sql, 2, lock_params, &res, err);
    if (st == PM_OK && PQntuples(res) != 1)
        st = pm_fail(err, PM_UNAUTHORIZED, MSG("The refresh token is not valid."));
    char id[24] = "", family[24] = "", username[USERNAME_MAX] = "";
    bool rotated = false, dead = false, in_grace = false;
    if (st == PM_OK) {
        copy_text(id, sizeof id, PQgetvalue(res, 0, 0));
        copy_text(family, sizeof family, PQgetvalue(res, 0, 1));
        rotated = PQgetvalue(res, 0, 2)[0] == 't';
        dead = PQgetvalue(res, 0, 3)[0] == 't';
        copy_text(username, sizeof username, PQgetvalue(res, 0, 4));
        in_grace = PQgetvalue(res, 0, 5)[0] == 't';
    }
    PQclear(res);
    if (st == PM_OK)
        st = auth_repo_user(conn, username, out, err);
    if (st == PM_OK && rotated && !in_grace) {
        /* A rotated token seen again after the grace was stolen or replayed: end the family. */
        const char *params[] = {family};
        if ((st = db_exec(conn, revoke_family_by_id_sql, 1, params, NULL, err)))
            return st;
        *outcome = REFRESH_FAMILY_REVOKED;
    }
    if (st == PM_OK && ((rotated && !in_grace) || dead || !out->active))
        st = pm_fail(err, PM_UNAUTHORIZED, MSG("The refresh token is not valid."));
    if (st != PM_OK)
        return st;
    if (rotated) {
        /* Within the grace (another tab, another instance): a sibling of the first successor. */
        *outcome = REFRESH_REUSED_IN_GRACE;
    } else {
        const char *mark[] = {id};
        if ((st = db_exec(conn, refresh_mark_rotated_sql, 1, mark, NULL, err)))
            return st;
    }
    const char *next[] = {new_hex, id, ttl};
    return db_exec(conn, refresh_next_sql, 3, next, NULL, err);
}

pm_status auth_repo_refresh_revoke_family(PGconn *conn, const unsigned char *hash, auth_user *out,
                                          bool *found, pm_error *err)
{
    char hex[2 * REFRESH_TOKEN_BYTES + 4];
    bytea_hex(hash, hex);
    const char *params[] = {hex};
    PGresult *res;
    *found = false;
    pm_status st = db_exec(conn, revoke_family_sql, 1, params, &res, err);
    if (st == PM_OK && PQntuples(res) == 1) {
        *found = true;
        st = auth_repo_user(conn, PQgetvalue(res, 0, 0), out, err);
    }
    if (res)
        PQclear(res);
    return st;
}

/* auth_repo.h: SQL of signing in — credentials, refresh tokens, failed logins, user state. */
#ifndef PLANMON_AUTH_REPO_H
#define PLANMON_AUTH_REPO_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <time.h>

#include "auth/password.h"
#include "auth/principal.h"
#include "status.h"

typedef struct {
    long long id;
    principal who; /* username, role, agency */
    bool active;
    char password_hash[PASSWORD_HASH_MAX];
} auth_user;

enum { REFRESH_TOKEN_BYTES = 32 };

/* Reads the user `username` (any state). PM_NOT_FOUND when there is none. */
pm_status auth_repo_user(PGconn *conn, const char *username, auth_user *out, pm_error *err);

/* Whether sign-in is throttled: `username` has had `max_user` or more failed logins within the
 * last `window_s` seconds, or `address` `max_address` or more. *retry_after is 0 when not, else
 * the seconds until enough of those failures leave the window for a sign-in to be tried. */
pm_status auth_repo_throttle(PGconn *conn, const char *username, const char *address, int window_s,
                             int max_user, int max_address, int *retry_after, pm_error *err);

/* Records one failed login. */
pm_status auth_repo_record_failure(PGconn *conn, const char *username, const char *address,
                                   pm_error *err);

/* Forgets the failed logins of `username` (after a successful one). */
pm_status auth_repo_clear_failures(PGconn *conn, const char *username, pm_error *err);

/* Stores a new refresh token (its SHA-256) for `user_id` in a new family, valid `ttl_s`. */
pm_status auth_repo_refresh_start(PGconn *conn, long long user_id, const unsigned char *hash,
                                  int ttl_s, pm_error *err);

/* The rules of a refresh: the new token's lifetime, and how long a spent token still refreshes
 * (two tabs refreshing at once) before its reuse is taken for theft. */
typedef struct {
    int ttl_s;
    int reuse_grace_s;
} refresh_rules;

typedef enum {
    REFRESH_ROTATED,         /* the token was live: it is spent now, `new_hash` succeeds it */
    REFRESH_REUSED_IN_GRACE, /* spent within the grace: `new_hash` joins its family too */
    REFRESH_FAMILY_REVOKED,  /* spent before the grace: its whole family is revoked */
} refresh_outcome;

/* Inside the caller's transaction: rotates the refresh token whose SHA-256 is `old_hash` to
 * `new_hash` (a new token of the same family, valid rules->ttl_s) and reads its (active) user into
 * *out. A token already rotated at most rules->reuse_grace_s seconds before is rotated again (the
 * second tab's refresh); concurrent calls for one token take turns on its row, on any instance.
 * PM_UNAUTHORIZED for an unknown, expired, revoked or reused token or an inactive user; a token
 * reused after the grace also revokes its whole family, which *outcome reports
 * (REFRESH_FAMILY_REVOKED, with *out naming the owner) so the caller commits it. Borrows every
 * pointer; fills *out and *outcome, which the caller owns. */
pm_status auth_repo_refresh_rotate(PGconn *conn, const unsigned char *old_hash,
                                   const unsigned char *new_hash, const refresh_rules *rules,
                                   auth_user *out, refresh_outcome *outcome, pm_error *err);

/* Revokes the family of the refresh token whose SHA-256 is `hash`; reads its owner into *out
 * and sets *found (an unknown token is not an error). */
pm_status auth_repo_refresh_revoke_family(PGconn *conn, const unsigned char *hash, auth_user *out,
                                          bool *found, pm_error *err);

#endif

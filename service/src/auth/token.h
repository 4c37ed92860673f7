/* token.h: issuing and checking access tokens (JWT).
 *
 * libjwt 1.10.2 checks a signature with whatever algorithm the token names and no claim at all,
 * so verification here: caps the token's size, requires exactly the configured algorithm after
 * decoding, and checks every claim itself (token_check_claims) with 60 seconds of leeway.
 * Thread-safe: the keys are read-only. */
#ifndef PLANMON_AUTH_TOKEN_H
#define PLANMON_AUTH_TOKEN_H

#include <jansson.h>
#include <time.h>

#include "auth/keys.h"
#include "auth/principal.h"
#include "status.h"

enum { TOKEN_MAX_BYTES = 4096, TOKEN_LEEWAY_S = 60 };

/* Signs an access token for `who` (username, role, agency) valid `ttl_s` seconds from `now`.
 * Returns a malloc'd string (caller frees) or NULL. */
char *token_issue(const auth_keys *keys, const principal *who, time_t now, int ttl_s);

/* Verifies `token` (borrowed) and fills *out (the caller's). PM_TOKEN_EXPIRED for a token of ours
 * whose exp passed more than TOKEN_LEEWAY_S ago, PM_UNAUTHORIZED for anything else short of a
 * valid token; that detail never says which check failed (the log does, at debug level). */
pm_status token_verify(const auth_keys *keys, const char *token, time_t now, principal *out,
                       pm_error *err);

/* The claim checks alone, on already decoded claims (borrowed): exp required and an integer,
 * nbf and iat not in the future, exp - iat within the maximum lifetime, iss exactly ours, aud
 * ours or containing ours, sub, role from the allow-list, agency, sv (the session version, an
 * integer). Returns NULL and fills *out
 * when all pass, else a static string naming the failed check (for the log only). */
const char *token_check_claims(const auth_keys *keys, const json_t *claims, time_t now,
                               principal *out);

#endif

/* user_cache.h: a small per-process cache of users' current state, so that checking on every
 * request that the token's user is still active costs no query most of the time. An entry is
 * trusted for at most USER_CACHE_TTL_S seconds: a user disabled on any instance is refused by
 * every instance within that time. Thread-safe. */
#ifndef PLANMON_USER_CACHE_H
#define PLANMON_USER_CACHE_H

#include <stdbool.h>
#include <time.h>

#include "auth/principal.h"

enum { USER_CACHE_TTL_S = 5 };

typedef struct {
    bool exists, active;
    role_id role;
    char agency[AGENCY_CODE_MAX];
    int session_version; /* tokens must carry this "sv" */
} user_state;

/* Copies the cached state of `username` into *out when it is younger than USER_CACHE_TTL_S
 * at `now`; false on a miss. */
bool user_cache_get(const char *username, time_t now, user_state *out);

/* Stores `state` for `username`, read at `now`. */
void user_cache_put(const char *username, time_t now, const user_state *state);

/* Forgets `username` (after this instance changed it). */
void user_cache_forget(const char *username);

#endif

/* password.h: password hashing (argon2id, Debian's libargon2) and generation. Thread-safe. */
#ifndef PLANMON_AUTH_PASSWORD_H
#define PLANMON_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum { PASSWORD_MIN = 10, PASSWORD_MAX = 256, PASSWORD_HASH_MAX = 128 };

/* Lets at most `concurrency` hashes and checks run at once (PASSWORD_HASH_CONCURRENCY; each
 * holds 19 MiB while it runs); a caller waits at most `wait_ms` for its turn
 * (PASSWORD_HASH_WAIT_MS). Call once, before any hash, from the serving process; without it
 * (the one-off commands) every call runs at once. */
void password_limit(int concurrency, int wait_ms);

/* Hashes `password` with a fresh salt into `out` (PHC string "$argon2id$v=19$m=...").
 * PM_UNAVAILABLE when no turn came within the wait, PM_INTERNAL on failure. */
pm_status password_hash(const char *password, char out[PASSWORD_HASH_MAX], pm_error *err);

/* Sets *match to whether `password` matches `encoded` (constant-time in the password). With
 * `encoded` NULL (no such user) it checks against a hash of a random password, which takes as
 * long, and *match is false. PM_UNAVAILABLE (and *match false) when no turn came within the
 * wait. */
pm_status password_verify(const char *encoded, const char *password, bool *match, pm_error *err);

/* Checks the strength rule (PASSWORD_MIN..PASSWORD_MAX characters, valid UTF-8):
 * PM_VALIDATION_FAILED naming `field` otherwise. */
pm_status password_check_rule(const char *password, const char *field, pm_error *err);

/* Writes a random password of 20 URL-safe characters to `out` (at least 21 bytes). */
bool password_generate(char *out, size_t size);

#endif

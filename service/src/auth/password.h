/* password.h: password hashing (argon2id, Debian's libargon2) and generation. Thread-safe. */
#ifndef PLANMON_AUTH_PASSWORD_H
#define PLANMON_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum { PASSWORD_MIN = 10, PASSWORD_MAX = 256, PASSWORD_HASH_MAX = 128 };

/* Hashes `password` with a fresh salt into `out` (PHC string "$argon2id$v=19$m=...").
 * PM_INTERNAL on failure. */
pm_status password_hash(const char *password, char out[PASSWORD_HASH_MAX], pm_error *err);

/* True when `password` matches `encoded`. Constant-time in the password. */
bool password_verify(const char *encoded, const char *password);

/* Checks the strength rule (PASSWORD_MIN..PASSWORD_MAX characters, valid UTF-8):
 * PM_VALIDATION_FAILED naming `field` otherwise. */
pm_status password_check_rule(const char *password, const char *field, pm_error *err);

/* Writes a random password of 20 URL-safe characters to `out` (at least 21 bytes). */
bool password_generate(char *out, size_t size);

#endif

/* token_cache.h: access tokens already verified by this process, keyed by the SHA-256 of the
 * whole token, so that the signature (RS256 through libjwt: about 0.3 ms here, most of it
 * parsing the public key again on every call) is checked once per token, not once per request.
 * Only the expiry is checked again on a hit: every other claim check is timeless once passed,
 * or only becomes more true. Thread-safe; fixed size; an entry is simply overwritten. */
#ifndef PLANMON_TOKEN_CACHE_H
#define PLANMON_TOKEN_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "auth/principal.h"

enum { TOKEN_HASH_BYTES = 32 };

/* SHA-256 of the `len` bytes of `token` into `out`. */
void token_cache_hash(const char *token, size_t len, unsigned char out[TOKEN_HASH_BYTES]);

/* Copies the principal of a cached token into *out when it is there and not expired at `now`
 * (with `leeway_s`); false otherwise. */
bool token_cache_get(const unsigned char hash[TOKEN_HASH_BYTES], time_t now, int leeway_s,
                     principal *out);

/* Remembers a token that passed every check. */
void token_cache_put(const unsigned char hash[TOKEN_HASH_BYTES], const principal *who);

#endif

/* keys.h: the token signing and verification keys, loaded once at start, and the public JWK
 * set other provincial systems use to check our tokens (/.well-known/jwks.json).
 *
 * After auth_keys_load the struct is read-only and shared by every thread. */
#ifndef PLANMON_AUTH_KEYS_H
#define PLANMON_AUTH_KEYS_H

#include <jansson.h>
#include <jwt.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

typedef struct {
    jwt_alg_t alg;
    unsigned char *sign_key; /* owned: private key PEM, or the HMAC secret */
    int sign_len;
    unsigned char *verify_key; /* owned: public key PEM, or the HMAC secret */
    int verify_len;
    json_t *jwks; /* owned: {"keys": [...]} (empty for HS256, whose key is secret) */
    char kid[24]; /* key id: base64url of the first 12 bytes of SHA-256(public DER) */
    const char *issuer, *audience; /* borrowed from the configuration */
    int ttl_s, max_ttl_s;
} auth_keys;

/* Loads the key the configuration names (JWT_ALG with JWT_PRIVATE_KEY_FILE or JWT_SECRET).
 * Refuses — false, with one sentence in `msg` — a missing, unreadable, empty or short key, a
 * key of the wrong type for the algorithm, and an algorithm other than RS256, ES256, HS256. */
bool auth_keys_load(const pm_config *cfg, auth_keys *keys, char *msg, size_t msg_size);

/* Frees what `keys` owns. */
void auth_keys_free(auth_keys *keys);

#endif

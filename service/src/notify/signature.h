/* signature.h: webhook secrets and the signatures of the Standard Webhooks specification
 * (https://www.standardwebhooks.com): a delivery carries `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 of HMAC-SHA256(key, id "." timestamp "." body)>`, the key being
 * the bytes the secret `whsec_<base64>` encodes. Pure functions over OpenSSL; thread-safe. */
#ifndef PLANMON_NOTIFY_SIGNATURE_H
#define PLANMON_NOTIFY_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

/* A secret's length as text, with its terminator. */
enum { WEBHOOK_SECRET_SIZE = 48, WEBHOOK_SIGNATURE_SIZE = 64 };

/* Writes a new random secret (whsec_ and 24 random bytes in base64) into `out`. False when the
 * system's random source fails. */
bool webhook_secret_new(char out[WEBHOOK_SECRET_SIZE]);

/* Signs `body` (`len` bytes) sent as message `id` at `timestamp` (seconds since the epoch, as
 * text) with `secret`, writing `v1,<base64>` into `out`. False when the secret is malformed. */
bool webhook_sign(const char *secret, const char *id, const char *timestamp, const char *body,
                  size_t len, char out[WEBHOOK_SIGNATURE_SIZE]);

#endif

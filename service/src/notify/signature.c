/* signature.c: webhook secrets and signatures (see signature.h). */
#include "notify/signature.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define PREFIX "whsec_"

enum { SECRET_BYTES = 24, KEY_MAX = 64 };

bool webhook_secret_new(char out[WEBHOOK_SECRET_SIZE])
{
    unsigned char raw[SECRET_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    memcpy(out, PREFIX, sizeof PREFIX - 1);
    EVP_EncodeBlock((unsigned char *)out + sizeof PREFIX - 1, raw, sizeof raw);
    return true;
}

bool webhook_sign(const char *secret, const char *id, const char *timestamp, const char *body,
                  size_t len, char out[WEBHOOK_SIGNATURE_SIZE])
{
    size_t prefix = sizeof PREFIX - 1, encoded = strlen(secret);
    if (encoded <= prefix || strncmp(secret, PREFIX, prefix) != 0 || (encoded - prefix) % 4 != 0 ||
        (encoded - prefix) / 4 * 3 > KEY_MAX)
        return false;
    unsigned char key[KEY_MAX];
    int keylen =
        EVP_DecodeBlock(key, (const unsigned char *)secret + prefix, (int)(encoded - prefix));
    if (keylen < 0)
        return false;
    keylen -= (secret[encoded - 1] == '=') + (secret[encoded - 2] == '=');
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};
    unsigned char digest[32];
    size_t digest_len = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key, (size_t)keylen, params) == 1 &&
              EVP_MAC_update(ctx, (const unsigned char *)id, strlen(id)) == 1 &&
              EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
              EVP_MAC_update(ctx, (const unsigned char *)timestamp, strlen(timestamp)) == 1 &&
              EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
              EVP_MAC_update(ctx, (const unsigned char *)body, len) == 1 &&
              EVP_MAC_final(ctx, digest, &digest_len, sizeof digest) == 1;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok)
        return false;
    snprintf(out, WEBHOOK_SIGNATURE_SIZE, "v1,");
    EVP_EncodeBlock((unsigned char *)out + 3, digest, (int)digest_len);
    return true;
}

/* keys.c: key loading with OpenSSL, public key and JWK set derivation (see keys.h). */
#include "auth/keys.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/page.h"

enum { HMAC_MIN_BYTES = 32, RSA_MIN_BITS = 2048 };

/* The big-number parameter `name` of `pkey` as unpadded base64url, or NULL. Caller frees. */
static char *bn_param_b64(EVP_PKEY *pkey, const char *name, int pad_to)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
        return NULL;
    int len = BN_num_bytes(bn);
    if (pad_to > len)
        len = pad_to;
    unsigned char *buf = malloc((size_t)len);
    char *out = NULL;
    if (buf && BN_bn2binpad(bn, buf, len) == len)
        out = base64url_encode(buf, (size_t)len);
    free(buf);
    BN_free(bn);
    return out;
}

/* Fills keys->verify_key (public PEM), keys->kid and keys->jwks from the private key. */
static bool derive_public(EVP_PKEY *pkey, auth_keys *keys, char *msg, size_t msg_size)
{
    BIO *bio = BIO_new(BIO_s_mem());
    unsigned char *der = NULL;
    int der_len = i2d_PUBKEY(pkey, &der);
    bool ok = bio && PEM_write_bio_PUBKEY(bio, pkey) && der_len > 0;
    if (ok) {
        char *data;
        long len = BIO_get_mem_data(bio, &data);
        keys->verify_key = malloc((size_t)len);
        ok = keys->verify_key != NULL;
        if (ok) {
            memcpy(keys->verify_key, data, (size_t)len);
            keys->verify_len = (int)len;
        }
    }
    if (ok) {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(der, (size_t)der_len, digest);
        char *kid = base64url_encode(digest, 12);
        snprintf(keys->kid, sizeof keys->kid, "%s", kid ? kid : "");
        free(kid);
    }
    OPENSSL_free(der);
    BIO_free(bio);
    if (!ok) {
        snprintf(msg, msg_size, "JWT_PRIVATE_KEY_FILE: the public key could not be derived");
        return false;
    }
    json_t *jwk =
        json_pack("{s:s, s:s, s:s}", "use", "sig", "kid", keys->kid, "alg", jwt_alg_str(keys->alg));
    char *a = NULL, *b = NULL;
    if (keys->alg == JWT_ALG_RS256) {
        a = bn_param_b64(pkey, OSSL_PKEY_PARAM_RSA_N, 0);
        b = bn_param_b64(pkey, OSSL_PKEY_PARAM_RSA_E, 0);
        json_object_set_new(jwk, "kty", json_string("RSA"));
        json_object_set_new(jwk, "n", json_string(a ? a : ""));
        json_object_set_new(jwk, "e", json_string(b ? b : ""));
    } else {
        a = bn_param_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32);
        b = bn_param_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
        json_object_set_new(jwk, "kty", json_string("EC"));
        json_object_set_new(jwk, "crv", json_string("P-256"));
        json_object_set_new(jwk, "x", json_string(a ? a : ""));
        json_object_set_new(jwk, "y", json_string(b ? b : ""));
    }
    ok = a && b;
    free(a);
    free(b);
    keys->jwks = json_pack("{s:[o]}", "keys", jwk);
    if (!ok)
        snprintf(msg, msg_size, "JWT_PRIVATE_KEY_FILE: the key's public numbers could not be read");
    return ok;
}

static bool load_private_key(const pm_config *cfg, auth_keys *keys, char *msg, size_t msg_size)
{
    const char *path = cfg->jwt_private_key_file;
    if (!path) {
        snprintf(msg, msg_size,
                 "JWT_PRIVATE_KEY_FILE is not set (a PEM %s private key; for "
                 "example: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)",
                 keys->alg == JWT_ALG_RS256 ? "RSA" : "EC P-256");
        return false;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msg_size, "JWT_PRIVATE_KEY_FILE %.150s cannot be read", path);
        return false;
    }
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    long size = (fseek(f, 0, SEEK_END) == 0) ? ftell(f) : -1;
    bool ok = pkey && size > 0;
    if (ok) {
        rewind(f);
        keys->sign_key = malloc((size_t)size);
        ok = keys->sign_key && fread(keys->sign_key, 1, (size_t)size, f) == (size_t)size;
        keys->sign_len = ok ? (int)size : 0;
    }
    fclose(f);
    if (!ok) {
        snprintf(msg, msg_size, "JWT_PRIVATE_KEY_FILE %.150s holds no PEM private key", path);
    } else if (keys->alg == JWT_ALG_RS256 &&
               (!EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_get_bits(pkey) < RSA_MIN_BITS)) {
        snprintf(msg, msg_size,
                 "JWT_ALG RS256 needs an RSA key of at least %d bits in JWT_PRIVATE_KEY_FILE",
                 RSA_MIN_BITS);
        ok = false;
    } else if (keys->alg == JWT_ALG_ES256 &&
               (!EVP_PKEY_is_a(pkey, "EC") || EVP_PKEY_get_bits(pkey) != 256)) {
        snprintf(msg, msg_size, "JWT_ALG ES256 needs an EC P-256 key in JWT_PRIVATE_KEY_FILE");
        ok = false;
    }
    ok = ok && derive_public(pkey, keys, msg, msg_size);
    EVP_PKEY_free(pkey);
    return ok;
}

bool auth_keys_load(const pm_config *cfg, auth_keys *keys, char *msg, size_t msg_size)
{
    memset(keys, 0, sizeof *keys);
    keys->issuer = cfg->jwt_issuer;
    keys->audience = cfg->jwt_audience;
    keys->ttl_s = cfg->jwt_ttl_s;
    keys->max_ttl_s = cfg->jwt_max_ttl_s;
    keys->alg = jwt_str_alg(cfg->jwt_alg);
    if (keys->alg != JWT_ALG_RS256 && keys->alg != JWT_ALG_ES256 && keys->alg != JWT_ALG_HS256) {
        snprintf(msg, msg_size, "JWT_ALG must be RS256, ES256 or HS256 (got \"%.20s\")",
                 cfg->jwt_alg);
        return false;
    }
    if (keys->alg != JWT_ALG_HS256) {
        bool ok = load_private_key(cfg, keys, msg, msg_size);
        if (!ok)
            auth_keys_free(keys);
        return ok;
    }
    size_t len = cfg->jwt_secret ? strlen(cfg->jwt_secret) : 0;
    if (len < HMAC_MIN_BYTES) {
        snprintf(msg, msg_size, "JWT_ALG HS256 needs JWT_SECRET of at least %d bytes",
                 HMAC_MIN_BYTES);
        return false;
    }
    keys->sign_key = (unsigned char *)strdup(cfg->jwt_secret);
    keys->verify_key = (unsigned char *)strdup(cfg->jwt_secret);
    keys->sign_len = keys->verify_len = (int)len;
    keys->jwks = json_pack("{s:[]}", "keys");
    snprintf(keys->kid, sizeof keys->kid, "hs256");
    return keys->sign_key && keys->verify_key;
}

void auth_keys_free(auth_keys *keys)
{
    if (keys->sign_key)
        OPENSSL_cleanse(keys->sign_key, (size_t)keys->sign_len);
    free(keys->sign_key);
    free(keys->verify_key);
    json_decref(keys->jwks);
    memset(keys, 0, sizeof *keys);
}

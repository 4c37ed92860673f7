/* token.c: JWT issuing and verification (see token.h). */
#include "auth/token.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth/token_cache.h"
#include "domain/page.h"
#include "log.h"

/* token_check_claims's answer for a token past its exp and the leeway. */
static const char expired[] = "expired";

/* Every refusal looks the same to the client but expiry, which a client acts on (it refreshes);
 * the log (debug) says which check failed. Expiry is checked after the signature, so only our
 * own tokens are ever told apart. */
static pm_status refuse(const char *why, pm_error *err)
{
    log_msg(LOG_DEBUG, NULL, "token refused: %s", why);
    if (why == expired)
        return pm_fail(err, PM_TOKEN_EXPIRED,
                       MSG("The access token has expired; refresh it or sign in again."));
    return pm_fail(err, PM_UNAUTHORIZED, MSG("The access token is missing, invalid or expired."));
}

char *token_issue(const auth_keys *keys, const principal *who, time_t now, int ttl_s)
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return NULL;
    char *jti = base64url_encode(raw, sizeof raw);
    jwt_t *jwt = NULL;
    char *token = NULL;
    if (jti && jwt_new(&jwt) == 0 && jwt_add_header(jwt, "kid", keys->kid) == 0 &&
        jwt_add_grant(jwt, "iss", keys->issuer) == 0 &&
        jwt_add_grant(jwt, "aud", keys->audience) == 0 &&
        jwt_add_grant(jwt, "sub", who->username) == 0 &&
        jwt_add_grant(jwt, "role", role_name(who->role)) == 0 &&
        jwt_add_grant(jwt, "agency", who->agency) == 0 && jwt_add_grant(jwt, "jti", jti) == 0 &&
        jwt_add_grant_int(jwt, "iat", (long)now) == 0 &&
        jwt_add_grant_int(jwt, "nbf", (long)now) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)(now + ttl_s)) == 0 &&
        jwt_add_grant_int(jwt, "sv", who->session_version) == 0 &&
        jwt_set_alg(jwt, keys->alg, keys->sign_key, keys->sign_len) == 0)
        token = jwt_encode_str(jwt);
    jwt_free(jwt);
    free(jti);
    return token;
}

/* Reads integer claim `name`: 1 when present and an integer, 0 when absent, -1 otherwise. */
static int int_claim(const json_t *claims, const char *name, json_int_t *out)
{
    json_t *v = json_object_get(claims, name);
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 1;
}

/* The string claim `name` if it is a non-empty string shorter than `max`, else NULL. */
static const char *text_claim(const json_t *claims, const char *name, size_t max)
{
    json_t *v = json_object_get(claims, name);
    size_t len = json_is_string(v) ? json_string_length(v) : 0;
    const char *s = json_string_value(v);
    return len > 0 && len < max && strlen(s) == len ? s : NULL;
}

static bool audience_matches(const json_t *aud, const char *ours)
{
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), ours) == 0;
    size_t i;
    json_t *v;
    json_array_foreach(aud, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), ours) == 0)
            return true;
    }
    return false;
}

const char *token_check_claims(const auth_keys *keys, const json_t *claims, time_t now,
                               principal *out)
{
    json_int_t exp = 0, nbf = 0, iat = 0, sv = 0;
    if (!json_is_object(claims))
        return "claims are not an object";
    if (int_claim(claims, "exp", &exp) != 1)
        return "exp missing or not an integer";
    if ((json_int_t)now > exp + TOKEN_LEEWAY_S)
        return expired;
    int has_nbf = int_claim(claims, "nbf", &nbf);
    if (has_nbf < 0 || (has_nbf && nbf > (json_int_t)now + TOKEN_LEEWAY_S))
        return "nbf in the future or not an integer";
    if (int_claim(claims, "iat", &iat) != 1 || iat > (json_int_t)now + TOKEN_LEEWAY_S)
        return "iat missing, not an integer or in the future";
    if (exp - iat > keys->max_ttl_s || exp < iat)
        return "lifetime longer than allowed";
    const char *iss = text_claim(claims, "iss", 256);
    if (!iss || strcmp(iss, keys->issuer) != 0)
        return "wrong issuer";
    if (!audience_matches(json_object_get(claims, "aud"), keys->audience))
        return "wrong audience";
    const char *sub = text_claim(claims, "sub", USERNAME_MAX);
    const char *agency = text_claim(claims, "agency", AGENCY_CODE_MAX);
    int role = role_parse(text_claim(claims, "role", 32));
    if (!sub || !agency || role < 0)
        return "sub, role or agency missing or invalid";
    if (int_claim(claims, "sv", &sv) != 1 || sv < 0 || sv > 2147483647)
        return "sv missing or not an integer";
    const char *jti = text_claim(claims, "jti", JTI_MAX);
    memset(out, 0, sizeof *out);
    out->authenticated = true;
    strcpy(out->username, sub);
    strcpy(out->agency, agency);
    out->role = (role_id)role;
    out->issued_at = (time_t)iat;
    out->expires_at = (time_t)exp;
    out->session_version = (int)sv;
    if (jti)
        strcpy(out->jti, jti);
    return NULL;
}

/* True when `token` is three non-empty base64url segments joined by dots, the only form we
 * issue. libjwt 1.10 reads past its buffers on empty segments, so nothing else reaches it. */
static bool compact_form(const char *token)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *p = token;
    for (int segment = 0; segment < 3; segment++) {
        size_t n = strspn(p, alphabet);
        if (n == 0 || p[n] != (segment < 2 ? '.' : '\0'))
            return false;
        p += n + 1;
    }
    return true;
}

/* Why the token's header is not one we accept, or NULL: it must be a JSON object without
 * duplicate members, and name no critical extension (RFC 7515 4.1.11: a recipient refuses a
 * token whose `crit` lists an extension it does not understand, and planmon understands none). */
static const char *header_refusal(const char *token)
{
    unsigned char raw[1024];
    size_t len = strcspn(token, ".");
    char segment[1400];
    if (len >= sizeof segment)
        return "header longer than allowed";
    memcpy(segment, token, len);
    segment[len] = '\0';
    long n = base64url_decode(segment, raw, sizeof raw);
    if (n <= 0)
        return "header not base64url";
    json_t *header = json_loadb((const char *)raw, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
    const char *why = !json_is_object(header)                   ? "header not a JSON object"
                      : json_object_get(header, "crit") != NULL ? "header names critical extensions"
                                                                : NULL;
    json_decref(header);
    return why;
}

pm_status token_verify(const auth_keys *keys, const char *token, time_t now, principal *out,
                       pm_error *err)
{
    const char *why = NULL;
    jwt_t *jwt = NULL;
    json_t *claims = NULL;
    unsigned char hash[TOKEN_HASH_BYTES];
    size_t len = token ? strlen(token) : 0;
    if (!token || len > TOKEN_MAX_BYTES)
        return refuse("missing or longer than allowed", err);
    token_cache_hash(token, len, hash);
    if (token_cache_get(hash, now, TOKEN_LEEWAY_S, out))
        return PM_OK;
    why = compact_form(token) ? header_refusal(token) : "not three base64url segments";
    if (!why && (jwt_decode(&jwt, token, keys->verify_key, keys->verify_len) != 0 || !jwt))
        why = "not a token signed with our key";
    else if (!why && jwt_get_alg(jwt) != keys->alg)
        why = "algorithm other than the configured one";
    if (!why) {
        char *text = jwt_get_grants_json(jwt, NULL);
        claims = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
        free(text);
        why = token_check_claims(keys, claims, now, out);
    }
    json_decref(claims);
    jwt_free(jwt);
    if (why)
        return refuse(why, err);
    token_cache_put(hash, out);
    return PM_OK;
}

/* password.c: argon2id hashing (see password.h). */
#include "auth/password.h"

#include <argon2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "domain/page.h"
#include "jsonutil.h"

/* OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane — about 25 ms here per hash. */
enum { T_COST = 2, M_COST_KIB = 19456, LANES = 1, SALT_BYTES = 16, HASH_BYTES = 32 };

pm_status password_hash(const char *password, char out[PASSWORD_HASH_MAX], pm_error *err)
{
    unsigned char salt[SALT_BYTES];
    if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt ||
        argon2id_hash_encoded(T_COST, M_COST_KIB, LANES, password, strlen(password), salt,
                              sizeof salt, HASH_BYTES, out, PASSWORD_HASH_MAX) != ARGON2_OK)
        return pm_fail(err, PM_INTERNAL, MSG("The password could not be stored."));
    return PM_OK;
}

bool password_verify(const char *encoded, const char *password)
{
    return encoded && password && argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

pm_status password_check_rule(const char *password, const char *field, pm_error *err)
{
    size_t bytes = password ? strlen(password) : 0, chars = 0;
    for (size_t i = 0; i < bytes; i++) /* count UTF-8 lead bytes: characters, not bytes */
        chars += ((unsigned char)password[i] & 0xC0) != 0x80;
    if (chars < PASSWORD_MIN || chars > PASSWORD_MAX || !utf8_valid(password, bytes))
        return pm_fail_field(err, PM_VALIDATION_FAILED, field, "weak_password",
                             MSG("%s must be %d to %d characters long"), field, PASSWORD_MIN,
                             PASSWORD_MAX);
    return PM_OK;
}

bool password_generate(char *out, size_t size)
{
    unsigned char raw[15];
    if (size < 21 || getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return false;
    char *text = base64url_encode(raw, sizeof raw);
    if (!text)
        return false;
    memcpy(out, text, 21);
    free(text);
    return true;
}

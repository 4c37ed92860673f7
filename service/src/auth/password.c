/* password.c: argon2id hashing (see password.h). */
#include "auth/password.h"

#include <argon2.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "domain/page.h"
#include "jsonutil.h"

/* OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane — about 25 ms here per hash. */
enum { T_COST = 2, M_COST_KIB = 19456, LANES = 1, SALT_BYTES = 16, HASH_BYTES = 32 };

/* The turns to hash: each hash holds M_COST_KIB of memory for its duration, so a burst of
 * sign-ins would hold that much per HTTP thread. Unlimited until password_limit. */
static struct {
    sem_t turns;
    bool limited;
    long wait_ms;
} gate;

void password_limit(int concurrency, int wait_ms)
{
    sem_init(&gate.turns, 0, (unsigned)concurrency);
    gate.wait_ms = wait_ms;
    gate.limited = true;
}

/* Waits for a turn to hash, at most gate.wait_ms: PM_UNAVAILABLE (503) when none came. */
static pm_status take_turn(pm_error *err)
{
    if (!gate.limited)
        return PM_OK;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += gate.wait_ms / 1000;
    until.tv_nsec += (gate.wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (sem_clockwait(&gate.turns, CLOCK_MONOTONIC, &until) != 0)
        if (errno != EINTR)
            return pm_fail(err, PM_UNAVAILABLE,
                           MSG("As many passwords as the server checks at once are being "
                               "checked; try again shortly."));
    return PM_OK;
}

static void give_turn(void)
{
    if (gate.limited)
        sem_post(&gate.turns);
}

/* Hashes `password` with a fresh salt into `out`, whatever the turns. */
static bool hash_now(const char *password, char out[PASSWORD_HASH_MAX])
{
    unsigned char salt[SALT_BYTES];
    return getrandom(salt, sizeof salt, 0) == (ssize_t)sizeof salt &&
           argon2id_hash_encoded(T_COST, M_COST_KIB, LANES, password, strlen(password), salt,
                                 sizeof salt, HASH_BYTES, out, PASSWORD_HASH_MAX) == ARGON2_OK;
}

pm_status password_hash(const char *password, char out[PASSWORD_HASH_MAX], pm_error *err)
{
    pm_status st = take_turn(err);
    if (st != PM_OK)
        return st;
    bool ok = hash_now(password, out);
    give_turn();
    return ok ? PM_OK : pm_fail(err, PM_INTERNAL, MSG("The password could not be stored."));
}

/* The hash a password is checked against when there is none (an unknown username), so that the
 * answer takes as long either way and does not tell which usernames exist. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy_hash(void)
{
    char password[32];
    if (!password_generate(password, sizeof password) || !hash_now(password, dummy_hash))
        dummy_hash[0] = '\0';
}

pm_status password_verify(const char *encoded, const char *password, bool *match, pm_error *err)
{
    *match = false;
    pthread_once(&dummy_once, make_dummy_hash);
    pm_status st = take_turn(err);
    if (st != PM_OK)
        return st;
    bool ok = password && argon2id_verify(encoded ? encoded : dummy_hash, password,
                                          strlen(password)) == ARGON2_OK;
    give_turn();
    *match = ok && encoded;
    return PM_OK;
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

/* token_cache.c: verified-token cache (see token_cache.h). */
#include "auth/token_cache.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

enum { SLOTS = 4096, STRIPES = 64 };

static struct {
    unsigned char hash[TOKEN_HASH_BYTES];
    bool used;
    principal who;
} slots[SLOTS];
static pthread_mutex_t locks[STRIPES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_locks(void)
{
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&locks[i], NULL);
}

void token_cache_hash(const char *token, size_t len, unsigned char out[TOKEN_HASH_BYTES])
{
    unsigned int n = 0;
    EVP_Digest(token, len, out, &n, EVP_sha256(), NULL);
}

static unsigned slot_of(const unsigned char hash[TOKEN_HASH_BYTES])
{
    unsigned v;
    memcpy(&v, hash, sizeof v); /* the hash is uniform: its first bytes index well */
    return v % SLOTS;
}

bool token_cache_get(const unsigned char hash[TOKEN_HASH_BYTES], time_t now, int leeway_s,
                     principal *out)
{
    pthread_once(&once, init_locks);
    unsigned i = slot_of(hash);
    pthread_mutex_lock(&locks[i % STRIPES]);
    bool hit = slots[i].used && memcmp(slots[i].hash, hash, TOKEN_HASH_BYTES) == 0 &&
               now <= slots[i].who.expires_at + leeway_s;
    if (hit)
        *out = slots[i].who;
    pthread_mutex_unlock(&locks[i % STRIPES]);
    return hit;
}

void token_cache_put(const unsigned char hash[TOKEN_HASH_BYTES], const principal *who)
{
    pthread_once(&once, init_locks);
    unsigned i = slot_of(hash);
    pthread_mutex_lock(&locks[i % STRIPES]);
    memcpy(slots[i].hash, hash, TOKEN_HASH_BYTES);
    slots[i].who = *who;
    slots[i].used = true;
    pthread_mutex_unlock(&locks[i % STRIPES]);
}

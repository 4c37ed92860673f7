/* user_cache.c: direct-mapped cache of user state (see user_cache.h). */
#include "auth/user_cache.h"

#include <pthread.h>
#include <string.h>

#include "hash.h"

enum { SLOTS = 1024 };

static struct {
    char username[USERNAME_MAX];
    time_t read_at;
    user_state state;
} slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned slot_of(const char *username)
{
    return (unsigned)(fnv1a64(username, strlen(username), FNV1A64_BASIS) % SLOTS);
}

bool user_cache_get(const char *username, time_t now, user_state *out)
{
    unsigned i = slot_of(username);
    pthread_mutex_lock(&lock);
    bool hit = strcmp(slots[i].username, username) == 0 && now - slots[i].read_at >= 0 &&
               now - slots[i].read_at < USER_CACHE_TTL_S;
    if (hit)
        *out = slots[i].state;
    pthread_mutex_unlock(&lock);
    return hit;
}

void user_cache_put(const char *username, time_t now, const user_state *state)
{
    unsigned i = slot_of(username);
    pthread_mutex_lock(&lock);
    strncpy(slots[i].username, username, USERNAME_MAX - 1);
    slots[i].username[USERNAME_MAX - 1] = '\0';
    slots[i].read_at = now;
    slots[i].state = *state;
    pthread_mutex_unlock(&lock);
}

void user_cache_forget(const char *username)
{
    unsigned i = slot_of(username);
    pthread_mutex_lock(&lock);
    if (strcmp(slots[i].username, username) == 0)
        slots[i].username[0] = '\0';
    pthread_mutex_unlock(&lock);
}

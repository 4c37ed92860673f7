/* hash.h: the one non-cryptographic hash planmon uses (FNV-1a, 64 bits): ETags, prepared
 * statement names, cache slots. Fast and stable across processes and versions; not for secrets. */
#ifndef PLANMON_HASH_H
#define PLANMON_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a's standard 64-bit offset basis. */
#define FNV1A64_BASIS 14695981039346656037ULL

/* FNV-1a over `len` bytes of `data`, starting from `basis` (FNV1A64_BASIS unless a caller must
 * keep values it has already published). */
static inline uint64_t fnv1a64(const void *data, size_t len, uint64_t basis)
{
    uint64_t h = basis;
    for (const unsigned char *p = data, *end = p + len; p < end; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

#endif

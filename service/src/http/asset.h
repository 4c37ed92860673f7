/* asset.h: a static file compiled into the binary, sent gzip-compressed to a client that accepts
 * gzip (its pre-compressed twin, made at build time) and as it is to any other, with a strong
 * ETag per representation, If-None-Match (304), Cache-Control and Vary: Accept-Encoding. */
#ifndef PLANMON_ASSET_H
#define PLANMON_ASSET_H

#include <stdbool.h>

#include "http/context.h"

typedef struct {
    const char *data; /* the file as it is */
    size_t len;
    const char *gzip; /* the same file gzip-compressed, or NULL when there is none */
    size_t gzip_len;
} asset_bytes;

/* True when the Accept-Encoding header value `header` (NULL: none) accepts gzip: it lists gzip,
 * x-gzip or *, with no q=0. */
bool asset_accepts_gzip(const char *header);

/* Answers the request with `asset` as `content_type`, its ETag (the FNV-1a of the uncompressed
 * bytes; "-gzip" appended for the compressed representation) and `cache_control`; 304 without a
 * body when If-None-Match lists that ETag. Borrows everything (the body is copied); thread-safe. */
void reply_asset(http_ctx *ctx, const asset_bytes *asset, const char *content_type,
                 const char *cache_control);

#endif

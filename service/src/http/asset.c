/* asset.c: static files with gzip, ETag and If-None-Match (see asset.h). */
#include "http/asset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/reply.h"
#include "http/request.h"

/* The q value of one coding's parameters (";q=0.5"), 1 when it names none. */
static double coding_quality(const char *params, const char *end)
{
    for (const char *p = params; p < end; p++) {
        if (*p != ';')
            continue;
        p++;
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p + 1 < end && (*p == 'q' || *p == 'Q') && p[1] == '=')
            return strtod(p + 2, NULL);
    }
    return 1.0;
}

bool asset_accepts_gzip(const char *header)
{
    if (!header)
        return false;
    bool star = false, gzip = false, gzip_named = false;
    const char *p = header;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *name = p;
        while (*p && *p != ',' && *p != ';' && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - name);
        const char *end = strchr(p, ',');
        end = end ? end : p + strlen(p);
        double q = coding_quality(p, end);
        if ((len == 4 && strncasecmp(name, "gzip", 4) == 0) ||
            (len == 6 && strncasecmp(name, "x-gzip", 6) == 0)) {
            gzip_named = true;
            gzip = gzip || q > 0;
        } else if (len == 1 && *name == '*') {
            star = q > 0;
        }
        p = end;
    }
    return gzip_named ? gzip : star;
}

void reply_asset(http_ctx *ctx, const asset_bytes *asset, const char *content_type,
                 const char *cache_control)
{
    bool gz = asset->gzip && asset_accepts_gzip(req_header(ctx, "Accept-Encoding"));
    char etag[32];
    reply_etag(asset->data, asset->len, etag, sizeof etag);
    if (gz)
        snprintf(etag + strlen(etag) - 1, sizeof etag - strlen(etag) + 1, "-gzip\"");
    reply_header(ctx, "ETag", etag);
    reply_header(ctx, "Cache-Control", cache_control);
    if (asset->gzip) { /* after the dispatcher's "Vary: Origin", when it sent one */
        const char *vary = u_map_get_case(ctx->resp->map_header, "Vary");
        char both[64];
        snprintf(both, sizeof both, "%s%sAccept-Encoding", vary ? vary : "", vary ? ", " : "");
        reply_header(ctx, "Vary", both);
    }
    if (reply_etag_listed(req_header(ctx, "If-None-Match"), etag)) {
        reply_bytes(ctx, 304, "", 0, NULL);
        return;
    }
    if (gz) {
        reply_header(ctx, "Content-Encoding", "gzip");
        reply_bytes(ctx, 200, asset->gzip, asset->gzip_len, content_type);
    } else {
        reply_bytes(ctx, 200, asset->data, asset->len, content_type);
    }
}

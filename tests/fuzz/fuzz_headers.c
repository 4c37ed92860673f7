/* fuzz_headers: request headers the service parses itself — If-Match / If-None-Match entity-tag
 * lists (reply_etag_listed in service/src/http/reply.c) and X-Request-Id (take_request_id in
 * service/src/http/dispatch.c, included here for its static function).
 * Input: the If-Match value, a '\n', the X-Request-Id value (each cut at a NUL, as MHD would).
 * Invariants: "*" anywhere in the list, or the exact tag, weak or strong, as a list member
 * matches; a request id is always 1..128 characters of [A-Za-z0-9._:-] — the client's when it
 * is such a text, else a generated one — since it goes into the logs and a response header. */
#include "http/dispatch.c"

#include "fuzz_common.h"

static const char etag[] = "\"0123456789abcdef\"";

static void etags(const char *header)
{
    bool listed = reply_etag_listed(header, etag);
    /* The tag itself, alone or first, always matches; an empty list never does. */
    if (strcmp(header, etag) == 0 || strncmp(header, "W/\"0123456789abcdef\",", 21) == 0)
        CHECK(listed);
    if (header[strspn(header, " \t,")] == '\0')
        CHECK(!listed);
    /* Appending the tag as a new member makes any list match. */
    size_t len = strlen(header);
    char *more = malloc(len + sizeof etag + 4);
    CHECK(more != NULL);
    snprintf(more, len + sizeof etag + 4, "%s, %s", header, etag);
    /* ... unless the header's last member swallows it: only a quote-free, comma-free list. */
    if (!strchr(header, '"'))
        CHECK(reply_etag_listed(more, etag));
    free(more);
}

static void request_id(const char *given)
{
    struct _u_map headers;
    CHECK(u_map_init(&headers) == U_OK);
    if (*given)
        u_map_put(&headers, "X-Request-Id", given);
    struct _u_request req = {.map_header = &headers, .url_path = "/"};
    http_ctx ctx = {.req = &req};
    take_request_id(&ctx);
    size_t len = strnlen(ctx.request_id, sizeof ctx.request_id);
    CHECK(len >= 1 && len < sizeof ctx.request_id);
    CHECK(strspn(ctx.request_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") ==
          len);
    if (*given && strlen(given) < sizeof ctx.request_id &&
        strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") ==
            strlen(given))
        CHECK(strcmp(ctx.request_id, given) == 0);
    u_map_clean(&headers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    etags(text);
    request_id(nl ? nl + 1 : "");
    free(text);
    return 0;
}

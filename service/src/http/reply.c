/* reply.c: response building (see reply.h). */
#include "http/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "http/problem.h"
#include "http/request.h"
#include "jsonutil.h"

void reply_header(http_ctx *ctx, const char *name, const char *value)
{
    u_map_put(ctx->resp->map_header, name, value);
}

/* Hands `body` (malloc'd, ownership taken) to Ulfius without another copy. */
static void set_body(http_ctx *ctx, int status, char *body, size_t len, const char *content_type)
{
    free(ctx->resp->binary_body);
    ctx->resp->binary_body = body;
    ctx->resp->binary_body_length = len;
    ctx->resp->status = status;
    if (content_type)
        reply_header(ctx, "Content-Type", content_type);
}

void reply_bytes(http_ctx *ctx, int status, const char *body, size_t len, const char *content_type)
{
    char *copy = malloc(len ? len : 1);
    if (copy && len)
        memcpy(copy, body, len);
    set_body(ctx, status, copy, copy ? len : 0, content_type);
}

void reply_json(http_ctx *ctx, int status, const json_t *body, const char *content_type)
{
    char *text = json_serialize(body);
    set_body(ctx, text ? status : 500, text, text ? strlen(text) : 0, content_type);
}

/* The basis every ETag has been computed from since the first release (not FNV's standard one):
 * changing it would change every ETag, and instances of two versions side by side in a rolling
 * deploy would refuse each other's If-Match. */
#define ETAG_BASIS 1469598103934665603ULL

void reply_etag(const char *data, size_t len, char *out, size_t size)
{
    snprintf(out, size, "\"%016" PRIx64 "\"", fnv1a64(data, len, ETAG_BASIS));
}

bool reply_etag_listed(const char *header, const char *etag)
{
    if (!header)
        return false;
    size_t elen = strlen(etag);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
            return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

/* The ETag of `object` as reply_object would send it, into `out`. False when it cannot be
 * serialised. */
static bool object_etag(const json_t *object, char *out, size_t size)
{
    char *text = json_serialize(object);
    if (!text)
        return false;
    reply_etag(text, strlen(text), out, size);
    free(text);
    return true;
}

pm_status reply_check_if_match(http_ctx *ctx, const json_t *current, pm_error *err)
{
    const char *given = req_header(ctx, "If-Match");
    char etag[24];
    if (!given)
        return pm_fail(err, PM_PRECONDITION_REQUIRED,
                       MSG("Send If-Match with the ETag of the version you are changing."));
    if (!object_etag(current, etag, sizeof etag))
        return pm_fail(err, PM_INTERNAL, MSG("The object could not be read."));
    if (strncmp(given, "W/", 2) == 0 || strstr(given, ", W/") || !reply_etag_listed(given, etag))
        return pm_fail(err, PM_PRECONDITION_FAILED,
                       MSG("The object was changed since you read it; read it again (ETag %s)."),
                       etag);
    return PM_OK;
}

/* `object` serialised once (malloc'd, *len its length), with its ETag sent and written to `etag`;
 * NULL, with the answer set to 500, when it cannot be serialised. */
static char *tagged_text(http_ctx *ctx, const json_t *object, size_t *len, char etag[24])
{
    char *text = json_serialize(object);
    if (!text) {
        set_body(ctx, 500, NULL, 0, NULL);
        return NULL;
    }
    *len = strlen(text);
    reply_etag(text, *len, etag, 24);
    reply_header(ctx, "ETag", etag);
    return text;
}

void reply_created(http_ctx *ctx, const char *location, const json_t *object)
{
    size_t len;
    char etag[24];
    char *text = tagged_text(ctx, object, &len, etag);
    if (!text)
        return;
    reply_header(ctx, "Location", location);
    set_body(ctx, 201, text, len, "application/json");
}

void reply_created_once(http_ctx *ctx, const char *location, const json_t *object, const char *key,
                        const char *value)
{
    size_t len;
    char etag[24];
    char *tagged = tagged_text(ctx, object, &len, etag);
    if (!tagged)
        return;
    free(tagged);
    json_t *body = json_deep_copy(object);
    json_object_set_new(body, key, json_string(value));
    char *text = json_serialize(body);
    json_decref(body);
    if (!text) {
        set_body(ctx, 500, NULL, 0, NULL);
        return;
    }
    reply_header(ctx, "Location", location);
    set_body(ctx, 201, text, strlen(text), "application/json");
}

void reply_object(http_ctx *ctx, const json_t *object)
{
    size_t len;
    char etag[24];
    char *text = tagged_text(ctx, object, &len, etag);
    if (!text)
        return;
    if (reply_etag_listed(req_header(ctx, "If-None-Match"), etag)) {
        free(text);
        set_body(ctx, 304, NULL, 0, NULL);
        return;
    }
    set_body(ctx, 200, text, len, "application/json");
}

void reply_page(http_ctx *ctx, const page_result *page)
{
    json_t *body = json_object();
    json_object_set(body, "items", page->items);
    json_object_set_new(body, "next_cursor",
                        page->next_cursor ? json_string(page->next_cursor) : json_null());
    if (page->counted)
        json_object_set_new(body, "total", json_integer(page->total));
    if (page->resumable)
        json_object_set_new(body, "resume_cursor",
                            page->resume_cursor ? json_string(page->resume_cursor) : json_null());
    if (page->next_cursor) {
        char *link = req_link_with_cursor(ctx, page->next_cursor);
        if (link) {
            reply_header(ctx, "Link", link);
            free(link);
        }
    }
    reply_json(ctx, 200, body, "application/json");
    json_decref(body);
}

void reply_problem(http_ctx *ctx, const pm_error *err)
{
    char *instance = req_path_reference(ctx->req->url_path);
    json_t *body = problem_new(err, instance, ctx->request_id, req_wants_vietnamese(ctx));
    free(instance);
    int status = problem_http_status(err->status);
    if (status == 503)
        reply_header(ctx, "Retry-After", "2");
    if (status == 401)
        reply_header(ctx, "WWW-Authenticate",
                     err->status == PM_TOKEN_EXPIRED
                         ? "Bearer realm=\"planmon\", error=\"invalid_token\", "
                           "error_description=\"token expired\""
                     : ctx->token_presented ? "Bearer realm=\"planmon\", error=\"invalid_token\""
                                            : "Bearer realm=\"planmon\"");
    if (err->existing[0])
        reply_header(ctx, "Location", err->existing);
    if (status == 405 && ctx->route && ctx->route->allow)
        reply_header(ctx, "Allow", ctx->route->allow);
    reply_json(ctx, status, body, "application/problem+json");
    json_decref(body);
}

pm_status reply_get_by_path(http_ctx *ctx, const char *param, reply_getter get, pm_error *err)
{
    static const char *const no_params[] = {NULL};
    const char *key = req_path(ctx, param);
    json_t *object = NULL;
    PGconn *db;
    pm_status st;
    if (!key)
        return pm_fail(err, PM_NOT_FOUND, MSG("No resource at this path."));
    if ((st = req_check_query(ctx, no_params, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = get(db, key, &object, err)))
        return st;
    reply_object(ctx, object);
    json_decref(object);
    return PM_OK;
}

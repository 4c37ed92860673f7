/* dispatch.c: the per-request middleware (see dispatch.h). */
#include "http/dispatch.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "db/position_repo.h"
#include "db/query.h"
#include "http/authn.h"
#include "http/context.h"
#include "http/idempotency.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/routes.h"
#include "jsonutil.h"
#include "log.h"
#include "obs/metrics.h"

static app_t *the_app;

void dispatch_init(app_t *app)
{
    the_app = app;
}

/* After any request but a read, with a replica configured: the position a later read must wait
 * for, as Planmon-Write-Position (what the request committed is in by now). Refused requests get
 * it too: a refused sign-in commits its audit event. Not after a 5xx, whose connection may be
 * gone. */
static void write_position(http_ctx *ctx)
{
    const char *method = ctx->req->http_verb;
    char position[POSITION_MAX];
    pm_error ignored = {0};
    if (ctx->app->read_pool && ctx->conn && ctx->conn_pool == ctx->app->pool && !ctx->tx &&
        strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && ctx->resp->status < 500 &&
        position_repo_written(ctx->conn, position, &ignored) == PM_OK)
        reply_header(ctx, "Planmon-Write-Position", position);
    pm_error_reset(&ignored);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes the client's X-Request-Id when it is 1-128 of [A-Za-z0-9._:-], else makes one. */
static void take_request_id(http_ctx *ctx)
{
    const char *given = req_header(ctx, "X-Request-Id");
    size_t len = given ? strlen(given) : 0;
    bool ok = len > 0 && len < sizeof ctx->request_id;
    for (size_t i = 0; ok && i < len; i++)
        ok = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-",
                    given[i]) != NULL;
    if (ok) {
        memcpy(ctx->request_id, given, len + 1);
        return;
    }
    unsigned char raw[16] = {0};
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        static _Thread_local unsigned long counter;
        snprintf((char *)raw, sizeof raw, "%lx", ++counter);
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(ctx->request_id + 2 * i, 3, "%02x", raw[i]);
}

static const char cors_allow_headers[] = "Authorization, Content-Type, If-Match, If-None-Match, "
                                         "Idempotency-Key, X-Request-Id, Planmon-Read-After";
static const char cors_expose_headers[] = "ETag, Link, Location, Retry-After, X-Request-Id, "
                                          "Idempotent-Replayed, WWW-Authenticate, Allow, "
                                          "Planmon-Feed-Lag, Planmon-Write-Position";

/* Adds the CORS answer headers when the request comes from an allowed origin. With origins
 * configured every answer varies by Origin, so that a cache never hands the answer to a request
 * without one to a browser on an allowed origin. */
static bool cors_headers(http_ctx *ctx)
{
    const char *origin = req_header(ctx, "Origin");
    if (ctx->app->cfg->cors_origin_count > 0 || origin)
        reply_header(ctx, "Vary", "Origin");
    if (!origin || !config_origin_allowed(ctx->app->cfg, origin))
        return false;
    reply_header(ctx, "Access-Control-Allow-Origin", origin);
    reply_header(ctx, "Access-Control-Expose-Headers", cors_expose_headers);
    return true;
}

/* True when `type` is one of `accepted`, in any letter case, with or without parameters
 * (RFC 9110: media types are case-insensitive). */
static bool media_type_is(const char *type, const char *const *accepted, size_t count)
{
    for (size_t i = 0; type && i < count; i++) {
        size_t len = strlen(accepted[i]);
        if (strncasecmp(type, accepted[i], len) == 0 &&
            (type[len] == '\0' || type[len] == ';' || type[len] == ' ' || type[len] == '\t'))
            return true;
    }
    return false;
}

/* Body rules every route shares: size limit (Ulfius truncates silently past its own limit, so
 * the length declared and the bytes seen are both checked), and the media type. The 404 and
 * 405/OPTIONS answers (routes without a handler) take any body within the limit: what is wrong
 * is the path or the method, whatever was sent. */
static pm_status check_body(http_ctx *ctx, pm_error *err)
{
    static const char *const json_types[] = {
        "application/json", "application/merge-patch+json", "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    bool import = ctx->route->flags & ROUTE_BODY_IMPORT;
    size_t max = import ? ctx->app->cfg->import_max_bytes : ctx->app->cfg->max_body_bytes;
    const char *declared = req_header(ctx, "Content-Length");
    unsigned long long length = declared ? strtoull(declared, NULL, 10) : 0;
    if (length > max || ctx->req->binary_body_length > max)
        return pm_fail(err, PM_PAYLOAD_TOO_LARGE, MSG("The request body is larger than %zu bytes."),
                       max);
    if ((length == 0 && ctx->req->binary_body_length == 0) || !ctx->route->handler)
        return PM_OK;
    if (!(ctx->route->flags & (ROUTE_BODY_JSON | ROUTE_BODY_IMPORT)))
        return pm_fail(err, PM_UNSUPPORTED_MEDIA_TYPE, MSG("%s %s takes no request body."),
                       ctx->route->method, ctx->route->path);
    if (!media_type_is(req_header(ctx, "Content-Type"), json_types, import ? 4 : 2))
        return pm_fail(err, PM_UNSUPPORTED_MEDIA_TYPE,
                       import ? MSG("The request body must be application/json, text/csv or an "
                                    "XLSX workbook (application/vnd.openxmlformats-"
                                    "officedocument.spreadsheetml.sheet).")
                              : MSG("The request body must be application/json."));
    return PM_OK;
}

/* Planmon-Read-After, when sent, must be a write position (hex/hex). */
static pm_status check_read_after(const http_ctx *ctx, pm_error *err)
{
    const char *after = req_header(ctx, "Planmon-Read-After");
    if (!after || position_valid(after))
        return PM_OK;
    return pm_fail_field(
        err, PM_INVALID_PARAMETER, "Planmon-Read-After", "invalid",
        MSG("Planmon-Read-After must be a Planmon-Write-Position such as 0/16B3748."));
}

static void access_log(const http_ctx *ctx, double seconds)
{
    int status = (int)ctx->resp->status;
    int level = status >= 500 ? LOG_ERROR : LOG_INFO;
    if (!log_enabled(level))
        return;
    char remote[INET6_ADDRSTRLEN];
    req_client_address(ctx, remote, sizeof remote);
    json_t *fields = json_object();
    json_object_set_new(fields, "method", json_text(ctx->req->http_verb));
    json_object_set_new(fields, "path", json_text(ctx->req->url_path));
    json_object_set_new(fields, "route", json_string(ctx->route->path));
    json_object_set_new(fields, "status", json_integer(status));
    json_object_set_new(fields, "duration_ms", json_real(seconds * 1000.0));
    json_object_set_new(fields, "remote", json_string(remote));
    if (ctx->who.authenticated) {
        json_object_set_new(fields, "user", json_string(ctx->who.username));
        json_object_set_new(fields, "agency", json_string(ctx->who.agency));
    }
    log_json(level, ctx->request_id, "request", fields);
    json_decref(fields);
}

/* Runs `handler` for `route` inside the shared request pipeline; the caller is authenticated
 * by the request's token, or is `as` (a command-line tool's principal) when not NULL. */
static int serve(const struct _u_request *req, struct _u_response *resp, const struct route *route,
                 route_handler handler, const principal *as)
{
    double started = now_s();
    atomic_fetch_add(&the_app->in_flight, 1);
    http_ctx ctx = {.req = req, .resp = resp, .route = route, .app = the_app};
    if (as)
        ctx.who = *as;
    pm_error err = {0};
    take_request_id(&ctx);
    log_set_request_id(ctx.request_id);
    cors_headers(&ctx);

    size_t plen = strlen(req->url_path);
    pm_status st;
    if (plen > 1 && req->url_path[plen - 1] == '/')
        st = pm_fail(&err, PM_NOT_FOUND, MSG("No resource at this path (no trailing slash)."));
    else if ((st = req_decode_path(&ctx, &err)) == PM_OK &&
             (st = req_parse_query(&ctx, &err)) == PM_OK &&
             (st = check_read_after(&ctx, &err)) == PM_OK &&
             (!route->roles || as || (st = authn_require(&ctx, &err)) == PM_OK))
        st = check_body(&ctx, &err);
    bool replayed = false;
    if (st == PM_OK)
        st = idem_before(&ctx, &replayed, &err);
    if (st == PM_OK && !replayed)
        st = handler(&ctx, &err);
    if (st != PM_OK) {
        err.status = st;
        reply_problem(&ctx, &err);
    }
    idem_after(&ctx, st);
    write_position(&ctx);
    ctx_release(&ctx);
    free(ctx.query_buf);
    reply_header(&ctx, "X-Request-Id", ctx.request_id);

    double seconds = now_s() - started;
    metrics_observe(route->metric, (int)resp->status, seconds);
    access_log(&ctx, seconds);
    pm_error_reset(&err);
    log_set_request_id(NULL);
    if (atomic_load(&the_app->draining)) /* stopping: no further request on this connection */
        reply_header(&ctx, "Connection", "close");
    atomic_fetch_sub(&the_app->in_flight, 1);
    return U_CALLBACK_COMPLETE;
}

int dispatch_route(const struct _u_request *req, struct _u_response *resp, void *user_data)
{
    const struct route *route = user_data;
    return serve(req, resp, route, route->handler, NULL);
}

int dispatch_local(const struct route *route, const struct _u_request *req,
                   struct _u_response *resp, const principal *who)
{
    return serve(req, resp, route, route->handler, who);
}

static pm_status not_found(http_ctx *ctx, pm_error *err)
{
    return pm_fail(err, PM_NOT_FOUND, MSG("No resource at this path."));
}

static pm_status other_method(http_ctx *ctx, pm_error *err)
{
    if (strcmp(ctx->req->http_verb, "OPTIONS") != 0)
        return pm_fail(err, PM_METHOD_NOT_ALLOWED, MSG("%s is not allowed here; allowed: %s."),
                       ctx->req->http_verb, ctx->route->allow);
    reply_header(ctx, "Allow", ctx->route->allow);
    const char *origin = req_header(ctx, "Origin");
    if (origin && req_header(ctx, "Access-Control-Request-Method")) {
        if (!config_origin_allowed(ctx->app->cfg, origin))
            return pm_fail(err, PM_FORBIDDEN, MSG("Origin %.100s is not allowed."), origin);
        reply_header(ctx, "Access-Control-Allow-Methods", ctx->route->allow);
        reply_header(ctx, "Access-Control-Allow-Headers", cors_allow_headers);
        reply_header(ctx, "Access-Control-Max-Age", "600");
    }
    reply_bytes(ctx, 204, "", 0, NULL);
    return PM_OK;
}

int dispatch_other_method(const struct _u_request *req, struct _u_response *resp, void *user_data)
{
    return serve(req, resp, user_data, other_method, NULL);
}

int dispatch_not_found(const struct _u_request *req, struct _u_response *resp, void *user_data)
{
    return serve(req, resp, routes_unmatched(), not_found, NULL);
}

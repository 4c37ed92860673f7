/* ops_http.c: /healthz, /readyz, /metrics, /openapi.yaml, /openapi.json, /postman.json, /docs
 * (see ops_http.h). */
#include "resources/ops_http.h"

#include <stdlib.h>
#include <string.h>

#include "db/migrate_repo.h"
#include "embedded.h"
#include "http/asset.h"
#include "http/reply.h"
#include "http/request.h"
#include "obs/metrics.h"

static const char *const no_params[] = {NULL};

pm_status ops_healthz(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    json_auto_t *body = json_pack("{s:s}", "status", "ok");
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

pm_status ops_readyz(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    if (atomic_load(&ctx->app->draining))
        return pm_fail(err, PM_NOT_READY, MSG("The service is shutting down."));
    PGconn *db;
    int version = 0, expected = migrate_latest_version();
    if (ctx_db(ctx, &db, err) != PM_OK || migrate_repo_current_version(db, &version, err) != PM_OK)
        return pm_fail(err, PM_NOT_READY, MSG("The database is unreachable."));
    if (version < expected)
        return pm_fail(err, PM_NOT_READY,
                       MSG("The database schema is at version %d; this binary needs %d (run "
                           "`planmon migrate`)."),
                       version, expected);
    json_auto_t *body = json_pack("{s:s, s:i, s:i}", "status", "ready", "schema_version", version,
                                  "expected_schema_version", expected);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

pm_status ops_metrics(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    db_pool_stats stats;
    db_pool_get_stats(ctx->app->pool, &stats);
    char *text = metrics_render(&stats);
    if (!text)
        return pm_fail(err, PM_INTERNAL, MSG("The metrics could not be rendered."));
    reply_bytes(ctx, 200, text, strlen(text), "text/plain; version=0.0.4; charset=utf-8");
    free(text);
    return PM_OK;
}

/* The OpenAPI document changes only with the binary: a client keeps it and asks again with
 * If-None-Match, answered 304 until an upgrade. */
static const char document_cache[] = "public, no-cache";

/* embedded_api holds each form of the document, then its gzip (service/meson.build). */
static pm_status reply_document(http_ctx *ctx, size_t index, const char *type, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    const struct embedded_file *doc = &embedded_api[index], *gz = &embedded_api[index + 1];
    asset_bytes asset = {doc->data, doc->len, gz->data, gz->len};
    reply_asset(ctx, &asset, type, document_cache);
    return PM_OK;
}

pm_status ops_openapi(http_ctx *ctx, pm_error *err)
{
    return reply_document(ctx, 0, "application/yaml; charset=utf-8", err);
}

pm_status ops_openapi_json(http_ctx *ctx, pm_error *err)
{
    return reply_document(ctx, 2, "application/json", err);
}

pm_status ops_postman(http_ctx *ctx, pm_error *err)
{
    return reply_document(ctx, 4, "application/json", err);
}

/* /docs is the page Redoc drew at build time (issue 19, item 6; tools/prerender_docs.mjs): every
 * heading, the menu and the operations are in the HTML and drawn as the browser reads it, then
 * the page's one inline script hands Redoc (/docs/redoc.standalone.js) the state it was drawn
 * from, and Redoc hydrates it. Drawn in the browser, as before, the page showed its first
 * heading only after Redoc had laid out all operations (tests/browser/docs-render.test.mjs).
 * embedded_docs[2] and [3] hold the page and its gzip. */

/* The page loads nothing from other hosts: Redoc's menu shows its logo from a CDN, which this
 * policy keeps from ever being requested (the docs work offline and leak no visit). Its one
 * inline script is allowed by its SHA-256 (base64 of sha256 of prerender_docs.mjs's HYDRATE;
 * tests/api/test_ops.py checks that they agree); the JSON data block beside it is never run. */
static const char docs_policy[] =
    "default-src 'none'; script-src 'self' 'sha256-AOFZ8nx/D+trAwRjFbXDK4I68pYylF0Z52ysdYalhO8='; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

pm_status ops_docs(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    reply_header(ctx, "Content-Security-Policy", docs_policy);
    asset_bytes page = {embedded_docs[2].data, embedded_docs[2].len, embedded_docs[3].data,
                        embedded_docs[3].len};
    reply_asset(ctx, &page, "text/html; charset=utf-8", document_cache);
    return PM_OK;
}

pm_status ops_docs_js(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    /* the built-in bundle and its gzip (embedded_docs), unless DOCS_JS_FILE named another */
    asset_bytes asset = {embedded_docs[0].data, embedded_docs[0].len, embedded_docs[1].data,
                         embedded_docs[1].len};
    if (ctx->app->docs_js)
        asset = (asset_bytes){ctx->app->docs_js, ctx->app->docs_js_len, NULL, 0};
    reply_asset(ctx, &asset, "text/javascript; charset=utf-8", "public, max-age=86400");
    return PM_OK;
}

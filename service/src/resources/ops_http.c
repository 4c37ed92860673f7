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

/* How Redoc starts (issue 19, item 6; profiled in tests/browser/docs-render.test.mjs): with
 * native scroll bars, for Redoc's own (PerfectScrollbar) laid out the whole page once more as it
 * mounted, the largest single cost; the download button links /openapi.yaml instead of a copy of
 * the document Redoc would serialise; and the document comes parsed by JSON.parse from
 * /openapi.json, so that Redoc does not parse YAML. */
#define DOCS_INIT                                                                      \
    "fetch(\"/openapi.json\").then(function(r){return r.json()}).then(function(spec){" \
    "Redoc.init(spec,{nativeScrollbars:true,downloadDefinitionUrl:\"/openapi.yaml\"}," \
    "document.getElementById(\"redoc\"))});"

static const char docs_page[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>planmon API</title>\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<link rel=\"icon\" href=\"data:,\">\n"
    "<style>body{margin:0;padding:0}</style>\n</head>\n<body>\n"
    "<div id=\"redoc\"></div>\n"
    "<script src=\"/docs/redoc.standalone.js\"></script>\n"
    "<script>" DOCS_INIT "</script>\n</body>\n</html>\n";

/* The page loads nothing from other hosts: Redoc's menu shows its logo from a CDN, which this
 * policy keeps from ever being requested (the docs work offline and leak no visit). Its one
 * inline script is allowed by its SHA-256 (base64 of sha256 of DOCS_INIT; tests/api/test_ops.py
 * checks that they agree). */
static const char docs_policy[] =
    "default-src 'none'; script-src 'self' 'sha256-TmH0WPSd1Dsdk+vee9PY/gqORBOjgVggrTBn4LhXycQ='; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

pm_status ops_docs(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    reply_header(ctx, "Content-Security-Policy", docs_policy);
    reply_bytes(ctx, 200, docs_page, sizeof docs_page - 1, "text/html; charset=utf-8");
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

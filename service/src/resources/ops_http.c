/* ops_http.c: /healthz, /readyz, /metrics, /openapi.yaml, /postman.json, /docs (see ops_http.h). */
#include "resources/ops_http.h"

#include <stdlib.h>
#include <string.h>

#include "db/migrate_repo.h"
#include "embedded.h"
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

pm_status ops_openapi(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    const struct embedded_file *doc = &embedded_api[0];
    reply_bytes(ctx, 200, doc->data, doc->len, "application/yaml; charset=utf-8");
    return PM_OK;
}

pm_status ops_postman(http_ctx *ctx, pm_error *err)
{
    if (req_check_query(ctx, no_params, err) != PM_OK)
        return err->status;
    const struct embedded_file *collection = &embedded_api[1]; /* service/meson.build's order */
    reply_bytes(ctx, 200, collection->data, collection->len, "application/json");
    return PM_OK;
}

static const char docs_page[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>planmon API</title>\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<link rel=\"icon\" href=\"data:,\">\n"
    "<style>body{margin:0;padding:0}</style>\n</head>\n<body>\n"
    "<redoc spec-url=\"/openapi.yaml\" disable-search=\"false\"></redoc>\n"
    "<script src=\"/docs/redoc.standalone.js\"></script>\n</body>\n</html>\n";

/* The page loads nothing from other hosts: Redoc's menu shows its logo from a CDN, which this
 * policy keeps from ever being requested (the docs work offline and leak no visit). */
static const char docs_policy[] =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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
    if (!ctx->app->docs_js)
        return pm_fail(
            err, PM_NOT_FOUND,
            MSG("The docs page's script is not installed on this server (DOCS_JS_FILE)."));
    reply_header(ctx, "Cache-Control", "public, max-age=86400");
    reply_bytes(ctx, 200, ctx->app->docs_js, ctx->app->docs_js_len,
                "text/javascript; charset=utf-8");
    return PM_OK;
}

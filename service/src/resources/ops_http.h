/* ops_http.h: operations endpoints — liveness, readiness, metrics, the OpenAPI document and
 * the docs page. */
#ifndef PLANMON_OPS_HTTP_H
#define PLANMON_OPS_HTTP_H

#include "http/context.h"

pm_status ops_healthz(http_ctx *ctx, pm_error *err);
pm_status ops_readyz(http_ctx *ctx, pm_error *err);
pm_status ops_metrics(http_ctx *ctx, pm_error *err);
pm_status ops_openapi(http_ctx *ctx, pm_error *err);
pm_status ops_openapi_json(http_ctx *ctx, pm_error *err);
/* GET /postman.json: the Postman collection api/postman.json, compiled in (static data; the reply
 * copies it, nothing to free). */
pm_status ops_postman(http_ctx *ctx, pm_error *err);
pm_status ops_docs(http_ctx *ctx, pm_error *err);
pm_status ops_docs_js(http_ctx *ctx, pm_error *err);

#endif

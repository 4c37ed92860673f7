/* auth_http.h: POST /v1/auth/token, /v1/auth/refresh, /v1/auth/logout, and the public key set
 * at /.well-known/jwks.json. */
#ifndef PLANMON_AUTH_HTTP_H
#define PLANMON_AUTH_HTTP_H

#include "http/context.h"

pm_status auth_token(http_ctx *ctx, pm_error *err);
pm_status auth_refresh(http_ctx *ctx, pm_error *err);
pm_status auth_logout(http_ctx *ctx, pm_error *err);
pm_status auth_jwks(http_ctx *ctx, pm_error *err);

#endif

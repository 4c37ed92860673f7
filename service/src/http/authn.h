/* authn.h: the authentication step of the middleware: the bearer token, verified, and the
 * user it names still active with the same role and agency and no session ended since. */
#ifndef PLANMON_HTTP_AUTHN_H
#define PLANMON_HTTP_AUTHN_H

#include "http/context.h"

/* Authenticates the request into ctx->who, then checks the route's role rule: PM_UNAUTHORIZED
 * (no detail on which check failed) or PM_FORBIDDEN. */
pm_status authn_require(http_ctx *ctx, pm_error *err);

#endif

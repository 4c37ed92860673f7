/* dispatch.h: the middleware every request goes through, written once: request id, CORS, body
 * limits and media type, the handler, problem answers, the database connection's return, one
 * access-log line and the metrics. */
#ifndef PLANMON_HTTP_DISPATCH_H
#define PLANMON_HTTP_DISPATCH_H

#include <ulfius.h>

#include "app.h"
#include "auth/principal.h"

struct route;

/* Sets the app every request is served with. Call once before the server starts. */
void dispatch_init(app_t *app);

/* Ulfius callback for a route; `user_data` is its const struct route *. Always completes. */
int dispatch_route(const struct _u_request *req, struct _u_response *resp, void *user_data);

/* Serves `req` (built by the caller: http_verb, http_url with its query, url_path) on `route` in
 * this process, for a command-line tool: the same pipeline and handler as over the network, but
 * the caller is `who`, taken as it is (no token, no user lookup). The answer is in `resp` (the
 * caller's). dispatch_init must have been called. */
int dispatch_local(const struct route *route, const struct _u_request *req,
                   struct _u_response *resp, const principal *who);

/* Ulfius callback for a known path with no route for the method (`user_data`: a struct route
 * whose `allow` lists the methods): answers CORS preflights (OPTIONS) and 405 otherwise. */
int dispatch_other_method(const struct _u_request *req, struct _u_response *resp, void *user_data);

/* Ulfius default endpoint: 404 for an unknown path. */
int dispatch_not_found(const struct _u_request *req, struct _u_response *resp, void *user_data);

#endif

/* routes.h: the one route table. Every operation the service answers is a row in routes.c; the
 * OpenAPI document must list exactly these (tests/api/test_contract.py compares them). */
#ifndef PLANMON_HTTP_ROUTES_H
#define PLANMON_HTTP_ROUTES_H

#include <stdio.h>
#include <ulfius.h>

#include "http/context.h"

/* Registers every route (GET also answers HEAD), a 405/OPTIONS catch-all per path, and the 404
 * default with `instance`, and labels the metrics series. Returns 0 on success. Call once. */
int routes_register(struct _u_instance *instance);

/* Frees what routes_register allocated. */
void routes_free(void);

/* The pseudo-route requests with no matching path are accounted to. Static. */
const struct route *routes_unmatched(void);

/* The route of the table with this method and path template ("/v1/reports/{period}"), or NULL.
 * Borrowed, for the life of the process. */
const struct route *routes_find(const char *method, const char *path);

/* Number of metrics series the table needs (routes + unmatched). */
int routes_metric_count(void);

/* Writes "METHOD /path/{param}" per operation, one per line (`planmon routes`). */
void routes_print(FILE *out);

#endif

/* idempotency.h: the Idempotency-Key step of the middleware for POSTs. A POST that carries the
 * header runs inside a transaction the dispatcher owns, together with a row claiming the key; its
 * answer is stored in that row before the commit, so a retry with the same key and body gets the
 * first answer again (waiting for it if the first is still running) and creates nothing; the
 * same key with another body is 422. A 5xx answer is not kept: the retry runs afresh. */
#ifndef PLANMON_HTTP_IDEMPOTENCY_H
#define PLANMON_HTTP_IDEMPOTENCY_H

#include <stdbool.h>

#include "http/context.h"

/* Before the handler: claims the key or replays the stored answer (*replayed set). Does nothing
 * for a request without the header, for public routes, and for methods other than POST. */
pm_status idem_before(http_ctx *ctx, bool *replayed, pm_error *err);

/* After the answer is made (problem included): stores it and commits, or rolls back for a 5xx.
 * If the commit fails the answer becomes a 503, since nothing was written. */
void idem_after(http_ctx *ctx, pm_status handler_status);

#endif

/* reply.h: every way a handler answers — JSON, single objects with ETag, list pages with Link,
 * problems, raw bytes. Written once here so that no handler formats a response itself. */
#ifndef PLANMON_HTTP_REPLY_H
#define PLANMON_HTTP_REPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/page.h"
#include "http/context.h"

/* Answers `status` with `body` (borrowed) serialised once as `content_type`. */
void reply_json(http_ctx *ctx, int status, const json_t *body, const char *content_type);

/* Answers 200 with a single object (borrowed), an ETag computed from its serialised form, and
 * 304 with no body when If-None-Match names that ETag. */
void reply_object(http_ctx *ctx, const json_t *object);

/* Answers 201 with `object` (borrowed), its ETag and `location` as Location. */
void reply_created(http_ctx *ctx, const char *location, const json_t *object);

/* reply_created whose body adds `key`: `value` (a value shown this once, such as a webhook's
 * secret) to `object`, while the ETag stays that of `object`, the representation GET gives, so
 * that it serves as the If-Match of a change. */
void reply_created_once(http_ctx *ctx, const char *location, const json_t *object, const char *key,
                        const char *value);

/* The precondition of every change: If-Match must be present (PM_PRECONDITION_REQUIRED) and
 * name the ETag of `current` (borrowed), the object as it is now (PM_PRECONDITION_FAILED). */
pm_status reply_check_if_match(http_ctx *ctx, const json_t *current, pm_error *err);

/* Answers 200 with {"items": ..., "next_cursor": ...} from `page` (borrowed) — with "total" when
 * counted, "resume_cursor" when resumable — and, when there is a next page, a Link header that
 * repeats the request's query with the new cursor. */
void reply_page(http_ctx *ctx, const page_result *page);

/* Answers the problem for `err` (the dispatcher calls this for a failed handler). Adds
 * Retry-After to 503, Allow to 405 (from ctx->route->allow), WWW-Authenticate to 401. */
void reply_problem(http_ctx *ctx, const pm_error *err);

/* Answers `status` with `len` bytes of `body` (copied) as `content_type`. */
void reply_bytes(http_ctx *ctx, int status, const char *body, size_t len, const char *content_type);

/* A repository reader of one object by key: *out a new reference, PM_NOT_FOUND when none. */
typedef pm_status (*reply_getter)(PGconn *conn, const char *key, json_t **out, pm_error *err);

/* The whole of a "GET /collection/{key}" handler: no query parameters, the path parameter
 * `param`, one read with `get`, and reply_object. */
pm_status reply_get_by_path(http_ctx *ctx, const char *param, reply_getter get, pm_error *err);

/* Adds a response header (both strings copied). */
void reply_header(http_ctx *ctx, const char *name, const char *value);

/* The strong ETag ("<16 hex digits>") of `len` bytes, written to `out` (at least 19 bytes). */
void reply_etag(const char *data, size_t len, char *out, size_t size);

/* True when an If-None-Match / If-Match header value lists `etag` (weak or strong) or "*". */
bool reply_etag_listed(const char *header, const char *etag);

#endif

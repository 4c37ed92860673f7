/* request.h: reading a request — headers, query parameters, path parameters, the paging
 * parameters, a strict JSON body. Every parser that reads client input lives here (or in
 * domain/), returns PM_OK or a 400-class status naming the field, and never trusts lengths. */
#ifndef PLANMON_HTTP_REQUEST_H
#define PLANMON_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/page.h"
#include "http/context.h"

/* The page parameters every list accepts; put PAGE_PARAMS in a list's allowed names. */
#define PAGE_PARAMS "limit", "cursor"

/* Value of request header `name` (case-insensitive) or NULL. Borrowed from the request. */
const char *req_header(const http_ctx *ctx, const char *name);

/* Whether the caller's Accept-Language prefers Vietnamese to English (domain/language.h):
 * problems then speak Vietnamese. */
bool req_wants_vietnamese(const http_ctx *ctx);

/* Value of query parameter `name` or NULL. Borrowed. */
const char *req_query(const http_ctx *ctx, const char *name);

/* Value of the path parameter `name` of the route template ("code" in /v1/x/{code}), percent-
 * decoded. Borrowed from ctx; NULL when the template has no such parameter. */
const char *req_path(const http_ctx *ctx, const char *name);

/* Parses the query string of the request into ctx->query (ctx->query_buf is allocated; the
 * dispatcher frees it). PM_INVALID_PARAMETER for a bad escape, a NUL, invalid UTF-8, a key given
 * twice or more than QUERY_MAX_PARAMS parameters. */
pm_status req_parse_query(http_ctx *ctx, pm_error *err);

/* Fills ctx->path_values from the request path and the route template. PM_NOT_FOUND when a
 * segment is not valid percent-encoding, holds a NUL or a '/', or is too long. */
pm_status req_decode_path(http_ctx *ctx, pm_error *err);

/* Fails with PM_UNKNOWN_PARAMETER naming the first query parameter that is not in the
 * NULL-terminated `allowed` list. */
pm_status req_check_query(const http_ctx *ctx, const char *const *allowed, pm_error *err);

/* Reads integer query parameter `name` in [min, max] into *out; absent leaves *out unchanged.
 * PM_INVALID_PARAMETER when present but not such a number. */
pm_status req_query_int(const http_ctx *ctx, const char *name, long min, long max, int *out,
                        pm_error *err);

/* Reads a text query parameter of at most `max_len` bytes into *out (borrowed; unchanged when
 * absent). PM_INVALID_PARAMETER when empty or too long. */
pm_status req_query_text(const http_ctx *ctx, const char *name, size_t max_len, const char **out,
                         pm_error *err);

/* Reads a query parameter that must be one of the NULL-terminated `allowed` values into *out
 * (borrowed; unchanged when absent). PM_INVALID_PARAMETER listing the values otherwise. */
pm_status req_query_enum(const http_ctx *ctx, const char *name, const char *const *allowed,
                         const char **out, pm_error *err);

/* Reads a query parameter that lists one or more of the NULL-terminated `allowed` values,
 * separated by commas ("a,b"; a parameter given twice is refused by req_parse_query), into *out
 * as given (borrowed; unchanged when absent). PM_INVALID_PARAMETER listing the values for an
 * unknown or empty item. */
pm_status req_query_enum_list(const http_ctx *ctx, const char *name, const char *const *allowed,
                              const char **out, pm_error *err);

/* Reads a boolean query parameter (`true` or `false`) into *out (unchanged when absent). */
pm_status req_query_bool(const http_ctx *ctx, const char *name, bool *out, pm_error *err);

/* Reads a date query parameter (YYYY-MM-DD, a real calendar date) into *out (borrowed;
 * unchanged when absent). */
pm_status req_query_date(const http_ctx *ctx, const char *name, const char **out, pm_error *err);

/* How a date given for a time bound is read: as the moment that day begins in the province
 * (since, until, updated_since), or kept as the date, for the handler to read (a report's as_of
 * date stands for the end of that day). */
typedef enum { REQ_DAY_STARTS, REQ_DAY_KEPT } req_day_rule;

/* Reads a time bound: an RFC 3339 time with an offset (domain/timestamp.h), or a date
 * (YYYY-MM-DD) in the province's calendar, read by `day`. *out (unchanged when absent) is the
 * canonical text PostgreSQL reads as the same moment in any session zone, kept in ctx for the
 * request. PM_INVALID_PARAMETER naming `name` for anything else, a time without an offset
 * included. */
pm_status req_query_time(http_ctx *ctx, const char *name, req_day_rule day, const char **out,
                         pm_error *err);

/* Reads `limit` (default PAGE_DEFAULT_LIMIT; 1 to PAGE_MAX_LIMIT, else 400) and `cursor`. */
pm_status req_page(const http_ctx *ctx, page_request *page, pm_error *err);

/* The query parameters of a main list beside its filters. */
#define LIST_PARAMS PAGE_PARAMS, "sort", "count"

/* req_page, and a main list's `sort` (one of `sort_names`, NULL-terminated, each optionally after
 * '-' for descending order; else 400 naming sort with the names) and `count` (true: the answer
 * carries `total`). */
pm_status req_list(const http_ctx *ctx, const char *const *sort_names, page_request *page,
                   pm_error *err);

/* Parses a request body as one JSON object, strictly: duplicate keys, trailing data, a
 * non-object and invalid UTF-8 are PM_INVALID_JSON. *out is a new reference on success. */
pm_status req_parse_json_object(const char *body, size_t len, json_t **out, pm_error *err);

/* Parses the request body as one JSON object (see req_parse_json_object); an empty body is
 * PM_INVALID_JSON too. *out is a new reference. */
pm_status req_json_body(const http_ctx *ctx, json_t **out, pm_error *err);

/* The client's address as text into `out` (at least 46 bytes; "" when unknown): the TCP peer, or
 * when that is one of TRUSTED_PROXIES, the client X-Forwarded-For names (see netaddr.h). */
void req_client_address(const http_ctx *ctx, char *out, size_t size);

/* The Link header value for the next page: this request's path and query with `cursor` set.
 * Returns a malloc'd string (caller frees) or NULL. */
char *req_link_with_cursor(const http_ctx *ctx, const char *cursor);

/* The raw request path made a valid URI reference: characters a path may hold and valid
 * %XX escapes are kept, anything else (a stray '%', spaces, non-ASCII bytes) is escaped.
 * Returns a malloc'd string (caller frees) or NULL. Pure. */
char *req_path_reference(const char *raw);

/* Reads a query parameter that must be 1 to `max_digits` decimal digits (an administrative
 * unit's GSO code) into *out (borrowed; unchanged when absent). */
pm_status req_query_digits(const http_ctx *ctx, const char *name, size_t max_digits,
                           const char **out, pm_error *err);

/* Reads a query parameter that names an object by its numeric id (a plan, a parent task) into
 * *out (borrowed; unchanged when absent); PM_INVALID_PARAMETER when it is not one. */
pm_status req_query_id(const http_ctx *ctx, const char *name, const char **out, pm_error *err);

/* Percent-encodes `s` for a query component (RFC 3986 unreserved characters kept). Returns a
 * malloc'd string (caller frees) or NULL. Pure. */
char *req_url_encode(const char *s);

#endif

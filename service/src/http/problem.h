/* problem.h: the one table that maps a pm_status to an HTTP status and an RFC 9457 problem. */
#ifndef PLANMON_HTTP_PROBLEM_H
#define PLANMON_HTTP_PROBLEM_H

#include <jansson.h>
#include <stdbool.h>

#include "status.h"

/* HTTP status for `status` (500 for anything unknown). */
int problem_http_status(pm_status status);

/* Stable machine code for `status`, e.g. "not_found". Static string. */
const char *problem_code(pm_status status);

/* Returns a new problem object: type, title, status, detail, code, request_id, instance and,
 * when err->errors is set, its field errors as `errors`; the title, detail and messages in
 * Vietnamese when `vi` (the caller's Accept-Language), else English. The codes are the same in
 * both. `instance` and `request_id` may be NULL. */
json_t *problem_new(const pm_error *err, const char *instance, const char *request_id, bool vi);

#endif

/* status.h: the one status type every layer returns, and the error value that carries its detail.
 *
 * Functions return a pm_status and write their results through out-parameters. A failure fills a
 * pm_error (detail text for the client, optional field errors); http/problem.c is the only place
 * that turns a status into an HTTP status and problem body. Nothing here knows about HTTP or SQL.
 */
#ifndef PLANMON_STATUS_H
#define PLANMON_STATUS_H

#include <jansson.h>

typedef enum {
    PM_OK = 0,
    PM_BAD_REQUEST,
    PM_INVALID_JSON,
    PM_INVALID_PARAMETER,
    PM_UNKNOWN_PARAMETER,
    PM_VALIDATION_FAILED,
    PM_UNAUTHORIZED,
    PM_FORBIDDEN,
    PM_NOT_FOUND,
    PM_METHOD_NOT_ALLOWED,
    PM_CONFLICT,
    PM_PRECONDITION_FAILED,
    PM_PRECONDITION_REQUIRED,
    PM_PAYLOAD_TOO_LARGE,
    PM_UNSUPPORTED_MEDIA_TYPE,
    PM_TOO_MANY_REQUESTS,
    PM_INTERNAL,
    PM_UNAVAILABLE,
    PM_NOT_READY,
    PM_STATUS_COUNT
} pm_status;

enum { PM_DETAIL_MAX = 256 };

typedef struct {
    pm_status status;
    char detail[PM_DETAIL_MAX]; /* safe to show to the client; never SQL or libpq text */
    json_t *errors;             /* owned array of {"field","code","message"}, or NULL */
} pm_error;

/* Records `status` with a printf-style client-facing detail in `err` (which may be NULL) and
 * returns `status`, so a caller can write `return pm_fail(err, PM_NOT_FOUND, "...")`. */
pm_status pm_fail(pm_error *err, pm_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like pm_fail, and also appends {"field", "code", "message"} to err->errors. The message is
 * used as detail too when no detail was set yet. */
pm_status pm_fail_field(pm_error *err, pm_status status, const char *field, const char *code,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Releases what `err` owns and resets it to PM_OK. Safe on a zeroed or already-reset value. */
void pm_error_reset(pm_error *err);

#endif

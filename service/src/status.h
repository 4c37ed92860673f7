/* status.h: the one status type every layer returns, and the error value that carries its detail.
 *
 * Functions return a pm_status and write their results through out-parameters. A failure fills a
 * pm_error (detail text for the client, optional field errors); http/problem.c is the only place
 * that turns a status into an HTTP status and problem body. Nothing here knows about HTTP or SQL.
 */
#ifndef PLANMON_STATUS_H
#define PLANMON_STATUS_H

#include <jansson.h>
#include <stdbool.h>

typedef enum {
    PM_OK = 0,
    PM_BAD_REQUEST,
    PM_INVALID_JSON,
    PM_INVALID_PARAMETER,
    PM_UNKNOWN_PARAMETER,
    PM_VALIDATION_FAILED,
    PM_UNAUTHORIZED,
    PM_TOKEN_EXPIRED, /* 401 too, but the client is told: refresh and try again */
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

/* Vietnamese takes more bytes than English; a list of the allowed values (the 26 kinds of
 * webhook event) must fit whole. */
enum { PM_DETAIL_MAX = 1024 };

/* Marks a literal as a message a client reads: its English text, which is also the key of its
 * Vietnamese in service/messages/vi.tsv (messages.h). Every format and text handed to pm_fail
 * and the functions below is one; tests/checks/messages.py finds them all. */
#define MSG(text) text

typedef struct {
    pm_status status;
    char detail[PM_DETAIL_MAX];    /* safe to show to the client; never SQL or libpq text */
    char detail_vi[PM_DETAIL_MAX]; /* the same in Vietnamese ("" when there is no detail) */
    json_t *errors;    /* owned array of {"field","code","message","message_vi"}, or NULL */
    char existing[96]; /* a 409's: the path of the object the request collides with, or "" */
} pm_error;

/* Records `status` with a printf-style client-facing detail in `err` (which may be NULL) and
 * returns `status`, so a caller can write `return pm_fail(err, PM_NOT_FOUND, MSG("..."))`. The
 * detail is written in English from `fmt` and in Vietnamese from its translation, with the same
 * arguments (which must therefore be names, codes, numbers or dates, never English words). */
pm_status pm_fail(pm_error *err, pm_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like pm_fail, and also appends {"field", "code", "message"} to err->errors. The message is
 * used as detail too when no detail was set yet. */
pm_status pm_fail_field(pm_error *err, pm_status status, const char *field, const char *code,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* pm_fail and pm_fail_field with a message that takes no arguments (a MSG held in a variable). */
pm_status pm_fail_text(pm_error *err, pm_status status, const char *text);
pm_status pm_fail_field_text(pm_error *err, pm_status status, const char *field, const char *code,
                             const char *text);

/* pm_fail_field with a format whose one %s is `msg`, a MSG given in the language of the
 * message ("value must be %s for this indicator", "a whole number from 0"). */
pm_status pm_fail_field_with(pm_error *err, pm_status status, const char *field, const char *code,
                             const char *fmt, const char *msg);

/* pm_fail_field with a format whose two string conversions are `name` (kept as it is) and `msg`
 * (a MSG given in the language of the message): "%s must be %s", "title", "more than blanks". */
pm_status pm_fail_field_named(pm_error *err, pm_status status, const char *field, const char *code,
                              const char *fmt, const char *name, const char *msg);

/* pm_fail_field with the message already written in each language (`en`, `vi`). */
pm_status pm_fail_field_pair(pm_error *err, pm_status status, const char *field, const char *code,
                             const char *en, const char *vi);

/* The detail of `err` in Vietnamese (`vi`) or English. Borrowed. */
const char *pm_error_detail(const pm_error *err, bool vi);

/* err->errors as a client reads them: a new array of {"field", "code", "message"}, each message
 * in Vietnamese (`vi`) or English; NULL when there are none. */
json_t *pm_error_fields(const pm_error *err, bool vi);

/* Releases what `err` owns and resets it to PM_OK. Safe on a zeroed or already-reset value. */
void pm_error_reset(pm_error *err);

#endif

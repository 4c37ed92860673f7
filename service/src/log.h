/* log.h: JSON-lines logging on stdout, one object per line.
 *
 * Every function is thread-safe (a line is written with one locked stdio call). Never log a
 * secret, a password, a token or a libpq message verbatim to a client; the log is for operators. */
#ifndef PLANMON_LOG_H
#define PLANMON_LOG_H

#include <jansson.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Returns the level named by `name` (debug, info, warn, error) or -1. */
int log_level_parse(const char *name);

/* Sets the lowest level written; call once at start before threads run. */
void log_set_level(int level);

/* True when `level` would be written. */
int log_enabled(int level);

/* Names the request the calling thread is serving (borrowed; NULL when done), so that lines
 * written deeper down (database errors) carry its id without passing it through every layer. */
void log_set_request_id(const char *request_id);

/* Writes {"ts","level","msg","request_id"?, ...fields}. `fields` is borrowed (may be NULL);
 * `request_id` may be NULL, and then the thread's current request id (if any) is used. */
void log_json(int level, const char *request_id, const char *msg, json_t *fields);

/* Writes a plain message (printf-style) with an optional request id. */
void log_msg(int level, const char *request_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

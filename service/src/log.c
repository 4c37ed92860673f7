/* log.c: JSON-lines logging (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int min_level = LOG_INFO;
static _Thread_local const char *thread_request_id;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

void log_set_level(int level)
{
    min_level = level;
}

int log_enabled(int level)
{
    return level >= min_level;
}

static void timestamp(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_set_request_id(const char *request_id)
{
    thread_request_id = request_id;
}

void log_json(int level, const char *request_id, const char *msg, json_t *fields)
{
    if (!log_enabled(level))
        return;
    if (!request_id)
        request_id = thread_request_id;
    char ts[40];
    timestamp(ts, sizeof ts);
    json_t *line = json_object();
    json_object_set_new(line, "ts", json_string(ts));
    json_object_set_new(line, "level", json_string(level_names[level]));
    json_t *text_msg = json_string(msg);
    json_object_set_new(line, "msg", text_msg ? text_msg : json_string("(message is not UTF-8)"));
    if (request_id)
        json_object_set_new(line, "request_id", json_string(request_id));
    if (fields)
        json_object_update(line, fields);
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(line);
    if (text) {
        flockfile(stdout);
        fputs(text, stdout);
        fputc('\n', stdout);
        fflush(stdout);
        funlockfile(stdout);
        free(text);
    }
}

void log_msg(int level, const char *request_id, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_json(level, request_id, msg, NULL);
}

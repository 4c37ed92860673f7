/* clock.c: today in the province (see clock.h). */
#include "domain/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"

enum { ZONE_MAX = 64 };

static char zone[ZONE_MAX] = CLOCK_DEFAULT_ZONE;
static const char *test_today; /* PLANMON_TEST_TODAY, in a test build */

bool clock_is_test_build(void)
{
#ifdef PLANMON_TEST_CLOCK
    return true;
#else
    return false;
#endif
}

/* The number written by the `n` digits at `s`, or -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool clock_parse_date(const char *text, civil_date *out)
{
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    int y = digits(text, 4), m = digits(text + 5, 2), d = digits(text + 8, 2);
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return false;
    char id[16];
    period month;
    snprintf(id, sizeof id, "%04d%02d", y, m);
    if (!period_parse(id, 0, &month) || d > month.end.day)
        return false;
    *out = (civil_date){y, m, d};
    return true;
}

/* The test clock's date: the variable's value, or the first line of the file it names. */
static bool read_test_date(civil_date *out)
{
    if (test_today[0] != '@')
        return clock_parse_date(test_today, out);
    char line[32] = "";
    FILE *f = fopen(test_today + 1, "r");
    bool ok = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    return ok && clock_parse_date(line, out);
}

/* True when the system has zone data for `name` (glibc falls back to UTC silently otherwise). */
static bool zone_known(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strlen(name) >= ZONE_MAX)
        return false;
    const char *dir = getenv("TZDIR");
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool clock_init(const char *name, char *msg, size_t msg_size)
{
    if (!zone_known(name)) {
        snprintf(msg, msg_size,
                 "PROVINCE_TIME_ZONE must name a time zone of the system's zone data, such as "
                 "Asia/Ho_Chi_Minh (got \"%.60s\"; is tzdata installed?)",
                 name);
        return false;
    }
    snprintf(zone, sizeof zone, "%s", name);
    /* The process's local time is the province's: localtime_r below reads it. */
    setenv("TZ", zone, 1);
    tzset();
    const char *given = getenv("PLANMON_TEST_TODAY");
    test_today = NULL;
    if (!given || !*given)
        return true;
#ifndef PLANMON_TEST_CLOCK
    log_msg(LOG_WARN, NULL,
            "PLANMON_TEST_TODAY is ignored: this binary was built without the test clock");
    return true;
#else
    test_today = given;
    civil_date probe;
    if (!read_test_date(&probe)) {
        snprintf(msg, msg_size,
                 "PLANMON_TEST_TODAY must be a date YYYY-MM-DD or @FILE holding one (got "
                 "\"%.60s\")",
                 given);
        test_today = NULL;
        return false;
    }
    return true;
#endif
}

civil_date clock_today(void)
{
    civil_date d;
    if (test_today && read_test_date(&d))
        return d;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (civil_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

void clock_today_text(char *out)
{
    period_date_text(clock_today(), out);
}

void clock_day_start_text(civil_date day, char *out, size_t size)
{
    struct tm tm = {
        .tm_year = day.year - 1900, .tm_mon = day.month - 1, .tm_mday = day.day, .tm_isdst = -1};
    time_t start = mktime(&tm); /* local time is the province's (clock_init) */
    struct tm utc;
    gmtime_r(&start, &utc);
    if (strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0 && size > 0)
        out[0] = '\0';
}

const char *clock_zone(void)
{
    return zone;
}

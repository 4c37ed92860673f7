/* clock.h: the service's one clock — today in the province — and the province's time zone.
 *
 * "Today" is a date in PROVINCE_TIME_ZONE (default Asia/Ho_Chi_Minh). It has one source: SQL
 * never computes it; repositories pass clock_today's date to their statements as a parameter,
 * and turn moments into the province's dates with the SQL function planmon_local_date(t, zone),
 * zone being clock_zone().
 *
 * Tests set the date: a binary built with the meson option test_clock honours
 * PLANMON_TEST_TODAY, either a date (2017-06-14) or @FILE, a file holding one, read again at
 * every call so that a test can move the date of running servers (all of them, when they share
 * the file). Any other binary ignores the variable, with a warning at start. Record times (when
 * planmon learned a fact) are never the test clock's: they come from the database's now(). */
#ifndef PLANMON_CLOCK_H
#define PLANMON_CLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/period.h"

/* The default of PROVINCE_TIME_ZONE. */
#define CLOCK_DEFAULT_ZONE "Asia/Ho_Chi_Minh"

/* Sets the province's zone (an IANA name that the system's zone files hold) and reads
 * PLANMON_TEST_TODAY where the build honours it. Not thread-safe: call once at start, before
 * threads. False with one sentence in `msg` when the zone or the test date is unusable. */
bool clock_init(const char *zone, char *msg, size_t msg_size);

/* Today in the province: the test clock's date where one is set, else the system clock's in
 * the zone. Thread-safe. */
civil_date clock_today(void);

/* clock_today() as YYYY-MM-DD into `out` (at least 11 bytes). Thread-safe. */
void clock_today_text(char *out);

/* The moment `day` begins in the province, as RFC 3339 in UTC (2017-06-14T17:00:00Z), into
 * `out` (at least 21 bytes). Thread-safe after init. */
void clock_day_start_text(civil_date day, char *out, size_t size);

/* The province's zone name, for SQL's planmon_local_date. Static; thread-safe after init. */
const char *clock_zone(void);

/* True in a binary built with the test clock (whether or not a date is set). */
bool clock_is_test_build(void);

/* Parses YYYY-MM-DD (a real calendar date, years 1900-2200) into *out. Pure. */
bool clock_parse_date(const char *text, civil_date *out);

#endif

/* timestamp.h: times as clients write them — RFC 3339 with an offset, read strictly, so that no
 * result depends on the database session's time zone: "2024-12-20T23:30:00+07:00" and
 * "2024-12-20T16:30:00Z" are the same moment, and "2024-12-20T23:30:00" (no offset) is refused
 * rather than read in whatever zone the server happens to be in. Pure code. */
#ifndef PLANMON_TIMESTAMP_H
#define PLANMON_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>

/* What a refused time is told: the form a time takes. */
#define TIMESTAMP_FORM \
    "an RFC 3339 time with an offset, such as 2024-12-20T23:30:00+07:00 or 2024-12-20T16:30:00Z"

/* The longest canonical text timestamp_text writes, with its NUL. */
enum { TIMESTAMP_TEXT_MAX = 40 };

typedef struct {
    int year, month, day, hour, minute, second;
    char fraction[10];  /* the digits after the decimal point, at most 9; "" for none */
    int offset_minutes; /* east of UTC: +07:00 is 420, Z is 0 */
} timestamp;

/* Parses `text` as an RFC 3339 date-time: YYYY-MM-DD, T (or t, or one space), hh:mm:ss, an
 * optional fraction of 1 to 9 digits, and Z (or z) or +hh:mm / -hh:mm; a real calendar date of
 * the years 1900 to 2200, hours 00-23, minutes and seconds 00-59, offsets within ±23:59. False
 * for anything else, a missing offset included. */
bool timestamp_parse(const char *text, timestamp *out);

/* `t` in the canonical form YYYY-MM-DDThh:mm:ss[.fraction]+hh:mm (Z written +00:00) into `out`
 * (at least TIMESTAMP_TEXT_MAX bytes), which PostgreSQL reads as the same moment in any
 * session zone. */
void timestamp_text(const timestamp *t, char *out, size_t size);

#endif

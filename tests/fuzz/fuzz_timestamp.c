/* fuzz_timestamp: the times clients send in bodies and query strings (timestamp_parse and
 * timestamp_text in service/src/domain/timestamp.c).
 * Input: the text of a time.
 * Invariants: an accepted time is 20..35 bytes, of a real calendar date of the years 1900..2200,
 * hours 0..23, minutes and seconds 0..59, a fraction of at most 9 digits and an offset within
 * ±23:59; its canonical text is at most TIMESTAMP_TEXT_MAX - 1 bytes, ends with an offset
 * (never Z), and parses again to the same time, whose text is the same (a fixed point). */
#include <stdbool.h>

#include "domain/clock.h"
#include "domain/timestamp.h"
#include "fuzz_common.h"

static bool same(const timestamp *a, const timestamp *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day && a->hour == b->hour &&
           a->minute == b->minute && a->second == b->second &&
           strcmp(a->fraction, b->fraction) == 0 && a->offset_minutes == b->offset_minutes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    timestamp t;
    if (!timestamp_parse(text, &t)) {
        free(text);
        return 0;
    }
    size_t len = strlen(text);
    CHECK(len >= 20 && len <= 35);
    char day[11];
    snprintf(day, sizeof day, "%04d-%02d-%02d", t.year, t.month, t.day);
    civil_date d;
    CHECK(clock_parse_date(day, &d) && d.year == t.year);
    CHECK(t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 &&
          t.second <= 59);
    CHECK(strlen(t.fraction) <= 9 && strspn(t.fraction, "0123456789") == strlen(t.fraction));
    CHECK(t.offset_minutes >= -(23 * 60 + 59) && t.offset_minutes <= 23 * 60 + 59);
    char canonical[TIMESTAMP_TEXT_MAX];
    timestamp_text(&t, canonical, sizeof canonical);
    size_t clen = strlen(canonical);
    CHECK(clen >= 25 && clen < TIMESTAMP_TEXT_MAX);
    CHECK(canonical[clen - 6] == '+' || canonical[clen - 6] == '-');
    timestamp again;
    CHECK(timestamp_parse(canonical, &again) && same(&t, &again));
    char twice[TIMESTAMP_TEXT_MAX];
    timestamp_text(&again, twice, sizeof twice);
    CHECK(strcmp(canonical, twice) == 0);
    free(text);
    return 0;
}

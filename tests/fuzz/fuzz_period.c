/* fuzz_period: period ids from paths, query strings, bodies and CSV rows (period_parse in
 * service/src/domain/period.c).
 * Input: two bytes of REPORT_DUE_DAYS (little-endian, modulo 366: 0..365 as the configuration
 * allows), then the id.
 * Invariants: an accepted id is 4..11 bytes, starts with a year 1900..2200, is copied into the
 * period; start <= end, cut_off = end, due = end + 1 + due_days; the dates are real dates that
 * print as YYYY-MM-DD; exactly one period of its type starts within its own span; parsing its
 * id again gives the same period. */
#include <stdbool.h>

#include "domain/period.h"
#include "domain/validate.h"
#include "fuzz_common.h"

/* A real calendar date (1800..2300: a VN period of 1900 starts in 1899, 2200's is due in 2201). */
static void check_date(civil_date d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    CHECK(d.year >= 1800 && d.year <= 2300 && d.month >= 1 && d.month <= 12 && d.day >= 1);
    bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    CHECK(d.day <= days[d.month - 1] + (d.month == 2 && leap));
    char text[11];
    period_date_text(d, text);
    CHECK(strlen(text) == 10);
    CHECK(d.year < 1900 || d.year > 2200 || validate_date(text));
    civil_date back = period_add_days(d, 0);
    CHECK(back.year == d.year && back.month == d.month && back.day == d.day);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int due_days = (data[0] | data[1] << 8) % 366;
    char *id = fuzz_cstring(data + 2, size - 2);
    period p;
    if (!period_parse(id, due_days, &p)) {
        free(id);
        return 0;
    }
    size_t len = strlen(id);
    CHECK(len >= 4 && len <= 11);
    CHECK(strcmp(p.id, id) == 0);
    CHECK(p.year >= 1900 && p.year <= 2200);
    CHECK(p.type >= PERIOD_MONTHLY && p.type <= PERIOD_VN_YEARLY);
    check_date(p.start);
    check_date(p.end);
    check_date(p.due);
    CHECK(period_days(p.start) <= period_days(p.end));
    CHECK(p.cut_off.year == p.end.year && p.cut_off.month == p.end.month &&
          p.cut_off.day == p.end.day);
    CHECK(period_days(p.due) == period_days(p.end) + 1 + due_days);
    CHECK(period_count_within(p.type, p.start, p.end) == 1);
    period again;
    CHECK(period_parse(p.id, due_days, &again));
    CHECK(memcmp(&again, &p, sizeof p) == 0);
    free(id);
    return 0;
}

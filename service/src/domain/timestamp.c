/* timestamp.c: strict RFC 3339 times (see timestamp.h). */
#include "domain/timestamp.h"

#include <stdio.h>
#include <string.h>

#include "domain/clock.h"

/* The number the `n` digits at `s` write, or -1 when one of them is not a digit. */
static int number(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool timestamp_parse(const char *text, timestamp *out)
{
    if (!text || strlen(text) < 20)
        return false;
    char day[11];
    memcpy(day, text, 10);
    day[10] = '\0';
    civil_date date;
    if (!clock_parse_date(day, &date))
        return false;
    const char *p = text + 10;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    int h = number(p, 2), m = number(p + 3, 2), s = number(p + 6, 2);
    if (p[2] != ':' || p[5] != ':' || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
        return false;
    p += 8;
    timestamp t = {date.year, date.month, date.day, h, m, s, "", 0};
    if (*p == '.') {
        size_t n = strspn(p + 1, "0123456789");
        if (n < 1 || n > 9)
            return false;
        memcpy(t.fraction, p + 1, n);
        t.fraction[n] = '\0';
        p += 1 + n;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        t.offset_minutes = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = number(p + 1, 2), om = number(p + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return false;
        t.offset_minutes = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
        return false;
    }
    *out = t;
    return true;
}

void timestamp_text(const timestamp *t, char *out, size_t size)
{
    int off = t->offset_minutes < 0 ? -t->offset_minutes : t->offset_minutes;
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%s%c%02d:%02d", t->year, t->month, t->day,
             t->hour, t->minute, t->second, t->fraction[0] ? "." : "", t->fraction,
             t->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

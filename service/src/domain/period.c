/* period.c: reporting periods (see period.h). */
#include "domain/period.h"

#include "status.h"

#include <stdio.h>
#include <string.h>

const char *const period_type_names[] = {"monthly",        "quarterly", "six_monthly", "yearly",
                                         "vn_six_monthly", "vn_yearly", NULL};

bool period_type_named(const char *name, period_type *out)
{
    for (int k = 0; name && period_type_names[k]; k++)
        if (strcmp(period_type_names[k], name) == 0) {
            *out = (period_type)k;
            return true;
        }
    return false;
}

const char period_forms[] = MSG("2017 (year), 2017S1 or 2017S2 (half-year), 2017Q1 to 2017Q4 "
                                "(quarter), 201703 (month), 2017VNS1 or 2017VNS2 (the 6-month "
                                "reports of Decree 09/2019) or 2017VN (its annual report)");

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
long period_days(civil_date d)
{
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static civil_date from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    civil_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

civil_date period_add_days(civil_date d, int days)
{
    return from_days(period_days(d) + days);
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

void period_date_text(civil_date d, char *out)
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
             (unsigned)d.day % 100u);
}

/* The calendar months first..last of `year`. */
static void months(period *p, int first, int last)
{
    p->start = (civil_date){p->year, first, 1};
    p->end = (civil_date){p->year, last, days_in_month(p->year, last)};
}

static bool digits(const char *s, size_t n)
{
    return strspn(s, "0123456789") >= n;
}

bool period_parse(const char *id, int due_days, period *out)
{
    size_t len = id ? strlen(id) : 0;
    memset(out, 0, sizeof *out);
    if (len < 4 || len >= sizeof out->id || !digits(id, 4))
        return false;
    int year = (id[0] - '0') * 1000 + (id[1] - '0') * 100 + (id[2] - '0') * 10 + (id[3] - '0');
    if (year < 1900 || year > 2200)
        return false;
    const char *rest = id + 4;
    out->year = year;
    if (*rest == '\0') {
        out->type = PERIOD_YEARLY;
        months(out, 1, 12);
    } else if (len == 6 && digits(rest, 2)) {
        int month = (rest[0] - '0') * 10 + (rest[1] - '0');
        if (month < 1 || month > 12)
            return false;
        out->type = PERIOD_MONTHLY;
        months(out, month, month);
    } else if (len == 6 && rest[0] == 'S' && (rest[1] == '1' || rest[1] == '2')) {
        out->type = PERIOD_SIX_MONTHLY;
        months(out, rest[1] == '1' ? 1 : 7, rest[1] == '1' ? 6 : 12);
    } else if (len == 6 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4') {
        int q = rest[1] - '0';
        out->type = PERIOD_QUARTERLY;
        months(out, 3 * q - 2, 3 * q);
    } else if (strcmp(rest, "VN") == 0) {
        out->type = PERIOD_VN_YEARLY;
        out->start = (civil_date){year - 1, 12, 15};
        out->end = (civil_date){year, 12, 14};
    } else if (strcmp(rest, "VNS1") == 0) {
        out->type = PERIOD_VN_SIX_MONTHLY;
        out->start = (civil_date){year - 1, 12, 15};
        out->end = (civil_date){year, 6, 14};
    } else if (strcmp(rest, "VNS2") == 0) {
        out->type = PERIOD_VN_SIX_MONTHLY;
        out->start = (civil_date){year, 6, 15};
        out->end = (civil_date){year, 12, 14};
    } else {
        return false;
    }
    memcpy(out->id, id, len + 1);
    out->cut_off = out->end;
    out->due = period_add_days(out->end, 1 + due_days);
    return true;
}

bool period_containing(period_type type, civil_date d, int due_days, period *out)
{
    char id[40];
    bool after_mid_december = d.month == 12 && d.day >= 15;
    bool by_mid_june = d.month < 6 || (d.month == 6 && d.day <= 14);
    switch (type) {
    case PERIOD_MONTHLY:
        snprintf(id, sizeof id, "%04d%02d", d.year, d.month);
        break;
    case PERIOD_QUARTERLY:
        snprintf(id, sizeof id, "%04dQ%d", d.year, (d.month - 1) / 3 + 1);
        break;
    case PERIOD_SIX_MONTHLY:
        snprintf(id, sizeof id, "%04dS%d", d.year, d.month <= 6 ? 1 : 2);
        break;
    case PERIOD_YEARLY:
        snprintf(id, sizeof id, "%04d", d.year);
        break;
    case PERIOD_VN_SIX_MONTHLY:
        snprintf(id, sizeof id, "%04dVNS%d", d.year + after_mid_december,
                 after_mid_december || by_mid_june ? 1 : 2);
        break;
    case PERIOD_VN_YEARLY:
        snprintf(id, sizeof id, "%04dVN", d.year + after_mid_december);
        break;
    default:
        return false;
    }
    return period_parse(id, due_days, out);
}

/* How long a period of `type` is, in coarse steps: month, quarter, half-year, year. */
static int period_rank(period_type type)
{
    switch (type) {
    case PERIOD_MONTHLY:
        return 0;
    case PERIOD_QUARTERLY:
        return 1;
    case PERIOD_SIX_MONTHLY:
    case PERIOD_VN_SIX_MONTHLY:
        return 2;
    case PERIOD_YEARLY:
    case PERIOD_VN_YEARLY:
        return 3;
    }
    return 3;
}

bool period_for_indicator(period_type indicator, const period *asked, int due_days, period *out)
{
    bool report_period = period_rank(asked->type) >= 2;
    if (!report_period && period_rank(asked->type) < period_rank(indicator))
        return false;
    char id[16];
    snprintf(id, sizeof id, "%s", asked->id); /* the period asked, unless a report maps */
    if (report_period && indicator != asked->type) {
        if (indicator == PERIOD_YEARLY)
            snprintf(id, sizeof id, "%04d", asked->year);
        else if (indicator == PERIOD_SIX_MONTHLY && asked->type == PERIOD_VN_SIX_MONTHLY)
            snprintf(id, sizeof id, "%04dS%c", asked->year, asked->id[7]);
    }
    if (!period_parse(id, due_days, out))
        *out = *asked;
    return true;
}

bool period_following(const period *p, int due_days, period *out)
{
    return period_containing(p->type, period_add_days(p->end, 1), due_days, out);
}

size_t period_list_ending_within(period_type type, bool first_halves, civil_date from,
                                 civil_date to, int due_days, period *out, size_t max)
{
    long last = period_days(to);
    size_t n = 0;
    period p;
    for (bool more = period_containing(type, from, due_days, &p);
         more && period_days(p.end) <= last; more = period_following(&p, due_days, &p)) {
        size_t len = strlen(p.id);
        if (first_halves && !(len > 2 && strcmp(p.id + len - 2, "S1") == 0))
            continue;
        if (n < max)
            out[n] = p;
        n++;
    }
    return n;
}

bool period_late_entry(civil_date effective, civil_date recorded, int due_days)
{
    period p;
    return period_containing(PERIOD_VN_SIX_MONTHLY, effective, due_days, &p) &&
           period_days(recorded) > period_days(p.due);
}

int period_count_within(period_type type, civil_date start, civil_date end)
{
    long to = period_days(end);
    int count = 0;
    period p;
    bool more = period_containing(type, start, 0, &p);
    if (more && period_days(p.start) < period_days(start))
        more = period_following(&p, 0, &p);
    for (; more && period_days(p.start) <= to; more = period_following(&p, 0, &p))
        count++;
    return count;
}

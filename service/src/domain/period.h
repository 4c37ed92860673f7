/* period.h: reporting periods by id — the DHIS2 forms 2017 (year), 2017S1/2017S2 (half-years),
 * 2017Q3 (quarter), 201703 (month), and the periods of Decree 09/2019/NĐ-CP: 2017VNS1, the
 * 6-month report (15/12/2016 to 14/06/2017), 2017VNS2 (15/06 to 14/12/2017) and 2017VN, the
 * annual report (15/12/2016 to 14/12/2017). Pure code: no I/O, no allocation. */
#ifndef PLANMON_PERIOD_H
#define PLANMON_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    PERIOD_MONTHLY,
    PERIOD_QUARTERLY,
    PERIOD_SIX_MONTHLY,
    PERIOD_YEARLY,
    PERIOD_VN_SIX_MONTHLY,
    PERIOD_VN_YEARLY,
} period_type;

/* The type names ("monthly", ..., "vn_yearly") in enum order, NULL-terminated. */
extern const char *const period_type_names[];

/* The type named `name` (one of period_type_names) into *out; false for any other name. */
bool period_type_named(const char *name, period_type *out);

/* What a malformed id is told: the forms an id may take. */
extern const char period_forms[];

typedef struct {
    int year, month, day;
} civil_date;

typedef struct {
    char id[12];
    period_type type;
    int year; /* the year the id names (a VN period starts in the year before) */
    civil_date start, end, cut_off, due;
} period;

/* Parses `id` (years 1900-2200); `due_days` is REPORT_DUE_DAYS: due = the day after the end
 * plus that many days. The cut-off is the period's last day. False when `id` is malformed. */
bool period_parse(const char *id, int due_days, period *out);

/* `d` as YYYY-MM-DD into `out` (at least 11 bytes). */
void period_date_text(civil_date d, char *out);

/* `d` moved by `days` (negative: back). */
civil_date period_add_days(civil_date d, int days);

/* Days since 1970-01-01 (negative before). */
long period_days(civil_date d);

/* The period of type `type` that contains day `d` (due `due_days` after it, as period_parse).
 * False when there is none (a year outside 1900-2200). */
bool period_containing(period_type type, civil_date d, int due_days, period *out);

/* PRODUCT's one mapping from an asked (report) period to the period of an indicator of type
 * `indicator`, shared by analytics and reports: the asked period itself when the types match; the
 * calendar year for a yearly indicator; the calendar half-year for a six-monthly indicator in a
 * 6-month report (2017VNS1 -> 2017S1); otherwise the asked period, over which the indicator's
 * finer values are counted. False, leaving `out` alone, when `asked` is not a report period (a
 * month or a quarter) and is finer than the indicator's type: 201703 or 2017Q1 for a yearly
 * indicator. */
bool period_for_indicator(period_type indicator, const period *asked, int due_days, period *out);

/* The period of the same type that follows `p`; `out` may be `p`. False past 2200. */
bool period_following(const period *p, int due_days, period *out);

/* The periods of type `type` whose end falls within [from, to], in order (with `first_halves`
 * only the first half of each year: S1, VNS1), due `due_days` after their end: at most `max`
 * into `out`. Returns how many there are, which may be more than `max`. */
size_t period_list_ending_within(period_type type, bool first_halves, civil_date from,
                                 civil_date to, int due_days, period *out, size_t max);

/* Whether a fact effective on `effective` and recorded on `recorded` is a late entry: recorded
 * after the due date of the Decree 09 6-month report period (2017VNS1, 2017VNS2) that contains
 * its effective day, by which it should have been reported. */
bool period_late_entry(civil_date effective, civil_date recorded, int due_days);

/* The number of periods of type `type` that start within [start, end] (for "months meeting a
 * threshold": the months of a year). */
int period_count_within(period_type type, civil_date start, civil_date end);

#endif

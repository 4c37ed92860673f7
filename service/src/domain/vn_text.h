/* vn_text.h: numbers, dates and words the way a Vietnamese administrative document writes them:
 * "1.234" and "75,5" (a dot between thousands, a decimal comma), "ngày 05 tháng 01 năm 2018"
 * (Decree 30/2020/NĐ-CP: a leading zero for days under 10 and for months 1 and 2), "6 tháng đầu
 * năm 2017", and the words for task statuses and attainments. Pure code: no I/O, no allocation;
 * every function writes into the caller's buffer and returns it. */
#ifndef PLANMON_DOMAIN_VN_TEXT_H
#define PLANMON_DOMAIN_VN_TEXT_H

#include <stddef.h>

#include "domain/period.h"

/* `v` rounded to at most `decimals` (0–3) places, trailing zeros dropped, thousands grouped by
 * '.', the decimal comma: 1234 → "1.234", 75.5 → "75,5", -0.25 (2) → "-0,25". */
char *vn_number(char *buf, size_t size, double v, int decimals);

/* "ngày 05 tháng 01 năm 2018", "ngày 29 tháng 6 năm 2019". */
char *vn_date(char *buf, size_t size, civil_date d);

/* What a report for `p` covers, in words: "6 tháng đầu năm 2017" (2017VNS1, 2017S1), "6 tháng cuối
 * năm 2017" (2017VNS2, 2017S2), "năm 2017" (2017VN, 2017), "quý III năm 2017", "tháng 3 năm
 * 2017". */
char *vn_period_phrase(char *buf, size_t size, const period *p);

/* The Vietnamese of a task status (not_started, in_progress, done, cancelled) and of an
 * attainment (achieved, missed, on_track, at_risk, no_data, undated); the name itself when
 * unknown, "" for NULL. Static strings. */
const char *vn_task_status(const char *status);
const char *vn_attainment(const char *attainment);

/* The Vietnamese of a pilot site's status (planned, piloting, evaluated, scaled_up, stopped), as
 * vn_task_status. */
const char *vn_pilot_status(const char *status);

/* "05/01/2018" of a date given as "YYYY-MM-DD" (the text itself when it is not one). */
char *vn_short_date(char *buf, size_t size, const char *iso);

#endif

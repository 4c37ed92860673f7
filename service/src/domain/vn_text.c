/* vn_text.c: Vietnamese numbers, dates and words (see vn_text.h). */
#include "domain/vn_text.h"

#include "domain/clock.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

char *vn_number(char *buf, size_t size, double v, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 3)
        decimals = 3;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    char plain[64];
    snprintf(plain, sizeof plain, "%.*f", decimals, v);
    char *dot = strchr(plain, '.');
    if (dot) { /* drop trailing zeros, then a bare point */
        char *end = plain + strlen(plain) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *dot = '\0';
        else
            *dot = ',';
    }
    if (strcmp(plain, "-0") == 0)
        snprintf(plain, sizeof plain, "0");
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    size_t whole = strcspn(digits, ","), at = 0;
    char out[96];
    if (plain[0] == '-')
        out[at++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i && (whole - i) % 3 == 0)
            out[at++] = '.';
        out[at++] = digits[i];
    }
    snprintf(out + at, sizeof out - at, "%s", digits + whole);
    snprintf(buf, size, "%s", out);
    return buf;
}

char *vn_date(char *buf, size_t size, civil_date d)
{
    snprintf(buf, size, d.month <= 2 ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d",
             d.day, d.month, d.year);
    return buf;
}

char *vn_period_phrase(char *buf, size_t size, const period *p)
{
    static const char *const roman[] = {"I", "II", "III", "IV"};
    switch (p->type) {
    case PERIOD_VN_SIX_MONTHLY:
    case PERIOD_SIX_MONTHLY: {
        char half = p->id[strlen(p->id) - 1];
        snprintf(buf, size, "6 tháng %s năm %d", half == '1' ? "đầu" : "cuối", p->year);
        break;
    }
    case PERIOD_QUARTERLY:
        snprintf(buf, size, "quý %s năm %d", roman[(p->start.month - 1) / 3], p->year);
        break;
    case PERIOD_MONTHLY:
        snprintf(buf, size, "tháng %d năm %d", p->start.month, p->year);
        break;
    case PERIOD_VN_YEARLY:
    case PERIOD_YEARLY:
        snprintf(buf, size, "năm %d", p->year);
        break;
    }
    return buf;
}

typedef struct {
    const char *name, *words;
} word;

/* The words of `name` in `words`, the name itself when absent, "" for NULL. */
static const char *lookup(const word *words, const char *name)
{
    if (!name)
        return "";
    for (const word *w = words; w->name; w++)
        if (strcmp(w->name, name) == 0)
            return w->words;
    return name;
}

const char *vn_task_status(const char *status)
{
    static const word words[] = {{"not_started", "Chưa thực hiện"},
                                 {"in_progress", "Đang thực hiện"},
                                 {"done", "Hoàn thành"},
                                 {"cancelled", "Dừng thực hiện"},
                                 {NULL, NULL}};
    return lookup(words, status);
}

const char *vn_attainment(const char *attainment)
{
    static const word words[] = {{"achieved", "đạt"},
                                 {"missed", "không đạt"},
                                 {"on_track", "đúng tiến độ"},
                                 {"at_risk", "có nguy cơ không đạt"},
                                 {"no_data", "chưa có số liệu"},
                                 {"undated", "chỉ tiêu chưa có thời hạn"},
                                 {NULL, NULL}};
    return lookup(words, attainment);
}

const char *vn_pilot_status(const char *status)
{
    static const word words[] = {{"planned", "Chuẩn bị triển khai"}, {"piloting", "Đang thí điểm"},
                                 {"evaluated", "Đã đánh giá"},       {"scaled_up", "Đã nhân rộng"},
                                 {"stopped", "Dừng thí điểm"},       {NULL, NULL}};
    return lookup(words, status);
}

char *vn_short_date(char *buf, size_t size, const char *iso)
{
    civil_date d;
    if (iso && clock_parse_date(iso, &d))
        snprintf(buf, size, "%02d/%02d/%04d", d.day, d.month, d.year);
    else
        snprintf(buf, size, "%s", iso ? iso : "");
    return buf;
}

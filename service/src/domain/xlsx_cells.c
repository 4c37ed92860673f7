/* xlsx_cells.c: cells of the XLSX reader (see xlsx_internal.h): indexes and cell references,
 * date serials in the 1900 and 1904 date systems, and the JSON value of a cell by its type and
 * style. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/period.h"
#include "domain/xlsx_internal.h"

/* Parses `text` as a whole decimal number in [0, max] without sign or spaces. */
bool xlsxr_parse_index(const char *text, long max, long *out)
{
    if (!text || !*text)
        return false;
    long v = 0;
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9')
            return false;
        v = v * 10 + (*c - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" of the date serial `serial` (its time of day dropped) in the 1900 date system,
 * where serial 60 is Excel's 1900-02-29, or the 1904 one; false when Excel shows no date for it
 * (negative, or after 9999). */
static bool serial_date(double serial, bool date1904, char out[16])
{
    if (!(serial >= 0 && serial < 3e6))
        return false;
    double ms = floor(serial * 86400000.0 + 0.5); /* Excel rounds to the millisecond */
    int days = (int)floor(ms / 86400000.0);
    civil_date c;
    if (date1904)
        c = period_add_days((civil_date){1904, 1, 1}, days);
    else if (days == 60)
        c = (civil_date){1900, 2, 29};
    else
        c = period_add_days((civil_date){1899, 12, days < 60 ? 31 : 30}, days);
    if (c.year < 1 || c.year > 9999)
        return false;
    period_date_text(c, out);
    return true;
}

/* The number `text` is (digits, sign, point and exponent only, all of it, finite); false if
 * it is none. */
static bool parse_number(const char *text, double *out)
{
    if (!*text || strspn(text, "0123456789+-.eE") != strlen(text))
        return false;
    char *end;
    *out = strtod(text, &end);
    return *end == '\0' && isfinite(*out);
}

/* The JSON of the number `v`: an integer when whole and exact, else a real. */
static json_t *number_json(double v)
{
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* Whether `s` starts with a date YYYY-MM-DD. */
static bool starts_with_date(const char *s)
{
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    return true;
}

/* "B3" for column 2, row 3. */
const char *xlsxr_cell_name(long col, long row, char out[16])
{
    char letters[4];
    int n = 0;
    for (long c = col; c > 0 && n < 3; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    int k = 0;
    while (n > 0)
        out[k++] = letters[--n];
    snprintf(out + k, (size_t)(16 - k), "%ld", row);
    return out;
}

/* Parses a cell reference such as "B3" (A1 to XFD1048576, no "$") into its column (A is 1) and
 * row. */
bool xlsxr_parse_ref(const char *ref, long *col, long *row)
{
    long c = 0;
    int letters = 0;
    while (*ref >= 'A' && *ref <= 'Z' && letters < 3) {
        c = c * 26 + (*ref++ - 'A' + 1);
        letters++;
    }
    if (letters == 0 || c > MAX_COLUMN || *ref == '0')
        return false;
    if (!xlsxr_parse_index(ref, MAX_ROW, row) || *row < 1)
        return false;
    *col = c;
    return true;
}

/* The value of the cell just read, or NULL (*st XLSX_OK) for an empty one. */
json_t *xlsxr_cell_value(sheet_reader *s, xlsx_status *st)
{
    const char *v = s->value.data ? s->value.data : "";
    char where[16], shown[CLIP_SIZE];
    xlsxr_cell_name(s->cell_col, s->row, where);
    *st = XLSX_OK;
    json_t *value = NULL;
    long index;
    double number;
    switch (s->type) {
    case CELL_ERROR:
        return NULL;
    case CELL_INLINE:
        if (s->inline_text.len == 0)
            return NULL;
        value = json_stringn(s->inline_text.data, s->inline_text.len);
        break;
    case CELL_STRING:
        if (s->value.len == 0)
            return NULL;
        value = json_stringn(v, s->value.len);
        break;
    case CELL_SHARED:
        if (s->value.len == 0)
            return NULL;
        if (!xlsxr_parse_index(v, LONG_MAX / 2, &index) || (size_t)index >= s->ctx->sst.count) {
            *st = xlsxr_fail(s->b, XLSX_MALFORMED,
                             "cell %s of %s names shared string %s, which is not there", where,
                             s->p->name, xlsxr_clip(v, shown));
            return NULL;
        }
        const struct span *item = &s->ctx->sst.items[index];
        if (item->len == 0)
            return NULL;
        value = json_stringn(s->ctx->sst.pool.data + item->off, item->len);
        break;
    case CELL_BOOL:
        if (s->value.len == 0)
            return NULL;
        if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
            return json_true();
        if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
            return json_false();
        *st = xlsxr_fail(s->b, XLSX_MALFORMED,
                         "cell %s of %s is a boolean but holds \xE2\x80\x9C%s\xE2\x80\x9D", where,
                         s->p->name, xlsxr_clip(v, shown));
        return NULL;
    case CELL_DATE:
        if (s->value.len == 0)
            return NULL;
        value = starts_with_date(v) ? json_stringn(v, 10) : json_stringn(v, s->value.len);
        break;
    case CELL_NUMBER:
        if (s->value.len == 0)
            return NULL;
        if (!parse_number(v, &number)) {
            *st = xlsxr_fail(s->b, XLSX_MALFORMED,
                             "cell %s of %s is a number but holds \xE2\x80\x9C%s\xE2\x80\x9D",
                             where, s->p->name, xlsxr_clip(v, shown));
            return NULL;
        }
        char date[16];
        if (s->style >= 0 && (size_t)s->style < s->ctx->nstyles && s->ctx->date_styles[s->style] &&
            serial_date(number, s->ctx->date1904, date))
            value = json_string(date);
        else
            value = number_json(number);
        break;
    }
    if (!value)
        *st = xlsxr_no_memory(s->b);
    return value;
}

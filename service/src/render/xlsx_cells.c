/* xlsx_cells.c: the book's formats and its cells (see xlsx_internal.h): the text of a JSON value,
 * string cells, a cell written by its column's kind, the header row and column widths.
 *
 * Cells are never formulas: text goes through worksheet_write_string, which writes an inline
 * string whatever its first character; a text that Excel would read as a formula on editing
 * ('=', '+', '-', '@' first) also gets the text number format "@". Excel reads "_xHHHH_" in a
 * string as an escaped character, so a literal one is written with its '_' escaped (_x005F_).
 *
 * Number formats: XLSX_INT and XLSX_NUMBER values that are whole get "0", others "0.##" (a
 * whole number in "0.##" would show a trailing decimal point, "5."); no thousands separator, as
 * a code or a year in a number column would show one. XLSX_PERCENT "0.0%" of value/100,
 * XLSX_DATE "dd/mm/yyyy".
 *
 * Ownership: the formats belong to the book's workbook; every function here borrows its
 * arguments, and the text it builds for a cell is freed before it returns. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#include "jsonutil.h"
#include "render/xlsx_internal.h"

#define WIDTH_MIN 8.0  /* a column's width from its header or content, in characters */
#define TEXT_MAX 32767 /* characters in a cell */

/* --- formats -------------------------------------------------------------------------------- */

/* A new format of `wb`: bold, with `num_format`, wrapped (top-aligned) and unlocked as asked. */
static lxw_format *format(lxw_workbook *wb, bool bold, const char *num_format, bool wrap,
                          bool unlocked)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f)
        return NULL;
    if (bold)
        format_set_bold(f);
    if (num_format)
        format_set_num_format(f, num_format);
    if (wrap) {
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    if (unlocked)
        format_set_unlocked(f);
    return f;
}

bool xlsx_add_formats(xlsx_book *book)
{
    lxw_workbook *wb = book->wb;
    book->header = format(wb, true, NULL, false, false);
    book->whole = format(wb, false, "0", false, false);
    book->number = format(wb, false, "0.##", false, false);
    book->percent = format(wb, false, "0.0%", false, false);
    book->date = format(wb, false, "dd/mm/yyyy", false, false);
    book->text = format(wb, false, "@", false, false);
    book->bold = format(wb, true, NULL, false, false);
    book->wrap = format(wb, false, NULL, true, false);
    book->bold_wrap = format(wb, true, NULL, true, false);
    book->unlocked = format(wb, false, NULL, false, true);
    book->unlocked_text = format(wb, false, "@", false, true);
    if (!book->header || !book->whole || !book->number || !book->percent || !book->date ||
        !book->text || !book->bold || !book->wrap || !book->bold_wrap || !book->unlocked ||
        !book->unlocked_text)
        return false;
    format_set_bottom(book->header, LXW_BORDER_THIN);
    return true;
}

/* --- UTF-8 and column widths ---------------------------------------------------------------- */

size_t xlsx_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

size_t xlsx_utf8_prefix(const char *s, size_t n)
{
    size_t i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (n == 0)
                break;
            n--;
        }
    }
    return i;
}

double xlsx_fit(size_t chars, double max)
{
    double w = (double)chars + 2;
    return w < WIDTH_MIN ? WIDTH_MIN : w > max ? max : w;
}

/* --- text ----------------------------------------------------------------------------------- */

/* A growing NUL-terminated text; `failed` once an allocation failed (then it stops growing). */
typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} text_buf;

/* Appends the `n` bytes at `s` to `t`. */
static void put(text_buf *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->s, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* Whether `s` starts with an escape Excel would decode, "_xHHHH_". */
static bool is_escape_at(const char *s)
{
    if (s[0] != '_' || (s[1] != 'x' && s[1] != 'X'))
        return false;
    for (int i = 2; i < 6; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
            return false;
    return s[6] == '_';
}

/* Appends a JSON value that is not taken apart: a string itself, null nothing, anything else
 * (a number, a boolean, an object, a nested array) as compact JSON. */
static void put_json_value(text_buf *t, const json_t *v)
{
    if (json_is_string(v)) {
        put(t, json_string_value(v), strlen(json_string_value(v)));
    } else if (!json_is_null(v)) {
        char *s = json_serialize(v);
        if (s)
            put(t, s, strlen(s));
        else
            t->failed = true;
        free(s);
    }
}

/* Appends the text of a JSON value: an array's members (nulls skipped) joined by "; ", each as
 * put_json_value writes it (so a nested array as JSON, not flattened); anything else as
 * put_json_value writes it. */
static void put_json_text(text_buf *t, const json_t *v)
{
    if (!json_is_array(v)) {
        put_json_value(t, v);
        return;
    }
    size_t i;
    const json_t *m;
    json_array_foreach(v, i, m)
    {
        if (json_is_null(m))
            continue;
        if (t->len)
            put(t, "; ", 2);
        put_json_value(t, m);
    }
}

size_t xlsx_text_chars(const json_t *v)
{
    if (json_is_string(v))
        return xlsx_utf8_chars(json_string_value(v));
    text_buf t = {0};
    put_json_text(&t, v);
    size_t n = t.s ? xlsx_utf8_chars(t.s) : 0;
    free(t.s);
    return n;
}

/* --- cells ---------------------------------------------------------------------------------- */

lxw_error xlsx_write_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                            lxw_format *f, lxw_format *text_format)
{
    if (!*s)
        return f ? worksheet_write_blank(ws, r, c, f) : LXW_NO_ERROR;
    if (!f && strchr("=+-@", s[0]))
        f = text_format;
    bool escape = false;
    for (const char *p = strchr(s, '_'); p && !escape; p = strchr(p + 1, '_'))
        escape = is_escape_at(p);
    size_t bytes = strlen(s);
    if (!escape && (bytes <= TEXT_MAX || xlsx_utf8_chars(s) <= TEXT_MAX))
        return worksheet_write_string(ws, r, c, s, f);
    text_buf t = {0};
    for (const char *p = s; *p; p++) {
        if (*p == '_' && is_escape_at(p))
            put(&t, "_x005F", 6);
        put(&t, p, 1);
    }
    if (t.failed) {
        free(t.s);
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    t.s[xlsx_utf8_prefix(t.s, TEXT_MAX)] = '\0';
    lxw_error err = worksheet_write_string(ws, r, c, t.s, f);
    free(t.s);
    return err;
}

lxw_error xlsx_write_text(const xlsx_book *book, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                          const json_t *v, lxw_format *f)
{
    if (json_is_string(v))
        return xlsx_write_string(ws, r, c, json_string_value(v), f, book->text);
    text_buf t = {0};
    put_json_text(&t, v);
    lxw_error err = t.failed ? LXW_ERROR_MEMORY_MALLOC_FAILED
                             : xlsx_write_string(ws, r, c, t.s ? t.s : "", f, book->text);
    free(t.s);
    return err;
}

bool xlsx_number_of(const json_t *v, double *d)
{
    if (json_is_number(v)) {
        *d = json_number_value(v);
        return true;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 64)
        return false;
    json_t *parsed = json_loadb(json_string_value(v), json_string_length(v), JSON_DECODE_ANY, NULL);
    bool ok = json_is_number(parsed);
    if (ok)
        *d = json_number_value(parsed);
    json_decref(parsed);
    return ok && isfinite(*d);
}

bool xlsx_boolean_of(const json_t *v, bool *b)
{
    if (json_is_boolean(v)) {
        *b = json_is_true(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)) {
        *b = strcasecmp(s, "true") == 0;
        return true;
    }
    return false;
}

/* The value of the two decimal digits at `s`; -1 when they are not two digits. */
static int two_digits(const char *s)
{
    return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
               ? (s[0] - '0') * 10 + (s[1] - '0')
               : -1;
}

/* "YYYY-MM-DD", or the date of "YYYY-MM-DDThh:mm…", within Excel's years 1900–9999. */
static bool date_of(const char *s, lxw_datetime *dt)
{
    size_t len = strlen(s);
    if (len < 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (len > 10 && (!strchr("Tt ", s[10]) || len < 16 || two_digits(s + 11) < 0 || s[13] != ':' ||
                     two_digits(s + 14) < 0))
        return false;
    int hi = two_digits(s), lo = two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
    if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1)
        return false;
    int y = hi * 100 + lo;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || d > days[m - 1] + (m == 2 && leap))
        return false;
    *dt = (lxw_datetime){.year = y, .month = m, .day = d};
    return true;
}

/* Whether `d` is a whole number that format "0" shows exactly. */
static bool whole(double d)
{
    return fabs(d) < 1e15 && d == floor(d);
}

lxw_error xlsx_write_cell(const xlsx_book *book, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                          xlsx_kind kind, const json_t *v)
{
    if (!v || json_is_null(v))
        return LXW_NO_ERROR;
    double d;
    bool b;
    lxw_datetime dt;
    switch (kind) {
    case XLSX_INT:
    case XLSX_NUMBER:
        if (xlsx_number_of(v, &d))
            return worksheet_write_number(ws, r, c, d, whole(d) ? book->whole : book->number);
        break;
    case XLSX_PERCENT:
        if (xlsx_number_of(v, &d))
            return worksheet_write_number(ws, r, c, d / 100, book->percent);
        break;
    case XLSX_DATE:
        if (json_is_string(v) && date_of(json_string_value(v), &dt))
            return worksheet_write_datetime(ws, r, c, &dt, book->date);
        break;
    case XLSX_BOOL:
        if (xlsx_boolean_of(v, &b))
            return worksheet_write_boolean(ws, r, c, b, NULL);
        break;
    case XLSX_TEXT:
        break;
    }
    return xlsx_write_text(book, ws, r, c, v, NULL);
}

lxw_error xlsx_write_header(const xlsx_book *book, lxw_worksheet *ws, const char *const *captions,
                            size_t ncolumns, size_t nrows)
{
    lxw_error err = LXW_NO_ERROR;
    for (size_t c = 0; c < ncolumns && !err; c++)
        err = xlsx_write_string(ws, 0, (lxw_col_t)c, captions[c] ? captions[c] : "", book->header,
                                NULL);
    if (err || ncolumns == 0)
        return err;
    worksheet_freeze_panes(ws, 1, 0);
    return worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncolumns - 1));
}

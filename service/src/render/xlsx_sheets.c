/* xlsx_sheets.c: the sheets of a book (see xlsx.h and xlsx_internal.h): adding one under a name
 * Excel accepts and no other sheet of the book has (Excel compares names ignoring case), and the
 * plain sheets: a table of typed columns, label/value pairs and text lines. The measurement entry
 * template is xlsx_template.c's.
 *
 * Ownership: a sheet belongs to the book's workbook, its name to the book (book->names); the
 * JSON given is borrowed for the duration of the call. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "render/xlsx_internal.h"

#define WIDTH_LIMIT 255.0 /* Excel's widest column */
#define LINES_WIDTH 100.0
#define PAIR_VALUE_MAX 100.0
#define SHEET_NAME_MAX 31 /* characters */

/* --- sheet names ---------------------------------------------------------------------------- */

/* Decodes the code point at *s and moves *s past it (a stray byte is itself). */
static uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more)
        c &= 0x3F >> more;
    int i = 1;
    for (; i <= more && (p[i] & 0xC0) == 0x80; i++)
        c = (c << 6) | (p[i] & 0x3F);
    *s += i;
    return c;
}

/* Lower case of the letters a sheet name in Vietnamese or English may have: ASCII, Latin-1,
 * Latin Extended-A (Ă Đ Ĩ Ũ), Ơ Ư and the Vietnamese block U+1EA0–U+1EF9. */
static uint32_t fold(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 0x20;
    if (((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177) ||
         (c >= 0x1EA0 && c <= 0x1EF9)) &&
        c % 2 == 0)
        return c + 1;
    if (c == 0x1A0 || c == 0x1AF)
        return c + 1;
    return c;
}

/* Whether `a` and `b` are the same sheet name to Excel (which ignores case). */
static bool same_name(const char *a, const char *b)
{
    while (*a && *b)
        if (fold(utf8_next(&a)) != fold(utf8_next(&b)))
            return false;
    return !*a && !*b;
}

/* Whether `name` is reserved or the name of one of the book's sheets. */
static bool name_taken(const xlsx_book *book, const char *name)
{
    if (same_name(name, "History")) /* reserved by Excel */
        return true;
    for (size_t i = 0; i < book->nnames; i++)
        if (same_name(book->names[i], name))
            return true;
    return false;
}

lxw_worksheet *xlsx_add_sheet(xlsx_book *book, const char *name)
{
    if (!book || !book->wb)
        return NULL;
    if (!name || !*name)
        name = "Sheet";
    char base[SHEET_NAME_MAX * 4 + 1], candidate[sizeof base + 16];
    size_t len = xlsx_utf8_prefix(name, SHEET_NAME_MAX);
    if (len >= sizeof base) /* not UTF-8 */
        len = sizeof base - 1;
    memcpy(base, name, len);
    base[len] = '\0';
    for (char *c = base; *c; c++)
        if (strchr("[]:*?/\\", *c) || (unsigned char)*c < 0x20 || *c == 0x7F)
            *c = '-';
    if (base[0] == '\'')
        base[0] = '-';
    if (base[len - 1] == '\'')
        base[len - 1] = '-';
    memcpy(candidate, base, len + 1); /* len < sizeof base < sizeof candidate */
    for (unsigned k = 2; name_taken(book, candidate); k++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, " (%u)", k);
        size_t slen = strlen(suffix);                                /* < 16 */
        size_t keep = xlsx_utf8_prefix(base, SHEET_NAME_MAX - slen); /* <= len */
        memcpy(candidate, base, keep);
        memcpy(candidate + keep, suffix, slen + 1);
    }
    char **names = realloc(book->names, (book->nnames + 1) * sizeof *names);
    if (!names)
        return NULL;
    book->names = names;
    if (!(names[book->nnames] = strdup(candidate)))
        return NULL;
    lxw_worksheet *ws = workbook_add_worksheet(book->wb, candidate);
    if (!ws) {
        free(names[book->nnames]);
        return NULL;
    }
    book->nnames++;
    return ws;
}

/* --- plain sheets --------------------------------------------------------------------------- */

bool xlsx_book_table(xlsx_book *book, const char *name, const xlsx_column *columns, size_t ncolumns,
                     const json_t *rows)
{
    size_t nrows = json_array_size(rows);
    if (ncolumns > LXW_COL_MAX || nrows >= LXW_ROW_MAX)
        return false;
    lxw_worksheet *ws = xlsx_add_sheet(book, name);
    if (!ws)
        return false;
    const char **captions = calloc(ncolumns ? ncolumns : 1, sizeof *captions);
    if (!captions)
        return false;
    lxw_error err = LXW_NO_ERROR;
    for (size_t c = 0; c < ncolumns && !err; c++) {
        captions[c] = columns[c].header ? columns[c].header : columns[c].key;
        double w = columns[c].width > 0
                       ? fmin(columns[c].width, WIDTH_LIMIT)
                       : xlsx_fit(xlsx_utf8_chars(captions[c] ? captions[c] : ""), XLSX_WIDTH_MAX);
        err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
    }
    if (!err)
        err = xlsx_write_header(book, ws, captions, ncolumns, nrows);
    free(captions);
    for (size_t r = 0; r < nrows && !err; r++) {
        const json_t *row = json_array_get(rows, r);
        for (size_t c = 0; c < ncolumns && !err; c++)
            err = xlsx_write_cell(book, ws, (lxw_row_t)(r + 1), (lxw_col_t)c, columns[c].kind,
                                  columns[c].key ? json_object_get(row, columns[c].key) : NULL);
    }
    return err == LXW_NO_ERROR;
}

bool xlsx_book_pairs(xlsx_book *book, const char *name, const json_t *pairs)
{
    lxw_worksheet *ws = xlsx_add_sheet(book, name);
    if (!ws)
        return false;
    size_t wkey = 0, wvalue = 0;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)pairs, key, value)
    {
        size_t k = xlsx_utf8_chars(key), v = xlsx_text_chars(value);
        wkey = k > wkey ? k : wkey;
        wvalue = v > wvalue ? v : wvalue;
    }
    lxw_error err = worksheet_set_column(ws, 0, 0, xlsx_fit(wkey, XLSX_WIDTH_MAX), NULL);
    if (!err)
        err = worksheet_set_column(ws, 1, 1, xlsx_fit(wvalue, PAIR_VALUE_MAX), NULL);
    lxw_row_t r = 0;
    json_object_foreach((json_t *)pairs, key, value)
    {
        if (err || r >= LXW_ROW_MAX)
            return false;
        err = xlsx_write_string(ws, r, 0, key, book->bold, NULL);
        if (!err && json_is_number(value))
            err = worksheet_write_number(ws, r, 1, json_number_value(value), book->wrap);
        else if (!err && value && !json_is_null(value))
            err = xlsx_write_text(book, ws, r, 1, value, book->wrap);
        r++;
    }
    return err == LXW_NO_ERROR;
}

bool xlsx_book_lines(xlsx_book *book, const char *name, const json_t *lines)
{
    lxw_worksheet *ws = xlsx_add_sheet(book, name);
    if (!ws)
        return false;
    size_t n = json_array_size(lines);
    if (n > LXW_ROW_MAX)
        return false;
    lxw_error err = worksheet_set_column(ws, 0, 0, LINES_WIDTH, NULL);
    for (size_t i = 0; i < n && !err; i++) {
        const json_t *line = json_array_get(lines, i);
        if (!json_is_null(line))
            err = xlsx_write_text(book, ws, (lxw_row_t)i, 0, line,
                                  i == 0 ? book->bold_wrap : book->wrap);
    }
    return err == LXW_NO_ERROR;
}

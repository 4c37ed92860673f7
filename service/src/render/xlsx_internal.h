/* xlsx_internal.h: private to the XLSX writer (render/xlsx*.c), not for other modules. The book
 * itself (struct xlsx_book: the workbook, its temporary directory, the sheet names given and the
 * formats) and the pieces its files share: cells and formats (xlsx_cells.c: the text of a JSON
 * value, string cells with Excel's escapes, a cell by its column's kind, the header row, column
 * widths), sheet names (xlsx_sheets.c, which also writes the table, pairs and lines sheets) and,
 * apart, the measurement entry template (xlsx_template.c). xlsx.c makes, finishes and frees the
 * book.
 *
 * Ownership: the book owns its workbook (and through it the formats and sheets), its temporary
 * directory and the sheet names; xlsx_add_formats and xlsx_add_sheet add to what it owns (the
 * sheet returned is the workbook's). Every other function borrows its arguments and returns
 * nothing to free; none keeps a pointer after it returns. */
#ifndef PLANMON_RENDER_XLSX_INTERNAL_H
#define PLANMON_RENDER_XLSX_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <xlsxwriter.h>

#include "render/xlsx.h"

#define XLSX_WIDTH_MAX 60.0 /* widest column sized from its content, in characters */

struct xlsx_book {
    lxw_workbook *wb;
    char *dir;    /* the private temporary directory */
    char *path;   /* dir/workbook.xlsx */
    char **names; /* the sheet names given, for uniqueness */
    size_t nnames;
    lxw_format *header, *whole, *number, *percent, *date, *text, *bold, *wrap, *bold_wrap,
        *unlocked, *unlocked_text;
};

/* --- xlsx_cells.c ------------------------------------------------------------------------- */

/* Adds the book's formats to its workbook; false when libxlsxwriter cannot make one. */
bool xlsx_add_formats(xlsx_book *book);

/* The number of characters of the UTF-8 text `s`. */
size_t xlsx_utf8_chars(const char *s);

/* The bytes of the first `n` characters of `s`. */
size_t xlsx_utf8_prefix(const char *s, size_t n);

/* A column's width from a text of `chars` characters: padded, within [8, max]. */
double xlsx_fit(size_t chars, double max);

/* The number of characters of `v`'s text (see xlsx_write_text). */
size_t xlsx_text_chars(const json_t *v);

/* The number `v` is or spells (a string in JSON's number syntax, read locale-independently). */
bool xlsx_number_of(const json_t *v, double *d);

/* The boolean `v` is or spells ("true" or "false" in any case). */
bool xlsx_boolean_of(const json_t *v, bool *b);

/* Writes `s` as a string cell: "_xHHHH_" escaped, cut to Excel's 32,767 characters, the text
 * format `text_format` for what Excel would take for a formula on editing (unless `f` is given);
 * an empty `s` is a blank cell of `f`, or nothing without one. */
lxw_error xlsx_write_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                            lxw_format *f, lxw_format *text_format);

/* Writes the text of `v` as a string cell: a string itself, a number or a boolean as JSON writes
 * it, an array's members joined by "; " (a nested array as JSON), an object as compact JSON. */
lxw_error xlsx_write_text(const xlsx_book *book, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                          const json_t *v, lxw_format *f);

/* Writes `v` (NULL or null: nothing) as a cell of `kind`; what is not of the kind as text. */
lxw_error xlsx_write_cell(const xlsx_book *book, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                          xlsx_kind kind, const json_t *v);

/* The bold header row, frozen, and an autofilter over it and `nrows` rows below. */
lxw_error xlsx_write_header(const xlsx_book *book, lxw_worksheet *ws, const char *const *captions,
                            size_t ncolumns, size_t nrows);

/* --- xlsx_sheets.c ------------------------------------------------------------------------ */

/* A new sheet named after `name`: at most 31 characters, []:*?/\ (and control characters)
 * replaced by '-', no apostrophe first or last, " (2)", " (3)"… added when the name is taken
 * (Excel ignores case); NULL when libxlsxwriter or memory fails. */
lxw_worksheet *xlsx_add_sheet(xlsx_book *book, const char *name);

#endif

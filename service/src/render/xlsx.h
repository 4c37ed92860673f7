/* xlsx.h: workbooks written with libxlsxwriter: the XLSX exports (sheets of rows with typed
 * columns) and the measurement entry template. Cells are written by their column's kind and
 * never as formulas: a text starting with '=', '+', '-' or '@' is a string cell. Every sheet has
 * a bold frozen header row, an autofilter and the columns' widths.
 *
 * libxlsxwriter 1.1.4 writes to a file: a workbook is written in a private temporary directory
 * (created 0700, removed after) and read back into memory. Constant-memory mode (one row in
 * memory at a time, rows written in order) is used for data sheets.
 *
 * Ownership: an xlsx_book owns its workbook and temporary directory until xlsx_book_finish or
 * xlsx_book_free; everything else is borrowed for the duration of the call. Not thread-safe: a
 * book is written by one thread. */
#ifndef PLANMON_RENDER_XLSX_H
#define PLANMON_RENDER_XLSX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "render/bytes.h"

typedef enum {
    XLSX_TEXT,    /* a string cell (numbers and booleans in JSON are written as their text) */
    XLSX_INT,     /* a whole number, format 0 */
    XLSX_NUMBER,  /* a number, format 0.## */
    XLSX_PERCENT, /* a percentage given as 0–100 in JSON, written as a fraction in format 0.0% */
    XLSX_DATE,    /* "YYYY-MM-DD" (or the date part of an RFC 3339 time) as an Excel date,
                     format dd/mm/yyyy; any other text as a string */
    XLSX_BOOL,    /* true/false as a boolean cell */
} xlsx_kind;

typedef struct {
    const char *key;    /* the member of each row object */
    const char *header; /* the header cell */
    xlsx_kind kind;
    double width; /* in characters; 0: from the header */
} xlsx_column;

typedef struct xlsx_book xlsx_book;

/* A new workbook; NULL when the temporary directory or the workbook cannot be made. */
xlsx_book *xlsx_book_new(void);

/* Adds a sheet named `name` (at most 31 characters, without []:*?/\) of `ncolumns` columns and
 * the rows of `rows` (an array of objects; a missing or null member is an empty cell). False
 * when libxlsxwriter fails. */
bool xlsx_book_table(xlsx_book *book, const char *name, const xlsx_column *columns, size_t ncolumns,
                     const json_t *rows);

/* Adds a sheet of label/value pairs (`pairs`: an object whose members are written in order,
 * the key in column A bold, the value in column B as text), such as the "Thông tin" sheet. */
bool xlsx_book_pairs(xlsx_book *book, const char *name, const json_t *pairs);

/* Adds a sheet of text lines (`lines`: an array of strings), one per row in column A, the first
 * bold: the template's instructions. */
bool xlsx_book_lines(xlsx_book *book, const char *name, const json_t *lines);

/* The measurement entry template's sheet: one row per object of `rows` ({"indicator",
 * "indicator_name", "unit", "unit_name", "period", "value", "comment", "status"}); the columns
 * `headers` names in that order (8 captions); indicator, unit and period cells locked (the sheet
 * protected, value and comment left editable); the value column validated by `value_type`
 * ("boolean": a list TRUE/FALSE; "count": a whole number ≥ 0; "number" or "percentage": a
 * decimal; "ratio": two columns, numerator and denominator, whole numbers ≥ 0 — then `headers`
 * has 9 captions and rows have "numerator" and "denominator" instead of "value"). */
bool xlsx_book_template(xlsx_book *book, const char *name, const char *value_type,
                        const char *const *headers, const json_t *rows);

/* Writes the workbook and appends its bytes to `out`; frees the book (also on failure). False
 * when writing or reading it back failed (then `out` is as it was). */
bool xlsx_book_finish(xlsx_book *book, render_bytes *out);

/* Frees a book that will not be finished; NULL is a no-op. */
void xlsx_book_free(xlsx_book *book);

#endif

/* csv.h: RFC 4180 text as rows of fields — fields separated by commas (or, as Excel writes CSV
 * in a Vietnamese Windows locale, by semicolons), rows by CRLF or LF, double-quoted fields holding
 * separators, line breaks and doubled quotes, an optional UTF-8 byte-order mark first. Pure
 * code. */
#ifndef PLANMON_CSV_H
#define PLANMON_CSV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The separator of `len` bytes of `text`: ';' when its first line has more semicolons than
 * commas outside quotes (Excel's CSV in locales whose decimal mark is a comma), else ','. */
char csv_separator(const char *text, size_t len);

/* Parses `len` bytes of `text`, fields parted by `sep` (',' or ';'), into a new array of rows,
 * each an array of strings; a leading UTF-8 byte-order mark is skipped, a final line break ends
 * the last row and blank lines are skipped. When `records` is not NULL it receives a new array of
 * the 1-based record number of each row, blank records counted (the row a spreadsheet shows).
 * Returns NULL on a malformed quote (a quote inside an unquoted field, text after a closing
 * quote, an unclosed quote), a NUL byte or invalid UTF-8, with the 1-based line of the fault in
 * *bad_line. */
json_t *csv_parse(const char *text, size_t len, char sep, size_t *bad_line, json_t **records);

/* The first characters that make a spreadsheet take a cell for a formula (=, +, -, @, TAB, CR). */
#define CSV_FORMULA_STARTS "=+-@\t\r"

/* True when a text cell `text` starts with one of CSV_FORMULA_STARTS. */
bool csv_is_formula_like(const char *text);

/* A cell read back as it was before csv_write neutralised it: `text` without its apostrophe when
 * an apostrophe is followed by one of CSV_FORMULA_STARTS ("'=SUM(A1)" → "=SUM(A1)"); else `text`
 * itself. Points into `text`. */
const char *csv_restored(const char *text);

/* Writes `rows` (an array of objects) as CSV with a header of `columns` and, per row, those
 * members: strings as they are, numbers and booleans in JSON form, null as an empty cell, an
 * array of strings joined by "; " (a cell never holds a JSON array of codes or names), other
 * arrays and objects as compact JSON; a cell holding a comma, quote or line break is quoted. A text
 * cell (not a number) that starts with one of CSV_FORMULA_STARTS is written with a leading
 * apostrophe, so that a spreadsheet shows the text instead of running it: `=HYPERLINK(...)` is
 * written
 * `'=HYPERLINK(...)`. CRLF line ends; `bom` prefixes the UTF-8 byte-order mark (so spreadsheet
 * programs read Vietnamese).
 * Returns a malloc'd NUL-terminated text (caller frees) and its length in *len, or NULL. */
char *csv_write(const json_t *rows, const char *const *columns, size_t ncolumns, bool bom,
                size_t *len);

#endif

/* xlsx_template.c: the measurement entry template's sheet (see xlsx_book_template in xlsx.h):
 * identifying columns locked, the value (or numerator and denominator) and comment columns
 * unlocked and the value cells validated by the indicator's value type, the sheet protected.
 *
 * Ownership: the sheet belongs to the book's workbook; `headers` and `rows` are borrowed for the
 * duration of the call. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "render/xlsx_internal.h"

enum { T_INDICATOR, T_INDICATOR_NAME, T_UNIT, T_UNIT_NAME, T_PERIOD }; /* then the values */

/* Sets the validation of rows 1..nrows of column `c` for `value_type` (numerator and
 * denominator: "ratio"); no validation for a type it does not know. */
static lxw_error validate(lxw_worksheet *ws, lxw_col_t c, size_t nrows, const char *value_type,
                          bool denominator)
{
    char *list[] = {"TRUE", "FALSE", NULL};
    lxw_data_validation v = {.error_type = LXW_VALIDATION_ERROR_TYPE_STOP};
    v.input_title = "Giá trị";
    v.error_title = "Giá trị không hợp lệ";
    if (strcmp(value_type, "boolean") == 0) {
        v.validate = LXW_VALIDATION_TYPE_LIST;
        v.value_list = list;
        v.input_message = "Nhập TRUE (có) hoặc FALSE (không).";
        v.error_message = "Chỉ nhập TRUE (có) hoặc FALSE (không).";
    } else if (strcmp(value_type, "count") == 0 || strcmp(value_type, "ratio") == 0) {
        v.validate = LXW_VALIDATION_TYPE_INTEGER;
        v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        v.value_number = 0;
        if (strcmp(value_type, "count") == 0) {
            v.input_message = "Nhập một số nguyên không âm (0, 1, 2, …).";
        } else {
            v.input_title = denominator ? "Mẫu số" : "Tử số";
            v.input_message = denominator ? "Nhập mẫu số: một số nguyên không âm."
                                          : "Nhập tử số: một số nguyên không âm.";
        }
        v.error_message = "Chỉ nhập số nguyên không âm (0, 1, 2, …).";
    } else if (strcmp(value_type, "percentage") == 0) {
        v.validate = LXW_VALIDATION_TYPE_DECIMAL;
        v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        v.minimum_number = 0;
        v.maximum_number = 100;
        v.input_message = "Nhập tỷ lệ phần trăm từ 0 đến 100, không kèm dấu % (ví dụ 75,5).";
        v.error_message = "Chỉ nhập một số từ 0 đến 100.";
    } else if (strcmp(value_type, "number") == 0) {
        v.validate = LXW_VALIDATION_TYPE_DECIMAL;
        v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        v.minimum_number = -1e300;
        v.maximum_number = 1e300;
        v.input_message = "Nhập một số.";
        v.error_message = "Chỉ nhập một số.";
    } else {
        return LXW_NO_ERROR;
    }
    if (nrows == 0)
        return LXW_NO_ERROR;
    return worksheet_data_validation_range(ws, 1, c, (lxw_row_t)nrows, c, &v);
}

/* A pre-filled value of the template: a boolean, a number or a string, in an unlocked cell (a
 * blank one for null). */
static lxw_error write_value(const xlsx_book *book, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                             const char *value_type, const json_t *v)
{
    double d;
    bool b;
    if (!v || json_is_null(v))
        return worksheet_write_blank(ws, r, c, book->unlocked);
    if (strcmp(value_type, "boolean") == 0 && xlsx_boolean_of(v, &b))
        return worksheet_write_boolean(ws, r, c, b, book->unlocked);
    if (json_is_number(v) || (strcmp(value_type, "boolean") != 0 && xlsx_number_of(v, &d)))
        return worksheet_write_number(ws, r, c, json_is_number(v) ? json_number_value(v) : d,
                                      book->unlocked);
    if (json_is_boolean(v))
        return worksheet_write_boolean(ws, r, c, json_is_true(v), book->unlocked);
    lxw_error err = xlsx_write_text(book, ws, r, c, v, book->unlocked_text);
    return err;
}

bool xlsx_book_template(xlsx_book *book, const char *name, const char *value_type,
                        const char *const *headers, const json_t *rows)
{
    static const char *const plain[] = {"indicator", "indicator_name", "unit",    "unit_name",
                                        "period",    "value",          "comment", "status"};
    static const char *const ratio[] = {"indicator",   "indicator_name", "unit",
                                        "unit_name",   "period",         "numerator",
                                        "denominator", "comment",        "status"};
    if (!value_type)
        value_type = "";
    bool is_ratio = strcmp(value_type, "ratio") == 0;
    const char *const *keys = is_ratio ? ratio : plain;
    size_t ncolumns = is_ratio ? 9 : 8, nvalues = is_ratio ? 2 : 1;
    size_t comment = T_PERIOD + 1 + nvalues, nrows = json_array_size(rows);
    if (nrows >= LXW_ROW_MAX)
        return false;
    lxw_worksheet *ws = xlsx_add_sheet(book, name);
    if (!ws)
        return false;

    const char *captions[9];
    double widths[9];
    for (size_t c = 0; c < ncolumns; c++) {
        captions[c] = headers && headers[c] ? headers[c] : keys[c];
        widths[c] = (double)xlsx_utf8_chars(captions[c]);
    }
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < ncolumns; c++) {
            double w = (double)xlsx_text_chars(json_object_get(json_array_get(rows, r), keys[c]));
            widths[c] = w > widths[c] ? w : widths[c];
        }
    lxw_error err = LXW_NO_ERROR;
    for (size_t c = 0; c < ncolumns && !err; c++) {
        bool editable = c > T_PERIOD && c <= comment;
        lxw_format *f = !editable ? NULL : c == comment ? book->unlocked_text : book->unlocked;
        double w = xlsx_fit((size_t)widths[c], XLSX_WIDTH_MAX);
        err =
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c == comment ? fmax(w, 30) : w, f);
    }
    if (!err)
        err = xlsx_write_header(book, ws, captions, ncolumns, nrows);
    for (size_t v = 0; v < nvalues && !err; v++)
        err = validate(ws, (lxw_col_t)(T_PERIOD + 1 + v), nrows, value_type, v == 1);

    for (size_t r = 0; r < nrows && !err; r++) {
        const json_t *row = json_array_get(rows, r);
        lxw_row_t at = (lxw_row_t)(r + 1);
        for (size_t c = 0; c < ncolumns && !err; c++) {
            const json_t *v = json_object_get(row, keys[c]);
            if (c > T_PERIOD && c < comment)
                err = write_value(book, ws, at, (lxw_col_t)c, value_type, v);
            else if (c == comment && (!v || json_is_null(v)))
                err = worksheet_write_blank(ws, at, (lxw_col_t)c, book->unlocked_text);
            else if (v && !json_is_null(v))
                err = xlsx_write_text(book, ws, at, (lxw_col_t)c, v,
                                      c == comment ? book->unlocked_text : NULL);
        }
    }
    if (!err) {
        lxw_protection protection = {.format_cells = LXW_TRUE,
                                     .format_columns = LXW_TRUE,
                                     .format_rows = LXW_TRUE,
                                     .autofilter = LXW_TRUE};
        worksheet_protect(ws, NULL, &protection);
    }
    return err == LXW_NO_ERROR;
}

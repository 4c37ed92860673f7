/* xlsx_sheet.c: the worksheet of the XLSX reader (see xlsx_internal.h): its <row>s and their
 * <c>s read into rows of values by column, rows and cells checked for order and bounds, the
 * cells counted against max_cells. */
#include <limits.h>
#include <string.h>

#include "domain/xlsx_internal.h"

/* Starts the row the reader is on (a <row> of <sheetData>). */
static xlsx_status begin_row(sheet_reader *s)
{
    if (s->cells) /* a row inside a row (through an element the reader skips) */
        return xlsxr_fail(s->b, XLSX_MALFORMED, "%s has a row inside a row", s->p->name);
    char *r = xlsxr_attr(s->p, "r");
    long n = 0;
    xlsx_status st = XLSX_OK;
    if (r && (!xlsxr_parse_index(r, MAX_ROW, &n) || n < 1)) {
        char shown[CLIP_SIZE];
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has a row numbered \xE2\x80\x9C%s\xE2\x80\x9D",
                        s->p->name, xlsxr_clip(r, shown));
    } else if (r && n <= s->last_row) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has row %ld after row %ld", s->p->name, n,
                        s->last_row);
    } else if (!r && s->last_row >= MAX_ROW) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has more than %d rows", s->p->name, MAX_ROW);
    }
    xmlFree(r);
    if (st != XLSX_OK)
        return st;
    s->row = r ? n : s->last_row + 1;
    s->row_adoptable = !r;
    s->col = 0;
    s->cells = json_array();
    return s->cells ? XLSX_OK : xlsxr_no_memory(s->b);
}

/* Ends the row being read: kept if it has a value. */
static xlsx_status end_row(sheet_reader *s)
{
    json_t *cells = s->cells;
    s->cells = NULL;
    s->last_row = s->row;
    if (json_array_size(cells) == 0) {
        json_decref(cells);
        return XLSX_OK;
    }
    json_t *row = json_object();
    if (!row || json_object_set_new(row, "row", json_integer(s->row)) != 0 ||
        json_object_set_new(row, "cells", cells) != 0 || json_array_append_new(s->rows, row)) {
        json_decref(row);
        return xlsxr_no_memory(s->b);
    }
    return XLSX_OK;
}

/* Maps a cell's t attribute to its type; false for an unknown one. */
static bool parse_cell_type(const char *t, cell_type *type)
{
    static const struct {
        const char *name;
        cell_type type;
    } types[] = {{"n", CELL_NUMBER},        {"s", CELL_SHARED}, {"str", CELL_STRING},
                 {"b", CELL_BOOL},          {"e", CELL_ERROR},  {"d", CELL_DATE},
                 {"inlineStr", CELL_INLINE}};
    *type = CELL_NUMBER;
    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(t, types[i].name) == 0) {
            *type = types[i].type;
            return true;
        }
    }
    return !t;
}

/* Places the cell the reader is on (a <c> of the row): its column, type and style. */
static xlsx_status begin_cell(sheet_reader *s)
{
    char *ref = xlsxr_attr(s->p, "r"), *t = xlsxr_attr(s->p, "t"), *style = xlsxr_attr(s->p, "s");
    char shown[CLIP_SIZE], where[16];
    long col = s->col + 1, row = s->row;
    xlsx_status st = XLSX_OK;
    if (ref && !xlsxr_parse_ref(ref, &col, &row)) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has a cell reference \xE2\x80\x9C%s\xE2\x80\x9D",
                        s->p->name, xlsxr_clip(ref, shown));
    } else if (ref && row != s->row && !(s->row_adoptable && row > s->last_row)) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has cell %s in row %ld", s->p->name,
                        xlsxr_clip(ref, shown), s->row);
    } else if (col <= s->col) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has cell %s out of order", s->p->name,
                        xlsxr_cell_name(col, row, where));
    } else if (col > MAX_COLUMN) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has more than %d columns in row %ld", s->p->name,
                        MAX_COLUMN, s->row);
    } else if (!parse_cell_type(t, &s->type)) {
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "%s has cell %s of an unknown type", s->p->name,
                        xlsxr_cell_name(col, row, where));
    }
    long index;
    s->style = style && xlsxr_parse_index(style, INT_MAX, &index) ? index : -1;
    xmlFree(ref);
    xmlFree(t);
    xmlFree(style);
    if (st != XLSX_OK)
        return st;
    s->row = row;
    s->row_adoptable = false;
    s->cell_col = col;
    s->in_cell = true;
    xlsxr_text_clear(&s->value);
    xlsxr_text_clear(&s->inline_text);
    return XLSX_OK;
}

/* Ends the cell being read: its value goes in its column, nulls before it. */
static xlsx_status end_cell(sheet_reader *s)
{
    xlsx_status st;
    s->in_cell = false;
    s->col = s->cell_col;
    json_t *value = xlsxr_cell_value(s, &st);
    if (!value)
        return st;
    size_t at = json_array_size(s->cells), col = (size_t)s->cell_col;
    if (col - at > s->b->limits->max_cells - s->cells_out) {
        json_decref(value);
        return xlsxr_fail(s->b, XLSX_TOO_LARGE, "the sheet has more than %zu cells",
                          s->b->limits->max_cells);
    }
    s->cells_out += col - at;
    for (; at + 1 < col; at++) {
        if (json_array_append_new(s->cells, json_null()) != 0) {
            json_decref(value);
            return xlsxr_no_memory(s->b);
        }
    }
    return json_array_append_new(s->cells, value) == 0 ? XLSX_OK : xlsxr_no_memory(s->b);
}

/* Acts on the element start or end the reader is on. */
static xlsx_status sheet_element(sheet_reader *s, bool start)
{
    part *p = s->p;
    element_kind parent = xlsxr_kind_at(p, p->depth - 1);
    xlsx_status st = XLSX_OK;
    if (p->kind == K_ROW && parent == K_SHEETDATA) {
        if (start)
            st = begin_row(s);
        if (st == XLSX_OK && (!start || p->empty))
            st = end_row(s);
    } else if (p->kind == K_C && parent == K_ROW && s->cells) {
        if (start)
            st = begin_cell(s);
        if (st == XLSX_OK && (!start || p->empty) && s->in_cell)
            st = end_cell(s);
    }
    return st;
}

/* Reads the worksheet part `name` into s->rows. */
xlsx_status xlsxr_read_sheet(sheet_reader *s, const char *name)
{
    part p;
    bool found, more = true;
    s->p = &p;
    xlsx_status st = xlsxr_part_open(s->b, &p, name, &found);
    if (st == XLSX_OK && !found)
        st = xlsxr_fail(s->b, XLSX_MALFORMED, "the workbook has no %s, where its sheet should be",
                        name);
    while (st == XLSX_OK && (st = xlsxr_part_next(&p, &more)) == XLSX_OK && more) {
        if (p.type == XML_READER_TYPE_ELEMENT || p.type == XML_READER_TYPE_END_ELEMENT) {
            st = sheet_element(s, p.type == XML_READER_TYPE_ELEMENT);
        } else if (s->in_cell && xlsxr_is_text(&p)) {
            if (xlsxr_kind_at(&p, p.depth - 1) == K_V && xlsxr_kind_at(&p, p.depth - 2) == K_C)
                st = xlsxr_append_text(&p, &s->value);
            else if (xlsxr_in_string_text(&p, K_IS))
                st = xlsxr_append_text(&p, &s->inline_text);
        }
    }
    xlsxr_part_close(&p);
    s->p = NULL;
    return st;
}

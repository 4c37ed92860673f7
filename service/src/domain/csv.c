/* csv.c: RFC 4180 parsing and writing (see csv.h). */
#include "domain/csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"

typedef struct {
    char *buf;
    size_t len, cap;
} field_buf;

static bool put(field_buf *f, char c)
{
    if (f->len + 1 >= f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        char *grown = realloc(f->buf, cap);
        if (!grown)
            return false;
        f->buf = grown;
        f->cap = cap;
    }
    f->buf[f->len++] = c;
    return true;
}

/* Appends the field collected in `f` to `row` and empties `f`. */
static bool end_field(json_t *row, field_buf *f)
{
    json_t *s = json_stringn(f->buf ? f->buf : "", f->len);
    f->len = 0;
    return s && json_array_append_new(row, s) == 0;
}

/* Appends `row` to `rows` unless it is one empty field (a blank line), and its record number
 * to `numbers` (when not NULL); counts the record and starts a new row. */
static json_t *end_row(json_t *rows, json_t *row, json_t *numbers, size_t *record)
{
    ++*record;
    if (json_array_size(row) == 1 && json_string_length(json_array_get(row, 0)) == 0) {
        json_decref(row);
    } else {
        json_array_append_new(rows, row);
        if (numbers)
            json_array_append_new(numbers, json_integer((json_int_t)*record));
    }
    return json_array();
}

char csv_separator(const char *text, size_t len)
{
    size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (size_t i = 0; i < len && (quoted || (text[i] != '\n' && text[i] != '\r')); i++) {
        if (text[i] == '"')
            quoted = !quoted;
        else if (!quoted && text[i] == ',')
            commas++;
        else if (!quoted && text[i] == ';')
            semicolons++;
    }
    return semicolons > commas ? ';' : ',';
}

json_t *csv_parse(const char *text, size_t len, char sep, size_t *bad_line, json_t **records)
{
    *bad_line = 0;
    if (records)
        *records = NULL;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (!utf8_valid(text, len) || (len > 0 && memchr(text, '\0', len)))
        return *bad_line = 1, NULL;
    json_t *rows = json_array(), *row = json_array(), *numbers = records ? json_array() : NULL;
    field_buf f = {0};
    size_t line = 1, i = 0, record = 0;
    bool ok = true;
    while (ok && i < len) {
        bool quoted = text[i] == '"';
        if (quoted) {
            i++;
            for (;;) {
                if (i >= len) {
                    ok = false; /* unclosed */
                    break;
                }
                if (text[i] == '"' && i + 1 < len && text[i + 1] == '"') {
                    ok = put(&f, '"');
                    i += 2;
                } else if (text[i] == '"') {
                    i++;
                    break;
                } else {
                    line += text[i] == '\n';
                    ok = put(&f, text[i++]);
                }
                if (!ok)
                    break;
            }
        } else {
            while (ok && i < len && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
                if (text[i] == '"')
                    ok = false; /* a quote inside an unquoted field */
                else
                    ok = put(&f, text[i++]);
            }
        }
        if (!ok)
            break;
        ok = end_field(row, &f);
        if (i >= len)
            break;
        if (text[i] == sep) {
            i++;
            if (i == len)
                ok = end_field(row, &f); /* a trailing comma ends in an empty field */
        } else if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
            i += 2;
            line++;
            row = end_row(rows, row, numbers, &record);
        } else if (text[i] == '\n') {
            i++;
            line++;
            row = end_row(rows, row, numbers, &record);
        } else {
            ok = false; /* text after a closing quote, or a lone CR */
        }
    }
    free(f.buf);
    if (!ok) {
        json_decref(row);
        json_decref(rows);
        json_decref(numbers);
        *bad_line = line;
        return NULL;
    }
    if (json_array_size(row))
        row = end_row(rows, row, numbers, &record); /* the last row had no line break */
    json_decref(row);
    if (records)
        *records = numbers;
    return rows;
}

bool csv_is_formula_like(const char *text)
{
    return text[0] && strchr(CSV_FORMULA_STARTS, text[0]) != NULL;
}

const char *csv_restored(const char *text)
{
    return text[0] == '\'' && csv_is_formula_like(text + 1) ? text + 1 : text;
}

/* Appends `cell` to `f`, quoted when it must be; a text cell (`text`) that a spreadsheet would
 * take for a formula gets a leading apostrophe (OWASP's advice on CSV injection). */
static bool put_cell(field_buf *f, const char *cell, bool text)
{
    bool quote = strpbrk(cell, ",\"\r\n") != NULL;
    bool ok = !quote || put(f, '"');
    if (ok && text && csv_is_formula_like(cell))
        ok = put(f, '\'');
    for (const char *c = cell; ok && *c; c++)
        ok = (*c != '"' || put(f, '"')) && put(f, *c);
    return ok && (!quote || put(f, '"'));
}

static bool put_text(field_buf *f, const char *text)
{
    bool ok = true;
    for (const char *c = text; ok && *c; c++)
        ok = put(f, *c);
    return ok;
}

/* True for an array of strings only (an empty one too). */
static bool strings_only(const json_t *v)
{
    size_t i;
    const json_t *item;
    if (!json_is_array(v))
        return false;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item))
            return false;
    }
    return true;
}

/* The strings of array `v` joined by `sep`. New (malloc), or NULL when out of memory. */
static char *join_strings(const json_t *v, const char *sep)
{
    size_t len = 1, i;
    const json_t *item;
    json_array_foreach(v, i, item)
    {
        len += json_string_length(item) + strlen(sep);
    }
    char *out = malloc(len);
    if (!out)
        return NULL;
    char *end = out;
    json_array_foreach(v, i, item)
    {
        if (i)
            end = stpcpy(end, sep);
        end = stpcpy(end, json_string_value(item));
    }
    *end = '\0';
    return out;
}

char *csv_write(const json_t *rows, const char *const *columns, size_t ncolumns, bool bom,
                size_t *len)
{
    field_buf f = {0};
    bool ok = !bom || put_text(&f, "\xEF\xBB\xBF");
    for (size_t c = 0; ok && c < ncolumns; c++)
        ok = (c == 0 || put(&f, ',')) && put_cell(&f, columns[c], false);
    ok = ok && put_text(&f, "\r\n");
    size_t r;
    json_t *row;
    json_array_foreach(rows, r, row)
    {
        for (size_t c = 0; ok && c < ncolumns; c++) {
            const json_t *v = json_object_get(row, columns[c]);
            ok = c == 0 || put(&f, ',');
            if (!ok || !v || json_is_null(v))
                continue;
            if (json_is_string(v)) {
                ok = put_cell(&f, json_string_value(v), true);
            } else if (strings_only(v)) { /* several agencies: "SLDTBXH; CA" */
                char *text = join_strings(v, "; ");
                ok = text && put_cell(&f, text, true);
                free(text);
            } else { /* numbers stay numbers; other arrays and objects are JSON text */
                char *text = json_serialize(v);
                ok = text && put_cell(&f, text, !json_is_number(v));
                free(text);
            }
        }
        ok = ok && put_text(&f, "\r\n");
    }
    if (!ok || !put(&f, '\0')) {
        free(f.buf);
        return NULL;
    }
    *len = f.len - 1;
    return f.buf;
}

/* measurements_import_http.c: POST /v1/measurements/import (see measurements_import_http.h). */
#include "resources/measurements_import_http.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/csv.h"
#include "domain/period.h"
#include "domain/xlsx.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/measurements_entry_http.h"
#include "resources/measurements_repo.h"

enum { MAX_IMPORT_ROWS = 200000, SHEET_NAME_BYTES = 124 /* 31 characters of up to 4 bytes */ };

static const field_spec import_row_fields[] = {
    V_STRING("indicator", true, 1, 64), V_STRING("unit", true, 1, 5),
    V_STRING("period", true, 1, 11),    V_CUSTOM("value", true, measurement_any_value),
    V_OPT_STRING("comment", 5000),      V_END,
};

static const char *const import_params[] = {"dry_run", "atomic", "sheet", NULL};
static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

typedef struct {
    json_t *conflicts; /* [{"index", "field", "code", "message"}] */
    json_t *places;    /* per row of a CSV or XLSX file, {"row"[, "sheet"]}; empty for JSON */
    long imported, updated, ignored, rejected;
    bool vi; /* the messages in Vietnamese (Accept-Language) */
} import_summary;

/* Records the failures in `err` as conflicts of row `index`, in the language of the summary
 * (s->vi), and resets `err`. */
static void reject(import_summary *s, size_t index, pm_error *err)
{
    size_t i;
    json_t *e;
    json_auto_t *fields = pm_error_fields(err, s->vi);
    s->rejected++;
    json_t *place = json_array_get(s->places, index); /* a CSV's row, or an XLSX's {row, sheet} */
    json_auto_t *row = json_is_integer(place) ? json_pack("{s:O}", "row", place) : NULL;
    if (row)
        place = row;
    json_array_foreach(fields, i, e)
    {
        json_t *c = json_pack("{s:I}", "index", (json_int_t)index);
        json_object_update(c, e);
        if (place)
            json_object_update(c, place);
        json_array_append_new(s->conflicts, c);
    }
    if (!fields) {
        json_t *c = json_pack("{s:I, s:n, s:s, s:s}", "index", (json_int_t)index, "field", "code",
                              "invalid", "message", pm_error_detail(err, s->vi));
        if (place)
            json_object_update(c, place);
        json_array_append_new(s->conflicts, c);
    }
    pm_error_reset(err);
}

/* The rows of a JSON body {"rows": [...]} (a new array). */
static pm_status json_rows(const http_ctx *ctx, json_t **out, pm_error *err)
{
    json_auto_t *body = NULL;
    pm_status st = req_json_body(ctx, &body, err);
    if (st != PM_OK)
        return st;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "rows") != 0)
            return pm_fail_field(err, PM_BAD_REQUEST, key, "unknown_field",
                                 MSG("%.64s is not a field of an import"), key);
    }
    json_t *rows = json_object_get(body, "rows");
    if (!json_is_array(rows))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "rows", "type",
                             MSG("rows must be an array of rows"));
    *out = json_incref(rows);
    return PM_OK;
}

const import_column measurement_import_columns[] = {
    {"indicator", {"indicator", "chi_tieu", "Mã chỉ tiêu"}},
    {"unit", {"unit", "don_vi", "Mã đơn vị"}},
    {"period", {"period", "ky", "Kỳ"}},
    {"value", {"value", "gia_tri", "Giá trị"}},
    {"comment", {"comment", "ghi_chu", "Ghi chú"}},
    {"numerator", {"numerator", "tu_so", "Tử số"}},
    {"denominator", {"denominator", "mau_so", "Mẫu số"}},
    {NULL, {"indicator_name", "ten_chi_tieu", "Tên chỉ tiêu"}},
    {NULL, {"unit_name", "ten_don_vi", "Tên đơn vị"}},
    {NULL, {"status", "trang_thai", "Trạng thái"}},
    {NULL, {NULL, NULL, NULL}},
};

/* The column whose names include the header cell `name` (blanks around it ignored), or NULL. */
static const import_column *column_named(const char *name)
{
    if (!name)
        return NULL;
    size_t len = strlen(name);
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    while (len && (*name == ' ' || *name == '\t')) {
        name++;
        len--;
    }
    for (const import_column *c = measurement_import_columns; c->names[0]; c++)
        for (int n = 0; n < 3; n++)
            if (strlen(c->names[n]) == len && strncasecmp(c->names[n], name, len) == 0)
                return c;
    return NULL;
}

/* A number or text cell as text ("3" for 3.0), for a percentage written as "numerator/denominator".
 * New. */
static char *cell_text(const json_t *cell)
{
    if (json_is_string(cell))
        return strdup(json_string_value(cell));
    if (json_is_integer(cell))
        return g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(cell));
    return json_is_number(cell) ? g_strdup_printf("%.15g", json_number_value(cell)) : strdup("");
}

/* True when `text` is a number written with a decimal comma: digits, a comma, digits, after an
 * optional minus ("12,5", "-0,25"). */
static bool decimal_comma_number(const char *text)
{
    const char *p = text + (*text == '-');
    size_t whole = strspn(p, "0123456789");
    if (whole == 0 || p[whole] != ',')
        return false;
    size_t fraction = strspn(p + whole + 1, "0123456789");
    return fraction > 0 && p[whole + 1 + fraction] == '\0';
}

/* `cell` as a row's value: a text cell neutralised by a CSV writer restored, and for the value
 * of a semicolon-separated file a decimal comma read as a point ("12,5" → "12.5"); a number a
 * sheet holds for a code or a period (30280, 2017) as its text. New. */
static json_t *cell_value(const json_t *cell, bool value, bool decimal_comma)
{
    if (!value && json_is_number(cell)) {
        char *text = cell_text(cell);
        json_t *v = text ? json_string(text) : NULL;
        free(text);
        return v;
    }
    if (!json_is_string(cell))
        return json_incref((json_t *)cell);
    const char *given = json_string_value(cell), *text = csv_restored(given);
    bool comma = decimal_comma && value && decimal_comma_number(text);
    if (!comma)
        return text == given ? json_incref((json_t *)cell) : json_string(text);
    char *point = strdup(text);
    if (!point)
        return NULL;
    *strchr(point, ',') = '.';
    json_t *v = json_string(point);
    free(point);
    return v;
}

/* A row's numerator and denominator cells (a percentage in two columns, as the entry template
 * writes it) joined into its value "numerator/denominator", when it has no value of its own. */
static void join_fraction(json_t *row)
{
    json_t *n = json_object_get(row, "numerator"), *d = json_object_get(row, "denominator");
    if ((n || d) && !json_object_get(row, "value")) {
        char *a = cell_text(n), *b = cell_text(d);
        if (a && b)
            json_object_set_new(row, "value", json_sprintf("%s/%s", a, b));
        free(a);
        free(b);
    }
    json_object_del(row, "numerator");
    json_object_del(row, "denominator");
}

/* The rows of a table (`table`: rows of cells, the first the header naming the columns; `where`:
 * per row, the row a spreadsheet shows, or {"row", "sheet"}) as import rows (a new array of
 * objects), each row's place appended to `places` (aligned with the rows). A row with more cells
 * than the header, or with fewer when `exact_width` (CSV: a sheet leaves out trailing empty
 * cells), is marked for the `columns` conflict; a sheet's row with neither value nor comment (a
 * unit of the template left blank) is no row. A header that names an unknown column, or lacks
 * indicator, unit, period and the value (or its numerator and denominator), is PM_BAD_REQUEST. */
static pm_status table_rows(const json_t *table, const json_t *where, bool exact_width,
                            bool decimal_comma, json_t **out, json_t *places, pm_error *err)
{
    const json_t *header = json_array_get(table, 0);
    size_t columns = json_array_size(header);
    const char *fields[64] = {0};
    if (columns > 64)
        return pm_fail(err, PM_BAD_REQUEST, MSG("An import has at most 64 columns."));
    unsigned seen = 0;
    for (size_t i = 0; i < columns; i++) {
        const char *name = json_string_value(json_array_get(header, i));
        const import_column *c = column_named(name);
        if (!c)
            return pm_fail(err, PM_BAD_REQUEST,
                           MSG("%.64s is not a column of an import: the columns are indicator, "
                               "unit, period, value and comment (or chi_tieu, don_vi, ky, "
                               "gia_tri, ghi_chu, or the entry template's captions)."),
                           name ? name : "(an empty header cell)");
        fields[i] = c->field;
        seen |= 1u << (c - measurement_import_columns);
    }
    const unsigned keys = 0x7, value = 0x8, fraction = 0x60; /* by measurement_import_columns */
    if ((seen & keys) != keys || ((seen & value) == 0 && (seen & fraction) != fraction))
        return pm_fail(err, PM_BAD_REQUEST,
                       MSG("The header must name the columns indicator, unit, period and value "
                           "(comment may follow)."));
    json_t *rows = json_array();
    for (size_t r = 1; r < json_array_size(table); r++) {
        json_t *cells = json_array_get(table, r), *row = json_object();
        for (size_t i = 0; i < json_array_size(cells) && i < columns; i++) {
            json_t *cell = json_array_get(cells, i);
            if (!fields[i] || json_is_null(cell) ||
                (strcmp(fields[i], "comment") == 0 && json_string_length(cell) == 0 &&
                 json_is_string(cell)))
                continue; /* a column read by no field, an empty cell, no comment */
            json_object_set_new(row, fields[i],
                                cell_value(cell, strcmp(fields[i], "value") == 0, decimal_comma));
        }
        join_fraction(row);
        if (!exact_width && !json_object_get(row, "value") && !json_object_get(row, "comment")) {
            json_decref(row); /* a sheet's row left blank, as the template's instructions allow */
            continue;
        }
        if (json_array_size(cells) > columns || (exact_width && json_array_size(cells) != columns))
            json_object_set_new(row, "_cells", json_integer((json_int_t)json_array_size(cells)));
        json_array_append_new(rows, row);
        json_array_append(places, json_array_get(where, r));
    }
    *out = rows;
    return PM_OK;
}

/* The rows of a CSV body (its separator, ',' or ';', from the header line; a ';' file may write
 * decimal commas), with the spreadsheet row of each in `places`. */
static pm_status csv_rows(const http_ctx *ctx, json_t **out, json_t *places, pm_error *err)
{
    size_t bad_line;
    const char *body = ctx->req->binary_body;
    size_t len = ctx->req->binary_body_length;
    char sep = csv_separator(body, len);
    json_auto_t *records = NULL;
    json_auto_t *table = csv_parse(body, len, sep, &bad_line, &records);
    if (!table)
        return pm_fail(err, PM_BAD_REQUEST, MSG("The CSV body is malformed at line %zu."),
                       bad_line);
    return table_rows(table, records, true, sep == ';', out, places, err);
}

/* The rows of an XLSX body: its first worksheet, or the one `?sheet=` names, read with the limits
 * against hostile files (domain/xlsx.h); each row's place is its sheet and row. */
static pm_status xlsx_rows(const http_ctx *ctx, const char *sheet, json_t **out, json_t *places,
                           pm_error *err)
{
    char why[160];
    json_auto_t *sheet_rows = NULL;
    char *name = NULL;
    xlsx_status xs = xlsx_read(ctx->req->binary_body, ctx->req->binary_body_length, NULL, sheet,
                               &sheet_rows, &name, why, sizeof why);
    if (xs == XLSX_TOO_LARGE)
        return pm_fail(err, PM_PAYLOAD_TOO_LARGE, MSG("The workbook is refused: %s."), why);
    if (xs == XLSX_NO_MEMORY)
        return pm_fail(err, PM_INTERNAL, MSG("The import is too large to prepare."));
    if (xs == XLSX_NO_SHEET && sheet)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "sheet", "unknown",
                             MSG("The workbook has no sheet of that name."));
    if (xs != XLSX_OK)
        return pm_fail(err, PM_BAD_REQUEST, MSG("The workbook is refused: %s."), why);
    json_auto_t *table = json_array(), *where = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(sheet_rows, i, r)
    {
        json_array_append(table, json_object_get(r, "cells"));
        json_array_append_new(
            where, json_pack("{s:O, s:s}", "row", json_object_get(r, "row"), "sheet", name));
    }
    free(name);
    return table_rows(table, where, false, false, out, places, err);
}

/* Fails with PM_VALIDATION_FAILED when an earlier row of the import names the same measurement
 * (indicator, unit, period); otherwise remembers row `i` in `seen`. */
static pm_status check_repeat(json_t *seen, const json_t *row, const period *p, size_t i,
                              pm_error *err)
{
    char key[256];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s", json_member_string(row, "indicator"),
             json_member_string(row, "unit"), p->id);
    json_t *first = json_object_get(seen, key);
    if (first)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "row", "duplicate",
                             MSG("the row names the measurement of row %lld again"),
                             (long long)json_integer_value(first));
    json_object_set_new(seen, key, json_integer((json_int_t)i));
    return PM_OK;
}

/* Checks the shape of every row and parses its period; a row that fails, or names a measurement
 * an earlier row names, is rejected and left out of `keys` (the rows to classify: {"i",
 * "indicator", "unit", "period", "period_start", "period_end"}). */
static void check_rows(const http_ctx *ctx, json_t *rows, period *periods, json_t *keys,
                       import_summary *s)
{
    size_t i;
    json_t *row;
    json_auto_t *seen = json_object();
    json_array_foreach(rows, i, row)
    {
        pm_error err = {0};
        char start[11], end[11];
        if (!json_is_object(row))
            pm_fail_field(&err, PM_VALIDATION_FAILED, "row", "type",
                          MSG("a row must be an object"));
        else if (json_object_get(row, "_cells"))
            pm_fail_field(&err, PM_VALIDATION_FAILED, "row", "columns",
                          MSG("a row must have as many cells as the header"));
        else if (validate_body(row, import_row_fields, VALIDATE_CREATE, &err) == PM_OK &&
                 measurement_parse_period(ctx, row, &periods[i], &err) == PM_OK &&
                 check_repeat(seen, row, &periods[i], i, &err) == PM_OK) {
            period_date_text(periods[i].start, start);
            period_date_text(periods[i].end, end);
            json_array_append_new(keys,
                                  json_pack("{s:I, s:O, s:O, s:s, s:s, s:s}", "i", (json_int_t)i,
                                            "indicator", json_object_get(row, "indicator"), "unit",
                                            json_object_get(row, "unit"), "period", periods[i].id,
                                            "period_start", start, "period_end", end));
            continue;
        }
        reject(s, i, &err);
    }
}

/* True when the prepared `row` has the value and comment the existing measurement (`c`, a
 * classified row) has. */
static bool unchanged(const json_t *row, const json_t *c)
{
    static const char *const columns[] = {"value_bool", "value_num",   "value_text",
                                          "numerator",  "denominator", "comment"};
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        const json_t *a = json_object_get(row, columns[i]);
        const json_t *b = json_object_get(c, columns[i]);
        bool same = json_is_number(a) && json_is_number(b)
                        ? json_number_value(a) == json_number_value(b)
                        : json_equal(a ? a : json_null(), b ? b : json_null());
        if (!same)
            return false;
    }
    return true;
}

pm_status measurements_import(http_ctx *ctx, pm_error *err)
{
    PGconn *db;
    json_auto_t *rows = NULL, *keys = json_array(), *classified = NULL, *writes = json_array(),
                *summary = NULL, *ids = json_array();
    import_summary s = {
        .conflicts = json_array(), .places = json_array(), .vi = req_wants_vietnamese(ctx)};
    bool dry_run = false, atomic = true;
    period *periods = NULL;
    const char *type = req_header(ctx, "Content-Type"), *sheet = NULL;
    bool csv = type && strncasecmp(type, "text/csv", 8) == 0;
    bool xlsx = type && strncasecmp(type, xlsx_type, sizeof xlsx_type - 1) == 0;
    bool tabular = csv || xlsx; /* values may come as text, to be read by the value type */
    pm_status st;
    if ((st = req_check_query(ctx, import_params, err)) ||
        (st = req_query_bool(ctx, "dry_run", &dry_run, err)) ||
        (st = req_query_bool(ctx, "atomic", &atomic, err)) ||
        (st = req_query_text(ctx, "sheet", SHEET_NAME_BYTES, &sheet, err)) ||
        (st = csv    ? csv_rows(ctx, &rows, s.places, err)
              : xlsx ? xlsx_rows(ctx, sheet, &rows, s.places, err)
                     : json_rows(ctx, &rows, err)))
        goto out;
    if (json_array_size(rows) > MAX_IMPORT_ROWS) {
        st = pm_fail_field(err, PM_VALIDATION_FAILED, "rows", "length",
                           MSG("An import has at most %d rows."), MAX_IMPORT_ROWS);
        goto out;
    }
    periods = calloc(json_array_size(rows) + 1, sizeof *periods);
    if (!periods) {
        st = pm_fail(err, PM_INTERNAL, MSG("The import is too large to prepare."));
        goto out;
    }
    check_rows(ctx, rows, periods, keys, &s);
    if ((st = ctx_begin(ctx, "import", &db, err)) ||
        (st = measurement_repo_classify(db, keys, ctx->who.agency, &classified, err)))
        goto out;
    size_t k;
    json_t *c;
    json_array_foreach(classified, k, c)
    {
        size_t i = (size_t)json_integer_value(json_object_get(c, "i"));
        json_t *in = json_array_get(rows, i), *row = NULL;
        pm_error row_err = {0};
        if (tabular && measurement_check_entry(ctx, c, &periods[i], &row_err) == PM_OK &&
            json_is_string(json_object_get(in, "value"))) {
            json_t *value = measurement_value_from_text(json_member_string(c, "value_type"),
                                                        json_member_string(in, "value"));
            if (value)
                json_object_set_new(in, "value", value);
        }
        if (row_err.status == PM_OK && !tabular)
            measurement_check_entry(ctx, c, &periods[i], &row_err);
        if (row_err.status == PM_OK)
            measurement_make_row(in, &periods[i], json_member_string(c, "value_type"), &row,
                                 &row_err);
        const char *existing = json_member_string(c, "status");
        if (row_err.status == PM_OK && existing && unchanged(row, c)) {
            s.ignored++; /* even when approved: it asks for no change */
            json_decref(row);
            continue;
        }
        if (row_err.status == PM_OK && existing && strcmp(existing, "approved") == 0)
            pm_fail_field(&row_err, PM_CONFLICT, "value", "locked",
                          MSG("The measurement is approved and locked."));
        if (row_err.status != PM_OK) {
            json_decref(row);
            reject(&s, i, &row_err);
            continue;
        }
        if (existing)
            s.updated++;
        else
            s.imported++;
        json_array_append_new(writes, row);
    }
    bool refused = atomic && s.rejected > 0;
    if (!dry_run && !refused && json_array_size(writes) &&
        (st = measurement_repo_import(db, writes, ctx->who.username, ctx->who.agency, ids, err)))
        goto out;
    if (refused)
        s.imported = s.updated = s.ignored = 0;
    summary = json_pack("{s:s, s:{s:I, s:I, s:I, s:I}, s:O, s:b}", "status",
                        s.rejected == 0                                          ? "ok"
                        : (refused || s.rejected == (long)json_array_size(rows)) ? "rejected"
                                                                                 : "partial",
                        "counts", "imported", (json_int_t)s.imported, "updated",
                        (json_int_t)s.updated, "ignored", (json_int_t)s.ignored, "rejected",
                        (json_int_t)s.rejected, "conflicts", s.conflicts, "dry_run", dry_run);
    if (json_array_size(ids)) { /* it wrote: the import is a resource of its own */
        char id[24];
        if ((st = measurement_repo_record_import(db, ctx->who.username, ctx->who.agency,
                                                 csv    ? "csv"
                                                 : xlsx ? "xlsx"
                                                        : "json",
                                                 summary, ids, id, err)))
            goto out;
        json_object_set_new(summary, "import", json_integer(strtoll(id, NULL, 10)));
    }
    if (!dry_run && !refused && (st = ctx_commit(ctx, err)))
        goto out;
    reply_json(ctx, refused && !dry_run ? 422 : 200, summary, "application/json");
out:
    free(periods);
    json_decref(s.conflicts);
    json_decref(s.places);
    return st;
}

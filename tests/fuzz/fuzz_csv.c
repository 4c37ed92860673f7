/* fuzz_csv: the CSV bulk import of measurements — csv_parse (service/src/domain/csv.c), the
 * import's header and row reading (csv_rows, in service/src/resources/measurements_import_http.c,
 * included here for its static functions) and cell values (measurement_value_from_text and
 * measurement_put_value, resources/measurements_entry_http.c) — and csv_write, which writes the
 * reports' CSV.
 * Input: the request body.
 * Invariants: a parse gives rows of 1+ strings (no blank rows) or fails with a line >= 1;
 * writing the parsed rows and parsing the text again gives the same rows (padded to the widest
 * row, as the writer writes every column), a cell a spreadsheet would take for a formula coming
 * back with the apostrophe the writer puts before it; the byte-order-mark form writes the same
 * bytes after the mark; csv_rows gives objects of the header's columns, each with its row as a
 * spreadsheet shows it, or a 400. */
#include "resources/measurements_import_http.c"

#include "jsonutil.h"
#include "fuzz_common.h"

enum { MAX_COLUMNS = 64 };

static void round_trip(const json_t *rows)
{
    size_t width = 0, r;
    json_t *row;
    json_array_foreach(rows, r, row)
    {
        if (json_array_size(row) > width)
            width = json_array_size(row);
    }
    if (width == 0 || width > MAX_COLUMNS)
        return;
    char names[MAX_COLUMNS][8];
    const char *columns[MAX_COLUMNS];
    for (size_t c = 0; c < width; c++) {
        snprintf(names[c], sizeof names[c], "c%zu", c);
        columns[c] = names[c];
    }
    json_t *objects = json_array();
    json_array_foreach(rows, r, row)
    {
        json_t *o = json_object();
        for (size_t c = 0; c < json_array_size(row); c++)
            json_object_set(o, columns[c], json_array_get(row, c));
        json_array_append_new(objects, o);
    }
    size_t len = 0, bom_len = 0;
    char *text = csv_write(objects, columns, width, false, &len);
    char *bom = csv_write(objects, columns, width, true, &bom_len);
    CHECK(text != NULL && bom != NULL);
    CHECK(strlen(text) == len);
    CHECK(bom_len == len + 3 && memcmp(bom, "\xEF\xBB\xBF", 3) == 0 &&
          memcmp(bom + 3, text, len) == 0);
    size_t bad = 0;
    json_t *again = csv_parse(text, len, ',', &bad, NULL);
    CHECK(again != NULL);
    CHECK(json_array_size(again) == json_array_size(rows) + 1); /* + the header */
    json_array_foreach(rows, r, row)
    {
        json_t *back = json_array_get(again, r + 1);
        CHECK(json_array_size(back) == width);
        for (size_t c = 0; c < width; c++) {
            json_t *cell = json_array_get(row, c);
            const char *want = cell ? json_string_value(cell) : "";
            const char *got = json_string_value(json_array_get(back, c));
            if (csv_is_formula_like(want)) /* neutralised: never a formula in a spreadsheet */
                CHECK(got[0] == '\'' && strcmp(got + 1, want) == 0);
            else
                CHECK(strcmp(got, want) == 0);
        }
    }
    json_decref(again);
    free(text);
    free(bom);
    json_decref(objects);
}

static void import_rows(const uint8_t *data, size_t size)
{
    struct _u_request req = {.binary_body = (void *)data, .binary_body_length = size};
    http_ctx ctx = {.req = &req};
    pm_error err = {0};
    json_t *rows = NULL, *places = json_array();
    pm_status st = csv_rows(&ctx, &rows, places, &err);
    if (st != PM_OK) {
        CHECK(st == PM_BAD_REQUEST && rows == NULL && err.detail[0]);
        pm_error_reset(&err);
        json_decref(places);
        return;
    }
    CHECK(json_array_size(places) == json_array_size(rows)); /* each row knows its place */
    size_t p;
    json_t *place;
    json_array_foreach(places, p, place)
    {
        CHECK(json_integer_value(place) >= 2); /* below the header */
    }
    json_decref(places);
    static const char *const types[] = {"boolean", "count", "number", "percentage", "text"};
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        CHECK(json_is_object(row));
        const char *value = json_member_string(row, "value");
        for (size_t t = 0; value && t < sizeof types / sizeof types[0]; t++) {
            json_t *v = measurement_value_from_text(types[t], value);
            if (v) {
                json_t *out = json_object();
                pm_error e = {0};
                measurement_put_value(out, types[t], v, &e); /* accepted or 422, never a crash */
                pm_error_reset(&e);
                json_decref(out);
            }
            json_decref(v);
        }
        pm_error e = {0};
        validate_body(row, import_row_fields, VALIDATE_CREATE, &e);
        pm_error_reset(&e);
    }
    json_decref(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bad = 0;
    char sep = csv_separator((const char *)data, size);
    CHECK(sep == ',' || sep == ';');
    json_t *records = NULL;
    json_t *rows = csv_parse((const char *)data, size, sep, &bad, &records);
    if (!rows) {
        CHECK(bad >= 1 && records == NULL);
    } else {
        CHECK(bad == 0 && json_array_size(records) == json_array_size(rows));
        for (size_t r = 1; r < json_array_size(records); r++) /* records only move forward */
            CHECK(json_integer_value(json_array_get(records, r)) >
                  json_integer_value(json_array_get(records, r - 1)));
        json_decref(records);
        size_t r;
        json_t *row;
        json_array_foreach(rows, r, row)
        {
            CHECK(json_is_array(row) && json_array_size(row) >= 1);
            CHECK(json_array_size(row) > 1 || json_string_length(json_array_get(row, 0)) > 0);
            for (size_t c = 0; c < json_array_size(row); c++)
                CHECK(json_is_string(json_array_get(row, c)));
        }
        round_trip(rows);
        json_decref(rows);
    }
    import_rows(data, size);
    return 0;
}

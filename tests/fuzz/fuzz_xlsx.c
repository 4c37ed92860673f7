/* fuzz_xlsx: the XLSX import — xlsx_read (service/src/domain/xlsx.c): libzip over the upload,
 * the workbook's relationships, shared strings, styles and the worksheet through libxml2
 * readers.
 * Input: an uploaded file. One that starts with "PK" is read as it is (the zip layer is fuzzed);
 * any other is a bundle of parts, "== NAME\n" then the part's text up to the next "\n== ", packed
 * here into a stored zip with right CRCs (so mutations reach the XML). Text before the first
 * "== " line is xl/worksheets/sheet1.xml; xl/workbook.xml and its relationships are added for
 * Sheet1 unless the bundle has its own.
 * Invariants: a failure leaves no rows and no name and says why in non-empty UTF-8 (also cut to
 * a few bytes); it is never XLSX_NO_MEMORY. A success gives the sheet's UTF-8 name and rows
 * {"row": 1..1048576, strictly increasing, "cells": 1..16384 values, the last not null}, every
 * value a non-empty string, a number, a boolean or null, within max_cells in all; reading the
 * sheet again by that name gives the same rows. */
#include "domain/xlsx.h"

#include "fuzz_common.h"

enum { MAX_PARTS = 16 };

static const xlsx_limits fuzz_limits = {
    .max_entries = 64,
    .max_part_bytes = 1 << 20,
    .max_total_bytes = 4 << 20,
    .max_ratio = 200,
    .max_depth = 64,
    .max_cells = 100000,
};

static const char WORKBOOK[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

typedef struct {
    char name[128];
    const uint8_t *data;
    size_t len;
} bundle_part;

typedef struct {
    uint8_t *data;
    size_t len, cap;
} out_buf;

/* Appends `n` bytes to `o`. */
static void put(out_buf *o, const void *data, size_t n)
{
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2 + 256;
        o->data = realloc(o->data, o->cap);
        CHECK(o->data != NULL);
    }
    if (n)
        memcpy(o->data + o->len, data, n);
    o->len += n;
}

/* Appends the `size`-byte (at most 8) little-endian number `v`. */
static void put_le(out_buf *o, uint64_t v, int size)
{
    uint8_t le[8];
    for (int i = 0; i < size; i++)
        le[i] = (uint8_t)(v >> (8 * i));
    put(o, le, (size_t)size);
}

/* CRC-32 (zip's) of `n` bytes. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t crc = ~0u;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = crc >> 1 ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

/* A stored zip of the `n` parts. */
static uint8_t *pack(const bundle_part *parts, size_t n, size_t *len)
{
    out_buf o = {0};
    uint32_t offsets[MAX_PARTS], crcs[MAX_PARTS];
    for (size_t i = 0; i < n; i++) {
        const bundle_part *p = &parts[i];
        offsets[i] = (uint32_t)o.len;
        crcs[i] = crc32_of(p->data, p->len);
        put_le(&o, 0x04034b50, 4);
        put_le(&o, 20, 2);
        put_le(&o, 0, 2 + 2 + 4); /* flags, stored, time and date */
        put_le(&o, crcs[i], 4);
        put_le(&o, (uint32_t)p->len, 4);
        put_le(&o, (uint32_t)p->len, 4);
        put_le(&o, (uint32_t)strlen(p->name), 2);
        put_le(&o, 0, 2);
        put(&o, p->name, strlen(p->name));
        put(&o, p->data, p->len);
    }
    uint32_t cd = (uint32_t)o.len;
    for (size_t i = 0; i < n; i++) {
        const bundle_part *p = &parts[i];
        put_le(&o, 0x02014b50, 4);
        put_le(&o, 20, 2);
        put_le(&o, 20, 2);
        put_le(&o, 0, 2 + 2 + 4);
        put_le(&o, crcs[i], 4);
        put_le(&o, (uint32_t)p->len, 4);
        put_le(&o, (uint32_t)p->len, 4);
        put_le(&o, (uint32_t)strlen(p->name), 2);
        put_le(&o, 0, 2 + 2 + 2 + 2); /* extra, comment, disk, internal attributes */
        put_le(&o, 0, 4);             /* external attributes */
        put_le(&o, offsets[i], 4);
        put(&o, p->name, strlen(p->name));
    }
    uint32_t cd_size = (uint32_t)o.len - cd;
    put_le(&o, 0x06054b50, 4);
    put_le(&o, 0, 4);
    put_le(&o, (uint32_t)n, 2);
    put_le(&o, (uint32_t)n, 2);
    put_le(&o, cd_size, 4);
    put_le(&o, cd, 4);
    put_le(&o, 0, 2);
    *len = o.len;
    return o.data;
}

/* Whether the bundle already has the part `name`. */
static int has_part(const bundle_part *parts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(parts[i].name, name) == 0)
            return 1;
    }
    return 0;
}

/* Splits a bundle into parts (see the header) and packs them. */
static uint8_t *unbundle(const uint8_t *data, size_t size, size_t *len)
{
    bundle_part parts[MAX_PARTS];
    size_t n = 0, at = 0;
    const char *text = (const char *)data;
    while (at <= size && n < MAX_PARTS - 2) {
        bundle_part *p = &parts[n];
        snprintf(p->name, sizeof p->name, "xl/worksheets/sheet1.xml");
        if (size - at >= 3 && memcmp(text + at, "== ", 3) == 0) {
            const char *eol = memchr(text + at + 3, '\n', size - at - 3);
            size_t name_len = eol ? (size_t)(eol - (text + at + 3)) : size - at - 3;
            snprintf(p->name, sizeof p->name, "%.*s", (int)(name_len < 127 ? name_len : 127),
                     text + at + 3);
            at += 3 + name_len + (eol ? 1 : 0);
        }
        const char *next = at < size ? memmem(text + at, size - at, "\n== ", 4) : NULL;
        size_t end = next ? (size_t)(next - text) : size;
        p->data = data + at;
        p->len = end - at;
        n++;
        if (!next)
            break;
        at = end + 1;
    }
    if (!has_part(parts, n, "xl/workbook.xml"))
        parts[n++] = (bundle_part){"xl/workbook.xml", (const uint8_t *)WORKBOOK, strlen(WORKBOOK)};
    if (!has_part(parts, n, "xl/_rels/workbook.xml.rels"))
        parts[n++] =
            (bundle_part){"xl/_rels/workbook.xml.rels", (const uint8_t *)RELS, strlen(RELS)};
    return pack(parts, n, len);
}

/* Whether `s` is valid UTF-8 (jansson takes only that). */
static int utf8(const char *s)
{
    json_t *j = json_string(s);
    json_decref(j);
    return j != NULL;
}

/* Checks the shape of the rows of a successful read. */
static void check_rows(const json_t *rows)
{
    CHECK(json_is_array(rows));
    size_t i, cells = 0;
    json_int_t last = 0;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        CHECK(json_is_object(row) && json_object_size(row) == 2);
        json_t *number = json_object_get(row, "row"), *values = json_object_get(row, "cells");
        CHECK(json_is_integer(number));
        json_int_t r = json_integer_value(number);
        CHECK(r > last && r <= 1048576);
        last = r;
        size_t n = json_array_size(values);
        CHECK(json_is_array(values) && n >= 1 && n <= 16384);
        CHECK(!json_is_null(json_array_get(values, n - 1)));
        cells += n;
        for (size_t c = 0; c < n; c++) {
            json_t *v = json_array_get(values, c);
            CHECK(json_is_null(v) || json_is_boolean(v) || json_is_number(v) ||
                  (json_is_string(v) && json_string_length(v) > 0));
        }
    }
    CHECK(cells <= fuzz_limits.max_cells);
}

/* Reads `book` and checks every invariant. */
static void read_and_check(const uint8_t *book, size_t len)
{
    json_t *rows = NULL;
    char *name = NULL, why[256];
    xlsx_status st = xlsx_read(book, len, &fuzz_limits, NULL, &rows, &name, why, sizeof why);
    CHECK(st >= XLSX_OK && st < XLSX_NO_MEMORY);
    if (st != XLSX_OK) {
        CHECK(rows == NULL && name == NULL);
        CHECK(why[0] != '\0' && utf8(why));
        char small[7];
        CHECK(xlsx_read(book, len, &fuzz_limits, NULL, &rows, &name, small, sizeof small) == st);
        CHECK(rows == NULL && name == NULL && utf8(small));
        return;
    }
    CHECK(name != NULL && utf8(name));
    check_rows(rows);
    json_t *again = NULL;
    char *again_name = NULL;
    CHECK(xlsx_read(book, len, &fuzz_limits, name, &again, &again_name, why, sizeof why) ==
          XLSX_OK);
    CHECK(strcmp(again_name, name) == 0 && json_equal(again, rows));
    json_decref(again);
    free(again_name);
    json_decref(rows);
    free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        read_and_check(data, size);
        return 0;
    }
    size_t len;
    uint8_t *book = unbundle(data, size, &len);
    read_and_check(book, len);
    free(book);
    return 0;
}

/* Unit tests: reading XLSX workbooks (service/src/domain/xlsx.c). The fixtures are in
 * tests/unit/xlsx/ (XLSX_FIXTURE_DIR, or the environment variable of that name): written by
 * openpyxl and by hand as Excel writes (make_fixtures.py there). The libxlsxwriter workbooks and
 * every hostile file (zip bombs, 100,000 entries, DTDs, deep nesting, truncation, a DOCX) are
 * built here at run time, in memory, with a small zip writer of our own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "domain/xlsx.h"

#ifndef XLSX_FIXTURE_DIR
#define XLSX_FIXTURE_DIR "tests/unit/xlsx"
#endif

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define PKG_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define MIB ((uint64_t)1 << 20)

/* ---- a growing byte buffer and a small zip writer ---------------------------------------- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
} bytes;

/* Appends `n` bytes to `b`. */
static void put(bytes *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        assert_non_null(b->data);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

/* Appends the `size`-byte little-endian number `v`. */
static void put_le(bytes *b, uint64_t v, int size)
{
    unsigned char le[8];
    for (int i = 0; i < size; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    put(b, le, (size_t)size);
}

/* CRC-32 (zip's) of `n` bytes continuing `crc`. */
static uint32_t crc32_update(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = crc >> 1 ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

typedef struct {
    char name[64];
    uint16_t method;
    uint32_t crc;
    uint64_t csize, usize, offset;
} zip_entry;

typedef struct {
    bytes out;
    zip_entry *entries;
    size_t count, cap;
} zip_writer;

/* Adds an entry of `clen` bytes already compressed by `method` (0 stored, 8 deflated) that the
 * headers say unpack to `usize` bytes of CRC `crc` (trusted as given: a test may lie). */
static void zip_add_raw(zip_writer *z, const char *name, uint16_t method, const void *data,
                        size_t clen, uint64_t usize, uint32_t crc)
{
    if (z->count == z->cap) {
        z->cap = z->cap ? 2 * z->cap : 16;
        z->entries = realloc(z->entries, z->cap * sizeof *z->entries);
        assert_non_null(z->entries);
    }
    zip_entry *e = &z->entries[z->count++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->method = method;
    e->crc = crc;
    e->csize = clen;
    e->usize = usize;
    e->offset = z->out.len;
    put_le(&z->out, 0x04034b50, 4);
    put_le(&z->out, 20, 2);
    put_le(&z->out, 0, 2);
    put_le(&z->out, method, 2);
    put_le(&z->out, 0, 4); /* time, date */
    put_le(&z->out, crc, 4);
    put_le(&z->out, clen, 4);
    put_le(&z->out, usize, 4);
    put_le(&z->out, strlen(e->name), 2);
    put_le(&z->out, 0, 2);
    put(&z->out, e->name, strlen(e->name));
    put(&z->out, data, clen);
}

/* Adds `text` as a stored entry. */
static void zip_add(zip_writer *z, const char *name, const char *text)
{
    size_t n = strlen(text);
    zip_add_raw(z, name, 0, text, n, n, crc32_update(0, text, n));
}

/* Writes the central directory (with zip64 end records past 65,535 entries); returns the zip. */
static unsigned char *zip_finish(zip_writer *z, size_t *len)
{
    uint64_t cd = z->out.len;
    for (size_t i = 0; i < z->count; i++) {
        zip_entry *e = &z->entries[i];
        put_le(&z->out, 0x02014b50, 4);
        put_le(&z->out, 20, 2);
        put_le(&z->out, 20, 2);
        put_le(&z->out, 0, 2);
        put_le(&z->out, e->method, 2);
        put_le(&z->out, 0, 4);
        put_le(&z->out, e->crc, 4);
        put_le(&z->out, e->csize, 4);
        put_le(&z->out, e->usize, 4);
        put_le(&z->out, strlen(e->name), 2);
        put_le(&z->out, 0, 2 + 2 + 2 + 2); /* extra, comment, disk, internal attributes */
        put_le(&z->out, 0, 4);
        put_le(&z->out, e->offset, 4);
        put(&z->out, e->name, strlen(e->name));
    }
    uint64_t cd_size = z->out.len - cd, count = z->count;
    if (count > 0xFFFF) {
        uint64_t at = z->out.len;
        put_le(&z->out, 0x06064b50, 4);
        put_le(&z->out, 44, 8);
        put_le(&z->out, 45, 2);
        put_le(&z->out, 45, 2);
        put_le(&z->out, 0, 8); /* disks */
        put_le(&z->out, count, 8);
        put_le(&z->out, count, 8);
        put_le(&z->out, cd_size, 8);
        put_le(&z->out, cd, 8);
        put_le(&z->out, 0x07064b50, 4);
        put_le(&z->out, 0, 4);
        put_le(&z->out, at, 8);
        put_le(&z->out, 1, 4);
        count = 0xFFFF;
    }
    put_le(&z->out, 0x06054b50, 4);
    put_le(&z->out, 0, 4);
    put_le(&z->out, count, 2);
    put_le(&z->out, count, 2);
    put_le(&z->out, cd_size, 4);
    put_le(&z->out, cd, 4);
    put_le(&z->out, 0, 2);
    free(z->entries);
    *len = z->out.len;
    return z->out.data;
}

/* ---- a deflate stream that costs 2 bits per 258 bytes ------------------------------------ */

typedef struct {
    unsigned char *buf; /* zeroed: skipping bits writes zeros */
    uint64_t bit;
} bit_writer;

/* Writes the `n` low bits of `v`, least significant first. */
static void put_bits(bit_writer *w, uint32_t v, int n)
{
    for (int i = 0; i < n; i++, w->bit++)
        w->buf[w->bit >> 3] |= (unsigned char)(((v >> i) & 1) << (w->bit & 7));
}

/* Writes a Huffman code of `n` bits, most significant first. */
static void put_code(bit_writer *w, uint32_t code, int n)
{
    for (int i = n - 1; i >= 0; i--)
        put_bits(w, code >> i, 1);
}

/* A stored block of `text`. */
static void stored_block(bit_writer *w, const char *text, int final)
{
    size_t n = strlen(text);
    put_bits(w, (uint32_t) final, 1);
    put_bits(w, 0, 2);
    w->bit = (w->bit + 7) & ~(uint64_t)7;
    unsigned char *p = w->buf + (w->bit >> 3);
    p[0] = (unsigned char)n, p[1] = (unsigned char)(n >> 8);
    p[2] = (unsigned char)~n, p[3] = (unsigned char)(~n >> 8);
    memcpy(p + 4, text, n);
    w->bit += 8 * (4 + n);
}

/* A run of `n` zero code lengths, with code 18 (11 to 138 zeros) only. */
static void zero_lengths(bit_writer *w, int n)
{
    while (n > 0) {
        int chunk = n > 138 ? 138 : n;
        if (n - chunk > 0 && n - chunk < 11)
            chunk = n - 11;
        assert_true(chunk >= 11);
        put_code(w, 0, 1); /* symbol 18 */
        put_bits(w, (uint32_t)(chunk - 11), 7);
        n -= chunk;
    }
}

/* Raw deflate of `prefix`, `n` bytes `fill` (0 or ' ') and `suffix`: the fill is one
 * dynamic-Huffman block in which the length 258 (symbol 285) and the distance 1 have 1-bit codes
 * "0", so each 258 bytes costs 2 zero bits (a ratio near 1,000). *clen is its size. */
static unsigned char *deflate_fill(const char *prefix, uint64_t n, unsigned char fill,
                                   const char *suffix, size_t *clen)
{
    assert_true(fill == 0 || fill == ' ');
    size_t cap = strlen(prefix) + strlen(suffix) + n / 1024 + 4096;
    bit_writer w = {calloc(1, cap), 0};
    assert_non_null(w.buf);
    stored_block(&w, prefix, 0);
    if (n > 0) {
        put_bits(&w, 0, 1);
        put_bits(&w, 2, 2);  /* dynamic Huffman */
        put_bits(&w, 29, 5); /* 286 literal/length codes */
        put_bits(&w, 0, 5);  /* 1 distance code */
        put_bits(&w, 14, 4); /* 18 code length codes */
        static const int order[18] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
        for (int i = 0; i < 18; i++)
            put_bits(&w, order[i] == 18 ? 1 : (order[i] == 1 || order[i] == 2) ? 2 : 0, 3);
        /* code length codes: 18 is "0", 1 is "10", 2 is "11" */
        zero_lengths(&w, fill);
        put_code(&w, 3, 2); /* `fill`: length 2 */
        zero_lengths(&w, 255 - fill);
        put_code(&w, 3, 2); /* 256, end of block: length 2 */
        zero_lengths(&w, 28);
        put_code(&w, 2, 2); /* 285: length 1 */
        put_code(&w, 2, 2); /* distance 0: length 1 */
        /* codes: 285 "0", `fill` "10", 256 "11"; distance 1 "0" */
        put_code(&w, 2, 2);
        uint64_t copies = (n - 1) / 258, rest = n - 1 - 258 * copies;
        w.bit += 2 * copies;
        for (uint64_t i = 0; i < rest; i++)
            put_code(&w, 2, 2);
        put_code(&w, 3, 2);
    }
    stored_block(&w, suffix, 1);
    *clen = (size_t)((w.bit + 7) >> 3);
    assert_true(*clen <= cap);
    return w.buf;
}

/* The CRC-32 of `prefix`, `n` bytes `fill` and `suffix`. */
static uint32_t fill_crc(const char *prefix, uint64_t n, unsigned char fill, const char *suffix)
{
    unsigned char chunk[65536];
    memset(chunk, fill, sizeof chunk);
    uint32_t crc = crc32_update(0, prefix, strlen(prefix));
    for (uint64_t left = n; left > 0;) {
        size_t k = left > sizeof chunk ? sizeof chunk : (size_t)left;
        crc = crc32_update(crc, chunk, k);
        left -= k;
    }
    return crc32_update(crc, suffix, strlen(suffix));
}

/* ---- workbooks ---------------------------------------------------------------------------- */

static const char WORKBOOK[] =
    "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" REL_NS "\"><sheets>"
    "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] = "<Relationships xmlns=\"" PKG_NS "\">"
                           "<Relationship Id=\"rId1\" Type=\"" REL_NS "/worksheet\" "
                           "Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* A zip writer holding a workbook of one sheet Sheet1 at xl/worksheets/sheet1.xml, its parts
 * yet to be added. */
static zip_writer workbook_writer(void)
{
    zip_writer z = {0};
    zip_add(&z, "xl/workbook.xml", WORKBOOK);
    zip_add(&z, "xl/_rels/workbook.xml.rels", RELS);
    return z;
}

/* A workbook of one sheet whose sheetData is `rows`, with the shared strings `sst` and the
 * styles `styles` (either NULL: none). */
static unsigned char *workbook(const char *rows, const char *sst, const char *styles, size_t *len)
{
    zip_writer z = workbook_writer();
    char *sheet;
    assert_true(asprintf(&sheet,
                         "<worksheet xmlns=\"" MAIN_NS "\"><sheetData>%s</sheetData>"
                         "</worksheet>",
                         rows) > 0);
    zip_add(&z, "xl/worksheets/sheet1.xml", sheet);
    free(sheet);
    if (sst)
        zip_add(&z, "xl/sharedStrings.xml", sst);
    if (styles)
        zip_add(&z, "xl/styles.xml", styles);
    return zip_finish(&z, len);
}

/* The contents of the fixture `name`. */
static unsigned char *fixture(const char *name, size_t *len)
{
    const char *dir = getenv("XLSX_FIXTURE_DIR") ? getenv("XLSX_FIXTURE_DIR") : XLSX_FIXTURE_DIR;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (set XLSX_FIXTURE_DIR)", path);
    bytes b = {0};
    unsigned char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

/* Seconds since some fixed time. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Whether `s` is valid UTF-8. */
static int utf8_valid(const char *s)
{
    json_t *j = json_string(s);
    json_decref(j);
    return j != NULL;
}

/* Reads `data` and checks that the sheet's name is `name` and its rows equal the JSON `want`. */
static void expect_rows(const void *data, size_t len, const xlsx_limits *limits, const char *sheet,
                        const char *name, const char *want)
{
    json_t *rows = NULL;
    char *sheet_name = NULL, why[256];
    xlsx_status st = xlsx_read(data, len, limits, sheet, &rows, &sheet_name, why, sizeof why);
    if (st != XLSX_OK)
        fail_msg("status %d: %s", st, why);
    assert_string_equal(sheet_name, name);
    json_error_t error;
    json_t *expected = json_loads(want, 0, &error);
    if (!expected)
        fail_msg("bad expectation: %s", error.text);
    if (!json_equal(rows, expected)) {
        char *got = json_dumps(rows, JSON_COMPACT);
        print_error("got  %s\nwant %s\n", got, want);
        free(got);
        fail();
    }
    json_decref(expected);
    json_decref(rows);
    free(sheet_name);
}

/* Reads the sheet `sheet` of `data`, checks that it fails with `status`, leaves nothing and says
 * why in English containing `why_part`; returns the seconds it took. */
static double expect_sheet_name_refused(const void *data, size_t len, const xlsx_limits *limits,
                                        const char *sheet, xlsx_status status, const char *why_part)
{
    json_t *rows = (json_t *)1;
    char *sheet_name = (char *)1, why[256];
    double start = now();
    xlsx_status st = xlsx_read(data, len, limits, sheet, &rows, &sheet_name, why, sizeof why);
    double took = now() - start;
    if (st != status)
        fail_msg("status %d, want %d: %s", st, status, why);
    assert_null(rows);
    assert_null(sheet_name);
    assert_true(why[0] != '\0' && utf8_valid(why));
    if (!strstr(why, why_part))
        fail_msg("\"%s\" does not say \"%s\"", why, why_part);
    return took;
}

/* Like expect_sheet_name_refused for the first sheet. */
static double expect_refused(const void *data, size_t len, const xlsx_limits *limits,
                             xlsx_status status, const char *why_part)
{
    return expect_sheet_name_refused(data, len, limits, NULL, status, why_part);
}

/* Like expect_rows for a one-sheet workbook of `rows` and shared strings `sst`. */
static void expect_sheet(const char *rows, const char *sst, const char *styles, const char *want)
{
    size_t len;
    unsigned char *book = workbook(rows, sst, styles, &len);
    expect_rows(book, len, NULL, NULL, "Sheet1", want);
    free(book);
}

/* Like expect_refused for a one-sheet workbook of `rows`. */
static void expect_sheet_refused(const char *rows, const char *sst, xlsx_status status,
                                 const char *why_part)
{
    size_t len;
    unsigned char *book = workbook(rows, sst, NULL, &len);
    expect_refused(book, len, NULL, status, why_part);
    free(book);
}

/* ---- workbooks as their writers write them ----------------------------------------------- */

static void an_openpyxl_workbook_gives_its_first_sheet_typed(void **state)
{
    size_t len;
    unsigned char *book = fixture("openpyxl.xlsx", &len);
    expect_rows(book, len, NULL, NULL, "Số liệu",
                "[{\"row\":1,\"cells\":[\"Chỉ tiêu\",\"Ngày\",\"Giá trị\",\"Đạt\"]},"
                " {\"row\":2,\"cells\":[\"Xã Mỹ Hòa Hưng\",\"2024-03-31\",42,true]},"
                " {\"row\":4,\"cells\":[\"Tỷ lệ hộ nghèo\",\"2024-12-31\",87.5,false]},"
                " {\"row\":5,\"cells\":[null,null,3.25]},"
                " {\"row\":7,\"cells\":[null,\"  lề  \"]}]");
    free(book);
}

static void a_sheet_is_chosen_by_its_name(void **state)
{
    size_t len;
    unsigned char *book = fixture("openpyxl.xlsx", &len);
    const char *second = "[{\"row\":1,\"cells\":[\"second sheet\",1]}]";
    expect_rows(book, len, NULL, "Ghi chú", "Ghi chú", second);
    expect_rows(book, len, NULL, "GHI chú", "Ghi chú", second); /* as Excel: ASCII case aside */
    expect_sheet_name_refused(book, len, NULL, "Ghi", XLSX_NO_SHEET,
                              "the workbook has no sheet named \xE2\x80\x9C"
                              "Ghi\xE2\x80\x9D");
    free(book);
}

static void excel_shared_strings_styles_and_formulas_are_read(void **state)
{
    size_t len;
    unsigned char *book = fixture("excel.xlsx", &len);
    expect_rows(book, len, NULL, NULL, "Báo cáo",
                "[{\"row\":1,\"cells\":[\"Chỉ tiêu\",\"Tổng cộng\",\"漢字\","
                "                        \"  hai khoảng trắng  \"]},"
                " {\"row\":2,\"cells\":[\"2024-03-31\",\"2024-12-31\",1234.5,2469,"
                "                        \"Mã Chỉ tiêu\"]},"
                " {\"row\":4,\"cells\":[\"1900-02-29\",\"1900-02-28\",\"1900-03-01\","
                "                        \"1900-01-01\"]},"
                " {\"row\":5,\"cells\":[-0.5,false]}]");
    free(book);
}

static void the_1904_date_system_is_honoured(void **state)
{
    size_t len;
    unsigned char *book = fixture("date1904.xlsx", &len);
    expect_rows(book, len, NULL, NULL, "Mac",
                "[{\"row\":1,\"cells\":[\"2024-03-31\",\"1904-01-01\"]}]");
    free(book);
}

/* A workbook written by libxlsxwriter, in constant-memory mode (inline strings) or not (shared
 * strings), as the service's own exports and templates are. */
static unsigned char *libxlsxwriter_book(int constant_memory, size_t *len)
{
    char dir[] = "/tmp/test_xlsx.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/book.xlsx", dir);
    lxw_workbook_options options = {.constant_memory = (uint8_t)constant_memory, .tmpdir = dir};
    lxw_workbook *wb = workbook_new_opt(path, &options);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Nhập liệu");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    worksheet_write_string(ws, 0, 0, "Chỉ tiêu", NULL);
    worksheet_write_string(ws, 0, 1, "Kỳ", NULL);
    worksheet_write_string(ws, 1, 0, "Số hộ thoát nghèo", NULL);
    lxw_datetime when = {2024, 6, 30, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 1, &when, date);
    worksheet_write_number(ws, 1, 2, 1500.25, money);
    worksheet_write_boolean(ws, 1, 3, 1, NULL);
    worksheet_write_formula_num(ws, 1, 4, "=C2*2", NULL, 3000.5);
    worksheet_write_string(ws, 3, 1, "=not a formula", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    bytes b = {0};
    unsigned char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(&b, chunk, n);
    fclose(f);
    unlink(path);
    rmdir(dir);
    *len = b.len;
    return b.data;
}

static void libxlsxwriter_workbooks_are_read_with_shared_or_inline_strings(void **state)
{
    const char *want = "[{\"row\":1,\"cells\":[\"Chỉ tiêu\",\"Kỳ\"]},"
                       " {\"row\":2,\"cells\":[\"Số hộ thoát nghèo\",\"2024-06-30\",1500.25,"
                       "                       true,3000.5]},"
                       " {\"row\":4,\"cells\":[null,\"=not a formula\"]}]";
    for (int constant_memory = 0; constant_memory <= 1; constant_memory++) {
        size_t len;
        unsigned char *book = libxlsxwriter_book(constant_memory, &len);
        expect_rows(book, len, NULL, NULL, "Nhập liệu", want);
        free(book);
    }
}

/* ---- cells ------------------------------------------------------------------------------- */

static void cells_without_a_reference_take_the_next_column_and_rows_the_next_row(void **state)
{
    expect_sheet("<row><c><v>1</v></c><c><v>2</v></c><c r=\"E1\"><v>5</v></c><c><v>6</v></c></row>"
                 "<row><c/><c><v>7</v></c></row>"
                 "<row r=\"9\"><c><v>9</v></c></row><row><c r=\"B12\"><v>12</v></c></row>",
                 NULL, NULL,
                 "[{\"row\":1,\"cells\":[1,2,null,null,5,6]},{\"row\":2,\"cells\":[null,7]},"
                 " {\"row\":9,\"cells\":[9]},{\"row\":12,\"cells\":[null,12]}]");
}

static void empty_rows_and_trailing_empty_cells_are_left_out(void **state)
{
    const char *sst = "<sst xmlns=\"" MAIN_NS "\"><si><t/></si><si><t>x</t></si></sst>";
    expect_sheet("<row r=\"1\"/><row r=\"2\"><c r=\"A2\"/><c r=\"B2\" t=\"s\"><v>0</v></c></row>"
                 "<row r=\"3\"><c r=\"A3\" t=\"e\"><v>#REF!</v></c><c r=\"B3\"><f>A1</f></c></row>"
                 "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>1</v></c><c r=\"B4\"><v></v></c>"
                 "<c r=\"C4\" t=\"str\"/><c r=\"D4\" t=\"inlineStr\"><is><t></t></is></c></row>",
                 sst, NULL, "[{\"row\":4,\"cells\":[\"x\"]}]");
}

static void values_keep_their_types(void **state)
{
    expect_sheet(
        "<row r=\"1\"><c t=\"b\"><v>1</v></c><c t=\"b\"><v>0</v></c>"
        "<c t=\"n\"><v>-12</v></c><c><v>1.5E3</v></c><c><v>0.1</v></c>"
        "<c t=\"str\"><v>007</v></c><c t=\"inlineStr\"><is><t>a&amp;b &lt;c&gt;</t></is></c>"
        "<c t=\"d\"><v>2024-03-31T10:00:00</v></c><c t=\"e\"><v>#N/A</v></c>"
        "<c t=\"inlineStr\"><is><r><t>rich </t></r><r><rPr/><t>run</t></r></is></c>"
        "<c><v>123456789012</v></c></row>",
        NULL, NULL,
        "[{\"row\":1,\"cells\":[true,false,-12,1500,0.1,\"007\",\"a&b <c>\","
        "\"2024-03-31\",null,\"rich run\",123456789012]}]");
}

static void rich_text_runs_are_joined_and_phonetic_runs_dropped(void **state)
{
    const char *sst = "<sst xmlns=\"" MAIN_NS "\"><si><r><t>Đã </t></r><r><t>tổ chức</t></r>"
                      "<rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></si>"
                      "<si><t><![CDATA[<giữ>]]></t></si></sst>";
    expect_sheet(
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>", sst,
        NULL, "[{\"row\":1,\"cells\":[\"Đã tổ chức\",\"<giữ>\"]}]");
}

static void date_formats_are_recognised_by_their_codes(void **state)
{
    static const struct {
        const char *code;
        int date;
    } formats[] = {
        {"dd/mm/yyyy", 1},
        {"[$-409]mmm d, yyyy", 1},
        {"h:mm AM/PM", 1},
        {"yyyy\\-mm", 1},
        {"0.00", 0},
        {"\"d\"0", 0},
        {"[Red]0.00", 0},
        {"#,##0 \"days\"", 0},
        {"General", 0},
        {"0.0%", 0},
        {"\\d0", 0},
        {"@", 0},
        {"0;[Red]-0;\"y\"", 0},
        {"_-* #,##0_-;-* #,##0_-", 0},
    };
    size_t n = sizeof formats / sizeof formats[0];
    char styles[4096], row[4096], want[4096];
    int s = snprintf(styles, sizeof styles, "<styleSheet xmlns=\"" MAIN_NS "\"><numFmts>");
    for (size_t i = 0; i < n; i++) {
        char code[64];
        const char *c = formats[i].code;
        size_t k = 0;
        for (; *c; c++) /* escaped as an attribute */
            k += (size_t)snprintf(code + k, sizeof code - k, "%s",
                                  *c == '"' ? "&quot;" : (char[]){*c, 0});
        s += snprintf(styles + s, sizeof styles - (size_t)s,
                      "<numFmt numFmtId=\"%zu\" formatCode=\"%s\"/>", 164 + i, code);
    }
    s += snprintf(styles + s, sizeof styles - (size_t)s, "</numFmts><cellXfs>");
    for (size_t i = 0; i < n; i++)
        s += snprintf(styles + s, sizeof styles - (size_t)s, "<xf numFmtId=\"%zu\"/>", 164 + i);
    /* built-in: 14 (a date), 22 (date and time), 2 (0.00), 49 (@) */
    snprintf(styles + s, sizeof styles - (size_t)s,
             "<xf numFmtId=\"14\"/><xf numFmtId=\"22\"/><xf numFmtId=\"2\"/><xf numFmtId=\"49\"/>"
             "</cellXfs></styleSheet>");
    int r = snprintf(row, sizeof row, "<row r=\"1\">");
    int w = snprintf(want, sizeof want, "[{\"row\":1,\"cells\":[");
    for (size_t i = 0; i < n + 4; i++) {
        int date = i < n ? formats[i].date : i < n + 2;
        r += snprintf(row + r, sizeof row - (size_t)r, "<c s=\"%zu\"><v>45382.25</v></c>", i);
        w += snprintf(want + w, sizeof want - (size_t)w, "%s%s", i ? "," : "",
                      date ? "\"2024-03-31\"" : "45382.25");
    }
    snprintf(row + r, sizeof row - (size_t)r, "<c s=\"99\"><v>1</v></c></row>"); /* no such style */
    snprintf(want + w, sizeof want - (size_t)w, ",1]}]");
    expect_sheet(row, NULL, styles, want);
}

static void dates_before_the_epoch_or_after_9999_stay_numbers(void **state)
{
    const char *styles = "<styleSheet xmlns=\"" MAIN_NS "\"><cellXfs><xf numFmtId=\"14\"/>"
                         "</cellXfs></styleSheet>";
    expect_sheet("<row r=\"1\"><c s=\"0\"><v>-1</v></c><c s=\"0\"><v>2958465</v></c>"
                 "<c s=\"0\"><v>2958466</v></c><c s=\"0\"><v>0.999999999</v></c></row>",
                 NULL, styles,
                 "[{\"row\":1,\"cells\":[-1,\"9999-12-31\",2958466,\"1900-01-01\"]}]");
}

static void cell_references_run_from_A1_to_XFD1048576(void **state)
{
    size_t len;
    unsigned char *book =
        workbook("<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>", NULL, NULL, &len);
    json_t *rows;
    char *name, why[256];
    assert_int_equal(xlsx_read(book, len, NULL, NULL, &rows, &name, why, sizeof why), XLSX_OK);
    json_t *cells = json_object_get(json_array_get(rows, 0), "cells");
    assert_int_equal(json_array_size(cells), 16384);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "row")), 1048576);
    json_decref(rows);
    free(name);
    free(book);
    static const char *const bad[] = {"XFE1", "A0",    "A1048577", "1A",  "a1", "$A$1",
                                      "A01",  "AAAA1", "A",        "A1B", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char row[128];
        snprintf(row, sizeof row, "<row r=\"1\"><c r=\"%s\"><v>1</v></c></row>", bad[i]);
        expect_sheet_refused(row, NULL, XLSX_MALFORMED, "cell reference");
    }
    expect_sheet_refused("<row r=\"0\"/>", NULL, XLSX_MALFORMED, "row numbered");
    expect_sheet_refused("<row r=\"1048577\"/>", NULL, XLSX_MALFORMED, "row numbered");
}

static void cells_and_rows_out_of_order_are_malformed(void **state)
{
    expect_sheet_refused("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>",
                         NULL, XLSX_MALFORMED, "out of order");
    expect_sheet_refused("<row r=\"1\"><c r=\"A1\"/><c r=\"A1\"/></row>", NULL, XLSX_MALFORMED,
                         "out of order");
    expect_sheet_refused("<row r=\"2\"/><row r=\"1\"/>", NULL, XLSX_MALFORMED, "after row 2");
    expect_sheet_refused("<row r=\"2\"><c r=\"A3\"><v>1</v></c></row>", NULL, XLSX_MALFORMED,
                         "in row 2");
    expect_sheet_refused("<row r=\"1\"><c r=\"XFD1\"/><c/></row>", NULL, XLSX_MALFORMED,
                         "more than 16384 columns");
}

static void values_that_are_not_their_type_are_malformed(void **state)
{
    const char *sst = "<sst xmlns=\"" MAIN_NS "\"><si><t>only</t></si></sst>";
    expect_sheet_refused("<row r=\"1\"><c t=\"s\"><v>1</v></c></row>", sst, XLSX_MALFORMED,
                         "shared string 1");
    expect_sheet_refused("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>", NULL, XLSX_MALFORMED,
                         "shared string 0");
    expect_sheet_refused("<row r=\"1\"><c t=\"s\"><v>-1</v></c></row>", sst, XLSX_MALFORMED,
                         "shared string");
    static const char *const numbers[] = {"abc", "1,5", " 1",    "0x10",
                                          "inf", "nan", "1e999", "1.5.5"};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        char row[128];
        snprintf(row, sizeof row, "<row r=\"1\"><c r=\"A1\"><v>%s</v></c></row>", numbers[i]);
        expect_sheet_refused(row, NULL, XLSX_MALFORMED, "is a number but holds");
    }
    expect_sheet_refused("<row r=\"1\"><c r=\"A1\" t=\"b\"><v>yes</v></c></row>", NULL,
                         XLSX_MALFORMED, "is a boolean");
    expect_sheet_refused("<row r=\"1\"><c r=\"A1\" t=\"x\"><v>1</v></c></row>", NULL,
                         XLSX_MALFORMED, "unknown type");
}

static void the_cell_limit_counts_the_columns_a_row_spans(void **state)
{
    size_t len;
    unsigned char *book = workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                                   "<row r=\"2\"><c r=\"J2\"><v>1</v></c></row>",
                                   NULL, NULL, &len);
    xlsx_limits limits = xlsx_default_limits;
    limits.max_cells = 11;
    expect_rows(book, len, &limits, NULL, "Sheet1",
                "[{\"row\":1,\"cells\":[1]},"
                " {\"row\":2,\"cells\":[null,null,null,null,null,null,null,null,null,1]}]");
    limits.max_cells = 10;
    expect_refused(book, len, &limits, XLSX_TOO_LARGE, "more than 10 cells");
    free(book);
}

/* ---- workbook structure ------------------------------------------------------------------ */

static void relationship_targets_are_resolved_from_xl(void **state)
{
    static const char *const targets[] = {"/xl/worksheets/data.xml", "worksheets/data.xml",
                                          "./worksheets/../worksheets/data.xml",
                                          "../xl/worksheets/data.xml"};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        zip_writer z = {0};
        char rels[512];
        snprintf(rels, sizeof rels,
                 "<Relationships xmlns=\"" PKG_NS "\"><Relationship Id=\"rId1\" Type=\"" REL_NS
                 "/worksheet\" Target=\"%s\"/></Relationships>",
                 targets[i]);
        zip_add(&z, "xl/workbook.xml", WORKBOOK);
        zip_add(&z, "xl/_rels/workbook.xml.rels", rels);
        zip_add(&z, "xl/worksheets/data.xml",
                "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"3\"><c r=\"A3\"><v>3</v>"
                "</c></row></sheetData></worksheet>");
        size_t len;
        unsigned char *book = zip_finish(&z, &len);
        expect_rows(book, len, NULL, NULL, "Sheet1", "[{\"row\":3,\"cells\":[3]}]");
        free(book);
    }
    zip_writer z = {0};
    zip_add(&z, "xl/workbook.xml", WORKBOOK);
    zip_add(&z, "xl/_rels/workbook.xml.rels",
            "<Relationships xmlns=\"" PKG_NS "\"><Relationship Id=\"rId1\" Target=\"../../x\"/>"
            "</Relationships>");
    size_t len;
    unsigned char *book = zip_finish(&z, &len);
    expect_refused(book, len, NULL, XLSX_MALFORMED, "not in the workbook");
    free(book);
}

static void prefixed_strict_and_unqualified_namespaces_are_read(void **state)
{
    static const char *const sheets[] = {
        ("<x:worksheet xmlns:x=\"" MAIN_NS "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\"><x:v>1"
         "</x:v></x:c></x:row></x:sheetData></x:worksheet>"),
        ("<worksheet xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\"><sheetData>"
         "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>"),
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>",
    };
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        zip_writer z = workbook_writer();
        zip_add(&z, "xl/worksheets/sheet1.xml", sheets[i]);
        size_t len;
        unsigned char *book = zip_finish(&z, &len);
        expect_rows(book, len, NULL, NULL, "Sheet1", "[{\"row\":1,\"cells\":[1]}]");
        free(book);
    }
    /* the same names in another namespace are not cells */
    expect_sheet("<row r=\"1\" xmlns=\"urn:other\"><c r=\"A1\"><v>1</v></c></row>", NULL, NULL,
                 "[]");
}

static void a_workbook_without_its_parts_is_refused(void **state)
{
    zip_writer z = {0};
    zip_add(&z, "xl/workbook.xml", WORKBOOK);
    size_t len;
    unsigned char *book = zip_finish(&z, &len);
    expect_refused(book, len, NULL, XLSX_MALFORMED, "xl/_rels/workbook.xml.rels");
    free(book);
    z = workbook_writer();
    book = zip_finish(&z, &len);
    expect_refused(book, len, NULL, XLSX_MALFORMED, "no xl/worksheets/sheet1.xml");
    free(book);
    z = (zip_writer){0};
    zip_add(&z, "xl/workbook.xml", "<workbook xmlns=\"" MAIN_NS "\"><sheets/></workbook>");
    book = zip_finish(&z, &len);
    expect_refused(book, len, NULL, XLSX_NO_SHEET, "no sheets");
    free(book);
}

static void a_docx_is_not_a_workbook(void **state)
{
    zip_writer z = {0};
    zip_add(&z, "[Content_Types].xml",
            "<Types xmlns=\"http://schemas.openxmlformats.org/"
            "package/2006/content-types\"/>");
    zip_add(&z, "word/document.xml", "<w:document xmlns:w=\"urn:w\"><w:body/></w:document>");
    size_t len;
    unsigned char *book = zip_finish(&z, &len);
    double took = expect_refused(book, len, NULL, XLSX_NOT_WORKBOOK,
                                 "the file is not an XLSX workbook (no xl/workbook.xml)");
    assert_true(took < 0.5);
    free(book);
}

static void what_is_not_a_zip_is_refused(void **state)
{
    expect_refused(NULL, 0, NULL, XLSX_NOT_ZIP, "not a zip archive");
    expect_refused("hello", 5, NULL, XLSX_NOT_ZIP, "not a zip archive");
    expect_refused("Chỉ tiêu,Kỳ\n1,2\n", 20, NULL, XLSX_NOT_ZIP, "not a zip archive");
    const unsigned char cfb[512] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    expect_refused(cfb, sizeof cfb, NULL, XLSX_NOT_ZIP, "encrypted workbook or an old .xls");
}

static void a_truncated_file_is_refused(void **state)
{
    size_t len;
    unsigned char *book = fixture("openpyxl.xlsx", &len);
    size_t cuts[] = {len / 2, len - 10, len - 23, 30, len - 200};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        double took = expect_refused(book, cuts[i], NULL, XLSX_NOT_ZIP, "");
        assert_true(took < 0.5);
    }
    free(book);
}

static void a_why_cut_short_stays_whole_characters(void **state)
{
    size_t len;
    unsigned char *book = fixture("openpyxl.xlsx", &len);
    json_t *rows;
    char *name, why[34]; /* "the workbook has no sheet named " is 32 bytes, then a 3-byte quote */
    assert_int_equal(xlsx_read(book, len, NULL, "nope", &rows, &name, why, sizeof why),
                     XLSX_NO_SHEET);
    assert_string_equal(why, "the workbook has no sheet named ");
    assert_int_equal(xlsx_read(book, len, NULL, "nope", &rows, &name, NULL, 0), XLSX_NO_SHEET);
    free(book);
}

/* ---- hostile files ----------------------------------------------------------------------- */

static const char BOMB_HEAD[] = "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"1\">"
                                "<c r=\"A1\"><v>7</v></c></row>";
static const char BOMB_TAIL[] = "</sheetData></worksheet>";

/* A workbook whose sheet is BOMB_HEAD, `n` bytes `fill` and BOMB_TAIL, deflated at about
 * 1,000 to 1; its CRC is right only when `crc` (computing it for a GiB would take long). */
static unsigned char *bomb(uint64_t n, unsigned char fill, int crc, size_t *len)
{
    size_t clen;
    unsigned char *deflated = deflate_fill(BOMB_HEAD, n, fill, BOMB_TAIL, &clen);
    uint64_t usize = strlen(BOMB_HEAD) + n + strlen(BOMB_TAIL);
    zip_writer z = workbook_writer();
    zip_add_raw(&z, "xl/worksheets/sheet1.xml", 8, deflated, clen, usize,
                crc ? fill_crc(BOMB_HEAD, n, fill, BOMB_TAIL) : 0);
    free(deflated);
    return zip_finish(&z, len);
}

static void a_highly_compressed_sheet_is_read_when_the_limits_allow_it(void **state)
{
    size_t len;
    unsigned char *book = bomb(4 * MIB, ' ', 1, &len);
    assert_true(len < 8 * 1024); /* 4 MiB in under 8 KiB: a ratio over 500 */
    xlsx_limits limits = xlsx_default_limits;
    limits.max_ratio = 5000;
    expect_rows(book, len, &limits, NULL, "Sheet1", "[{\"row\":1,\"cells\":[7]}]");
    expect_refused(book, len, NULL, XLSX_TOO_LARGE, "compressed more than 200 to 1");
    free(book);
}

static void a_zip_bomb_is_refused_by_its_ratio_before_it_is_inflated(void **state)
{
    size_t len;
    unsigned char *book = bomb(200 * MIB, 0, 0, &len); /* under the 256 MiB part limit */
    double took = expect_refused(book, len, NULL, XLSX_TOO_LARGE,
                                 "the part xl/worksheets/sheet1.xml is compressed more than 200");
    assert_true(took < 0.5);
    free(book);
}

static void a_gigabyte_part_is_refused_by_its_size_before_it_is_inflated(void **state)
{
    size_t len;
    unsigned char *book = bomb(1024 * MIB, 0, 0, &len);
    xlsx_limits limits = xlsx_default_limits;
    limits.max_ratio = 1e9; /* the size alone refuses it */
    double took = expect_refused(book, len, &limits, XLSX_TOO_LARGE,
                                 "the part xl/worksheets/sheet1.xml unpacks to more than 256 MiB");
    assert_true(took < 0.5);
    free(book);
}

static void the_parts_read_are_limited_in_total(void **state)
{
    size_t len;
    unsigned char *book = bomb(600 * 1024, ' ', 1, &len);
    xlsx_limits limits = xlsx_default_limits;
    limits.max_part_bytes = 1 * MIB;
    limits.max_total_bytes = 600 * 1024;
    expect_refused(book, len, &limits, XLSX_TOO_LARGE, "the workbook unpacks to more than");
    limits.max_total_bytes = 1 * MIB;
    expect_rows(book, len, &limits, NULL, "Sheet1", "[{\"row\":1,\"cells\":[7]}]");
    limits.max_part_bytes = 512 * 1024;
    expect_refused(book, len, &limits, XLSX_TOO_LARGE, "unpacks to more than 524288 bytes");
    free(book);
}

static void a_part_that_inflates_to_more_than_its_header_says_is_refused(void **state)
{
    size_t clen, len;
    unsigned char *deflated = deflate_fill(BOMB_HEAD, 64 * MIB, ' ', BOMB_TAIL, &clen);
    zip_writer z = workbook_writer();
    zip_add_raw(&z, "xl/worksheets/sheet1.xml", 8, deflated, clen, 1000, 0); /* it lies */
    free(deflated);
    unsigned char *book = zip_finish(&z, &len);
    double took = expect_refused(book, len, NULL, XLSX_NOT_ZIP, "more than its header says");
    assert_true(took < 0.5);
    free(book);
}

static void a_hundred_thousand_entries_are_refused_by_their_count(void **state)
{
    zip_writer z = {0};
    for (int i = 0; i < 100000; i++) {
        char name[16];
        snprintf(name, sizeof name, "e%06d", i);
        zip_add_raw(&z, name, 0, "", 0, 0, 0);
    }
    size_t len;
    unsigned char *book = zip_finish(&z, &len);
    double took =
        expect_refused(book, len, NULL, XLSX_TOO_LARGE, "the file has more than 1000 zip entries");
    assert_true(took < 0.5);
    xlsx_limits limits = xlsx_default_limits; /* it is a real zip: */
    limits.max_entries = 100000;
    expect_refused(book, len, &limits, XLSX_NOT_WORKBOOK, "no xl/workbook.xml");
    free(book);
}

static void dtds_and_entities_are_refused(void **state)
{
    static const char *const hostile[] = {
        /* billion laughs */
        "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
        "<sst xmlns=\"" MAIN_NS "\"><si><t>&d;&d;&d;&d;</t></si></sst>",
        /* an external entity */
        "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        "<sst xmlns=\"" MAIN_NS "\"><si><t>&e;</t></si></sst>",
        /* an external DTD */
        "<!DOCTYPE sst SYSTEM \"http://example.com/x.dtd\"><sst xmlns=\"" MAIN_NS "\"/>",
        /* a harmless-looking one */
        "<!DOCTYPE sst><sst xmlns=\"" MAIN_NS "\"/>",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        size_t len;
        unsigned char *book = workbook("", hostile[i], NULL, &len);
        double took = expect_refused(book, len, NULL, XLSX_FORBIDDEN_XML,
                                     "xl/sharedStrings.xml contains a DTD");
        assert_true(took < 0.5);
        free(book);
    }
    /* an entity never declared is not well-formed */
    expect_sheet_refused("", "<sst xmlns=\"" MAIN_NS "\"><si><t>&e;</t></si></sst>", XLSX_MALFORMED,
                         "xl/sharedStrings.xml is not well-formed");
}

/* A sheet whose elements nest `levels` deep (the worksheet is the first level). */
static unsigned char *nested(int levels, size_t *len)
{
    bytes x = {0};
    put(&x, "<worksheet xmlns=\"" MAIN_NS "\">", strlen("<worksheet xmlns=\"" MAIN_NS "\">"));
    for (int i = 1; i < levels; i++)
        put(&x, "<x>", 3);
    for (int i = 1; i < levels; i++)
        put(&x, "</x>", 4);
    put(&x, "</worksheet>", 13); /* with its NUL */
    zip_writer z = workbook_writer();
    zip_add(&z, "xl/worksheets/sheet1.xml", (char *)x.data);
    free(x.data);
    return zip_finish(&z, len);
}

static void xml_nested_deeper_than_the_limit_is_refused(void **state)
{
    size_t len;
    unsigned char *book = nested(64, &len);
    expect_rows(book, len, NULL, NULL, "Sheet1", "[]");
    free(book);
    book = nested(65, &len);
    expect_refused(book, len, NULL, XLSX_TOO_DEEP, "deeper than 64 levels");
    free(book);
    book = nested(100000, &len);
    double took = expect_refused(book, len, NULL, XLSX_TOO_DEEP, "deeper than 64 levels");
    assert_true(took < 0.5);
    free(book);
}

static void xml_that_is_not_well_formed_is_malformed(void **state)
{
    expect_sheet_refused("<row r=\"1\"><c r=\"A1\"><v>1</v></row>", NULL, XLSX_MALFORMED,
                         "xl/worksheets/sheet1.xml is not well-formed XML (line 1)");
    expect_sheet_refused("<row r=\"1\">\xff</row>", NULL, XLSX_MALFORMED, "not well-formed");
    zip_writer z = workbook_writer();
    zip_add(&z, "xl/worksheets/sheet1.xml", "");
    size_t len;
    unsigned char *book = zip_finish(&z, &len);
    expect_refused(book, len, NULL, XLSX_MALFORMED, "not well-formed");
    free(book);
}

static void libxml2_prints_nothing_on_stderr(void **state)
{
    /* "<" then NULs: libxml2 takes it for UCS-4 and its input layer fails to convert it, an
     * error it reports outside the reader */
    static const char ucs4[] = "<\0\0\0\0\0\0>\n==\0\0\0\0";
    zip_writer z = workbook_writer();
    zip_add_raw(&z, "xl/worksheets/sheet1.xml", 0, ucs4, sizeof ucs4 - 1, sizeof ucs4 - 1,
                crc32_update(0, ucs4, sizeof ucs4 - 1));
    size_t len;
    unsigned char *book = zip_finish(&z, &len);
    fflush(stderr);
    FILE *capture = tmpfile();
    assert_non_null(capture);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(capture), STDERR_FILENO);
    xlsx_status st;
    json_t *rows;
    char *name, why[256];
    st = xlsx_read(book, len, NULL, NULL, &rows, &name, why, sizeof why);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(st, XLSX_MALFORMED);
    assert_int_equal(lseek(fileno(capture), 0, SEEK_END), 0); /* nothing written */
    fclose(capture);
    free(book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_openpyxl_workbook_gives_its_first_sheet_typed),
        cmocka_unit_test(a_sheet_is_chosen_by_its_name),
        cmocka_unit_test(excel_shared_strings_styles_and_formulas_are_read),
        cmocka_unit_test(the_1904_date_system_is_honoured),
        cmocka_unit_test(libxlsxwriter_workbooks_are_read_with_shared_or_inline_strings),
        cmocka_unit_test(cells_without_a_reference_take_the_next_column_and_rows_the_next_row),
        cmocka_unit_test(empty_rows_and_trailing_empty_cells_are_left_out),
        cmocka_unit_test(values_keep_their_types),
        cmocka_unit_test(rich_text_runs_are_joined_and_phonetic_runs_dropped),
        cmocka_unit_test(date_formats_are_recognised_by_their_codes),
        cmocka_unit_test(dates_before_the_epoch_or_after_9999_stay_numbers),
        cmocka_unit_test(cell_references_run_from_A1_to_XFD1048576),
        cmocka_unit_test(cells_and_rows_out_of_order_are_malformed),
        cmocka_unit_test(values_that_are_not_their_type_are_malformed),
        cmocka_unit_test(the_cell_limit_counts_the_columns_a_row_spans),
        cmocka_unit_test(relationship_targets_are_resolved_from_xl),
        cmocka_unit_test(prefixed_strict_and_unqualified_namespaces_are_read),
        cmocka_unit_test(a_workbook_without_its_parts_is_refused),
        cmocka_unit_test(a_docx_is_not_a_workbook),
        cmocka_unit_test(what_is_not_a_zip_is_refused),
        cmocka_unit_test(a_truncated_file_is_refused),
        cmocka_unit_test(a_why_cut_short_stays_whole_characters),
        cmocka_unit_test(a_highly_compressed_sheet_is_read_when_the_limits_allow_it),
        cmocka_unit_test(a_zip_bomb_is_refused_by_its_ratio_before_it_is_inflated),
        cmocka_unit_test(a_gigabyte_part_is_refused_by_its_size_before_it_is_inflated),
        cmocka_unit_test(the_parts_read_are_limited_in_total),
        cmocka_unit_test(a_part_that_inflates_to_more_than_its_header_says_is_refused),
        cmocka_unit_test(a_hundred_thousand_entries_are_refused_by_their_count),
        cmocka_unit_test(dtds_and_entities_are_refused),
        cmocka_unit_test(xml_nested_deeper_than_the_limit_is_refused),
        cmocka_unit_test(xml_that_is_not_well_formed_is_malformed),
        cmocka_unit_test(libxml2_prints_nothing_on_stderr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

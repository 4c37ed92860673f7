/* report_workbook.c: a report as an XLSX workbook (see report_workbook.h). */
#include "resources/report_workbook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonutil.h"
#include "render/xlsx.h"
#include "resources/names_repo.h"
#include "resources/report_tables.h"

/* The columns whose codes get a column of names beside them, and those columns' headers. */
static const struct {
    const char *key, *names, *vi, *en;
} named[] = {
    {"agency", "agency_name", "Tên cơ quan, đơn vị", "Agency name"},
    {"lead", "lead_names", "Tên cơ quan chủ trì", "Lead agency names"},
    {"unit", "unit_name", "Tên đơn vị", "Unit name"},
};
enum { NNAMED = sizeof named / sizeof named[0] };

/* The codes of every named column of every table (agencies in *agencies, units in *units). */
static void gather(const json_t *body, json_t *agencies, json_t *units)
{
    for (size_t t = 0; t < report_ntables; t++) {
        size_t i;
        const json_t *row;
        json_array_foreach(json_object_get(body, report_tables[t].name), i, row)
        {
            const json_t *a = json_object_get(row, "agency"), *u = json_object_get(row, "unit");
            if (json_is_string(a))
                json_array_append(agencies, (json_t *)a);
            if (json_is_string(u))
                json_array_append(units, (json_t *)u);
            json_array_extend(agencies, json_object_get(row, "lead"));
        }
    }
    json_array_append(units, json_object_get(body, "unit"));
}

/* A copy of `rows` with each named column's names beside it. New. */
static json_t *with_names(const json_t *rows, const json_t *agencies, const json_t *units)
{
    json_t *out = json_array();
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *copy = json_copy((json_t *)row);
        const char *a = json_member_string(row, "agency"), *u = json_member_string(row, "unit");
        if (a)
            json_object_set(copy, "agency_name", json_object_get(agencies, a));
        if (u)
            json_object_set(copy, "unit_name", json_object_get(units, u));
        const json_t *lead = json_object_get(row, "lead");
        if (json_is_array(lead)) {
            json_t *names = json_array();
            size_t k;
            const json_t *code;
            json_array_foreach(lead, k, code)
            {
                const json_t *name = json_object_get(agencies, json_string_value(code));
                json_array_append(names, name ? (json_t *)name : (json_t *)code);
            }
            json_object_set_new(copy, "lead_names", names);
        }
        json_array_append_new(out, copy);
    }
    return out;
}

/* The columns of table `t` in the workbook: its own, each named one followed by its names. */
static size_t columns_of(const report_table *t, bool english, xlsx_column *cols, size_t max)
{
    size_t n = 0;
    for (size_t c = 0; c < t->ncolumns && n < max; c++) {
        const report_column *rc = &t->columns[c];
        cols[n++] = (xlsx_column){rc->key, english ? rc->en : rc->vi, rc->kind, 0};
        for (size_t k = 0; k < NNAMED && n < max; k++)
            if (strcmp(named[k].key, rc->key) == 0)
                cols[n++] = (xlsx_column){named[k].names, english ? named[k].en : named[k].vi,
                                          XLSX_TEXT, 30};
    }
    return n;
}

/* The "Thông tin" sheet's pairs. New. */
static json_t *information(http_ctx *ctx, const json_t *body, const json_t *units, bool english)
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
    const char *unit_name = json_member_string(units, unit);
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
    json_auto_t *agency_codes = json_array(), *unit_codes = json_array(), *agencies = NULL,
                *units = NULL;
    gather(body, agency_codes, unit_codes);
    PGconn *db;
    pm_status st;
    if ((st = ctx_db(ctx, &db, err)) ||
        (st = names_repo_agencies(db, agency_codes, &agencies, err)) ||
        (st = names_repo_units(db, unit_codes, &units, err)))
        return st;
    xlsx_book *book = xlsx_book_new();
    json_auto_t *info = information(ctx, body, units, english);
    bool ok = book && info && xlsx_book_pairs(book, english ? "Information" : "Thông tin", info);
    for (size_t t = 0; ok && t < report_ntables; t++) {
        const report_table *table = &report_tables[t];
        xlsx_column cols[2 * REPORT_COLUMNS_MAX];
        size_t n = columns_of(table, english, cols, sizeof cols / sizeof cols[0]);
        json_auto_t *rows = with_names(json_object_get(body, table->name), agencies, units);
        ok = xlsx_book_table(book, english ? table->en : table->vi, cols, n, rows);
    }
    if (!ok) {
        xlsx_book_free(book);
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    }
    return xlsx_book_finish(book, out)
               ? PM_OK
               : pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
}

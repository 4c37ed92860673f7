/* report_indicators.c: section III of a report's document, the indicators (see
 * report_indicators.h). */
#include "resources/report_indicators.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/vn_text.h"
#include "jsonutil.h"

/* What the section reads. Borrowed. */
typedef struct {
    http_ctx *ctx;
    const report_facts *f;
    document *d;
    const json_t *indicators, *districts;
    int plan_first_year;
} indicator_builder;

/* A JSON number as a double, NAN for null or anything else. */
double report_doc_number(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The member `key` of `o` in Vietnamese number format (at most one decimal) into `buf`; "" for
 * null. */
const char *report_doc_operator(const char *op)
{
    return strcmp(op, ">=") == 0 ? "≥" : strcmp(op, "<=") == 0 ? "≤" : op;
}

const char *report_doc_num(char *buf, size_t size, const json_t *o, const char *key)
{
    return vn_number(buf, size, report_doc_number(json_object_get(o, key)), 1);
}

/* --- III. indicators ---------------------------------------------------------------------------
 */

/* The indicator object of code `code` (report_repo_indicators), or NULL. Borrowed. */
static const json_t *indicator_named(const indicator_builder *b, const char *code)
{
    size_t i;
    const json_t *ind;
    json_array_foreach(b->indicators, i, ind)
    {
        if (code && strcmp(json_member_string(ind, "code"), code) == 0)
            return ind;
    }
    return NULL;
}

/* The units an indicator collected at `level` counts. */
static const char *units_noun(int level)
{
    return level >= 3 ? "xã, phường, thị trấn" : level == 2 ? "huyện, thị xã, thành phố" : "tỉnh";
}

/* An indicator row's result and rule in words: "117/156 xã, phường, thị trấn, đạt 75% (chỉ tiêu
 * ≥ 75%): đạt". */
static void indicator_line(indicator_builder *b, const json_t *row)
{
    const json_t *ind = indicator_named(b, json_member_string(row, "indicator"));
    const char *rollup = ind ? json_member_string(ind, "rollup") : "";
    int level = ind ? analytics_indicator_level(ind) : 1;
    char v[32], r1[32], r2[32];
    bool has_value = json_is_number(json_object_get(row, "value"));
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "- %s (kỳ %s): ", json_member_string(row, "name"),
                           json_member_string(row, "period"));
    if (strcmp(rollup, "share") == 0 || strcmp(rollup, "periods_meeting_threshold") == 0) {
        char n1[32], n2[32];
        g_string_append_printf(s, "%s/%s %s", report_doc_num(n1, sizeof n1, row, "numerator"),
                               report_doc_num(n2, sizeof n2, row, "denominator"),
                               strcmp(rollup, "share") == 0 ? units_noun(level) : "kỳ đạt ngưỡng");
        if (has_value)
            g_string_append_printf(s, ", đạt %s%%", report_doc_num(v, sizeof v, row, "value"));
    } else if (strcmp(rollup, "pilot_registry") == 0) {
        g_string_append_printf(s, "%s mô hình", report_doc_num(v, sizeof v, row, "value"));
    } else if (has_value) {
        g_string_append_printf(s, "kết quả %s", report_doc_num(v, sizeof v, row, "value"));
    } else {
        g_string_append(s, "chưa có số liệu");
    }
    g_string_append_printf(s, " (%s/%s đơn vị có số liệu",
                           report_doc_num(r1, sizeof r1, row, "units_reporting"),
                           report_doc_num(r2, sizeof r2, row, "units_expected"));
    const char *op = json_member_string(row, "target_operator");
    if (op) {
        char t[32];
        const char *unit = json_member_string(json_object_get(row, "target"), "unit_of_measure");
        g_string_append_printf(s, "; chỉ tiêu %s %s%s", report_doc_operator(op),
                               report_doc_num(t, sizeof t, row, "target_value"),
                               unit && strcmp(unit, "percent") == 0 ? "%" : "");
    }
    g_string_append(s, ")");
    const char *attainment = json_member_string(row, "attainment");
    if (attainment)
        g_string_append_printf(s, ": %s", vn_attainment(attainment));
    else if (!has_value)
        g_string_append(s, ": chưa có số liệu");
    g_string_append(s, ".");
    doc_paragraph(b->d, DOC_NO_INDENT, "%s", s->str);
    g_string_free(s, TRUE);
}

/* A bar per district of the share of communes, with the target line, for each indicator the
 * communes report (a province's report only). */
static pm_status district_charts(indicator_builder *b, pm_error *err)
{
    const analytics_scope *scope = b->f->scope;
    if (scope->unit_level != 1)
        return PM_OK;
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(b->f->body, "indicators"), i, row)
    {
        const json_t *ind = indicator_named(b, json_member_string(row, "indicator"));
        if (!ind || analytics_indicator_level(ind) != 3 ||
            strcmp(json_member_string(ind, "rollup"), "share") != 0)
            continue;
        period p;
        if (!period_parse(json_member_string(row, "period"), b->ctx->app->cfg->report_due_days, &p))
            continue;
        analytics_scope by_district = *scope;
        by_district.level = 2;
        json_auto_t *items = json_array();
        pm_status st = analytics_items(b->ctx, ind, &p, 1, &by_district, items, err);
        if (st != PM_OK)
            return st;
        if (json_array_size(items) == 0)
            continue;
        char title[512];
        snprintf(title, sizeof title, "Biểu đồ: %s, theo huyện, thị xã, thành phố (kỳ %s)",
                 json_member_string(row, "name"), p.id);
        doc_chart *c =
            doc_chart_add(b->d, DOC_CHART_BARS, title, "Tỷ lệ (%)", json_array_size(items), 1, 100);
        if (!c)
            return pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
        doc_chart_series(b->d, c, 0, "Thực hiện");
        size_t k;
        const json_t *item;
        json_array_foreach(items, k, item)
        {
            const char *unit = json_member_string(item, "unit");
            const char *name = json_member_string(b->districts, unit);
            doc_chart_cat(b->d, c, k, name ? name : unit);
            *doc_chart_value(c, 0, k) = report_doc_number(json_object_get(item, "value"));
        }
        double target = report_doc_number(json_object_get(row, "target_value"));
        if (!isnan(target)) {
            char label[64], t[32];
            snprintf(label, sizeof label, "Chỉ tiêu %s%%", vn_number(t, sizeof t, target, 1));
            doc_chart_target(b->d, c, target, label);
        }
    }
    return PM_OK;
}

/* The value of each share indicator across the plan's years so far, one line each. */
static pm_status years_chart(indicator_builder *b, pm_error *err)
{
    int first = b->plan_first_year;
    int last = b->f->period->year;
    if (first < 1900 || last < first || last - first > 20)
        return PM_OK;
    int nyears = last - first + 1;
    period years[21];
    for (int y = 0; y < nyears; y++) {
        char id[12];
        snprintf(id, sizeof id, "%04d", first + y);
        period_parse(id, b->ctx->app->cfg->report_due_days, &years[y]);
    }
    json_auto_t *shares = json_array();
    size_t i;
    const json_t *ind;
    json_array_foreach(b->indicators, i, ind)
    {
        if (strcmp(json_member_string(ind, "rollup"), "share") == 0 &&
            strcmp(json_member_string(ind, "period_type"), "yearly") == 0 &&
            analytics_indicator_level(ind) >= b->f->scope->unit_level)
            json_array_append(shares, (json_t *)ind);
    }
    if (json_array_size(shares) == 0)
        return PM_OK;
    doc_chart *c =
        doc_chart_add(b->d, DOC_CHART_LINES, "Biểu đồ: các chỉ tiêu tỷ lệ qua các năm của Kế hoạch",
                      "Tỷ lệ (%)", (size_t)nyears, json_array_size(shares), 100);
    if (!c)
        return pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
    for (int y = 0; y < nyears; y++) {
        char label[16];
        snprintf(label, sizeof label, "%d", first + y);
        doc_chart_cat(b->d, c, (size_t)y, label);
    }
    json_array_foreach(shares, i, ind)
    {
        doc_chart_series(b->d, c, i, json_member_string(ind, "code"));
        json_auto_t *items = json_array();
        pm_status st = analytics_items(b->ctx, ind, years, nyears, b->f->scope, items, err);
        if (st != PM_OK)
            return st;
        size_t k;
        const json_t *item;
        json_array_foreach(items, k, item)
        {
            for (int y = 0; y < nyears; y++)
                if (strcmp(json_member_string(item, "period"), years[y].id) == 0)
                    *doc_chart_value(c, i, (size_t)y) =
                        report_doc_number(json_object_get(item, "value"));
        }
    }
    return PM_OK;
}

pm_status report_indicators_section(http_ctx *ctx, const report_facts *facts, document *doc,
                                    const json_t *indicators, const json_t *districts,
                                    int plan_first_year, pm_error *err)
{
    indicator_builder bb = {.ctx = ctx,
                            .f = facts,
                            .d = doc,
                            .indicators = indicators,
                            .districts = districts,
                            .plan_first_year = plan_first_year};
    indicator_builder *b = &bb;
    doc_heading(b->d, 1, "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU");
    const json_t *rows = json_object_get(b->f->body, "indicators");
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        indicator_line(b, row);
    }
    if (json_array_size(rows) == 0)
        doc_paragraph(b->d, 0, "Kế hoạch chưa có chỉ tiêu được theo dõi: chưa có số liệu.");
    pm_status st = district_charts(b, err);
    return st == PM_OK ? years_chart(b, err) : st;
}

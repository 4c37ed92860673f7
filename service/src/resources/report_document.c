/* report_document.c: a report as a document (see report_document.h). */
#include "resources/report_document.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/clock.h"
#include "domain/vn_text.h"
#include "jsonutil.h"
#include "resources/names_repo.h"
#include "resources/report_document_repo.h"
#include "resources/report_indicators.h"

/* What the builder reads once and uses throughout. Owned references. */
typedef struct {
    http_ctx *ctx;
    const report_facts *f;
    document *d;
    json_t *issuer, *names, *sections, *sites, *due_next, *indicators, *districts;
} builder;

/* The name of agency `code`, or the code itself when it has none. Borrowed. */
static const char *agency_name(const builder *b, const char *code)
{
    const char *name = json_member_string(b->names, code);
    return name ? name : code ? code : "";
}

/* The names of the agencies in the JSON array `codes`, joined by "; ". New (g_free). */
static char *agency_names(const builder *b, const json_t *codes)
{
    GString *s = g_string_new(NULL);
    size_t i;
    const json_t *code;
    json_array_foreach(codes, i, code)
    {
        if (i)
            g_string_append(s, "; ");
        g_string_append(s, agency_name(b, json_string_value(code)));
    }
    return g_string_free(s, FALSE);
}

/* Adds each string in the array `codes` to the array `into`. */
static void gather_codes(json_t *into, const json_t *codes)
{
    size_t i;
    const json_t *code;
    json_array_foreach(codes, i, code)
    {
        json_array_append(into, (json_t *)code);
    }
}

/* `text` in upper case, NFC. New (g_free). */
static char *upper(const char *text)
{
    gchar *up = g_utf8_strup(text ? text : "", -1);
    gchar *out = g_utf8_normalize(up, -1, G_NORMALIZE_NFC);
    g_free(up);
    return out;
}

/* --- the frame --------------------------------------------------------------------------------
 */

/* The issuing body's lines, number, place and date, title, recipients and signer. */
static void frame(builder *b, const report_doc_options *o, const json_t *recipients)
{
    document *d = b->d;
    doc_frame *fr = &d->frame;
    const json_t *is = b->issuer;
    const char *kind = json_member_string(is, "kind"),
               *unit_name = json_member_string(is, "unit_name");
    char *parent = NULL, *name = NULL;
    if (strcmp(kind, "people_committee") == 0 && unit_name) {
        /* its own name on two lines, both bold, like the decision's own header */
        parent = upper("Ủy ban nhân dân");
        name = upper(unit_name);
        fr->body_parent_bold = true;
    } else {
        const char *p = json_member_string(is, "parent_name");
        parent = p ? upper(p) : NULL;
        name = upper(json_member_string(is, "name"));
    }
    doc_frame_set(d, &fr->body_parent, parent);
    doc_frame_set(d, &fr->body_name, name);
    g_free(parent);
    g_free(name);

    const char *short_name = json_member_string(is, "short_name");
    char line[512];
    snprintf(line, sizeof line, "Số: %s/BC-%s", o->number ? o->number : "…", short_name);
    doc_frame_set(d, &fr->number, line);
    civil_date day;
    char date[64] = "ngày … tháng … năm …";
    if (o->date && clock_parse_date(o->date, &day))
        vn_date(date, sizeof date, day);
    snprintf(line, sizeof line, "%s, %s", json_member_string(is, "place"), date);
    doc_frame_set(d, &fr->place_date, line);

    char phrase[64];
    vn_period_phrase(phrase, sizeof phrase, b->f->period);
    const json_t *plan = json_object_get(b->f->body, "plan");
    gchar *summary =
        g_strdup_printf("Kết quả thực hiện %s %s", json_member_string(plan, "title"), phrase);
    doc_frame_set(d, &fr->summary, summary);
    doc_frame_set(d, &fr->file_title, summary);
    g_free(summary);

    size_t i;
    const json_t *r;
    json_array_foreach(recipients, i, r)
    {
        snprintf(line, sizeof line, "- %s;", json_string_value(r));
        doc_frame_recipient(d, line);
    }
    snprintf(line, sizeof line, "- Lưu: VT, %s.", short_name);
    doc_frame_recipient(d, line);

    if (o->signer_title) {
        gchar **parts = g_strsplit(o->signer_title, "/", 0);
        for (gchar **p = parts; *p; p++) {
            gchar *t = g_strstrip(*p);
            if (*t) {
                char *up = upper(t);
                doc_frame_signer_line(d, up);
                g_free(up);
            }
        }
        g_strfreev(parts);
    }
    doc_frame_set(d, &fr->signer_name, o->signer_name);
    char today[11];
    period_date_text(b->f->scope->today, today);
    doc_frame_set(d, &fr->created, today);
}

/* --- I. the general situation ------------------------------------------------------------------
 */

static void general(builder *b)
{
    document *d = b->d;
    const json_t *body = b->f->body;
    const json_t *tasks = json_object_get(body, "task_status");
    int counts[4] = {0};
    static const char *const statuses[] = {"done", "in_progress", "not_started", "cancelled"};
    size_t i;
    const json_t *t;
    json_array_foreach(tasks, i, t)
    {
        for (int s = 0; s < 4; s++)
            if (strcmp(json_member_string(t, "status"), statuses[s]) == 0)
                counts[s]++;
    }
    int late = 0;
    const json_t *u;
    json_array_foreach(json_object_get(body, "updates"), i, u)
    {
        late += json_is_true(json_object_get(u, "late_entry"));
    }
    json_array_foreach(json_object_get(body, "completeness"), i, u)
    {
        late += (int)json_integer_value(json_object_get(u, "late_entries"));
    }

    char end[16];
    vn_short_date(end, sizeof end, json_member_string(json_object_get(body, "period"), "end"));
    doc_heading(d, 1, "I. TÌNH HÌNH CHUNG");
    doc_paragraph(d, 0,
                  "Đến hết ngày %s, Kế hoạch có %zu nhiệm vụ đã bắt đầu: %d nhiệm vụ hoàn thành, "
                  "%d nhiệm vụ đang thực hiện, %d nhiệm vụ chưa thực hiện, %d nhiệm vụ dừng "
                  "thực hiện.",
                  end, json_array_size(tasks), counts[0], counts[1], counts[2], counts[3]);
    const json_t *overdue = json_object_get(body, "overdue");
    doc_paragraph(d, 0,
                  "Có %zu lần thực hiện quá hạn; %d cập nhật, báo cáo được ghi nhận muộn (nhập sau "
                  "thời điểm phát sinh).",
                  json_array_size(overdue), late);
    if (b->f->as_of_given)
        doc_paragraph(d, DOC_ITALIC, "Số liệu theo dữ liệu của hệ thống tại thời điểm %s.",
                      json_member_string(body, "as_of"));
    if (json_array_size(overdue) == 0)
        return;
    static const char *const headers[] = {"TT", "Nhiệm vụ quá hạn", "Kỳ", "Hạn", "Chủ trì"};
    static const double widths[] = {0.07, 0.45, 0.12, 0.14, 0.22};
    static const doc_align aligns[] = {DOC_MIDDLE, DOC_LEFT, DOC_MIDDLE, DOC_MIDDLE, DOC_LEFT};
    doc_table *table = doc_table_add(d, "Các nhiệm vụ quá hạn", 5, headers, widths, aligns);
    json_array_foreach(overdue, i, t)
    {
        char n[24], due[16];
        snprintf(n, sizeof n, "%zu", i + 1);
        const char *occ = json_member_string(t, "occurrence");
        char *leads = agency_names(b, json_object_get(t, "lead"));
        doc_table_row(
            d, table,
            (const char *const[]){n, json_member_string(t, "title"), occ ? occ : "",
                                  vn_short_date(due, sizeof due, json_member_string(t, "due_date")),
                                  leads});
        g_free(leads);
    }
}

/* --- II. results per section -------------------------------------------------------------------
 */

/* Adds the table of the tasks of `tasks` in section `code` (NULL: those in no known section). */
static void section_tasks(builder *b, const char *code, const char *title, const json_t *tasks)
{
    static const char *const headers[] = {"TT", "Nhiệm vụ", "Chủ trì", "Tình trạng",
                                          "Cập nhật trong kỳ"};
    static const double widths[] = {0.06, 0.38, 0.19, 0.15, 0.22};
    static const doc_align aligns[] = {DOC_MIDDLE, DOC_LEFT, DOC_LEFT, DOC_LEFT, DOC_LEFT};
    doc_table *table = NULL;
    size_t i, n = 0;
    const json_t *t;
    json_array_foreach(tasks, i, t)
    {
        const char *section = json_member_string(t, "section");
        bool known = false;
        size_t j;
        const json_t *s;
        json_array_foreach(b->sections, j, s)
        {
            known |= section && strcmp(section, json_member_string(s, "code")) == 0;
        }
        if (code ? !section || strcmp(section, code) != 0 : known)
            continue;
        if (!table) {
            doc_heading(b->d, 2, "%s%s%s", code ? code : "", code ? ". " : "", title);
            table = doc_table_add(b->d, NULL, 5, headers, widths, aligns);
        }
        char idx[24], status[96], update[1200];
        snprintf(idx, sizeof idx, "%zu", ++n);
        snprintf(status, sizeof status, "%s (%lld%%)",
                 vn_task_status(json_member_string(t, "status")),
                 (long long)json_integer_value(json_object_get(t, "percent_done")));
        const char *note = json_member_string(t, "last_update");
        if (note) {
            char on[16];
            snprintf(update, sizeof update, "%s (ngày %s)", note,
                     vn_short_date(on, sizeof on, json_member_string(t, "last_update_on")));
        } else {
            snprintf(update, sizeof update, "Chưa có cập nhật");
        }
        char *leads = agency_names(b, json_object_get(t, "lead"));
        doc_table_row(
            b->d, table,
            (const char *const[]){idx, json_member_string(t, "title"), leads, status, update});
        g_free(leads);
    }
}

static void results(builder *b)
{
    doc_heading(b->d, 1, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ");
    const json_t *tasks = json_object_get(b->f->body, "task_status");
    size_t i;
    const json_t *s;
    json_array_foreach(b->sections, i, s)
    {
        section_tasks(b, json_member_string(s, "code"), json_member_string(s, "title"), tasks);
    }
    section_tasks(b, NULL, "Nhiệm vụ khác", tasks);
    if (json_array_size(tasks) == 0)
        doc_paragraph(b->d, 0, "Chưa có nhiệm vụ nào bắt đầu trong kỳ.");
}

/* --- IV. pilot models --------------------------------------------------------------------------
 */

static void pilots(builder *b)
{
    doc_heading(b->d, 1, "IV. CÁC MÔ HÌNH THÍ ĐIỂM");
    const json_t *rows = json_object_get(b->f->body, "pilots");
    size_t i;
    const json_t *p;
    json_array_foreach(rows, i, p)
    {
        char sites[32], districts[32];
        const char *model = json_member_string(p, "model_type"), *model_name = model;
        size_t k;
        const json_t *s;
        json_array_foreach(b->sites, k, s)
        {
            if (strcmp(json_member_string(s, "model_type"), model) == 0)
                model_name = json_member_string(s, "model_name");
        }
        GString *line = g_string_new(NULL);
        g_string_append_printf(line,
                               "- Mô hình %s (kỳ %s): %s điểm thí điểm tại %s huyện, thị xã, "
                               "thành phố",
                               model_name, json_member_string(p, "period"),
                               report_doc_num(sites, sizeof sites, p, "sites"),
                               report_doc_num(districts, sizeof districts, p, "districts"));
        const char *op = json_member_string(p, "target_operator");
        if (op) {
            char target[32];
            g_string_append_printf(line, "; chỉ tiêu %s %s: %s", report_doc_operator(op),
                                   report_doc_num(target, sizeof target, p, "target_value"),
                                   vn_attainment(json_member_string(p, "attainment")));
        }
        g_string_append(line, ".");
        doc_paragraph(b->d, DOC_NO_INDENT, "%s", line->str);
        g_string_free(line, TRUE);
    }
    if (json_array_size(b->sites) == 0) {
        doc_paragraph(b->d, 0, "Chưa có điểm thí điểm nào trên địa bàn.");
        return;
    }
    static const char *const headers[] = {"TT", "Mô hình", "Điểm thí điểm", "Địa bàn",
                                          "Tình trạng"};
    static const double widths[] = {0.07, 0.33, 0.25, 0.17, 0.18};
    doc_table *table = doc_table_add(b->d, "Các điểm thí điểm", 5, headers, widths, NULL);
    const json_t *s;
    json_array_foreach(b->sites, i, s)
    {
        char n[24];
        snprintf(n, sizeof n, "%zu", i + 1);
        doc_table_row(b->d, table,
                      (const char *const[]){n, json_member_string(s, "model_name"),
                                            json_member_string(s, "name"),
                                            json_member_string(s, "district"),
                                            vn_pilot_status(json_member_string(s, "status"))});
    }
}

/* --- V. reporting completeness -----------------------------------------------------------------
 */

static void completeness(builder *b)
{
    doc_heading(b->d, 1, "V. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO");
    const json_t *rows = json_object_get(b->f->body, "completeness");
    if (json_array_size(rows) == 0) {
        doc_paragraph(b->d, 0, "Không có báo cáo nào phải nộp trong kỳ.");
        return;
    }
    static const char *const headers[] = {"Cơ quan, đơn vị", "Kỳ",   "Phải nộp", "Đã nộp",
                                          "Đúng hạn",        "Muộn", "Chưa nộp"};
    static const double widths[] = {0.31, 0.13, 0.11, 0.11, 0.12, 0.1, 0.12};
    static const doc_align aligns[] = {DOC_LEFT,  DOC_MIDDLE, DOC_RIGHT, DOC_RIGHT,
                                       DOC_RIGHT, DOC_RIGHT,  DOC_RIGHT};
    static const char *const counts[] = {"expected", "submitted", "on_time", "late", "missing"};
    doc_table *table = doc_table_add(b->d, NULL, 7, headers, widths, aligns);
    doc_chart *c = doc_chart_add(b->d, DOC_CHART_STACKED,
                                 "Biểu đồ: tình hình nộp báo cáo theo cơ quan, đơn vị",
                                 "Số báo cáo", json_array_size(rows), 3, 1);
    if (c) {
        doc_chart_series(b->d, c, 0, "Đúng hạn");
        doc_chart_series(b->d, c, 1, "Muộn");
        doc_chart_series(b->d, c, 2, "Chưa nộp");
    }
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r)
    {
        char v[5][32];
        for (int k = 0; k < 5; k++)
            report_doc_num(v[k], sizeof v[k], r, counts[k]);
        const char *code = json_member_string(r, "agency");
        doc_table_row(b->d, table,
                      (const char *const[]){agency_name(b, code), json_member_string(r, "period"),
                                            v[0], v[1], v[2], v[3], v[4]});
        if (!c)
            continue;
        char label[96];
        snprintf(label, sizeof label, "%s %s", code, json_member_string(r, "period"));
        doc_chart_cat(b->d, c, i, label);
        for (int k = 0; k < 3; k++)
            *doc_chart_value(c, (size_t)k, i) =
                report_doc_number(json_object_get(r, counts[k + 2]));
        double expected = report_doc_number(json_object_get(r, "expected"));
        if (expected > c->ymax)
            c->ymax = expected;
    }
}

/* --- VI. funding -------------------------------------------------------------------------------
 */

static void funding(builder *b)
{
    doc_heading(b->d, 1, "VI. KINH PHÍ THỰC HIỆN");
    const json_t *rows = json_object_get(b->f->body, "funding");
    if (json_array_size(rows) == 0) {
        doc_paragraph(b->d, 0, "Chưa có kinh phí được giao hoặc khoản chi nào trong kỳ.");
        return;
    }
    static const char *const headers[] = {"Cơ quan, đơn vị", "Kinh phí được giao (đồng)",
                                          "Đã chi trong kỳ (đồng)", "Số khoản chi",
                                          "Chi vượt dự toán"};
    static const double widths[] = {0.34, 0.2, 0.2, 0.13, 0.13};
    static const doc_align aligns[] = {DOC_LEFT, DOC_RIGHT, DOC_RIGHT, DOC_RIGHT, DOC_RIGHT};
    static const char *const amounts[] = {"allocated", "spent"};
    static const char *const counts[] = {"entries", "over_allocation_entries"};
    doc_table *table = doc_table_add(b->d, NULL, 5, headers, widths, aligns);
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r)
    {
        char v[4][40];
        for (int k = 0; k < 2; k++)
            vn_number(v[k], sizeof v[k], report_doc_number(json_object_get(r, amounts[k])), 0);
        for (int k = 0; k < 2; k++)
            report_doc_num(v[k + 2], sizeof v[k + 2], r, counts[k]);
        doc_table_row(b->d, table,
                      (const char *const[]){agency_name(b, json_member_string(r, "agency")), v[0],
                                            v[1], v[2], v[3]});
    }
}

/* --- VII. the next period ----------------------------------------------------------------------
 */

static void next_period(builder *b, const period *next)
{
    char phrase[64];
    doc_heading(b->d, 1, "VII. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI");
    doc_paragraph(b->d, 0, "Trong %s, các nhiệm vụ sau đến hạn:",
                  vn_period_phrase(phrase, sizeof phrase, next));
    size_t i;
    const json_t *t;
    json_array_foreach(b->due_next, i, t)
    {
        char due[16];
        const char *occ = json_member_string(t, "occurrence");
        char *leads = agency_names(b, json_object_get(t, "lead"));
        doc_paragraph(b->d, DOC_NO_INDENT, "- %s%s%s%s, hạn ngày %s; chủ trì: %s.",
                      json_member_string(t, "title"), occ ? " (kỳ " : "", occ ? occ : "",
                      occ ? ")" : "",
                      vn_short_date(due, sizeof due, json_member_string(t, "due_date")), leads);
        g_free(leads);
    }
    if (json_array_size(b->due_next) == 0)
        doc_paragraph(b->d, 0, "Không có nhiệm vụ nào đến hạn trong kỳ tới.");
}

/* --- the whole ---------------------------------------------------------------------------------
 */

/* Reads what the document needs beyond the report itself. */
static pm_status read_facts(builder *b, const report_doc_options *o, const period *next,
                            json_t **recipients, pm_error *err)
{
    const report_facts *f = b->f;
    PGconn *db;
    char from[11], to[11];
    period_date_text(next->start, from);
    period_date_text(next->end, to);
    pm_status st;
    if ((st = ctx_db(b->ctx, &db, err)) ||
        (st = report_doc_repo_issuer(db, o->agency, f->scope->unit, f->moment->plan, &b->issuer,
                                     err)) ||
        (st = report_doc_repo_sections(db, f->moment->plan, &b->sections, err)) ||
        (st = report_doc_repo_pilot_sites(db, f->moment->plan, f->scope->unit, f->moment->day,
                                          f->moment->moment, &b->sites, err)) ||
        (st = report_doc_repo_recipients(db, json_member_string(b->issuer, "code"),
                                         period_type_names[f->period->type], recipients, err)) ||
        (st = report_repo_due_next(db, f->moment, from, to, &b->due_next, err)) ||
        (st =
             report_repo_indicators(db, f->moment->plan, f->moment->moment, &b->indicators, err)) ||
        (st = report_doc_repo_unit_names(db, f->scope->unit, &b->districts, err)))
        return st;
    json_auto_t *codes = json_array();
    static const char *const lists[] = {"task_status", "overdue"};
    for (int l = 0; l < 2; l++) {
        size_t i;
        const json_t *t;
        json_array_foreach(json_object_get(f->body, lists[l]), i, t)
        {
            gather_codes(codes, json_object_get(t, "lead"));
        }
    }
    size_t i;
    const json_t *t;
    json_array_foreach(b->due_next, i, t)
    {
        gather_codes(codes, json_object_get(t, "lead"));
    }
    json_array_foreach(json_object_get(f->body, "completeness"), i, t)
    {
        json_array_append(codes, json_object_get(t, "agency"));
    }
    json_array_foreach(json_object_get(f->body, "funding"), i, t)
    {
        json_array_append(codes, json_object_get(t, "agency"));
    }
    return names_repo_agencies(db, codes, &b->names, err);
}

pm_status report_document_build(http_ctx *ctx, const report_facts *facts,
                                const report_doc_options *options, document **out, char *issuer,
                                size_t issuer_size, pm_error *err)
{
    builder b = {.ctx = ctx, .f = facts};
    json_auto_t *recipients = NULL;
    period next;
    if (!period_following(facts->period, ctx->app->cfg->report_due_days, &next))
        next = *facts->period;
    pm_status st = read_facts(&b, options, &next, &recipients, err);
    if (st == PM_OK && !(b.d = document_new()))
        st = pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
    if (st == PM_OK) {
        snprintf(issuer, issuer_size, "%s", json_member_string(b.issuer, "code"));
        frame(&b, options, recipients);
        general(&b);
        results(&b);
        st = report_indicators_section(
            ctx, facts, b.d, b.indicators, b.districts,
            (int)json_integer_value(json_object_get(b.issuer, "plan_first_year")), err);
    }
    if (st == PM_OK) {
        pilots(&b);
        completeness(&b);
        funding(&b);
        next_period(&b, &next);
        if (b.d->failed)
            st = pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
    }
    json_t *owned[] = {b.issuer,   b.names,      b.sections, b.sites,
                       b.due_next, b.indicators, b.districts};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        json_decref(owned[i]);
    if (st != PM_OK) {
        document_free(b.d);
        return st;
    }
    *out = b.d;
    return PM_OK;
}

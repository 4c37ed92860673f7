/* reports_http.c: the 6-monthly and annual reports (see reports_http.h). */
#include "resources/reports_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/clock.h"
#include "domain/csv.h"
#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "render/docx.h"
#include "render/fonts.h"
#include "render/pdf.h"
#include "resources/analytics_http.h"
#include "resources/export.h"
#include "resources/report_scope.h"
#include "resources/obligations_repo.h"
#include "resources/periods_http.h"
#include "resources/report_document.h"
#include "resources/report_tables.h"
#include "resources/report_workbook.h"
#include "resources/reports_repo.h"

static const char *const params[] = {"as_of",        "plan",        "unit",   "format",
                                     "table",        "agency",      "number", "date",
                                     "signer_title", "signer_name", "lang",   NULL};
static const char *const formats[] = {"json", "csv", "pdf", "docx", "xlsx", NULL};

/* What the report is answered as: ?format=, else the first of these Accept names. */
typedef enum { OUT_JSON, OUT_CSV, OUT_PDF, OUT_DOCX, OUT_XLSX } output;
static const char pdf_type[] = "application/pdf";
static const char docx_type[] =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

static civil_date parse_day(const char *text)
{
    civil_date d = {1970, 1, 1};
    sscanf(text, "%4d-%2d-%2d", &d.year, &d.month, &d.day);
    return d;
}

/* The output `format` names, or else the one `accept` asks for (JSON when it names none). */
static output output_of(const char *format, const char *accept)
{
    if (format)
        return strcmp(format, "csv") == 0    ? OUT_CSV
               : strcmp(format, "pdf") == 0  ? OUT_PDF
               : strcmp(format, "docx") == 0 ? OUT_DOCX
               : strcmp(format, "xlsx") == 0 ? OUT_XLSX
                                             : OUT_JSON;
    if (accept && strstr(accept, pdf_type))
        return OUT_PDF;
    if (accept && strstr(accept, docx_type))
        return OUT_DOCX;
    if (accept && strstr(accept, xlsx_type))
        return OUT_XLSX;
    if (accept && strstr(accept, "text/csv"))
        return OUT_CSV;
    return OUT_JSON;
}

/* Reads the document's own parameters; refuses them for JSON and CSV, and an issuing agency
 * outside the caller's scope. */
static pm_status document_options(http_ctx *ctx, output out, report_doc_options *o, pm_error *err)
{
    pm_status st;
    if ((st = req_query_text(ctx, "agency", 32, &o->agency, err)) ||
        (st = req_query_text(ctx, "number", 20, &o->number, err)) ||
        (st = req_query_date(ctx, "date", &o->date, err)) ||
        (st = req_query_text(ctx, "signer_title", 200, &o->signer_title, err)) ||
        (st = req_query_text(ctx, "signer_name", 100, &o->signer_name, err)))
        return st;
    if (out != OUT_PDF && out != OUT_DOCX &&
        (o->agency || o->number || o->date || o->signer_title || o->signer_name))
        return pm_fail_field(err, PM_INVALID_PARAMETER, "format", "invalid",
                             MSG("agency, number, date, signer_title and signer_name shape a "
                                 "document: ask for format=pdf or format=docx."));
    if (o->agency && !validate_code(o->agency))
        return pm_fail_field(err, PM_INVALID_PARAMETER, "agency", "invalid",
                             MSG("agency must be an agency code"));
    if (o->number && !validate_symbol_part(o->number))
        return pm_fail_field(err, PM_INVALID_PARAMETER, "number", "invalid",
                             MSG("number must be letters and digits, without blanks, '/' or '-'"));
    if (o->agency && !access_may_issue_report_as(&ctx->who, o->agency))
        return pm_fail(err, PM_FORBIDDEN,
                       MSG("Only editors may issue a report in the name of another agency."));
    return PM_OK;
}

/* Renders the report of `facts` as a PDF or DOCX with one of the server's font maps (503 when
 * all are in use) and answers it as a file named after the period and the issuing agency. */
static pm_status reply_document(http_ctx *ctx, const report_facts *facts,
                                const report_doc_options *o, output out, pm_error *err)
{
    PangoFontMap *map = render_fonts_take(ctx->app->fonts);
    if (!map)
        return pm_fail(err, PM_UNAVAILABLE,
                       MSG("As many documents as the server renders at once are being rendered; "
                           "try again shortly."));
    document *doc = NULL;
    char issuer[AGENCY_CODE_MAX];
    render_bytes bytes = {0};
    pm_status st = report_document_build(ctx, facts, o, &doc, issuer, sizeof issuer, err);
    bool ok = st == PM_OK &&
              (out == OUT_PDF ? render_pdf(doc, map, &bytes) : render_docx(doc, map, &bytes));
    render_fonts_put(ctx->app->fonts, map);
    document_free(doc);
    if (st != PM_OK)
        return st;
    if (!ok)
        return pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
    char disposition[128];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"bao-cao-%s-%s.%s\"",
             facts->period->id, issuer, out == OUT_PDF ? "pdf" : "docx");
    reply_header(ctx, "Content-Disposition", disposition);
    reply_bytes(ctx, 200, (const char *)bytes.data, bytes.len,
                out == OUT_PDF ? pdf_type : docx_type);
    free(bytes.data);
    return PM_OK;
}

/* The report as an XLSX workbook: a sheet "Thông tin" (plan, period, unit, as_of, who exported it
 * and when), then a sheet per table, the headers in `lang` (NULL: English when Accept-Language
 * asks for it, else Vietnamese). */
static pm_status reply_workbook(http_ctx *ctx, const json_t *body, const period *report,
                                const char *lang, pm_error *err)
{
    render_bytes bytes = {0};
    pm_status st = report_workbook(ctx, body, export_english(ctx, lang), &bytes, err);
    if (st != PM_OK)
        return st;
    char filename[64];
    snprintf(filename, sizeof filename, "bao-cao-%s.xlsx", report->id);
    export_reply_xlsx(ctx, filename, &bytes);
    return PM_OK;
}

pm_status reports_get(http_ctx *ctx, pm_error *err)
{
    const char *id = req_path(ctx, "period"), *as_of = NULL, *plan_param = NULL, *unit = NULL,
               *format = NULL, *table = NULL, *lang = NULL;
    char state_day[11], start[11], end[11];
    json_auto_t *shape = NULL, *plan = NULL, *indicators = json_array(), *pilots = json_array(),
                *tasks = NULL, *task_status = NULL, *overdue = NULL, *updates = NULL,
                *completeness = NULL, *yearly = NULL, *funding = NULL, *body = NULL;
    period report;
    report_doc_options doc = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) ||
        (st = req_query_time(ctx, "as_of", REQ_DAY_KEPT, &as_of, err)) ||
        (st = req_query_id(ctx, "plan", &plan_param, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &unit, err)) ||
        (st = req_query_enum(ctx, "format", formats, &format, err)) ||
        (st = req_query_text(ctx, "table", 20, &table, err)) ||
        (st = req_query_enum(ctx, "lang", export_langs, &lang, err)) ||
        (st = periods_shape(ctx, "period", id, &shape, err)))
        return st;
    period_parse(id, ctx->app->cfg->report_due_days, &report);
    if (report.type == PERIOD_MONTHLY || report.type == PERIOD_QUARTERLY)
        return pm_fail_field(
            err, PM_INVALID_PARAMETER, "period", "invalid",
            MSG("Reports cover a 6-month or annual period (2017VNS1, 2017VN, 2017S1 "
                "or 2017)."));
    output out = output_of(format, req_header(ctx, "Accept"));
    if ((st = document_options(ctx, out, &doc, err)))
        return st;
    const report_table *chosen = report_table_named(table);
    if ((table && !chosen) || (out == OUT_CSV && !chosen))
        return pm_fail_field(err, PM_INVALID_PARAMETER, "table", table ? "invalid" : "required",
                             out == OUT_CSV
                                 ? MSG("table must be one of indicators, tasks, task_status, "
                                       "overdue, pilots, completeness, updates, funding (CSV "
                                       "gives one table per request)")
                                 : MSG("table must be one of indicators, tasks, task_status, "
                                       "overdue, pilots, completeness, updates, funding"));
    if (table && (out == OUT_PDF || out == OUT_DOCX || out == OUT_XLSX))
        return pm_fail_field(err, PM_INVALID_PARAMETER, "table", "invalid",
                             MSG("A document holds every table: leave table out."));
    period_date_text(report.start, start);
    period_date_text(report.end, end);
    report_subject subject;
    st = report_subject_load(ctx, as_of, plan_param, unit, end, &subject, err);
    plan = subject.plan;
    if (st != PM_OK || (st = ctx_db(ctx, &db, err)))
        return st;
    const char *moment = subject.moment, *day = subject.day;
    /* The state is taken at the end of the period's last day, or of as_of's day when earlier;
     * what planmon knew, at as_of. */
    snprintf(state_day, sizeof state_day, "%s", strcmp(day, end) > 0 ? end : day);
    report_moment m = {.plan = subject.plan_id, .moment = moment, .day = state_day, .start = start};
    analytics_scope scope = {.unit = subject.unit, .as_of = moment, .today = parse_day(day)};
    json_auto_t *plan_indicators = NULL;
    if ((st = analytics_unit_level(ctx, scope.unit, &scope.unit_level, err)) ||
        (st = report_repo_indicators(db, subject.plan_id, moment, &plan_indicators, err)) ||
        (st = indicator_rows(ctx, plan_indicators, &report, &scope, false, indicators, pilots,
                             err)) ||
        (st = report_repo_task_counts(db, &m, &tasks, err)) ||
        (st = report_repo_task_status(db, &m, &task_status, err)) ||
        (st = report_repo_overdue(db, &m, &overdue, err)) ||
        (st = report_repo_updates(db, &m, &updates, err)) ||
        (st = submission_repo_completeness(db, &report, NULL, moment, &completeness, err)))
        return st;
    char budget_year[8];
    snprintf(budget_year, sizeof budget_year, "%.4s", end);
    if ((st = report_repo_funding(db, &m, budget_year, &funding, err)))
        return st;
    if (report.type == PERIOD_VN_YEARLY) { /* yearly obligations report the calendar year */
        char year[8];
        period calendar;
        snprintf(year, sizeof year, "%04d", report.year);
        period_parse(year, ctx->app->cfg->report_due_days, &calendar);
        if ((st = submission_repo_completeness(db, &calendar, NULL, moment, &yearly, err)))
            return st;
        json_array_extend(completeness, yearly);
    }
    /* Names beside codes, one lookup per kind for every table's rows (the rows are shared, so
     * the names land in the tables) and the report's unit; pilots name their indicator. */
    static const char *const codes[] = {"agency", "lead", "unit", NULL};
    static const char *const indicator[] = {"indicator", NULL};
    json_auto_t *whole = json_pack("{s:s}", "unit", subject.unit), *rows = json_array();
    json_t *tables[] = {indicators, tasks, task_status, overdue, completeness, updates, funding};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        json_array_extend(rows, tables[i]);
    json_array_append(rows, whole);
    if ((st = export_add_names(db, rows, codes, err)) ||
        (st = export_add_names(db, pilots, indicator, err)))
        return st;
    body = json_pack("{s:O, s:s, s:O, s:s, s:O?, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "period",
                     shape, "as_of", moment, "plan", plan, "unit", subject.unit, "unit_name",
                     json_object_get(whole, "unit_name"), "indicators", indicators, "tasks", tasks,
                     "task_status", task_status, "overdue", overdue, "pilots", pilots,
                     "completeness", completeness, "updates", updates, "funding", funding);
    if (out == OUT_PDF || out == OUT_DOCX) {
        report_facts facts = {.body = body,
                              .period = &report,
                              .scope = &scope,
                              .moment = &m,
                              .as_of_given = as_of != NULL};
        return reply_document(ctx, &facts, &doc, out, err);
    }
    if (out == OUT_XLSX)
        return reply_workbook(ctx, body, &report, lang, err);
    if (out == OUT_JSON) {
        if (chosen) {
            json_auto_t *one =
                json_pack("{s:O}", chosen->name, json_object_get(body, chosen->name));
            reply_json(ctx, 200, one, "application/json");
        } else {
            reply_json(ctx, 200, body, "application/json");
        }
        return PM_OK;
    }
    size_t len;
    const char *keys[REPORT_COLUMNS_MAX];
    report_table_keys(chosen, keys);
    char *text = csv_write(json_object_get(body, chosen->name), keys, chosen->ncolumns, true, &len);
    if (!text)
        return pm_fail(err, PM_INTERNAL, MSG("The report could not be written."));
    reply_bytes(ctx, 200, text, len, "text/csv; charset=utf-8");
    free(text);
    return PM_OK;
}

/* measurements_template_http.c: the entry template (see measurements_template_http.h). */
#include "resources/measurements_template_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "domain/period.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "render/xlsx.h"
#include "resources/indicators_repo.h"
#include "resources/measurements_import_http.h"
#include "resources/measurements_repo.h"

enum { MAX_INDICATORS = 10 };

static const char *const params[] = {"indicator", "period", "unit", NULL};
static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* The template's caption of import field `field` (measurement_import_columns), or of one of the
 * template's own columns by its English name. */
static const char *caption(const char *name)
{
    for (const import_column *c = measurement_import_columns; c->names[0]; c++)
        if ((c->field && strcmp(c->field, name) == 0) || strcmp(c->names[0], name) == 0)
            return c->names[2];
    return name;
}

/* The instructions sheet. */
static json_t *instructions(void)
{
    return json_pack(
        "[s, s, s, s, s, s, s]", "Hướng dẫn nhập số liệu",
        "1. Mỗi trang là một chỉ tiêu; mỗi dòng là một đơn vị trong phạm vi của cơ quan, đơn vị.",
        "2. Chỉ nhập vào cột Giá trị (hoặc Tử số và Mẫu số) và cột Ghi chú; các cột khác đã "
        "khóa.",
        "3. Chỉ tiêu đúng/sai: chọn TRUE (có) hoặc FALSE (không) trong danh sách.",
        "4. Dòng để trống không được nhập; số liệu đã duyệt (approved) không thay đổi được.",
        "5. Lưu tệp dạng .xlsx và gửi lên hệ thống: POST /v1/measurements/import (thử trước với "
        "dry_run=true).",
        "6. Cột Trạng thái cho biết số liệu đã nhập: draft (nháp), submitted (đã gửi), approved "
        "(đã duyệt).");
}

/* The rows of a percentage's template: the value split into numerator and denominator. */
static void split_fractions(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *v = json_object_get(row, "value");
        json_object_set(row, "numerator", json_object_get(v, "numerator"));
        json_object_set(row, "denominator", json_object_get(v, "denominator"));
        json_object_del(row, "value");
    }
}

/* Adds indicator `code`'s sheet to `book`: PM_NOT_FOUND naming indicator when there is none,
 * PM_VALIDATION_FAILED naming period when the period is not of its type. */
static pm_status add_sheet(http_ctx *ctx, PGconn *db, xlsx_book *book, const char *code,
                           const period *p, const char *unit, pm_error *err)
{
    json_auto_t *indicator = NULL, *rows = NULL;
    char end[11];
    period_date_text(p->end, end);
    pm_status st = indicator_repo_get(db, code, false, &indicator, err);
    if (st == PM_NOT_FOUND) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "unknown",
                             MSG("indicator names no indicator"));
    }
    if (st != PM_OK)
        return st;
    if (strcmp(json_member_string(indicator, "period_type"), period_type_names[p->type]) != 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "wrong_type",
                             MSG("period is not of the indicator's period type"));
    bool see_all = access_may_enter(&ctx->who, false);
    if ((st = measurement_repo_template(db, code, p->id, end, ctx->who.agency, see_all, unit, &rows,
                                        err)))
        return st;
    const char *type = json_member_string(indicator, "value_type");
    bool fraction = strcmp(type, "percentage") == 0;
    if (fraction)
        split_fractions(rows);
    const char *headers[9] = {caption("indicator"), caption("indicator_name"), caption("unit"),
                              caption("unit_name"), caption("period")};
    size_t n = 5;
    if (fraction) {
        headers[n++] = caption("numerator");
        headers[n++] = caption("denominator");
    } else {
        headers[n++] = caption("value");
    }
    headers[n++] = caption("comment");
    headers[n++] = caption("status");
    if (!xlsx_book_template(book, code, fraction ? "ratio" : type, headers, rows))
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    return PM_OK;
}

pm_status measurements_template(http_ctx *ctx, pm_error *err)
{
    const char *list = NULL, *period_id = NULL, *unit = NULL;
    period p;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) ||
        (st = req_query_text(ctx, "indicator", 64 * MAX_INDICATORS + MAX_INDICATORS, &list, err)) ||
        (st = req_query_text(ctx, "period", 11, &period_id, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &unit, err)))
        return st;
    if (!list || !period_id)
        return pm_fail_field(err, PM_INVALID_PARAMETER, list ? "period" : "indicator", "required",
                             MSG("The template needs indicator (codes parted by commas) and "
                                 "period."));
    if (!period_parse(period_id, ctx->app->cfg->report_due_days, &p))
        return pm_fail_field_with(err, PM_INVALID_PARAMETER, "period", "invalid",
                                  MSG("period is not a period id; the forms are %s"), period_forms);
    char codes[64 * MAX_INDICATORS + MAX_INDICATORS + 1];
    snprintf(codes, sizeof codes, "%s", list);
    xlsx_book *book = xlsx_book_new();
    if (!book)
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    int count = 0;
    char *save = NULL;
    st = ctx_db(ctx, &db, err);
    for (char *code = strtok_r(codes, ",", &save); st == PM_OK && code;
         code = strtok_r(NULL, ",", &save)) {
        if (++count > MAX_INDICATORS || !validate_code(code))
            st = pm_fail_field(err, PM_INVALID_PARAMETER, "indicator", "invalid",
                               MSG("indicator must be at most 10 indicator codes parted by "
                                   "commas"));
        else
            st = add_sheet(ctx, db, book, code, &p, unit, err);
    }
    json_auto_t *lines = instructions();
    if (st == PM_OK && !xlsx_book_lines(book, "Hướng dẫn", lines))
        st = pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    if (st != PM_OK) {
        xlsx_book_free(book);
        return st;
    }
    render_bytes bytes = {0};
    if (!xlsx_book_finish(book, &bytes))
        return pm_fail(err, PM_INTERNAL, MSG("The export could not be written."));
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"mau-nhap-%s.xlsx\"", p.id);
    reply_header(ctx, "Content-Disposition", disposition);
    reply_bytes(ctx, 200, (const char *)bytes.data, bytes.len, xlsx_type);
    free(bytes.data);
    return PM_OK;
}

/* analytics_http.c: GET /v1/analytics (see analytics_http.h). */
#include "resources/analytics_http.h"

#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "domain/clock.h"
#include "domain/period.h"
#include "domain/rollup.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/analytics_repo.h"
#include "resources/export.h"
#include "resources/archive_http.h"
#include "resources/indicators_http.h"
#include "resources/indicators_repo.h"

enum { MAX_PERIODS = 60 };

static const char *const params[] = {"indicator",          "period", "unit", "level",
                                     "include_unapproved", "format", "lang", NULL};
static const char *const export_formats[] = {"json", "xlsx", NULL};

/* The analytics workbook's columns. */
static const export_column item_columns[] = {
    {"indicator", "Mã chỉ tiêu", "Indicator", XLSX_TEXT, 22},
    {"indicator_name", "Tên chỉ tiêu", "Indicator name", XLSX_TEXT, 50},
    {"unit", "Mã đơn vị", "Unit", XLSX_TEXT, 10},
    {"unit_name", "Tên đơn vị", "Unit name", XLSX_TEXT, 28},
    {"period", "Kỳ", "Period", XLSX_TEXT, 10},
    {"numerator", "Tử số", "Numerator", XLSX_NUMBER, 10},
    {"denominator", "Mẫu số", "Denominator", XLSX_NUMBER, 10},
    {"value", "Giá trị", "Value", XLSX_NUMBER, 10},
    {"units_reporting", "Đơn vị có số liệu", "Units reporting", XLSX_INT, 12},
    {"units_expected", "Đơn vị phải báo cáo", "Units expected", XLSX_INT, 12},
    {"attainment", "Đánh giá", "Attainment", XLSX_TEXT, 14},
};

/* Splits "2017,2018" into periods (at most MAX_PERIODS), each checked. */
static pm_status parse_periods(const http_ctx *ctx, const char *list, period *out, int *count,
                               pm_error *err)
{
    char id[16];
    *count = 0;
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof id || *count == MAX_PERIODS)
            return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "invalid",
                                 MSG("period lists 1 to %d period ids separated by commas"),
                                 MAX_PERIODS);
        memcpy(id, s, n);
        id[n] = '\0';
        if (!period_parse(id, ctx->app->cfg->report_due_days, &out[*count]))
            return pm_fail_field_named(err, PM_INVALID_PARAMETER, "period", "invalid",
                                       MSG("%.15s is not a period id; the forms are %s"), id,
                                       period_forms);
        (*count)++;
        s += n + (s[n] == ',');
        if (s[-1] == ',' && !*s)
            return pm_fail_field(err, PM_INVALID_PARAMETER, "period", "invalid",
                                 MSG("period ends with a comma"));
    }
    return PM_OK;
}

int analytics_indicator_level(const json_t *indicator)
{
    const char *level = json_member_string(indicator, "level");
    if (level && strcmp(level, "commune") == 0)
        return 3;
    return level && strcmp(level, "district") == 0 ? 2 : 1;
}

pm_status analytics_unit_level(http_ctx *ctx, const char *unit, int *level, pm_error *err)
{
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = analytics_repo_unit_level(db, unit, level, err);
    if (st == PM_OK && !*level)
        st = pm_fail_field(err, PM_INVALID_PARAMETER, "unit", "unknown",
                           MSG("unit names no administrative unit"));
    return st;
}

pm_status analytics_items(http_ctx *ctx, const json_t *indicator, const period *periods, int count,
                          const analytics_scope *scope, json_t *items, pm_error *err)
{
    PGconn *db;
    const char *code = json_member_string(indicator, "code");
    const char *rollup = json_member_string(indicator, "rollup");
    json_auto_t *targets = NULL;
    int unit_level = scope->unit_level, level = scope->level;
    pm_status st;
    if (strcmp(rollup, "none") == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "indicator", "no_rollup",
                             MSG("This indicator is not rolled up (its values are texts)."));
    int indicator_level = analytics_indicator_level(indicator);
    if (scope->unit && !unit_level &&
        (st = analytics_unit_level(ctx, scope->unit, &unit_level, err)))
        return st;
    int lowest = scope->unit ? unit_level : 1; /* without a unit: the country, above provinces */
    if (!level)
        level = lowest;
    if (level < lowest || level > indicator_level)
        return pm_fail_field(
            err, PM_INVALID_PARAMETER, "level", "invalid",
            MSG("level must be from the unit's level (%d) to the indicator's (%d)"), lowest,
            indicator_level);
    if ((st = ctx_db(ctx, &db, err)) || (st = target_repo_all(db, code, &targets, err)))
        return st;
    char threshold[40] = "";
    const json_t *t = json_object_get(indicator, "threshold");
    if (json_is_number(t))
        snprintf(threshold, sizeof threshold, "%.15g", json_number_value(t));
    bool share = strcmp(rollup, "share") == 0;
    for (int i = 0; i < count; i++) {
        char start[11], end[11], census[11];
        period_date_text(periods[i].start, start);
        period_date_text(periods[i].end, end);
        period_date_text(rollup_census_day(&periods[i]), census);
        rollup_query q = {
            .indicator = code,
            .rollup = rollup,
            .period = periods[i].id,
            .period_start = start,
            .period_end = end,
            .census_day = census,
            .unit = scope->unit,
            .level = level,
            .indicator_level = indicator_level,
            .threshold = threshold[0] ? threshold : NULL,
            .model_type = json_member_string(indicator, "pilot_model_type"),
            .include_unapproved = scope->include_unapproved,
            .as_of = scope->as_of,
        };
        json_auto_t *rows = NULL;
        if ((st = analytics_repo_rollup(db, &q, &rows, err)))
            return st;
        int sub = rollup_subperiods(json_member_string(indicator, "period_type"), &periods[i]);
        size_t r;
        json_t *row;
        json_array_foreach(rows, r, row)
        {
            json_t *item = rollup_item(row, rollup, json_member_string(indicator, "value_type"),
                                       &periods[i], sub);
            json_auto_t *fitting =
                rollup_applicable_targets(targets, json_member_string(item, "unit"), &periods[i]);
            rollup_attain(item, fitting, share, strcmp(rollup, "pilot_registry") == 0, &periods[i],
                          scope->today);
            json_array_append_new(items, item);
        }
    }
    return PM_OK;
}

/* The items of each asked period, through the one mapping from report period to indicator
 * period (period_for_indicator): an item of a mapped period names the asked one as
 * report_period. */
static pm_status indicator_items(http_ctx *ctx, const json_t *indicator, const period *asked,
                                 int count, const analytics_scope *scope, json_t *items,
                                 pm_error *err)
{
    const char *type_name = json_member_string(indicator, "period_type");
    period_type type;
    if (!period_type_named(type_name, &type))
        return pm_fail(err, PM_INTERNAL, MSG("The request could not be completed."));
    for (int i = 0; i < count; i++) {
        period p;
        if (!period_for_indicator(type, &asked[i], ctx->app->cfg->report_due_days, &p))
            return pm_fail_field(err, PM_VALIDATION_FAILED, "period", "finer_than_indicator",
                                 MSG("%s is finer than the indicator's periods (%s); ask for one "
                                     "of its periods or a report period"),
                                 asked[i].id, type_name);
        size_t before = json_array_size(items);
        pm_status st = analytics_items(ctx, indicator, &p, 1, scope, items, err);
        if (st != PM_OK)
            return st;
        for (size_t k = before; strcmp(p.id, asked[i].id) != 0 && k < json_array_size(items); k++)
            json_object_set_new(json_array_get(items, k), "report_period",
                                json_string(asked[i].id));
    }
    return PM_OK;
}

pm_status analytics_get(http_ctx *ctx, pm_error *err)
{
    const char *code = NULL, *periods_text = NULL, *format = NULL, *lang = NULL;
    analytics_scope scope = {.today = clock_today()};
    int count = 0;
    period periods[MAX_PERIODS];
    json_auto_t *indicator = NULL, *items = json_array();
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) ||
        (st = req_query_text(ctx, "indicator", 64, &code, err)) ||
        (st = req_query_text(ctx, "period", 1000, &periods_text, err)) ||
        (st = req_query_digits(ctx, "unit", 5, &scope.unit, err)) ||
        (st = req_query_int(ctx, "level", 1, 3, &scope.level, err)) ||
        (st = req_query_bool(ctx, "include_unapproved", &scope.include_unapproved, err)) ||
        (st = req_query_enum(ctx, "format", export_formats, &format, err)) ||
        (st = req_query_enum(ctx, "lang", export_langs, &lang, err)))
        return st;
    static const char *const required[] = {"indicator", "period"};
    const char *given[] = {code, periods_text};
    for (int i = 0; i < 2; i++)
        if (!given[i])
            return pm_fail_field(err, PM_INVALID_PARAMETER, required[i], "required",
                                 MSG("%s is required"), required[i]);
    if (scope.include_unapproved && !access_rolls_up_unapproved(&ctx->who))
        return pm_fail_field(err, PM_FORBIDDEN, "include_unapproved", "forbidden",
                             MSG("Only admins and coordinators roll up data not yet approved."));
    if ((st = parse_periods(ctx, periods_text, periods, &count, err)) ||
        (st = indicators_load(ctx, code, false, &indicator, err)) ||
        (st = indicator_items(ctx, indicator, periods, count, &scope, items, err)))
        return st;
    static const char *const codes[] = {"unit", "indicator", NULL};
    PGconn *db;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        json_object_set(item, "indicator", json_object_get(indicator, "code"));
    }
    if ((st = ctx_db(ctx, &db, err)) || (st = export_add_names(db, items, codes, err)))
        return st;
    if (format && strcmp(format, "xlsx") == 0) {
        return export_reply_sheet(ctx, db, items, item_columns,
                                  sizeof item_columns / sizeof item_columns[0], "Tổng hợp",
                                  "Analytics", "analytics.xlsx", lang, err);
    }
    json_auto_t *body = json_pack("{s:O}", "items", items);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

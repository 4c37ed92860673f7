/* periods_http.c: GET /v1/periods/{id} (see periods_http.h). */
#include "resources/periods_http.h"

#include "domain/period.h"
#include "http/reply.h"
#include "http/request.h"

static const char *const no_params[] = {NULL};

pm_status periods_shape(const http_ctx *ctx, const char *field, const char *id, json_t **out,
                        pm_error *err)
{
    period p;
    if (!period_parse(id, ctx->app->cfg->report_due_days, &p))
        return pm_fail_field_named(err, PM_INVALID_PARAMETER, field, "invalid",
                                   MSG("%s is not a period id; the forms are %s"), field,
                                   period_forms);
    char start[11], end[11], cut_off[11], due[11];
    period_date_text(p.start, start);
    period_date_text(p.end, end);
    period_date_text(p.cut_off, cut_off);
    period_date_text(p.due, due);
    *out =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", p.id, "type", period_type_names[p.type],
                  "start", start, "end", end, "cut_off", cut_off, "due", due);
    return PM_OK;
}

pm_status periods_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *shape = NULL;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = periods_shape(ctx, "id", req_path(ctx, "id"), &shape, err)))
        return st;
    reply_object(ctx, shape);
    return PM_OK;
}

/* occurrences_http.c: a recurring task's occurrences over HTTP (see occurrences_http.h). */
#include "resources/occurrences_http.h"

#include <string.h>

#include "http/reply.h"
#include "http/request.h"
#include "resources/occurrences_repo.h"
#include "resources/tasks_http.h"

static const char *const params[] = {"from", "to", NULL};

pm_status task_occurrences_list(http_ctx *ctx, pm_error *err)
{
    const char *id = req_path(ctx, "id"), *from = NULL, *to = NULL;
    json_auto_t *items = NULL, *body = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, params, err)) ||
        (st = req_query_date(ctx, "from", &from, err)) ||
        (st = req_query_date(ctx, "to", &to, err)))
        return st;
    if (from && to && strcmp(from, to) > 0)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "to", "before_start",
                             MSG("to must be on or after from"));
    if ((st = tasks_may_read(ctx, id, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = occurrence_repo_list(db, id, from, to, &items, err)))
        return st;
    body = json_pack("{s:O}", "items", items);
    reply_json(ctx, 200, body, "application/json");
    return PM_OK;
}

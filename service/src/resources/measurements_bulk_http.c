/* measurements_bulk_http.c: imports as resources, review in bulk (see measurements_bulk_http.h). */
#include "resources/measurements_bulk_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/measurements_http.h"
#include "resources/measurements_repo.h"

enum { MAX_BULK = 10000 };

static const char *const no_params[] = {NULL};

/* Reads import `id` if the caller may: its own agency's, or any for those who read every draft;
 * PM_NOT_FOUND otherwise, as for a measurement the caller may not see. */
static pm_status read_import(http_ctx *ctx, PGconn *db, const char *id, json_t **out, pm_error *err)
{
    pm_status st = measurement_repo_get_import(db, id, out, err);
    if (st != PM_OK)
        return st;
    const char *agency = json_member_string(*out, "agency");
    if (access_reads_all_drafts(&ctx->who) || (agency && strcmp(agency, ctx->who.agency) == 0))
        return PM_OK;
    json_decref(*out);
    *out = NULL;
    return pm_fail(err, PM_NOT_FOUND, MSG("There is no such import."));
}

pm_status measurement_imports_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *import = NULL;
    PGconn *db;
    pm_status st;
    char id[24];
    const char *path = req_path(ctx, "id");
    if ((st = req_check_query(ctx, no_params, err)))
        return st;
    size_t len = strlen(path);
    if (len == 0 || len > 18 || path[strspn(path, "0123456789")])
        return pm_fail(err, PM_NOT_FOUND, MSG("There is no such import."));
    snprintf(id, sizeof id, "%s", path);
    if ((st = ctx_db(ctx, &db, err)) || (st = read_import(ctx, db, id, &import, err)))
        return st;
    reply_object(ctx, import);
    return PM_OK;
}

/* The ids the body names: {"ids": [1..MAX_BULK positive integers]} or {"import": id} (the
 * measurements that import wrote); a new array of integers into *out. */
static pm_status named_ids(http_ctx *ctx, PGconn *db, const json_t *body, json_t **out,
                           pm_error *err)
{
    const json_t *ids = json_object_get(body, "ids"), *import = json_object_get(body, "import");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "ids") != 0 && strcmp(key, "import") != 0)
            return pm_fail_field(err, PM_BAD_REQUEST, key, "unknown_field",
                                 MSG("%.64s is not a field of a bulk step"), key);
    }
    if (!ids == !import)
        return pm_fail_field(err, PM_VALIDATION_FAILED, ids ? "import" : "ids", "required",
                             MSG("Name the measurements with ids, or an import with import "
                                 "(one of the two)."));
    if (import) {
        if (!json_is_integer(import) || json_integer_value(import) < 1)
            return pm_fail_field(err, PM_VALIDATION_FAILED, "import", "type",
                                 MSG("import must be an import's id"));
        char id[24];
        snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT, json_integer_value(import));
        json_auto_t *record = NULL;
        pm_status st = read_import(ctx, db, id, &record, err);
        if (st == PM_NOT_FOUND) {
            pm_error_reset(err);
            return pm_fail_field(err, PM_VALIDATION_FAILED, "import", "unknown",
                                 MSG("import names no import"));
        }
        if (st != PM_OK)
            return st;
        *out = json_incref(json_object_get(record, "measurements"));
        return PM_OK;
    }
    size_t n = json_array_size(ids), i;
    if (!json_is_array(ids) || n == 0 || n > MAX_BULK)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "ids", "type",
                             MSG("ids must be a list of 1 to 10000 measurement ids"));
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return pm_fail_field(err, PM_VALIDATION_FAILED, "ids", "type",
                                 MSG("ids must be a list of 1 to 10000 measurement ids"));
    }
    *out = json_incref((json_t *)ids);
    return PM_OK;
}

pm_status measurements_bulk_transition(http_ctx *ctx, pm_error *err)
{
    const measurement_step *step = ctx->route->data;
    json_auto_t *body = NULL, *ids = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = ctx_begin(ctx, step->action, &db, err)) || (st = named_ids(ctx, db, body, &ids, err)))
        return st;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        char id[24];
        snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        if ((st = measurement_transition_one(ctx, db, step, id, NULL, err))) {
            char en[PM_DETAIL_MAX + 40], vi[PM_DETAIL_MAX + 40];
            snprintf(en, sizeof en, "measurement %s: %s", id, err->detail);
            snprintf(vi, sizeof vi, "số liệu %s: %s", id, err->detail_vi);
            return pm_fail_field_pair(err, st, "ids", "refused", en, vi); /* nothing written */
        }
    }
    if ((st = ctx_commit(ctx, err)))
        return st;
    json_auto_t *answer = json_pack("{s:s, s:I, s:O}", "status", step->to, "count",
                                    (json_int_t)json_array_size(ids), "ids", ids);
    reply_json(ctx, 200, answer, "application/json");
    return PM_OK;
}

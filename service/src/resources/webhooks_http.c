/* webhooks_http.c: webhooks over HTTP (see webhooks_http.h). */
#include "resources/webhooks_http.h"

#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "notify/signature.h"
#include "notify/target.h"
#include "resources/agencies_repo.h"
#include "resources/webhooks_repo.h"

const char *const webhook_event_kinds[] = {
    /* object changes: every change of the collection the change feed shows (users' are not
     * sent to webhooks) */
    "admin-units.changed",
    "agencies.changed",
    "documents.changed",
    "plans.changed",
    "sections.changed",
    "tasks.changed",
    "task-updates.changed",
    "indicators.changed",
    "targets.changed",
    "measurements.changed",
    "pilot-model-types.changed",
    "pilot-sites.changed",
    "pilot-site-statuses.changed",
    "reporting-obligations.changed",
    "submissions.changed",
    "funding-sources.changed",
    "budget-lines.changed",
    "disbursements.changed",
    /* workflow steps */
    "measurement.submitted",
    "measurement.approved",
    "measurement.returned",
    "submission.received",
    "submission.late",
    /* deadlines of task occurrences */
    "due_soon",
    "due_today",
    "overdue",
    NULL,
};

enum { MAX_EVENTS = 64 };

static pm_status event_kind(const char *name, const json_t *item, pm_error *err)
{
    return validate_enum_item(name, item, webhook_event_kinds, err);
}

static pm_status event_list(const char *name, const json_t *value, pm_error *err)
{
    if (json_is_array(value) && json_array_size(value) == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, name, "empty",
                             MSG("Name at least one event kind."));
    return validate_array(name, value, MAX_EVENTS, event_kind, err);
}

static bool url_shape_ok(const char *s)
{
    char host[TARGET_HOST_MAX];
    return target_host(s, host);
}

#define URL_FIELD(req)                           \
    V_CHECKED("url", req, 8, 2000, url_shape_ok, \
              MSG("an http or https URL with a host and no user name"))

static const field_spec create_fields[] = {
    URL_FIELD(true),
    V_CUSTOM("events", true, event_list),
    V_STRING("agency", false, 1, 32),
    V_INT("due_soon_days", false, 1, 60),
    V_STRING("description", false, 0, 500),
    V_SERVER("id"),
    V_SERVER("secret"),
    V_SERVER("enabled"),
    V_SERVER("disabled_reason"),
    V_SERVER("failures"),
    V_SERVER("created_by"),
    V_SERVER("version"),
    V_SERVER("created_at"),
    V_SERVER("updated_at"),
    V_END,
};

static const field_spec patch_fields[] = {
    URL_FIELD(false),
    V_CUSTOM("events", false, event_list),
    V_INT("due_soon_days", false, 1, 60),
    V_STRING("description", false, 0, 500),
    V_BOOL("enabled"),
    V_SERVER("id"),
    V_SERVER("agency"),
    V_SERVER("secret"),
    V_SERVER("disabled_reason"),
    V_SERVER("failures"),
    V_SERVER("created_by"),
    V_SERVER("version"),
    V_SERVER("created_at"),
    V_SERVER("updated_at"),
    V_END,
};

static const char *const no_params[] = {NULL};
static const char *const list_params[] = {"agency", PAGE_PARAMS, NULL};
static const char *const delivery_params[] = {"status", PAGE_PARAMS, NULL};
static const char *const delivery_states[] = {"pending", "delivered", "failed", NULL};

/* An id in a path: decimal digits, else there is no such object. */
static pm_status path_id(http_ctx *ctx, const char *name, const char **out, pm_error *err)
{
    const char *id = req_path(ctx, name);
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len > 18 || id[strspn(id, "0123456789")])
        return pm_fail(err, PM_NOT_FOUND, MSG("No resource at this path."));
    *out = id;
    return PM_OK;
}

/* The webhook of the path as the caller may manage it; PM_NOT_FOUND also when it may not (ids
 * of other agencies' webhooks cannot be probed). */
static pm_status load(http_ctx *ctx, PGconn *db, bool lock, json_t **out, pm_error *err)
{
    const char *id = NULL;
    pm_status st = path_id(ctx, "id", &id, err);
    if (st == PM_OK)
        st = webhook_repo_get(db, id, lock, out, err);
    if (st == PM_OK && !access_manages_webhook(&ctx->who, json_member_string(*out, "agency"))) {
        json_decref(*out);
        *out = NULL;
        st = pm_fail(err, PM_NOT_FOUND, MSG("There is no such webhook."));
    }
    return st;
}

pm_status webhooks_list(http_ctx *ctx, pm_error *err)
{
    const char *agency = NULL;
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_text(ctx, "agency", 32, &agency, err)) || (st = req_page(ctx, &page, err)))
        goto out;
    /* a manager sees its own agency's whatever it asks */
    if (!access_manages_webhook(&ctx->who, NULL))
        agency = agency && strcmp(agency, ctx->who.agency) != 0 ? "" : ctx->who.agency;
    if ((st = ctx_db(ctx, &db, err)) || (st = webhook_repo_list(db, agency, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status webhooks_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL, *found = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)))
        return st;
    /* a manager's webhook reads with its own agency's rights, named or not */
    const char *agency = json_member_string(body, "agency");
    if (!agency && !access_manages_webhook(&ctx->who, NULL))
        agency = ctx->who.agency;
    if (!access_manages_webhook(&ctx->who, agency))
        return pm_fail_field(err, PM_FORBIDDEN, "agency", "forbidden",
                             MSG("A manager registers webhooks for its own agency only."));
    if ((st = target_check(ctx->app->cfg, json_member_string(body, "url"), err)) ||
        (st = ctx_db(ctx, &db, err)))
        return st;
    if (agency && (st = agency_repo_get(db, agency, &found, err)) == PM_NOT_FOUND) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "agency", "unknown",
                             MSG("There is no agency %.40s."), agency);
    }
    if (st != PM_OK)
        return st;
    char secret[WEBHOOK_SECRET_SIZE], id[24];
    if (!webhook_secret_new(secret))
        return pm_fail(err, PM_INTERNAL, MSG("The system's random source failed."));
    json_t *days = json_object_get(body, "due_soon_days");
    webhook_new w = {
        .url = json_member_string(body, "url"),
        .agency = agency,
        .description = json_member_string(body, "description"),
        .secret = secret,
        .created_by = ctx->who.username,
        .events = json_object_get(body, "events"),
        .due_soon_days = days ? (int)json_integer_value(days) : 3,
    };
    if ((st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = webhook_repo_create(db, &w, id, sizeof id, err)) ||
        (st = webhook_repo_get(db, id, false, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[64];
    snprintf(location, sizeof location, "/v1/webhooks/%s", id);
    reply_created_once(ctx, location, created, "secret", secret);
    return PM_OK;
}

pm_status webhooks_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *webhook = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = load(ctx, db, false, &webhook, err)))
        return st;
    reply_object(ctx, webhook);
    return PM_OK;
}

pm_status webhooks_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (json_object_get(patch, "url") &&
         (st = target_check(ctx->app->cfg, json_member_string(patch, "url"), err))) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load(ctx, db, true, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)))
        return st;
    const char *id = req_path(ctx, "id");
    json_int_t version = json_integer_value(json_object_get(current, "version"));
    if ((st = webhook_repo_update(db, id, version, patch, err)) ||
        (st = webhook_repo_get(db, id, false, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

pm_status webhooks_delete(http_ctx *ctx, pm_error *err)
{
    json_auto_t *current = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = load(ctx, db, true, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)) ||
        (st = webhook_repo_delete(db, req_path(ctx, "id"), err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_bytes(ctx, 204, "", 0, NULL);
    return PM_OK;
}

pm_status webhooks_deliveries(http_ctx *ctx, pm_error *err)
{
    json_auto_t *webhook = NULL;
    const char *status = NULL;
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, delivery_params, err)) ||
        (st = req_query_enum(ctx, "status", delivery_states, &status, err)) ||
        (st = req_page(ctx, &page, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = load(ctx, db, false, &webhook, err)) ||
        (st = webhook_repo_deliveries(db, req_path(ctx, "id"), status, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

pm_status webhooks_redeliver(http_ctx *ctx, pm_error *err)
{
    json_auto_t *webhook = NULL, *delivery = NULL;
    const char *delivery_id = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) ||
        (st = path_id(ctx, "delivery", &delivery_id, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load(ctx, db, false, &webhook, err)) ||
        (st = webhook_repo_redeliver(db, req_path(ctx, "id"), delivery_id, &delivery, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    reply_json(ctx, 202, delivery, "application/json");
    return PM_OK;
}

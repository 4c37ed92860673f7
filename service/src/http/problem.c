/* problem.c: pm_status -> HTTP problem mapping (see problem.h). */
#include "http/problem.h"

#include <stdio.h>

#include "jsonutil.h"
#include "messages.h"

static const struct {
    int http;
    const char *code;
    const char *title;
} problems[PM_STATUS_COUNT] = {
    [PM_OK] = {200, "ok", MSG("OK")},
    [PM_BAD_REQUEST] = {400, "bad_request", MSG("Bad request")},
    [PM_INVALID_JSON] = {400, "invalid_json", MSG("The request body is not acceptable JSON")},
    [PM_INVALID_PARAMETER] = {400, "invalid_parameter", MSG("A parameter has an invalid value")},
    [PM_UNKNOWN_PARAMETER] = {400, "unknown_parameter", MSG("Unknown parameter")},
    [PM_VALIDATION_FAILED] = {422, "validation_failed", MSG("Validation failed")},
    [PM_UNAUTHORIZED] = {401, "unauthorized", MSG("Authentication required")},
    [PM_TOKEN_EXPIRED] = {401, "token_expired", MSG("The access token has expired")},
    [PM_FORBIDDEN] = {403, "forbidden", MSG("Forbidden")},
    [PM_NOT_FOUND] = {404, "not_found", MSG("Not found")},
    [PM_METHOD_NOT_ALLOWED] = {405, "method_not_allowed", MSG("Method not allowed")},
    [PM_CONFLICT] = {409, "conflict", MSG("Conflict")},
    [PM_PRECONDITION_FAILED] = {412, "precondition_failed", MSG("Precondition failed")},
    [PM_PRECONDITION_REQUIRED] = {428, "precondition_required", MSG("Precondition required")},
    [PM_PAYLOAD_TOO_LARGE] = {413, "payload_too_large", MSG("Request body too large")},
    [PM_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported_media_type", MSG("Unsupported media type")},
    [PM_TOO_MANY_REQUESTS] = {429, "too_many_requests", MSG("Too many requests")},
    [PM_INTERNAL] = {500, "internal_error", MSG("Internal error")},
    [PM_UNAVAILABLE] = {503, "service_unavailable", MSG("Service unavailable")},
    [PM_NOT_READY] = {503, "not_ready", MSG("Not ready")},
};

static int known(pm_status status)
{
    return status > PM_OK && status < PM_STATUS_COUNT;
}

int problem_http_status(pm_status status)
{
    return known(status) ? problems[status].http : 500;
}

const char *problem_code(pm_status status)
{
    return known(status) ? problems[status].code : problems[PM_INTERNAL].code;
}

json_t *problem_new(const pm_error *err, const char *instance, const char *request_id, bool vi)
{
    pm_status status = known(err->status) ? err->status : PM_INTERNAL;
    char type[64];
    snprintf(type, sizeof type, "urn:planmon:problem:%s", problems[status].code);
    json_t *body = json_object();
    json_object_set_new(body, "type", json_string(type));
    const char *title = vi ? msg_vi(problems[status].title) : problems[status].title;
    json_object_set_new(body, "title", json_string(title));
    json_object_set_new(body, "status", json_integer(problems[status].http));
    json_object_set_new(body, "detail",
                        json_text(err->detail[0] ? pm_error_detail(err, vi) : title));
    json_object_set_new(body, "code", json_string(problems[status].code));
    if (request_id)
        json_object_set_new(body, "request_id", json_text(request_id));
    if (instance)
        json_object_set_new(body, "instance", json_text(instance));
    if (err->errors)
        json_object_set_new(body, "errors", pm_error_fields(err, vi));
    if (err->existing[0])
        json_object_set_new(body, "existing", json_text(err->existing));
    return body;
}

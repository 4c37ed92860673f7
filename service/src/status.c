/* status.c: building pm_error values (see status.h). */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

#include "jsonutil.h"
#include "messages.h"

/* The formats below are MSG texts and their translations from the catalogue, which
 * tests/checks/messages.py holds to the same conversions: not literals, hence the pragmas. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void format_both(char *en, char *vi, size_t size, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    vsnprintf(en, size, fmt, ap);
    vsnprintf(vi, size, msg_vi(fmt), again);
    va_end(again);
}

pm_status pm_fail_field_with(pm_error *err, pm_status status, const char *field, const char *code,
                             const char *fmt, const char *msg)
{
    char en[PM_DETAIL_MAX], vi[PM_DETAIL_MAX];
    snprintf(en, sizeof en, fmt, msg);
    snprintf(vi, sizeof vi, msg_vi(fmt), msg_vi(msg));
    return pm_fail_field_pair(err, status, field, code, en, vi);
}

pm_status pm_fail_field_named(pm_error *err, pm_status status, const char *field, const char *code,
                              const char *fmt, const char *name, const char *msg)
{
    char en[PM_DETAIL_MAX], vi[PM_DETAIL_MAX];
    snprintf(en, sizeof en, fmt, name, msg);
    snprintf(vi, sizeof vi, msg_vi(fmt), name, msg_vi(msg));
    return pm_fail_field_pair(err, status, field, code, en, vi);
}

#pragma GCC diagnostic pop

pm_status pm_fail(pm_error *err, pm_status status, const char *fmt, ...)
{
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        format_both(err->detail, err->detail_vi, sizeof err->detail, fmt, ap);
        va_end(ap);
    }
    return status;
}

pm_status pm_fail_field_pair(pm_error *err, pm_status status, const char *field, const char *code,
                             const char *en, const char *vi)
{
    if (!err)
        return status;
    err->status = status;
    if (!err->detail[0]) {
        snprintf(err->detail, sizeof err->detail, "%s", en);
        snprintf(err->detail_vi, sizeof err->detail_vi, "%s", vi);
    }
    if (!err->errors)
        err->errors = json_array();
    json_t *entry = json_object();
    json_object_set_new(entry, "field", json_text(field));
    json_object_set_new(entry, "code", json_text(code));
    json_object_set_new(entry, "message", json_text(en));
    json_object_set_new(entry, "message_vi", json_text(vi));
    json_array_append_new(err->errors, entry);
    return status;
}

pm_status pm_fail_field(pm_error *err, pm_status status, const char *field, const char *code,
                        const char *fmt, ...)
{
    if (!err)
        return status;
    char en[PM_DETAIL_MAX], vi[PM_DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    format_both(en, vi, sizeof en, fmt, ap);
    va_end(ap);
    return pm_fail_field_pair(err, status, field, code, en, vi);
}

pm_status pm_fail_text(pm_error *err, pm_status status, const char *text)
{
    if (err) {
        err->status = status;
        snprintf(err->detail, sizeof err->detail, "%s", text);
        snprintf(err->detail_vi, sizeof err->detail_vi, "%s", msg_vi(text));
    }
    return status;
}

pm_status pm_fail_field_text(pm_error *err, pm_status status, const char *field, const char *code,
                             const char *text)
{
    return pm_fail_field_pair(err, status, field, code, text, msg_vi(text));
}

const char *pm_error_detail(const pm_error *err, bool vi)
{
    return vi && err->detail_vi[0] ? err->detail_vi : err->detail;
}

json_t *pm_error_fields(const pm_error *err, bool vi)
{
    if (!err->errors)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(err->errors, i, e)
    {
        json_t *message = json_object_get(e, vi ? "message_vi" : "message");
        json_array_append_new(out,
                              json_pack("{s:O, s:O, s:O}", "field", json_object_get(e, "field"),
                                        "code", json_object_get(e, "code"), "message",
                                        message ? message : json_object_get(e, "message")));
    }
    return out;
}

void pm_error_reset(pm_error *err)
{
    if (!err)
        return;
    json_decref(err->errors);
    err->errors = NULL;
    err->status = PM_OK;
    err->detail[0] = '\0';
    err->detail_vi[0] = '\0';
    err->existing[0] = '\0';
}

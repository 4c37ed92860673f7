/* status.c: building pm_error values (see status.h). */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

#include "jsonutil.h"

pm_status pm_fail(pm_error *err, pm_status status, const char *fmt, ...)
{
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->detail, sizeof err->detail, fmt, ap);
        va_end(ap);
    }
    return status;
}

pm_status pm_fail_field(pm_error *err, pm_status status, const char *field, const char *code,
                        const char *fmt, ...)
{
    if (!err)
        return status;
    char message[PM_DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    err->status = status;
    if (!err->detail[0])
        snprintf(err->detail, sizeof err->detail, "%s", message);
    if (!err->errors)
        err->errors = json_array();
    json_t *entry = json_object();
    json_object_set_new(entry, "field", json_text(field));
    json_object_set_new(entry, "code", json_text(code));
    json_object_set_new(entry, "message", json_text(message));
    json_array_append_new(err->errors, entry);
    return status;
}

void pm_error_reset(pm_error *err)
{
    if (!err)
        return;
    json_decref(err->errors);
    err->errors = NULL;
    err->status = PM_OK;
    err->detail[0] = '\0';
}

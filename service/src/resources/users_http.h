/* users_http.h: /v1/users (admins: everyone; a manager: the users of its own agency, as officer
 * or manager only), /v1/me and /v1/me/password (everyone signed in). */
#ifndef PLANMON_USERS_HTTP_H
#define PLANMON_USERS_HTTP_H

#include "http/context.h"

pm_status users_list(http_ctx *ctx, pm_error *err);
pm_status users_get(http_ctx *ctx, pm_error *err);
pm_status users_create(http_ctx *ctx, pm_error *err);
pm_status users_patch(http_ctx *ctx, pm_error *err);
/* PM_OK when the caller may read user `username`, else PM_NOT_FOUND. */
pm_status users_may_read(http_ctx *ctx, const char *username, pm_error *err);
pm_status me_get(http_ctx *ctx, pm_error *err);
/* PATCH /v1/me: the caller's own e-mail address and the parts of the daily digest it receives. */
pm_status me_patch(http_ctx *ctx, pm_error *err);
pm_status me_password(http_ctx *ctx, pm_error *err);

#endif

/* users_http.c: user accounts over HTTP (see users_http.h). */
#include "resources/users_http.h"

#include <stdio.h>
#include <string.h>

#include "auth/access.h"
#include "auth/auth_repo.h"
#include "auth/password.h"
#include "auth/user_cache.h"
#include "domain/validate.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "resources/agencies_repo.h"
#include "resources/users_repo.h"

static bool username_ok(const char *s)
{
    size_t len = strlen(s);
    if (len < 2 || len > 63 || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[0]))
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

/* An e-mail address as far as a form can tell: one @, something before it, a dot after it, no
 * blanks (the mail server decides the rest). */
static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
           at[strlen(at) - 1] != '.' && !strpbrk(s, " \t\r\n<>,;");
}

static const char *const digest_parts[] = {"due_soon", "overdue", "review", NULL};

static pm_status digest_part(const char *name, const json_t *item, pm_error *err)
{
    return validate_enum_item(name, item, digest_parts, err);
}

/* The parts of the daily digest a user receives: a list of distinct parts ([] for none). */
static pm_status digest_list(const char *name, const json_t *value, pm_error *err)
{
    pm_status st = validate_array(name, value, 3, digest_part, err);
    for (size_t i = 0; st == PM_OK && i < json_array_size(value); i++)
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(value, i), json_array_get(value, j)))
                return pm_fail_field(err, PM_VALIDATION_FAILED, name, "duplicate",
                                     MSG("lists a part twice"));
    return st;
}

#define EMAIL_FIELD V_OPT_CHECKED("email", 3, 254, email_ok, MSG("an e-mail address"))
#define DIGEST_FIELD V_KEPT_CUSTOM("mail_digest", false, digest_list)

static const field_spec create_fields[] = {
    V_CHECKED("username", true, 2, 63, username_ok,
              MSG("2 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit")),
    V_STRING("display_name", false, 0, 200),
    V_STRING("agency", true, 1, 32),
    V_ENUM("role", true, role_names),
    V_STRING("password", true, 1, 4 * PASSWORD_MAX), /* then the rule in characters */
    V_BOOL("active"),
    EMAIL_FIELD,
    V_SERVER("mail_digest"),
    V_SERVER("id"),
    V_SERVER("version"),
    V_SERVER("created_at"),
    V_SERVER("updated_at"),
    V_SERVER("created_by"),
    V_END,
};

static const field_spec patch_fields[] = {
    V_STRING("display_name", false, 0, 200),
    V_STRING("agency", false, 1, 32),
    V_ENUM("role", false, role_names),
    V_STRING("password", false, 1, 4 * PASSWORD_MAX),
    V_BOOL("active"),
    EMAIL_FIELD,
    DIGEST_FIELD,
    V_SERVER("username"),
    V_SERVER("id"),
    V_SERVER("version"),
    V_SERVER("created_at"),
    V_SERVER("updated_at"),
    V_SERVER("created_by"),
    V_END,
};

/* What a user changes of its own account besides its password. */
static const field_spec me_fields[] = {
    EMAIL_FIELD,
    DIGEST_FIELD,
    V_SERVER("username"),
    V_SERVER("display_name"),
    V_SERVER("agency"),
    V_SERVER("role"),
    V_SERVER("active"),
    V_SERVER("id"),
    V_SERVER("version"),
    V_SERVER("created_at"),
    V_SERVER("updated_at"),
    V_SERVER("created_by"),
    V_END,
};

static const field_spec password_fields[] = {
    V_STRING("current_password", true, 1, PASSWORD_MAX),
    V_STRING("new_password", true, 1, PASSWORD_MAX),
    V_END,
};

static const char *const list_params[] = {"agency", "role", "active", PAGE_PARAMS, NULL};
static const char *const no_params[] = {NULL};
static const char *const booleans[] = {"true", "false", NULL};

/* Whether the caller may read `user`: admins all, a manager those of its own agency. */
static bool may_read(const http_ctx *ctx, const json_t *user)
{
    return access_manages_user_of(&ctx->who, json_string_value(json_object_get(user, "agency")));
}

/* What the caller may set: `agency` (if given) one whose users it manages, `role` (if given)
 * one it may give. */
static pm_status may_set(const http_ctx *ctx, const json_t *fields, pm_error *err)
{
    const char *agency = json_member_string(fields, "agency");
    const char *role = json_member_string(fields, "role");
    if (agency && !access_manages_user_of(&ctx->who, agency))
        return pm_fail_field(err, PM_FORBIDDEN, "agency", "forbidden",
                             MSG("A manager manages the users of its own agency only."));
    if (role && !access_may_grant(&ctx->who, role))
        return pm_fail_field(err, PM_FORBIDDEN, "role", "forbidden",
                             MSG("A manager may give only the roles officer and manager."));
    return PM_OK;
}

/* 422 naming `agency` when the agency in `fields` does not exist. */
static pm_status agency_exists(PGconn *db, const json_t *fields, pm_error *err)
{
    const char *agency = json_member_string(fields, "agency");
    json_t *found = NULL;
    if (!agency)
        return PM_OK;
    pm_status st = agency_repo_get(db, agency, &found, err);
    json_decref(found);
    if (st == PM_NOT_FOUND) {
        pm_error_reset(err);
        return pm_fail_field(err, PM_VALIDATION_FAILED, "agency", "unknown",
                             MSG("There is no agency %.40s."), agency);
    }
    return st;
}

pm_status users_list(http_ctx *ctx, pm_error *err)
{
    user_filter filter = {0};
    page_request page;
    page_result result = {0};
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, list_params, err)) ||
        (st = req_query_text(ctx, "agency", 32, &filter.agency, err)) ||
        (st = req_query_enum(ctx, "role", role_names, &filter.role, err)) ||
        (st = req_query_enum(ctx, "active", booleans, &filter.active, err)) ||
        (st = req_page(ctx, &page, err)))
        goto out;
    if (!access_manages_all_users(&ctx->who)) {
        /* A manager sees its own agency's users whatever filter it sends. */
        if (filter.agency && strcmp(filter.agency, ctx->who.agency) != 0) {
            result.items = json_array();
            reply_page(ctx, &result);
            goto out;
        }
        filter.agency = ctx->who.agency;
    }
    if ((st = ctx_db(ctx, &db, err)) || (st = user_repo_list(db, &filter, &page, &result, err)))
        goto out;
    reply_page(ctx, &result);
out:
    page_result_clear(&result);
    return st;
}

/* Reads the user named by the path, as the caller may see it: PM_NOT_FOUND also when the
 * caller may not read it (ids cannot be probed). `lock` takes the row lock for a change. */
static pm_status load_target(http_ctx *ctx, PGconn *db, bool lock, json_t **out, pm_error *err)
{
    const char *username = req_path(ctx, "username");
    pm_status st = lock ? user_repo_get_for_update(db, username, out, err)
                        : user_repo_get(db, username, out, err);
    if (st == PM_OK && !may_read(ctx, *out)) {
        json_decref(*out);
        *out = NULL;
        st = pm_fail(err, PM_NOT_FOUND, MSG("There is no such user."));
    }
    return st;
}

pm_status users_may_read(http_ctx *ctx, const char *username, pm_error *err)
{
    json_t *user = NULL;
    PGconn *db;
    pm_status st = ctx_db(ctx, &db, err);
    if (st == PM_OK)
        st = user_repo_get(db, username, &user, err);
    /* only those who manage users read their history; everyone else: 404 */
    if (st == PM_OK && !may_read(ctx, user))
        st = pm_fail(err, PM_NOT_FOUND, MSG("There is no such user."));
    json_decref(user);
    return st;
}

pm_status users_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *user = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = load_target(ctx, db, false, &user, err)))
        return st;
    reply_object(ctx, user);
    return PM_OK;
}

pm_status users_create(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL, *created = NULL;
    PGconn *db;
    pm_status st;
    char hash[PASSWORD_HASH_MAX];
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, create_fields, VALIDATE_CREATE, err)) ||
        (st = may_set(ctx, body, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = agency_exists(db, body, err)) ||
        (st = password_check_rule(json_member_string(body, "password"), "password", err)) ||
        (st = password_hash(json_member_string(body, "password"), hash, err)))
        return st;
    user_new user = {
        .username = json_member_string(body, "username"),
        .display_name = json_member_string(body, "display_name"),
        .agency = json_member_string(body, "agency"),
        .role = json_member_string(body, "role"),
        .password_hash = hash,
        .active = !json_is_false(json_object_get(body, "active")),
        .email = json_member_string(body, "email"),
    };
    if ((st = ctx_begin(ctx, NULL, &db, err)) || (st = user_repo_create(db, &user, err)) ||
        (st = user_repo_get(db, user.username, &created, err)) || (st = ctx_commit(ctx, err)))
        return st;
    char location[128];
    snprintf(location, sizeof location, "/v1/users/%s", user.username);
    reply_created(ctx, location, created);
    return PM_OK;
}

pm_status users_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    PGconn *db;
    pm_status st;
    char hash[PASSWORD_HASH_MAX];
    const char *password = NULL;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, patch_fields, VALIDATE_PATCH, err)) ||
        (json_object_get(patch, "password") &&
         (st = password_check_rule(json_member_string(patch, "password"), "password", err))) ||
        (st = ctx_begin(ctx, NULL, &db, err)) || (st = load_target(ctx, db, true, &current, err)))
        return st;
    if (!access_may_grant(&ctx->who, json_member_string(current, "role")))
        return pm_fail(err, PM_FORBIDDEN, MSG("A manager may change only officers and managers."));
    if ((st = may_set(ctx, patch, err)) || (st = reply_check_if_match(ctx, current, err)) ||
        (st = agency_exists(db, patch, err)))
        return st;
    if ((password = json_member_string(patch, "password")) &&
        (st = password_hash(password, hash, err)))
        return st;
    const char *username = json_member_string(current, "username");
    json_int_t version = json_integer_value(json_object_get(current, "version"));
    if ((st = user_repo_update(db, username, version, patch, password ? hash : NULL, err)) ||
        (st = user_repo_get(db, username, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    user_cache_forget(username);
    reply_object(ctx, updated);
    return PM_OK;
}

pm_status me_get(http_ctx *ctx, pm_error *err)
{
    json_auto_t *user = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = ctx_db(ctx, &db, err)) ||
        (st = user_repo_get(db, ctx->who.username, &user, err)))
        return st;
    reply_object(ctx, user);
    return PM_OK;
}

pm_status me_patch(http_ctx *ctx, pm_error *err)
{
    json_auto_t *patch = NULL, *current = NULL, *updated = NULL;
    PGconn *db;
    pm_status st;
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &patch, err)) ||
        (st = validate_body(patch, me_fields, VALIDATE_PATCH, err)) ||
        (st = ctx_begin(ctx, NULL, &db, err)) ||
        (st = user_repo_get_for_update(db, ctx->who.username, &current, err)) ||
        (st = reply_check_if_match(ctx, current, err)))
        return st;
    json_int_t version = json_integer_value(json_object_get(current, "version"));
    if ((st = user_repo_update(db, ctx->who.username, version, patch, NULL, err)) ||
        (st = user_repo_get(db, ctx->who.username, &updated, err)) || (st = ctx_commit(ctx, err)))
        return st;
    reply_object(ctx, updated);
    return PM_OK;
}

pm_status me_password(http_ctx *ctx, pm_error *err)
{
    json_auto_t *body = NULL;
    PGconn *db;
    pm_status st;
    auth_user user;
    char hash[PASSWORD_HASH_MAX];
    if ((st = req_check_query(ctx, no_params, err)) || (st = req_json_body(ctx, &body, err)) ||
        (st = validate_body(body, password_fields, VALIDATE_CREATE, err)) ||
        (st = password_check_rule(json_member_string(body, "new_password"), "new_password", err)) ||
        (st = ctx_db(ctx, &db, err)) || (st = auth_repo_user(db, ctx->who.username, &user, err)))
        return st;
    bool match;
    ctx_put_back(ctx); /* a password check may wait its turn: not holding a connection */
    if ((st = password_verify(user.password_hash, json_member_string(body, "current_password"),
                              &match, err)))
        return st;
    if (!match)
        return pm_fail_field(err, PM_FORBIDDEN, "current_password", "wrong",
                             MSG("The current password is wrong."));
    if ((st = password_hash(json_member_string(body, "new_password"), hash, err)) ||
        (st = ctx_begin(ctx, "password_change", &db, err)) ||
        (st = user_repo_set_password(db, ctx->who.username, hash, err)) ||
        (st = ctx_commit(ctx, err)))
        return st;
    user_cache_forget(ctx->who.username);
    reply_bytes(ctx, 204, "", 0, NULL);
    return PM_OK;
}

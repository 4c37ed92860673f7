/* users_repo.c: user accounts (see users_repo.h). */
#include "resources/users_repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/query.h"

#define USER_SELECT                                                                         \
    "SELECT u.username, u.display_name, u.agency, u.role, u.active, u.email,"               \
    "       to_jsonb(u.mail_digest) AS mail_digest, u.version,"                             \
    "       to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " \
    "created_at,"                                                                           \
    "       to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " \
    "updated_at"                                                                            \
    " FROM app_user u"

/* $1 agency, $2 role, $3 active, $4 keyset after username, $5 limit + 1 */
static const char list_sql[] = USER_SELECT " WHERE ($1::text IS NULL OR u.agency = $1)"
                                           "   AND ($2::text IS NULL OR u.role = $2)"
                                           "   AND ($3::boolean IS NULL OR u.active = $3::boolean)"
                                           "   AND ($4::text IS NULL OR u.username > $4)"
                                           " ORDER BY u.username LIMIT $5::int";

static const char get_sql[] = USER_SELECT " WHERE u.username = $1";
static const char get_for_update_sql[] = USER_SELECT " WHERE u.username = $1 FOR UPDATE";

/* $1 username $2 display_name $3 agency $4 role $5 password_hash $6 active $7 email */
static const char insert_sql[] =
    "INSERT INTO app_user (username, display_name, agency, role, password_hash, active, email)"
    " SELECT $1, coalesce($2, ''), a.code, $4, $5, $6::boolean, $7 FROM agency a"
    " WHERE a.code = $3";

static const char insert_if_missing_sql[] =
    "INSERT INTO app_user (username, display_name, agency, role, password_hash, active, email)"
    " SELECT $1, coalesce($2, ''), a.code, $4, $5, $6::boolean, $7 FROM agency a"
    " WHERE a.code = $3"
    " ON CONFLICT (username) DO NOTHING";

/* $1 username, $2 version, $3 display_name, $4 agency, $5 role, $6 active, $7 password_hash,
 * $8 whether email is given, $9 email (NULL: none), $10 mail_digest (a JSON array) or NULL.
 * Sessions end (refresh tokens revoked, older access tokens refused) when the account is
 * disabled or its role, agency or password changes. */
static const char update_sql[] =
    "WITH changed AS ("
    "  UPDATE app_user u SET"
    "    display_name = coalesce($3, o.display_name),"
    "    agency = coalesce($4, o.agency),"
    "    role = coalesce($5, o.role),"
    "    active = coalesce($6::boolean, o.active),"
    "    password_hash = coalesce($7, o.password_hash),"
    "    email = CASE WHEN $8::boolean THEN $9 ELSE o.email END,"
    "    mail_digest = CASE WHEN $10::jsonb IS NULL THEN o.mail_digest"
    "                       ELSE ARRAY(SELECT jsonb_array_elements_text($10::jsonb)) END,"
    "    session_version = o.session_version +"
    "      CASE WHEN ($6::boolean = false AND o.active) OR ($4 IS NOT NULL AND $4 <> o.agency)"
    "             OR ($5 IS NOT NULL AND $5 <> o.role) OR $7 IS NOT NULL THEN 1 ELSE 0 END,"
    "    version = o.version + 1, updated_at = now()"
    "  FROM app_user o" /* the row as it was */
    "  WHERE u.id = o.id AND u.username = $1 AND u.version = $2::int"
    "  RETURNING u.id, u.session_version <> o.session_version AS ended)"
    " , revoked AS ("
    "  UPDATE refresh_token r SET revoked_at = now() FROM changed c"
    "  WHERE c.ended AND r.user_id = c.id AND r.revoked_at IS NULL)"
    " SELECT id FROM changed";

static const char set_password_sql[] =
    "WITH changed AS ("
    "  UPDATE app_user SET password_hash = $2, version = version + 1, updated_at = now(),"
    "         session_version = session_version + 1"
    "  WHERE username = $1 RETURNING id)"
    " , revoked AS ("
    "  UPDATE refresh_token r SET revoked_at = now() FROM changed c"
    "  WHERE r.user_id = c.id AND r.revoked_at IS NULL)"
    " SELECT id FROM changed";

static const char *const sort_keys[] = {"username"};

pm_status user_repo_list(PGconn *conn, const user_filter *filter, const page_request *page,
                         page_result *out, pm_error *err)
{
    char limit[16];
    if (page_bind(page, 1, 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    const char *params[] = {filter->agency, filter->role, filter->active, page_after(page, 0),
                            limit};
    return db_fetch_page(conn, list_sql, 5, params, page, sort_keys, 1, out, err);
}

pm_status user_repo_get(PGconn *conn, const char *username, json_t **out, pm_error *err)
{
    const char *params[] = {username};
    return db_fetch_one(conn, get_sql, 1, params, MSG("There is no such user."), out, err);
}

pm_status user_repo_get_for_update(PGconn *conn, const char *username, json_t **out, pm_error *err)
{
    const char *params[] = {username};
    return db_fetch_one(conn, get_for_update_sql, 1, params, MSG("There is no such user."), out,
                        err);
}

/* Runs an insert from `user`; *added is the number of rows it made. */
static pm_status insert(PGconn *conn, const char *sql, const user_new *user, int *added,
                        pm_error *err)
{
    const char *params[] = {user->username, user->display_name,  user->agency,
                            user->role,     user->password_hash, user->active ? "true" : "false",
                            user->email};
    PGresult *res;
    pm_status st = db_exec(conn, sql, 7, params, &res, err);
    if (st == PM_CONFLICT)
        return pm_fail_field(err, PM_CONFLICT, "username", "taken",
                             MSG("The username %s is taken."), user->username);
    if (st != PM_OK)
        return st;
    *added = atoi(PQcmdTuples(res));
    PQclear(res);
    return PM_OK;
}

pm_status user_repo_create(PGconn *conn, const user_new *user, pm_error *err)
{
    int added = 0;
    pm_status st = insert(conn, insert_sql, user, &added, err);
    if (st == PM_OK && added == 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "agency", "unknown",
                             MSG("There is no agency %s."), user->agency);
    return st;
}

pm_status user_repo_create_if_missing(PGconn *conn, const user_new *user, int *added, pm_error *err)
{
    return insert(conn, insert_if_missing_sql, user, added, err);
}

pm_status user_repo_update(PGconn *conn, const char *username, long long version,
                           const json_t *patch, const char *password_hash, pm_error *err)
{
    char ver[24];
    snprintf(ver, sizeof ver, "%lld", version);
    json_t *active = json_object_get(patch, "active");
    json_t *email = json_object_get(patch, "email"); /* JSON null: the address removed */
    json_t *parts = json_object_get(patch, "mail_digest");
    char *digest = parts ? json_dumps(parts, JSON_COMPACT) : NULL;
    const char *params[] = {
        username,
        ver,
        json_string_value(json_object_get(patch, "display_name")),
        json_string_value(json_object_get(patch, "agency")),
        json_string_value(json_object_get(patch, "role")),
        active ? (json_is_true(active) ? "true" : "false") : NULL,
        password_hash,
        email ? "true" : "false",
        json_string_value(email),
        digest,
    };
    pm_status st = db_change_one(conn, update_sql, 10, params,
                                 MSG("The user was changed by someone else; read it again."), err);
    free(digest);
    return st;
}

pm_status user_repo_set_password(PGconn *conn, const char *username, const char *password_hash,
                                 pm_error *err)
{
    const char *params[] = {username, password_hash};
    return db_change_one(conn, set_password_sql, 2, params,
                         MSG("The user was changed by someone else; read it again."), err);
}

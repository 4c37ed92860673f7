/* users_repo.h: SQL for user accounts. Passwords enter only as argon2id hashes. */
#ifndef PLANMON_USERS_REPO_H
#define PLANMON_USERS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

typedef struct {
    const char *agency; /* or NULL */
    const char *role;   /* or NULL */
    const char *active; /* "true", "false" or NULL */
} user_filter;

typedef struct {
    const char *username, *display_name, *agency, *role; /* borrowed */
    const char *password_hash;                           /* argon2id PHC string */
    bool active;
    const char *email; /* or NULL */
} user_new;

/* Lists users in username order, one page. */
pm_status user_repo_list(PGconn *conn, const user_filter *filter, const page_request *page,
                         page_result *out, pm_error *err);

/* Reads one user (the public shape) into *out. PM_NOT_FOUND when there is none. */
pm_status user_repo_get(PGconn *conn, const char *username, json_t **out, pm_error *err);

/* Reads one user and locks its row until the transaction ends. */
pm_status user_repo_get_for_update(PGconn *conn, const char *username, json_t **out, pm_error *err);

/* Inserts a user. PM_CONFLICT when the username is taken; PM_VALIDATION_FAILED (field agency)
 * when the agency does not exist. */
pm_status user_repo_create(PGconn *conn, const user_new *user, pm_error *err);

/* Applies the fields present in `patch` (display_name, agency, role, active, email — null removes
 * it —, mail_digest; password_hash) to
 * the user if its version is still `version`: PM_PRECONDITION_FAILED otherwise. Disabling the
 * user, changing its role, agency or password ends its sessions in the same statement. */
pm_status user_repo_update(PGconn *conn, const char *username, long long version,
                           const json_t *patch, const char *password_hash, pm_error *err);

/* Sets a user's password hash and ends its sessions. */
pm_status user_repo_set_password(PGconn *conn, const char *username, const char *password_hash,
                                 pm_error *err);

/* Inserts the user unless the username exists (for `seed --demo`); *added is 1 when new. */
pm_status user_repo_create_if_missing(PGconn *conn, const user_new *user, int *added,
                                      pm_error *err);

#endif

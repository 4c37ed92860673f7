/* audit_repo.h: SQL of the audit trail — explicit events
 * (sign-in and tokens), the audit log, one object's history and the change feed. Row changes
 * themselves are recorded by the audit_row() trigger of migration 0003. */
#ifndef PLANMON_AUDIT_REPO_H
#define PLANMON_AUDIT_REPO_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "auth/principal.h"
#include "domain/page.h"
#include "status.h"

/* Appends one event that is not a row change (login, login_failed, token_refresh,
 * token_revoke). `changes_json` is a JSON object text or NULL; never a secret. */
pm_status audit_repo_record(PGconn *conn, const principal *who, const char *request_id,
                            const char *action, const char *entity_type, const char *entity_id,
                            const char *entity_agency, const char *changes_json, pm_error *err);

typedef struct {
    const char *entity_type, *entity_id, *username, *agency, *action; /* NULL: any */
    const char *since, *until; /* RFC 3339 or date; NULL: open */
} audit_filter;

/* The audit log, newest first, one page. */
pm_status audit_repo_list(PGconn *conn, const audit_filter *filter, const page_request *page,
                          page_result *out, pm_error *err);

/* One object's journal, oldest first, one page. */
pm_status audit_repo_history(PGconn *conn, const char *entity_type, const char *entity_id,
                             const page_request *page, page_result *out, pm_error *err);

/* What a reader asks of the change feed beside its page. */
typedef struct {
    const char *entity_types; /* entity types separated by commas ("tasks,documents"); NULL: all */
    const char *since;        /* only changes at or after this moment (RFC 3339); NULL: all */
    bool objects;             /* each change carries `object`, the row it left, where readable */
} audit_feed;

/* The change feed for `who`: entity changes of committed transactions in a stable order that
 * no later commit can precede, one page, under the read rule of the objects: users' changes are
 * shown to admins, and to managers for their own agency; a measurement's to those who may read
 * it as the change left it (auth/access.h: drafts), or who read it before an approval was
 * withdrawn; other collections' to everyone. With `feed->objects`, each change carries the
 * object as the change left it (its audit snapshot, secrets left out) when `who` may read that
 * object: a user only by those who manage its agency; a measurement only by those who may read
 * it in the status the change left it in; null otherwise, and after a delete. The page is
 * resumable (db_feed_collect): next_cursor only when more changes are there now. */
pm_status audit_repo_changes(PGconn *conn, const principal *who, const audit_feed *feed,
                             const page_request *page, page_result *out, pm_error *err);

/* How far behind the change feed is, in seconds (text, e.g. "0.000" or "12.345") into
 * `seconds`: the age of the oldest committed change it does not serve yet, because a
 * transaction that began before that change's is still running. */
pm_status audit_repo_feed_lag(PGconn *conn, char *seconds, size_t size, pm_error *err);

#endif

/* query.h: running SQL through libpq, mapping SQLSTATEs, and turning rows into JSON.
 *
 * Every statement goes through db_exec: PQexecParams semantics (unnamed statement, `$n`
 * parameters, text format — so it works behind PgBouncer in transaction mode), with a client-side
 * wait bounded by the query timeout so that a stopped server can never hang a worker. The SQL
 * argument must be a constant string from a *_repo.c file or a migration. */
#ifndef PLANMON_DB_QUERY_H
#define PLANMON_DB_QUERY_H

#include <jansson.h>
#include <libpq-fe.h>

#include "domain/page.h"
#include "status.h"

/* The moment that stands for "all that is recorded" where the SQL functions of migration 0018
 * take the moment planmon knew things at (planmon_task_state, planmon_task_overdue, ...) and
 * the caller wants the present: not now(), the time its transaction began, which would leave
 * out what another transaction committed while this one waited for a row lock. */
#define DB_KNOWN_NOW "'infinity'::timestamptz"

/* Sets the client-side limit on waiting for one statement's result. Call once at start. */
void db_set_query_timeout(int ms);

/* Runs `sql` with `nparams` text parameters (NULL entries are SQL NULL). On success and with
 * `out` non-NULL, *out is a PGresult the caller must PQclear in the same function; on failure
 * *out is NULL and `err` says why (PM_UNAVAILABLE for a lost or timed-out connection, else the
 * SQLSTATE mapping). The libpq message is logged once, never returned. */
pm_status db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                  PGresult **out, pm_error *err);

/* BEGIN, COMMIT and ROLLBACK. A transaction left open by a failed request is rolled back when
 * its connection returns to the pool, so handlers need no ROLLBACK of their own. `err` may be
 * NULL for a rollback whose failure changes nothing (the connection is then dropped). */
pm_status db_begin(PGconn *conn, pm_error *err);
pm_status db_commit(PGconn *conn, pm_error *err);
pm_status db_rollback(PGconn *conn, pm_error *err);

/* The one savepoint a transaction may hold (the idempotent POST's, around its handler): set it,
 * and go back to it. */
pm_status db_savepoint(PGconn *conn, pm_error *err);
pm_status db_rollback_to_savepoint(PGconn *conn, pm_error *err);

/* Who a write transaction acts for, as the audit trigger records it: plain strings, borrowed;
 * NULL ones are empty (a NULL user is the system). */
typedef struct {
    const char *user, *role, *agency, *request_id;
    const char *action; /* NULL: the trigger derives create, update, archive or restore */
} db_actor;

/* Sets `actor` as the transaction-local actor of the transaction open on `conn`. */
pm_status db_set_actor(PGconn *conn, const db_actor *actor, pm_error *err);

/* BEGIN, then db_set_actor: how every audited write starts. */
pm_status db_begin_as(PGconn *conn, const db_actor *actor, pm_error *err);

/* The one SQLSTATE -> status mapping. `sqlstate` may be NULL (no server error: connection). */
pm_status db_sqlstate_status(const char *sqlstate);

/* Returns row `row` as a new JSON object keyed by column name; columns whose name starts with
 * '_' are left out (sort keys, internal values). Types: bool, integers, floating and numeric
 * become JSON numbers, json/jsonb are parsed, everything else is a string; SQL NULL is null. */
json_t *db_row_to_json(const PGresult *res, int row);

/* Runs a query that returns at most one row and gives that row as a new JSON object in *out.
 * PM_NOT_FOUND (with `not_found` as the detail) when there is no row. */
pm_status db_fetch_one(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       const char *not_found, json_t **out, pm_error *err);

/* Runs a query that returns at most one row and copies the text of its first column (empty for
 * SQL NULL) into `out` (`size` bytes, truncated). PM_NOT_FOUND (with `not_found` as the detail)
 * when there is no row. */
pm_status db_fetch_text(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        const char *not_found, char *out, size_t size, pm_error *err);

/* Runs a query and gives all its rows as a new array of JSON objects (db_row_to_json) in *out. */
pm_status db_fetch_all(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       json_t **out, pm_error *err);

/* Runs a keyset list query (which must ask for page->limit + 1 rows) and collects the page
 * with db_page_collect. */
pm_status db_fetch_page(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        const page_request *page, const char *const *key_columns, int nkeys,
                        page_result *out, pm_error *err);

/* Runs a change that must touch exactly one row and answer it (RETURNING, or a final SELECT of
 * the changed row): PM_PRECONDITION_FAILED with `stale` as the detail when it touched none —
 * the row's version moved on, or it is gone. */
pm_status db_change_one(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        const char *stale, pm_error *err);

/* Archives (`archive`) or restores one row of plan data with `sql`, whose parameters are the
 * row's `nkeys` (1 or 2) key values, its expected version, and the archive flag, in that order;
 * PM_PRECONDITION_FAILED with `stale` as the detail when the row was not at `version`. */
pm_status db_set_archived(PGconn *conn, const char *sql, const char *const *keys, int nkeys,
                          long long version, bool archive, const char *stale, pm_error *err);

/* The statement of a keyset page of INNER's rows (a SELECT with its filters, no ORDER BY or
 * LIMIT) in the order of KEY (a text expression over INNER's columns `l.name`, never NULL), then
 * TIE (a unique column: "l.id", "l.code"): ascending with CMP ">" and DIR "ASC", descending with
 * "<" and "DESC". AFTER_KEY and AFTER_TIE are the parameters of the cursor, AFTER_TIE with its
 * cast ("$14::bigint"; NULL on the first page), LIMIT the page size + 1. Each row carries its key
 * as `_sort`, which db_page_collect puts in the next cursor (key columns: TIE's name, "_sort")
 * and db_row_to_json leaves out of the item. */
#define DB_SORTED_PAGE(INNER, KEY, TIE, CMP, DIR, AFTER_KEY, AFTER_TIE, LIMIT) \
    "SELECT l.*, (" KEY ")::text AS _sort FROM (" INNER ") l"                  \
    " WHERE " AFTER_TIE " IS NULL OR ((" KEY "), " TIE ") " CMP " (" AFTER_KEY \
    "::text, " AFTER_TIE ") ORDER BY " KEY " " DIR ", " TIE " " DIR " LIMIT " LIMIT "::int"

/* DB_SORTED_PAGE ascending and descending: the two entries of one sort key in a list's table of
 * sorted statements, indexed by db_sorted_index. */
#define DB_SORTED_PAGES(INNER, KEY, TIE, AFTER_KEY, AFTER_TIE, LIMIT)         \
    DB_SORTED_PAGE(INNER, KEY, TIE, ">", "ASC", AFTER_KEY, AFTER_TIE, LIMIT), \
        DB_SORTED_PAGE(INNER, KEY, TIE, "<", "DESC", AFTER_KEY, AFTER_TIE, LIMIT)

/* A text key that sorts names and titles in Vietnamese alphabetical order (ICU), by their first
 * 30 characters (a cursor key stays under PAGE_KEY_MAX bytes). */
#define DB_NAME_KEY(COLUMN) "left(" COLUMN ", 30) COLLATE \"vi-x-icu\""

/* The statement counting INNER's rows for ?count=true. SPARE names, cast, the parameters of the
 * page statements that INNER does not use ("$14::text, $15::text"), so that all the lists'
 * statements take the same parameters. */
#define DB_COUNT(INNER, SPARE) "SELECT count(*) AS total, " SPARE " FROM (" INNER ") l"

/* Fails the build unless a list's table of DB_SORTED_PAGES has two statements per name of its
 * NULL-terminated ?sort= names. */
#define DB_SORTS_MATCH(SQL, NAMES)                                                         \
    _Static_assert(sizeof(SQL) / sizeof *(SQL) == 2 * (sizeof(NAMES) / sizeof *(NAMES)-1), \
                   "two statements per sort key")

/* The entry of a table of DB_SORTED_PAGES for page->sort and page->descending (sort > 0). */
int db_sorted_index(const page_request *page);

/* Runs a DB_COUNT statement into out->total (out->counted). */
pm_status db_count(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   page_result *out, pm_error *err);

/* Turns the rows of a keyset query that asked for limit + 1 rows into a page: the first
 * `page->limit` rows as items, and a next cursor made from the `key_columns` of the last item
 * served when there was one more row. Fills `out` (caller clears it). */
pm_status db_page_collect(const PGresult *res, const page_request *page,
                          const char *const *key_columns, int nkeys, page_result *out,
                          pm_error *err);

/* db_page_collect for a feed, which never ends: `out` is resumable, and its resume_cursor the
 * position after the last row served, or, when the page is empty, the request's own cursor
 * (NULL when it had none) — where the client polls from later, when next_cursor is NULL. */
pm_status db_feed_collect(const PGresult *res, const page_request *page,
                          const char *const *key_columns, int nkeys, page_result *out,
                          pm_error *err);

#endif

/* statements.h: named prepared statements, remembered per database connection.
 *
 * Every statement planmon sends is a constant string (tests/checks/sql_constant.py), so a
 * connection can prepare each one once and afterwards send only its name and parameters: the
 * server skips parsing and, once its plan cache settles on a generic plan, planning. A statement is
 * known by its text, not by where the text sits (the same literal in two files may have two
 * addresses): its name is a hash of the text ("pm_" and 16 hex digits), so a name means the same
 * SQL on every server connection.
 *
 * A connection takes part once db_statements_attach has been called on it; connections without
 * it (migrate, seed, DB_PREPARE=off for a transaction-mode PgBouncer, which cannot keep named
 * statements) send every statement unnamed. The remembered statements die with the connection
 * (PQfinish) and are forgotten on PQreset. */
#ifndef PLANMON_DB_STATEMENTS_H
#define PLANMON_DB_STATEMENTS_H

#include <libpq-fe.h>
#include <stdbool.h>

enum { STATEMENT_NAME_MAX = 20 };

/* Makes `conn` remember the statements it prepares. Returns false when out of memory (the
 * connection then keeps sending unnamed statements). The memory belongs to the connection. */
bool db_statements_attach(PGconn *conn);

/* The name under which `statement` is prepared on `conn`, written to `name`. Returns false when
 * `conn` is not attached or its table is full: send the statement unnamed. *prepared tells whether
 * it is prepared already (else prepare it, then db_statements_mark). */
bool db_statements_lookup(PGconn *conn, const char *statement, char name[STATEMENT_NAME_MAX],
                          bool *prepared);

/* Records that `statement` is now prepared on `conn`. */
void db_statements_mark(PGconn *conn, const char *statement);

/* Forgets every statement of `conn` after the server refused one (its plan no longer fits the
 * schema, or it is gone); the server's copies are to be dropped (db_statements_take_cleanup).
 * Every other connection of the process forgets and drops its own too, before its next statement
 * outside a transaction. Thread-safe. */
void db_statements_forget(PGconn *conn);

/* Stops `conn` preparing statements: the server lost one it had prepared (26000) or already had
 * a name it had not (42P05), which is what a transaction-mode pooler in between does. */
void db_statements_disable(PGconn *conn);

/* True, once, when forgotten statements are still to be deallocated on the server — this
 * connection's, or every connection's after any found the schema changed: the caller sends
 * DEALLOCATE ALL outside a transaction. */
bool db_statements_take_cleanup(PGconn *conn);

#endif

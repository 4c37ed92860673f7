/* migrate_repo.h: schema migrations embedded in the binary (db/migrations/NNNN_name.sql). */
#ifndef PLANMON_MIGRATE_REPO_H
#define PLANMON_MIGRATE_REPO_H

#include <libpq-fe.h>

#include "status.h"

/* The highest migration version this binary carries. */
int migrate_latest_version(void);

/* Applies every embedded migration newer than the database's, in order, each in its own
 * transaction under a transaction-level advisory lock (so concurrent runs serialise and each
 * migration applies once), recording it in schema_migrations. Reports progress on stderr.
 * `conn` is borrowed. */
pm_status migrate_repo_apply(PGconn *conn, int *applied, pm_error *err);

/* Reads the highest applied version into *out (0 on a database never migrated). */
pm_status migrate_repo_current_version(PGconn *conn, int *out, pm_error *err);

#endif

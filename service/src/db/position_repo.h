/* position_repo.h: positions in PostgreSQL's write-ahead log, so that a client that wrote on the
 * primary reads from a streaming replica only once the replica has replayed that write
 * (DATABASE_READ_URL; see README "Reads from a replica"). */
#ifndef PLANMON_POSITION_REPO_H
#define PLANMON_POSITION_REPO_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

enum { POSITION_MAX = 40 };

/* True when `text` is a WAL position as PostgreSQL writes it (hex/hex, e.g. 0/16B3748). */
bool position_valid(const char *text);

/* The primary's current write position, after the changes committed on `conn`, into `out`
 * (POSITION_MAX bytes). */
pm_status position_repo_written(PGconn *conn, char *out, pm_error *err);

/* Whether the server of `conn` has replayed up to `position` (a primary always has). */
pm_status position_repo_replayed(PGconn *conn, const char *position, bool *replayed, pm_error *err);

#endif

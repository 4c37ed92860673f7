/* position_repo.c: write-ahead log positions (see position_repo.h). */
#include "db/position_repo.h"

#include <stdio.h>
#include <string.h>

#include "db/query.h"

/* The insert position: it covers the commit record even before it is flushed (a primary with
 * synchronous_commit off acknowledges a commit before its record reaches the disk). */
static const char written_sql[] = "SELECT pg_current_wal_insert_lsn()::text";

/* NULL on a primary, which has everything it wrote. */
static const char replayed_sql[] = "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true)";

bool position_valid(const char *text)
{
    static const char hex[] = "0123456789ABCDEFabcdef";
    size_t high = text ? strspn(text, hex) : 0;
    if (high < 1 || high > 8 || text[high] != '/')
        return false;
    size_t low = strspn(text + high + 1, hex);
    return low >= 1 && low <= 8 && text[high + 1 + low] == '\0';
}

pm_status position_repo_written(PGconn *conn, char *out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, written_sql, 0, NULL, &res, err);
    if (st != PM_OK)
        return st;
    snprintf(out, POSITION_MAX, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return PM_OK;
}

pm_status position_repo_replayed(PGconn *conn, const char *position, bool *replayed, pm_error *err)
{
    const char *params[] = {position};
    PGresult *res;
    pm_status st = db_exec(conn, replayed_sql, 1, params, &res, err);
    if (st != PM_OK)
        return st;
    *replayed = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return PM_OK;
}

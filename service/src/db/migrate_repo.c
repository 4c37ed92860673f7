/* migrate_repo.c: applying the embedded migrations (see migrate_repo.h). */
#include "db/migrate_repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/query.h"
#include "embedded.h"

/* Any constant; held by every migrating transaction. */
static const char lock_sql[] = "SELECT pg_advisory_xact_lock(4470931826)";

static const char create_table_sql[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       " version integer PRIMARY KEY,"
                                       " name text NOT NULL,"
                                       " applied_at timestamptz NOT NULL DEFAULT now())";

static const char current_sql[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";

/* Whether the table exists yet: a fresh database answers version 0, not an error. */
static const char current_safe_sql[] =
    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0"
    " ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END";

static const char record_sql[] = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

static int version_of(const struct embedded_file *m)
{
    return atoi(m->name);
}

int migrate_latest_version(void)
{
    return embedded_migrations_count
               ? version_of(&embedded_migrations[embedded_migrations_count - 1])
               : 0;
}

pm_status migrate_repo_current_version(PGconn *conn, int *out, pm_error *err)
{
    PGresult *res;
    pm_status st = db_exec(conn, current_safe_sql, 0, NULL, &res, err);
    if (st == PM_OK) {
        *out = atoi(PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return st;
}

/* Applies migration `m` unless already applied; *done is set when it ran. */
static pm_status apply_one(PGconn *conn, const struct embedded_file *m, int *done, pm_error *err)
{
    PGresult *res = NULL;
    pm_status st = db_begin(conn, err);
    if (st == PM_OK)
        st = db_exec(conn, lock_sql, 0, NULL, NULL, err);
    if (st == PM_OK)
        st = db_exec(conn, create_table_sql, 0, NULL, NULL, err);
    if (st == PM_OK)
        st = db_exec(conn, current_sql, 0, NULL, &res, err);
    int current = res ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    *done = 0;
    if (st == PM_OK && current < version_of(m)) {
        /* A migration file is several statements, which only the simple protocol runs. */
        PGresult *r =
            PQexec(conn, m->data); /* sql-constant: a migration compiled into the binary */
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "migrate: %s failed: %s", m->name, PQresultErrorMessage(r));
            st = pm_fail(err, PM_INTERNAL, MSG("migration %s failed"), m->name);
        }
        PQclear(r);
        if (st == PM_OK) {
            char version[16];
            snprintf(version, sizeof version, "%d", version_of(m));
            const char *params[] = {version, m->name};
            st = db_exec(conn, record_sql, 2, params, NULL, err);
        }
        *done = st == PM_OK;
    }
    if (st == PM_OK)
        st = db_commit(conn, err);
    else
        db_rollback(conn, NULL);
    return st;
}

pm_status migrate_repo_apply(PGconn *conn, int *applied, pm_error *err)
{
    *applied = 0;
    for (size_t i = 0; i < embedded_migrations_count; i++) {
        int done = 0;
        pm_status st = apply_one(conn, &embedded_migrations[i], &done, err);
        if (st != PM_OK)
            return st;
        if (done) {
            fprintf(stderr, "migrate: applied %s\n", embedded_migrations[i].name);
            (*applied)++;
        }
    }
    return PM_OK;
}

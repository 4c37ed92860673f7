/* idempotency_repo.c: stored POST answers (see idempotency_repo.h). */
#include "db/idempotency_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/query.h"

/* The conflicting row is locked by ON CONFLICT: a retry waits here for the first request. */
static const char claim_sql[] =
    "INSERT INTO idempotency_key (username, key, request_hash) VALUES ($1, $2, $3::bytea)"
    " ON CONFLICT (username, key) DO UPDATE"
    "   SET request_hash = EXCLUDED.request_hash, status = NULL, headers = NULL, body = NULL,"
    "       created_at = now()"
    "   WHERE idempotency_key.created_at < now() - interval '24 hours'"
    " RETURNING true";

static const char stored_sql[] =
    "SELECT request_hash = $3::bytea, status, headers::text, body FROM idempotency_key"
    " WHERE username = $1 AND key = $2";

static const char store_sql[] =
    "UPDATE idempotency_key SET status = $3::int, headers = $4::jsonb, body = $5"
    " WHERE username = $1 AND key = $2";

static const char expire_sql[] =
    "DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours'";

pm_status idem_repo_claim(PGconn *conn, const char *username, const char *key,
                          const unsigned char hash[IDEM_HASH_BYTES], idem_record *out,
                          pm_error *err)
{
    memset(out, 0, sizeof *out);
    char hex[2 * IDEM_HASH_BYTES + 3] = "\\x";
    for (int i = 0; i < IDEM_HASH_BYTES; i++)
        snprintf(hex + 2 + 2 * i, 3, "%02x", hash[i]);
    const char *params[] = {username, key, hex};
    PGresult *res;
    pm_status st = db_exec(conn, claim_sql, 3, params, &res, err);
    if (st != PM_OK)
        return st;
    out->claimed = PQntuples(res) == 1;
    PQclear(res);
    if (out->claimed)
        return PM_OK;
    if ((st = db_exec(conn, stored_sql, 3, params, &res, err)) != PM_OK)
        return st;
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 1)) {
        out->same_request = PQgetvalue(res, 0, 0)[0] == 't';
        out->status = atoi(PQgetvalue(res, 0, 1));
        out->headers_json = strdup(PQgetvalue(res, 0, 2));
        out->body = strdup(PQgetvalue(res, 0, 3));
    } else {
        st =
            pm_fail(err, PM_CONFLICT, MSG("A request with this Idempotency-Key is still running."));
    }
    PQclear(res);
    return st;
}

pm_status idem_repo_store(PGconn *conn, const char *username, const char *key, int status,
                          const char *headers_json, const char *body, pm_error *err)
{
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    const char *params[] = {username, key, code, headers_json, body};
    return db_exec(conn, store_sql, 5, params, NULL, err);
}

pm_status idem_repo_expire(PGconn *conn, pm_error *err)
{
    return db_exec(conn, expire_sql, 0, NULL, NULL, err);
}

void idem_record_clear(idem_record *record)
{
    free(record->headers_json);
    free(record->body);
    record->headers_json = record->body = NULL;
}

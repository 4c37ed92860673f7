/* idempotency_repo.h: stored answers of POSTs sent with an Idempotency-Key (per caller, 24 h). */
#ifndef PLANMON_IDEMPOTENCY_REPO_H
#define PLANMON_IDEMPOTENCY_REPO_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

enum { IDEM_HASH_BYTES = 32 };

typedef struct {
    bool claimed;       /* this request owns the key: run it */
    bool same_request;  /* (not claimed) the stored answer is for the same request */
    int status;         /* (not claimed) the stored answer */
    char *headers_json; /* owned, malloc'd */
    char *body;         /* owned, malloc'd */
} idem_record;

/* Inside the caller's open transaction: claims (username, key) for a request whose hash is
 * `hash`, or — when the key is taken — waits until the transaction holding it ends and reads the
 * answer it stored. A key older than 24 hours is claimed afresh. */
pm_status idem_repo_claim(PGconn *conn, const char *username, const char *key,
                          const unsigned char hash[IDEM_HASH_BYTES], idem_record *out,
                          pm_error *err);

/* Stores the answer for a claimed key (same transaction as the claim). */
pm_status idem_repo_store(PGconn *conn, const char *username, const char *key, int status,
                          const char *headers_json, const char *body, pm_error *err);

/* Forgets answers older than 24 hours. */
pm_status idem_repo_expire(PGconn *conn, pm_error *err);

/* Frees what `record` owns. */
void idem_record_clear(idem_record *record);

#endif

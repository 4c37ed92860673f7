/* idempotency.c: Idempotency-Key handling (see idempotency.h). */
#include "http/idempotency.h"

#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "db/idempotency_repo.h"
#include "db/query.h"
#include "http/reply.h"
#include "http/request.h"
#include "jsonutil.h"
#include "log.h"

/* Response headers that belong to the stored answer. */
static const char *const kept_headers[] = {"Content-Type", "Location",      "ETag",
                                           "Retry-After",  "Cache-Control", NULL};

static bool key_ok(const char *key)
{
    size_t len = strlen(key);
    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++)
        if (key[i] < 0x21 || key[i] > 0x7e)
            return false;
    return true;
}

/* Orders query parameters by key, then value (bytes), for the canonical query. */
static int by_key_then_value(const void *a, const void *b)
{
    const struct query_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

/* SHA-256 of what "the same request" means: the method, the path, the canonical query (its
 * decoded parameters in key order, so `?dry_run=true&x=1` and `?x=1&dry_run=true` are one query
 * and a dry run is never the real import) and the body. Each part ends with a NUL, which no part
 * may hold, so that no two requests give the same input. */
static void request_hash(const http_ctx *ctx, unsigned char out[IDEM_HASH_BYTES])
{
    struct query_param sorted[QUERY_MAX_PARAMS];
    int n = ctx->nquery;
    memcpy(sorted, ctx->query, (size_t)n * sizeof sorted[0]);
    qsort(sorted, (size_t)n, sizeof sorted[0], by_key_then_value);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, ctx->req->http_verb, strlen(ctx->req->http_verb) + 1);
    EVP_DigestUpdate(md, ctx->req->url_path, strlen(ctx->req->url_path) + 1);
    for (int i = 0; i < n; i++) {
        EVP_DigestUpdate(md, sorted[i].key, strlen(sorted[i].key) + 1);
        EVP_DigestUpdate(md, sorted[i].value, strlen(sorted[i].value) + 1);
    }
    EVP_DigestUpdate(md, "", 1); /* the end of the query */
    if (ctx->req->binary_body)
        EVP_DigestUpdate(md, ctx->req->binary_body, ctx->req->binary_body_length);
    EVP_DigestFinal_ex(md, out, NULL);
    EVP_MD_CTX_free(md);
}

static void replay(http_ctx *ctx, const idem_record *rec)
{
    json_t *headers = json_loads(rec->headers_json ? rec->headers_json : "{}", 0, NULL);
    const char *name;
    json_t *value;
    json_object_foreach(headers, name, value)
    {
        if (json_is_string(value))
            reply_header(ctx, name, json_string_value(value));
    }
    json_decref(headers);
    reply_header(ctx, "Idempotent-Replayed", "true");
    const char *body = rec->body ? rec->body : "";
    reply_bytes(ctx, rec->status, body, strlen(body), NULL);
}

pm_status idem_before(http_ctx *ctx, bool *replayed, pm_error *err)
{
    *replayed = false;
    const char *key = req_header(ctx, "Idempotency-Key");
    if (!key || strcmp(ctx->req->http_verb, "POST") != 0 || !ctx->who.authenticated)
        return PM_OK;
    if (!key_ok(key))
        return pm_fail_field(err, PM_BAD_REQUEST, "Idempotency-Key", "invalid",
                             MSG("Idempotency-Key must be 1 to 255 visible ASCII characters."));
    unsigned char hash[IDEM_HASH_BYTES];
    request_hash(ctx, hash);
    PGconn *db;
    idem_record rec;
    pm_status st;
    if ((st = ctx_db(ctx, &db, err)) || (st = db_begin(db, err)))
        return st;
    ctx->tx = TX_DISPATCHER;
    if ((st = idem_repo_claim(db, ctx->who.username, key, hash, &rec, err)) == PM_OK) {
        if (rec.claimed) {
            static atomic_uint claims;
            if ((atomic_fetch_add(&claims, 1) & 63) == 0) /* now and then, forget old keys */
                idem_repo_expire(db, NULL);
            st = db_savepoint(db, err);
        } else if (!rec.same_request) {
            st = pm_fail_field(err, PM_VALIDATION_FAILED, "Idempotency-Key", "reused",
                               MSG("This Idempotency-Key was used with another request."));
        } else {
            replay(ctx, &rec);
            *replayed = true;
        }
    }
    idem_record_clear(&rec);
    if (st != PM_OK || *replayed) {
        ctx->tx = 0; /* the pool rolls the transaction back */
        db_rollback(db, NULL);
    }
    return st;
}

/* The answer's kept headers as a JSON object text (malloc'd). */
static char *answer_headers(const http_ctx *ctx)
{
    json_t *obj = json_object();
    for (size_t i = 0; kept_headers[i]; i++) {
        const char *v = u_map_get(ctx->resp->map_header, kept_headers[i]);
        if (v)
            json_object_set_new(obj, kept_headers[i], json_text(v));
    }
    char *text = json_serialize(obj);
    json_decref(obj);
    return text;
}

void idem_after(http_ctx *ctx, pm_status handler_status)
{
    if (ctx->tx != TX_DISPATCHER)
        return;
    ctx->tx = 0;
    PGconn *db = ctx->conn;
    if (ctx->resp->status >= 500) {
        db_rollback(db, NULL);
        return;
    }
    pm_error err = {0};
    pm_status st = PM_OK;
    if (handler_status != PM_OK) /* keep the refusal, not half of a write */
        st = db_rollback_to_savepoint(db, &err);
    char *headers = answer_headers(ctx);
    size_t len = ctx->resp->binary_body_length;
    char *body = malloc(len + 1);
    if (body) {
        memcpy(body, ctx->resp->binary_body ? ctx->resp->binary_body : "", len);
        body[len] = '\0';
    }
    const char *key = req_header(ctx, "Idempotency-Key");
    if (st == PM_OK)
        st = idem_repo_store(db, ctx->who.username, key, (int)ctx->resp->status, headers,
                             body ? body : "", &err);
    if (st == PM_OK)
        st = db_commit(db, &err);
    free(headers);
    free(body);
    if (st != PM_OK) {
        db_rollback(db, NULL);
        log_msg(LOG_WARN, NULL, "idempotent answer not stored; nothing was written");
        pm_error_reset(&err);
        pm_fail(&err, PM_UNAVAILABLE,
                MSG("The change could not be saved; try again with the same Idempotency-Key."));
        reply_problem(ctx, &err);
    }
    pm_error_reset(&err);
}

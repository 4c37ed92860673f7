/* notifier.c: the notifications' background thread (see notifier.h). */
#include "notify/notifier.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "domain/clock.h"
#include "log.h"
#include "jsonutil.h"
#include "notify/digest.h"
#include "notify/mail_repo.h"
#include "notify/mailer.h"
#include "notify/outbox_repo.h"
#include "notify/sender.h"

/* Outbox events one fan-out transaction reads; mails one pass sends. */
enum { FAN_OUT_BATCH = 500, MAIL_BATCH = 8, NOTIFIER_CONNECTIONS = 2 };

struct notifier {
    const pm_config *cfg;
    db_pool *pool;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    PGconn *listen;         /* LISTENing on DATABASE_LISTEN_URL, or NULL */
    double listen_retry_at; /* when to connect again after losing it */
    double eager_until;     /* after a notification: look again soon (the feed's horizon may lag) */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Logs a failed step once per kind of failure in a row (a database that is down is said once). */
static void report(const char *step, pm_status st, pm_error *err, pm_status *last)
{
    if (st != PM_OK && st != *last)
        log_msg(LOG_WARN, NULL, "notifications: %s failed: %s", step, err->detail);
    *last = st;
    pm_error_reset(err);
}

static pm_status schedule(struct notifier *n, pm_error *err)
{
    PGconn *db;
    char today[16];
    int made = 0;
    pm_status st = db_pool_acquire(n->pool, &db, err);
    if (st != PM_OK)
        return st;
    clock_today_text(today);
    st = outbox_repo_schedule(db, today, clock_zone(), &made, err);
    db_pool_release(n->pool, db);
    if (made > 0)
        log_msg(LOG_INFO, NULL, "notifications: %d deadline events for %s", made, today);
    return st;
}

/* Fans out until the outbox is read up to the feed's horizon (or a stop). */
static pm_status fan_out(struct notifier *n, pm_error *err)
{
    PGconn *db = NULL;
    pm_status st = db_pool_acquire(n->pool, &db, err);
    int events = FAN_OUT_BATCH;
    while (st == PM_OK && events == FAN_OUT_BATCH && !atomic_load(&n->stop))
        st = outbox_repo_fan_out(db, FAN_OUT_BATCH, &events, err);
    if (db)
        db_pool_release(n->pool, db);
    return st;
}

/* How long a claimed delivery or mail stays leased: longer than an attempt (both timeouts), with
 * time to record its outcome. */
static int lease_s(const pm_config *cfg)
{
    return (cfg->webhook_connect_timeout_ms + cfg->webhook_timeout_ms) / 1000 + 30;
}

/* The number of a claimed attempt (text PostgreSQL wrote for an integer). */
static int attempt_number(const char *text)
{
    return (int)strtol(text, NULL, 10);
}

/* The wait before the retry that follows attempt `attempt` (1 = the first), with ±20 % jitter
 * so that the retries of a burst spread out; -1 when the schedule is spent. */
static int retry_in(struct notifier *n, int attempt)
{
    if (attempt < 1 || attempt > n->cfg->webhook_retry_count)
        return -1;
    double base = n->cfg->webhook_retry_s[attempt - 1];
    double jitter = 0.8 + (double)arc4random_uniform(401) / 1000.0;
    int wait = (int)(base * jitter + 0.5);
    return wait < 1 ? 1 : wait;
}

/* What the recording of one batch's outcomes shares. */
struct batch {
    struct notifier *n;
    const outbox_claim *claims;
    PGconn *db; /* taken at the first outcome, given back after the batch; no transaction open */
    pm_status st;
    pm_error err;
};

/* sender_done: records one outcome at once. */
static void record(int i, const sender_outcome *out, void *user)
{
    struct batch *b = user;
    const pm_config *cfg = b->n->cfg;
    if (b->st != PM_OK || (!b->db && (b->st = db_pool_acquire(b->n->pool, &b->db, &b->err))))
        return; /* unrecorded: the lease runs out and the delivery is sent again */
    outbox_result r = {
        .delivered = out->delivered,
        .http_status = out->http_status,
        .duration_ms = out->duration_ms,
        .error = out->delivered ? NULL : out->error,
        .retry_in_s = out->delivered ? 0 : retry_in(b->n, attempt_number(b->claims[i].attempt)),
        .disable_after = cfg->webhook_disable_after,
    };
    b->st = outbox_repo_record(b->db, &b->claims[i], &r, &b->err);
}

/* Claims what is due and sends it, holding no transaction while it waits for receivers; each
 * outcome is recorded as it comes. *sent: how many were claimed. */
static pm_status deliver(struct notifier *n, int *sent, pm_error *err)
{
    const pm_config *cfg = n->cfg;
    int lease = lease_s(cfg);
    outbox_claim *claims = NULL;
    PGconn *db;
    *sent = 0;
    pm_status st = db_pool_acquire(n->pool, &db, err);
    if (st == PM_OK) {
        st = outbox_repo_claim(db, lease, cfg->webhook_concurrency, &claims, sent, err);
        db_pool_release(n->pool, db);
    }
    if (st != PM_OK || *sent == 0)
        return st;
    struct batch b = {.n = n, .claims = claims, .st = PM_OK};
    sender_send(cfg, claims, *sent, record, &b, &n->stop);
    if (b.db)
        db_pool_release(n->pool, b.db);
    outbox_claims_free(claims, *sent);
    if (b.st != PM_OK)
        *err = b.err;
    return b.st;
}

/* Queues today's digests once the hour of MAIL_DIGEST_AT has come (never without SMTP): each
 * user's at most once a day, whatever the instances (mail_repo_queue_digest). */
static pm_status queue_digests(struct notifier *n, pm_error *err)
{
    const pm_config *cfg = n->cfg;
    json_t *recipients = NULL;
    char today[16];
    PGconn *db;
    if (!mailer_configured(cfg))
        return PM_OK;
    pm_status st = db_pool_acquire(n->pool, &db, err);
    if (st != PM_OK)
        return st;
    clock_today_text(today);
    st =
        mail_repo_digest_recipients(db, today, clock_zone(), cfg->mail_digest_at, &recipients, err);
    size_t i;
    json_t *r;
    int queued = 0;
    json_array_foreach(recipients, i, r)
    {
        digest_mail mail = {0};
        bool made = false;
        if (st != PM_OK || !digest_write(r, today, &mail))
            break;
        st = mail_repo_queue_digest(db, json_member_string(r, "username"),
                                    json_member_string(r, "email"), today, mail.subject, mail.text,
                                    mail.html, &made, err);
        queued += made;
        digest_free(&mail);
    }
    json_decref(recipients);
    db_pool_release(n->pool, db);
    if (queued > 0)
        log_msg(LOG_INFO, NULL, "notifications: %d daily digests queued for %s", queued, today);
    return st;
}

/* Sends the mails that are due, one after another, holding no connection while the SMTP server
 * answers; a failure is retried on the webhooks' schedule. */
static pm_status send_mail(struct notifier *n, pm_error *err)
{
    const pm_config *cfg = n->cfg;
    int lease = lease_s(cfg);
    json_t *mails = NULL;
    PGconn *db;
    if (!mailer_configured(cfg))
        return PM_OK;
    pm_status st = db_pool_acquire(n->pool, &db, err);
    if (st != PM_OK)
        return st;
    st = mail_repo_claim(db, lease, MAIL_BATCH, &mails, err);
    db_pool_release(n->pool, db);
    size_t i;
    json_t *m;
    json_array_foreach(mails, i, m)
    {
        char error[256] = "";
        if (st != PM_OK || atomic_load(&n->stop))
            break;
        mail_message msg = {.to = json_member_string(m, "to_address"),
                            .subject = json_member_string(m, "subject"),
                            .text = json_member_string(m, "body_text"),
                            .html = json_member_string(m, "body_html")};
        bool sent = mailer_send(cfg, &msg, error, sizeof error);
        const char *attempt = json_member_string(m, "attempt");
        if (!sent)
            log_msg(LOG_WARN, NULL, "notifications: a mail to %s was not accepted: %s", msg.to,
                    error);
        if ((st = db_pool_acquire(n->pool, &db, err)) == PM_OK) {
            st = mail_repo_record(db, json_member_string(m, "id"), attempt, sent,
                                  sent ? NULL : error,
                                  sent ? 0 : retry_in(n, attempt_number(attempt)), err);
            db_pool_release(n->pool, db);
        }
    }
    json_decref(mails);
    return st;
}

/* Connects the LISTEN connection when DATABASE_LISTEN_URL is set and it is not connected (at
 * most every 5 s after a failure). */
static void listen_connect(struct notifier *n)
{
    const pm_config *cfg = n->cfg;
    if (!cfg->database_listen_url || n->listen || now_s() < n->listen_retry_at)
        return;
    pm_error err = {0};
    n->listen = db_connect(cfg->database_listen_url, cfg->db_query_timeout_ms, &err);
    if (n->listen && outbox_repo_listen(n->listen, &err) != PM_OK) {
        PQfinish(n->listen);
        db_pool_free(n->pool);
        n->listen = NULL;
    }
    if (!n->listen) {
        log_msg(LOG_WARN, NULL,
                "notifications: cannot LISTEN on DATABASE_LISTEN_URL (%s); "
                "polling meanwhile",
                err.detail);
        n->listen_retry_at = now_s() + 5;
    }
    pm_error_reset(&err);
}

/* Waits NOTIFY_POLL_MS, or less: until a stop, or a notification that events committed. */
static void wait_for_work(struct notifier *n)
{
    double wait = n->cfg->notify_poll_ms / 1000.0;
    if (now_s() < n->eager_until && wait > 0.1)
        wait = 0.1;
    double until = now_s() + wait;
    listen_connect(n);
    while (!atomic_load(&n->stop)) {
        double left = until - now_s();
        if (left <= 0)
            return;
        int slice = left > 0.2 ? 200 : (int)(left * 1000) + 1; /* a stop is seen within 0.2 s */
        if (!n->listen) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            long ns = ts.tv_nsec + slice * 1000000L;
            ts.tv_sec += ns / 1000000000L;
            ts.tv_nsec = ns % 1000000000L;
            pthread_mutex_lock(&n->lock);
            if (!atomic_load(&n->stop))
                pthread_cond_timedwait(&n->wake, &n->lock, &ts);
            pthread_mutex_unlock(&n->lock);
            continue;
        }
        struct pollfd fd = {.fd = PQsocket(n->listen), .events = POLLIN};
        if (poll(&fd, 1, slice) <= 0)
            continue;
        bool woken = false;
        PGnotify *note;
        if (!PQconsumeInput(n->listen)) {
            log_msg(LOG_WARN, NULL, "notifications: the LISTEN connection was lost; polling");
            PQfinish(n->listen);
            db_pool_free(n->pool);
            n->listen = NULL;
            n->listen_retry_at = now_s() + 5;
            continue;
        }
        while ((note = PQnotifies(n->listen))) {
            woken = true;
            PQfreemem(note);
        }
        if (woken) {
            n->eager_until = now_s() + 2;
            return;
        }
    }
}

static void *run(void *arg)
{
    struct notifier *n = arg;
    const pm_config *cfg = n->cfg;
    pm_error err = {0};
    pm_status last_schedule = PM_OK, last_fan_out = PM_OK, last_deliver = PM_OK;
    pm_status last_digest = PM_OK, last_mail = PM_OK;
    double next_schedule = 0;
    while (!atomic_load(&n->stop)) {
        if (now_s() >= next_schedule) {
            report("the deadline scheduler", schedule(n, &err), &err, &last_schedule);
            report("the daily digest", queue_digests(n, &err), &err, &last_digest);
            next_schedule = now_s() + cfg->scheduler_interval_s;
        }
        report("the fan-out of events", fan_out(n, &err), &err, &last_fan_out);
        int sent = 0;
        report("a delivery", deliver(n, &sent, &err), &err, &last_deliver);
        report("the sending of mail", send_mail(n, &err), &err, &last_mail);
        if (sent == cfg->webhook_concurrency)
            continue; /* more may be due at once */
        wait_for_work(n);
    }
    return NULL;
}

notifier *notifier_start(const pm_config *cfg)
{
    struct notifier *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->cfg = cfg;
    /* a pool of its own: the background work never takes a connection from the requests (nor
     * shows in their pool's figures) */
    n->pool = db_pool_new(cfg->database_url, NOTIFIER_CONNECTIONS, cfg->db_acquire_timeout_ms,
                          cfg->db_query_timeout_ms, cfg->db_prepare);
    if (!n->pool) {
        free(n);
        return NULL;
    }
    atomic_init(&n->stop, false);
    pthread_mutex_init(&n->lock, NULL);
    pthread_cond_init(&n->wake, NULL);
    if (pthread_create(&n->thread, NULL, run, n) != 0) {
        log_msg(LOG_ERROR, NULL, "notifications: the thread could not start");
        pthread_cond_destroy(&n->wake);
        pthread_mutex_destroy(&n->lock);
        db_pool_free(n->pool);
        free(n);
        return NULL;
    }
    if (!mailer_configured(cfg))
        log_msg(LOG_INFO, NULL, "notifications: SMTP_URL is not set: no e-mail is sent");
    if (cfg->database_listen_url)
        log_msg(LOG_INFO, NULL,
                "notifications: woken by LISTEN/NOTIFY on DATABASE_LISTEN_URL, and looking at "
                "the outbox every %d ms; deadlines every %d s",
                cfg->notify_poll_ms, cfg->scheduler_interval_s);
    else
        log_msg(LOG_INFO, NULL,
                "notifications: DATABASE_LISTEN_URL is not set: the deliverer polls the outbox "
                "every %d ms; deadlines every %d s",
                cfg->notify_poll_ms, cfg->scheduler_interval_s);
    return n;
}

void notifier_stop(notifier *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    atomic_store(&n->stop, true);
    pthread_cond_signal(&n->wake);
    pthread_mutex_unlock(&n->lock);
    pthread_join(n->thread, NULL);
    PQfinish(n->listen);
    db_pool_free(n->pool);
    pthread_cond_destroy(&n->wake);
    pthread_mutex_destroy(&n->lock);
    free(n);
}

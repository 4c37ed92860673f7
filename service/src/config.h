/* config.h: the service's settings, read once from the environment at start.
 *
 * After config_load the struct is read-only and may be shared by every thread. Strings point
 * into the environment or into static storage; nothing in it needs freeing. */
#ifndef PLANMON_CONFIG_H
#define PLANMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/netaddr.h"

enum { CONFIG_MAX_ORIGINS = 32, CONFIG_MAX_PROXIES = 16, CONFIG_MAX_RETRIES = 20 };

typedef struct {
    const char *database_url;      /* DATABASE_URL, required where `need_database` */
    const char *database_read_url; /* DATABASE_READ_URL: a streaming replica for reads, or NULL */
    /* DATABASE_LISTEN_URL: a direct connection (not through a transaction-mode PgBouncer) on
     * which the notifier LISTENs to be woken early, or NULL: it polls */
    const char *database_listen_url;
    bool db_prepare; /* DB_PREPARE (on): pooled connections prepare their statements; off behind a
                        transaction-mode PgBouncer */
    const char *bind_address;      /* BIND_ADDRESS, IPv4 literal */
    int port;                      /* PORT */
    int db_pool_size;              /* DB_POOL_SIZE */
    int http_threads;              /* HTTP_THREADS */
    int db_acquire_timeout_ms;     /* DB_ACQUIRE_TIMEOUT_MS */
    int db_query_timeout_ms;       /* DB_QUERY_TIMEOUT_MS */
    int http_connection_timeout_s; /* HTTP_CONNECTION_TIMEOUT_S */
    int http_max_connections;      /* HTTP_MAX_CONNECTIONS */
    int http_per_ip_connections;   /* HTTP_PER_IP_CONNECTIONS, 0 = no limit */
    int shutdown_grace_s;          /* SHUTDOWN_GRACE_S: after SIGTERM, serve on with /readyz 503 */
    int shutdown_timeout_s;  /* SHUTDOWN_TIMEOUT_S: then wait this long for requests in flight */
    size_t max_body_bytes;   /* MAX_BODY_BYTES */
    size_t import_max_bytes; /* IMPORT_MAX_BYTES: the body limit of bulk imports */
    int report_due_days;     /* REPORT_DUE_DAYS: a period is due this long after it */
    int report_render_concurrency;    /* REPORT_RENDER_CONCURRENCY: documents rendered at once */
    int password_hash_concurrency;    /* PASSWORD_HASH_CONCURRENCY: argon2 hashes run at once */
    int password_hash_wait_ms;        /* PASSWORD_HASH_WAIT_MS: then 503 with Retry-After */
    int export_max_rows;              /* EXPORT_MAX_ROWS: the most rows an export holds */
    const char *province_time_zone;   /* PROVINCE_TIME_ZONE: the zone of "today" (domain/clock.h) */
    int log_level;                    /* LOG_LEVEL, a log_level value */
    const char *docs_js_file;         /* DOCS_JS_FILE */
    const char *jwt_alg;              /* JWT_ALG: RS256 (default), ES256 or HS256 */
    const char *jwt_private_key_file; /* JWT_PRIVATE_KEY_FILE: PEM, for RS256 and ES256 */
    const char *jwt_secret;           /* JWT_SECRET: at least 32 bytes, for HS256 */
    const char *jwt_issuer;           /* JWT_ISSUER */
    const char *jwt_audience;         /* JWT_AUDIENCE */
    int jwt_ttl_s;                    /* JWT_TTL: access token lifetime */
    int jwt_max_ttl_s;                /* JWT_MAX_TTL: the longest lifetime accepted or issued */
    int refresh_ttl_s;                /* REFRESH_TTL: refresh token lifetime */
    int refresh_reuse_grace_s;        /* REFRESH_REUSE_GRACE_S: a spent token's second use */
    int login_max_failures;           /* LOGIN_MAX_FAILURES per username in LOGIN_WINDOW_S */
    int login_max_failures_ip;        /* LOGIN_MAX_FAILURES_PER_IP in LOGIN_WINDOW_S */
    int login_window_s;               /* LOGIN_WINDOW_S */
    int cors_origin_count;
    char cors_origins[CONFIG_MAX_ORIGINS][256]; /* CORS_ORIGINS, comma-separated */
    int trusted_proxy_count;
    /* TRUSTED_PROXIES, comma-separated addresses or networks (10.0.0.0/8): the proxies whose
     * X-Forwarded-For names the client */
    net_prefix trusted_proxies[CONFIG_MAX_PROXIES];
    /* Notifications (service/src/notify/) */
    int notify_poll_ms;             /* NOTIFY_POLL_MS: how often the outbox is looked at */
    int scheduler_interval_s;       /* SCHEDULER_INTERVAL_S: how often deadlines are looked at */
    int webhook_connect_timeout_ms; /* WEBHOOK_CONNECT_TIMEOUT_MS */
    int webhook_timeout_ms;         /* WEBHOOK_TIMEOUT_MS: a whole delivery attempt */
    int webhook_concurrency;        /* WEBHOOK_CONCURRENCY: deliveries one instance sends at once */
    int webhook_disable_after;      /* WEBHOOK_DISABLE_AFTER: deliveries in a row failed for good */
    int webhook_retry_count;
    /* WEBHOOK_RETRY_SCHEDULE: the waits before each retry, in seconds (10s,1m,5m,30m,2h,6h,15h) */
    int webhook_retry_s[CONFIG_MAX_RETRIES];
    /* WEBHOOK_ALLOW_HOSTS: host names (comma-separated) a webhook may reach although they resolve
     * to a private, loopback or link-local address; "" for none */
    const char *webhook_allow_hosts;
    /* E-mail: none is sent unless SMTP_URL is set */
    const char *smtp_url; /* SMTP_URL: smtp://host:587 (STARTTLS) or smtps://host:465 */
    bool smtp_starttls;   /* SMTP_STARTTLS (required; off only for a test server) */
    const char *smtp_credentials_file; /* SMTP_CREDENTIALS_FILE: one line user:password, or NULL */
    const char *mail_from;             /* MAIL_FROM: the sender's address */
    char mail_digest_at[6];            /* MAIL_DIGEST_AT: HH:MM in the province (07:00) */
} pm_config;

/* Fills `cfg` from the environment with defaults for what is unset. On a bad value writes one
 * human-readable sentence naming the variable to `msg` and returns false. Not thread-safe (reads
 * the environment); call once at start. */
bool config_load(pm_config *cfg, bool need_database, char *msg, size_t msg_size);

/* True when `host` is one of WEBHOOK_ALLOW_HOSTS (case-insensitive). Thread-safe. */
bool config_webhook_host_allowed(const pm_config *cfg, const char *host);

/* True when `origin` (exact, case-sensitive) is in the CORS allow-list. Thread-safe. */
bool config_origin_allowed(const pm_config *cfg, const char *origin);

#endif

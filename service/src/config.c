/* config.c: settings from the environment, validated, with safe defaults (see config.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/clock.h"
#include "log.h"

#ifndef PLANMON_DEFAULT_DOCS_JS
#define PLANMON_DEFAULT_DOCS_JS "node_modules/redoc/bundles/redoc.standalone.js"
#endif

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return (v && *v) ? v : fallback;
}

/* Reads integer variable `name` into *out within [min, max]; unset gives `fallback`. */
static bool env_int(const char *name, long fallback, long min, long max, long *out, char *msg,
                    size_t msg_size)
{
    const char *v = getenv(name);
    *out = fallback;
    if (!v || !*v)
        return true;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < min || n > max) {
        snprintf(msg, msg_size, "%s must be a whole number from %ld to %ld (got \"%.40s\")", name,
                 min, max, v);
        return false;
    }
    *out = n;
    return true;
}

/* The next item of the comma-separated list at *p, blanks trimmed, into *item and *len (0 for an
 * empty item); advances *p past it. False at the end of the list. */
static bool next_item(const char **p, const char **item, size_t *len)
{
    if (!*p || !**p)
        return false;
    const char *comma = strchr(*p, ',');
    size_t n = comma ? (size_t)(comma - *p) : strlen(*p);
    const char *s = *p;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *item = s;
    *len = n;
    *p = comma ? comma + 1 : NULL;
    return true;
}

/* Reads CORS_ORIGINS: each origin must look like scheme://host[:port]. */
static bool parse_origins(pm_config *cfg, const char *list, char *msg, size_t msg_size)
{
    cfg->cors_origin_count = 0;
    const char *item;
    size_t len;
    while (next_item(&list, &item, &len)) {
        if (!len)
            continue;
        if (cfg->cors_origin_count == CONFIG_MAX_ORIGINS || len >= sizeof cfg->cors_origins[0]) {
            snprintf(msg, msg_size, "CORS_ORIGINS: at most %d origins of at most %zu bytes",
                     CONFIG_MAX_ORIGINS, sizeof cfg->cors_origins[0] - 1);
            return false;
        }
        char *dst = cfg->cors_origins[cfg->cors_origin_count++];
        memcpy(dst, item, len);
        dst[len] = '\0';
        if ((strncmp(dst, "http://", 7) && strncmp(dst, "https://", 8)) || dst[len - 1] == '/') {
            snprintf(msg, msg_size,
                     "CORS_ORIGINS: \"%.80s\" is not an origin like https://host[:port]", dst);
            return false;
        }
    }
    return true;
}

/* Reads TRUSTED_PROXIES: each item is an address or a network. */
static bool parse_proxies(pm_config *cfg, const char *list, char *msg, size_t msg_size)
{
    cfg->trusted_proxy_count = 0;
    const char *item;
    size_t len;
    while (next_item(&list, &item, &len)) {
        if (len &&
            (cfg->trusted_proxy_count == CONFIG_MAX_PROXIES ||
             !net_prefix_parse(item, len, &cfg->trusted_proxies[cfg->trusted_proxy_count++]))) {
            snprintf(msg, msg_size,
                     "TRUSTED_PROXIES: at most %d addresses or networks such as 10.0.0.0/8 or "
                     "::1 (got \"%.*s\")",
                     CONFIG_MAX_PROXIES, (int)(len > 60 ? 60 : len), item);
            return false;
        }
    }
    return true;
}

/* Reads the e-mail settings. */
static bool load_mail(pm_config *cfg, char *msg, size_t msg_size)
{
    cfg->smtp_url = env_or("SMTP_URL", NULL);
    if (cfg->smtp_url && strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
        strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
        snprintf(msg, msg_size,
                 "SMTP_URL must be smtp://host[:port] or smtps://host[:port] (got \"%.60s\")",
                 cfg->smtp_url);
        return false;
    }
    const char *starttls = env_or("SMTP_STARTTLS", "required");
    if (strcmp(starttls, "required") != 0 && strcmp(starttls, "off") != 0) {
        snprintf(msg, msg_size, "SMTP_STARTTLS must be required or off (got \"%.40s\")", starttls);
        return false;
    }
    cfg->smtp_starttls = strcmp(starttls, "required") == 0;
    cfg->smtp_credentials_file = env_or("SMTP_CREDENTIALS_FILE", NULL);
    cfg->mail_from = env_or("MAIL_FROM", "planmon@localhost");
    const char *at = env_or("MAIL_DIGEST_AT", "07:00");
    if (strlen(at) != 5 || at[2] != ':' || strspn(at, "0123456789:") != 5 ||
        (at[0] - '0') * 10 + (at[1] - '0') > 23 || at[3] > '5') {
        snprintf(msg, msg_size, "MAIL_DIGEST_AT must be HH:MM, 00:00 to 23:59 (got \"%.40s\")", at);
        return false;
    }
    memcpy(cfg->mail_digest_at, at, 6);
    return true;
}

/* Reads WEBHOOK_RETRY_SCHEDULE: each item a number and a unit, s, m or h (90s, 5m, 2h). */
static bool parse_retries(pm_config *cfg, const char *list, char *msg, size_t msg_size)
{
    cfg->webhook_retry_count = 0;
    const char *item;
    size_t len;
    while (next_item(&list, &item, &len)) {
        char *end;
        long n = len ? strtol(item, &end, 10) : -1;
        long unit = len && end == item + len - 1 ? (*end == 's'   ? 1
                                                    : *end == 'm' ? 60
                                                    : *end == 'h' ? 3600
                                                                  : 0)
                                                 : 0;
        if (n < 1 || unit == 0 || n * unit > 86400 ||
            cfg->webhook_retry_count == CONFIG_MAX_RETRIES) {
            snprintf(msg, msg_size,
                     "WEBHOOK_RETRY_SCHEDULE: at most %d waits such as 10s, 5m or 2h, each at "
                     "most 24h (got \"%.*s\")",
                     CONFIG_MAX_RETRIES, (int)(len > 40 ? 40 : len), item);
            return false;
        }
        cfg->webhook_retry_s[cfg->webhook_retry_count++] = (int)(n * unit);
    }
    return true;
}

bool config_load(pm_config *cfg, bool need_database, char *msg, size_t msg_size)
{
    memset(cfg, 0, sizeof *cfg);
    long v;

    cfg->database_url = env_or("DATABASE_URL", NULL);
    if (need_database && !cfg->database_url) {
        snprintf(
            msg, msg_size,
            "DATABASE_URL is not set (for example postgresql://planmon@127.0.0.1:5432/planmon)");
        return false;
    }
    cfg->database_read_url = env_or("DATABASE_READ_URL", NULL);
    cfg->database_listen_url = env_or("DATABASE_LISTEN_URL", NULL);
    const char *prepare = env_or("DB_PREPARE", "on");
    if (strcmp(prepare, "on") != 0 && strcmp(prepare, "off") != 0) {
        snprintf(msg, msg_size, "DB_PREPARE must be on or off (got \"%.40s\")", prepare);
        return false;
    }
    cfg->db_prepare = strcmp(prepare, "on") == 0;
    cfg->bind_address = env_or("BIND_ADDRESS", "127.0.0.1");
    struct in_addr probe;
    if (inet_pton(AF_INET, cfg->bind_address, &probe) != 1) {
        snprintf(msg, msg_size,
                 "BIND_ADDRESS must be an IPv4 address such as 127.0.0.1 (got \"%.40s\")",
                 cfg->bind_address);
        return false;
    }

    struct {
        const char *name;
        long fallback, min, max;
        int *dst;
    } ints[] = {
        {"PORT", 8080, 1, 65535, &cfg->port},
        {"DB_POOL_SIZE", 8, 1, 256, &cfg->db_pool_size},
        {"HTTP_THREADS", 4, 1, 256, &cfg->http_threads},
        {"DB_ACQUIRE_TIMEOUT_MS", 1000, 1, 60000, &cfg->db_acquire_timeout_ms},
        {"DB_QUERY_TIMEOUT_MS", 5000, 100, 600000, &cfg->db_query_timeout_ms},
        {"HTTP_CONNECTION_TIMEOUT_S", 30, 1, 3600, &cfg->http_connection_timeout_s},
        {"HTTP_MAX_CONNECTIONS", 1024, 1, 65536, &cfg->http_max_connections},
        {"HTTP_PER_IP_CONNECTIONS", 0, 0, 65536, &cfg->http_per_ip_connections},
        {"SHUTDOWN_GRACE_S", 2, 0, 300, &cfg->shutdown_grace_s},
        {"SHUTDOWN_TIMEOUT_S", 15, 1, 600, &cfg->shutdown_timeout_s},
        {"JWT_MAX_TTL", 900, 60, 86400, &cfg->jwt_max_ttl_s},
        {"REFRESH_TTL", 30 * 86400, 300, 365 * 86400, &cfg->refresh_ttl_s},
        {"REFRESH_REUSE_GRACE_S", 10, 0, 300, &cfg->refresh_reuse_grace_s},
        {"LOGIN_MAX_FAILURES", 5, 1, 1000, &cfg->login_max_failures},
        {"LOGIN_MAX_FAILURES_PER_IP", 50, 1, 100000, &cfg->login_max_failures_ip},
        {"LOGIN_WINDOW_S", 900, 1, 86400, &cfg->login_window_s},
        {"REPORT_RENDER_CONCURRENCY", 2, 1, 64, &cfg->report_render_concurrency},
        {"PASSWORD_HASH_CONCURRENCY", 2, 1, 64, &cfg->password_hash_concurrency},
        {"PASSWORD_HASH_WAIT_MS", 2000, 1, 60000, &cfg->password_hash_wait_ms},
        {"EXPORT_MAX_ROWS", 100000, 1, 10000000, &cfg->export_max_rows},
        {"NOTIFY_POLL_MS", 1000, 20, 60000, &cfg->notify_poll_ms},
        {"SCHEDULER_INTERVAL_S", 60, 1, 86400, &cfg->scheduler_interval_s},
        {"WEBHOOK_CONNECT_TIMEOUT_MS", 5000, 100, 60000, &cfg->webhook_connect_timeout_ms},
        {"WEBHOOK_TIMEOUT_MS", 15000, 100, 300000, &cfg->webhook_timeout_ms},
        {"WEBHOOK_CONCURRENCY", 16, 1, 256, &cfg->webhook_concurrency},
        {"WEBHOOK_DISABLE_AFTER", 10, 1, 100000, &cfg->webhook_disable_after},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (!env_int(ints[i].name, ints[i].fallback, ints[i].min, ints[i].max, &v, msg, msg_size))
            return false;
        *ints[i].dst = (int)v;
    }
    if (!env_int("JWT_TTL", 900, 30, cfg->jwt_max_ttl_s, &v, msg, msg_size))
        return false;
    cfg->jwt_ttl_s = (int)v;
    cfg->jwt_alg = env_or("JWT_ALG", "RS256");
    cfg->jwt_private_key_file = env_or("JWT_PRIVATE_KEY_FILE", NULL);
    cfg->jwt_secret = env_or("JWT_SECRET", NULL);
    cfg->jwt_issuer = env_or("JWT_ISSUER", "planmon");
    cfg->jwt_audience = env_or("JWT_AUDIENCE", "planmon");
    if (!env_int("MAX_BODY_BYTES", 1048576, 1024, 64L * 1024 * 1024, &v, msg, msg_size))
        return false;
    cfg->max_body_bytes = (size_t)v;
    if (!env_int("IMPORT_MAX_BYTES", 16L * 1024 * 1024, 1024, 256L * 1024 * 1024, &v, msg,
                 msg_size))
        return false;
    cfg->import_max_bytes = (size_t)v;
    if (!env_int("REPORT_DUE_DAYS", 5, 0, 365, &v, msg, msg_size))
        return false;
    cfg->report_due_days = (int)v;
    cfg->province_time_zone = env_or("PROVINCE_TIME_ZONE", CLOCK_DEFAULT_ZONE);

    const char *level = env_or("LOG_LEVEL", "info");
    cfg->log_level = log_level_parse(level);
    if (cfg->log_level < 0) {
        snprintf(msg, msg_size, "LOG_LEVEL must be debug, info, warn or error (got \"%.40s\")",
                 level);
        return false;
    }
    cfg->docs_js_file = env_or("DOCS_JS_FILE", PLANMON_DEFAULT_DOCS_JS);
    cfg->webhook_allow_hosts = env_or("WEBHOOK_ALLOW_HOSTS", "");
    if (!load_mail(cfg, msg, msg_size))
        return false;
    return parse_origins(cfg, env_or("CORS_ORIGINS", ""), msg, msg_size) &&
           parse_proxies(cfg, env_or("TRUSTED_PROXIES", ""), msg, msg_size) &&
           parse_retries(cfg, env_or("WEBHOOK_RETRY_SCHEDULE", "10s,1m,5m,30m,2h,6h,15h"), msg,
                         msg_size);
}

bool config_webhook_host_allowed(const pm_config *cfg, const char *host)
{
    const char *list = cfg->webhook_allow_hosts, *item;
    size_t len;
    while (host && next_item(&list, &item, &len))
        if (len && strlen(host) == len && strncasecmp(host, item, len) == 0)
            return true;
    return false;
}

bool config_origin_allowed(const pm_config *cfg, const char *origin)
{
    for (int i = 0; origin && i < cfg->cors_origin_count; i++)
        if (strcmp(cfg->cors_origins[i], origin) == 0)
            return true;
    return false;
}

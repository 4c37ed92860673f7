/* main.c: the planmon executable and its subcommands: serve, migrate, seed, user add, token,
 * report, version, routes. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>
#include <curl/curl.h>
#include <unistd.h>

#include "app.h"
#include "auth/auth_repo.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "auth/token.h"
#include "config.h"
#include "db/migrate_repo.h"
#include "db/pool.h"
#include "db/query.h"
#include "domain/clock.h"
#include "embedded.h"
#include "http/routes.h"
#include "http/server.h"
#include "log.h"
#include "notify/mailer.h"
#include "notify/notifier.h"
#include "render/fonts.h"
#include "report_cli.h"
#include "resources/occurrences_repo.h"
#include "resources/users_repo.h"
#include "seed.h"

#ifndef PLANMON_VERSION
#define PLANMON_VERSION "0.0.0"
#endif

/* Long-running one-off work (migrations, seeding) is not bound by the serving timeout. */
enum { TOOL_QUERY_TIMEOUT_MS = 600000 };

enum { MAX_OPTIONS = 12 };

/* The options one command line gave: --name value pairs (a flag's value is "1"). */
struct options {
    int n;
    const char *names[MAX_OPTIONS], *values[MAX_OPTIONS];
};

static const char *opt(const struct options *o, const char *name)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->names[i], name) == 0)
            return o->values[i];
    return NULL;
}

struct command {
    const char *name;
    int (*run)(const pm_config *cfg, const struct options *o);
    bool needs_database;
    const char *summary;
    const char *usage;
    const char *const options[MAX_OPTIONS]; /* "--name" takes a value, "--name!" is a flag */
};

static int cmd_serve(const pm_config *cfg, const struct options *o);
static int cmd_migrate(const pm_config *cfg, const struct options *o);
static int cmd_seed(const pm_config *cfg, const struct options *o);
static int cmd_user_add(const pm_config *cfg, const struct options *o);
static int cmd_token(const pm_config *cfg, const struct options *o);
static int cmd_report(const pm_config *cfg, const struct options *o);
static int cmd_version(const pm_config *cfg, const struct options *o);
static int cmd_routes(const pm_config *cfg, const struct options *o);
static int cmd_mail_test(const pm_config *cfg, const struct options *o);

static const struct command commands[] = {
    {"serve",
     cmd_serve,
     true,
     "serve the HTTP API until SIGTERM",
     "Serves the API on BIND_ADDRESS:PORT (default 127.0.0.1:8080) until SIGTERM or SIGINT.\n"
     "Environment: DATABASE_URL (required), JWT_ALG (RS256), JWT_PRIVATE_KEY_FILE (RS256, ES256)\n"
     "or JWT_SECRET (HS256), JWT_ISSUER, JWT_AUDIENCE, JWT_TTL, JWT_MAX_TTL, REFRESH_TTL, PORT,\n"
     "BIND_ADDRESS, DB_POOL_SIZE, HTTP_THREADS, DB_ACQUIRE_TIMEOUT_MS, DB_QUERY_TIMEOUT_MS,\n"
     "DB_PREPARE (on; off behind a transaction-mode PgBouncer), DATABASE_READ_URL,\n"
     "HTTP_CONNECTION_TIMEOUT_S, HTTP_MAX_CONNECTIONS, HTTP_PER_IP_CONNECTIONS, MAX_BODY_BYTES,\n"
     "CORS_ORIGINS, LOG_LEVEL, DOCS_JS_FILE, LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_IP,\n"
     "LOGIN_WINDOW_S, REPORT_RENDER_CONCURRENCY, PASSWORD_HASH_CONCURRENCY,\n"
     "PASSWORD_HASH_WAIT_MS; notifications: NOTIFY_POLL_MS,\n"
     "SCHEDULER_INTERVAL_S, WEBHOOK_ALLOW_HOSTS, WEBHOOK_RETRY_SCHEDULE, WEBHOOK_TIMEOUT_MS,\n"
     "WEBHOOK_CONNECT_TIMEOUT_MS, WEBHOOK_CONCURRENCY, WEBHOOK_DISABLE_AFTER, SMTP_URL,\n"
     "SMTP_STARTTLS, SMTP_CREDENTIALS_FILE, MAIL_FROM, MAIL_DIGEST_AT.\n",
     {NULL}},
    {"migrate",
     cmd_migrate,
     true,
     "bring the database schema up to this binary's version",
     "Applies the migrations compiled into this binary that the database lacks, each in its own\n"
     "transaction under an advisory lock. Safe to run again and from several hosts at once.\n"
     "Environment: DATABASE_URL (required).\n",
     {NULL}},
    {"seed",
     cmd_seed,
     true,
     "load the decision's reference data (idempotent)",
     "usage: planmon seed [--demo]\n"
     "Loads the administrative units of An Giang (2016-2020) and the agencies named by Decision\n"
     "1994/QD-UBND, in one transaction. Inserts only what is missing; never overwrites.\n"
     "--demo also adds the demo users (admin, coordinator, longxuyen.manager, longxuyen.officer,\n"
     "chaudoc.officer, health.officer, viewer, auditor) with the password in DEMO_PASSWORD, or a\n"
     "generated one, printed. Never use --demo on a real installation.\n"
     "Environment: DATABASE_URL (required), DEMO_PASSWORD.\n",
     {"--demo!", NULL}},
    {"user add",
     cmd_user_add,
     true,
     "create a user",
     "usage: planmon user add --username U --agency CODE --role ROLE [--display-name NAME]\n"
     "Reads the password from standard input (one line) when it is not a terminal; otherwise\n"
     "generates one and prints it. Roles: admin, coordinator, manager, officer, viewer, auditor.\n"
     "Environment: DATABASE_URL (required).\n",
     {"--username", "--agency", "--role", "--display-name", NULL}},
    {"token",
     cmd_token,
     true,
     "print an access token for an active user",
     "usage: planmon token --username U [--ttl SECONDS]\n"
     "Prints a signed access token for an existing active user (for administrators and\n"
     "scripts). --ttl defaults to JWT_TTL and may not exceed JWT_MAX_TTL (900).\n"
     "Environment: DATABASE_URL and the JWT_* settings of `serve`.\n",
     {"--username", "--ttl", NULL}},
    {"report",
     cmd_report,
     true,
     "write a report document (PDF or DOCX) to a file",
     "usage: planmon report --period P -o FILE [--format pdf|docx] [--unit CODE] [--plan ID]\n"
     "       [--as-of TIME] [--agency CODE] [--number N] [--date YYYY-MM-DD]\n"
     "       [--signer-title 'KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC'] [--signer-name NAME]\n"
     "Writes what GET /v1/reports/P answers as a document (--format, default pdf), with the same\n"
     "parameters, as an administrator: the file is written whole or not at all.\n"
     "Environment: DATABASE_URL (required), PROVINCE_TIME_ZONE, REPORT_DUE_DAYS.\n",
     {"--period", "-o", "--format", "--unit", "--plan", "--as-of", "--agency", "--number", "--date",
      "--signer-title", "--signer-name", NULL}},
    {"version",
     cmd_version,
     false,
     "print the version and schema version",
     "Prints `planmon VERSION schema N`, and `(test clock)` for a build that honours\n"
     "PLANMON_TEST_TODAY (tests/run's builds; never a deployed binary).\n",
     {NULL}},
    {"routes",
     cmd_routes,
     false,
     "print the route table",
     "Prints one `METHOD /path` line per operation.\n",
     {NULL}},
    {"mail-test",
     cmd_mail_test,
     false,
     "send a test e-mail to check the SMTP set-up",
     "usage: planmon mail-test --to ADDRESS\n"
     "Sends one short message (Vietnamese, plain text and HTML) to ADDRESS over SMTP_URL and says\n"
     "whether the server accepted it; exits 1 when it did not or SMTP_URL is not set.\n"
     "Environment: SMTP_URL, SMTP_STARTTLS (required), SMTP_CREDENTIALS_FILE, MAIL_FROM.\n",
     {"--to", NULL}},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fprintf(out, "usage: planmon <command> [options] [--help]\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-9s %s\n", "help", "show this text");
}

/* Loads the signing keys, or says on stderr why the service cannot start. */
static bool load_keys(const pm_config *cfg, auth_keys *keys)
{
    char msg[256];
    if (auth_keys_load(cfg, keys, msg, sizeof msg))
        return true;
    fprintf(stderr, "planmon: %s\n", msg);
    return false;
}

static int cmd_serve(const pm_config *cfg, const struct options *o)
{
    auth_keys keys;
    if (!load_keys(cfg, &keys))
        return 1;
    app_t app = {.cfg = cfg, .keys = &keys};
    /* Blocks of 1 MiB and more come from mmap and go back to the system when freed. glibc
     * otherwise raises that threshold to the largest block freed so far, and a sign-in's 19 MiB
     * of argon2 then stayed in its thread's arena: RSS 15 -> 96 MB after 8 sign-ins. */
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    password_limit(cfg->password_hash_concurrency, cfg->password_hash_wait_ms);
    char why[256];
    app.fonts = render_fonts_new((size_t)cfg->report_render_concurrency, why, sizeof why);
    if (!app.fonts) {
        fprintf(stderr, "planmon: report documents: %s\n", why);
        auth_keys_free(&keys);
        return 1;
    }
    atomic_init(&app.draining, false);
    atomic_init(&app.in_flight, 0);
    db_set_query_timeout(cfg->db_query_timeout_ms);
    app.pool = db_pool_new(cfg->database_url, cfg->db_pool_size, cfg->db_acquire_timeout_ms,
                           cfg->db_query_timeout_ms, cfg->db_prepare);
    if (cfg->database_read_url)
        app.read_pool =
            db_pool_new(cfg->database_read_url, cfg->db_pool_size, cfg->db_acquire_timeout_ms,
                        cfg->db_query_timeout_ms, cfg->db_prepare);
    if (!app.pool || (cfg->database_read_url && !app.read_pool)) {
        db_pool_free(app.pool);
        fprintf(stderr, "planmon: out of memory\n");
        render_fonts_free(app.fonts);
        auth_keys_free(&keys);
        return 1;
    }
    FILE *js = fopen(cfg->docs_js_file, "rb");
    if (js) {
        if (fseek(js, 0, SEEK_END) == 0) {
            long size = ftell(js);
            rewind(js);
            app.docs_js = size > 0 ? malloc((size_t)size) : NULL;
            if (app.docs_js && fread(app.docs_js, 1, (size_t)size, js) == (size_t)size) {
                app.docs_js_len = (size_t)size;
            } else {
                free(app.docs_js);
                app.docs_js = NULL;
            }
        }
        fclose(js);
    }
    /* The bundle the binary was built with is compiled in, with its gzip: a file of the same
     * bytes (the deployments' DOCS_JS_FILE) is served from there; only another script from the
     * file, uncompressed. */
    if (app.docs_js && app.docs_js_len == embedded_docs[0].len &&
        memcmp(app.docs_js, embedded_docs[0].data, app.docs_js_len) == 0) {
        free(app.docs_js);
        app.docs_js = NULL;
    }
    if (!app.docs_js && getenv("DOCS_JS_FILE") && access(cfg->docs_js_file, R_OK) != 0)
        log_msg(LOG_WARN, NULL, "DOCS_JS_FILE %s could not be read: /docs uses the built-in script",
                cfg->docs_js_file);
    server_block_signals();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    notifier *notifications = notifier_start(cfg);
    int rc = notifications ? server_run(&app) : 1;
    notifier_stop(notifications);
    curl_global_cleanup();
    db_pool_free(app.read_pool);
    db_pool_free(app.pool);
    free(app.docs_js);
    render_fonts_free(app.fonts);
    auth_keys_free(&keys);
    return rc;
}

/* Opens a connection for a one-off command, or explains on stderr why it cannot. */
static PGconn *tool_connect(const pm_config *cfg)
{
    db_set_query_timeout(TOOL_QUERY_TIMEOUT_MS);
    pm_error err = {0};
    PGconn *conn = db_connect(cfg->database_url, TOOL_QUERY_TIMEOUT_MS, &err);
    if (!conn)
        fprintf(stderr, "planmon: cannot connect to DATABASE_URL (see the log line above)\n");
    return conn;
}

static int cmd_migrate(const pm_config *cfg, const struct options *o)
{
    PGconn *conn = tool_connect(cfg);
    if (!conn)
        return 1;
    pm_error err = {0};
    int applied = 0, derived = 0;
    pm_status st = migrate_repo_apply(conn, &applied, &err);
    /* Occurrences follow from the tasks, their obligations and REPORT_DUE_DAYS: derived again
     * after every migration, so a schema or setting change leaves none stale. */
    if (st == PM_OK && !(st = db_begin(conn, &err)) &&
        !(st = occurrence_repo_derive_all(conn, cfg->report_due_days, &derived, &err)))
        st = db_commit(conn, &err);
    PQfinish(conn);
    if (st != PM_OK) {
        fprintf(stderr, "planmon migrate: %s\n", err.detail);
        pm_error_reset(&err);
        return 1;
    }
    fprintf(stderr, "migrate: %d applied, schema at version %d, occurrences of %d tasks derived\n",
            applied, migrate_latest_version(), derived);
    return 0;
}

/* Reports a failed tool step on stderr; returns the exit code. */
static int tool_failed(const char *what, pm_error *err)
{
    fprintf(stderr, "planmon %s: %s\n", what, err->detail[0] ? err->detail : "failed");
    if (err->errors) {
        char *text = json_dumps(err->errors, JSON_COMPACT);
        fprintf(stderr, "  %s\n", text ? text : "");
        free(text);
    }
    pm_error_reset(err);
    return 1;
}

/* Opens a connection and checks the schema is current; NULL (explained on stderr) otherwise. */
static PGconn *tool_connect_current(const pm_config *cfg, const char *what)
{
    PGconn *conn = tool_connect(cfg);
    if (!conn)
        return NULL;
    pm_error err = {0};
    int version = 0;
    if (migrate_repo_current_version(conn, &version, &err) != PM_OK) {
        tool_failed(what, &err);
    } else if (version < migrate_latest_version()) {
        fprintf(stderr, "planmon %s: the schema is at version %d; run `planmon migrate` first\n",
                what, version);
    } else {
        return conn;
    }
    PQfinish(conn);
    return NULL;
}

static int cmd_seed(const pm_config *cfg, const struct options *o)
{
    PGconn *conn = tool_connect_current(cfg, "seed");
    if (!conn)
        return 1;
    pm_error err = {0};
    seed_counts counts;
    pm_status st = seed_load(conn, cfg->report_due_days, &counts, &err);
    if (st == PM_OK)
        fprintf(stderr,
                "seed: %d administrative units, %d agencies, %d documents, %d plans, "
                "%d sections, %d tasks, %d indicators, %d targets, %d pilot model types and "
                "%d reporting obligations added\n",
                counts.units, counts.agencies, counts.documents, counts.plans, counts.sections,
                counts.tasks, counts.indicators, counts.targets, counts.pilot_model_types,
                counts.obligations);
    if (st == PM_OK && opt(o, "--demo")) {
        char generated[32];
        const char *password = getenv("DEMO_PASSWORD");
        bool made = !password || !*password;
        if (made)
            password = password_generate(generated, sizeof generated) ? generated : "";
        int added = 0;
        if ((st = password_check_rule(password, "DEMO_PASSWORD", &err)) == PM_OK &&
            (st = seed_demo_users(conn, password, &added, &err)) == PM_OK) {
            fprintf(stderr, "seed: %d demo users added%s\n", added,
                    added == 0 ? " (those that exist keep their password)" : "");
            if (made && added > 0)
                printf("demo password: %s\n", password);
        }
    }
    PQfinish(conn);
    return st == PM_OK ? 0 : tool_failed("seed", &err);
}

/* Reads one line from standard input into `out` (without the newline); false when empty. */
static bool read_password_line(char *out, size_t size)
{
    if (!fgets(out, (int)size, stdin))
        return false;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] != '\0';
}

static int cmd_user_add(const pm_config *cfg, const struct options *o)
{
    const char *username = opt(o, "--username"), *agency = opt(o, "--agency"),
               *role = opt(o, "--role");
    if (!username || !agency || !role) {
        fprintf(stderr, "planmon user add: --username, --agency and --role are required\n");
        return 2;
    }
    if (role_parse(role) < 0) {
        fprintf(stderr, "planmon user add: --role must be one of admin, coordinator, manager, "
                        "officer, viewer, auditor\n");
        return 2;
    }
    char password[PASSWORD_MAX + 2];
    bool generated = isatty(STDIN_FILENO) || !read_password_line(password, sizeof password);
    if (generated && !password_generate(password, sizeof password)) {
        fprintf(stderr, "planmon user add: no randomness for a password\n");
        return 1;
    }
    pm_error err = {0};
    char hash[PASSWORD_HASH_MAX];
    if (password_check_rule(password, "password", &err) != PM_OK ||
        password_hash(password, hash, &err) != PM_OK)
        return tool_failed("user add", &err);
    PGconn *conn = tool_connect_current(cfg, "user add");
    if (!conn)
        return 1;
    user_new user = {.username = username,
                     .display_name = opt(o, "--display-name"),
                     .agency = agency,
                     .role = role,
                     .password_hash = hash,
                     .active = true};
    pm_status st = user_repo_create(conn, &user, &err);
    PQfinish(conn);
    if (st != PM_OK)
        return tool_failed("user add", &err);
    fprintf(stderr, "user add: %s (%s, %s) created\n", username, role, agency);
    if (generated)
        printf("password: %s\n", password);
    return 0;
}

static int cmd_token(const pm_config *cfg, const struct options *o)
{
    const char *username = opt(o, "--username"), *ttl_text = opt(o, "--ttl");
    if (!username) {
        fprintf(stderr, "planmon token: --username is required\n");
        return 2;
    }
    auth_keys keys;
    if (!load_keys(cfg, &keys))
        return 1;
    int ttl = keys.ttl_s;
    char *end = NULL;
    if (ttl_text)
        ttl = (int)strtol(ttl_text, &end, 10);
    if (ttl_text && (*end || ttl < 1 || ttl > keys.max_ttl_s)) {
        fprintf(stderr, "planmon token: --ttl must be 1 to %d seconds (JWT_MAX_TTL)\n",
                keys.max_ttl_s);
        auth_keys_free(&keys);
        return 2;
    }
    PGconn *conn = tool_connect_current(cfg, "token");
    pm_error err = {0};
    auth_user user;
    pm_status st = conn ? auth_repo_user(conn, username, &user, &err) : PM_UNAVAILABLE;
    PQfinish(conn);
    int rc = 1;
    if (st == PM_OK && !user.active) {
        fprintf(stderr, "planmon token: %s is disabled\n", username);
    } else if (st == PM_OK) {
        char *token = token_issue(&keys, &user.who, time(NULL), ttl);
        if (token) {
            printf("%s\n", token);
            rc = 0;
        }
        free(token);
    } else if (conn) {
        rc = tool_failed("token", &err);
    }
    auth_keys_free(&keys);
    return rc;
}

static int cmd_report(const pm_config *cfg, const struct options *o)
{
    report_cli_request r = {
        .period = opt(o, "--period"),
        .output = opt(o, "-o"),
        .format = opt(o, "--format"),
        .unit = opt(o, "--unit"),
        .plan = opt(o, "--plan"),
        .as_of = opt(o, "--as-of"),
        .agency = opt(o, "--agency"),
        .number = opt(o, "--number"),
        .date = opt(o, "--date"),
        .signer_title = opt(o, "--signer-title"),
        .signer_name = opt(o, "--signer-name"),
    };
    return report_cli_run(cfg, &r);
}

static int cmd_version(const pm_config *cfg, const struct options *o)
{
    printf("planmon %s schema %d%s\n", PLANMON_VERSION, migrate_latest_version(),
           clock_is_test_build() ? " (test clock)" : "");
    return 0;
}

static int cmd_routes(const pm_config *cfg, const struct options *o)
{
    routes_print(stdout);
    return 0;
}

static int cmd_mail_test(const pm_config *cfg, const struct options *o)
{
    const char *to = opt(o, "--to");
    if (!to || !strchr(to, '@')) {
        fprintf(stderr, "usage: planmon mail-test --to ADDRESS\n");
        return 2;
    }
    mail_message m = {
        .to = to,
        .subject = "[planmon] Thư thử nghiệm",
        .text = "Đây là thư thử nghiệm của planmon: máy chủ thư đã nhận thư này.\n"
                "This is planmon's test message: the mail server accepted it.\n",
        .html = "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"></head><body>"
                "<p>Đây là thư thử nghiệm của planmon: máy chủ thư đã nhận thư này.</p>"
                "<p>This is planmon's test message: the mail server accepted it.</p>"
                "</body></html>\n",
    };
    char error[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bool sent = mailer_send(cfg, &m, error, sizeof error);
    curl_global_cleanup();
    if (!sent) {
        fprintf(stderr, "planmon mail-test: %s\n", error);
        return 1;
    }
    printf("sent to %s through %s\n", to, cfg->smtp_url);
    return 0;
}

/* Parses argv[first..] against `cmd`'s options into *o; false (explained) on a bad one. */
static bool parse_options(const struct command *cmd, int argc, char **argv, int first,
                          struct options *o)
{
    o->n = 0;
    for (int i = first; i < argc; i++) {
        const char *name = argv[i];
        const char *spec = NULL;
        for (int k = 0; cmd->options[k] && !spec; k++)
            if (strncmp(cmd->options[k], name, strlen(name)) == 0 &&
                (cmd->options[k][strlen(name)] == '\0' || cmd->options[k][strlen(name)] == '!'))
                spec = cmd->options[k];
        if (!spec || o->n == MAX_OPTIONS) {
            fprintf(stderr, "planmon %s: unexpected argument '%s' (see planmon %s --help)\n",
                    cmd->name, name, cmd->name);
            return false;
        }
        bool flag = spec[strlen(spec) - 1] == '!';
        if (!flag && i + 1 >= argc) {
            fprintf(stderr, "planmon %s: %s needs a value\n", cmd->name, name);
            return false;
        }
        o->names[o->n] = name;
        o->values[o->n++] = flag ? "1" : argv[++i];
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    /* "user add" is one command of two words. */
    char name[32];
    int first = 2;
    snprintf(name, sizeof name, "%s", argv[1]);
    if (strcmp(argv[1], "user") == 0 && argc > 2 && argv[2][0] != '-') {
        snprintf(name, sizeof name, "user %s", argv[2]);
        first = 3;
    }
    const struct command *cmd = NULL;
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "planmon: unknown command '%s'\n", name);
        usage(stderr);
        return 2;
    }
    if (argc == first + 1 &&
        (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0)) {
        printf("usage: planmon %s\n\n%s", cmd->name, cmd->usage);
        return 0;
    }
    struct options o;
    if (!parse_options(cmd, argc, argv, first, &o))
        return 2;
    pm_config cfg;
    char msg[256];
    if (!config_load(&cfg, cmd->needs_database, msg, sizeof msg)) {
        fprintf(stderr, "planmon: %s\n", msg);
        return 1;
    }
    log_set_level(cfg.log_level);
    if (!clock_init(cfg.province_time_zone, msg, sizeof msg)) {
        fprintf(stderr, "planmon: %s\n", msg);
        return 1;
    }
    return cmd->run(&cfg, &o);
}

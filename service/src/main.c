/* main.c: the planmon executable and its subcommands: serve, migrate, seed, version, routes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "db/migrate_repo.h"
#include "db/pool.h"
#include "db/query.h"
#include "db/seed_repo.h"
#include "http/routes.h"
#include "http/server.h"
#include "obs/log.h"

#ifndef PLANMON_VERSION
#define PLANMON_VERSION "0.0.0"
#endif

/* Long-running one-off work (migrations, seeding) is not bound by the serving timeout. */
enum { TOOL_QUERY_TIMEOUT_MS = 600000 };

struct command {
    const char *name;
    int (*run)(const pm_config *cfg);
    bool needs_database;
    const char *summary;
    const char *usage;
};

static int cmd_serve(const pm_config *cfg);
static int cmd_migrate(const pm_config *cfg);
static int cmd_seed(const pm_config *cfg);
static int cmd_version(const pm_config *cfg);
static int cmd_routes(const pm_config *cfg);

static const struct command commands[] = {
    {"serve", cmd_serve, true, "serve the HTTP API until SIGTERM",
     "Serves the API on BIND_ADDRESS:PORT (default 127.0.0.1:8080) until SIGTERM or SIGINT.\n"
     "Environment: DATABASE_URL (required), PORT, BIND_ADDRESS, DB_POOL_SIZE, HTTP_THREADS,\n"
     "DB_ACQUIRE_TIMEOUT_MS, DB_QUERY_TIMEOUT_MS, HTTP_CONNECTION_TIMEOUT_S, "
     "HTTP_MAX_CONNECTIONS,\n"
     "HTTP_PER_IP_CONNECTIONS, MAX_BODY_BYTES, CORS_ORIGINS, LOG_LEVEL, DOCS_JS_FILE.\n"},
    {"migrate", cmd_migrate, true, "bring the database schema up to this binary's version",
     "Applies the migrations compiled into this binary that the database lacks, each in its own\n"
     "transaction under an advisory lock. Safe to run again and from several hosts at once.\n"
     "Environment: DATABASE_URL (required).\n"},
    {"seed", cmd_seed, true, "load the decision's reference data (idempotent)",
     "Loads the administrative units of An Giang (2016-2020) and the agencies named by Decision\n"
     "1994/QD-UBND, in one transaction. Inserts only what is missing; never overwrites.\n"
     "Environment: DATABASE_URL (required).\n"},
    {"version", cmd_version, false, "print the version and schema version",
     "Prints `planmon VERSION schema N`.\n"},
    {"routes", cmd_routes, false, "print the route table",
     "Prints one `METHOD /path` line per operation.\n"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fprintf(out, "usage: planmon <command> [--help]\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-8s %s\n", "help", "show this text");
}

static int cmd_serve(const pm_config *cfg)
{
    app_t app = {.cfg = cfg};
    atomic_init(&app.draining, false);
    db_set_query_timeout(cfg->db_query_timeout_ms);
    app.pool = db_pool_new(cfg->database_url, cfg->db_pool_size, cfg->db_acquire_timeout_ms,
                           cfg->db_query_timeout_ms);
    if (!app.pool) {
        fprintf(stderr, "planmon: out of memory\n");
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
    if (!app.docs_js)
        log_msg(LOG_WARN, NULL,
                "DOCS_JS_FILE %s could not be read: /docs will show no API reference",
                cfg->docs_js_file);
    int rc = server_run(&app);
    db_pool_free(app.pool);
    free(app.docs_js);
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

static int cmd_migrate(const pm_config *cfg)
{
    PGconn *conn = tool_connect(cfg);
    if (!conn)
        return 1;
    pm_error err = {0};
    int applied = 0;
    pm_status st = migrate_repo_apply(conn, &applied, &err);
    PQfinish(conn);
    if (st != PM_OK) {
        fprintf(stderr, "planmon migrate: %s\n", err.detail);
        pm_error_reset(&err);
        return 1;
    }
    fprintf(stderr, "migrate: %d applied, schema at version %d\n", applied,
            migrate_latest_version());
    return 0;
}

static int cmd_seed(const pm_config *cfg)
{
    PGconn *conn = tool_connect(cfg);
    if (!conn)
        return 1;
    pm_error err = {0};
    int version = 0;
    pm_status st = migrate_repo_current_version(conn, &version, &err);
    if (st == PM_OK && version < migrate_latest_version()) {
        fprintf(stderr, "planmon seed: the schema is at version %d; run `planmon migrate` first\n",
                version);
        PQfinish(conn);
        return 1;
    }
    seed_counts counts;
    if (st == PM_OK)
        st = seed_repo_load(conn, &counts, &err);
    PQfinish(conn);
    if (st != PM_OK) {
        fprintf(stderr, "planmon seed: %s\n", err.detail);
        pm_error_reset(&err);
        return 1;
    }
    fprintf(stderr, "seed: %d administrative units and %d agencies added\n", counts.units,
            counts.agencies);
    return 0;
}

static int cmd_version(const pm_config *cfg)
{
    printf("planmon %s schema %d\n", PLANMON_VERSION, migrate_latest_version());
    return 0;
}

static int cmd_routes(const pm_config *cfg)
{
    routes_print(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const struct command *cmd = NULL;
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "planmon: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    if (argc > 2) {
        if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            printf("usage: planmon %s\n\n%s", cmd->name, cmd->usage);
            return 0;
        }
        fprintf(stderr, "planmon %s: unexpected argument '%s' (see planmon %s --help)\n", cmd->name,
                argv[2], cmd->name);
        return 2;
    }
    pm_config cfg;
    char msg[256];
    if (!config_load(&cfg, cmd->needs_database, msg, sizeof msg)) {
        fprintf(stderr, "planmon: %s\n", msg);
        return 1;
    }
    log_set_level(cfg.log_level);
    return cmd->run(&cfg);
}

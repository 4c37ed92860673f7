/* server.c: Ulfius/libmicrohttpd start-up and shutdown (see server.h). */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ulfius.h>
#include <unistd.h>

#include "http/dispatch.h"
#include "http/routes.h"
#include "log.h"

/* libmicrohttpd's own messages. Ulfius 2.7.13's default logger passes the client's URL as a
 * printf format; with this logger installed the format always comes from libmicrohttpd. */
static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    log_msg(LOG_WARN, NULL, "http: %s", msg);
}

/* Ulfius makes its per-request state in the URI-log callback and frees it when libmicrohttpd
 * reports the request completed. libmicrohttpd 0.9.75 reports completion only for requests that
 * reached the access handler, so a request whose headers fail to parse (a URL with a thousand
 * query arguments: "Not enough memory in pool to allocate header record") leaked that state.
 * The state is therefore also remembered in the connection's socket context, forgotten on
 * completion, and released when the connection closes if it is still there. */
static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *con)
{
    void *state = ulfius_uri_logger(cls, uri);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    void **slot = info ? info->socket_context : NULL;
    if (slot)
        *slot = state;
    return state;
}

static void request_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    void **slot = info ? info->socket_context : NULL;
    if (slot && *slot == *con_cls)
        *slot = NULL;
    mhd_request_completed(cls, con, con_cls, toe);
}

static void connection_notify(void *cls, struct MHD_Connection *con, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(void *));
        return;
    }
    void **slot = *socket_context;
    if (slot && *slot) {
        void *orphan = *slot;
        mhd_request_completed(NULL, con, &orphan, MHD_REQUEST_TERMINATED_WITH_ERROR);
    }
    free(slot);
    *socket_context = NULL;
}

/* Sleeps `ms` milliseconds. */
static void pause_ms(long ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* A graceful stop on `sig`: for SHUTDOWN_GRACE_S /readyz answers 503 (load balancers take the
 * instance out) while requests are still served, each answer closing its connection; then no new
 * connection is accepted, and the requests in flight get up to SHUTDOWN_TIMEOUT_S to finish before
 * the daemon stops. */
static void drain(app_t *app, struct _u_instance *instance, int sig)
{
    const pm_config *cfg = app->cfg;
    atomic_store(&app->draining, true);
    log_msg(LOG_INFO, NULL, "stopping on signal %d: %d s of grace, then up to %d s for requests",
            sig, cfg->shutdown_grace_s, cfg->shutdown_timeout_s);
    pause_ms(cfg->shutdown_grace_s * 1000L);
    MHD_socket listener = MHD_quiesce_daemon(instance->mhd_daemon);
    /* Quiesced, libmicrohttpd accepts no more, but the kernel would still complete handshakes
     * into the backlog until the socket closes (after the daemon stops): shut it now, so that a
     * client is refused at once and tries another instance. */
    if (listener != MHD_INVALID_SOCKET)
        shutdown(listener, SHUT_RDWR);
    for (long waited = 0; atomic_load(&app->in_flight) > 0; waited += 20) {
        if (waited >= cfg->shutdown_timeout_s * 1000L) {
            log_msg(LOG_WARN, NULL, "stopping with %d requests still in flight",
                    atomic_load(&app->in_flight));
            break;
        }
        pause_ms(20);
    }
    ulfius_stop_framework(instance);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
}

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
}

void server_block_signals(void)
{
    sigset_t stop;
    stop_signals(&stop);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int server_run(app_t *app)
{
    const pm_config *cfg = app->cfg;
    sigset_t stop;
    stop_signals(&stop);
    server_block_signals();

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    inet_pton(AF_INET, cfg->bind_address, &addr.sin_addr);

    struct _u_instance instance;
    if (ulfius_init_instance(&instance, (unsigned)cfg->port, &addr, NULL) != U_OK) {
        log_msg(LOG_ERROR, NULL, "could not initialise the HTTP server");
        return 1;
    }
    /* One byte over the limit, so that a body larger than allowed is seen as such (Ulfius cuts
     * bodies at this size without telling the handler). */
    instance.max_post_body_size =
        (cfg->import_max_bytes > cfg->max_body_bytes ? cfg->import_max_bytes
                                                     : cfg->max_body_bytes) +
        1;
    instance.allowed_post_processor = U_POST_PROCESS_NONE;
    /* Ulfius would silently drop a header or parameter that is not UTF-8; every value planmon
     * reads is checked by planmon itself (and the query string is parsed by it), so a bad one is
     * refused with a 400 instead of being taken as absent. */
    instance.check_utf8 = 0;
    dispatch_init(app);
    if (routes_register(&instance) != 0) {
        log_msg(LOG_ERROR, NULL, "could not register the routes");
        ulfius_clean_instance(&instance);
        return 1;
    }

    struct MHD_OptionItem options[] = {
        /* first, so that libmicrohttpd logs nothing through its own logger */
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logger, NULL},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)connection_notify, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, &addr},
        {MHD_OPTION_THREAD_POOL_SIZE, cfg->http_threads, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, cfg->http_connection_timeout_s, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, cfg->http_max_connections, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->http_per_ip_connections, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL},
        {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* MHD_USE_ITC: stopping quiesces the daemon (no new connections, the open ones served). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (ulfius_start_framework_with_mhd_options(&instance, flags, options) != U_OK) {
        log_msg(LOG_ERROR, NULL, "could not listen on %s:%d (is the port in use?)",
                cfg->bind_address, cfg->port);
        routes_free();
        ulfius_clean_instance(&instance);
        return 1;
    }
    json_t *fields =
        json_pack("{s:s, s:i, s:i, s:i}", "address", cfg->bind_address, "port", cfg->port,
                  "http_threads", cfg->http_threads, "db_pool_size", cfg->db_pool_size);
    log_json(LOG_INFO, NULL, "listening", fields);
    json_decref(fields);

    int sig = 0;
    sigwait(&stop, &sig);
    drain(app, &instance, sig);
    routes_free();
    ulfius_clean_instance(&instance);
    log_msg(LOG_INFO, NULL, "stopped");
    return 0;
}

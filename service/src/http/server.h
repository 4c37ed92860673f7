/* server.h: the HTTP server's life: start on the configured address with a bounded thread pool
 * and libmicrohttpd limits, serve until SIGTERM or SIGINT, stop. */
#ifndef PLANMON_HTTP_SERVER_H
#define PLANMON_HTTP_SERVER_H

#include "app.h"

/* Serves `app` until SIGTERM/SIGINT. Returns the process exit code (0 after a clean stop).
 * Must be called from the main thread before any other thread starts (it blocks the signals it
 * waits for, so the server's threads inherit the mask). */
int server_run(app_t *app);

/* Blocks SIGTERM and SIGINT in the calling thread (server_run waits for them), so that a thread
 * started before server_run inherits the mask. Idempotent. */
void server_block_signals(void);

#endif

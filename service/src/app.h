/* app.h: what the running service shares between its threads: configuration, the database pool,
 * the docs page's JavaScript. Built once by `planmon serve`, read-only afterwards (the pool is
 * itself thread-safe). */
#ifndef PLANMON_APP_H
#define PLANMON_APP_H

#include <stdatomic.h>
#include <stddef.h>

#include "auth/keys.h"
#include "config.h"
#include "db/pool.h"

typedef struct app {
    const pm_config *cfg;
    db_pool *pool;      /* the primary (DATABASE_URL) */
    db_pool *read_pool; /* a streaming replica (DATABASE_READ_URL), or NULL: reads use `pool` */
    const auth_keys *keys;
    struct render_fonts *fonts; /* the font maps report documents render with (render/fonts.h) */
    char *docs_js; /* DOCS_JS_FILE when it is another script than the built-in one, else NULL */
    size_t docs_js_len;
    atomic_bool draining; /* set on SIGTERM: /readyz answers 503, answers close their connection */
    atomic_int in_flight; /* requests being handled now */
} app_t;

#endif

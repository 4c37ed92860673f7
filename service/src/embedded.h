/* embedded.h: files compiled into the binary by service/tools/embed.c (see service/meson.build).
 * Everything here is static, read-only data: thread-safe, never freed. */
#ifndef PLANMON_EMBEDDED_H
#define PLANMON_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* base name, e.g. "0001_foundation.sql" */
    const char *data; /* NUL-terminated contents */
    size_t len;       /* length without the NUL */
};

/* db/migrations/NNNN_*.sql in version order */
extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;
/* db/seed/ files */
extern const struct embedded_file embedded_seed[];
extern const size_t embedded_seed_count;
/* service/messages/ (vi.tsv: the Vietnamese of the messages) */
extern const struct embedded_file embedded_messages[];
extern const size_t embedded_messages_count;
/* api/openapi.yaml, openapi.yaml.gz, openapi.json (the same document), openapi.json.gz,
 * api/postman.json, postman.json.gz */
extern const struct embedded_file embedded_api[];
extern const size_t embedded_api_count;
/* the docs: redoc.standalone.js, redoc.standalone.js.gz (the script), docs.html, docs.html.gz (the
 * page, drawn at build time: service/tools/prerender_docs.mjs) */
extern const struct embedded_file embedded_docs[];
extern const size_t embedded_docs_count;

/* Returns the entry named `name` in `table` or NULL. The result is static. */
const struct embedded_file *embedded_find(const struct embedded_file *table, size_t count,
                                          const char *name);

#endif

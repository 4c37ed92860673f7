/* request.c: request parsing (see request.h). */
#include "http/request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *req_header(const http_ctx *ctx, const char *name)
{
    return u_map_get_case(ctx->req->map_header, name);
}

/* Index of `{key}` among the route template's parameters, or -1. */
static int path_param_index(const http_ctx *ctx, const char *key)
{
    size_t klen = strlen(key);
    int index = 0;
    for (const char *p = ctx->route ? ctx->route->path : ""; (p = strchr(p, '{')) != NULL; p++, index++)
        if (strncmp(p + 1, key, klen) == 0 && p[1 + klen] == '}')
            return index;
    return -1;
}

const char *req_query(const http_ctx *ctx, const char *name)
{
    return path_param_index(ctx, name) >= 0 ? NULL : u_map_get(ctx->req->map_url, name);
}

const char *req_path(const http_ctx *ctx, const char *name)
{
    int index = path_param_index(ctx, name);
    return index >= 0 && index < ROUTE_MAX_PARAMS ? ctx->path_values[index] : NULL;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes the `len` bytes at `s` into `out`; false on bad escapes, NUL, '/' or overflow. */
static bool decode_segment(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
            if (lo < 0)
                return false;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || c == '/' || o + 1 >= size)
            return false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return true;
}

pm_status req_decode_path(http_ctx *ctx, pm_error *err)
{
    const char *tpl = ctx->route ? ctx->route->path : "";
    const char *url = ctx->req->url_path;
    int index = 0;
    /* Walk template and path segment by segment; a route matched, so the counts agree. */
    while (*tpl == '/' && *url == '/') {
        tpl++;
        url++;
        size_t tlen = strcspn(tpl, "/"), ulen = strcspn(url, "/?");
        if (tpl[0] == '{' && index < ROUTE_MAX_PARAMS) {
            if (!decode_segment(url, ulen, ctx->path_values[index], PATH_PARAM_MAX))
                return pm_fail(err, PM_NOT_FOUND, "No resource at this path.");
            index++;
        }
        tpl += tlen;
        url += ulen;
    }
    return PM_OK;
}

/* Writes the NULL-terminated `names` as "a, b, c" into `out`. */
static void join_names(const char *const *names, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? ", " : "", names[i]);
    }
}

pm_status req_check_query(const http_ctx *ctx, const char *const *allowed, pm_error *err)
{
    const char **keys = u_map_enum_keys(ctx->req->map_url);
    for (size_t i = 0; keys && keys[i]; i++) {
        /* Ulfius puts path parameters in the same map as the query (joined by a comma when a
         * query parameter has the same name): only an exact path value is not a query one. */
        const char *path_value = req_path(ctx, keys[i]);
        if (path_value && strcmp(path_value, u_map_get(ctx->req->map_url, keys[i])) == 0)
            continue;
        bool ok = false;
        for (size_t a = 0; allowed[a] && !ok; a++)
            ok = strcmp(keys[i], allowed[a]) == 0;
        if (!ok) {
            char known[256];
            join_names(allowed, known, sizeof known);
            return pm_fail_field(err, PM_UNKNOWN_PARAMETER, keys[i], "unknown",
                                 "unknown query parameter '%.64s' (this operation accepts: %s)",
                                 keys[i], known[0] ? known : "none");
        }
    }
    return PM_OK;
}

pm_status req_query_int(const http_ctx *ctx, const char *name, long min, long max, int *out,
                        pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < min || n > max || v[0] == ' ' || v[0] == '+')
        return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid",
                             "%s must be a whole number from %ld to %ld", name, min, max);
    *out = (int)n;
    return PM_OK;
}

pm_status req_query_text(const http_ctx *ctx, const char *name, size_t max_len, const char **out,
                         pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    if (!*v || strlen(v) > max_len)
        return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid",
                             "%s must be 1 to %zu bytes long", name, max_len);
    *out = v;
    return PM_OK;
}

pm_status req_query_enum(const http_ctx *ctx, const char *name, const char *const *allowed,
                         const char **out, pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(v, allowed[i]) == 0) {
            *out = allowed[i];
            return PM_OK;
        }
    char values[512];
    join_names(allowed, values, sizeof values);
    return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid", "%s must be one of: %s", name, values);
}

pm_status req_page(const http_ctx *ctx, page_request *page, pm_error *err)
{
    memset(page, 0, sizeof *page);
    page->limit = PAGE_DEFAULT_LIMIT;
    const char *limit = req_query(ctx, "limit");
    if (limit) {
        char *end = NULL;
        errno = 0;
        long n = strtol(limit, &end, 10);
        if (!*limit || *end || n < 1 || limit[0] == ' ' || limit[0] == '+')
            return pm_fail_field(err, PM_INVALID_PARAMETER, "limit", "invalid",
                                 "limit must be a whole number from 1 to %d", PAGE_MAX_LIMIT);
        page->limit = (errno == ERANGE || n > PAGE_MAX_LIMIT) ? PAGE_MAX_LIMIT : (int)n;
    }
    const char *cursor = req_query(ctx, "cursor");
    return cursor ? page_cursor_decode(cursor, page, err) : PM_OK;
}

pm_status req_parse_json_object(const char *body, size_t len, json_t **out, pm_error *err)
{
    json_error_t jerr;
    *out = NULL;
    json_t *value = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!value)
        return pm_fail(err, PM_INVALID_JSON, "The body is not valid JSON: %s (line %d, column %d).",
                       jerr.text, jerr.line, jerr.column);
    if (!json_is_object(value)) {
        json_decref(value);
        return pm_fail(err, PM_INVALID_JSON, "The body must be a JSON object.");
    }
    *out = value;
    return PM_OK;
}

char *req_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s);
    char *out = malloc(len * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Appends `key=value` (both encoded) to the growing query in *buf. */
static bool append_pair(char **buf, size_t *len, const char *key, const char *value)
{
    char *k = req_url_encode(key), *v = req_url_encode(value);
    bool ok = k && v;
    if (ok) {
        size_t need = *len + strlen(k) + strlen(v) + 3;
        char *grown = realloc(*buf, need);
        ok = grown != NULL;
        if (ok) {
            *len += (size_t)sprintf(grown + *len, "%s%s=%s", *len ? "&" : "", k, v);
            *buf = grown;
        }
    }
    free(k);
    free(v);
    return ok;
}

char *req_link_with_cursor(const http_ctx *ctx, const char *cursor)
{
    char *query = NULL;
    size_t len = 0;
    const char **keys = u_map_enum_keys(ctx->req->map_url);
    bool ok = true;
    for (size_t i = 0; ok && keys && keys[i]; i++)
        if (path_param_index(ctx, keys[i]) < 0 && strcmp(keys[i], "cursor") != 0)
            ok = append_pair(&query, &len, keys[i], u_map_get(ctx->req->map_url, keys[i]));
    ok = ok && append_pair(&query, &len, "cursor", cursor);
    char *link = NULL;
    /* url_path is the raw path a route matched: already encoded, used as it is. */
    if (ok && (link = malloc(strlen(ctx->req->url_path) + len + 24)) != NULL)
        sprintf(link, "<%s?%s>; rel=\"next\"", ctx->req->url_path, query);
    free(query);
    return link;
}

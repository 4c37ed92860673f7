/* request.c: request parsing (see request.h). */
#include "http/request.h"

#include "domain/clock.h"
#include "domain/language.h"
#include "domain/timestamp.h"
#include "domain/validate.h"
#include "jsonutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *req_header(const http_ctx *ctx, const char *name)
{
    return u_map_get_case(ctx->req->map_header, name);
}

bool req_wants_vietnamese(const http_ctx *ctx)
{
    return language_prefers_vietnamese(req_header(ctx, "Accept-Language"));
}

/* Index of `{key}` among the route template's parameters, or -1. */
static int path_param_index(const http_ctx *ctx, const char *key)
{
    size_t klen = strlen(key);
    int index = 0;
    for (const char *p = ctx->route ? ctx->route->path : ""; (p = strchr(p, '{')) != NULL;
         p++, index++)
        if (strncmp(p + 1, key, klen) == 0 && p[1 + klen] == '}')
            return index;
    return -1;
}

const char *req_query(const http_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->nquery; i++)
        if (strcmp(ctx->query[i].key, name) == 0)
            return ctx->query[i].value;
    return NULL;
}

const char *req_path(const http_ctx *ctx, const char *name)
{
    int index = path_param_index(ctx, name);
    return index >= 0 && index < ROUTE_MAX_PARAMS ? ctx->path_values[index] : NULL;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decodes the `len` bytes at `s` into `out` (which may be `s` itself); in a query
 * component '+' is a space. False on bad escapes, NUL, a `forbidden` byte, overflow or invalid
 * UTF-8. */
static bool percent_decode(const char *s, size_t len, char *out, size_t size, bool query,
                           int forbidden)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (query && c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
            if (lo < 0)
                return false;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || c == forbidden || o + 1 >= size)
            return false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return utf8_valid(out, o);
}

pm_status req_parse_query(http_ctx *ctx, pm_error *err)
{
    const char *q = ctx->req->http_url ? strchr(ctx->req->http_url, '?') : NULL;
    ctx->nquery = 0;
    if (!q || !q[1])
        return PM_OK;
    size_t len = strlen(++q);
    char *buf = ctx->query_buf = malloc(len + 1);
    if (!buf)
        return pm_fail(err, PM_INTERNAL, MSG("Out of memory."));
    memcpy(buf, q, len + 1);
    for (char *part = buf, *next; part; part = next) {
        next = strchr(part, '&');
        if (next)
            *next++ = '\0';
        if (!*part)
            continue;
        char *eq = strchr(part, '=');
        char *value = eq ? eq + 1 : part + strlen(part);
        if (eq)
            *eq = '\0';
        if (!percent_decode(part, strlen(part), part, strlen(part) + 1, true, -1) ||
            !percent_decode(value, strlen(value), value, strlen(value) + 1, true, -1))
            return pm_fail_field(
                err, PM_INVALID_PARAMETER, "query", "invalid",
                MSG("The query string has a bad escape, a NUL byte or text that is not UTF-8."));
        if (req_query(ctx, part))
            return pm_fail_field(err, PM_INVALID_PARAMETER, part, "repeated",
                                 MSG("%.64s is given more than once"), part);
        if (ctx->nquery == QUERY_MAX_PARAMS)
            return pm_fail_field(err, PM_INVALID_PARAMETER, "query", "too_many",
                                 MSG("At most %d query parameters are accepted."),
                                 QUERY_MAX_PARAMS);
        ctx->query[ctx->nquery++] = (struct query_param){part, value};
    }
    return PM_OK;
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
            if (!percent_decode(url, ulen, ctx->path_values[index], PATH_PARAM_MAX, false, '/'))
                return pm_fail(err, PM_NOT_FOUND, MSG("No resource at this path."));
            index++;
        }
        tpl += tlen;
        url += ulen;
    }
    return PM_OK;
}

/* Writes the NULL-terminated `names` as "a, b, c" into `out`. */
pm_status req_check_query(const http_ctx *ctx, const char *const *allowed, pm_error *err)
{
    for (int i = 0; i < ctx->nquery; i++) {
        bool ok = false;
        for (size_t a = 0; allowed[a] && !ok; a++)
            ok = strcmp(ctx->query[i].key, allowed[a]) == 0;
        if (!ok) {
            char known[256];
            validate_join_names(allowed, known, sizeof known);
            return pm_fail_field(
                err, PM_UNKNOWN_PARAMETER, ctx->query[i].key, "unknown",
                MSG("unknown query parameter '%.64s' (this operation accepts: %s)"),
                ctx->query[i].key, known[0] ? known : "none");
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
                             MSG("%s must be a whole number from %ld to %ld"), name, min, max);
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
                             MSG("%s must be 1 to %zu bytes long"), name, max_len);
    *out = v;
    return PM_OK;
}

/* Refuses query parameter `name`, listing its `allowed` values (`several`: it lists them). */
static pm_status refuse_value(const char *name, const char *const *allowed, bool several,
                              pm_error *err)
{
    char values[512];
    validate_join_names(allowed, values, sizeof values);
    return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid",
                         several ? MSG("%s must be one or more of these, separated by commas: %s")
                                 : MSG("%s must be one of: %s"),
                         name, values);
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
    return refuse_value(name, allowed, false, err);
}

pm_status req_query_enum_list(const http_ctx *ctx, const char *name, const char *const *allowed,
                              const char **out, pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    if (!validate_name_list(v, allowed))
        return refuse_value(name, allowed, true, err);
    *out = v;
    return PM_OK;
}

pm_status req_query_bool(const http_ctx *ctx, const char *name, bool *out, pm_error *err)
{
    static const char *const booleans[] = {"true", "false", NULL};
    const char *v = NULL;
    pm_status st = req_query_enum(ctx, name, booleans, &v, err);
    if (st == PM_OK && v)
        *out = v == booleans[0];
    return st;
}

pm_status req_query_date(const http_ctx *ctx, const char *name, const char **out, pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    if (!validate_date(v))
        return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid",
                             MSG("%s must be a date written YYYY-MM-DD"), name);
    *out = v;
    return PM_OK;
}

pm_status req_query_time(http_ctx *ctx, const char *name, req_day_rule day, const char **out,
                         pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    civil_date date;
    timestamp t;
    bool is_day = clock_parse_date(v, &date);
    if ((!is_day && !timestamp_parse(v, &t)) || ctx->ntimes == REQ_TIMES_MAX)
        return pm_fail_field(
            err, PM_INVALID_PARAMETER, name, "invalid",
            MSG("%s must be a date (2017-06-14, a day in the province) or " TIMESTAMP_FORM), name);
    if (is_day && day == REQ_DAY_KEPT) {
        *out = v;
        return PM_OK;
    }
    char *text = ctx->times[ctx->ntimes++];
    if (is_day)
        clock_day_start_text(date, text, TIMESTAMP_TEXT_MAX);
    else
        timestamp_text(&t, text, TIMESTAMP_TEXT_MAX);
    *out = text;
    return PM_OK;
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
        if (!*limit || *end || n < 1 || n > PAGE_MAX_LIMIT || errno == ERANGE || limit[0] == ' ' ||
            limit[0] == '+')
            return pm_fail_field(err, PM_INVALID_PARAMETER, "limit", "invalid",
                                 MSG("limit must be a whole number from 1 to %d"), PAGE_MAX_LIMIT);
        page->limit = (int)n;
    }
    const char *cursor = req_query(ctx, "cursor");
    return cursor ? page_cursor_decode(cursor, page, err) : PM_OK;
}

pm_status req_list(const http_ctx *ctx, const char *const *sort_names, page_request *page,
                   pm_error *err)
{
    pm_status st;
    if ((st = req_page(ctx, page, err)) || (st = req_query_bool(ctx, "count", &page->count, err)))
        return st;
    const char *sort = req_query(ctx, "sort");
    if (!sort)
        return PM_OK;
    bool descending = sort[0] == '-';
    for (int i = 0; sort_names[i]; i++)
        if (strcmp(sort + descending, sort_names[i]) == 0) {
            page->sort = i + 1;
            page->descending = descending;
            snprintf(page->sort_label, sizeof page->sort_label, "%s", sort);
            return PM_OK;
        }
    char names[512];
    validate_join_names(sort_names, names, sizeof names);
    return pm_fail_field(err, PM_INVALID_PARAMETER, "sort", "invalid",
                         MSG("sort must be one of: %s, each optionally after '-' for descending "
                             "order"),
                         names);
}

pm_status req_parse_json_object(const char *body, size_t len, json_t **out, pm_error *err)
{
    json_error_t jerr;
    *out = NULL;
    json_t *value = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!value)
        return pm_fail(err, PM_INVALID_JSON,
                       MSG("The body is not valid JSON: %s (line %d, column %d)."), jerr.text,
                       jerr.line, jerr.column);
    if (!json_is_object(value)) {
        json_decref(value);
        return pm_fail(err, PM_INVALID_JSON, MSG("The body must be a JSON object."));
    }
    *out = value;
    return PM_OK;
}

char *req_path_reference(const char *raw)
{
    static const char hex[] = "0123456789ABCDEF";
    static const char keep[] = "-._~!$&'()*+,;=:@/";
    char *out = malloc(strlen(raw) * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || strchr(keep, *p) ||
                  (*p == '%' && hex_value((char)p[1]) >= 0 && hex_value((char)p[2]) >= 0);
        if (ok) {
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

pm_status req_query_id(const http_ctx *ctx, const char *name, const char **out, pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    if (!page_key_is_number(v))
        return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid", MSG("%s must be an id"),
                             name);
    *out = v;
    return PM_OK;
}

pm_status req_query_digits(const http_ctx *ctx, const char *name, size_t max_digits,
                           const char **out, pm_error *err)
{
    const char *v = req_query(ctx, name);
    if (!v)
        return PM_OK;
    size_t len = strspn(v, "0123456789");
    if (len == 0 || len > max_digits || v[len] != '\0')
        return pm_fail_field(err, PM_INVALID_PARAMETER, name, "invalid",
                             MSG("%s must be an administrative unit code (1 to %zu digits)"), name,
                             max_digits);
    *out = v;
    return PM_OK;
}

pm_status req_json_body(const http_ctx *ctx, json_t **out, pm_error *err)
{
    if (!ctx->req->binary_body || ctx->req->binary_body_length == 0) {
        *out = NULL;
        return pm_fail(err, PM_INVALID_JSON,
                       MSG("This operation needs a JSON object as its body."));
    }
    return req_parse_json_object(ctx->req->binary_body, ctx->req->binary_body_length, out, err);
}

void req_client_address(const http_ctx *ctx, char *out, size_t size)
{
    const struct sockaddr *sa = ctx->req->client_address;
    char peer[INET6_ADDRSTRLEN] = "";
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer, sizeof peer);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, peer, sizeof peer);
    const pm_config *cfg = ctx->app->cfg;
    net_forwarded_client(cfg->trusted_proxies, cfg->trusted_proxy_count, peer,
                         req_header(ctx, "X-Forwarded-For"), out, size);
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
    bool ok = true;
    for (int i = 0; ok && i < ctx->nquery; i++)
        if (strcmp(ctx->query[i].key, "cursor") != 0)
            ok = append_pair(&query, &len, ctx->query[i].key, ctx->query[i].value);
    ok = ok && append_pair(&query, &len, "cursor", cursor);
    char *link = NULL;
    char *path = ok ? req_path_reference(ctx->req->url_path) : NULL;
    if (path && (link = malloc(strlen(path) + len + 24)) != NULL)
        sprintf(link, "<%s?%s>; rel=\"next\"", path, query);
    free(path);
    free(query);
    return link;
}

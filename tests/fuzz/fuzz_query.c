/* fuzz_query: the query string of every request (req_parse_query in
 * service/src/http/request.c) and the typed readers on top of it (limit/cursor, integers, enums,
 * booleans, dates, times, digits, texts) and the next-page Link it writes back.
 * Input: the query string after '?', as MHD hands it over (cut at a NUL).
 * Invariants: success gives at most QUERY_MAX_PARAMS distinct keys whose keys and values are
 * NUL-free valid UTF-8; failure is PM_INVALID_PARAMETER; no reader writes out of bounds; the
 * Link header's query parses back to the same parameters with the new cursor last. */
#include <jansson.h>

#include "domain/clock.h"
#include "domain/timestamp.h"
#include "fuzz_common.h"
#include "http/request.h"
#include "jsonutil.h"

static void readers(http_ctx *ctx)
{
    static const char *const allowed[] = {"q",    "level",     "parent", "status",
                                          "kind", PAGE_PARAMS, NULL};
    static const char *const kinds[] = {"department", "district", "commune", NULL};
    pm_error err = {0};
    page_request page;
    if (req_page(ctx, &page, &err) == PM_OK)
        CHECK(page.limit >= 1 && page.limit <= PAGE_MAX_LIMIT);
    pm_error_reset(&err);
    req_check_query(ctx, allowed, &err);
    pm_error_reset(&err);
    int level = -1;
    if (req_query_int(ctx, "level", 1, 3, &level, &err) == PM_OK)
        CHECK(level == -1 || (level >= 1 && level <= 3));
    pm_error_reset(&err);
    const char *s = NULL;
    if (req_query_enum(ctx, "kind", kinds, &s, &err) == PM_OK && s)
        CHECK(s == kinds[0] || s == kinds[1] || s == kinds[2]);
    pm_error_reset(&err);
    bool b = false;
    req_query_bool(ctx, "overdue", &b, &err);
    pm_error_reset(&err);
    s = NULL;
    req_query_date(ctx, "due_before", &s, &err);
    pm_error_reset(&err);
    s = NULL;
    if (req_query_time(ctx, "updated_since", REQ_DAY_STARTS, &s, &err) == PM_OK && s) {
        timestamp t; /* a canonical time with an offset, whatever was sent */
        CHECK(timestamp_parse(s, &t));
    }
    pm_error_reset(&err);
    s = NULL;
    if (req_query_time(ctx, "as_of", REQ_DAY_KEPT, &s, &err) == PM_OK && s) {
        timestamp t;
        civil_date d;
        CHECK(timestamp_parse(s, &t) || clock_parse_date(s, &d));
    }
    pm_error_reset(&err);
    s = NULL;
    if (req_query_digits(ctx, "parent", 5, &s, &err) == PM_OK && s)
        CHECK(strlen(s) >= 1 && strlen(s) <= 5);
    pm_error_reset(&err);
    s = NULL;
    if (req_query_text(ctx, "q", 200, &s, &err) == PM_OK && s)
        CHECK(strlen(s) >= 1 && strlen(s) <= 200);
    pm_error_reset(&err);
}

/* The Link header for the next page parses back to this request's parameters. */
static void link_round_trip(const http_ctx *ctx)
{
    char *link = req_link_with_cursor(ctx, "WyIxMjMiXQ");
    CHECK(link != NULL);
    CHECK(strncmp(link, "</v1/things?", 12) == 0);
    const char *tail = ">; rel=\"next\"";
    char *end = strstr(link, tail);
    CHECK(end != NULL && strlen(end) == strlen(tail));
    *end = '\0';
    char *url = link + 1;
    struct _u_request req2 = {.http_url = url, .url_path = "/v1/things"};
    http_ctx ctx2 = {.req = &req2};
    pm_error err = {0};
    CHECK(req_parse_query(&ctx2, &err) == PM_OK);
    int n = 0;
    for (int i = 0; i < ctx->nquery; i++) {
        if (strcmp(ctx->query[i].key, "cursor") == 0)
            continue;
        CHECK(n < ctx2.nquery);
        CHECK(strcmp(ctx2.query[n].key, ctx->query[i].key) == 0);
        CHECK(strcmp(ctx2.query[n].value, ctx->query[i].value) == 0);
        n++;
    }
    CHECK(n + 1 == ctx2.nquery);
    CHECK(strcmp(ctx2.query[n].key, "cursor") == 0);
    CHECK(strcmp(ctx2.query[n].value, "WyIxMjMiXQ") == 0);
    free(ctx2.query_buf);
    free(link);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 16);
    CHECK(url != NULL);
    memcpy(url, "/v1/things?", 11);
    memcpy(url + 11, data, size);
    url[11 + size] = '\0';
    struct _u_request req = {.http_url = url, .url_path = "/v1/things"};
    http_ctx ctx = {.req = &req};
    pm_error err = {0};
    pm_status st = req_parse_query(&ctx, &err);
    if (st != PM_OK) {
        CHECK(st == PM_INVALID_PARAMETER);
        CHECK(json_array_size(err.errors) == 1);
    } else {
        CHECK(ctx.nquery >= 0 && ctx.nquery <= QUERY_MAX_PARAMS);
        for (int i = 0; i < ctx.nquery; i++) {
            CHECK(utf8_valid(ctx.query[i].key, strlen(ctx.query[i].key)));
            CHECK(utf8_valid(ctx.query[i].value, strlen(ctx.query[i].value)));
            for (int j = 0; j < i; j++)
                CHECK(strcmp(ctx.query[i].key, ctx.query[j].key) != 0);
            CHECK(req_query(&ctx, ctx.query[i].key) == ctx.query[i].value);
        }
        readers(&ctx);
        /* A list answers only its own few parameters, so a Link never has to carry 32 + 1. */
        if (ctx.nquery < QUERY_MAX_PARAMS)
            link_round_trip(&ctx);
    }
    pm_error_reset(&err);
    free(ctx.query_buf);
    free(url);
    return 0;
}

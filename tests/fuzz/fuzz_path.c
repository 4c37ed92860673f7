/* fuzz_path: the path parameters of every route with parameters (req_decode_path and
 * req_path in service/src/http/request.c) and the path written back into Link headers
 * (req_path_reference).
 * The route templates are the service's own (routes_print). Input: a first byte choosing the
 * template, then the raw (still percent-encoded) segments for its parameters separated by
 * '\n'; '/' and '?' are left out of a segment, since Ulfius matched the route on '/'.
 * Invariants: success gives each parameter as NUL-free valid UTF-8 without '/', shorter than
 * PATH_PARAM_MAX; failure is PM_NOT_FOUND; req_path_reference keeps only URI path characters
 * and valid %XX escapes. */
#include <stdio.h>

#include "fuzz_common.h"
#include "http/request.h"
#include "http/routes.h"
#include "jsonutil.h"

enum { MAX_TEMPLATES = 512 };
static char *templates[MAX_TEMPLATES];
static int ntemplates;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(f != NULL);
    routes_print(f);
    fclose(f);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *path = strchr(line, ' ');
        if (path && strchr(path, '{') && ntemplates < MAX_TEMPLATES)
            templates[ntemplates++] = strdup(path + 1);
    }
    free(text);
    CHECK(ntemplates > 0);
    return 0;
}

static void check_reference(const char *raw)
{
    char *ref = req_path_reference(raw);
    CHECK(ref != NULL);
    CHECK(strlen(ref) <= 3 * strlen(raw));
    for (const char *p = ref; *p; p++) {
        if (*p == '%') {
            CHECK(strchr("0123456789ABCDEFabcdef", p[1]) && p[1]);
            CHECK(strchr("0123456789ABCDEFabcdef", p[2]) && p[2]);
            p += 2;
            continue;
        }
        CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/",
                     *p) != NULL);
    }
    free(ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct route route = {.method = "GET", .path = templates[data[0] % ntemplates]};
    /* url_path: the template with each {param} replaced by the next input segment. */
    char *url = malloc(strlen(route.path) + size + 2);
    CHECK(url != NULL);
    size_t o = 0, in = 1;
    for (const char *t = route.path; *t;) {
        if (*t != '{') {
            url[o++] = *t++;
            continue;
        }
        t = strchr(t, '}') + 1;
        while (in < size && data[in] != '\n') {
            char c = (char)data[in++];
            if (c != '/' && c != '?' && c != '\0')
                url[o++] = c;
        }
        in++; /* the '\n' */
    }
    url[o] = '\0';
    struct _u_request req = {.http_url = url, .url_path = url};
    http_ctx ctx = {.req = &req, .route = &route};
    pm_error err = {0};
    pm_status st = req_decode_path(&ctx, &err);
    if (st != PM_OK) {
        CHECK(st == PM_NOT_FOUND);
    } else {
        for (const char *p = route.path; (p = strchr(p, '{')) != NULL; p++) {
            char name[64];
            size_t n = strcspn(p + 1, "}");
            CHECK(n < sizeof name);
            memcpy(name, p + 1, n);
            name[n] = '\0';
            const char *v = req_path(&ctx, name);
            CHECK(v != NULL);
            size_t len = strnlen(v, PATH_PARAM_MAX);
            CHECK(len < PATH_PARAM_MAX);
            CHECK(strchr(v, '/') == NULL);
            CHECK(utf8_valid(v, len));
        }
    }
    check_reference(url);
    pm_error_reset(&err);
    free(url);
    return 0;
}

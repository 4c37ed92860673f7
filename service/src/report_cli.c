/* report_cli.c: `planmon report` (see report_cli.h). */
#include "report_cli.h"

#include <errno.h>
#include <glib.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulfius.h>
#include <unistd.h>

#include "app.h"
#include "db/pool.h"
#include "http/dispatch.h"
#include "http/request.h"
#include "http/routes.h"
#include "render/fonts.h"

/* Appends "&name=value" (value percent-encoded) to `url` when `value` is given; false when out of
 * memory. */
static bool add_param(GString *url, const char *name, const char *value)
{
    if (!value)
        return true;
    char *encoded = req_url_encode(value);
    if (!encoded)
        return false;
    g_string_append_printf(url, "&%s=%s", name, encoded);
    free(encoded);
    return true;
}

/* Writes the `len` bytes at `data` to `path` through a temporary file beside it. */
static bool write_whole(const char *path, const void *data, size_t len)
{
    char *tmp = g_strdup_printf("%s.partial-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        char why[128];
        fprintf(stderr, "planmon report: cannot write %s: %s\n", path,
                strerror_r(errno, why, sizeof why));
        unlink(tmp);
    }
    g_free(tmp);
    return ok;
}

/* The problem's detail from an answer's body, or the status alone. */
static void print_problem(const struct _u_response *resp)
{
    json_t *problem = json_loadb(resp->binary_body, resp->binary_body_length, 0, NULL);
    const char *detail = json_string_value(json_object_get(problem, "detail"));
    fprintf(stderr, "planmon report: %ld %s\n", resp->status, detail ? detail : "");
    json_decref(problem);
}

int report_cli_run(const pm_config *cfg, const report_cli_request *r)
{
    const char *format = r->format ? r->format : "pdf";
    if (!r->period || !r->output || (strcmp(format, "pdf") != 0 && strcmp(format, "docx") != 0)) {
        fprintf(stderr, "planmon report: --period and -o are required; --format is pdf or "
                        "docx\n");
        return 2;
    }
    char why[256];
    app_t app = {.cfg = cfg};
    app.fonts = render_fonts_new(1, why, sizeof why);
    if (!app.fonts) {
        fprintf(stderr, "planmon report: %s\n", why);
        return 1;
    }
    app.pool = db_pool_new(cfg->database_url, 1, cfg->db_acquire_timeout_ms,
                           cfg->db_query_timeout_ms, cfg->db_prepare);
    char *period = req_url_encode(r->period);
    GString *url = g_string_new(NULL);
    g_string_printf(url, "/v1/reports/%s?format=%s", period ? period : "", format);
    bool ok = app.pool && period && add_param(url, "unit", r->unit) &&
              add_param(url, "plan", r->plan) && add_param(url, "as_of", r->as_of) &&
              add_param(url, "agency", r->agency) && add_param(url, "number", r->number) &&
              add_param(url, "date", r->date) && add_param(url, "signer_title", r->signer_title) &&
              add_param(url, "signer_name", r->signer_name);
    int rc = 1;
    if (ok) {
        dispatch_init(&app);
        struct _u_request req;
        struct _u_response resp;
        ulfius_init_request(&req);
        ulfius_init_response(&resp);
        o_free(req.http_verb);
        req.http_verb = o_strdup("GET");
        req.http_url = o_strdup(url->str);
        req.url_path = o_strndup(url->str, strcspn(url->str, "?"));
        principal who = {.authenticated = true, .role = ROLE_ADMIN};
        snprintf(who.username, sizeof who.username, "planmon-report");
        dispatch_local(routes_find("GET", "/v1/reports/{period}"), &req, &resp, &who);
        if (resp.status == 200)
            rc = write_whole(r->output, resp.binary_body, resp.binary_body_length) ? 0 : 1;
        else
            print_problem(&resp);
        ulfius_clean_request(&req);
        ulfius_clean_response(&resp);
    } else {
        fprintf(stderr, "planmon report: %s\n",
                app.pool ? "out of memory" : "cannot reach the database (DATABASE_URL)");
    }
    g_string_free(url, TRUE);
    free(period);
    db_pool_free(app.pool);
    render_fonts_free(app.fonts);
    return rc;
}

/* sender.c: webhook deliveries over libcurl's multi interface (see sender.h). */
#include "notify/sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "notify/signature.h"
#include "notify/target.h"

#ifndef PLANMON_VERSION
#define PLANMON_VERSION "0.0.0"
#endif

/* One delivery in flight. */
struct transfer {
    CURL *easy;
    struct curl_slist *headers;
    bool refused; /* the socket callback refused the address */
    char curl_error[CURL_ERROR_SIZE];
};

/* Receivers' answers are not read: only their status counts. */
static size_t discard(char *data, size_t size, size_t n, void *user)
{
    (void)data;
    (void)user;
    return size * n;
}

/* libcurl's socket callback: the address it is about to connect to, checked. */
static curl_socket_t open_checked(void *user, curlsocktype purpose, struct curl_sockaddr *address)
{
    struct transfer *t = user;
    if (purpose != CURLSOCKTYPE_IPCXN || !target_socket_allowed(&address->addr, address->addrlen)) {
        t->refused = true;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

static struct curl_slist *add_header(struct curl_slist *list, const char *name, const char *value)
{
    char line[256];
    snprintf(line, sizeof line, "%s: %s", name, value);
    struct curl_slist *grown = curl_slist_append(list, line);
    if (!grown)
        curl_slist_free_all(list);
    return grown;
}

/* Prepares the transfer of `c`; false (with out->error) when it cannot even start. */
static bool prepare(const pm_config *cfg, const outbox_claim *c, struct transfer *t,
                    sender_outcome *out)
{
    char signature[WEBHOOK_SIGNATURE_SIZE], host[TARGET_HOST_MAX];
    if (!target_host(c->url, host)) {
        snprintf(out->error, sizeof out->error, "the URL is not an http or https URL");
        return false;
    }
    if (!webhook_sign(c->secret, c->message_id, c->timestamp, c->body, strlen(c->body),
                      signature)) {
        snprintf(out->error, sizeof out->error, "the webhook's secret is malformed");
        return false;
    }
    struct curl_slist *h = add_header(NULL, "Content-Type", "application/json");
    if (h)
        h = add_header(h, "webhook-id", c->message_id);
    if (h)
        h = add_header(h, "webhook-timestamp", c->timestamp);
    if (h)
        h = add_header(h, "webhook-signature", signature);
    t->headers = h;
    t->easy = h ? curl_easy_init() : NULL;
    if (!t->easy) {
        snprintf(out->error, sizeof out->error, "out of memory");
        return false;
    }
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, c->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->webhook_connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)cfg->webhook_timeout_ms);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
    curl_easy_setopt(e, CURLOPT_USERAGENT, "planmon/" PLANMON_VERSION " (webhooks)");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    if (!config_webhook_host_allowed(cfg, host)) {
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_checked);
        curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
    }
    return true;
}

/* Fills `out` from the finished transfer `t` (`code`: its libcurl result). */
static void conclude(const struct transfer *t, CURLcode code, sender_outcome *out)
{
    long status = 0;
    curl_off_t micros = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &micros);
    out->http_status = (int)status;
    out->duration_ms = (int)(micros / 1000);
    out->delivered = code == CURLE_OK && status >= 200 && status < 300;
    if (out->delivered)
        out->error[0] = '\0';
    else if (t->refused)
        snprintf(out->error, sizeof out->error,
                 "refused: the host resolves to an address that is not public");
    else if (code != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s",
                 t->curl_error[0] ? t->curl_error : curl_easy_strerror(code));
    else
        snprintf(out->error, sizeof out->error, "HTTP %ld", status);
}

void sender_send(const pm_config *cfg, const outbox_claim *claims, int count, sender_done done,
                 void *user, const atomic_bool *stop)
{
    struct transfer *t = calloc((size_t)count, sizeof *t);
    CURLM *multi = curl_multi_init();
    int running = 0;
    for (int i = 0; t && multi && i < count; i++) {
        sender_outcome out = {0};
        if (prepare(cfg, &claims[i], &t[i], &out))
            curl_multi_add_handle(multi, t[i].easy);
        else
            done(i, &out, user);
    }
    if (t && multi) {
        do {
            curl_multi_perform(multi, &running);
            CURLMsg *msg;
            int left;
            while ((msg = curl_multi_info_read(multi, &left)))
                if (msg->msg == CURLMSG_DONE) {
                    struct transfer *ended = NULL;
                    sender_outcome out = {0};
                    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&ended);
                    conclude(ended, msg->data.result, &out);
                    done((int)(ended - t), &out, user);
                }
            if (running)
                curl_multi_poll(multi, NULL, 0, 200, NULL);
        } while (running && !atomic_load(stop));
    }
    for (int i = 0; t && i < count; i++) {
        if (t[i].easy) {
            curl_multi_remove_handle(multi, t[i].easy);
            curl_easy_cleanup(t[i].easy);
        }
        curl_slist_free_all(t[i].headers);
    }
    curl_multi_cleanup(multi);
    free(t);
}

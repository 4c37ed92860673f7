/* target.c: the webhooks' guard against server-side request forgery (see target.h). */
#include "notify/target.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "domain/netaddr.h"
#include "messages.h"

bool target_host(const char *url, char host[TARGET_HOST_MAX])
{
    CURLU *u = curl_url();
    char *scheme = NULL, *name = NULL, *user = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
              curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
              curl_url_get(u, CURLUPART_HOST, &name, 0) == CURLUE_OK && *name &&
              strlen(name) < TARGET_HOST_MAX;
    if (ok) {
        const char *s = name;
        size_t n = strlen(s);
        if (s[0] == '[' && n > 2 && s[n - 1] == ']')
            s++, n -= 2;
        for (size_t i = 0; i < n; i++)
            host[i] = (char)tolower((unsigned char)s[i]);
        host[n] = '\0';
    }
    curl_free(scheme);
    curl_free(name);
    curl_free(user);
    curl_url_cleanup(u);
    return ok;
}

bool target_socket_allowed(const struct sockaddr *addr, socklen_t len)
{
    net_prefix p = {0};
    if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        p.family = AF_INET;
        p.prefix = 32;
        memcpy(p.bytes, &((const struct sockaddr_in *)(const void *)addr)->sin_addr, 4);
    } else if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        p.family = AF_INET6;
        p.prefix = 128;
        memcpy(p.bytes, &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr, 16);
    } else {
        return false;
    }
    return net_addr_is_public(&p);
}

pm_status target_check(const pm_config *cfg, const char *url, pm_error *err)
{
    char host[TARGET_HOST_MAX];
    if (!target_host(url, host))
        return pm_fail_field(err, PM_VALIDATION_FAILED, "url", "invalid",
                             MSG("An http or https URL with a host and no user name is needed."));
    if (config_webhook_host_allowed(cfg, host))
        return PM_OK;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *found = NULL;
    if (getaddrinfo(host, NULL, &hints, &found) != 0)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "url", "unresolvable",
                             MSG("The host %.200s cannot be resolved."), host);
    bool ok = true;
    for (const struct addrinfo *a = found; a && ok; a = a->ai_next)
        ok = target_socket_allowed(a->ai_addr, a->ai_addrlen);
    freeaddrinfo(found);
    if (!ok)
        return pm_fail_field(err, PM_VALIDATION_FAILED, "url", "private_address",
                             MSG("The host %.200s has a private, loopback or link-local address; "
                                 "webhooks reach public addresses only."),
                             host);
    return PM_OK;
}

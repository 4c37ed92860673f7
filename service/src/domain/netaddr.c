/* netaddr.c: IP prefixes and forwarded client addresses (see netaddr.h). */
#include "domain/netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool net_prefix_parse(const char *text, size_t len, net_prefix *out)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, buf, out->bytes) == 1)
        out->family = AF_INET, out->prefix = 32;
    else if (inet_pton(AF_INET6, buf, out->bytes) == 1)
        out->family = AF_INET6, out->prefix = 128;
    else
        return false;
    if (!slash)
        return true;
    const char *digits = slash + 1;
    size_t n = strspn(digits, "0123456789");
    if (n == 0 || n > 3 || digits[n] != '\0')
        return false;
    long prefix = strtol(digits, NULL, 10); /* at most 3 digits, checked above */
    if (prefix > out->prefix)
        return false;
    out->prefix = (int)prefix;
    return true;
}

bool net_prefix_contains(const net_prefix *net, const net_prefix *addr)
{
    if (net->family != addr->family)
        return false;
    int whole = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(net->bytes, addr->bytes, (size_t)whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (net->bytes[whole] & mask) == (addr->bytes[whole] & mask);
}

static bool trusted_address(const net_prefix *trusted, int ntrusted, const net_prefix *addr)
{
    for (int i = 0; i < ntrusted; i++)
        if (net_prefix_contains(&trusted[i], addr))
            return true;
    return false;
}

void net_forwarded_client(const net_prefix *trusted, int ntrusted, const char *peer,
                          const char *forwarded, char *out, size_t size)
{
    net_prefix addr;
    snprintf(out, size, "%s", peer);
    if (!forwarded || !net_prefix_parse(peer, strlen(peer), &addr) ||
        !trusted_address(trusted, ntrusted, &addr))
        return;
    /* From the right: each entry was appended by the hop to its left's receiver. */
    const char *end = forwarded + strlen(forwarded);
    while (end > forwarded) {
        const char *start = end;
        while (start > forwarded && start[-1] != ',')
            start--;
        const char *a = start, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (!net_prefix_parse(a, (size_t)(b - a), &addr) || memchr(a, '/', (size_t)(b - a)))
            return; /* malformed: keep the last trusted hop */
        snprintf(out, size, "%.*s", (int)(b - a), a);
        if (!trusted_address(trusted, ntrusted, &addr))
            return;
        end = start > forwarded ? start - 1 : forwarded;
    }
}

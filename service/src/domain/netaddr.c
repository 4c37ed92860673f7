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

/* The ranges no webhook may reach (net_addr_is_public). */
static const char *const unroutable[] = {
    "0.0.0.0/8",       "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8",    "169.254.0.0/16",
    "172.16.0.0/12",   "192.0.0.0/24",   "192.0.2.0/24",  "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",   "::/127",         "fc00::/7",
    "fe80::/10",       "ff00::/8",       "2001:db8::/32", "100::/64",       NULL,
};

bool net_addr_is_public(const net_prefix *addr)
{
    /* an IPv4 address inside IPv6 (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) is judged as IPv4 */
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B};
    net_prefix v4 = {.family = AF_INET, .prefix = 32};
    if (addr->family == AF_INET6 &&
        (memcmp(addr->bytes, mapped, 12) == 0 || memcmp(addr->bytes, nat64, 12) == 0)) {
        memcpy(v4.bytes, addr->bytes + 12, 4);
        addr = &v4;
    }
    for (const char *const *r = unroutable; *r; r++) {
        net_prefix net;
        if (net_prefix_parse(*r, strlen(*r), &net) && net_prefix_contains(&net, addr))
            return false;
    }
    return true;
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

/* netaddr.h: IP addresses and prefixes, and the client address of a request that came through
 * trusted proxies (X-Forwarded-For). Pure code: no sockets, no HTTP; thread-safe. */
#ifndef PLANMON_DOMAIN_NETADDR_H
#define PLANMON_DOMAIN_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* An address (prefix = its full length) or a network, IPv4 or IPv6. */
typedef struct {
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
    int prefix; /* 0..32 or 0..128 */
} net_prefix;

/* Parses `len` bytes of `text`: an IPv4 or IPv6 address, optionally followed by /PREFIX, with
 * no blanks. False on anything else. */
bool net_prefix_parse(const char *text, size_t len, net_prefix *out);

/* True when the address `addr` (a prefix of full length) lies in `net`. */
bool net_prefix_contains(const net_prefix *net, const net_prefix *addr);

/* True when `addr` (an address, prefix = its full length) is one the public internet routes:
 * false for loopback, private (RFC 1918, fc00::/7), shared (100.64.0.0/10), link-local (where
 * the clouds' metadata services answer), unspecified, multicast, broadcast, documentation and
 * benchmarking ranges, and an IPv4-mapped or NAT64 IPv6 address of any of these. The guard of
 * webhook deliveries against server-side request forgery. */
bool net_addr_is_public(const net_prefix *addr);

/* The client of a request whose TCP peer is `peer` (an address as text) and whose
 * X-Forwarded-For header is `forwarded` (NULL when absent), into `out`: the peer itself unless it
 * is one of the `ntrusted` proxies; otherwise the rightmost address of the header that is not a
 * trusted proxy (every proxy appends the address it received from), or the leftmost when all are.
 * A malformed entry stops the walk at the last trusted hop. `out` holds at least 46 bytes. */
void net_forwarded_client(const net_prefix *trusted, int ntrusted, const char *peer,
                          const char *forwarded, char *out, size_t size);

#endif

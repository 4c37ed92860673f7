/* target.h: where a webhook may send — the guard against server-side request forgery.
 *
 * A webhook's URL is http or https and names a host whose addresses are all public
 * (net_addr_is_public): no loopback, private, link-local or metadata address, unless the host is
 * one of WEBHOOK_ALLOW_HOSTS, named as the URL names it. The check runs when a webhook is
 * registered or changed (target_check) and again on the address each delivery connects to
 * (target_socket_allowed, from the sender's socket callback), so that a name that resolves
 * differently later gains nothing. Thread-safe. */
#ifndef PLANMON_NOTIFY_TARGET_H
#define PLANMON_NOTIFY_TARGET_H

#include <stdbool.h>
#include <sys/socket.h>

#include "config.h"
#include "status.h"

enum { TARGET_HOST_MAX = 256 };

/* Writes the host of `url` into `host` (lower case, IPv6 without brackets). False when `url` is
 * not an absolute http or https URL with a host and without user information. */
bool target_host(const char *url, char host[TARGET_HOST_MAX]);

/* Checks `url` as the target of a webhook, resolving its host: PM_VALIDATION_FAILED naming the
 * field `url` when it is not http(s), cannot be resolved, or resolves to an address that is not
 * public and the host is not allowed by name. */
pm_status target_check(const pm_config *cfg, const char *url, pm_error *err);

/* True when a delivery may connect to `addr` (`len` bytes): a public address. */
bool target_socket_allowed(const struct sockaddr *addr, socklen_t len);

#endif

/* sender.h: sends claimed webhook deliveries over HTTP with libcurl, several at once.
 *
 * Each is a POST of the claim's JSON body, signed (notify/signature.h), with connect and total
 * timeouts, no redirects followed, no proxy, http and https only, and the address it connects to
 * checked (notify/target.h) unless its host is allowed by name. Thread-safe: each call has its
 * own handles (curl_global_init must have run). */
#ifndef PLANMON_NOTIFY_SENDER_H
#define PLANMON_NOTIFY_SENDER_H

#include <stdatomic.h>

#include "config.h"
#include "notify/outbox_repo.h"

enum { SENDER_ERROR_MAX = 256 };

/* What one attempt came to. */
typedef struct {
    bool delivered;  /* the receiver answered 2xx */
    int http_status; /* its status, 0 when there was no answer */
    int duration_ms;
    char error[SENDER_ERROR_MAX]; /* "" when delivered */
} sender_outcome;

/* Sends the `count` deliveries of `claims` at once and fills out[i] for each; returns when all
 * are done or, once *stop is set, at once (the unfinished ones marked "stopped": their leases run
 * out and another attempt follows). */
void sender_send(const pm_config *cfg, const outbox_claim *claims, int count, sender_outcome *out,
                 const atomic_bool *stop);

#endif

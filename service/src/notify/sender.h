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

/* Called as each delivery ends, with its index in `claims` and what came of it (borrowed for the
 * call): the caller records it at once, so that a process killed mid-batch leaves as few
 * answered but unrecorded deliveries (sent again: duplicates) as possible. */
typedef void (*sender_done)(int index, const sender_outcome *outcome, void *user);

/* Sends the `count` deliveries of `claims` at once, calling `done` for each as it ends; returns
 * when all have ended or, once *stop is set, at once (the unfinished ones are not reported: their
 * leases run out and another attempt follows). */
void sender_send(const pm_config *cfg, const outbox_claim *claims, int count, sender_done done,
                 void *user, const atomic_bool *stop);

#endif

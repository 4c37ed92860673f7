/* outbox_repo.h: the statements of notifications (migration 0022): the scheduler's deadline
 * events, the fan-out of outbox events into webhook deliveries, and the claim and result of a
 * delivery. Each function runs its own statements on a connection the caller lends and opens no
 * transaction unless it says so; none keeps anything after it returns. */
#ifndef PLANMON_NOTIFY_OUTBOX_REPO_H
#define PLANMON_NOTIFY_OUTBOX_REPO_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

/* Where an outbox event stops being news: an occurrence overdue longer than this has no
 * `overdue` event made for it any more (a scheduler that was down a week, or a plan of earlier
 * years, does not flood receivers with old deadlines). */
enum { OUTBOX_OVERDUE_DAYS = 7 };

/* Makes the deadline events of day `today` (YYYY-MM-DD) — due_soon for each number of days
 * ahead an enabled webhook asks, due_today, overdue — for the current occurrences of recurring
 * tasks and the due dates of one-off tasks that are not done, each at most once whatever the
 * callers: in one transaction that only one instance runs at a time (an advisory transaction
 * lock; another caller returns at once with *made 0). `zone` is the province's. */
pm_status outbox_repo_schedule(PGconn *conn, const char *today, const char *zone, int *made,
                               pm_error *err);

/* Turns up to `limit` outbox events, in commit order past the last ones done, into deliveries
 * for the enabled webhooks that asked for their kind and may read them, in one transaction that
 * one instance runs at a time. *events is the number of events read (`limit`: call again). */
pm_status outbox_repo_fan_out(PGconn *conn, int limit, int *events, pm_error *err);

/* One delivery claimed for sending: the webhook's URL and secret, the message id, the time and
 * the body to sign. Owned by the caller (outbox_claim_free). */
typedef struct {
    char *delivery, *attempt, *url, *secret, *message_id, *timestamp, *body;
} outbox_claim;

/* Claims up to `limit` deliveries that are due and not leased, leasing each for `lease_s`
 * seconds and counting the attempt, and commits (autocommit): the caller sends them outside any
 * transaction. *claims is a new array of *count entries (free with outbox_claims_free). */
pm_status outbox_repo_claim(PGconn *conn, int lease_s, int limit, outbox_claim **claims, int *count,
                            pm_error *err);

/* Frees what outbox_repo_claim made. */
void outbox_claims_free(outbox_claim *claims, int count);

/* The result of one attempt. */
typedef struct {
    bool delivered;  /* a 2xx answer */
    int http_status; /* 0: none (no connection, timeout, refused address) */
    int duration_ms;
    const char *error; /* NULL when delivered */
    int retry_in_s;    /* when not delivered: the wait before the next attempt; -1: no more */
    int disable_after; /* WEBHOOK_DISABLE_AFTER */
} outbox_result;

/* Records attempt `claim->attempt` of delivery `claim->delivery`: the attempt's row, and the
 * delivery delivered, due again, or failed for good — only while that attempt is still the
 * delivery's latest (a lease that ran out and was claimed again decides nothing). A delivery that
 * failed for good counts against its webhook, which is disabled, with the reason, after
 * `disable_after` in a row; one delivered resets the count. Autocommit. */
pm_status outbox_repo_record(PGconn *conn, const outbox_claim *claim, const outbox_result *result,
                             pm_error *err);

/* Starts listening on `conn` (a direct connection of its own, kept open) for the notification
 * that outbox events committed. */
pm_status outbox_repo_listen(PGconn *conn, pm_error *err);

#endif

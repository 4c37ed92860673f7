/* notifier.h: the background work of notifications that every `planmon serve` instance runs —
 * the scheduler of deadline events, the fan-out of outbox events into webhook deliveries, and
 * the sending of due deliveries — on one thread of its own, with a connection borrowed for each
 * step from a small pool of its own (DATABASE_URL) and given back before any HTTP call.
 *
 * Instances share the work through the database alone (advisory transaction locks and leased
 * rows, never a session lock, which a transaction-mode PgBouncer does not keep), so any number
 * may run, and one killed mid-delivery leaves leases that run out for another to take. */
#ifndef PLANMON_NOTIFY_NOTIFIER_H
#define PLANMON_NOTIFY_NOTIFIER_H

#include "config.h"
#include "db/pool.h"

typedef struct notifier notifier;

/* Starts the notifier's thread with the settings of `cfg` (borrowed; it outlives the notifier)
 * and a pool of two connections of its own. NULL (logged) when it cannot start. Call with the
 * signals the server waits for already blocked, so that the thread inherits the mask. */
notifier *notifier_start(const pm_config *cfg);

/* Stops the thread (a delivery in flight is abandoned: its lease runs out and it is sent again)
 * and frees `n`. NULL is ignored. */
void notifier_stop(notifier *n);

#endif

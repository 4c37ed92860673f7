/* mail_repo.h: the statements of e-mail (migration 0023): the daily digest's recipients with
 * what each is to be told, the queue of mails, and the claim and outcome of a sending. Each runs
 * on a connection the caller lends, in autocommit; none keeps anything after it returns. */
#ifndef PLANMON_NOTIFY_MAIL_REPO_H
#define PLANMON_NOTIFY_MAIL_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

/* How far ahead the digest looks, and how far back it lists what is overdue. */
enum { DIGEST_AHEAD_DAYS = 7, DIGEST_OVERDUE_DAYS = 60, DIGEST_REVIEW_ITEMS = 20 };

/* The users owed the digest of day `today` (YYYY-MM-DD) once the province's clock (`zone`) reads
 * `at` (HH:MM): active, with an address and a part chosen, and none queued for the day yet. Each
 * {username, email, display_name, role, agency, agency_name, parts, due_soon, overdue, review}:
 * due_soon and overdue the open occurrences concerning the user's agency ({task, title,
 * occurrence, due}), review {count, items: [{id, indicator, indicator_name, unit, unit_name,
 * period}]} the submitted measurements the user may review; a part not chosen is null. *out is
 * a new array. */
pm_status mail_repo_digest_recipients(PGconn *conn, const char *today, const char *zone,
                                      const char *at, json_t **out, pm_error *err);

/* Queues the digest of `day` for `username` (at most one per user and day: a second is not
 * made). *queued tells whether this call made it. */
pm_status mail_repo_queue_digest(PGconn *conn, const char *username, const char *to,
                                 const char *day, const char *subject, const char *text,
                                 const char *html, bool *queued, pm_error *err);

/* Claims up to `limit` due mails, leased for `lease_s` seconds, counting the attempt: *out is a
 * new array of {id, attempt, to_address, subject, body_text, body_html}. */
pm_status mail_repo_claim(PGconn *conn, int lease_s, int limit, json_t **out, pm_error *err);

/* Records attempt `attempt` of mail `id`: sent, due again in `retry_in_s` seconds, or (-1)
 * failed for good, with `error` (NULL when sent) — only while it is still the latest attempt. */
pm_status mail_repo_record(PGconn *conn, const char *id, const char *attempt, bool sent,
                           const char *error, int retry_in_s, pm_error *err);

#endif

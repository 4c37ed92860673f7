/* pilot_status_repo.h: a pilot site's status over time (pilot_site_status, migration 0018).
 * Each change of status is effective from `effective_on`, a day in the province, and recorded at
 * `created_at`; the site's own status column is the latest. A change is never dated before the
 * one it follows, so the latest by effective day is the latest recorded. */
#ifndef PLANMON_PILOT_STATUS_REPO_H
#define PLANMON_PILOT_STATUS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "status.h"

/* Records that site `site` took status `status` (from `previous`, NULL for a new site) on day
 * `effective_on`, told by `author` of `agency`, with `note` (may be NULL); `late_entry` as
 * domain/period.h judges it. */
pm_status pilot_status_repo_add(PGconn *conn, const char *site, const char *status,
                                const char *previous, const char *effective_on, const char *note,
                                bool late_entry, const char *author, const char *agency,
                                pm_error *err);

/* The day (11 bytes into `day`) the site's latest status took effect; "" when it has none. */
pm_status pilot_status_repo_last_day(PGconn *conn, const char *site, char *day, pm_error *err);

/* The site's status changes, oldest first, each {id, status, previous_status, effective_on,
 * note, late_entry, author, agency, created_at}. *out is a new array. */
pm_status pilot_status_repo_history(PGconn *conn, const char *site, json_t **out, pm_error *err);

#endif

/* webhooks_repo.h: SQL for webhooks and their deliveries (migration 0022). A webhook's secret
 * enters once, at creation, and is never read back by these functions. */
#ifndef PLANMON_WEBHOOKS_REPO_H
#define PLANMON_WEBHOOKS_REPO_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "domain/page.h"
#include "status.h"

/* A webhook to register; every field borrowed. `events` is a JSON array of kinds. */
typedef struct {
    const char *url, *agency, *description, *secret, *created_by;
    const json_t *events;
    int due_soon_days;
} webhook_new;

/* Registers `w`, its new id into `id` (at least 24 bytes). */
pm_status webhook_repo_create(PGconn *conn, const webhook_new *w, char *id, size_t size,
                              pm_error *err);

/* One webhook's public shape (no secret) into *out (new); `lock` takes its row lock.
 * PM_NOT_FOUND when there is none. */
pm_status webhook_repo_get(PGconn *conn, const char *id, bool lock, json_t **out, pm_error *err);

/* The webhooks of `agency` (NULL: all), by id, one page. */
pm_status webhook_repo_list(PGconn *conn, const char *agency, const page_request *page,
                            page_result *out, pm_error *err);

/* Applies `patch` (url, events, due_soon_days, description, enabled: borrowed, validated) to
 * webhook `id` at `version`; enabling clears the failures and the reason it was disabled for. */
pm_status webhook_repo_update(PGconn *conn, const char *id, long long version, const json_t *patch,
                              pm_error *err);

/* Deletes webhook `id` and its deliveries (the audit trail keeps the webhook's history). */
pm_status webhook_repo_delete(PGconn *conn, const char *id, pm_error *err);

/* The deliveries of webhook `id`, newest first, each with its attempts, one page; `status`
 * (pending, delivered, failed) or NULL. */
pm_status webhook_repo_deliveries(PGconn *conn, const char *id, const char *status,
                                  const page_request *page, page_result *out, pm_error *err);

/* Makes delivery `delivery` of webhook `id` due again now, as one more attempt; *out (new) is
 * the delivery. PM_NOT_FOUND when the webhook has no such delivery, PM_CONFLICT when it is
 * pending already. */
pm_status webhook_repo_redeliver(PGconn *conn, const char *id, const char *delivery, json_t **out,
                                 pm_error *err);

#endif

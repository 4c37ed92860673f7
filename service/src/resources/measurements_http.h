/* measurements_http.h: /v1/measurements — one value per indicator x unit x period, entered by an
 * agency with the unit in its scope or named to report the indicator (admins and coordinators
 * anywhere), and the workflow draft -> submitted -> approved, or back to draft with the
 * reviewer's note: POST /v1/measurements/{id}/submit | approve | return | unapprove, each
 * audited. Approved data is locked (409) until un-approved; a change of a submitted value
 * returns it to draft. Commune data is reviewed by its district's People's Committee (a
 * manager), district and province data by coordinators (and admins). Drafts and submitted data
 * are read within scope only; approved data by everyone. The bulk import is
 * measurements_import_http.h. */
#ifndef PLANMON_MEASUREMENTS_HTTP_H
#define PLANMON_MEASUREMENTS_HTTP_H

#include "http/context.h"

/* A workflow step, the route data of measurements_transition. */
typedef struct {
    const char *action; /* the audit action: submit, approve, return, unapprove */
    const char *from, *to;
    bool review;     /* a reviewer's step (else the entering agency's) */
    bool needs_note; /* the body is {"note"} */
} measurement_step;

extern const measurement_step measurement_submit, measurement_approve, measurement_return,
    measurement_unapprove;

pm_status measurements_list(http_ctx *ctx, pm_error *err);
pm_status measurements_create(http_ctx *ctx, pm_error *err);
pm_status measurements_get(http_ctx *ctx, pm_error *err);
pm_status measurements_patch(http_ctx *ctx, pm_error *err);
/* ctx->route->data is the measurement_step. */
pm_status measurements_transition(http_ctx *ctx, pm_error *err);

/* Moves measurement `id` by `step` (with the reviewer's `note`, or NULL) on `db`, inside the
 * caller's transaction, after the same checks as its route: the caller may see it (else
 * PM_NOT_FOUND), may enter or review it (PM_FORBIDDEN), and it is in the step's status
 * (PM_CONFLICT). */
pm_status measurement_transition_one(http_ctx *ctx, PGconn *db, const measurement_step *step,
                                     const char *id, const char *note, pm_error *err);

/* A history_spec check: the caller may read measurement `id`. */
pm_status measurements_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

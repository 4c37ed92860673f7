/* budget_lines_http.h: /v1/budget-lines — what an agency proposes to spend in a year from a
 * funding source on a task or section of a plan, and what becomes of it (decision 1994, IV, V.9,
 * V.12): draft (its officers write it) -> proposed (its managers send it) -> appraised (the
 * Department of Finance's managers, with the amount they advise) -> allocated (coordinators and
 * admins, with the deciding document) or rejected. A district's or commune's own line skips the
 * appraisal: its district People's Committee's managers allocate it once proposed. Each step is a
 * POST with If-Match, audited. Drafts, proposed and rejected lines are read by their agency, its
 * district People's Committee, the Department of Finance, coordinators, admins and auditors;
 * appraised and allocated lines by everyone. Amounts are whole đồng (domain/money.h). */
#ifndef PLANMON_BUDGET_LINES_HTTP_H
#define PLANMON_BUDGET_LINES_HTTP_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "http/context.h"
#include "resources/budget_lines_repo.h"

/* A step of the workflow, the route data of budget_lines_step. */
typedef enum { LINE_PROPOSE, LINE_APPRAISE, LINE_ALLOCATE, LINE_REJECT } budget_line_step;

extern const budget_line_step budget_line_propose, budget_line_appraise, budget_line_allocate,
    budget_line_reject;

/* The money fields of a line, for money_write. */
extern const char *const budget_line_money_fields[];

pm_status budget_lines_list(http_ctx *ctx, pm_error *err);
pm_status budget_lines_create(http_ctx *ctx, pm_error *err);
pm_status budget_lines_get(http_ctx *ctx, pm_error *err);
pm_status budget_lines_patch(http_ctx *ctx, pm_error *err);
pm_status budget_lines_delete(http_ctx *ctx, pm_error *err);
/* ctx->route->data is the budget_line_step. */
pm_status budget_lines_step(http_ctx *ctx, pm_error *err);

/* The line of path parameter "id" as the caller may read it (PM_NOT_FOUND otherwise), with its
 * check fields, into *out (new); `lock` takes its row lock (inside the caller's transaction). */
pm_status budget_lines_load(http_ctx *ctx, PGconn *db, bool lock, json_t **out, pm_error *err);

/* The caller as a reader of budget lines (its agency, and whether it reads every line). */
line_reader budget_lines_reader(const http_ctx *ctx);

/* Whether `?money=string` asks for amounts as strings (PM_INVALID_PARAMETER for another value). */
pm_status budget_lines_money_format(const http_ctx *ctx, bool *as_strings, pm_error *err);

/* A history_spec check: the caller may read line `id`. */
pm_status budget_lines_may_read(http_ctx *ctx, const char *id, pm_error *err);

#endif

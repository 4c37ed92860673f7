/* occurrences_http.h: GET /v1/tasks/{id}/occurrences?from=DATE&to=DATE — the occurrences of a
 * recurring task (occurrences_repo.h), each with its period, due date, whether and when it was
 * done, and whether it is overdue today. from and to (dates in the province, both optional)
 * keep the occurrences whose period ends within them; by default the task's whole life. Anyone
 * who may read the task reads them. */
#ifndef PLANMON_OCCURRENCES_HTTP_H
#define PLANMON_OCCURRENCES_HTTP_H

#include "http/context.h"

pm_status task_occurrences_list(http_ctx *ctx, pm_error *err);

#endif

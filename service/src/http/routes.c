/* routes.c: the route table and its registration with Ulfius (see routes.h). */
#include "http/routes.h"

#include <stdlib.h>
#include <string.h>

#include "auth/access.h"
#include "http/dispatch.h"
#include "obs/metrics.h"
#include "resources/admin_units_http.h"
#include "resources/agencies_http.h"
#include "resources/analytics_http.h"
#include "resources/dashboard_http.h"
#include "resources/audit_http.h"
#include "resources/auth_http.h"
#include "resources/budget_lines_http.h"
#include "resources/disbursements_http.h"
#include "resources/documents_http.h"
#include "resources/funding_http.h"
#include "resources/funding_sources_http.h"
#include "resources/indicators_http.h"
#include "resources/measurements_http.h"
#include "resources/measurements_bulk_http.h"
#include "resources/measurements_import_http.h"
#include "resources/measurements_template_http.h"
#include "resources/obligations_http.h"
#include "resources/occurrences_http.h"
#include "resources/ops_http.h"
#include "resources/periods_http.h"
#include "resources/pilots_http.h"
#include "resources/plans_http.h"
#include "resources/reports_http.h"
#include "resources/sections_http.h"
#include "resources/task_updates_http.h"
#include "resources/tasks_http.h"
#include "resources/users_http.h"
#include "resources/webhooks_http.h"

/* Who may call a route at all (auth/access.h); the handlers check the rest. */
#define ANYONE ACCESS_ANYONE
#define PUBLIC ACCESS_PUBLIC
#define ADMINS ACCESS_ADMINS
#define USER_ADMINS ACCESS_USER_ADMINS
#define PLAN_EDITORS ACCESS_PLAN_EDITORS
#define AUDITORS ACCESS_AUDIT_READERS
#define TASK_AGENCIES ACCESS_AGENCY_STAFF
#define REVIEWERS ACCESS_REVIEWERS
#define WEBHOOK_OWNERS ACCESS_WEBHOOK_OWNERS

static const history_spec user_history = {"users", "username", users_may_read, NULL};
static const history_spec agency_history = {"agencies", "code", agencies_exists, NULL};
static const history_spec document_history = {"documents", "id", documents_may_read, NULL};
static const history_spec unit_history = {"admin-units", "code", admin_units_exists, NULL};
static const history_spec plan_history = {"plans", "id", plans_may_read, NULL};
static const history_spec section_history = {"sections", "id", sections_may_read, "code"};
static const history_spec task_history = {"tasks", "id", tasks_may_read, NULL};
static const history_spec indicator_history = {"indicators", "code", indicators_may_read, NULL};
static const history_spec target_history = {"targets", "id", targets_may_read, NULL};
static const history_spec pilot_type_history = {"pilot-model-types", "code", pilot_types_may_read,
                                                NULL};
static const history_spec pilot_site_history = {"pilot-sites", "id", pilot_sites_may_read, NULL};
static const history_spec obligation_history = {"reporting-obligations", "code",
                                                obligations_may_read, NULL};
static const history_spec measurement_history = {"measurements", "id", measurements_may_read, NULL};
static const history_spec funding_source_history = {"funding-sources", "code",
                                                    funding_sources_exists, NULL};
static const history_spec budget_line_history = {"budget-lines", "id", budget_lines_may_read, NULL};

/* ROUTE(method, path, handler, who may call it (PUBLIC: no token), flags); ROUTE_WITH adds the
 * handler's own parameters. */
#define ROUTE(m, p, h, roles, flags)         \
    {                                        \
        m, p, h, roles, flags, 0, NULL, NULL \
    }
#define ROUTE_WITH(m, p, h, roles, flags, data) \
    {                                           \
        m, p, h, roles, flags, 0, NULL, data    \
    }
static struct route table[] = {
    ROUTE("GET", "/healthz", ops_healthz, PUBLIC, 0),
    ROUTE("GET", "/readyz", ops_readyz, PUBLIC, 0),
    ROUTE("GET", "/metrics", ops_metrics, PUBLIC, 0),
    ROUTE("GET", "/openapi.yaml", ops_openapi, PUBLIC, 0),
    ROUTE("GET", "/openapi.json", ops_openapi_json, PUBLIC, 0),
    ROUTE("GET", "/postman.json", ops_postman, PUBLIC, 0),
    ROUTE("GET", "/docs", ops_docs, PUBLIC, 0),
    ROUTE("GET", "/docs/redoc.standalone.js", ops_docs_js, PUBLIC, 0),
    ROUTE("GET", "/.well-known/jwks.json", auth_jwks, PUBLIC, 0),
    ROUTE("POST", "/v1/auth/token", auth_token, PUBLIC, ROUTE_BODY_JSON),
    ROUTE("POST", "/v1/auth/refresh", auth_refresh, PUBLIC, ROUTE_BODY_JSON),
    ROUTE("POST", "/v1/auth/logout", auth_logout, PUBLIC, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/me", me_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/me", me_patch, ANYONE, ROUTE_BODY_JSON),
    ROUTE("PUT", "/v1/me/password", me_password, ANYONE, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/users", users_list, USER_ADMINS, 0),
    ROUTE("POST", "/v1/users", users_create, USER_ADMINS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/users/{username}", users_get, USER_ADMINS, 0),
    ROUTE("PATCH", "/v1/users/{username}", users_patch, USER_ADMINS, ROUTE_BODY_JSON),
    ROUTE_WITH("GET", "/v1/users/{username}/history", audit_history, ANYONE, 0, &user_history),
    ROUTE("GET", "/v1/admin-units", admin_units_list, ANYONE, 0),
    ROUTE("POST", "/v1/admin-units", admin_units_create, ADMINS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/admin-units/{code}", admin_units_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/admin-units/{code}", admin_units_patch, ADMINS, ROUTE_BODY_JSON),
    ROUTE_WITH("GET", "/v1/admin-units/{code}/history", audit_history, ANYONE, 0, &unit_history),
    ROUTE("GET", "/v1/agencies", agencies_list, ANYONE, 0),
    ROUTE("POST", "/v1/agencies", agencies_create, ADMINS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/agencies/{code}", agencies_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/agencies/{code}", agencies_patch, ADMINS, ROUTE_BODY_JSON),
    ROUTE_WITH("GET", "/v1/agencies/{code}/history", audit_history, ANYONE, 0, &agency_history),
    ROUTE("GET", "/v1/agencies/{code}/responsibilities", agencies_responsibilities, ANYONE, 0),
    ROUTE("GET", "/v1/documents", documents_list, ANYONE, 0),
    ROUTE("POST", "/v1/documents", documents_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/documents/{id}", documents_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/documents/{id}", documents_patch, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/documents/{id}", archive_delete, PLAN_EDITORS, 0,
               &documents_archivable),
    ROUTE_WITH("POST", "/v1/documents/{id}/restore", archive_restore, PLAN_EDITORS, 0,
               &documents_archivable),
    ROUTE_WITH("GET", "/v1/documents/{id}/history", audit_history, ANYONE, 0, &document_history),
    ROUTE("GET", "/v1/plans", plans_list, ANYONE, 0),
    ROUTE("POST", "/v1/plans", plans_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/plans/{id}", plans_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/plans/{id}", plans_patch, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/plans/{id}", archive_delete, PLAN_EDITORS, 0, &plans_archivable),
    ROUTE_WITH("POST", "/v1/plans/{id}/restore", archive_restore, PLAN_EDITORS, 0,
               &plans_archivable),
    ROUTE_WITH("GET", "/v1/plans/{id}/history", audit_history, ANYONE, 0, &plan_history),
    ROUTE("GET", "/v1/plans/{id}/sections", sections_list, ANYONE, 0),
    ROUTE("POST", "/v1/plans/{id}/sections", sections_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/plans/{id}/sections/{code}", sections_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/plans/{id}/sections/{code}", sections_patch, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/plans/{id}/sections/{code}", archive_delete, PLAN_EDITORS, 0,
               &sections_archivable),
    ROUTE_WITH("POST", "/v1/plans/{id}/sections/{code}/restore", archive_restore, PLAN_EDITORS, 0,
               &sections_archivable),
    ROUTE_WITH("GET", "/v1/plans/{id}/sections/{code}/history", audit_history, ANYONE, 0,
               &section_history),
    ROUTE("GET", "/v1/tasks", tasks_list, ANYONE, 0),
    ROUTE("POST", "/v1/tasks", tasks_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/tasks/{id}", tasks_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/tasks/{id}", tasks_patch, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/tasks/{id}", archive_delete, PLAN_EDITORS, 0, &tasks_archivable),
    ROUTE_WITH("POST", "/v1/tasks/{id}/restore", archive_restore, PLAN_EDITORS, 0,
               &tasks_archivable),
    ROUTE_WITH("GET", "/v1/tasks/{id}/history", audit_history, ANYONE, 0, &task_history),
    ROUTE("GET", "/v1/tasks/{id}/updates", task_updates_list, ANYONE, 0),
    ROUTE("POST", "/v1/tasks/{id}/updates", task_updates_create, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/tasks/{id}/updates/{update_id}", task_updates_get, ANYONE, 0),
    ROUTE("GET", "/v1/tasks/{id}/occurrences", task_occurrences_list, ANYONE, 0),
    ROUTE("GET", "/v1/periods/{id}", periods_get, ANYONE, 0),
    ROUTE("GET", "/v1/indicators", indicators_list, ANYONE, 0),
    ROUTE("POST", "/v1/indicators", indicators_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/indicators/{code}", indicators_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/indicators/{code}", indicators_patch, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/indicators/{code}", archive_delete, PLAN_EDITORS, 0,
               &indicators_archivable),
    ROUTE_WITH("POST", "/v1/indicators/{code}/restore", archive_restore, PLAN_EDITORS, 0,
               &indicators_archivable),
    ROUTE_WITH("GET", "/v1/indicators/{code}/history", audit_history, ANYONE, 0,
               &indicator_history),
    ROUTE("GET", "/v1/indicators/{code}/targets", targets_list, ANYONE, 0),
    ROUTE("POST", "/v1/indicators/{code}/targets", targets_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/indicators/{code}/targets/{id}", targets_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/indicators/{code}/targets/{id}", targets_patch, PLAN_EDITORS,
          ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/indicators/{code}/targets/{id}", archive_delete, PLAN_EDITORS, 0,
               &targets_archivable),
    ROUTE_WITH("POST", "/v1/indicators/{code}/targets/{id}/restore", archive_restore, PLAN_EDITORS,
               0, &targets_archivable),
    ROUTE_WITH("GET", "/v1/indicators/{code}/targets/{id}/history", audit_history, ANYONE, 0,
               &target_history),
    ROUTE("GET", "/v1/measurements", measurements_list, ANYONE, 0),
    ROUTE("POST", "/v1/measurements", measurements_create, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE("POST", "/v1/measurements/import", measurements_import, TASK_AGENCIES, ROUTE_BODY_IMPORT),
    ROUTE("GET", "/v1/measurements/template", measurements_template, TASK_AGENCIES, 0),
    ROUTE_WITH("POST", "/v1/measurements/submit", measurements_bulk_transition, TASK_AGENCIES,
               ROUTE_BODY_JSON, &measurement_submit),
    ROUTE_WITH("POST", "/v1/measurements/approve", measurements_bulk_transition, REVIEWERS,
               ROUTE_BODY_JSON, &measurement_approve),
    ROUTE("GET", "/v1/measurement-imports/{id}", measurement_imports_get, TASK_AGENCIES | AUDITORS,
          0),
    ROUTE("GET", "/v1/measurements/{id}", measurements_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/measurements/{id}", measurements_patch, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE_WITH("POST", "/v1/measurements/{id}/submit", measurements_transition, TASK_AGENCIES, 0,
               &measurement_submit),
    ROUTE_WITH("POST", "/v1/measurements/{id}/approve", measurements_transition, REVIEWERS,
               ROUTE_BODY_JSON, &measurement_approve),
    ROUTE_WITH("POST", "/v1/measurements/{id}/return", measurements_transition, REVIEWERS,
               ROUTE_BODY_JSON, &measurement_return),
    ROUTE_WITH("POST", "/v1/measurements/{id}/unapprove", measurements_transition, REVIEWERS,
               ROUTE_BODY_JSON, &measurement_unapprove),
    ROUTE_WITH("GET", "/v1/measurements/{id}/history", audit_history, ANYONE, 0,
               &measurement_history),
    ROUTE("GET", "/v1/analytics", analytics_get, ANYONE, 0),
    ROUTE("GET", "/v1/dashboard", dashboard_get, ANYONE, 0),
    ROUTE("GET", "/v1/pilot-model-types", pilot_types_list, ANYONE, 0),
    ROUTE("POST", "/v1/pilot-model-types", pilot_types_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/pilot-model-types/{code}", pilot_types_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/pilot-model-types/{code}", pilot_types_patch, PLAN_EDITORS,
          ROUTE_BODY_JSON),
    ROUTE_WITH("GET", "/v1/pilot-model-types/{code}/history", audit_history, ANYONE, 0,
               &pilot_type_history),
    ROUTE("GET", "/v1/pilot-sites", pilot_sites_list, ANYONE, 0),
    ROUTE("POST", "/v1/pilot-sites", pilot_sites_create, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/pilot-sites/{id}", pilot_sites_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/pilot-sites/{id}", pilot_sites_patch, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE_WITH("DELETE", "/v1/pilot-sites/{id}", archive_delete, PLAN_EDITORS, 0,
               &pilot_sites_archivable),
    ROUTE_WITH("POST", "/v1/pilot-sites/{id}/restore", archive_restore, PLAN_EDITORS, 0,
               &pilot_sites_archivable),
    ROUTE_WITH("GET", "/v1/pilot-sites/{id}/history", audit_history, ANYONE, 0,
               &pilot_site_history),
    ROUTE("GET", "/v1/pilot-sites/{id}/status-history", pilot_sites_status_history, ANYONE, 0),
    ROUTE("GET", "/v1/reporting-obligations", obligations_list, ANYONE, 0),
    ROUTE("POST", "/v1/reporting-obligations", obligations_create, PLAN_EDITORS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/reporting-obligations/{code}", obligations_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/reporting-obligations/{code}", obligations_patch, PLAN_EDITORS,
          ROUTE_BODY_JSON),
    ROUTE_WITH("GET", "/v1/reporting-obligations/{code}/history", audit_history, ANYONE, 0,
               &obligation_history),
    ROUTE("GET", "/v1/reporting-obligations/{code}/submissions", submissions_list, ANYONE, 0),
    ROUTE("POST", "/v1/reporting-obligations/{code}/submissions", submissions_create, TASK_AGENCIES,
          ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/reporting-obligations/{code}/submissions/{id}", submissions_get, ANYONE, 0),
    ROUTE("GET", "/v1/reporting-completeness", completeness_get, ANYONE, 0),
    ROUTE("GET", "/v1/reports/{period}", reports_get, ANYONE, 0),
    ROUTE("GET", "/v1/audit-events", audit_events_list, AUDITORS, 0),
    ROUTE("GET", "/v1/changes", audit_changes, ANYONE, 0),
    ROUTE("GET", "/v1/funding-sources", funding_sources_list, ANYONE, 0),
    ROUTE("POST", "/v1/funding-sources", funding_sources_create, ADMINS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/funding-sources/{code}", funding_sources_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/funding-sources/{code}", funding_sources_patch, ADMINS, ROUTE_BODY_JSON),
    ROUTE_WITH("GET", "/v1/funding-sources/{code}/history", audit_history, ANYONE, 0,
               &funding_source_history),
    ROUTE("GET", "/v1/budget-lines", budget_lines_list, ANYONE, 0),
    ROUTE("POST", "/v1/budget-lines", budget_lines_create, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/budget-lines/{id}", budget_lines_get, ANYONE, 0),
    ROUTE("PATCH", "/v1/budget-lines/{id}", budget_lines_patch, TASK_AGENCIES, ROUTE_BODY_JSON),
    ROUTE("DELETE", "/v1/budget-lines/{id}", budget_lines_delete, TASK_AGENCIES, 0),
    ROUTE_WITH("POST", "/v1/budget-lines/{id}/propose", budget_lines_step, REVIEWERS,
               ROUTE_BODY_JSON, &budget_line_propose),
    ROUTE_WITH("POST", "/v1/budget-lines/{id}/appraise", budget_lines_step, REVIEWERS,
               ROUTE_BODY_JSON, &budget_line_appraise),
    ROUTE_WITH("POST", "/v1/budget-lines/{id}/allocate", budget_lines_step, REVIEWERS,
               ROUTE_BODY_JSON, &budget_line_allocate),
    ROUTE_WITH("POST", "/v1/budget-lines/{id}/reject", budget_lines_step, REVIEWERS,
               ROUTE_BODY_JSON, &budget_line_reject),
    ROUTE_WITH("GET", "/v1/budget-lines/{id}/history", audit_history, ANYONE, 0,
               &budget_line_history),
    ROUTE("GET", "/v1/budget-lines/{id}/disbursements", disbursements_list, ANYONE, 0),
    ROUTE("POST", "/v1/budget-lines/{id}/disbursements", disbursements_create, TASK_AGENCIES,
          ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/budget-lines/{id}/disbursements/{entry}", disbursements_get, ANYONE, 0),
    ROUTE("GET", "/v1/funding", funding_rollup, ANYONE, 0),
    ROUTE("GET", "/v1/webhooks", webhooks_list, WEBHOOK_OWNERS, 0),
    ROUTE("POST", "/v1/webhooks", webhooks_create, WEBHOOK_OWNERS, ROUTE_BODY_JSON),
    ROUTE("GET", "/v1/webhooks/{id}", webhooks_get, WEBHOOK_OWNERS, 0),
    ROUTE("PATCH", "/v1/webhooks/{id}", webhooks_patch, WEBHOOK_OWNERS, ROUTE_BODY_JSON),
    ROUTE("DELETE", "/v1/webhooks/{id}", webhooks_delete, WEBHOOK_OWNERS, 0),
    ROUTE("GET", "/v1/webhooks/{id}/deliveries", webhooks_deliveries, WEBHOOK_OWNERS, 0),
    ROUTE("POST", "/v1/webhooks/{id}/deliveries/{delivery}/redeliver", webhooks_redeliver,
          WEBHOOK_OWNERS, 0),
};
enum { NROUTES = sizeof table / sizeof table[0] };

static struct route unmatched = {"*", "unmatched", NULL, PUBLIC, 0, NROUTES, NULL, NULL};

/* One 405/OPTIONS catch-all per distinct path, with its Allow header. */
static struct route *catch_all;
static char (*allow_lists)[64];

const struct route *routes_unmatched(void)
{
    return &unmatched;
}

int routes_metric_count(void)
{
    return NROUTES + 1;
}

const struct route *routes_find(const char *method, const char *path)
{
    for (int i = 0; i < NROUTES; i++)
        if (strcmp(table[i].method, method) == 0 && strcmp(table[i].path, path) == 0)
            return &table[i];
    return NULL;
}

void routes_print(FILE *out)
{
    for (int i = 0; i < NROUTES; i++)
        fprintf(out, "%s %s\n", table[i].method, table[i].path);
}

/* "/v1/x/{code}" -> "/v1/x/:code" (Ulfius's syntax), into `out`. */
static void ulfius_format(const char *path, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = path; *p && o + 1 < size; p++)
        if (*p == '{')
            out[o++] = ':';
        else if (*p != '}')
            out[o++] = *p;
    out[o] = '\0';
}

static int add(struct _u_instance *instance, const char *method, const char *path,
               unsigned priority,
               int (*callback)(const struct _u_request *, struct _u_response *, void *), void *data)
{
    char format[256];
    ulfius_format(path, format, sizeof format);
    return ulfius_add_endpoint_by_val(instance, method, NULL, format, priority, callback, data) ==
                   U_OK
               ? 0
               : -1;
}

/* Ulfius tries lower priorities first: a literal path and its 405 catch-all come before any
 * path with parameters, so that GET /v1/measurements/import is a 405 of the import route, not
 * the measurement whose id is "import". */
static unsigned route_priority(const char *path)
{
    return strchr(path, '{') ? 2 : 0;
}

int routes_register(struct _u_instance *instance)
{
    catch_all = calloc(NROUTES, sizeof *catch_all);
    allow_lists = calloc(NROUTES, sizeof *allow_lists);
    if (!catch_all || !allow_lists || metrics_init(routes_metric_count()) != 0)
        return -1;
    metrics_label(NROUTES, unmatched.method, unmatched.path);
    int npaths = 0;
    for (int i = 0; i < NROUTES; i++) {
        table[i].metric = i;
        metrics_label(i, table[i].method, table[i].path);
        unsigned priority = route_priority(table[i].path);
        if (add(instance, table[i].method, table[i].path, priority, dispatch_route, &table[i]) ||
            (strcmp(table[i].method, "GET") == 0 &&
             add(instance, "HEAD", table[i].path, priority, dispatch_route, &table[i])))
            return -1;
        int p = 0;
        while (p < npaths && strcmp(catch_all[p].path, table[i].path) != 0)
            p++;
        if (p == npaths) {
            catch_all[p] =
                (struct route){"*", table[i].path, NULL, PUBLIC, 0, NROUTES, allow_lists[p], NULL};
            npaths++;
        }
        char *allow = allow_lists[p];
        size_t len = strlen(allow);
        snprintf(allow + len, sizeof allow_lists[p] - len, "%s%s%s", len ? ", " : "",
                 table[i].method, strcmp(table[i].method, "GET") == 0 ? ", HEAD" : "");
    }
    for (int p = 0; p < npaths; p++) {
        size_t len = strlen(allow_lists[p]);
        snprintf(allow_lists[p] + len, sizeof allow_lists[p] - len, ", OPTIONS");
    }
    for (int p = 0; p < npaths; p++)
        if (add(instance, "*", catch_all[p].path, route_priority(catch_all[p].path) + 1,
                dispatch_other_method, &catch_all[p]))
            return -1;
    return ulfius_set_default_endpoint(instance, dispatch_not_found, NULL) == U_OK ? 0 : -1;
}

void routes_free(void)
{
    free(catch_all);
    free(allow_lists);
    catch_all = NULL;
    allow_lists = NULL;
    metrics_free();
}

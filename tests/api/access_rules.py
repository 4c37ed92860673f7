"""Who may call each route: docs/access.md, issues 3, 4, 5 and 23, written down once.

The access matrix (test_access_matrix.py) checks the server against this table, and
test_openapi_document.py checks the document's `security` and `x-roles` against it. A route the
binary serves that is missing here fails both.
"""

from settings import ROLES

PUBLIC = "public"  # no token needed
ANY_ROLE = frozenset(ROLES)
USER_ADMINS = frozenset({"admin", "manager"})
PLAN_EDITORS = frozenset({"admin", "coordinator"})
AUDIT_READERS = frozenset({"admin", "coordinator", "auditor"})
ADMINS = frozenset({"admin"})
# Change a task, post progress on it: editors always; a manager or officer only on a task its
# agency leads (change) or leads or coordinates (progress) — the agency is checked per task.
TASK_WORKERS = frozenset({"admin", "coordinator", "manager", "officer"})
# Enter and submit measurements, manage pilot sites, hand in reports: editors always; a manager or
# officer within its agency's scope (its unit and below, the indicators it reports, the sites it
# hosts, its own reports) — the scope is checked per object. routes.c calls them TASK_AGENCIES.
DATA_ENTERERS = TASK_WORKERS
# Approve, return and un-approve measurements: editors; a manager only its district's communes
# (checked per measurement).
REVIEWERS = frozenset({"admin", "coordinator", "manager"})
# Register and manage webhooks and their deliveries: admins any; a manager its own agency's (the
# agency is checked per webhook: another agency's webhook is 404). routes.c: WEBHOOK_OWNERS.
WEBHOOK_OWNERS = frozenset({"admin", "manager"})
# Draft, change and delete budget lines and record spending on them: editors for any agency; a
# manager or officer only for its own agency (checked per line: another agency's is 403 naming
# `agency`, or 404 where the line is one it may not read). routes.c: TASK_AGENCIES.
LINE_WRITERS = DATA_ENTERERS
# The steps of a budget line (propose, appraise, allocate, reject): the route admits editors and
# managers; which of them may take which step on which line is checked per line (a manager
# proposes its own agency's lines; the Department of Finance's managers appraise; coordinators
# allocate provincial lines, a district's managers its own and its communes' lines; admins all).
LINE_STEPPERS = REVIEWERS

RULES = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.yaml"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/postman.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/redoc.standalone.js"): PUBLIC,
    ("GET", "/.well-known/jwks.json"): PUBLIC,
    ("POST", "/v1/auth/token"): PUBLIC,
    ("POST", "/v1/auth/refresh"): PUBLIC,
    ("POST", "/v1/auth/logout"): PUBLIC,
    ("GET", "/v1/me"): ANY_ROLE,
    ("PATCH", "/v1/me"): ANY_ROLE,
    ("PUT", "/v1/me/password"): ANY_ROLE,
    ("GET", "/v1/users"): USER_ADMINS,
    ("POST", "/v1/users"): USER_ADMINS,
    ("GET", "/v1/users/{username}"): USER_ADMINS,
    ("PATCH", "/v1/users/{username}"): USER_ADMINS,
    ("GET", "/v1/users/{username}/history"): USER_ADMINS,
    ("GET", "/v1/admin-units"): ANY_ROLE,
    ("GET", "/v1/admin-units/{code}"): ANY_ROLE,
    ("GET", "/v1/admin-units/{code}/history"): ANY_ROLE,
    ("POST", "/v1/admin-units"): ADMINS,
    ("PATCH", "/v1/admin-units/{code}"): ADMINS,
    ("GET", "/v1/agencies"): ANY_ROLE,
    ("GET", "/v1/agencies/{code}"): ANY_ROLE,
    ("GET", "/v1/agencies/{code}/history"): ANY_ROLE,
    ("POST", "/v1/agencies"): ADMINS,
    ("PATCH", "/v1/agencies/{code}"): ADMINS,
    ("GET", "/v1/agencies/{code}/responsibilities"): ANY_ROLE,
    ("GET", "/v1/documents"): ANY_ROLE,
    ("POST", "/v1/documents"): PLAN_EDITORS,
    ("GET", "/v1/documents/{id}"): ANY_ROLE,
    ("PATCH", "/v1/documents/{id}"): PLAN_EDITORS,
    ("DELETE", "/v1/documents/{id}"): PLAN_EDITORS,
    ("POST", "/v1/documents/{id}/restore"): PLAN_EDITORS,
    ("GET", "/v1/documents/{id}/history"): ANY_ROLE,
    ("GET", "/v1/plans"): ANY_ROLE,
    ("POST", "/v1/plans"): PLAN_EDITORS,
    ("GET", "/v1/plans/{id}"): ANY_ROLE,
    ("PATCH", "/v1/plans/{id}"): PLAN_EDITORS,
    ("DELETE", "/v1/plans/{id}"): PLAN_EDITORS,
    ("POST", "/v1/plans/{id}/restore"): PLAN_EDITORS,
    ("GET", "/v1/plans/{id}/history"): ANY_ROLE,
    ("GET", "/v1/plans/{id}/sections"): ANY_ROLE,
    ("POST", "/v1/plans/{id}/sections"): PLAN_EDITORS,
    ("GET", "/v1/plans/{id}/sections/{code}"): ANY_ROLE,
    ("PATCH", "/v1/plans/{id}/sections/{code}"): PLAN_EDITORS,
    ("DELETE", "/v1/plans/{id}/sections/{code}"): PLAN_EDITORS,
    ("POST", "/v1/plans/{id}/sections/{code}/restore"): PLAN_EDITORS,
    ("GET", "/v1/plans/{id}/sections/{code}/history"): ANY_ROLE,
    ("GET", "/v1/tasks"): ANY_ROLE,
    ("POST", "/v1/tasks"): PLAN_EDITORS,
    ("GET", "/v1/tasks/{id}"): ANY_ROLE,
    ("PATCH", "/v1/tasks/{id}"): TASK_WORKERS,
    ("DELETE", "/v1/tasks/{id}"): PLAN_EDITORS,
    ("POST", "/v1/tasks/{id}/restore"): PLAN_EDITORS,
    ("GET", "/v1/tasks/{id}/history"): ANY_ROLE,
    ("GET", "/v1/tasks/{id}/updates"): ANY_ROLE,
    ("POST", "/v1/tasks/{id}/updates"): TASK_WORKERS,
    ("GET", "/v1/tasks/{id}/updates/{update_id}"): ANY_ROLE,
    ("GET", "/v1/tasks/{id}/occurrences"): ANY_ROLE,
    ("GET", "/v1/periods/{id}"): ANY_ROLE,
    ("GET", "/v1/indicators"): ANY_ROLE,
    ("POST", "/v1/indicators"): PLAN_EDITORS,
    ("GET", "/v1/indicators/{code}"): ANY_ROLE,
    ("PATCH", "/v1/indicators/{code}"): PLAN_EDITORS,
    ("DELETE", "/v1/indicators/{code}"): PLAN_EDITORS,
    ("POST", "/v1/indicators/{code}/restore"): PLAN_EDITORS,
    ("GET", "/v1/indicators/{code}/history"): ANY_ROLE,
    ("GET", "/v1/indicators/{code}/targets"): ANY_ROLE,
    ("POST", "/v1/indicators/{code}/targets"): PLAN_EDITORS,
    ("GET", "/v1/indicators/{code}/targets/{id}"): ANY_ROLE,
    ("PATCH", "/v1/indicators/{code}/targets/{id}"): PLAN_EDITORS,
    ("DELETE", "/v1/indicators/{code}/targets/{id}"): PLAN_EDITORS,
    ("POST", "/v1/indicators/{code}/targets/{id}/restore"): PLAN_EDITORS,
    ("GET", "/v1/indicators/{code}/targets/{id}/history"): ANY_ROLE,
    ("GET", "/v1/measurements"): ANY_ROLE,
    ("POST", "/v1/measurements"): DATA_ENTERERS,
    ("POST", "/v1/measurements/import"): DATA_ENTERERS,
    ("GET", "/v1/measurements/template"): DATA_ENTERERS,
    ("POST", "/v1/measurements/submit"): DATA_ENTERERS,
    ("POST", "/v1/measurements/approve"): REVIEWERS,
    ("GET", "/v1/measurement-imports/{id}"): DATA_ENTERERS | AUDIT_READERS,
    ("GET", "/v1/measurements/{id}"): ANY_ROLE,
    ("PATCH", "/v1/measurements/{id}"): DATA_ENTERERS,
    ("POST", "/v1/measurements/{id}/submit"): DATA_ENTERERS,
    ("POST", "/v1/measurements/{id}/approve"): REVIEWERS,
    ("POST", "/v1/measurements/{id}/return"): REVIEWERS,
    ("POST", "/v1/measurements/{id}/unapprove"): REVIEWERS,
    ("GET", "/v1/measurements/{id}/history"): ANY_ROLE,
    ("GET", "/v1/analytics"): ANY_ROLE,
    ("GET", "/v1/dashboard"): ANY_ROLE,
    ("GET", "/v1/pilot-model-types"): ANY_ROLE,
    ("POST", "/v1/pilot-model-types"): PLAN_EDITORS,
    ("GET", "/v1/pilot-model-types/{code}"): ANY_ROLE,
    ("PATCH", "/v1/pilot-model-types/{code}"): PLAN_EDITORS,
    ("GET", "/v1/pilot-model-types/{code}/history"): ANY_ROLE,
    ("GET", "/v1/pilot-sites"): ANY_ROLE,
    ("POST", "/v1/pilot-sites"): DATA_ENTERERS,
    ("GET", "/v1/pilot-sites/{id}"): ANY_ROLE,
    ("PATCH", "/v1/pilot-sites/{id}"): DATA_ENTERERS,
    ("DELETE", "/v1/pilot-sites/{id}"): PLAN_EDITORS,
    ("POST", "/v1/pilot-sites/{id}/restore"): PLAN_EDITORS,
    ("GET", "/v1/pilot-sites/{id}/history"): ANY_ROLE,
    ("GET", "/v1/pilot-sites/{id}/status-history"): ANY_ROLE,
    ("GET", "/v1/reporting-obligations"): ANY_ROLE,
    ("POST", "/v1/reporting-obligations"): PLAN_EDITORS,
    ("GET", "/v1/reporting-obligations/{code}"): ANY_ROLE,
    ("PATCH", "/v1/reporting-obligations/{code}"): PLAN_EDITORS,
    ("GET", "/v1/reporting-obligations/{code}/history"): ANY_ROLE,
    ("GET", "/v1/reporting-obligations/{code}/submissions"): ANY_ROLE,
    ("POST", "/v1/reporting-obligations/{code}/submissions"): DATA_ENTERERS,
    ("GET", "/v1/reporting-obligations/{code}/submissions/{id}"): ANY_ROLE,
    ("GET", "/v1/reporting-completeness"): ANY_ROLE,
    ("GET", "/v1/reports/{period}"): ANY_ROLE,
    ("GET", "/v1/audit-events"): AUDIT_READERS,
    ("GET", "/v1/changes"): ANY_ROLE,
    ("GET", "/v1/funding-sources"): ANY_ROLE,
    ("POST", "/v1/funding-sources"): ADMINS,
    ("GET", "/v1/funding-sources/{code}"): ANY_ROLE,
    ("PATCH", "/v1/funding-sources/{code}"): ADMINS,
    ("GET", "/v1/funding-sources/{code}/history"): ANY_ROLE,
    ("GET", "/v1/budget-lines"): ANY_ROLE,
    ("POST", "/v1/budget-lines"): LINE_WRITERS,
    ("GET", "/v1/budget-lines/{id}"): ANY_ROLE,
    ("PATCH", "/v1/budget-lines/{id}"): LINE_WRITERS,
    ("DELETE", "/v1/budget-lines/{id}"): LINE_WRITERS,
    ("POST", "/v1/budget-lines/{id}/propose"): LINE_STEPPERS,
    ("POST", "/v1/budget-lines/{id}/appraise"): LINE_STEPPERS,
    ("POST", "/v1/budget-lines/{id}/allocate"): LINE_STEPPERS,
    ("POST", "/v1/budget-lines/{id}/reject"): LINE_STEPPERS,
    ("GET", "/v1/budget-lines/{id}/history"): ANY_ROLE,
    ("GET", "/v1/budget-lines/{id}/disbursements"): ANY_ROLE,
    ("POST", "/v1/budget-lines/{id}/disbursements"): LINE_WRITERS,
    ("GET", "/v1/budget-lines/{id}/disbursements/{entry}"): ANY_ROLE,
    ("GET", "/v1/funding"): ANY_ROLE,
    ("GET", "/v1/webhooks"): WEBHOOK_OWNERS,
    ("POST", "/v1/webhooks"): WEBHOOK_OWNERS,
    ("GET", "/v1/webhooks/{id}"): WEBHOOK_OWNERS,
    ("PATCH", "/v1/webhooks/{id}"): WEBHOOK_OWNERS,
    ("DELETE", "/v1/webhooks/{id}"): WEBHOOK_OWNERS,
    ("GET", "/v1/webhooks/{id}/deliveries"): WEBHOOK_OWNERS,
    ("POST", "/v1/webhooks/{id}/deliveries/{delivery}/redeliver"): WEBHOOK_OWNERS,
}

# Routes whose refusal of a role is 404, not 403: an object's history is answered to whoever may
# read the object, and as if it did not exist to anyone else (issue 4 contract: "GET
# /v1/users/{username}/history (admin; manager for its own agency's users; else 404)").
NOT_FOUND_FOR_OTHER_ROLES = frozenset({("GET", "/v1/users/{username}/history")})


def refusal_status(route):
    """The status a signed-in role that the route's rule does not admit gets."""
    return 404 if route in NOT_FOUND_FOR_OTHER_ROLES else 403

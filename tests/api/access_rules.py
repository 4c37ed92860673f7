"""Who may call each route: PRODUCT.md ("Access rules"), issues 3, 4 and 5, written down once.

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

RULES = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.yaml"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/redoc.standalone.js"): PUBLIC,
    ("GET", "/.well-known/jwks.json"): PUBLIC,
    ("POST", "/v1/auth/token"): PUBLIC,
    ("POST", "/v1/auth/refresh"): PUBLIC,
    ("POST", "/v1/auth/logout"): PUBLIC,
    ("GET", "/v1/me"): ANY_ROLE,
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
    ("GET", "/v1/audit-events"): AUDIT_READERS,
    ("GET", "/v1/changes"): ANY_ROLE,
}

# Routes whose refusal of a role is 404, not 403: an object's history is answered to whoever may
# read the object, and as if it did not exist to anyone else (issue 4 contract: "GET
# /v1/users/{username}/history (admin; manager for its own agency's users; else 404)").
NOT_FOUND_FOR_OTHER_ROLES = frozenset({("GET", "/v1/users/{username}/history")})


def refusal_status(route):
    """The status a signed-in role that the route's rule does not admit gets."""
    return 404 if route in NOT_FOUND_FOR_OTHER_ROLES else 403

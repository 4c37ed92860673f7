"""Who may call each route: PRODUCT.md ("Access rules") and issue 3, written down once.

The access matrix (test_access_matrix.py) checks the server against this table, and
test_openapi_document.py checks the document's `security` and `x-roles` against it. A route the
binary serves that is missing here fails both.
"""

from settings import ROLES

PUBLIC = "public"  # no token needed
ANY_ROLE = frozenset(ROLES)
USER_ADMINS = frozenset({"admin", "manager"})

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
    ("GET", "/v1/admin-units"): ANY_ROLE,
    ("GET", "/v1/admin-units/{code}"): ANY_ROLE,
    ("GET", "/v1/agencies"): ANY_ROLE,
    ("GET", "/v1/agencies/{code}"): ANY_ROLE,
}

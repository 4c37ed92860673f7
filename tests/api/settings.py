"""Paths and server settings shared by the fixtures and the tests."""

import os
from pathlib import Path

REPO_ROOT = Path(os.environ.get("REPO_ROOT") or Path(__file__).resolve().parents[2])
SPEC_PATH = REPO_ROOT / "api" / "openapi.yaml"
SEED_UNITS_PATH = REPO_ROOT / "db" / "seed" / "admin-units.json"
SEED_PLAN_PATH = REPO_ROOT / "db" / "seed" / "plan-1994.json"

# What the suite's server is started with.
ALLOWED_ORIGIN = "http://allowed.example"
DB_POOL_SIZE = 4
MAX_BODY_BYTES = 1024 * 1024
# The server closes a keep-alive connection idle this long; the client drops its own first.
HTTP_CONNECTION_TIMEOUT_S = 10

# Authentication (the server's defaults, set explicitly so tests and server agree).
JWT_ISSUER = "planmon"
JWT_AUDIENCE = "planmon"
JWT_TTL = 900
JWT_MAX_TTL = 900
TOKEN_LEEWAY_S = 60
TOKEN_MAX_BYTES = 4096
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_S = 900
# The whole suite calls from 127.0.0.1, so the per-address limit of the suite's server is set out
# of reach; test_auth_tokens checks that limit on a server of its own, from an address of its own.
LOGIN_MAX_FAILURES_PER_IP = 100000
USER_STATE_CACHE_S = 5  # a disabled user is refused on every instance within this
PASSWORD_MIN = 10

# `planmon seed --demo` runs with this DEMO_PASSWORD; against a server the suite did not start
# (external mode: tests/lib/api-env), the password its demo users were seeded with.
DEMO_PASSWORD = os.environ.get("PLANMON_DEMO_PASSWORD") or "demo-password-for-the-api-suite"
ROLES = ("admin", "coordinator", "manager", "officer", "viewer", "auditor")
# The demo users (issue 3): username -> (agency, role).
DEMO_USERS = {
    "admin": ("STTTT", "admin"),
    "coordinator": ("SLDTBXH", "coordinator"),
    "longxuyen.manager": ("UBND-883", "manager"),
    "longxuyen.officer": ("UBND-883", "officer"),
    "chaudoc.officer": ("UBND-884", "officer"),
    "health.officer": ("SYT", "officer"),
    "viewer": ("MTTQ", "viewer"),
    "auditor": ("VPUBND", "auditor"),
}


def token_settings():
    """The token settings of every planmon command and server the suite runs."""
    return {"JWT_ISSUER": JWT_ISSUER, "JWT_AUDIENCE": JWT_AUDIENCE, "JWT_TTL": str(JWT_TTL),
            "JWT_MAX_TTL": str(JWT_MAX_TTL)}


def server_settings(docs_js_file):
    """The settings of the suite's server (environment variables, as strings) on top of the
    database, the signing key and token_settings(). tests/scale starts its instances with them."""
    return {"CORS_ORIGINS": ALLOWED_ORIGIN, "LOG_LEVEL": "info",
            "DB_POOL_SIZE": str(DB_POOL_SIZE), "HTTP_THREADS": "4",
            "DB_ACQUIRE_TIMEOUT_MS": "1000", "DB_QUERY_TIMEOUT_MS": "3000",
            "HTTP_CONNECTION_TIMEOUT_S": str(HTTP_CONNECTION_TIMEOUT_S), "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
            "DOCS_JS_FILE": str(docs_js_file), "LOGIN_MAX_FAILURES": str(LOGIN_MAX_FAILURES),
            "LOGIN_MAX_FAILURES_PER_IP": str(LOGIN_MAX_FAILURES_PER_IP),
            "LOGIN_WINDOW_S": str(LOGIN_WINDOW_S),
            # no grace on SIGTERM: the suite stops many servers (test_graceful_stop sets its own)
            "SHUTDOWN_GRACE_S": "0",
            # notifications (test_webhooks.py): every server of the suite may send any delivery,
            # so all reach the tests' receivers (localhost) and retry on the same short schedule
            # (deadlines are looked at every minute: the tests of deadlines and digests start
            # servers of their own that look every second)
            "WEBHOOK_ALLOW_HOSTS": "localhost", "NOTIFY_POLL_MS": "250",
            "WEBHOOK_RETRY_SCHEDULE": "1s,1s,1s",
            "WEBHOOK_DISABLE_AFTER": "3", "WEBHOOK_CONNECT_TIMEOUT_MS": "2000",
            "WEBHOOK_TIMEOUT_MS": "5000"}


# The client calls as this user unless told otherwise: the role with the fewest rights, so that
# every read the older tests make shows that any signed-in role may make it.
DEFAULT_USER = "viewer"

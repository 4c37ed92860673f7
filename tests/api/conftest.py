"""Fixtures of the black-box API suite.

Environment (set by tests/run): PLANMON_BIN, PLANMON_BUILD (release|asan), DATABASE_URL (an empty
database owned by the service's role), PG_SUPERUSER_URL, PGDATA, PG_PORT, PGCTL (shell prefix for
pg_ctl of the throwaway cluster), REPO_ROOT, DOCS_JS_FILE.

The session makes an RSA-2048 signing key (and a second, unrelated one) with `openssl genpkey` in
the results directory, runs `planmon migrate`, `planmon seed` twice (the second run is checked to
change nothing), `planmon seed --demo` twice (with DEMO_PASSWORD; again, the second changes
nothing) and a plain `seed` after it, then `planmon serve` on a free port, and stops it with
SIGTERM at the end. The checks of that shutdown (exit code 0, no sanitizer report) are tests of
their own in test_zz_shutdown.py, ordered last; the fixture repeats them at teardown when those
tests did not run.

`api` calls as settings.DEFAULT_USER; `api.as_user(name)` as another demo user (or one made with
`make_user`), `api.anonymous()` without a token.

External mode (tests/scale/run): with PLANMON_BASE_URL set, the suite starts no server and calls
that URL (nginx in front of several instances). The database (DATABASE_URL: the primary, for the
tests that look into it) must be migrated and seeded with the demo users (DEMO_PASSWORD of
settings.py) beforehand, and PLANMON_JWT_KEY_FILE must be the servers' signing key; the servers
run with settings.server_settings(). The client then sends the latest Planmon-Write-Position it
has seen as Planmon-Read-After (client.READ_YOUR_WRITES), so a read after a write sees it even
when the servers read from a replica. A test that needs the suite's own server process (its
logs, its settings, a signal to it, a server of its own, PostgreSQL stopped) is skipped there,
with its reason: see external_skip_reason; the end of the run counts them by reason.
"""

import inspect
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import psycopg.conninfo
import pytest
from psycopg import sql

from audit import AuditLog
from client import READ_YOUR_WRITES, Api, Sessions
from openapi_check import OpenApi
from receiver import Receiver
from server import PlanmonServer, PostgresControl, env_summary, run_planmon
from settings import (DEFAULT_USER, DEMO_PASSWORD, DEMO_USERS, REPO_ROOT, SPEC_PATH,
                      server_settings, token_settings)


_state = {"server": None}

# External mode: the URL of a server the suite did not start (see the head of this file).
EXTERNAL_URL = os.environ.get("PLANMON_BASE_URL", "").rstrip("/")
EXTERNAL_SKIP = "external server: "
# What makes a test need the suite's own server: a fixture it uses (itself, or through others),
# else a marker it carries.
OWN_SERVER_FIXTURES = {"extra_server": "starts planmon servers of its own",
                       "fresh_planmon": "starts a planmon of its own on a freshly seeded database",
                       "pgctl": "stops or restarts PostgreSQL"}
OWN_SERVER_ARGUMENTS = {"prepared_db": "checks the output of the first migrate and seed runs, "
                                       "made before the servers started"}
OWN_SERVER_MARKERS = {"outage": "stops or restarts PostgreSQL",
                      "shutdown": "stops the suite's server and reads its output"}
# The own_server markers test modules put on a test (or a module); called with keyword arguments,
# one applies only to the cases with those parameter values, e.g. @needs_metrics(path="/metrics").
needs_server_process = pytest.mark.own_server(
    "looks at the suite's server process (its log, whether it still runs)")
needs_metrics = pytest.mark.own_server(
    "calls /metrics, which nginx does not serve (each instance counts its own)")
needs_direct_http = pytest.mark.own_server(
    "sends a request nginx answers or holds itself (malformed, oversized, slow or reset), "
    "meant for planmon's own HTTP layer")
needs_user_change_at_once = pytest.mark.own_server(
    "expects a change of a user to act at once on every instance: the others see it within "
    "USER_STATE_CACHE_S")
needs_no_replica = pytest.mark.own_server("expects a server without a replica")


def pytest_configure(config):
    config.addinivalue_line("markers", "outage: stops or restarts PostgreSQL; runs after the rest")
    config.addinivalue_line("markers", "shutdown: stops the server; runs last")
    config.addinivalue_line("markers", "timing: judges how long something takes (the release "
                                       "build only, the best of a few tries: checks.fast_enough)")
    config.addinivalue_line("markers", "own_server(reason, **params): needs the suite's own "
                                       "server process (reason: what for; params: only the "
                                       "cases with these parameter values); skipped in "
                                       "external mode")
    if EXTERNAL_URL:
        READ_YOUR_WRITES.enabled = True


def external_skip_reason(item):
    """Why `item` cannot run against an external server, or None: the one place that decides."""
    for name, reason in OWN_SERVER_FIXTURES.items():
        if name in item.fixturenames:
            return reason
    arguments = inspect.signature(item.obj).parameters if hasattr(item, "obj") else {}
    for name, reason in OWN_SERVER_ARGUMENTS.items():
        if name in arguments:
            return reason
    for name, reason in OWN_SERVER_MARKERS.items():
        if item.get_closest_marker(name):
            return reason
    params = item.callspec.params if hasattr(item, "callspec") else {}
    for marker in item.iter_markers("own_server"):
        if all(params.get(k) == v for k, v in marker.kwargs.items()):
            return marker.args[0] if marker.args else "needs the suite's own server"
    return None


def pytest_collection_modifyitems(session, config, items):
    """Outage tests after the others (they disturb the database), shutdown tests last. In
    external mode, the tests that need the suite's own server are skipped, saying why."""

    def rank(item):
        if item.get_closest_marker("shutdown"):
            return 2
        if item.get_closest_marker("outage"):
            return 1
        return 0

    items.sort(key=rank)  # stable: keeps file order within each group
    if EXTERNAL_URL:
        for item in items:
            reason = external_skip_reason(item)
            if reason:
                item.add_marker(pytest.mark.skip(reason=EXTERNAL_SKIP + reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """In external mode: how many tests were skipped for needing the suite's own server, and why."""
    if not EXTERNAL_URL:
        return
    reasons = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(EXTERNAL_SKIP):
            reason = reason[len(EXTERNAL_SKIP):]
            reasons[reason] = reasons.get(reason, 0) + 1
    terminalreporter.write_sep("-", f"external server {EXTERNAL_URL}")
    terminalreporter.write_line(f"{sum(reasons.values())} tests skipped: they need the suite's "
                                f"own server")
    for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{n:6d}  {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    server = _state["server"]
    if report.failed and server is not None:
        report.sections.append(("planmon server output (tail)", server.logs_tail(30)))


def _require_env(*names):
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.fail(f"the API suite needs {', '.join(missing)} (run it through tests/run); "
                    f"{env_summary()}", pytrace=False)
    return {n: os.environ[n] for n in names}


@pytest.fixture(scope="session")
def spec():
    return OpenApi.load(SPEC_PATH)


@pytest.fixture(scope="session")
def build_kind():
    return os.environ.get("PLANMON_BUILD", "release")


@pytest.fixture(scope="session")
def results_dir(build_kind):
    d = Path(os.environ.get("PLANMON_TEST_OUTPUT") or REPO_ROOT / "tests" / ".results"
             / f"api-{build_kind}-output")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def planmon_bin():
    return _require_env("PLANMON_BIN")["PLANMON_BIN"]


def openssl(args, timeout=120):
    """Run openssl; returns its stdout (bytes). Fails the test on a non-zero exit."""
    result = subprocess.run(["openssl", *args], stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=timeout)
    assert result.returncode == 0, f"openssl {' '.join(args)}: {result.stderr.decode()[-2000:]}"
    return result.stdout


def make_rsa_key(path, bits=2048):
    """A PEM RSA private key of `bits` bits at `path` (made once); returns the path."""
    path = Path(path)
    if not path.exists():
        openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}",
                 "-out", str(path)])
    return path


@dataclass(frozen=True)
class SigningKeys:
    """The server's key pair (PEM bytes) and an unrelated RSA key of the same size."""

    private_path: Path
    private_pem: bytes
    public_pem: bytes  # as OpenSSL writes it (PEM SubjectPublicKeyInfo, trailing newline)
    other_path: Path
    other_private_pem: bytes


@pytest.fixture(scope="session")
def jwt_keys(results_dir):
    keydir = results_dir / "keys"
    keydir.mkdir(exist_ok=True)
    for old in keydir.glob("*.pem"):  # a fresh pair for every run
        old.unlink()
    if EXTERNAL_URL:  # the external servers' key
        private = Path(_require_env("PLANMON_JWT_KEY_FILE")["PLANMON_JWT_KEY_FILE"])
    else:
        private = make_rsa_key(keydir / "jwt-rs256.pem")
    other = make_rsa_key(keydir / "unrelated-rs256.pem")
    return SigningKeys(private, private.read_bytes(),
                       openssl(["pkey", "-in", str(private), "-pubout"]), other, other.read_bytes())


@pytest.fixture(scope="session")
def base_env(planmon_bin, build_kind, jwt_keys):
    """Environment for planmon commands: the caller's, the database, the signing key and token
    settings, sanitizer options."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JWT_", "LOGIN_", "REFRESH_")) and k != "DEMO_PASSWORD"}
    env.update(_require_env("DATABASE_URL"))
    env.update({"JWT_PRIVATE_KEY_FILE": str(jwt_keys.private_path), **token_settings()})
    if build_kind == "asan":
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return env


@pytest.fixture(scope="session")
def docs_js_file():
    path = os.environ.get("DOCS_JS_FILE") or str(
        REPO_ROOT / "node_modules" / "redoc" / "bundles" / "redoc.standalone.js")
    return Path(path)


def table_digests(conn, tables):
    """{table: (row count, md5 of its rows in text form)} for the given tables of schema public."""
    snap = {}
    for t in tables:
        q = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                    " FROM public.{} t").format(sql.Identifier(t))
        snap[t] = tuple(conn.execute(q).fetchone())
    return snap


def db_snapshot(url):
    """md5 of every table of schema public, row by row in text form: {table: (count, md5)}."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return table_digests(conn, tables)


def audit_events(url):
    """Every row of audit_event as a dict, oldest first."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        cur = conn.execute("SELECT * FROM audit_event ORDER BY id")
        names = [c.name for c in cur.description]
        return [dict(zip(names, row)) for row in cur]


@pytest.fixture(scope="session")
def prepared_db(planmon_bin, base_env):
    """migrate, seed, seed, seed --demo, seed --demo, seed: each command's result, a snapshot
    of the tables after each seed (snap1 ... snap5), and the audit events they recorded
    (seed_events, rows of audit_event). In external mode nothing: the database was prepared
    before the servers started (test_seed.py does not run there)."""
    if EXTERNAL_URL:
        return {}
    demo_env = {**base_env, "DEMO_PASSWORD": DEMO_PASSWORD}
    steps = [("migrate", ["migrate"], base_env), ("seed1", ["seed"], base_env),
             ("seed2", ["seed"], base_env), ("demo1", ["seed", "--demo"], demo_env),
             ("demo2", ["seed", "--demo"], demo_env), ("seed3", ["seed"], base_env)]
    out = {}
    for n, (name, args, env) in enumerate(steps):
        result = run_planmon(planmon_bin, args, env)
        if result.returncode != 0 and name in ("migrate", "seed1", "demo1"):
            pytest.fail(f"planmon {' '.join(args)} exited {result.returncode}:\n"
                        f"{result.stderr[-3000:]}", pytrace=False)
        out[name] = result
        if n:
            out[f"snap{n}"] = db_snapshot(base_env["DATABASE_URL"])
    out["seed_events"] = audit_events(base_env["DATABASE_URL"])
    return out


def server_env(base_env, docs_js_file, **overrides):
    """The environment of the suite's server, with `overrides` (str values) on top."""
    return {**base_env, **server_settings(docs_js_file), **overrides}


def check_stopped_cleanly(srv):
    """SIGTERM `srv` (if still running): exit code 0 and no sanitizer report."""
    rc = srv.stop()
    reports = srv.sanitizer_reports()
    assert rc == 0 and not reports, (
        f"planmon serve exited {rc} after SIGTERM; sanitizer lines: {reports[:10]}\n"
        f"{srv.logs_tail()}")


class ExternalServer:
    """The server of external mode: only its URL is known here."""

    returncode = None

    def __init__(self, base_url):
        self.base_url = base_url

    def logs_tail(self, lines=40):
        return (f"(the server at {self.base_url} was not started by the suite: its logs are "
                f"{os.environ.get('PLANMON_SERVER_LOGS', 'wherever its starter put them')})")


@pytest.fixture(scope="session")
def server(planmon_bin, base_env, prepared_db, docs_js_file, results_dir):
    if EXTERNAL_URL:
        _state["server"] = ExternalServer(EXTERNAL_URL)
        yield _state["server"]
        _state["server"] = None
        return
    env = server_env(base_env, docs_js_file)
    srv = PlanmonServer(planmon_bin, env, results_dir)
    try:
        srv.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    _state["server"] = srv
    yield srv
    _state["server"] = None
    if srv.returncode is None:  # test_zz_shutdown did not run: check the shutdown here
        check_stopped_cleanly(srv)


@pytest.fixture
def extra_server(planmon_bin, base_env, prepared_db, docs_js_file, results_dir):
    """Starts more `planmon serve` instances on the suite's database: `extra_server(**env)`
    returns a started PlanmonServer with those settings on top of the suite's. Each is stopped
    at the end of the test and must exit 0 without a sanitizer report."""
    started = []

    def start(**overrides):
        srv = PlanmonServer(planmon_bin, server_env(base_env, docs_js_file, **overrides),
                            results_dir, name=f"extra-{uuid.uuid4().hex[:8]}")
        started.append(srv)
        try:
            srv.start()
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        return srv

    yield start
    for srv in started:
        check_stopped_cleanly(srv)


@pytest.fixture
def patient_coordinator(api, extra_server):
    """The coordinator on a server of the test's own whose statements may run a minute: for the
    timing tests, whose time the load-scaled limit of checks.fast_enough judges, not the suite
    server's DB_QUERY_TIMEOUT_MS (3 s), which a busy machine can exceed and answer 503."""
    return api.as_user("coordinator").on(extra_server(DB_QUERY_TIMEOUT_MS="60000"))


@dataclass
class FreshPlanmon:
    """A planmon of a module's own, on a database that was just migrated and seeded."""

    api: Api  # calling as settings.DEFAULT_USER; .as_user(name) for the other demo users
    database_url: str
    server: PlanmonServer


@pytest.fixture(scope="module")
def seeded_api(fresh_planmon):
    """An Api on a planmon whose database holds the seed and nothing else: for the tests that
    count what the seed holds (other tests add units, committees and plans to the shared one)."""
    return fresh_planmon.api


@pytest.fixture(scope="module")
def fresh_env():
    """Settings a module's fresh planmon (fresh_planmon) serves with on top of the suite's; a
    module overrides this fixture to set them (e.g. PLANMON_TEST_TODAY). `{DATABASE_URL}` in a
    value stands for the fresh database's URL."""
    return {}


@pytest.fixture(scope="module")
def fresh_planmon(planmon_bin, base_env, docs_js_file, results_dir, spec, fresh_env):
    """A planmon of the module's own on a new database, migrated and seeded (with the demo users)
    and written by nothing else: what the seed holds, which the suite's shared database, written
    by every test, cannot show. The database is dropped at the end."""
    superuser = _require_env("PG_SUPERUSER_URL")["PG_SUPERUSER_URL"]
    url = psycopg.conninfo.conninfo_to_dict(base_env["DATABASE_URL"])
    name = f"planmon_fresh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(superuser, autocommit=True, connect_timeout=10) as su:
        su.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name),
                                                                 sql.Identifier(url["user"])))
    fresh_url = psycopg.conninfo.make_conninfo(**{**url, "dbname": name})
    env = {**base_env, "DATABASE_URL": fresh_url, "DEMO_PASSWORD": DEMO_PASSWORD}
    srv = None
    try:
        for args in (["migrate"], ["seed", "--demo"]):
            result = run_planmon(planmon_bin, args, env)
            assert result.returncode == 0, f"planmon {' '.join(args)}: {result.stderr[-2000:]}"
        settings = {k: v.replace("{DATABASE_URL}", fresh_url) for k, v in fresh_env.items()}
        srv = PlanmonServer(planmon_bin, server_env(env, docs_js_file, **settings), results_dir,
                            name=f"fresh-{name}")
        srv.start()
        sessions = Sessions(srv.base_url, spec)
        for username in DEMO_USERS:
            sessions.add(username, DEMO_PASSWORD)
        yield FreshPlanmon(Api(srv.base_url, spec, sessions=sessions, user=DEFAULT_USER),
                           fresh_url, srv)
    finally:
        if srv is not None:
            check_stopped_cleanly(srv)
        with psycopg.connect(superuser, autocommit=True, connect_timeout=10) as su:
            su.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@pytest.fixture(scope="session")
def sessions(server, spec, prepared_db):
    """Passwords and access tokens of the demo users (and of those tests make)."""
    s = Sessions(server.base_url, spec)
    for username in DEMO_USERS:
        s.add(username, DEMO_PASSWORD)
    return s


@pytest.fixture(scope="session")
def api(server, spec, sessions):
    """The client, calling as settings.DEFAULT_USER."""
    return Api(server.base_url, spec, sessions=sessions, user=DEFAULT_USER)


@pytest.fixture(scope="session")
def admin(api):
    """The client, calling as the demo admin."""
    return api.as_user("admin")


@pytest.fixture(scope="session")
def coordinator(api):
    """The client, calling as the demo coordinator (it edits plan data)."""
    return api.as_user("coordinator")


@pytest.fixture(scope="session")
def audit_log(admin):
    """The audit trail, read as the admin (see audit.py)."""
    return AuditLog(admin)


def new_username(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_user(admin, sessions, agency="UBND-883", role="officer", username=None, password=None,
                **fields):
    """Creates a user through POST /v1/users as admin and registers its password with
    `sessions`; returns its User body."""
    username = username or new_username()
    password = password or f"pw-{uuid.uuid4().hex}"
    body = {"username": username, "agency": agency, "role": role, "password": password, **fields}
    r = admin.post_json("/v1/users", body)
    assert r.status_code == 201, f"creating {body} -> {r.status_code}: {r.text[:500]}"
    sessions.add(username, password)
    return r.json()


@pytest.fixture
def make_user(admin, sessions):
    """make_user(agency=, role=, username=, password=, **fields) creates a throwaway user (see
    create_user); `api.as_user(body["username"])` then calls as it."""
    return lambda **kw: create_user(admin, sessions, **kw)


class PositionedConnection(psycopg.Connection):
    """A connection whose every execute() tells READ_YOUR_WRITES the primary's WAL position
    after it, so that the API reads what the test wrote in SQL (external mode: the servers may
    read from a replica)."""

    def execute(self, *args, **kwargs):
        cur = super().execute(*args, **kwargs)
        READ_YOUR_WRITES.saw_primary(self)
        return cur


@pytest.fixture
def db(base_env):
    """A psycopg connection to the service's database (autocommit)."""
    kind = PositionedConnection if READ_YOUR_WRITES.enabled else psycopg.Connection
    with kind.connect(base_env["DATABASE_URL"], autocommit=True, connect_timeout=10) as conn:
        yield conn


@pytest.fixture
def release_only(build_kind):
    """Skips a test of timings or of a costly setup against the sanitizer build: once, against
    the release build, is enough (use with pytest.mark.usefixtures)."""
    if build_kind != "release":
        pytest.skip("checked against the release build only")


@pytest.fixture(scope="session")
def pgctl(results_dir):
    prefix = _require_env("PGCTL")["PGCTL"]
    return PostgresControl(prefix, results_dir / "pg_ctl.log")


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 (receiver.py), closed after the test."""
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hooks(admin):
    """Registers webhooks (`hooks(client, body)`, must be 201) and deletes them afterwards, so
    that no test leaves a receiver that other tests' events are sent to."""
    made = []

    def register(client, body):
        r = client.post_json("/v1/webhooks", body)
        assert r.status_code == 201, r.text[:500]
        made.append(r.json()["id"])
        return r.json()

    register.made = made
    yield register
    for hook_id in made:
        current = admin.get(f"/v1/webhooks/{hook_id}")
        if current.status_code == 404:
            continue
        r = admin.request("DELETE", f"/v1/webhooks/{hook_id}",
                          headers={"If-Match": current.headers["ETag"]})
        assert r.status_code == 204, r.text[:300]

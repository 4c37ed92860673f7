"""Fixtures of the black-box API suite.

Environment (set by tests/run): PLANMON_BIN, PLANMON_BUILD (release|asan), DATABASE_URL (an empty
database owned by the service's role), PG_SUPERUSER_URL, PGDATA, PG_PORT, PGCTL (shell prefix for
pg_ctl of the throwaway cluster), REPO_ROOT, DOCS_JS_FILE.

The session runs `planmon migrate`, `planmon seed` twice (the second run is checked to change
nothing), then `planmon serve` on a free port, and stops it with SIGTERM at the end. The checks of
that shutdown (exit code 0, no sanitizer report) are tests of their own in test_zz_shutdown.py,
ordered last; the fixture repeats them at teardown when those tests did not run.
"""

import os
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from client import Api
from openapi_check import OpenApi
from server import PlanmonServer, PostgresControl, env_summary, run_planmon
from settings import ALLOWED_ORIGIN, DB_POOL_SIZE, MAX_BODY_BYTES, REPO_ROOT, SPEC_PATH


_state = {"server": None}


def pytest_configure(config):
    config.addinivalue_line("markers", "outage: stops or restarts PostgreSQL; runs after the rest")
    config.addinivalue_line("markers", "shutdown: stops the server; runs last")


def pytest_collection_modifyitems(session, config, items):
    """Outage tests after the others (they disturb the database), shutdown tests last."""

    def rank(item):
        if item.get_closest_marker("shutdown"):
            return 2
        if item.get_closest_marker("outage"):
            return 1
        return 0

    items.sort(key=rank)  # stable: keeps file order within each group


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


@pytest.fixture(scope="session")
def base_env(planmon_bin, build_kind):
    """Environment for planmon commands: the caller's, the database, sanitizer options."""
    env = dict(os.environ)
    env.update(_require_env("DATABASE_URL"))
    if build_kind == "asan":
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return env


@pytest.fixture(scope="session")
def docs_js_file():
    path = os.environ.get("DOCS_JS_FILE") or str(
        REPO_ROOT / "node_modules" / "redoc" / "bundles" / "redoc.standalone.js")
    return Path(path)


def db_snapshot(url):
    """md5 of every table of schema public, row by row in text form: {table: md5}."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        snap = {}
        for t in tables:
            q = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                        " FROM public.{} t").format(sql.Identifier(t))
            snap[t] = tuple(conn.execute(q).fetchone())
        return snap


@pytest.fixture(scope="session")
def prepared_db(planmon_bin, base_env):
    """migrate, seed, seed: the command results and a snapshot of the tables after each seed."""
    migrate = run_planmon(planmon_bin, ["migrate"], base_env)
    if migrate.returncode != 0:
        pytest.fail(f"planmon migrate exited {migrate.returncode}:\n{migrate.stderr[-3000:]}",
                    pytrace=False)
    seed1 = run_planmon(planmon_bin, ["seed"], base_env)
    if seed1.returncode != 0:
        pytest.fail(f"planmon seed exited {seed1.returncode}:\n{seed1.stderr[-3000:]}",
                    pytrace=False)
    snap1 = db_snapshot(base_env["DATABASE_URL"])
    seed2 = run_planmon(planmon_bin, ["seed"], base_env)
    snap2 = db_snapshot(base_env["DATABASE_URL"])
    return {"migrate": migrate, "seed1": seed1, "seed2": seed2, "snap1": snap1, "snap2": snap2}


@pytest.fixture(scope="session")
def server(planmon_bin, base_env, prepared_db, docs_js_file, results_dir):
    env = {**base_env, "CORS_ORIGINS": ALLOWED_ORIGIN, "LOG_LEVEL": "info",
           "DB_POOL_SIZE": str(DB_POOL_SIZE), "HTTP_THREADS": "4",
           "DB_ACQUIRE_TIMEOUT_MS": "1000", "DB_QUERY_TIMEOUT_MS": "3000",
           "HTTP_CONNECTION_TIMEOUT_S": "10", "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
           "DOCS_JS_FILE": str(docs_js_file)}
    srv = PlanmonServer(planmon_bin, env, results_dir)
    try:
        srv.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    _state["server"] = srv
    yield srv
    _state["server"] = None
    if srv.returncode is None:  # test_zz_shutdown did not run: check the shutdown here
        rc = srv.stop()
        reports = srv.sanitizer_reports()
        assert rc == 0 and not reports, (
            f"planmon serve exited {rc} after SIGTERM; sanitizer lines: {reports[:10]}\n"
            f"{srv.logs_tail()}")


@pytest.fixture(scope="session")
def api(server, spec):
    return Api(server.base_url, spec)


@pytest.fixture
def db(base_env):
    """A psycopg connection to the service's database (autocommit)."""
    with psycopg.connect(base_env["DATABASE_URL"], autocommit=True, connect_timeout=10) as conn:
        yield conn


@pytest.fixture(scope="session")
def pgctl(results_dir):
    prefix = _require_env("PGCTL")["PGCTL"]
    return PostgresControl(prefix, results_dir / "pg_ctl.log")

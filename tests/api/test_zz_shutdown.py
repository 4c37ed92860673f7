"""Last: every operation was exercised, no database connection gave up naming its statements,
then SIGTERM stops the server cleanly.

For PLANMON_BUILD=asan, the server's output must hold no AddressSanitizer, LeakSanitizer or
UndefinedBehaviorSanitizer report (leaks are reported at exit, so this runs after the stop).
"""

from pathlib import Path

import pytest

from conftest import needs_server_process

pytestmark = [pytest.mark.shutdown]


def whole_suite_ran(request):
    opt = request.config.option
    if getattr(opt, "keyword", "") or getattr(opt, "markexpr", ""):
        return False
    modules = {Path(item.fspath).name for item in request.session.items}
    on_disk = {p.name for p in Path(__file__).parent.glob("test_*.py")}
    return modules == on_disk


def test_every_operation_was_answered_with_success(spec, request):
    if not whole_suite_ran(request):
        pytest.skip("only meaningful when the whole suite ran")
    succeeded = {label for label, status in spec.seen if 200 <= status < 300}
    missing = sorted(f"{m} {t}" for m, t in spec.operations() if f"{m} {t}" not in succeeded)
    assert not missing, f"operations no test called successfully: {missing}"


@needs_server_process
def test_no_connection_gave_up_naming_its_statements(server):
    """The suite's server talks to PostgreSQL directly, so no connection may have met the sign of
    a transaction-mode pooler ("does not keep prepared statements"): once, the same SQL text at
    two addresses (an ASan build does not merge equal literals) was taken for two statements and
    prepared twice under one name (tests/unit/test_statements.c)."""
    lines = [line for line in server.output().splitlines()
             if "does not keep prepared statements" in line]
    assert not lines, "\n".join(lines[:5])


@pytest.fixture(scope="module")
def stopped(server):
    """The suite's server stopped once by SIGTERM, whichever test asks first: (alive before the
    signal, exit code)."""
    was_alive = server.alive()
    return was_alive, server.stop()


def test_sigterm_stops_the_server_with_exit_code_0(server, stopped):
    was_alive, rc = stopped
    assert was_alive, f"planmon died during the suite\n{server.logs_tail()}"
    assert rc == 0, f"exit code {rc} after SIGTERM\n{server.logs_tail()}"


def test_server_output_has_no_sanitizer_report(server, stopped, build_kind):
    reports = server.sanitizer_reports()
    assert not reports, f"{build_kind} build reported:\n" + "\n".join(reports[:20]) + \
        f"\n{server.logs_tail(80)}"

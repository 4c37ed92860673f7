"""The one clock (issue 15): "today in the province" has one source, settable by the tests.

tests/run builds planmon with the test clock: PLANMON_TEST_TODAY (a date, or @FILE holding one,
read again each time) sets today for everything that judges by it — overdue tasks, periods that
have not begun, attainment — and several servers given the same file see the same date, and the
same move of it. Record times (created_at, the audit trail) stay the database's own. The
province's zone is configuration (PROVINCE_TIME_ZONE), checked at start.
"""

import re

import pytest

from checks import assert_problem
from plans import create_plan, create_task, task_path
from server import run_planmon, stderr_lines


def overdue(client, task_id):
    r = client.get(task_path(task_id))
    assert r.status_code == 200, r.text[:300]
    return r.json()["overdue"]


@pytest.fixture(scope="module")
def task_due_2018(coordinator):
    """A task not started, due 2018-01-01: overdue today, not in mid-2017."""
    plan = create_plan(coordinator, period_start="2016-01-01", period_end="2030-12-31")
    return create_task(coordinator, plan["id"], start_date="2016-08-01",
                       due_date="2018-01-01")["id"]


def test_the_suites_binary_honours_the_test_clock(planmon_bin):
    result = run_planmon(planmon_bin, ["version"], {}, timeout=30)
    assert re.fullmatch(r"planmon \S+ schema [0-9]+ \(test clock\)\n", result.stdout), \
        result.stdout


def test_a_server_given_a_date_judges_overdue_on_that_date(api, extra_server, task_due_2018):
    assert overdue(api, task_due_2018) is True  # the suite's server: today is today
    then = api.on(extra_server(PLANMON_TEST_TODAY="2017-06-14"))
    assert overdue(then, task_due_2018) is False
    later = api.on(extra_server(PLANMON_TEST_TODAY="2018-01-01"))
    assert overdue(later, task_due_2018) is False, "a task due today is not overdue"


def test_servers_sharing_a_clock_file_see_the_same_date_and_its_moves(api, extra_server,
                                                                       task_due_2018, tmp_path):
    clock = tmp_path / "today"
    clock.write_text("2017-06-14\n")
    servers = [api.on(extra_server(PLANMON_TEST_TODAY=f"@{clock}")) for _ in range(2)]
    assert [overdue(s, task_due_2018) for s in servers] == [False, False]
    clock.write_text("2018-01-02\n")
    assert [overdue(s, task_due_2018) for s in servers] == [True, True]


def test_a_period_that_has_not_begun_by_the_test_date_takes_no_measurement(api, extra_server):
    """The entry check reads the same clock: on 2017-06-14, 2018 has not begun."""
    officer = api.as_user("longxuyen.officer").on(extra_server(PLANMON_TEST_TODAY="2017-06-14"))
    r = officer.post_json("/v1/measurements", {"indicator": "COMMUNE-AWARENESS", "unit": "30280",
                                               "period": "2018", "value": True})
    assert_problem(r, 422, "validation_failed", "period")
    assert r.json()["errors"][0]["code"] == "not_started"


@pytest.mark.parametrize("value", ["2017-02-30", "14/06/2017", "tomorrow", "@/no/such/file"])
def test_a_test_date_that_is_not_one_stops_the_start(planmon_bin, base_env, value):
    result = run_planmon(planmon_bin, ["version"], {**base_env, "PLANMON_TEST_TODAY": value},
                         timeout=30)
    assert result.returncode == 1, result.stdout
    assert any("PLANMON_TEST_TODAY" in line for line in stderr_lines(result)), result.stderr


@pytest.mark.parametrize("zone", ["Asia/No_Such_City", "../../etc/passwd", "", "UTC+7"])
def test_a_province_zone_the_system_does_not_know_stops_the_start(planmon_bin, base_env, zone):
    env = {**base_env, "PROVINCE_TIME_ZONE": zone}
    result = run_planmon(planmon_bin, ["version"], env, timeout=30)
    if zone == "":  # unset: the default zone
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1, result.stdout
    assert any("PROVINCE_TIME_ZONE" in line for line in stderr_lines(result)), result.stderr

"""The command line: version, help, bad usage (exit 2), bad or missing settings (exit 1)."""

import re

import pytest

from server import free_port, run_planmon

COMMANDS = ["serve", "migrate", "seed", "version", "routes"]


def test_version(planmon_bin):
    result = run_planmon(planmon_bin, ["version"], {}, timeout=30)
    assert result.returncode == 0
    assert re.fullmatch(r"planmon \S+ schema [0-9]+\n", result.stdout), result.stdout


@pytest.mark.parametrize("args", [["help"], ["--help"]] + [[c, "--help"] for c in COMMANDS])
def test_help_exits_0_with_usage(planmon_bin, args):
    result = run_planmon(planmon_bin, args, {}, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "usage" in (result.stdout + result.stderr).lower()


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["serve", "--frobnicate"], ["version", "extra"]])
def test_bad_usage_exits_2(planmon_bin, args):
    result = run_planmon(planmon_bin, args, {}, timeout=30)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)


@pytest.mark.parametrize("command", ["serve", "migrate", "seed"])
def test_missing_database_url_exits_1_with_one_line(planmon_bin, command):
    result = run_planmon(planmon_bin, [command], {"PORT": str(free_port())}, timeout=20)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], result.stderr


@pytest.mark.parametrize("name,value", [("PORT", "abc"), ("PORT", "70000"), ("LOG_LEVEL", "loud"),
                                        ("HTTP_THREADS", "many"), ("DB_POOL_SIZE", "abc"),
                                        ("MAX_BODY_BYTES", "-1")])
def test_bad_setting_stops_serve_with_one_line(planmon_bin, base_env, name, value):
    env = {**base_env, "PORT": str(free_port()), name: value}
    result = run_planmon(planmon_bin, ["serve"], env, timeout=20)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and name in lines[0], result.stderr

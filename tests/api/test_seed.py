"""`planmon migrate` and `planmon seed [--demo]`: idempotent, seed never overwrites existing rows,
and only `--demo` adds the demo users."""

import pytest

from conftest import db_snapshot
from server import run_planmon, stderr_lines
from settings import DEMO_PASSWORD, DEMO_USERS

AUTH_TABLES = ("app_user", "refresh_token", "login_failure")


def test_migrate_and_seed_succeed(prepared_db):
    for step in ("migrate", "seed1", "seed2", "demo1", "demo2", "seed3"):
        result = prepared_db[step]
        assert result.returncode == 0, f"{step}: {result.stderr[-2000:]}"


def test_seed_prints_a_one_line_summary_on_stderr(prepared_db):
    assert len(stderr_lines(prepared_db["seed1"])) == 1, prepared_db["seed1"].stderr


def test_seed_loads_units_and_agencies(prepared_db):
    snap = prepared_db["snap1"]
    assert snap["admin_unit"][0] == 168
    assert snap["agency"][0] >= 168 + 25  # committees, and the 25 other bodies of the decision


def test_second_seed_changes_nothing(prepared_db):
    assert prepared_db["snap2"] == prepared_db["snap1"]


def test_plain_seed_adds_no_user(prepared_db):
    for snap in ("snap1", "snap2"):
        assert {t: prepared_db[snap][t][0] for t in AUTH_TABLES} == dict.fromkeys(AUTH_TABLES, 0)


def test_seed_demo_adds_the_eight_demo_users_and_nothing_else(prepared_db):
    before, after = prepared_db["snap2"], prepared_db["snap3"]
    assert after["app_user"][0] == len(DEMO_USERS)
    assert {t: v for t, v in after.items() if t != "app_user"} == \
        {t: v for t, v in before.items() if t != "app_user"}


def test_seed_demo_with_demo_password_prints_no_password(prepared_db):
    for step in ("demo1", "demo2"):
        assert "password" not in prepared_db[step].stdout, prepared_db[step].stdout
        assert DEMO_PASSWORD not in prepared_db[step].stdout + prepared_db[step].stderr


def test_second_seed_demo_and_a_plain_seed_after_it_change_nothing(prepared_db):
    assert prepared_db["snap4"] == prepared_db["snap3"]
    assert prepared_db["snap5"] == prepared_db["snap3"]


def test_demo_users_have_their_agency_and_role(admin):
    users = {u["username"]: u for u in admin.walk("/v1/users", limit=500)[0]}
    for username, (agency, role) in DEMO_USERS.items():
        assert username in users, f"demo user {username} is missing"
        assert (users[username]["agency"], users[username]["role"]) == (agency, role)
        assert users[username]["active"] is True


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_every_demo_user_signs_in_with_demo_password(sessions, username):
    r = sessions.login(username, DEMO_PASSWORD)
    assert r.status_code == 200, r.text


def test_seed_demo_again_without_demo_password_keeps_the_passwords(planmon_bin, base_env,
                                                                    sessions):
    result = run_planmon(planmon_bin, ["seed", "--demo"], base_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "no user was added, so no password may be printed"
    assert sessions.login("auditor", DEMO_PASSWORD).status_code == 200


def test_seed_demo_with_a_short_demo_password_exits_1_naming_it(planmon_bin, base_env, db):
    before = db.execute("SELECT count(*) FROM app_user").fetchone()[0]
    result = run_planmon(planmon_bin, ["seed", "--demo"], {**base_env, "DEMO_PASSWORD": "short"})
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "DEMO_PASSWORD" in result.stderr
    assert db.execute("SELECT count(*) FROM app_user").fetchone()[0] == before


def test_seed_and_migrate_again_while_serving_change_nothing(server, planmon_bin, base_env):
    before = db_snapshot(base_env["DATABASE_URL"])
    for args in (["migrate"], ["seed"], ["seed", "--demo"]):
        result = run_planmon(planmon_bin, args, {**base_env, "DEMO_PASSWORD": DEMO_PASSWORD})
        assert result.returncode == 0, result.stderr
    assert db_snapshot(base_env["DATABASE_URL"]) == before


def test_seed_never_overwrites_an_existing_row(db, planmon_bin, base_env):
    original = db.execute("SELECT name_en FROM agency WHERE code = 'TAKEO'").fetchone()[0]
    try:
        db.execute("UPDATE agency SET name_en = 'Takeo (edited through the API)' WHERE code = 'TAKEO'")
        result = run_planmon(planmon_bin, ["seed"], base_env)
        assert result.returncode == 0, result.stderr
        after = db.execute("SELECT name_en FROM agency WHERE code = 'TAKEO'").fetchone()[0]
        assert after == "Takeo (edited through the API)"
    finally:
        db.execute("UPDATE agency SET name_en = %s WHERE code = 'TAKEO'", (original,))

"""`planmon migrate` and `planmon seed [--demo]`: idempotent, seed never overwrites existing rows,
and only `--demo` adds the demo users. Seeding is audited like any change (one `create` event
per row, by no user and no request); a seed that adds nothing records nothing.
"""

import json
import re
from collections import Counter

import pytest

from checks import seed_documents
from conftest import db_snapshot
from server import run_planmon, stderr_lines
from settings import SEED_PLAN_PATH, DEMO_PASSWORD, DEMO_USERS

AUTH_TABLES = ("app_user", "refresh_token", "login_failure")
SUMMARY = re.compile(r"seed: (\d+) administrative units, (\d+) agencies, (\d+) documents, (\d+) plans,"
                     r" (\d+) sections, (\d+) tasks, (\d+) indicators, (\d+) targets,"
                     r" (\d+) pilot model types and (\d+) reporting obligations added")
SEEDED_TABLES = ("admin_unit", "agency", "document", "plan", "plan_section", "task", "indicator",
                 "indicator_target", "pilot_model_type", "reporting_obligation")


def test_migrate_and_seed_succeed(prepared_db):
    for step in ("migrate", "seed1", "seed2", "demo1", "demo2", "seed3"):
        result = prepared_db[step]
        assert result.returncode == 0, f"{step}: {result.stderr[-2000:]}"


def summary(result):
    """The counts of the one line a seed writes on stderr, in SEEDED_TABLES order."""
    lines = stderr_lines(result)
    assert len(lines) == 1, result.stderr
    m = SUMMARY.fullmatch(lines[0])
    assert m, f"not the seed summary: {lines[0]!r}"
    return tuple(int(n) for n in m.groups())


def test_seed_prints_a_one_line_summary_on_stderr(prepared_db):
    snap = prepared_db["snap1"]
    assert summary(prepared_db["seed1"]) == tuple(snap[t][0] for t in SEEDED_TABLES)


@pytest.mark.parametrize("step", ["seed2", "seed3"])
def test_a_seed_that_adds_nothing_says_so(prepared_db, step):
    assert summary(prepared_db[step]) == (0,) * len(SEEDED_TABLES)


def test_seed_loads_units_agencies_and_documents(prepared_db):
    snap = prepared_db["snap1"]
    assert snap["admin_unit"][0] == 168
    # per unit its committee and inspection team, per district its council, procuracy and court,
    # the province's social work centre, and the 25 other bodies of the decision
    assert snap["agency"][0] >= 2 * 168 + 3 * 11 + 1 + 25
    assert snap["document"][0] == len(seed_documents()) == 6


def test_seed_loads_the_plan_its_sections_and_tasks(prepared_db):
    plan = json.loads(SEED_PLAN_PATH.read_text(encoding="utf-8"))
    snap = prepared_db["snap1"]
    assert snap["plan"][0] == 1
    assert snap["plan_section"][0] == len(plan["sections"]) == 31  # with Điều 1-3
    assert snap["task"][0] == len(plan["tasks"]) == 70  # with III.2's five
    assert snap["indicator"][0] == len(plan["indicators"]) == 12
    assert snap["indicator_target"][0] == sum(len(i["targets"]) for i in plan["indicators"])
    assert snap["pilot_model_type"][0] == len(plan["pilot_model_types"]) == 3
    # V.1's mid-year and annual reports, III.2's reports to the district councils
    assert snap["reporting_obligation"][0] == len(plan["reporting_obligations"]) == 3


def test_seed_records_one_creation_per_row_by_no_user(prepared_db):
    snap, events = prepared_db["snap5"], prepared_db["seed_events"]
    assert len(events) == snap["audit_event"][0]
    assert {(e["action"], e["username"], e["role"], e["agency"], e["request_id"])
            for e in events} == {("create", None, None, None, None)}
    assert Counter(e["entity_type"] for e in events) == {
        "admin-units": snap["admin_unit"][0], "agencies": snap["agency"][0],
        "documents": snap["document"][0], "plans": snap["plan"][0],
        "sections": snap["plan_section"][0], "tasks": snap["task"][0],
        "indicators": snap["indicator"][0], "targets": snap["indicator_target"][0],
        "pilot-model-types": snap["pilot_model_type"][0],
        "reporting-obligations": snap["reporting_obligation"][0],
        "funding-sources": snap["funding_source"][0],  # the migration's (0025)
        "users": len(DEMO_USERS)}
    for entity_type in ("admin-units", "agencies", "documents", "users"):
        ids = [e["entity_id"] for e in events if e["entity_type"] == entity_type]
        assert len(ids) == len(set(ids)), f"a {entity_type} row was recorded twice"


def test_the_seeded_users_events_hide_their_passwords(prepared_db):
    users = [e for e in prepared_db["seed_events"] if e["entity_type"] == "users"]
    assert {e["entity_id"] for e in users} == set(DEMO_USERS)
    for e in users:
        assert e["changes"]["password_hash"] == {"redacted": True}, e["changes"]
        assert "$argon2" not in str(e) and DEMO_PASSWORD not in str(e)


def test_second_seed_changes_nothing(prepared_db):
    assert "audit_event" in prepared_db["snap1"]
    assert prepared_db["snap2"] == prepared_db["snap1"]


def test_plain_seed_adds_no_user(prepared_db):
    for snap in ("snap1", "snap2"):
        assert {t: prepared_db[snap][t][0] for t in AUTH_TABLES} == dict.fromkeys(AUTH_TABLES, 0)


def test_seed_demo_adds_the_eight_demo_users_and_their_events_and_nothing_else(prepared_db):
    before, after = prepared_db["snap2"], prepared_db["snap3"]
    assert after["app_user"][0] == len(DEMO_USERS)
    assert after["audit_event"][0] == before["audit_event"][0] + len(DEMO_USERS)
    changed = ("app_user", "audit_event")
    assert {t: v for t, v in after.items() if t not in changed} == \
        {t: v for t, v in before.items() if t not in changed}


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


# What the serving instances write on their own while the commands run: the notifier's deadline
# events (the scheduler looks every minute) and its deliveries and mails. Not the commands' doing:
# a run of the sanitizer build met the scheduler between the two snapshots (ci-C, 2026-12-07).
BACKGROUND_TABLES = {"outbox_event", "outbox_position", "webhook_delivery", "webhook_attempt",
                     "mail_outbox"}


def test_seed_and_migrate_again_while_serving_change_nothing(server, planmon_bin, base_env):
    def snapshot():
        tables = db_snapshot(base_env["DATABASE_URL"])
        assert BACKGROUND_TABLES <= set(tables)
        return {t: digest for t, digest in tables.items() if t not in BACKGROUND_TABLES}

    before = snapshot()
    for args in (["migrate"], ["seed"], ["seed", "--demo"]):
        result = run_planmon(planmon_bin, args, {**base_env, "DEMO_PASSWORD": DEMO_PASSWORD})
        assert result.returncode == 0, result.stderr
    assert snapshot() == before


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

"""`planmon migrate` and `planmon seed`: idempotent, and seed never overwrites existing rows."""

from conftest import db_snapshot
from server import run_planmon


def test_migrate_and_seed_succeed(prepared_db):
    for step in ("migrate", "seed1", "seed2"):
        result = prepared_db[step]
        assert result.returncode == 0, f"{step}: {result.stderr[-2000:]}"


def test_seed_prints_a_one_line_summary_on_stderr(prepared_db):
    lines = [line for line in prepared_db["seed1"].stderr.splitlines() if line.strip()]
    assert len(lines) == 1, prepared_db["seed1"].stderr


def test_seed_loads_units_and_agencies(prepared_db):
    snap = prepared_db["snap1"]
    assert snap["admin_unit"][0] == 168
    assert snap["agency"][0] >= 168 + 25  # committees, and the 25 other bodies of the decision


def test_second_seed_changes_nothing(prepared_db):
    assert prepared_db["snap2"] == prepared_db["snap1"]


def test_seed_and_migrate_again_while_serving_change_nothing(server, planmon_bin, base_env,
                                                             prepared_db):
    for command in ("migrate", "seed"):
        result = run_planmon(planmon_bin, [command], base_env)
        assert result.returncode == 0, result.stderr
    assert db_snapshot(base_env["DATABASE_URL"]) == prepared_db["snap2"]


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

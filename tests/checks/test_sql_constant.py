"""The constant-SQL check passes on the service and catches each kind of violation planted."""

import pathlib
import shutil
import subprocess
import sys

import pytest

CHECK = pathlib.Path(__file__).with_name("sql_constant.py")
SRC = pathlib.Path(__file__).resolve().parents[2] / "service" / "src"


def run(src):
    return subprocess.run([sys.executable, str(CHECK), str(src)], capture_output=True, text=True,
                          timeout=60)


def test_the_service_sends_only_constant_sql():
    r = run(SRC)
    assert r.returncode == 0, r.stdout


PLANTED = {
    "a buffer built at run time": '''
static pm_status bad(PGconn *conn, const char *table, pm_error *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
    return db_exec(conn, sql, 0, NULL, NULL, err);
}
''',
    "libpq called directly with a variable": '''
static void bad(PGconn *conn, const char *text)
{
    PQclear(PQexecParams(conn, text, 0, NULL, NULL, NULL, NULL, 0));
}
''',
    "a forwarder called with a variable": '''
static pm_status run_it(PGconn *conn, const char *sql, pm_error *err)
{
    return db_exec(conn, sql, 0, NULL, NULL, err);
}
static pm_status bad(PGconn *conn, char *q, pm_error *err)
{
    return run_it(conn, q, err);
}
''',
    "a table of statements with one built at run time": '''
static char built[64];
static const char *const statements[] = {"SELECT 1", built};
static pm_status bad(PGconn *conn, int i, pm_error *err)
{
    return db_exec(conn, statements[i], 0, NULL, NULL, err);
}
''',
    "a non-const array": '''
static char query[] = "SELECT 1";
static pm_status bad(PGconn *conn, pm_error *err)
{
    return db_fetch_one(conn, query, 0, NULL, "none", NULL, err);
}
''',
}


def test_a_table_of_constant_statements_passes(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SRC, src)
    victim = src / "resources" / "agencies_repo.c"
    victim.write_text(victim.read_text(encoding="utf-8") + '''
#define BY(KEY) "SELECT 1 ORDER BY " KEY
#define LOWER(COLUMN) "lower(" COLUMN ")"
static const char *const by_key[] = {BY("a"), "SELECT 2", BY(LOWER("b"))};
static pm_status fine(PGconn *conn, int i, pm_error *err)
{
    return db_exec(conn, by_key[i], 0, NULL, NULL, err);
}
''', encoding="utf-8")
    r = run(src)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_planted_violation_fails_the_check(tmp_path, kind):
    src = tmp_path / "src"
    shutil.copytree(SRC, src)
    victim = src / "resources" / "agencies_repo.c"
    victim.write_text(victim.read_text(encoding="utf-8") + PLANTED[kind], encoding="utf-8")
    r = run(src)
    assert r.returncode == 1, f"{kind} was not caught:\n{r.stdout}"
    assert "agencies_repo.c" in r.stdout

"""deploy/backup and deploy/restore, run as an operator would on 127.0.0.1.

A database is migrated and seeded (with the demo users); one planmon instance takes writes
through the API (a document created, changed and archived, a progress update, an imported
measurement, a refused sign-in) and a user is added on the command line. deploy/backup dumps the
database while that instance still serves; deploy/restore loads the file into a fresh database
and runs `planmon migrate` there, which has nothing to apply. Every table then has the same rows
(counted, and compared by content), the sequences stand where they stood, the audit trail is the
same and still append-only, and a planmon on the restored database serves what was written.
"""

import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from stack import (REPO_ROOT, Cluster, Process, as_user, free_port, give, planmon_paths,
                   running, tail, wait_port)

ROLE = "planmon_backup"
SOURCE, TARGET = "planmon_backup_src", "planmon_backup_dst"
DEMO_PASSWORD = "demo-password-for-the-backup-test"
TIMEOUT = 10
BACKUP, RESTORE = REPO_ROOT / "deploy" / "backup", REPO_ROOT / "deploy" / "restore"

# Every base table of the schema, with a count and an order-independent digest of its rows.
TABLES_SQL = ("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
SEQUENCES_SQL = ("SELECT sequencename || '=' || coalesce(last_value::text, 'unset') "
                 "FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename")
TRIGGERS_SQL = ("SELECT string_agg(t, ',' ORDER BY t) FROM (SELECT tgrelid::regclass || '.' || "
                "tgname || ':' || tgenabled::text AS t FROM pg_trigger WHERE NOT tgisinternal) x")


class Setup:
    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.cluster = Cluster(self.tmp)
        self.bin, self.docs_js = planmon_paths()
        self.marker = os.environ.get("PLANMON_TESTS_RUN") or str(self.tmp)
        self.servers = []

    def url(self, db):
        return f"postgresql://{ROLE}@127.0.0.1:{self.cluster.port}/{db}"

    def env(self, db=None, **extra):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "PLANMON_TESTS_RUN": self.marker, "JWT_PRIVATE_KEY_FILE": self.key,
               "DOCS_JS_FILE": self.docs_js, "BIND_ADDRESS": "127.0.0.1", "LOG_LEVEL": "warn"}
        if db:
            env["DATABASE_URL"] = self.url(db)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def planmon(self, db, *args, input=None):
        return subprocess.run(as_user([self.bin, *args]), env=self.env(db, DEMO_PASSWORD=DEMO_PASSWORD),
                              input=input, capture_output=True, text=True, timeout=120)

    def script(self, path, *args, db=None, **extra):
        """deploy/backup or deploy/restore, with DATABASE_URL of db when given."""
        return subprocess.run([str(path), *args], env=self.env(db, **extra), capture_output=True,
                              text=True, timeout=120)

    def start(self):
        self.tmp.chmod(0o755)
        self.cluster.start()
        c = self.cluster
        for db in (SOURCE, TARGET):
            c.sql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        c.sql("postgres", "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                          f"'{ROLE}') THEN CREATE ROLE {ROLE} LOGIN; END IF; END$$")
        c.sql("postgres", f"CREATE DATABASE {SOURCE} OWNER {ROLE} ENCODING 'UTF8' TEMPLATE template0")
        self.key = str(self.tmp / "jwt-private-key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", self.key], check=True,
                       capture_output=True, timeout=60)
        give(self.key)
        for args in (["migrate"], ["seed", "--demo"]):
            r = self.planmon(SOURCE, *args)
            assert r.returncode == 0, f"planmon {args}: {r.stderr}{r.stdout}"
        return self

    def serve(self, db):
        port = free_port()
        proc = Process(f"planmon-{db}", as_user([self.bin, "serve"]),
                       self.env(db, PORT=port, HTTP_THREADS=2, DB_POOL_SIZE=2),
                       self.tmp / f"planmon-{db}.log", main="planmon").start()
        proc.port = port
        self.servers.append(proc)
        wait_port(port, proc=proc.proc)
        return proc

    def stop(self):
        for proc in self.servers:
            proc.stop(signal.SIGTERM)
        for db in (SOURCE, TARGET):
            try:
                self.cluster.sql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            except Exception:  # noqa: BLE001 - the cluster may be gone; it is thrown away anyway
                pass
        self.cluster.stop()

    # --- what the two databases hold ------------------------------------------------------
    def tables(self, db):
        return self.cluster.sql(db, TABLES_SQL).split()

    def contents(self, db):
        """{table: (rows, digest of the rows as text)} for every table of the schema."""
        out = {}
        for t in self.tables(db):
            rows, digest = self.cluster.sql(
                db, f"SELECT count(*), coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') "
                    f"FROM public.{t} x").split("|")
            out[t] = (int(rows), digest)
        return out


class Api:
    """One planmon instance's API, signed in as a demo user."""

    def __init__(self, port, username="coordinator"):
        self.base = f"http://127.0.0.1:{port}"
        r = requests.post(self.base + "/v1/auth/token", timeout=TIMEOUT,
                          json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        self.auth = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def call(self, method, path, expect, headers=None, **kw):
        r = requests.request(method, self.base + path, timeout=TIMEOUT,
                             headers={**self.auth, **(headers or {})}, **kw)
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r


@pytest.fixture(scope="module")
def setup():
    yield from running(Setup, "planmon-backup.", "the database")


@pytest.fixture(scope="module")
def written(setup):
    """Writes through the API and the command line; returns what was written."""
    server = setup.serve(SOURCE)
    try:
        ready = requests.get(f"http://127.0.0.1:{server.port}/readyz", timeout=TIMEOUT)
        assert ready.status_code == 200, ready.text
        api = Api(server.port)
        number = f"BACKUP-{uuid.uuid4().hex[:8]}"
        doc = api.call("POST", "/v1/documents", 201, json={
            "number": number, "type": "ke_hoach", "title": "Trước khi sao lưu"}).json()
        path = f"/v1/documents/{doc['id']}"
        etag = api.call("GET", path, 200).headers["ETag"]
        api.call("PATCH", path, 200, data=json.dumps({"title_en": "Changed before the backup"}),
                 headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"})
        archived = api.call("POST", "/v1/documents", 201, json={
            "number": number + "-A", "type": "ke_hoach", "title": "Lưu trữ"}).json()
        apath = f"/v1/documents/{archived['id']}"
        api.call("DELETE", apath, 204, headers={"If-Match": api.call("GET", apath, 200).headers["ETag"]})
        api.call("POST", "/v1/tasks/1/updates", 201,
                 json={"note": "Đã tổ chức 3 buổi tuyên truyền", "percent_done": 40,
                       "status": "in_progress"})
        csv = "indicator,unit,period,value,comment\nCOMMUNE-AWARENESS,30280,2017,true,sao lưu\n"
        imported = api.call("POST", "/v1/measurements/import", 200, data=csv.encode(),
                            headers={"Content-Type": "text/csv"}).json()
        assert imported["counts"]["imported"] == 1, imported
        refused = requests.post(f"{api.base}/v1/auth/token", timeout=TIMEOUT,
                                json={"username": "viewer", "password": "not the password"})
        assert refused.status_code == 401
        name = "backup." + uuid.uuid4().hex[:8]
        r = setup.planmon(SOURCE, "user", "add", "--username", name, "--agency", "SLDTBXH",
                          "--role", "viewer", input="a-password-for-the-backup-test\n")
        assert r.returncode == 0, r.stderr
        return {"server": server, "api": api, "document": doc, "number": number, "user": name}
    except Exception:
        print(tail(server.log))
        raise


@pytest.fixture(scope="module")
def restored(setup, written):
    """deploy/backup of the source while it serves; deploy/restore into a fresh database."""
    dump = setup.tmp / "backups"
    dump.mkdir()
    backup = setup.script(BACKUP, str(dump), db=SOURCE)
    assert backup.returncode == 0, backup.stderr + backup.stdout
    files = list(dump.iterdir())
    assert len(files) == 1 and files[0].name.startswith("planmon-") and files[0].suffix == ".dump"
    before = setup.contents(SOURCE)  # nothing writes to the source any more
    written["server"].stop(signal.SIGTERM)
    setup.cluster.sql("postgres", f"CREATE DATABASE {TARGET} OWNER {ROLE} ENCODING 'UTF8' "
                                  "TEMPLATE template0")
    restore = setup.script(RESTORE, "--dbname", setup.url(TARGET), "--planmon", setup.bin,
                           str(files[0]))
    after = setup.contents(TARGET) if restore.returncode == 0 else {}
    return {"file": files[0], "backup": backup, "restore": restore, "before": before,
            "after": after}


def test_the_scripts_print_their_usage():
    for script in (BACKUP, RESTORE):
        r = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=10)
        assert r.returncode == 0 and "Usage:" in r.stdout and "DATABASE_URL" in r.stdout, r
        r = subprocess.run([str(script)], capture_output=True, text=True, timeout=10,
                           env={"PATH": "/usr/bin:/bin"})
        assert r.returncode != 0 and "DATABASE_URL" in r.stderr, r


def test_the_backup_is_a_private_custom_format_dump(restored):
    f = restored["file"]
    assert f.read_bytes()[:5] == b"PGDMP"
    assert oct(f.stat().st_mode & 0o777) == "0o600"
    assert "backup: wrote" in restored["backup"].stdout
    assert not list(f.parent.glob("*.partial"))


def test_restore_loads_the_dump_and_migrate_has_nothing_to_apply(setup, restored):
    r = restored["restore"]
    assert r.returncode == 0, r.stderr + r.stdout
    assert "migrate: 0 applied, schema at version" in r.stdout, r.stdout
    # run again by hand: still nothing to do, and the schema version is the source's
    again = setup.planmon(TARGET, "migrate")
    assert again.returncode == 0 and "0 applied" in again.stderr, again.stderr
    version = "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"
    assert setup.cluster.sql(TARGET, version) == setup.cluster.sql(SOURCE, version)


def test_every_table_has_the_same_rows(setup, restored):
    before, after = restored["before"], restored["after"]
    assert sorted(after) == sorted(before)
    assert len(before) >= 20, sorted(before)
    counts = {t: (before[t][0], after[t][0]) for t in before}
    assert {t: c for t, c in counts.items() if c[0] != c[1]} == {}, counts
    assert {t for t in before if before[t][1] != after[t][1]} == set()
    for table in ("admin_unit", "agency", "app_user", "audit_event", "document", "task_update",
                  "measurement", "login_failure"):
        assert before[table][0] > 0, f"{table} is empty: the test wrote too little"
    print("rows per table:", json.dumps({t: c[0] for t, c in sorted(counts.items())}))


def test_the_audit_trail_survives_whole_and_append_only(setup, written, restored):
    c = setup.cluster
    trail = ("SELECT count(*), max(id), count(*) FILTER (WHERE action = 'login_failed') "
             "FROM audit_event")
    assert c.sql(TARGET, trail) == c.sql(SOURCE, trail)
    doc = written["document"]["id"]
    history = (f"SELECT string_agg(action || ':' || coalesce(request_id, ''), ',' ORDER BY id) "
               f"FROM audit_event WHERE entity_type = 'documents' AND entity_id = '{doc}'")
    assert c.sql(TARGET, history) == c.sql(SOURCE, history)
    assert c.sql(TARGET, TRIGGERS_SQL) == c.sql(SOURCE, TRIGGERS_SQL)
    with pytest.raises(RuntimeError, match="append-only|not allowed|cannot"):
        c.sql(TARGET, "UPDATE audit_event SET username = 'x' WHERE id = 1")


def test_the_sequences_continue_where_they_stood(setup, restored):
    assert setup.cluster.sql(TARGET, SEQUENCES_SQL) == setup.cluster.sql(SOURCE, SEQUENCES_SQL)


def test_planmon_serves_the_restored_database(setup, written, restored):
    server = setup.serve(TARGET)
    base = f"http://127.0.0.1:{server.port}"
    assert requests.get(base + "/readyz", timeout=TIMEOUT).status_code == 200
    api = Api(server.port)  # the demo users' password hashes came back
    got = api.call("GET", f"/v1/documents/{written['document']['id']}", 200).json()
    assert got["title_en"] == "Changed before the backup"
    history = api.call("GET", f"/v1/documents/{written['document']['id']}/history", 200).json()
    assert len(history["items"]) >= 2, history
    r = requests.post(base + "/v1/auth/token", timeout=TIMEOUT,
                      json={"username": written["user"], "password": "a-password-for-the-backup-test"})
    assert r.status_code == 200, r.text
    new = api.call("POST", "/v1/documents", 201, json={
        "number": written["number"] + "-R", "type": "ke_hoach", "title": "Sau khi phục hồi"}).json()
    assert new["id"] > written["document"]["id"]


def test_restore_refuses_a_database_that_is_not_empty(setup, restored):
    before = setup.cluster.sql(TARGET, "SELECT count(*) FROM audit_event")
    r = setup.script(RESTORE, "--no-migrate", str(restored["file"]), db=TARGET)
    assert r.returncode != 0 and "fresh" in r.stderr, r.stderr + r.stdout
    assert setup.cluster.sql(TARGET, "SELECT count(*) FROM audit_event") == before

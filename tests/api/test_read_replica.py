"""Reads from a streaming replica (DATABASE_READ_URL), and a client that reads its own writes.

A replica of the suite's cluster is made with pg_basebackup and started on a port of its own;
an extra server gets it as DATABASE_READ_URL. Its GETs read from the replica, unless the client
names the Planmon-Write-Position of its last write in Planmon-Read-After and the replica has not
replayed that far yet: then from the primary. Writes always go to the primary, and answer with
their Planmon-Write-Position. With replay paused on the replica, a document just written is not
there for a plain read, and is there for a read that names the write; when the replica is gone,
reads fall back to the primary. Release build only (it copies the whole cluster).
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from checks import assert_problem
from documents import doc_path, new_document_body
from server import free_port, tail

pytestmark = [pytest.mark.usefixtures("release_only")]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CAUGHT_UP_S = 10.0



def as_owner(argv):
    """`argv` run as the cluster's owner (postgres when we are root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Replica:
    """A streaming replica of the suite's cluster in a temporary directory."""

    def __init__(self, primary_port):
        self.dir = Path(tempfile.mkdtemp(prefix="planmon-replica."))
        self.data, self.log = self.dir / "data", self.dir / "server.log"
        self.port = free_port()
        os.chmod(self.dir, 0o711)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run([PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port),
                  "-U", "postgres", "-D", self.data, "-R", "-X", "stream", "-c", "fast"])
        with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\nunix_socket_directories = ''\nhot_standby = on\n")
        self.running = False

    def run(self, argv, timeout=120):
        r = subprocess.run(as_owner([str(a) for a in argv]), cwd="/", capture_output=True,
                           text=True, timeout=timeout)
        assert r.returncode == 0, f"{argv[0]} exited {r.returncode}: {r.stderr}{tail(self.log)}"

    def start(self):
        self.run([PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"])
        self.running = True

    def stop(self):
        if self.running:
            self.run([PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
            self.running = False

    def url(self, primary_url):
        """`primary_url` with the replica's port."""
        parts = urlsplit(primary_url)
        netloc = parts.netloc.rsplit(":", 1)[0] + f":{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def sql(self, query, *args):
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:
            return conn.execute(query, args).fetchone()[0]


@pytest.fixture(scope="module")
def replica():
    r = Replica(int(os.environ["PG_PORT"]))
    try:
        r.start()
        yield r
    finally:
        try:
            if r.running:
                r.sql("SELECT pg_wal_replay_resume()")
        finally:
            r.stop()
            shutil.rmtree(r.dir, ignore_errors=True)


def wait_replayed(replica, position):
    deadline = time.monotonic() + CAUGHT_UP_S
    while not replica.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", position):
        assert time.monotonic() < deadline, f"the replica did not replay {position}"
        time.sleep(0.05)


def test_reads_go_to_the_replica_and_a_client_reads_its_own_writes(api, extra_server, base_env,
                                                                     replica):
    srv = extra_server(DATABASE_READ_URL=replica.url(base_env["DATABASE_URL"]))
    writer = api.as_user("coordinator").on(srv)
    reader = api.on(srv)

    first = writer.post_json("/v1/documents", new_document_body())
    assert first.status_code == 201, first.text
    wait_replayed(replica, first.headers["Planmon-Write-Position"])
    assert reader.get(doc_path(first.json()["id"])).status_code == 200

    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        second = writer.post_json("/v1/documents", new_document_body())
        assert second.status_code == 201, second.text
        position = second.headers["Planmon-Write-Position"]
        path = doc_path(second.json()["id"])
        assert_problem(reader.get(path), 404, "not_found")  # the replica has not replayed it
        after = {"Planmon-Read-After": position}
        assert reader.get(path, headers=after).status_code == 200, "the writer reads its write"
        assert reader.get(doc_path(first.json()["id"]), headers=after).status_code == 200
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    wait_replayed(replica, position)
    assert reader.get(path).status_code == 200


def test_a_malformed_read_after_is_400_naming_it(api, extra_server, base_env, replica):
    srv = extra_server(DATABASE_READ_URL=replica.url(base_env["DATABASE_URL"]))
    for bad in ("latest", "0/", "/16B3748", "0/16B3748/1", "G/1"):
        assert_problem(api.on(srv).get("/v1/documents", headers={"Planmon-Read-After": bad}),
                       400, "invalid_parameter", "Planmon-Read-After")


def test_without_a_replica_writes_name_no_position(api):
    r = api.as_user("coordinator").post_json("/v1/documents", new_document_body())
    assert r.status_code == 201 and "Planmon-Write-Position" not in r.headers


def test_reads_fall_back_to_the_primary_when_the_replica_is_gone(api, extra_server, base_env,
                                                                   replica):
    srv = extra_server(DATABASE_READ_URL=replica.url(base_env["DATABASE_URL"]))
    replica.stop()
    try:
        assert api.on(srv).get("/v1/admin-units/89").status_code == 200
        made = api.as_user("coordinator").on(srv).post_json("/v1/documents", new_document_body())
        assert made.status_code == 201, made.text
        assert api.on(srv).get(doc_path(made.json()["id"])).status_code == 200
    finally:
        replica.start()

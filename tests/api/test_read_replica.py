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
import uuid

import psycopg
import pytest
import requests

from checks import assert_problem
from conftest import needs_no_replica
from documents import doc_path, new_document_body
from server import Replica

pytestmark = [pytest.mark.usefixtures("release_only")]

CAUGHT_UP_S = 10.0


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
    replica.wait_replayed(position, CAUGHT_UP_S)


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


def test_a_user_created_during_replica_lag_signs_in_and_reads_me(api, extra_server, base_env,
                                                                 replica, make_user):
    """The user check behind a GET reads the replica, which has not replayed the new user yet;
    its refusal is read again from the primary, so the user's first GET is not a 401."""
    srv = extra_server(DATABASE_READ_URL=replica.url(base_env["DATABASE_URL"]))
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        password = f"pw-{uuid.uuid4().hex}"
        user = make_user(agency="SYT", role="viewer", password=password)
        signed_in = api.anonymous().on(srv).post_json(
            "/v1/auth/token", {"username": user["username"], "password": password})
        assert signed_in.status_code == 200, signed_in.text
        me = requests.get(srv.base_url + "/v1/me", timeout=10, headers={
            "Authorization": f"Bearer {signed_in.json()['access_token']}"})
        assert me.status_code == 200, me.text
        assert (me.json()["username"], me.json()["agency"]) == (user["username"], "SYT")
        dbname = psycopg.conninfo.conninfo_to_dict(base_env["DATABASE_URL"])["dbname"]
        assert replica.sql("SELECT count(*) FROM app_user WHERE username = %s",
                           user["username"], db=dbname) == 0, "the replica had replayed it"
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")


def test_a_malformed_read_after_is_400_naming_it(api, extra_server, base_env, replica):
    srv = extra_server(DATABASE_READ_URL=replica.url(base_env["DATABASE_URL"]))
    for bad in ("latest", "0/", "/16B3748", "0/16B3748/1", "G/1"):
        assert_problem(api.on(srv).get("/v1/documents", headers={"Planmon-Read-After": bad}),
                       400, "invalid_parameter", "Planmon-Read-After")


def test_a_refused_sign_in_names_the_position_of_its_audit_event(api, extra_server, base_env,
                                                                 replica):
    """A failed sign-in commits its audit event: its 401 names the position, like a write."""
    srv = extra_server(DATABASE_READ_URL=replica.url(base_env["DATABASE_URL"]))
    r = api.anonymous().on(srv).post_json("/v1/auth/token",
                                          {"username": f"nobody-{uuid.uuid4().hex[:12]}",
                                           "password": "not-the-password"})
    assert r.status_code == 401 and "Planmon-Write-Position" in r.headers


@needs_no_replica
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

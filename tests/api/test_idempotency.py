"""Idempotent POSTs (issue 4): a POST sent with an `Idempotency-Key` runs once; a retry with the
same key and body gets the first answer again (status, body, Location, ETag) marked
`Idempotent-Replayed: true` and changes nothing — even when the first answer was a refusal, and
even when fifty retries arrive at once. The same key with another request is `422`; keys are
per user; a malformed key is `400`.
"""

import concurrent.futures
import threading
import uuid

import pytest

from audit import recorded
from checks import assert_problem
from conftest import new_username
from documents import (archived_document, create_document, doc_path, new_document_body,
                       patch_document)

PARALLEL = 50


def new_key():
    return f"idem-{uuid.uuid4()}"


def keyed(key):
    return {"Idempotency-Key": key}


def count_keyed(db, kind, key):
    return db.execute(COUNT_SQL[kind], (key,)).fetchone()[0]


def count_documents(db, number):
    return count_keyed(db, "document", number)


def assert_replay_of(first, again):
    """`again` is `first` replayed: same status, body and headers, marked as a replay."""
    assert "Idempotent-Replayed" not in first.headers, "the first answer is not a replay"
    assert again.headers.get("Idempotent-Replayed") == "true", dict(again.headers)
    assert again.status_code == first.status_code
    assert again.content == first.content, "a replay has another body"
    for name in ("Content-Type", "Location", "ETag"):
        assert again.headers.get(name) == first.headers.get(name), name


def user_body():
    return {"username": new_username("i"), "agency": "UBND-883", "role": "officer",
            "password": f"pw-{uuid.uuid4().hex}"}


KINDS = ["document", "user", "restore"]
# How many rows a created object of a kind has, by its key.
COUNT_SQL = {"document": "SELECT count(*) FROM document WHERE number = %s",
             "user": "SELECT count(*) FROM app_user WHERE username = %s"}


def make_post(kind, editor):
    """(path, body) of a fresh POST of `kind`: a document or a user to add, or an archived
    document to restore (no body)."""
    if kind == "document":
        return "/v1/documents", new_document_body()
    if kind == "user":
        return "/v1/users", user_body()
    return doc_path(archived_document(editor), "restore"), None


def send(client, path, body, key, headers=None):
    headers = {**keyed(key), **(headers or {})}
    if body is None:
        return client.request("POST", path, headers=headers)
    return client.post_json(path, body, headers=headers)


@pytest.mark.parametrize("kind", KINDS)
def test_a_retry_with_the_same_key_and_body_is_answered_again_and_changes_nothing(
        admin, audit_log, kind):
    path, body = make_post(kind, admin)
    key = new_key()
    first, events = recorded(audit_log, admin, lambda: send(admin, path, body, key))
    assert first.status_code in (200, 201), first.text
    assert len(events) == 1, events
    again, more = recorded(audit_log, admin, lambda: send(admin, path, body, key))
    assert_replay_of(first, again)
    assert more == [], f"the retry recorded {more}"


def test_a_replayed_creation_adds_no_second_row(coordinator, db):
    body, key = new_document_body(), new_key()
    first = send(coordinator, "/v1/documents", body, key)
    assert first.status_code == 201
    for _ in range(3):
        assert_replay_of(first, send(coordinator, "/v1/documents", body, key))
    assert count_documents(db, body["number"]) == 1


def test_the_body_must_be_the_same_byte_for_byte_or_it_is_another_request(coordinator, db):
    """The same JSON with its keys in another order is another body: 422, not a replay."""
    body, key = new_document_body(), new_key()
    assert send(coordinator, "/v1/documents", body, key).status_code == 201
    reordered = dict(reversed(list(body.items())))
    r = send(coordinator, "/v1/documents", reordered, key)
    assert_problem(r, 422, "validation_failed", "Idempotency-Key")


def test_the_same_key_with_another_body_is_422_and_changes_nothing(coordinator, db, audit_log):
    key = new_key()
    assert send(coordinator, "/v1/documents", new_document_body(), key).status_code == 201
    other = new_document_body()
    r, events = recorded(audit_log, coordinator,
                         lambda: send(coordinator, "/v1/documents", other, key))
    assert_problem(r, 422, "validation_failed", "Idempotency-Key")
    assert "Idempotent-Replayed" not in r.headers
    assert events == [] and count_documents(db, other["number"]) == 0


def test_the_same_key_on_another_path_is_422(admin):
    key = new_key()
    assert send(admin, "/v1/documents", new_document_body(), key).status_code == 201
    r = send(admin, "/v1/users", user_body(), key)
    assert_problem(r, 422, "validation_failed", "Idempotency-Key")


def test_a_refusal_is_replayed_too_even_when_the_request_would_now_succeed(coordinator, db):
    """The first answer was 409 (the number was taken); the number is freed since. The retry
    with the key still gets the 409, with the first request's problem body; without the key
    the same body is a new request and succeeds."""
    holder = create_document(coordinator)
    body, key = new_document_body(number=holder["number"]), new_key()
    first = send(coordinator, "/v1/documents", body, key)
    assert_problem(first, 409, "conflict", "number")
    r = patch_document(coordinator, holder["id"], {"number": f"{holder['number']}-OLD"})
    assert r.status_code == 200, r.text
    again = send(coordinator, "/v1/documents", body, key)
    assert_replay_of(first, again)
    assert again.json()["request_id"] == first.json()["request_id"]
    assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"]
    assert count_documents(db, body["number"]) == 0
    assert coordinator.post_json("/v1/documents", body).status_code == 201


def test_a_validation_refusal_is_replayed(coordinator):
    body, key = new_document_body(type="sắc lệnh"), new_key()
    first = send(coordinator, "/v1/documents", body, key)
    assert_problem(first, 422, "validation_failed", "type")
    assert_replay_of(first, send(coordinator, "/v1/documents", body, key))


def test_another_user_may_use_the_same_key_for_its_own_request(admin, coordinator):
    key = new_key()
    assert send(admin, "/v1/documents", new_document_body(), key).status_code == 201
    theirs = send(coordinator, "/v1/documents", new_document_body(), key)
    assert theirs.status_code == 201, f"another user's key was taken for this user's: {theirs.text}"
    assert "Idempotent-Replayed" not in theirs.headers


def test_another_users_answer_is_never_replayed(admin, coordinator, db):
    """The coordinator repeats the admin's request with the admin's key: its request runs (and
    finds the number taken by the admin's document) instead of getting the admin's 201."""
    body, key = new_document_body(), new_key()
    mine = send(admin, "/v1/documents", body, key)
    assert mine.status_code == 201
    theirs = send(coordinator, "/v1/documents", body, key)
    assert "Idempotent-Replayed" not in theirs.headers
    assert_problem(theirs, 409, "conflict", "number")
    assert_replay_of(mine, send(admin, "/v1/documents", body, key))
    assert count_documents(db, body["number"]) == 1


def test_a_replay_does_not_depend_on_the_token(api, admin, coordinator):
    """A retry after the client signed in again (a new access token) is still a replay."""
    body, key = new_document_body(), new_key()
    first = send(coordinator, "/v1/documents", body, key)
    assert first.status_code == 201
    api.sessions.forget("coordinator")
    assert_replay_of(first, send(coordinator, "/v1/documents", body, key))


@pytest.mark.parametrize("key", [
    pytest.param(b"", id="empty"), pytest.param(b"with space", id="a space"),
    pytest.param(b"tab\there", id="a tab"), pytest.param("clé".encode(), id="UTF-8 é"),
    pytest.param("clé".encode("latin-1"), id="Latin-1 é"), pytest.param(b"k" * 256, id="256"),
])
def test_a_malformed_key_is_400_naming_it_and_changes_nothing(coordinator, db, audit_log, key):
    body = new_document_body()
    r, events = recorded(audit_log, coordinator, lambda: coordinator.post_json(
        "/v1/documents", body, headers={"Idempotency-Key": key}))
    assert_problem(r, 400, "bad_request", "Idempotency-Key")
    assert events == [] and count_documents(db, body["number"]) == 0


@pytest.mark.parametrize("key", ["k" * 255, "!", "~{}[]|\\^`@#$%&*()_+=-;:'\",.<>/?"],
                         ids=["255 characters", "one character", "punctuation"])
def test_keys_at_the_edges_are_accepted(coordinator, key):
    body = new_document_body()
    first = send(coordinator, "/v1/documents", body, key + uuid.uuid4().hex[: 255 - len(key)])
    assert first.status_code == 201, first.text


def test_a_public_post_ignores_the_key(api):
    credentials = {"username": "viewer", "password": api.sessions.password("viewer")}
    key = new_key()
    answers = [api.anonymous().post_json("/v1/auth/token", credentials, headers=keyed(key))
               for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert all("Idempotent-Replayed" not in r.headers for r in answers)
    assert answers[0].json()["refresh_token"] != answers[1].json()["refresh_token"]


# --- fifty at once ------------------------------------------------------------------------------

def send_at_once(clients, path, body, key):
    """Each client sends the same POST, all released at the same moment."""
    barrier = threading.Barrier(len(clients), timeout=60)

    def one(client):
        barrier.wait()
        return send(client, path, body, key)

    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(one, clients, timeout=120))


@pytest.mark.parametrize("kind", ["document", "user"])
def test_fifty_parallel_retries_create_one_row_and_get_one_answer(admin, db, audit_log, kind):
    path, body = make_post(kind, admin)
    clients = [admin.clone() for _ in range(PARALLEL)]
    key = new_key()
    answers, events = recorded(audit_log, admin, lambda: send_at_once(clients, path, body, key))
    assert {r.status_code for r in answers} == {201}, \
        sorted({(r.status_code, r.text[:200]) for r in answers})
    assert len({r.content for r in answers}) == 1, "the retries got different bodies"
    assert len({(r.headers["Location"], r.headers["ETag"]) for r in answers}) == 1
    replayed = [r.headers.get("Idempotent-Replayed") == "true" for r in answers]
    assert replayed.count(False) == 1, f"{replayed.count(False)} requests ran, not one"
    assert [e["action"] for e in events] == ["create"], events
    assert count_keyed(db, kind, body["number" if kind == "document" else "username"]) == 1

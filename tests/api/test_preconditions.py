"""Versions and preconditions (issue 4): a change (`PATCH`, `DELETE`) must name the version it
changes in `If-Match` — `428` without it, `412` when the object changed since — and the check and
the change are one atomic step, so of two changes made from the same ETag exactly one is
applied: nobody's change is ever overwritten unseen.
"""

import concurrent.futures
import threading

import pytest

from audit import recorded
from checks import assert_problem
from documents import archive_document, create_document, doc_path, get_document, patch_document

STALE = ['"0000000000000000"', "garbage", '""', "W/{etag}", "{etag}x"]
ROUNDS = 5  # races run a few times: a lucky ordering must not hide a lost update


class UserTarget:
    """PATCH /v1/users/{username} of a throwaway officer, as admin."""

    name = "user PATCH"
    ok = 200

    def __init__(self, api, admin, make_user):
        self.client, self.make_user = admin, make_user

    def make(self):
        return self.make_user()["username"]

    def path(self, key):
        return f"/v1/users/{key}"

    def read(self, key):
        r = self.client.get(self.path(key))
        assert r.status_code == 200, r.text
        return r.json(), r.headers["ETag"]

    def change(self, key, etag, value="changed", client=None):
        headers = {} if etag is None else {"If-Match": etag}
        return (client or self.client).patch_json(self.path(key), {"display_name": value},
                                                  headers=headers,
                                                  content_type="application/merge-patch+json")

    def edit(self, key):
        """Another change, made with the current ETag (a new version)."""
        r = UserTarget.change(self, key, self.read(key)[1], "edited")
        assert r.status_code == 200, r.text

    @staticmethod
    def value(body):
        return body["display_name"]


class DocumentTarget(UserTarget):
    """PATCH /v1/documents/{id} of a throwaway document, as the coordinator."""

    name = "document PATCH"

    def __init__(self, api, admin, make_user):
        self.client = api.as_user("coordinator")

    def make(self):
        return create_document(self.client)["id"]

    def path(self, key):
        return doc_path(key)

    def read(self, key):
        return get_document(self.client, key)

    def change(self, key, etag, value="changed", client=None):
        return patch_document(client or self.client, key, {"title_en": value},
                              etag if etag is not None else False)

    def edit(self, key):
        r = DocumentTarget.change(self, key, self.read(key)[1], "edited")
        assert r.status_code == 200, r.text

    @staticmethod
    def value(body):
        return body["title_en"]


class ArchiveTarget(DocumentTarget):
    """DELETE /v1/documents/{id} (archives) of a throwaway document, as the coordinator."""

    name = "document DELETE"
    ok = 204

    def change(self, key, etag, value=None, client=None):
        return archive_document(client or self.client, key, etag if etag is not None else False)

    @staticmethod
    def value(body):
        return body["archived_at"]


TARGETS = [UserTarget, DocumentTarget, ArchiveTarget]


@pytest.fixture(params=TARGETS, ids=[t.name for t in TARGETS])
def target(request, api, admin, make_user):
    return request.param(api, admin, make_user)


@pytest.fixture(params=TARGETS[:2], ids=[t.name for t in TARGETS[:2]])
def patch_target(request, api, admin, make_user):
    return request.param(api, admin, make_user)


def assert_refused_and_unchanged(target, audit_log, key, etag, status, code):
    before = target.read(key)
    r, events = recorded(audit_log, target.client, lambda: target.change(key, etag))
    assert_problem(r, status, code)
    assert events == [], f"a refused change recorded {events}"
    assert target.read(key) == before, "a refused change changed the object"


def test_a_change_without_if_match_is_428(target, audit_log):
    key = target.make()
    assert_refused_and_unchanged(target, audit_log, key, None, 428, "precondition_required")


@pytest.mark.parametrize("if_match", STALE)
def test_a_change_with_an_if_match_that_is_not_the_current_etag_is_412(target, audit_log, if_match):
    key = target.make()
    etag = target.read(key)[1]
    assert_refused_and_unchanged(target, audit_log, key, if_match.format(etag=etag), 412,
                                 "precondition_failed")


def test_a_change_with_the_etag_of_an_older_version_is_412(target, audit_log):
    key = target.make()
    old_etag = target.read(key)[1]
    target.edit(key)
    assert_refused_and_unchanged(target, audit_log, key, old_etag, 412, "precondition_failed")


def test_a_change_with_the_current_etag_is_applied(target):
    key = target.make()
    before, etag = target.read(key)
    r = target.change(key, etag, "the new value")
    assert r.status_code == target.ok, r.text
    after, new_etag = target.read(key)
    assert after["version"] == before["version"] + 1 and new_etag != etag
    assert target.value(after) != target.value(before)


def race(target, key, etag, clients, values):
    """Sends one change per client at the same moment, all with `etag`; returns the answers."""
    barrier = threading.Barrier(len(clients), timeout=30)

    def send(args):
        client, value = args
        barrier.wait()
        return target.change(key, etag, value, client=client)

    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(send, zip(clients, values), timeout=60))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_of_two_concurrent_patches_from_one_etag_exactly_one_wins(patch_target, audit_log, round_):
    target = patch_target
    key = target.make()
    before, etag = target.read(key)
    clients = [target.client.clone(), target.client.clone()]
    values = [f"left {round_}", f"right {round_}"]
    answers, events = recorded(audit_log, target.client, lambda: race(target, key, etag, clients,
                                                                values))
    statuses = [r.status_code for r in answers]
    assert sorted(statuses) == sorted([target.ok, 412]), [r.text[:200] for r in answers]
    loser = answers[statuses.index(412)]
    assert_problem(loser, 412, "precondition_failed")
    after, _ = target.read(key)
    assert after["version"] == before["version"] + 1, "both changes were applied"
    assert target.value(after) == values[statuses.index(200)], "the loser's value was kept"
    assert len(events) == 1, f"expected the winner's one event, got {events}"

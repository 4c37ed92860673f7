"""The change feed (issue 4): `GET /v1/changes` lists, in commit order, every change the caller may
read, so that another system keeps a copy in sync by polling. A client that follows it from the
start and fetches each changed object ends with exactly what it may read now; its cursor keeps
working as changes come; and a change that commits late is never skipped — a transaction still
open holds back the changes after it until it ends. The last page says it is the last (no
`next_cursor`) and gives the position to poll from later (`resume_cursor`). A reader narrows the
feed by collection (`entity_type`, one or several) and time (`since`), and may ask for each
object as the change left it (`expand=object`), which it is given only where it may read it.
"""

import contextlib

import psycopg
import pytest

from checks import assert_problem, eventually, feed_caught_up
from client import MAX_PAGES
from conftest import create_user
from documents import (archive_document, archived_document, create_document, patch_document,
                       restore_document)
from indicators import communes, create_indicator, enter, measurement_path, moved
from settings import ALLOWED_ORIGIN

MANAGER, OWN_AGENCY = "longxuyen.manager", "UBND-883"
HELD_TX_TIMEOUT = "30s"  # a transaction the tests hold open ends by itself after this


class Follower:
    """A client of the feed: its position, and its copy of what it may read.

    `poll()` reads from its position to the end and returns the new changes, oldest first: it
    follows `next_cursor` while a page gives one (more changes are waiting), and keeps each
    page's `resume_cursor` as its position, so that the next poll starts after the last change
    it was given. A change appears in the feed once every transaction that began before it has
    ended, so a poll first waits (boundedly) until the feed serves every change committed so
    far; `wait=False` reads at once, for the tests that hold a transaction open on purpose.
    `params` are the feed's other parameters (entity_type, since, expand), sent on every page;
    `cursor` a position to start from (a resume_cursor kept earlier) instead of the start.
    `sync()` polls and applies each change of the collections it keeps (`keeps`) by fetching the
    object: 200 puts it in the copy, 404 takes it out.
    """

    def __init__(self, client, limit=200, keeps=("documents", "users"), params=None,
                 cursor=None):
        self.client, self.limit, self.keeps, self.params = client, limit, keeps, params or {}
        self.cursor = cursor
        self.copy = {}  # (entity_type, entity_id) -> the object as last fetched

    def page(self, cursor):
        params = {"limit": self.limit, **self.params, **({"cursor": cursor} if cursor else {})}
        return self.client.json("/v1/changes", params)

    def poll(self, wait=True):
        if wait:
            feed_caught_up(self.client)
        new = []
        for _ in range(MAX_PAGES):
            sent, body = self.cursor, self.page(self.cursor)
            new += body["items"]
            if body["next_cursor"] is not None:
                assert body["next_cursor"] == body["resume_cursor"], body
            assert body["resume_cursor"] is not None or (sent is None and not body["items"]), (
                f"a page ({len(body['items'])} changes, cursor {sent}) gives no resume_cursor")
            self.cursor = body["resume_cursor"]
            if body["next_cursor"] is None:
                return new
        raise AssertionError(f"more than {MAX_PAGES} pages of changes")

    def sync(self, wait=True):
        new = self.poll(wait)
        for key in dict.fromkeys((c["entity_type"], c["entity_id"]) for c in new
                                 if c["entity_type"] in self.keeps):
            r = self.client.get(f"/v1/{key[0]}/{key[1]}")
            assert r.status_code in (200, 404), f"{key}: {r.status_code} {r.text[:200]}"
            if r.status_code == 200:
                self.copy[key] = r.json()
            else:
                self.copy.pop(key, None)
        return new

    def of_type(self, entity_type):
        return {k[1]: v for k, v in self.copy.items() if k[0] == entity_type}


def documents_now(client, include_archived=False):
    params = {"include_archived": "true"} if include_archived else {}
    items, _ = client.walk("/v1/documents", params, limit=500)
    return {str(d["id"]): d for d in items}


def users_now(client):
    items, _ = client.walk("/v1/users", limit=500)
    return {u["username"]: u for u in items}


@pytest.fixture(scope="module")
def history_of_edits(coordinator, admin):
    """Documents added, changed, archived and restored before the followers start."""
    made = [create_document(coordinator)["id"] for _ in range(4)]
    assert patch_document(coordinator, made[0], {"title_en": "Changed once"}).status_code == 200
    assert patch_document(admin, made[0], {"signer": None}).status_code == 200
    assert archive_document(coordinator, made[1]).status_code == 204
    archived_document(coordinator)
    assert archive_document(admin, made[2]).status_code == 204
    assert restore_document(coordinator, made[2]).status_code == 200
    return made


# --- following from the start -------------------------------------------------------------------

@pytest.mark.parametrize("user,include_archived", [("admin", True), ("coordinator", True),
                                                   ("viewer", False), (MANAGER, False)])
def test_following_from_the_start_reproduces_the_documents_one_may_read(api, history_of_edits,
                                                                        user, include_archived):
    client = api.as_user(user)
    follower = Follower(client, limit=97)
    follower.sync()
    assert follower.of_type("documents") == documents_now(client, include_archived)


def test_following_from_the_start_reproduces_every_user_for_an_admin(admin, make_user):
    make_user(agency="UBND-884")
    follower = Follower(admin, limit=500)
    follower.sync()
    assert follower.of_type("users") == users_now(admin)


def test_a_manager_follows_only_its_own_agencys_users(api, admin, make_user):
    make_user(agency=OWN_AGENCY)
    make_user(agency="UBND-884")
    manager = api.as_user(MANAGER)
    follower = Follower(manager, limit=500)
    new = follower.sync()
    mine = users_now(manager)
    assert follower.of_type("users") == mine
    assert mine and all(u["agency"] == OWN_AGENCY for u in mine.values())
    seen = {c["entity_id"] for c in new if c["entity_type"] == "users"}
    for name in ("chaudoc.officer", "admin", "coordinator", "viewer"):
        assert name not in seen, f"the manager sees the changes of {name}"


@pytest.mark.parametrize("user", ["coordinator", "viewer", "auditor", "longxuyen.officer"])
def test_other_roles_see_no_user_changes(api, user):
    new = Follower(api.as_user(user), limit=500).poll()
    assert new, "the feed is empty"
    assert not [c for c in new if c["entity_type"] == "users"]


def test_sign_ins_and_token_events_are_not_changes(admin):
    assert not [c for c in Follower(admin, limit=500).poll()
                if c["action"] not in ("create", "update", "archive", "restore",
                                       "password_change", "delete", "submit", "approve",
                                       "return", "unapprove", "import", "baseline", "propose",
                                       "appraise", "allocate", "reject", "disburse")]


def test_the_feed_starts_with_the_migrations_reference_data_then_the_seed(api):
    """The funding sources the decision names come with the schema (migration 0025); the
    seed's administrative units follow them."""
    first = api.json("/v1/changes", {"limit": 7})["items"]
    assert [(c["entity_type"], c["action"], c["version"]) for c in first] == \
        [("funding-sources", "create", 1)] * 6 + [("admin-units", "create", 1)]


def test_each_changes_version_is_the_one_it_made(admin, history_of_edits):
    doc_id = str(history_of_edits[0])
    mine = [c for c in Follower(admin, limit=500).poll()
            if c["entity_type"] == "documents" and c["entity_id"] == doc_id]
    assert [(c["action"], c["version"]) for c in mine] == [("create", 1), ("update", 2),
                                                          ("update", 3)]


# --- polling ------------------------------------------------------------------------------------

def test_the_cursor_keeps_working_as_changes_come(api, coordinator):
    follower = Follower(api.as_user("viewer"), limit=50)
    follower.sync()
    doc_id = str(create_document(coordinator)["id"])
    assert patch_document(coordinator, doc_id, {"title_en": "Polled"}).status_code == 200
    assert archive_document(coordinator, doc_id).status_code == 204
    new = follower.sync()
    assert [(c["entity_type"], c["entity_id"], c["action"], c["version"]) for c in new] == [
        ("documents", doc_id, "create", 1), ("documents", doc_id, "update", 2),
        ("documents", doc_id, "archive", 3)]
    assert follower.of_type("documents") == documents_now(follower.client)
    assert follower.sync() == [], "a poll with nothing new gave changes"
    assert restore_document(coordinator, doc_id).status_code == 200
    assert [(c["entity_id"], c["action"]) for c in follower.sync()] == [(doc_id, "restore")]
    assert follower.of_type("documents") == documents_now(follower.client)


def position_at_end(client):
    """Reads `client`'s feed to its end; returns the resume_cursor of the last page."""
    follower = Follower(client, limit=500)
    follower.poll()
    return follower.cursor


def test_the_last_page_says_it_is_the_last_and_where_to_poll_from_later(api, coordinator):
    """An integrating system reads to the end and stores its position: the last page has no
    `next_cursor` (no request is needed to learn it is the last), and its `resume_cursor` is
    the position to poll from later; polling with it gives what came after, and a poll with
    nothing new gives the same position back."""
    viewer, cursor = api.as_user("viewer"), None
    feed_caught_up(viewer)
    for _ in range(MAX_PAGES):
        body = viewer.json("/v1/changes", {"limit": 500, **({"cursor": cursor} if cursor else {})})
        assert body["items"], "a page of the feed is empty"
        if body["next_cursor"] is None:
            break
        assert body["resume_cursor"] == body["next_cursor"]
        cursor = body["next_cursor"]
    position = body["resume_cursor"]
    assert position is not None, (
        f"the last page of the feed ({len(body['items'])} changes) gives no cursor to poll from")
    r = viewer.get("/v1/changes", params={"cursor": position})
    assert r.json()["items"] == [] and r.json()["next_cursor"] is None
    assert r.json()["resume_cursor"] == position, "a poll with nothing new moved the position"
    assert "Link" not in r.headers, "the last page links to a next one"
    doc_ids = [str(create_document(coordinator)["id"]) for _ in range(2)]
    feed_caught_up(viewer)
    after = viewer.json("/v1/changes", {"cursor": position, "limit": 2})
    assert [(c["entity_id"], c["action"]) for c in after["items"]] == [
        (doc_ids[0], "create"), (doc_ids[1], "create")]
    assert after["next_cursor"] is None, "a full page that holds the last changes has a next"
    assert after["resume_cursor"] not in (None, position)
    assert viewer.json("/v1/changes", {"cursor": after["resume_cursor"]})["items"] == []


def test_a_full_page_with_more_after_it_has_a_next_cursor_and_link(api, coordinator):
    viewer = api.as_user("viewer")
    position = position_at_end(viewer)
    for _ in range(3):
        create_document(coordinator)
    feed_caught_up(viewer)
    r = viewer.get("/v1/changes", params={"cursor": position, "limit": 2})
    body = r.json()
    assert len(body["items"]) == 2 and body["next_cursor"] is not None
    assert body["resume_cursor"] == body["next_cursor"]
    assert body["next_cursor"] in r.headers["Link"]
    rest = viewer.json("/v1/changes", {"cursor": body["next_cursor"], "limit": 2})
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_an_empty_feed_read_from_its_start_has_no_position(api, coordinator):
    """A reader whose feed holds nothing yet (here: a type filter no change matches from the
    start, as users are no viewer's business) is told to poll from the start again."""
    body = api.as_user("viewer").json("/v1/changes", {"entity_type": "users"})
    assert body == {"items": [], "next_cursor": None, "resume_cursor": None}


def test_a_follower_stays_in_step_with_every_version(api, coordinator):
    """A PATCH that sets a value to the value it has still makes a new version (a new ETag and
    updated_at); a copy kept from the feed must learn of it, or it keeps an old version."""
    follower = Follower(api.as_user("viewer"))
    doc = create_document(coordinator)
    follower.sync()
    r = patch_document(coordinator, doc["id"], {"title": doc["title"]})
    assert r.status_code == 200
    follower.sync()
    kept = follower.of_type("documents")[str(doc["id"])]
    assert kept == r.json(), (f"the copy holds version {kept['version']}, the document is at "
                              f"{r.json()['version']}")


def test_a_user_moved_out_of_a_managers_agency_leaves_the_managers_copy(api, admin):
    """The manager's copy holds its agency's users. When a user is moved to another agency, the
    manager may no longer read it, and its copy must learn that the user left."""
    name = create_user(admin, api.sessions, agency=OWN_AGENCY)["username"]
    follower = Follower(api.as_user(MANAGER), limit=500)
    follower.sync()
    assert name in follower.of_type("users")
    etag = admin.get(f"/v1/users/{name}").headers["ETag"]
    assert admin.patch_json(f"/v1/users/{name}", {"agency": "UBND-884"},
                            headers={"If-Match": etag}).status_code == 200
    follower.sync()
    assert name not in follower.of_type("users"), \
        "the feed told the manager nothing of the user that left its agency"
    assert follower.of_type("users") == users_now(follower.client)


# --- the read rule of the objects ---------------------------------------------------------------

def test_a_draft_measurement_is_in_the_feed_only_of_those_who_may_read_it(api, coordinator):
    """Defect: an officer of Châu Đốc saw the id, action and time of Long Xuyên's draft
    measurements in the feed, while the measurement itself answered 404. The feed applies the
    read rule of the objects: a draft is news to those who may read it (its agency's scope, and
    those who read every draft); its approval to every reader of approved data; and the approval
    withdrawn too, since the object then leaves their view."""
    code = create_indicator(coordinator)["code"]
    readers = {user: Follower(api.as_user(user), limit=500) for user in
               ("longxuyen.officer", "longxuyen.manager", "chaudoc.officer", "viewer",
                "auditor", "health.officer")}
    for follower in readers.values():
        follower.poll()  # to the end of the feed
    officer, manager = api.as_user("longxuyen.officer"), api.as_user("longxuyen.manager")
    draft = enter(officer, code, communes("883")[0])
    mid = str(draft["id"])

    def seen(user):
        return [c["action"] for c in readers[user].poll()
                if (c["entity_type"], c["entity_id"]) == ("measurements", mid)]

    assert seen("longxuyen.officer") == ["create"]
    assert seen("longxuyen.manager") == ["create"]
    assert seen("auditor") == ["create"]
    for user in ("chaudoc.officer", "viewer", "health.officer"):
        assert seen(user) == [], f"{user} sees a draft of Long Xuyên's in the feed"
        assert api.as_user(user).get(measurement_path(mid)).status_code == 404
    moved(officer, mid, "submit")
    moved(manager, mid, "approve")
    assert seen("chaudoc.officer") == ["approve"], "the approved value is everyone's"
    assert seen("viewer") == ["approve"]
    assert seen("longxuyen.officer") == ["submit", "approve"]
    moved(manager, mid, "unapprove")
    assert seen("viewer") == ["unapprove"], "a viewer's copy must learn the value left its view"
    assert api.as_user("viewer").get(measurement_path(mid)).status_code == 404
    moved(manager, mid, "return", note="Kiểm tra lại số liệu.")
    assert seen("viewer") == [], "a draft sent back is no viewer's business"
    assert seen("longxuyen.officer") == ["unapprove", "return"]


# --- filters -----------------------------------------------------------------------------------

def kinds(changes):
    return [(c["entity_type"], c["entity_id"], c["action"]) for c in changes]


def test_entity_type_keeps_the_changes_of_one_collection(admin, history_of_edits):
    whole = Follower(admin, limit=500).poll()
    documents = Follower(admin, limit=500, params={"entity_type": "documents"}).poll()
    expected = [c for c in whole if c["entity_type"] == "documents"]
    assert len(expected) >= 10
    assert documents[:len(expected)] == expected  # a change committed in between may follow


def test_entity_type_keeps_the_changes_of_several_collections_given_with_commas(api,
                                                                                coordinator):
    viewer = api.as_user("viewer")
    start = position_at_end(viewer)
    doc_id = str(create_document(coordinator)["id"])
    code = create_indicator(coordinator)["code"]
    assert patch_document(coordinator, doc_id, {"title_en": "After the indicator"}).status_code \
        == 200
    whole = Follower(viewer, limit=500, cursor=start).poll()
    assert {"documents", "indicators"} <= {c["entity_type"] for c in whole}

    def filtered(types):
        return Follower(viewer, limit=500, params={"entity_type": types}, cursor=start).poll()

    assert kinds(filtered("documents")) == [("documents", doc_id, "create"),
                                            ("documents", doc_id, "update")]
    assert ("indicators", code, "create") in kinds(filtered("indicators"))
    for types in ("indicators", "documents,indicators", "indicators,documents,users"):
        assert filtered(types) == [c for c in whole if c["entity_type"] in types.split(",")]


def test_since_keeps_the_changes_at_or_after_a_moment(api, coordinator):
    """`since` filters by the change's time; with a cursor, the cursor is the position and
    `since` still filters."""
    viewer = api.as_user("viewer")
    start = position_at_end(viewer)
    first, second = (str(create_document(coordinator)["id"]) for _ in range(2))
    feed_caught_up(viewer)
    made = viewer.json("/v1/changes", {"cursor": start})["items"]
    assert kinds(made) == [("documents", first, "create"), ("documents", second, "create")]
    assert made[0]["at"] < made[1]["at"]

    from_the_start = Follower(viewer, limit=500, params={"since": made[0]["at"]}).poll()
    assert from_the_start == made
    with_cursor = viewer.json("/v1/changes", {"cursor": start, "since": made[1]["at"]})
    assert with_cursor["items"] == made[1:]
    a_day = viewer.json("/v1/changes", {"cursor": start, "since": "2017-06-14"})
    assert a_day["items"] == made, "since a day long past is every change after the cursor"


# --- the object with each change ----------------------------------------------------------------

def changes_with_objects(client, cursor, entity_type, entity_id):
    """The changes of one object after `cursor`, with `expand=object`: (action, object)."""
    follower = Follower(client, limit=500, params={"entity_type": entity_type,
                                                   "expand": "object"}, cursor=cursor)
    return [(c["action"], c["object"]) for c in follower.poll() if c["entity_id"] == entity_id]


def test_expand_object_gives_the_object_as_each_change_left_it(api, coordinator):
    viewer = api.as_user("viewer")
    start = position_at_end(viewer)
    doc = create_document(coordinator)
    doc_id = str(doc["id"])
    r = patch_document(coordinator, doc_id, {"title": "Kế hoạch năm 2018 (sửa đổi)"})
    assert r.status_code == 200
    assert archive_document(coordinator, doc_id).status_code == 204
    seen = changes_with_objects(viewer, start, "documents", doc_id)
    assert [(action, o["title"], o["version"], o["archived_at"] is None)
            for action, o in seen] == [
        ("create", doc["title"], 1, True),
        ("update", "Kế hoạch năm 2018 (sửa đổi)", 2, True),
        ("archive", "Kế hoạch năm 2018 (sửa đổi)", 3, False)]
    assert seen[1][1]["id"] == doc["id"] and seen[1][1]["number"] == doc["number"]
    assert "search_text" not in seen[1][1]


def test_without_expand_a_change_carries_no_object(api, coordinator):
    viewer = api.as_user("viewer")
    start = position_at_end(viewer)
    create_document(coordinator)
    feed_caught_up(viewer)
    items = viewer.json("/v1/changes", {"cursor": start})["items"]
    assert items and all("object" not in c for c in items)


def test_a_draft_measurements_object_goes_only_to_those_who_may_read_it(api, coordinator):
    """The change of a measurement carries its object only to a reader of the measurement in
    the status the change left it in: the approval withdrawn is news to every reader, but the
    value it leaves behind (submitted again) only to those who read unapproved data."""
    code = create_indicator(coordinator)["code"]
    users = ("longxuyen.officer", "auditor", "chaudoc.officer", "viewer", "health.officer")
    starts = {user: position_at_end(api.as_user(user)) for user in users}
    officer, manager = api.as_user("longxuyen.officer"), api.as_user("longxuyen.manager")
    mid = str(enter(officer, code, communes("883")[0])["id"])
    moved(officer, mid, "submit")
    moved(manager, mid, "approve")
    moved(manager, mid, "unapprove")

    def statuses(user):
        return [(action, o and o["status"]) for action, o in
                changes_with_objects(api.as_user(user), starts[user], "measurements", mid)]

    every_step = [("create", "draft"), ("submit", "submitted"), ("approve", "approved"),
                  ("unapprove", "submitted")]
    assert statuses("longxuyen.officer") == every_step
    assert statuses("auditor") == every_step
    for user in ("chaudoc.officer", "viewer", "health.officer"):
        assert statuses(user) == [("approve", "approved"), ("unapprove", None)], \
            f"{user} is given a value of Long Xuyên's it may not read"


def test_a_users_object_goes_only_to_those_who_manage_the_user(api, admin):
    """A manager is told that a user left its agency, but is no longer given the user; the
    admin, who manages every user, is given it; the password hash is never in the object."""
    manager = api.as_user(MANAGER)
    starts = {"admin": position_at_end(admin), MANAGER: position_at_end(manager)}
    name = create_user(admin, api.sessions, agency=OWN_AGENCY)["username"]
    etag = admin.get(f"/v1/users/{name}").headers["ETag"]
    assert admin.patch_json(f"/v1/users/{name}", {"agency": "UBND-884"},
                            headers={"If-Match": etag}).status_code == 200

    def agencies(user, client):
        seen = changes_with_objects(client, starts[user], "users", name)
        assert all("password_hash" not in o for _, o in seen if o)
        return [(action, o and o["agency"]) for action, o in seen]

    assert agencies("admin", admin) == [("create", OWN_AGENCY), ("update", "UBND-884")]
    assert agencies(MANAGER, manager) == [("create", OWN_AGENCY), ("update", None)]
    for user in ("coordinator", "viewer", "longxuyen.officer"):
        client = api.as_user(user)
        assert not client.json("/v1/changes", {"entity_type": "users", "expand": "object",
                                                "limit": 500})["items"]


# --- a change that commits late -----------------------------------------------------------------

@contextlib.contextmanager
def held_change(base_env, doc_id, title_en):
    """A transaction of its own that changes document `doc_id` and stays open in the block; the
    block commits or rolls it back (an exception rolls it back; it ends by itself after
    HELD_TX_TIMEOUT)."""
    with psycopg.connect(base_env["DATABASE_URL"], connect_timeout=10) as held:
        held.execute(f"SET idle_in_transaction_session_timeout = '{HELD_TX_TIMEOUT}'")
        held.execute(f"SET statement_timeout = '{HELD_TX_TIMEOUT}'")
        held.execute("UPDATE document SET title_en = %s, version = version + 1,"
                     " updated_at = now() WHERE id = %s", (title_en, doc_id))
        yield held


def test_a_change_still_uncommitted_holds_back_the_changes_after_it(api, coordinator, base_env):
    held_id = str(create_document(coordinator)["id"])
    follower = Follower(api.as_user("viewer"), limit=50)
    follower.sync()
    with held_change(base_env, held_id, "Changed in a long transaction") as held:
        # the transaction is open; the API commits changes after it began
        later = [str(create_document(coordinator)["id"]) for _ in range(2)]
        assert patch_document(coordinator, later[0], {"title_en": "Later"}).status_code == 200
        assert follower.poll(wait=False) == [], \
            "a change was served while an older one was uncommitted"
        assert follower.poll(wait=False) == []
        held.commit()
    new = follower.sync()
    assert [(c["entity_id"], c["action"], c["version"]) for c in new] == [
        (held_id, "update", 2), (later[0], "create", 1), (later[1], "create", 1),
        (later[0], "update", 2)], "the changes came out of commit order, or one was skipped"
    assert follower.copy[("documents", held_id)]["title_en"] == "Changed in a long transaction"
    assert follower.of_type("documents") == documents_now(follower.client)


def test_a_transaction_that_rolls_back_leaves_no_change(api, coordinator, base_env):
    doc_id = str(create_document(coordinator)["id"])
    follower = Follower(api.as_user("viewer"), limit=50)
    follower.sync()
    with held_change(base_env, doc_id, "Never committed") as held:
        later = str(create_document(coordinator)["id"])
        assert follower.poll(wait=False) == []
        held.rollback()
    assert [(c["entity_id"], c["action"]) for c in follower.sync()] == [(later, "create")]


def lag_of(client):
    r = client.get("/v1/changes", params={"limit": 1})
    assert r.status_code == 200, r.text[:300]
    return float(r.headers["Planmon-Feed-Lag"])


def test_the_feed_says_how_far_behind_a_long_transaction_holds_it(api, coordinator, base_env):
    """An integrator can see a stall: while a transaction that began before a committed change
    is still running, Planmon-Feed-Lag gives the age of the oldest change held back, and it
    grows; once the transaction ends, the lag is 0.000 again."""
    viewer = api.as_user("viewer")
    feed_caught_up(viewer)
    assert lag_of(viewer) == 0.0
    held_id = str(create_document(coordinator)["id"])
    with held_change(base_env, held_id, "Held to show the lag") as held:
        create_document(coordinator)  # committed, and held back behind the open transaction
        first = eventually(lambda: lag_of(viewer), "a lag while a change is held back")
        assert first > 0
        second = eventually(lambda: (lag := lag_of(viewer)) > first and lag,
                            "the lag to grow while the transaction stays open")
        assert second > first
        held.rollback()
    feed_caught_up(viewer)
    assert lag_of(viewer) == 0.0


def test_the_lag_header_is_exposed_to_browser_clients(api):
    r = api.get("/v1/changes", params={"limit": 1}, headers={"Origin": ALLOWED_ORIGIN})
    exposed = {h.strip().lower() for h in r.headers["Access-Control-Expose-Headers"].split(",")}
    assert "planmon-feed-lag" in exposed


# --- parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cursor", ["x", "not a cursor!", "WyIxIl0", "A" * 400])
def test_a_bad_cursor_is_400_naming_it(api, cursor):
    assert_problem(api.get("/v1/changes", params={"cursor": cursor}), 400, "invalid_parameter",
                   "cursor")


@pytest.mark.parametrize("param", ["updated_since", "entity_id", "until", "q"])
def test_the_feed_takes_only_its_parameters(api, param):
    assert_problem(api.get("/v1/changes", params={param: "x"}), 400, "unknown_parameter", param)


@pytest.mark.parametrize("param,value", [
    ("entity_type", "document"), ("entity_type", "documents,"), ("entity_type", ",documents"),
    ("entity_type", "documents,,tasks"), ("entity_type", "documents, tasks"),
    ("entity_type", ""), ("entity_type", "audit-events"), ("expand", "objects"),
    ("expand", "object,changes"), ("expand", ""), ("since", "yesterday"),
    ("since", "2017-06-14T08:00:00")])
def test_a_bad_filter_is_400_naming_it(api, param, value):
    body = assert_problem(api.get("/v1/changes", params={param: value}), 400,
                          "invalid_parameter", param)
    if param != "since":
        allowed = "pilot-site-statuses" if param == "entity_type" else "object"
        assert allowed in body["errors"][0]["message"], body


def test_entity_types_are_listed_with_commas_not_by_repeating_the_parameter(api):
    r = api.get("/v1/changes?entity_type=documents&entity_type=tasks")
    assert assert_problem(r, 400, "invalid_parameter", "entity_type")["errors"][0]["code"] == \
        "repeated"


def test_the_feed_pages_like_a_list(admin):
    whole = Follower(admin, limit=500).poll()
    paged, _ = admin.walk("/v1/changes", limit=37, via="link")
    assert paged[:len(whole)] == whole  # a change committed in between may follow

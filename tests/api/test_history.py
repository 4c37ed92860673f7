"""Histories (issue 4): `GET /v1/{collection}/{id}/history` is an object's journal, oldest first —
each change with its fields' old and new values, who made it and when, and the version it made —
for whoever may read the object, and `404` for anyone else, as for an object that does not exist.
"""

import datetime

import pytest

from audit import SESSION_ACTIONS, changes_by_field, history
from checks import assert_problem, problem_core
from documents import archived_document, create_document, doc_path, get_document, patch_document
from settings import DEMO_USERS


def at(event):
    return datetime.datetime.fromisoformat(event["at"].replace("Z", "+00:00"))


def assert_journal(events, entity_type, entity_id, edits):
    """`events` is the history of an object made and then changed by `edits`, a list of
    (user, {field: (old, new)}): versions 1..n in order, times in order, who and what."""
    assert [e["version"] for e in events] == list(range(1, len(edits) + 2))
    assert [e["action"] for e in events] == ["create"] + ["update"] * len(edits)
    assert all(e["entity_type"] == entity_type and e["entity_id"] == entity_id for e in events)
    times = [at(e) for e in events]
    assert times == sorted(times), "a history is oldest first"
    for event, (user, fields) in zip(events[1:], edits):
        agency, role = DEMO_USERS[user]
        assert (event["user"], event["role"], event["agency"]) == (user, role, agency), event
        assert changes_by_field(event) == fields, event


# --- after three edits --------------------------------------------------------------------------

def test_a_documents_history_after_three_edits(api, admin):
    coordinator = api.as_user("coordinator")
    doc = create_document(coordinator, signer=None, effective=None, title_en=None)
    edits = [
        ("admin", {"signer": "Lê Văn Nưng"}, {"signer": (None, "Lê Văn Nưng")}),
        ("coordinator", {"effective": "2017-04-01", "title_en": "Awareness plan 2017"},
         {"effective": (None, "2017-04-01"), "title_en": (None, "Awareness plan 2017")}),
        ("admin", {"title": "Kế hoạch truyền thông phòng, chống mại dâm năm 2017"},
         {"title": (doc["title"], "Kế hoạch truyền thông phòng, chống mại dâm năm 2017")}),
    ]
    for user, patch, _ in edits:
        r = patch_document(api.as_user(user), doc["id"], patch)
        assert r.status_code == 200, r.text
    events = history(api, doc_path(doc["id"]))
    assert_journal(events, "documents", str(doc["id"]), [(u, f) for u, _, f in edits])
    assert events[0]["user"] == "coordinator"
    current, _ = get_document(api, doc["id"])
    assert current["version"] == events[-1]["version"] == 4
    assert abs(at(events[-1]).timestamp() - at({"at": current["updated_at"]}).timestamp()) < 2


def test_a_users_history_after_three_edits(api, admin, make_user):
    name = make_user(agency="UBND-883", role="officer", display_name="Trần Thị B")["username"]
    manager = api.as_user("longxuyen.manager")
    edits = [
        ("admin", {"display_name": "Trần Thị Bé"}, {"display_name": ("Trần Thị B", "Trần Thị Bé")}),
        ("longxuyen.manager", {"role": "manager"}, {"role": ("officer", "manager")}),
        ("admin", {"active": False}, {"active": (True, False)}),
    ]
    for user, patch, _ in edits:
        client = api.as_user(user)
        etag = client.get(f"/v1/users/{name}").headers["ETag"]
        r = client.patch_json(f"/v1/users/{name}", patch, headers={"If-Match": etag})
        assert r.status_code == 200, r.text
    events = history(admin, f"/v1/users/{name}")
    assert_journal(events, "users", name, [(u, f) for u, _, f in edits])
    assert history(manager, f"/v1/users/{name}") == events, "the manager reads the same journal"


def test_a_history_pages_like_a_list(api):
    coordinator = api.as_user("coordinator")
    doc_id = create_document(coordinator)["id"]
    for n in range(4):
        assert patch_document(coordinator, doc_id, {"title_en": f"Version {n + 2}"}).status_code \
            == 200
    whole = history(api, doc_path(doc_id))
    paged, pages = api.walk(doc_path(doc_id, "history"), limit=2, via="link")
    assert paged == whole and len(whole) == 5 and pages == 3


def test_an_archive_and_a_restore_are_in_the_history(api, admin):
    doc_id = archived_document(admin)
    archived_at = admin.json(doc_path(doc_id))["archived_at"]
    assert admin.request("POST", doc_path(doc_id, "restore")).status_code == 200
    events = history(admin, doc_path(doc_id))
    assert [(e["action"], e["version"]) for e in events] == [
        ("create", 1), ("archive", 2), ("restore", 3)]
    [(field, (old, new))] = changes_by_field(events[1]).items()
    assert field == "archived_at" and old is None
    stamp = datetime.datetime.fromisoformat(new.replace("Z", "+00:00"))
    assert stamp.utcoffset() == datetime.timedelta(0), f"not a UTC time: {new}"
    assert stamp.replace(microsecond=0) == at({"at": archived_at}), \
        f"the history's {new} is not the document's archived_at {archived_at}"
    assert changes_by_field(events[2]) == {"archived_at": (new, None)}


def test_every_version_of_an_object_is_in_its_history(api):
    """A change that sets a field to the value it has still makes a new version (and ETag); the
    history must account for every version, or a client holding version n cannot learn from
    the history what became of it."""
    coordinator = api.as_user("coordinator")
    doc = create_document(coordinator)
    r = patch_document(coordinator, doc["id"], {"title": doc["title"]})
    assert r.status_code == 200
    versions = [e["version"] for e in history(api, doc_path(doc["id"]))]
    assert versions == list(range(1, r.json()["version"] + 1)), (
        f"the document is at version {r.json()['version']}, its history has versions {versions}")


# --- what a history leaves out ------------------------------------------------------------------

def test_sign_ins_and_token_events_are_not_part_of_a_users_history(api, admin, make_user):
    name = make_user()["username"]
    r = api.anonymous().post_json("/v1/auth/token", {"username": name,
                                                     "password": api.sessions.password(name)})
    assert r.status_code == 200
    assert api.anonymous().post_json("/v1/auth/refresh", {
        "refresh_token": r.json()["refresh_token"]}).status_code == 200
    events = history(admin, f"/v1/users/{name}")
    assert [e["action"] for e in events] == ["create"]
    assert not {e["action"] for e in events} & set(SESSION_ACTIONS)


def test_the_seeded_reference_data_has_its_creation_by_no_user(api):
    for path in ("/v1/agencies/SLDTBXH", "/v1/admin-units/883", "/v1/documents/1"):
        first = history(api, path)[0]
        assert (first["action"], first["user"], first["request_id"], first["version"]) == \
            ("create", None, None, 1), f"{path}: {first}"


# --- who may read a history ---------------------------------------------------------------------

def test_a_manager_reads_the_history_of_its_own_agencys_users(api):
    events = history(api.as_user("longxuyen.manager"), "/v1/users/longxuyen.officer")
    assert events and events[0]["action"] == "create"


@pytest.mark.parametrize("path", [
    "/v1/users/chaudoc.officer/history", "/v1/users/admin/history",
    "/v1/users/no-such-user/history",
])
def test_a_manager_gets_404_for_another_agencys_users_history(api, path):
    r = api.as_user("longxuyen.manager").get(path)
    assert_problem(r, 404, "not_found")


def test_another_agencys_user_and_no_user_look_the_same(api):
    manager = api.as_user("longxuyen.manager")
    other = manager.get("/v1/users/chaudoc.officer/history")
    missing = manager.get("/v1/users/no-such-user/history")
    assert problem_core(other) == problem_core(missing), "another agency's user can be probed"


def test_a_viewer_gets_404_for_a_users_history(api):
    """issue-4 contract: users' histories are for admins and for a manager's own agency, "else
    404" — as if the user did not exist, like any object the caller may not read. (The access
    matrix asks every other role.)"""
    assert_problem(api.as_user("viewer").get("/v1/users/longxuyen.officer/history"), 404,
                   "not_found")


@pytest.mark.parametrize("path", [
    "/v1/documents/999999999/history", "/v1/documents/abc/history", "/v1/documents/-1/history",
    "/v1/agencies/NOPE/history",
    "/v1/admin-units/99999/history", "/v1/users/no-such-user/history",
])
def test_an_unknown_object_has_no_history(admin, path):
    assert_problem(admin.get(path), 404, "not_found")


@pytest.mark.parametrize("user", sorted(DEMO_USERS))
def test_an_archived_documents_history_is_for_its_editors_only(api, admin, user):
    doc_id = archived_document(admin)
    r = api.as_user(user).get(doc_path(doc_id, "history"))
    if DEMO_USERS[user][1] in ("admin", "coordinator"):
        assert r.status_code == 200 and r.json()["items"][-1]["action"] == "archive"
    else:
        assert_problem(r, 404, "not_found")


def test_a_history_takes_only_paging_parameters(api):
    assert_problem(api.get("/v1/documents/1/history", params={"action": "create"}), 400,
                   "unknown_parameter", "action")
    assert_problem(api.get("/v1/documents/1/history", params={"limit": "0"}), 400,
                   "invalid_parameter", "limit")


"""The audit trail (issue 4): every successful write records one event in its own transaction —
who (user, role, agency), which request (its X-Request-Id), what (action, entity, new version)
and the before and after of exactly the fields it changed, a password only as redacted. A
refused write records nothing; a refused sign-in records the one event `login_failed`. Sign-ins,
refreshes and revocations are recorded too. GET /v1/audit-events searches the trail; the table
is append-only even for the service's own database role.
"""

import json
import uuid

import psycopg
import pytest

from audit import changes_by_field, new_request_id, recorded
from checks import assert_problem
from conftest import new_username, table_digests
from documents import (archive_document, archived_document, create_document, get_document,
                       new_document_body, patch_document, restore_document)
from settings import DEMO_PASSWORD, DEMO_USERS

WRITE_TABLES = ("app_user", "document", "audit_event", "refresh_token")


def actor(username):
    """The user, role and agency fields of an event made by a demo user."""
    agency, role = DEMO_USERS[username]
    return {"user": username, "role": role, "agency": agency}


def the_event(events, **expected):
    """The one event recorded, with the given fields; returns it."""
    assert len(events) == 1, f"expected one event, got {json.dumps(events, ensure_ascii=False)}"
    event = events[0]
    got = {k: event[k] for k in expected}
    assert got == expected, f"event {event}"
    return event


def assert_no_secret_in(event, *secrets):
    text = json.dumps(event, ensure_ascii=False)
    for secret in secrets:
        assert secret not in text, f"a secret in the audit event {text}"
    assert "$argon2" not in text, f"a password hash in the audit event {text}"


# --- users --------------------------------------------------------------------------------------

def test_creating_a_user_records_its_fields_and_hides_its_password(admin, audit_log):
    rid = new_request_id()
    body = {"username": new_username("a"), "display_name": "Cán bộ Phường Mỹ Bình",
            "agency": "UBND-883", "role": "officer", "password": f"pw-{uuid.uuid4().hex}"}
    r, events = recorded(audit_log, admin, lambda: admin.post_json(
        "/v1/users", body, headers={"X-Request-Id": rid}))
    assert r.status_code == 201, r.text
    event = the_event(events, **actor("admin"), request_id=rid, action="create",
                      entity_type="users", entity_id=body["username"], version=1)
    assert changes_by_field(event) == {
        "username": (None, body["username"]), "display_name": (None, body["display_name"]),
        "agency": (None, "UBND-883"), "role": (None, "officer"), "active": (None, True),
        "mail_digest": (None, ["due_soon", "overdue", "review"]), "password_hash": "redacted"}
    assert_no_secret_in(event, body["password"])


def test_patching_a_user_records_exactly_the_fields_it_changed(admin, make_user, audit_log):
    user = make_user(display_name="Nguyễn Văn A", agency="UBND-883")
    name, rid = user["username"], new_request_id()
    etag = admin.get(f"/v1/users/{name}").headers["ETag"]
    r, events = recorded(audit_log, admin, lambda: admin.patch_json(
        f"/v1/users/{name}", {"display_name": "Nguyễn Văn Á", "role": "manager", "active": True},
        headers={"If-Match": etag, "X-Request-Id": rid}))
    assert r.status_code == 200, r.text
    event = the_event(events, **actor("admin"), request_id=rid, action="update",
                      entity_type="users", entity_id=name, version=2)
    assert changes_by_field(event) == {"display_name": ("Nguyễn Văn A", "Nguyễn Văn Á"),
                                       "role": ("officer", "manager")}


def test_an_admin_setting_a_password_records_it_redacted(admin, make_user, audit_log):
    name = make_user()["username"]
    secret = f"new-{uuid.uuid4().hex}"
    etag = admin.get(f"/v1/users/{name}").headers["ETag"]
    r, events = recorded(audit_log, admin, lambda: admin.patch_json(
        f"/v1/users/{name}", {"password": secret}, headers={"If-Match": etag}))
    assert r.status_code == 200, r.text
    event = the_event(events, **actor("admin"), entity_type="users", entity_id=name, version=2)
    assert event["action"] in ("update", "password_change")
    assert changes_by_field(event) == {"password_hash": "redacted"}
    assert_no_secret_in(event, secret)


def test_changing_ones_own_password_records_a_password_change(api, make_user, audit_log):
    user = make_user(agency="SYT", role="viewer")
    name = user["username"]
    client = api.as_user(name)
    old, new, rid = api.sessions.password(name), f"mine-{uuid.uuid4().hex}", new_request_id()
    r, events = recorded(audit_log, client, lambda: client.put_json(
        "/v1/me/password", {"current_password": old, "new_password": new},
        headers={"X-Request-Id": rid}))
    assert r.status_code == 204, r.text
    api.sessions.add(name, new)
    event = the_event(events, user=name, role="viewer", agency="SYT", request_id=rid,
                      action="password_change", entity_type="users", entity_id=name, version=2)
    assert changes_by_field(event) == {"password_hash": "redacted"}
    assert_no_secret_in(event, old, new)


# --- documents ----------------------------------------------------------------------------------

def test_creating_a_document_records_every_field_given(coordinator, audit_log):
    body, rid = new_document_body(), new_request_id()
    r, events = recorded(audit_log, coordinator, lambda: coordinator.post_json(
        "/v1/documents", body, headers={"X-Request-Id": rid}))
    assert r.status_code == 201, r.text
    doc = r.json()
    event = the_event(events, **actor("coordinator"), request_id=rid, action="create",
                      entity_type="documents", entity_id=str(doc["id"]), version=1)
    assert changes_by_field(event) == {"id": (None, doc["id"]),
                                       **{k: (None, v) for k, v in body.items()}}


def test_patching_a_document_records_the_fields_it_changed(coordinator, audit_log):
    doc = create_document(coordinator, signer="Lê Văn Nưng", title_en="Old title")
    rid = new_request_id()
    r, events = recorded(audit_log, coordinator, lambda: patch_document(
        coordinator, doc["id"], {"signer": None, "title_en": "New title", "type": "ke_hoach"},
        headers={"X-Request-Id": rid}))
    assert r.status_code == 200, r.text
    event = the_event(events, **actor("coordinator"), request_id=rid, action="update",
                      entity_type="documents", entity_id=str(doc["id"]), version=2)
    assert changes_by_field(event) == {"signer": ("Lê Văn Nưng", None),
                                       "title_en": ("Old title", "New title")}


def test_archiving_and_restoring_a_document_are_recorded(admin, coordinator, audit_log):
    doc_id = create_document(coordinator)["id"]
    rid = new_request_id()
    r, archived = recorded(audit_log, admin, lambda: archive_document(
        admin, doc_id, headers={"X-Request-Id": rid}))
    assert r.status_code == 204, r.text
    event = the_event(archived, **actor("admin"), request_id=rid, action="archive",
                      entity_type="documents", entity_id=str(doc_id), version=2)
    [(field, (old, new))] = changes_by_field(event).items()
    assert (field, old) == ("archived_at", None) and new
    rid = new_request_id()
    r, restored = recorded(audit_log, coordinator, lambda: restore_document(
        coordinator, doc_id, headers={"X-Request-Id": rid}))
    assert r.status_code == 200, r.text
    event = the_event(restored, **actor("coordinator"), request_id=rid, action="restore",
                      entity_type="documents", entity_id=str(doc_id), version=3)
    assert changes_by_field(event) == {"archived_at": (new, None)}


def test_a_request_without_x_request_id_is_recorded_with_the_id_it_was_given(coordinator,
                                                                             audit_log):
    r, events = recorded(audit_log, coordinator, lambda: coordinator.post_json(
        "/v1/documents", new_document_body()))
    assert r.status_code == 201
    the_event(events, request_id=r.headers["X-Request-Id"], action="create")


# --- refused writes record nothing --------------------------------------------------------------

class Refusals:
    """Each method prepares one refused write (outside the recorded window) and returns
    (the client that makes it, the call)."""

    def __init__(self, api, admin, make_user):
        self.api, self.admin, self.make_user = api, admin, make_user
        self.co = api.as_user("coordinator")

    def viewer_adds_a_document(self):
        viewer = self.api.as_user("viewer")
        return viewer, lambda: viewer.post_json("/v1/documents", new_document_body())

    def manager_adds_a_user_elsewhere(self):
        manager = self.api.as_user("longxuyen.manager")
        return manager, lambda: manager.post_json("/v1/users", {
            "username": new_username(), "agency": "UBND-884", "role": "officer",
            "password": "a long enough password"})

    def wrong_current_password(self):
        officer = self.api.as_user("health.officer")
        return officer, lambda: officer.put_json("/v1/me/password", {
            "current_password": "not the password", "new_password": "a long enough password"})

    def taken_document_number(self):
        return self.co, lambda: self.co.post_json(
            "/v1/documents", new_document_body(number="1994/QĐ-UBND"))

    def taken_username(self):
        return self.admin, lambda: self.admin.post_json("/v1/users", {
            "username": "longxuyen.officer", "agency": "UBND-883", "role": "officer",
            "password": "a long enough password"})

    def change_of_an_archived_document(self):
        doc_id = archived_document(self.co)
        etag = get_document(self.co, doc_id)[1]
        return self.co, lambda: patch_document(self.co, doc_id, {"title": "x"}, etag)

    def stale_document_etag(self):
        doc_id = create_document(self.co)["id"]
        etag = get_document(self.co, doc_id)[1]
        assert patch_document(self.co, doc_id, {"title_en": "first"}).status_code == 200
        return self.co, lambda: patch_document(self.co, doc_id, {"title_en": "second"}, etag)

    def stale_user_etag(self):
        name, etag = self.user()
        assert self.patch_user(name, {"display_name": "first"}, etag).status_code == 200
        return self.admin, lambda: self.patch_user(name, {"display_name": "second"}, etag)

    def bad_document_type(self):
        return self.co, lambda: self.co.post_json(
            "/v1/documents", new_document_body(type="nghi_dinh_x"))

    def weak_password(self):
        name, etag = self.user()
        return self.admin, lambda: self.patch_user(name, {"password": "short"}, etag)

    def document_change_without_if_match(self):
        doc_id = create_document(self.co)["id"]
        return self.co, lambda: patch_document(self.co, doc_id, {"title": "x"}, False)

    def document_archive_without_if_match(self):
        doc_id = create_document(self.co)["id"]
        return self.co, lambda: archive_document(self.co, doc_id, False)

    def user_change_without_if_match(self):
        name, _ = self.user()
        return self.admin, lambda: self.patch_user(name, {"display_name": "x"}, None)

    def user(self):
        name = self.make_user()["username"]
        return name, self.admin.get(f"/v1/users/{name}").headers["ETag"]

    def patch_user(self, name, body, etag):
        return self.admin.patch_json(f"/v1/users/{name}", body,
                                     headers={"If-Match": etag} if etag else {})


REFUSED_WRITES = [  # (case, status, problem code)
    ("viewer_adds_a_document", 403, "forbidden"),
    ("manager_adds_a_user_elsewhere", 403, "forbidden"),
    ("wrong_current_password", 403, "forbidden"),
    ("taken_document_number", 409, "conflict"),
    ("taken_username", 409, "conflict"),
    ("change_of_an_archived_document", 409, "conflict"),
    ("stale_document_etag", 412, "precondition_failed"),
    ("stale_user_etag", 412, "precondition_failed"),
    ("bad_document_type", 422, "validation_failed"),
    ("weak_password", 422, "validation_failed"),
    ("document_change_without_if_match", 428, "precondition_required"),
    ("document_archive_without_if_match", 428, "precondition_required"),
    ("user_change_without_if_match", 428, "precondition_required"),
]


@pytest.mark.parametrize("case,status,code", REFUSED_WRITES, ids=[c[0] for c in REFUSED_WRITES])
def test_a_refused_write_records_nothing_and_changes_nothing(api, admin, make_user, audit_log, db,
                                                             case, status, code):
    client, call = getattr(Refusals(api, admin, make_user), case)()
    client.authorization()
    before = table_digests(db, WRITE_TABLES)
    r, events = recorded(audit_log, client, call)
    assert_problem(r, status, code)
    assert events == [], f"a refused write recorded {events}"
    assert table_digests(db, WRITE_TABLES) == before, "a refused write changed a row"


# --- sessions -----------------------------------------------------------------------------------

def sign_in(api, username, password, rid):
    return api.anonymous().post_json("/v1/auth/token", {"username": username,
                                                        "password": password},
                                     headers={"X-Request-Id": rid})


def event_row(db, event_id):
    """The audit_event row as PostgreSQL prints it (every column)."""
    return db.execute("SELECT e::text FROM audit_event e WHERE id = %s", (event_id,)).fetchone()[0]


def test_a_sign_in_is_recorded_without_its_tokens(api, audit_log, db):
    rid = new_request_id()
    r, events = recorded(audit_log, api.anonymous(),
                         lambda: sign_in(api, "auditor", DEMO_PASSWORD, rid))
    assert r.status_code == 200
    event = the_event(events, **actor("auditor"), request_id=rid, action="login",
                      entity_type="users", entity_id="auditor")
    row = event_row(db, event["id"])
    for secret in (r.json()["access_token"], r.json()["refresh_token"], DEMO_PASSWORD):
        assert secret not in row


@pytest.mark.parametrize("username", ["chaudoc.officer", "no-such-user"])
def test_a_failed_sign_in_is_the_one_event_of_a_refused_request(api, audit_log, db, username):
    rid, password = new_request_id(), f"wrong-{uuid.uuid4().hex}"
    r, events = recorded(audit_log, api.anonymous(), lambda: sign_in(api, username, password, rid))
    assert r.status_code == 401
    event = the_event(events, user=None, role=None, request_id=rid, action="login_failed",
                      entity_type="users", entity_id=username)
    assert changes_by_field(event) == {"address": (None, "127.0.0.1")}
    assert password not in event_row(db, event["id"]), "the password tried is in the trail"


def test_a_refresh_and_a_sign_out_are_recorded(api, audit_log):
    pair = sign_in(api, "viewer", DEMO_PASSWORD, new_request_id()).json()
    rid = new_request_id()
    r, events = recorded(audit_log, api.anonymous(), lambda: api.anonymous().post_json(
        "/v1/auth/refresh", {"refresh_token": pair["refresh_token"]},
        headers={"X-Request-Id": rid}))
    assert r.status_code == 200
    the_event(events, **actor("viewer"), request_id=rid, action="token_refresh",
              entity_type="users", entity_id="viewer")
    rid, latest = new_request_id(), r.json()["refresh_token"]
    r, events = recorded(audit_log, api.anonymous(), lambda: api.anonymous().post_json(
        "/v1/auth/logout", {"refresh_token": latest}, headers={"X-Request-Id": rid}))
    assert r.status_code == 204
    the_event(events, **actor("viewer"), request_id=rid, action="token_revoke",
              entity_type="users", entity_id="viewer")


@pytest.mark.parametrize("grace,status,action,reason", [
    ("0", 401, "token_revoke", "refresh token reused"),
    ("10", 200, "token_refresh", "refresh token reused within the grace period"),
], ids=["after the grace: the family's revocation", "within the grace"])
def test_a_reused_refresh_token_is_recorded_with_its_reason(api, audit_log, extra_server, grace,
                                                            status, action, reason):
    there = api.on(extra_server(REFRESH_REUSE_GRACE_S=grace))
    pair = sign_in(there, "viewer", DEMO_PASSWORD, new_request_id()).json()
    refresh = {"refresh_token": pair["refresh_token"]}
    assert there.anonymous().post_json("/v1/auth/refresh", refresh).status_code == 200
    r, events = recorded(audit_log, there.anonymous(),
                         lambda: there.anonymous().post_json("/v1/auth/refresh", refresh))
    assert r.status_code == status
    event = the_event(events, **actor("viewer"), action=action, entity_type="users",
                      entity_id="viewer")
    assert changes_by_field(event) == {"reason": (None, reason)}


# --- GET /v1/audit-events -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def edited_document(coordinator, admin):
    """A document made by the coordinator and changed by the admin: (id, its two events)."""
    doc_id = create_document(coordinator)["id"]
    assert patch_document(admin, doc_id, {"title_en": "Changed by the admin"}).status_code == 200
    events = admin.json("/v1/audit-events", {"entity_type": "documents",
                                             "entity_id": str(doc_id)})["items"]
    return doc_id, events


def test_events_of_one_object_newest_first(edited_document):
    doc_id, events = edited_document
    assert [(e["action"], e["user"], e["version"]) for e in events] == [
        ("update", "admin", 2), ("create", "coordinator", 1)]
    assert events[0]["id"] > events[1]["id"] and events[0]["at"] >= events[1]["at"]


def walk_events(client, **params):
    items, _ = client.walk("/v1/audit-events", params, limit=200)
    return items


@pytest.mark.parametrize("filters", [
    {"user": "coordinator"}, {"agency": "SLDTBXH"}, {"action": "update"},
    {"entity_type": "documents", "action": "create"}, {"user": "admin", "action": "login"},
], ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()))
def test_filters_keep_only_the_matching_events(admin, edited_document, filters):
    field_of = {"user": "user", "agency": "agency", "action": "action",
                "entity_type": "entity_type"}
    items = walk_events(admin, **filters)
    assert items, f"nothing matches {filters}"
    for e in items:
        assert all(e[field_of[k]] == v for k, v in filters.items()), e
    ids = [e["id"] for e in items]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))


def test_since_is_inclusive_and_until_exclusive(admin, edited_document):
    doc_id, (update, create) = edited_document
    params = {"entity_type": "documents", "entity_id": str(doc_id)}
    assert walk_events(admin, **params, since=create["at"]) == [update, create]
    assert walk_events(admin, **params, since=update["at"]) == [update]
    assert walk_events(admin, **params, until=update["at"]) == [create]
    assert walk_events(admin, **params, until=create["at"]) == []
    day = create["at"][:10]
    assert walk_events(admin, **params, since=day) == [update, create]
    assert walk_events(admin, **params, until=day) == []


@pytest.mark.parametrize("param", ["since", "until"])
@pytest.mark.parametrize("value", ["yesterday", "2017-02-30", "14/06/2017",
                                   "2017-06-14T25:00:00Z", "2017-13-01"])
def test_a_bad_time_bound_is_400_naming_it(admin, param, value):
    assert_problem(admin.get("/v1/audit-events", params={param: value}), 400,
                   "invalid_parameter", param)


@pytest.mark.parametrize("param,value", [("action", "approved"), ("action", "LOGIN"),
                                         ("entity_type", "task"), ("entity_type", "document")])
def test_an_unknown_action_or_entity_type_is_400_naming_it(admin, param, value):
    """Like every enumerated filter (`GET /v1/users?role=boss` is 400): a misspelt filter value
    is an error, not an empty trail an auditor could take for "nothing happened"."""
    assert_problem(admin.get("/v1/audit-events", params={param: value}), 400,
                   "invalid_parameter", param)


def test_an_unknown_parameter_is_400(admin):
    assert_problem(admin.get("/v1/audit-events", params={"request_id": "x"}), 400,
                   "unknown_parameter", "request_id")


def test_the_trail_pages_to_its_end_without_gaps(admin, db):
    admin.authorization()
    count = db.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    items, pages = admin.walk("/v1/audit-events", limit=97, via="link")
    ids = [e["id"] for e in items]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))
    assert len(ids) == count and pages == -(-count // 97)


@pytest.mark.parametrize("reader", ["admin", "coordinator", "auditor"])
def test_every_audit_reader_sees_the_same_trail(api, admin, reader):
    api.as_user(reader).authorization()
    newest = admin.json("/v1/audit-events", {"limit": 20})["items"]
    assert api.as_user(reader).json("/v1/audit-events", {"limit": 20})["items"] == newest


# --- append-only --------------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'update', changes = '{}'"
    " WHERE id = (SELECT max(id) FROM audit_event)",
    "UPDATE audit_event SET username = 'someone-else'",
    "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
])
def test_the_service_role_cannot_change_or_remove_events(db, statement):
    owner, me = db.execute("SELECT tableowner, current_user FROM pg_tables"
                           " WHERE schemaname = 'public' AND tablename = 'audit_event'").fetchone()
    assert owner == me, "the test must run as the role that owns the trail (the service's)"
    before = table_digests(db, ["audit_event"])
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        db.execute(statement)
    assert refused.value.sqlstate == "42501"
    assert table_digests(db, ["audit_event"]) == before

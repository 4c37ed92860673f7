"""User accounts: creating, listing, reading and changing them; one's own account and password.

An admin manages every user; a manager the officers and managers of its own agency (PRODUCT.md,
"Access rules"). Changes need `If-Match`. Disabling a user, or changing its role, agency or
password, ends its sessions at once. No response ever shows a password or its hash. (If-Match
on PATCH is tested for users and documents alike in test_preconditions.py.)
"""

import math
import re
import time
import uuid

import pytest

from checks import (assert_no_secret, assert_problem, assert_token_accepted,
                    assert_token_refused, assert_unauthorized, problem_core)
from conftest import needs_server_process, needs_user_change_at_once, new_username
from jwt_craft import parts
from settings import DEMO_PASSWORD, DEMO_USERS, USER_STATE_CACHE_S

TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
USER_FIELDS = {"username", "display_name", "agency", "role", "active", "email", "mail_digest",
               "version", "created_at", "updated_at"}
SERVER_OWNED = ["id", "version", "created_at", "updated_at", "created_by"]


def user_path(name):
    return f"/v1/users/{name}"


def new_user_body(**fields):
    return {"username": new_username(), "agency": "UBND-883", "role": "officer",
            "password": f"pw-{uuid.uuid4().hex}", **fields}


def get_user(api, name):
    """GET /v1/users/{name} -> (body, ETag); must be 200."""
    r = api.get(user_path(name))
    assert r.status_code == 200, f"GET {name} -> {r.status_code}: {r.text[:300]}"
    assert_no_secret(r.json())
    return r.json(), r.headers["ETag"]


def patch_user(api, name, body, etag=None, content_type="application/merge-patch+json"):
    """PATCH a user as `api` with If-Match `etag` (None: the current one, as `api` reads it;
    False: no If-Match)."""
    if etag is None:
        etag = get_user(api, name)[1]
    headers = {"If-Match": etag} if etag else {}
    r = api.patch_json(user_path(name), body, headers=headers, content_type=content_type)
    if r.status_code == 200:
        assert_no_secret(r.json())
    return r


def assert_patch_refused(client, admin, name, body, status, code, field=None, etag=None):
    """PATCH by `client` is refused with `status` `code` (naming `field`) and changes nothing
    that admin can read."""
    before = get_user(admin, name)
    if etag is None:
        etag = before[1]
    assert_problem(patch_user(client, name, body, etag), status, code, field)
    assert get_user(admin, name) == before


def sign_in(api, name, password):
    return api.anonymous().post_json("/v1/auth/token", {"username": name, "password": password})


def token_pair(api, name, password):
    r = sign_in(api, name, password)
    assert r.status_code == 200, f"{name} cannot sign in: {r.status_code} {r.text[:200]}"
    return r.json()


def refresh(api, refresh_token):
    return api.anonymous().post_json("/v1/auth/refresh", {"refresh_token": refresh_token})


def assert_create_refused(client, db, fields, status, code, field):
    """POST /v1/users of a new user with `fields` is refused with `status` `code` naming
    `field`, and no user is added."""
    before = db.execute("SELECT count(*) FROM app_user").fetchone()[0]
    assert_problem(client.post_json("/v1/users", new_user_body(**fields)), status, code, field)
    assert db.execute("SELECT count(*) FROM app_user").fetchone()[0] == before


# --- creating -----------------------------------------------------------------------------------

def test_admin_creates_a_user_with_location_and_etag(admin, api):
    body = new_user_body(display_name="Cán bộ thử nghiệm", agency="SYT", role="viewer")
    r = admin.post_json("/v1/users", body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert set(created) == USER_FIELDS
    assert_no_secret(created)
    assert {k: created[k] for k in ("username", "display_name", "agency", "role")} == \
        {k: body[k] for k in ("username", "display_name", "agency", "role")}
    assert created["active"] is True and created["version"] == 1
    assert TIMESTAMP.match(created["created_at"]) and created["updated_at"] == created["created_at"]
    assert r.headers["Location"] == user_path(body["username"])
    fetched, etag = get_user(admin, body["username"])
    assert fetched == created
    assert r.headers["ETag"] == etag
    pair = token_pair(api, body["username"], body["password"])
    assert parts(pair["access_token"])[1]["role"] == "viewer"


@needs_server_process
def test_passwords_reach_no_log(admin, api, server):
    mark = server.output_sizes()
    body = new_user_body()
    assert admin.post_json("/v1/users", body).status_code == 201
    new = f"new-{uuid.uuid4().hex}"
    assert patch_user(admin, body["username"], {"password": new}).status_code == 200
    assert sign_in(api, body["username"], new).status_code == 200
    log = server.output_since(mark)
    assert body["username"] in log, "nothing was logged"
    assert body["password"] not in log and new not in log, "a password reached the log"


def test_display_name_defaults_to_empty_and_active_to_true(admin):
    created = admin.post_json("/v1/users", new_user_body()).json()
    assert created["display_name"] == "" and created["active"] is True


def test_a_user_created_disabled_cannot_sign_in(admin, api):
    body = new_user_body(active=False)
    assert admin.post_json("/v1/users", body).json()["active"] is False
    assert_unauthorized(sign_in(api, body["username"], body["password"]), token_sent=False)


def test_a_new_user_can_use_its_first_token_at_once(admin, api):
    """A token issued in the very second the account was made is as good as any other. (The
    account is made in the second half of a second, where rounding would put the start of its
    sessions in the next second; the sign-in follows at once, in the same second.)"""
    for _ in range(5):
        time.sleep((1.55 - math.modf(time.time())[0]) % 1.0)  # to x.55 s
        body = new_user_body()
        assert admin.post_json("/v1/users", body).status_code == 201
        created_second = math.floor(time.time())
        pair = token_pair(api, body["username"], body["password"])
        if parts(pair["access_token"])[1]["iat"] == created_second:
            break
    else:
        pytest.skip("could not sign in within the second of the creation (slow machine)")
    r = api.with_token(pair["access_token"]).get("/v1/me")
    assert r.status_code == 200, (
        f"the first token of a user made {created_second}.5x s is refused: {r.text[:200]}")


def test_a_manager_creates_officers_and_managers_of_its_own_agency(api):
    manager = api.as_user("longxuyen.manager")
    for role in ("officer", "manager"):
        r = manager.post_json("/v1/users", new_user_body(agency="UBND-883", role=role))
        assert r.status_code == 201, r.text
        assert (r.json()["agency"], r.json()["role"]) == ("UBND-883", role)


@pytest.mark.parametrize("agency,role,field", [
    ("UBND-884", "officer", "agency"), ("SLDTBXH", "officer", "agency"),
    ("UBND-883", "admin", "role"), ("UBND-883", "coordinator", "role"),
    ("UBND-883", "viewer", "role"), ("UBND-883", "auditor", "role"),
])
def test_a_manager_may_not_create_outside_its_agency_or_roles(api, db, agency, role, field):
    assert_create_refused(api.as_user("longxuyen.manager"), db, {"agency": agency, "role": role},
                          403, "forbidden", field)


@pytest.mark.parametrize("field", SERVER_OWNED)
def test_a_server_owned_field_is_400_naming_it(admin, db, field):
    value = "2020-01-01T00:00:00Z" if field.endswith("_at") else ("admin" if field == "created_by"
                                                                 else 7)
    assert_create_refused(admin, db, {field: value}, 400, "bad_request", field)


@pytest.mark.parametrize("field", ["phone", "password_hash", "Role", "session_version"])
def test_an_unknown_field_is_400_naming_it(admin, db, field):
    assert_create_refused(admin, db, {field: "x"}, 400, "bad_request", field)


@pytest.mark.parametrize("username", ["admin", "longxuyen.officer"])
def test_a_taken_username_is_409(admin, db, username):
    assert_create_refused(admin, db, {"username": username}, 409, "conflict", "username")


def test_the_second_of_two_identical_creations_is_409(admin):
    body = new_user_body()
    assert admin.post_json("/v1/users", body).status_code == 201
    assert_problem(admin.post_json("/v1/users", body), 409, "conflict", "username")


@pytest.mark.parametrize("agency", ["UBND-999", "NOPE", "ubnd-883"])
def test_an_unknown_agency_is_422(admin, db, agency):
    assert_create_refused(admin, db, {"agency": agency}, 422, "validation_failed", "agency")


@pytest.mark.parametrize("username", [
    "a", "Ab-cd", "ADMIN", "-abc", ".abc", "_abc", "a b", "a/b", "a@b", "ab!", "a" * 64,
    "nguyễn", "", "abc\n",
])
def test_a_bad_username_is_422(admin, db, username):
    assert_create_refused(admin, db, {"username": username}, 422, "validation_failed", "username")


@pytest.mark.parametrize("username", ["q7", "0.9_x-y", "z" * 63, "longxuyen.officer.2"])
def test_usernames_at_the_edges_are_accepted(admin, username):
    r = admin.post_json("/v1/users", new_user_body(username=username))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("password", [
    pytest.param("", id="empty"), pytest.param("123456789", id="9 characters"),
    pytest.param("mậtkhẩu12", id="9 characters in 13 bytes"),
    pytest.param("x" * 257, id="257 characters"),
])
def test_a_weak_or_overlong_password_is_422(admin, db, password):
    assert_create_refused(admin, db, {"password": password}, 422, "validation_failed", "password")


def test_a_password_of_ten_vietnamese_characters_is_accepted(admin, api):
    body = new_user_body(password="mậtkhẩuđây")
    assert len(body["password"]) == 10
    assert admin.post_json("/v1/users", body).status_code == 201
    assert sign_in(api, body["username"], body["password"]).status_code == 200


@pytest.mark.parametrize("field,value", [
    ("role", "superuser"), ("role", "Admin"), ("role", None), ("active", "yes"), ("active", 1),
    ("display_name", "x" * 201), ("display_name", 5), ("agency", 883), ("username", None),
])
def test_a_bad_value_is_422_naming_the_field(admin, db, field, value):
    assert_create_refused(admin, db, {field: value}, 422, "validation_failed", field)


@pytest.mark.parametrize("missing", ["username", "agency", "role", "password"])
def test_a_missing_field_is_422_naming_it(admin, missing):
    body = new_user_body()
    del body[missing]
    assert_problem(admin.post_json("/v1/users", body), 422, "validation_failed", missing)


# --- listing and reading ------------------------------------------------------------------------

def all_users(api, **params):
    items, _ = api.walk("/v1/users", params, limit=500)
    for u in items:
        assert set(u) == USER_FIELDS
        assert_no_secret(u)
    return items


def test_admin_lists_every_user_in_username_order(admin):
    users = all_users(admin)
    names = [u["username"] for u in users]
    assert names == sorted(names)
    assert set(DEMO_USERS) <= set(names)


def test_the_list_walks_page_by_page(admin):
    whole = all_users(admin)
    paged, pages = admin.walk("/v1/users", limit=3, via="link")
    assert paged == whole and pages >= 3


@pytest.mark.parametrize("params", [{"agency": "UBND-883"}, {"role": "officer"},
                                    {"active": "false"}, {"active": "true", "role": "viewer"},
                                    {"agency": "UBND-884", "role": "officer"}])
def test_list_filters(admin, make_user, params):
    make_user(active=False)
    whole = all_users(admin)
    expected = [u for u in whole
                if all((str(u[k]).lower() if isinstance(u[k], bool) else u[k]) == v
                       for k, v in params.items())]
    assert expected, f"nothing to filter for {params}"
    assert all_users(admin, **params) == expected


@pytest.mark.parametrize("param,value", [("active", "yes"), ("active", "1"), ("role", "boss"),
                                         ("limit", "0"), ("cursor", "nonsense")])
def test_a_bad_filter_is_400_naming_it(admin, param, value):
    assert_problem(admin.get("/v1/users", params={param: value}), 400, "invalid_parameter", param)


def test_an_unknown_list_parameter_is_400(admin):
    assert_problem(admin.get("/v1/users", params={"username": "admin"}), 400,
                   "unknown_parameter", "username")


def test_a_manager_lists_only_its_own_agency(api, admin):
    manager = api.as_user("longxuyen.manager")
    own = [u for u in all_users(admin) if u["agency"] == "UBND-883"]
    assert all_users(manager) == own
    assert all_users(manager, agency="UBND-883") == own
    assert all_users(manager, role="officer") == [u for u in own if u["role"] == "officer"]


@pytest.mark.parametrize("agency", ["UBND-884", "STTTT", "NOPE"])
def test_a_manager_asking_for_another_agency_gets_an_empty_list(api, agency):
    r = api.as_user("longxuyen.manager").get("/v1/users", params={"agency": agency})
    assert r.status_code == 200
    assert r.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("name", sorted(DEMO_USERS))
def test_admin_reads_any_user(admin, name):
    user, _ = get_user(admin, name)
    assert (user["agency"], user["role"]) == DEMO_USERS[name]


def test_a_user_has_an_etag_and_honours_if_none_match(admin):
    _, etag = get_user(admin, "chaudoc.officer")
    r = admin.get(user_path("chaudoc.officer"), headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.headers["ETag"] == etag


def test_a_manager_reads_its_own_agencys_users_and_no_other(api):
    manager = api.as_user("longxuyen.manager")
    assert get_user(manager, "longxuyen.officer")[0]["agency"] == "UBND-883"
    other = manager.get(user_path("chaudoc.officer"))
    missing = manager.get(user_path("no-such-user"))
    assert_problem(other, 404, "not_found")
    assert_problem(missing, 404, "not_found")
    assert problem_core(other) == problem_core(missing), "another agency's user can be probed"


def test_an_unknown_user_is_404(admin):
    assert_problem(admin.get(user_path("no-such-user")), 404, "not_found")


# --- changing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/json"])
def test_patch_changes_the_fields_given_and_nothing_else(admin, make_user, content_type):
    user = make_user(display_name="Trước")
    name = user["username"]
    before, etag = get_user(admin, name)
    r = patch_user(admin, name, {"display_name": "Sau"}, etag, content_type=content_type)
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["display_name"] == "Sau" and after["version"] == before["version"] + 1
    assert {k: v for k, v in after.items() if k not in ("display_name", "version", "updated_at")} \
        == {k: v for k, v in before.items() if k not in ("display_name", "version", "updated_at")}
    assert after["updated_at"] >= before["updated_at"]
    assert r.headers["ETag"] != etag
    assert get_user(admin, name) == (after, r.headers["ETag"])


def test_patch_with_another_media_type_is_415(admin, make_user):
    name = make_user()["username"]
    r = patch_user(admin, name, {"display_name": "x"}, content_type="text/plain")
    assert_problem(r, 415, "unsupported_media_type")


# If-Match (428, 412) and two changes from one ETag: test_preconditions.py.


@pytest.mark.parametrize("field", ["username"] + SERVER_OWNED)
def test_patching_username_or_a_server_owned_field_is_400_naming_it(admin, make_user, field):
    value = "2020-01-01T00:00:00Z" if field.endswith("_at") else (
        "someone" if field in ("username", "created_by") else 9)
    assert_patch_refused(admin, admin, make_user()["username"], {field: value}, 400,
                         "bad_request", field)


@pytest.mark.parametrize("body,field", [
    ({"nickname": "x"}, "nickname"), ({"password_hash": "x"}, "password_hash"),
])
def test_patching_an_unknown_field_is_400_naming_it(admin, make_user, body, field):
    assert_patch_refused(admin, admin, make_user()["username"], body, 400, "bad_request", field)


@pytest.mark.parametrize("body,field", [
    ({"agency": "UBND-999"}, "agency"), ({"password": "short"}, "password"),
    ({"role": "root"}, "role"), ({"active": None}, "active"), ({"display_name": None},
                                                               "display_name"),
    ({"active": "false"}, "active"),
])
def test_patching_a_bad_value_is_422_naming_it(admin, make_user, body, field):
    assert_patch_refused(admin, admin, make_user()["username"], body, 422, "validation_failed",
                         field)


def test_patching_an_unknown_user_is_404(admin):
    r = admin.patch_json(user_path("no-such-user"), {"display_name": "x"},
                         headers={"If-Match": '"0000000000000000"'},
                         content_type="application/merge-patch+json")
    assert_problem(r, 404, "not_found")


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_a_manager_changes_its_own_agencys_officers_and_managers(api, admin, make_user, role):
    name = make_user(agency="UBND-883", role=role)["username"]
    manager = api.as_user("longxuyen.manager")
    _, etag = get_user(manager, name)
    r = patch_user(manager, name, {"display_name": "đổi bởi quản lý", "role": "officer"},
                   etag)
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "đổi bởi quản lý"


@pytest.mark.parametrize("body,field", [
    ({"agency": "UBND-884"}, "agency"), ({"role": "admin"}, "role"),
    ({"role": "viewer"}, "role"), ({"role": "coordinator"}, "role"),
])
def test_a_manager_may_not_move_a_user_out_or_give_other_roles(api, admin, make_user, body,
                                                                field):
    name = make_user(agency="UBND-883", role="officer")["username"]
    assert_patch_refused(api.as_user("longxuyen.manager"), admin, name, body, 403, "forbidden",
                         field)


@pytest.mark.parametrize("role", ["admin", "viewer", "auditor", "coordinator"])
def test_a_manager_may_not_change_its_agencys_users_of_other_roles(api, admin, make_user, role):
    name = make_user(agency="UBND-883", role=role)["username"]
    manager = api.as_user("longxuyen.manager")
    assert get_user(manager, name)[0] == get_user(admin, name)[0], "the manager may read them"
    assert_patch_refused(manager, admin, name, {"display_name": "x"}, 403, "forbidden")


def test_a_manager_changing_another_agencys_user_gets_404(api, admin, make_user):
    name = make_user(agency="UBND-884", role="officer")["username"]
    assert_patch_refused(api.as_user("longxuyen.manager"), admin, name, {"display_name": "x"},
                         404, "not_found")


# --- changes that end sessions ------------------------------------------------------------------

@pytest.fixture
def signed_in_user(api, make_user):
    """A throwaway officer of UBND-883 with a token pair; returns (name, password, pair)."""
    user = make_user()
    name = user["username"]
    password = api.sessions.password(name)
    pair = token_pair(api, name, password)
    assert_token_accepted(api, pair["access_token"])
    return name, password, pair


def assert_sessions_ended(api, pair, refusal=None):
    assert_token_refused(api, pair["access_token"])
    assert_unauthorized(refresh(api, pair["refresh_token"]), token_sent=False)


@needs_user_change_at_once
def test_disabling_a_user_ends_its_sessions_and_sign_ins(api, admin, signed_in_user):
    name, password, pair = signed_in_user
    assert patch_user(admin, name, {"active": False}).json()["active"] is False
    assert_sessions_ended(api, pair)
    assert_unauthorized(sign_in(api, name, password), token_sent=False)


def test_enabling_again_lets_it_sign_in_but_not_use_old_tokens(api, admin, signed_in_user):
    name, password, pair = signed_in_user
    patch_user(admin, name, {"active": False})
    assert patch_user(admin, name, {"active": True}).status_code == 200
    assert_token_refused(api, pair["access_token"])
    assert_unauthorized(refresh(api, pair["refresh_token"]), token_sent=False)
    assert_token_accepted(api, token_pair(api, name, password)["access_token"])


@pytest.mark.parametrize("change", [{"role": "manager"}, {"agency": "UBND-884"},
                                    {"password": "a brand new password"}])
@needs_user_change_at_once
def test_a_change_of_role_agency_or_password_ends_its_sessions(api, admin, signed_in_user,
                                                               change):
    name, password, pair = signed_in_user
    assert patch_user(admin, name, change).status_code == 200
    assert_sessions_ended(api, pair)
    new_password = change.get("password", password)
    if "password" in change:
        assert_unauthorized(sign_in(api, name, password), token_sent=False)
    assert_token_accepted(api, token_pair(api, name, new_password)["access_token"])


def test_a_change_of_display_name_keeps_its_sessions(api, admin, signed_in_user):
    name, _, pair = signed_in_user
    assert patch_user(admin, name, {"display_name": "Tên mới"}).status_code == 200
    assert_token_accepted(api, pair["access_token"])
    assert refresh(api, pair["refresh_token"]).status_code == 200


def test_disabling_is_seen_by_every_instance_within_5_seconds(api, admin, extra_server,
                                                              signed_in_user):
    name, _, pair = signed_in_user
    other = api.on(extra_server())
    assert_token_accepted(other, pair["access_token"])  # that instance now knows the user
    patch_user(admin, name, {"active": False})
    started = time.monotonic()
    while time.monotonic() - started < USER_STATE_CACHE_S + 2:
        if other.with_token(pair["access_token"]).get("/v1/me").status_code == 401:
            break
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    assert elapsed <= USER_STATE_CACHE_S + 0.5, f"the other instance took {elapsed:.1f} s"
    assert_token_refused(other, pair["access_token"])


# --- one's own account --------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DEMO_USERS))
def test_me_is_the_calling_user(api, admin, name):
    r = api.as_user(name).get("/v1/me")
    assert r.status_code == 200
    assert_no_secret(r.json())
    assert r.json() == get_user(admin, name)[0]
    again = api.as_user(name).get("/v1/me", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_me_takes_no_parameters(api):
    assert_problem(api.get("/v1/me", params={"username": "admin"}), 400, "unknown_parameter",
                   "username")


def change_password(api, current, new, token=None):
    client = api.with_token(token) if token else api
    return client.put_json("/v1/me/password", {"current_password": current, "new_password": new})


@needs_user_change_at_once
def test_changing_ones_password_ends_ones_sessions(api, signed_in_user):
    name, password, pair = signed_in_user
    new = "my new password, long enough"
    r = change_password(api, password, new, pair["access_token"])
    assert r.status_code == 204 and r.content == b"", r.text
    assert_sessions_ended(api, pair)
    assert_unauthorized(sign_in(api, name, password), token_sent=False)
    assert_token_accepted(api, token_pair(api, name, new)["access_token"])


def test_a_password_change_ends_even_the_sessions_begun_in_its_own_second(api, make_user):
    """Every session begun before the change ends, even one begun in the same second; a sign-in
    right after the change works at once."""
    user = make_user()
    name, password = user["username"], api.sessions.password(user["username"])
    new = "changed in the same second"
    for _ in range(5):
        time.sleep(1.02 - math.modf(time.time())[0])  # the start of a second
        stolen = token_pair(api, name, password)
        mine = token_pair(api, name, password)
        assert change_password(api, password, new, mine["access_token"]).status_code == 204
        after = token_pair(api, name, new)
        second = math.floor(time.time())
        if parts(stolen["access_token"])[1]["iat"] == second:
            break
        password, new = new, password  # too slow to tell: try again, changing back
    else:
        pytest.skip("could not sign in and change the password within one second")
    assert_token_refused(api, stolen["access_token"])
    assert_token_accepted(api, after["access_token"])


def test_a_wrong_current_password_is_403_and_changes_nothing(api, signed_in_user):
    name, password, pair = signed_in_user
    r = change_password(api, "not my password", "a new password here", pair["access_token"])
    assert_problem(r, 403, "forbidden", "current_password")
    assert_token_accepted(api, pair["access_token"])
    assert sign_in(api, name, password).status_code == 200


@pytest.mark.parametrize("new", ["", "short", "123456789", "x" * 257])
def test_a_weak_new_password_is_422(api, signed_in_user, new):
    name, password, pair = signed_in_user
    r = change_password(api, password, new, pair["access_token"])
    assert_problem(r, 422, "validation_failed", "new_password")
    assert sign_in(api, name, password).status_code == 200


@pytest.mark.parametrize("body,status,field", [
    ({"new_password": "long enough password"}, 422, "current_password"),
    ({"current_password": "x"}, 422, "new_password"),
    ({"current_password": "x", "new_password": "long enough password", "username": "admin"},
     400, "username"),
])
def test_password_change_body_rules(api, body, status, field):
    r = api.put_json("/v1/me/password", body)
    assert_problem(r, status, "validation_failed" if status == 422 else "bad_request", field)


def test_password_change_needs_no_if_match_but_a_token(api):
    r = api.anonymous().put_json("/v1/me/password", {"current_password": DEMO_PASSWORD,
                                                     "new_password": "whatever it is"})
    assert_unauthorized(r, token_sent=False)

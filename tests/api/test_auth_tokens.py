"""Signing in, refreshing and signing out; the tokens' claims and the published keys; throttling.

The tokens must verify with an ordinary JWT library (Debian's python3-jwt) from nothing but the
JWK Set the server publishes. Failed sign-ins use throwaway users, so that no demo user gets
throttled.
"""

import concurrent.futures
import json
import random
import re
import threading
import time

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from checks import (CHALLENGE, assert_problem, assert_token_accepted, assert_token_refused,
                    assert_unauthorized, eventually, problem_core)
from conftest import needs_server_process, new_username, openssl
from jwt_craft import parts
from server import rss_mib
from settings import (DEMO_PASSWORD, DEMO_USERS, JWT_AUDIENCE, JWT_ISSUER, JWT_MAX_TTL, JWT_TTL,
                      LOGIN_MAX_FAILURES, LOGIN_WINDOW_S)

REFRESH_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def login(api, username, password):
    return api.anonymous().post_json("/v1/auth/token", {"username": username,
                                                         "password": password})


def tokens(api, username, password=DEMO_PASSWORD):
    """A fresh token pair (the parsed 200 body) for `username`."""
    r = login(api, username, password)
    assert r.status_code == 200, f"login {username} -> {r.status_code}: {r.text[:300]}"
    return r.json()


def refresh(api, refresh_token):
    return api.anonymous().post_json("/v1/auth/refresh", {"refresh_token": refresh_token})


def logout(api, refresh_token):
    return api.anonymous().post_json("/v1/auth/logout", {"refresh_token": refresh_token})


def jwks_keys(api):
    r = api.anonymous().get("/.well-known/jwks.json")
    assert r.status_code == 200
    return {k["kid"]: jwt.PyJWK(k) for k in r.json()["keys"]}


def verify(token, key, alg="RS256"):
    return jwt.decode(token, key.key, algorithms=[alg], audience=JWT_AUDIENCE, issuer=JWT_ISSUER,
                      options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]})


# --- signing in ---------------------------------------------------------------------------------

def test_sign_in_answers_a_bearer_token_pair_that_is_not_cached(api):
    r = login(api, "longxuyen.officer", DEMO_PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == JWT_TTL
    assert REFRESH_TOKEN.match(body["refresh_token"])
    assert r.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_the_access_token_carries_the_users_claims(api, username):
    before = int(time.time())
    token = tokens(api, username)["access_token"]
    after = int(time.time())
    header, claims = parts(token)
    agency, role = DEMO_USERS[username]
    assert header["alg"] == "RS256"
    assert header.get("kid"), header
    assert claims["iss"] == JWT_ISSUER
    assert claims["aud"] in (JWT_AUDIENCE, [JWT_AUDIENCE])
    assert (claims["sub"], claims["role"], claims["agency"]) == (username, role, agency)
    for name in ("iat", "nbf", "exp"):
        assert isinstance(claims[name], int), f"{name} is not an integer: {claims[name]!r}"
    assert before <= claims["iat"] <= after
    assert claims["nbf"] <= claims["iat"]
    assert claims["exp"] - claims["iat"] == JWT_TTL <= JWT_MAX_TTL
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16


def test_every_token_has_its_own_jti(api):
    jtis = {parts(tokens(api, "viewer")["access_token"])[1]["jti"] for _ in range(3)}
    assert len(jtis) == 3


def test_the_token_opens_v1_me_as_its_user(api):
    token = tokens(api, "chaudoc.officer")["access_token"]
    me = assert_token_accepted(api, token).json()
    assert (me["username"], me["agency"], me["role"]) == ("chaudoc.officer", "UBND-884", "officer")


def sign_in_at_once(there, count, threads):
    """`count` sign-ins of the demo users, `threads` at a time: their responses."""
    names = sorted(DEMO_USERS)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda i: login(there, names[i % len(names)], DEMO_PASSWORD),
                             range(count), timeout=120))


@pytest.mark.usefixtures("release_only")
def test_fifty_sign_ins_at_once_leave_the_server_under_64_mib_within_10_seconds(api,
                                                                               extra_server):
    """Each password check holds 19 MiB (argon2id) while it runs; at most
    PASSWORD_HASH_CONCURRENCY run at once, and their memory goes back to the system after."""
    server = extra_server(HTTP_THREADS="8", PASSWORD_HASH_WAIT_MS="30000")  # memory, not waits
    answers = sign_in_at_once(api.on(server), 50, 16)
    assert [r.status_code for r in answers] == [200] * 50, \
        [(r.status_code, r.text[:200]) for r in answers if r.status_code != 200]
    eventually(lambda: rss_mib(server.proc.pid) < 64,
               "the server's RSS under 64 MiB after 50 sign-ins", timeout=10)


def test_a_sign_in_that_finds_no_turn_to_check_its_password_is_503_with_retry_after(
        api, extra_server):
    there = api.on(extra_server(HTTP_THREADS="8", PASSWORD_HASH_CONCURRENCY="1",
                                PASSWORD_HASH_WAIT_MS="1"))
    for _ in range(20):
        answers = sign_in_at_once(there, 8, 8)
        assert {r.status_code for r in answers} <= {200, 503}, [r.text[:200] for r in answers]
        busy = [r for r in answers if r.status_code == 503]
        if busy:
            assert_problem(busy[0], 503, "service_unavailable")
            assert busy[0].headers["Retry-After"] == "2"
            break
    else:
        pytest.fail("8 sign-ins at once, one password check at a time, never found one busy")
    assert tokens(there, "viewer")["token_type"] == "Bearer"  # and alone, it is signed in


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "Basic dmlld2VyOng=", ""])
def test_signing_in_ignores_any_authorization_header(api, authorization):
    r = api.post_json("/v1/auth/token", {"username": "viewer", "password": DEMO_PASSWORD},
                      headers={"Authorization": authorization})
    assert r.status_code == 200, r.text


# --- the published keys -------------------------------------------------------------------------

def test_jwks_publishes_the_servers_rsa_public_key(api, jwt_keys):
    r = api.anonymous().get("/.well-known/jwks.json")
    assert r.status_code == 200
    keys = r.json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    ours = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key)).public_numbers()
    expected = load_pem_private_key(jwt_keys.private_pem, None).public_key().public_numbers()
    assert (ours.n, ours.e) == (expected.n, expected.e)


def test_a_real_token_verifies_with_the_published_key_alone(api):
    token = tokens(api, "health.officer")["access_token"]
    keys = jwks_keys(api)
    kid = parts(token)[0]["kid"]
    assert kid in keys, f"the token's kid {kid} is not in the JWK Set {list(keys)}"
    claims = verify(token, keys[kid])
    assert claims["sub"] == "health.officer"


def test_the_published_key_does_not_verify_a_token_of_another_key(api, jwt_keys):
    forged = jwt.encode({"sub": "x", "iss": JWT_ISSUER, "aud": JWT_AUDIENCE},
                        jwt_keys.other_private_pem, algorithm="RS256")
    key = next(iter(jwks_keys(api).values()))
    with pytest.raises(jwt.InvalidSignatureError):
        verify(forged, key)


def test_jwks_is_public_and_takes_no_parameters(api):
    assert api.with_token("garbage").get("/.well-known/jwks.json").status_code == 200
    assert_problem(api.anonymous().get("/.well-known/jwks.json", params={"kid": "x"}), 400,
                   "unknown_parameter", "kid")


# --- refresh and sign-out -----------------------------------------------------------------------

def test_refresh_rotates_the_refresh_token(api):
    first = tokens(api, "auditor")
    r = refresh(api, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert r.headers["Cache-Control"] == "no-store"
    assert second["refresh_token"] != first["refresh_token"]
    assert REFRESH_TOKEN.match(second["refresh_token"])
    assert second["token_type"] == "Bearer" and second["expires_in"] == JWT_TTL
    old_claims, new_claims = parts(first["access_token"])[1], parts(second["access_token"])[1]
    assert new_claims["sub"] == "auditor" and new_claims["jti"] != old_claims["jti"]
    assert_token_accepted(api, second["access_token"])
    third = refresh(api, second["refresh_token"])
    assert third.status_code == 200, "the rotated refresh token must work once"


def assert_one_family(api, pairs):
    """The refresh tokens of `pairs` are of one sign-in's family: each refreshes, and signing
    out with the first one's successor ends every other one's."""
    successors = []
    for pair in pairs:
        r = refresh(api, pair["refresh_token"])
        assert r.status_code == 200, f"a pair of the family does not refresh: {r.text[:300]}"
        successors.append(r.json())
    assert logout(api, successors[0]["refresh_token"]).status_code == 204
    for other in successors[1:]:
        assert_unauthorized(refresh(api, other["refresh_token"]), token_sent=False)


def test_two_tabs_refreshing_one_token_both_get_a_pair_of_its_family(api):
    """Within the grace period (REFRESH_REUSE_GRACE_S, 10 s by default) a spent refresh token
    refreshes again: two tabs that refreshed at the same time both go on."""
    first = tokens(api, "auditor")
    answers = [refresh(api, first["refresh_token"]) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200], [r.text[:200] for r in answers]
    pairs = [r.json() for r in answers]
    assert pairs[0]["refresh_token"] != pairs[1]["refresh_token"]
    assert parts(pairs[0]["access_token"])[1]["jti"] != parts(pairs[1]["access_token"])[1]["jti"]
    for pair in pairs:
        assert REFRESH_TOKEN.match(pair["refresh_token"])
        assert_token_accepted(api, pair["access_token"])
    assert_one_family(api, pairs)


def refresh_at_once(clients, refresh_token):
    """Each client refreshes `refresh_token`, all released at the same moment."""
    barrier = threading.Barrier(len(clients), timeout=60)

    def one(client):
        barrier.wait()
        return refresh(client, refresh_token)

    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(one, clients, timeout=120))


def test_two_instances_refreshing_one_token_at_once_both_succeed(api, extra_server):
    """The grace is kept in PostgreSQL: two instances on one database, each refreshing the
    same token at the same moment, both answer a pair of its family."""
    instances = [api.on(extra_server()).anonymous() for _ in range(2)]
    for attempt in range(5):
        first = tokens(api, "auditor")
        answers = refresh_at_once(instances, first["refresh_token"])
        assert [r.status_code for r in answers] == [200, 200], \
            f"attempt {attempt + 1}: {[(r.status_code, r.text[:200]) for r in answers]}"
        pairs = [r.json() for r in answers]
        assert pairs[0]["refresh_token"] != pairs[1]["refresh_token"]
        assert_one_family(api, pairs)


def test_a_refresh_token_reused_after_the_grace_ends_its_whole_family(api, extra_server):
    there = api.on(extra_server(REFRESH_REUSE_GRACE_S="1"))
    first = tokens(there, "auditor")
    started = time.monotonic()
    successor = refresh(there, first["refresh_token"])
    assert successor.status_code == 200, successor.text
    reuses = []

    def refused():
        reuses.append(refresh(there, first["refresh_token"]))
        return reuses[-1].status_code != 200

    eventually(refused, "the reuse of a spent refresh token to be refused", timeout=15,
               interval=0.2)
    elapsed = time.monotonic() - started
    *within, replay = reuses
    within = [r.json() for r in within]
    assert_unauthorized(replay, token_sent=False)
    assert within, "the reuse right after the first use was refused, within the grace"
    assert elapsed >= 0.9, f"refused {elapsed:.2f} s after the first use, within the 1 s grace"
    for pair in [successor.json(), *within]:
        assert_unauthorized(refresh(there, pair["refresh_token"]), token_sent=False)


def test_with_no_grace_a_second_use_ends_the_family_at_once(api, extra_server):
    there = api.on(extra_server(REFRESH_REUSE_GRACE_S="0"))
    first = tokens(there, "auditor")
    second = refresh(there, first["refresh_token"]).json()
    assert_unauthorized(refresh(there, first["refresh_token"]), token_sent=False)
    assert_unauthorized(refresh(there, second["refresh_token"]), token_sent=False)


def test_a_replay_does_not_touch_other_sign_ins(api, extra_server):
    there = api.on(extra_server(REFRESH_REUSE_GRACE_S="0"))
    mine, other = tokens(there, "auditor"), tokens(there, "auditor")
    refresh(there, mine["refresh_token"])
    assert refresh(there, mine["refresh_token"]).status_code == 401
    assert refresh(there, other["refresh_token"]).status_code == 200


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 128])
def test_an_unknown_refresh_token_is_401(api, token):
    r = refresh(api, token)
    assert_unauthorized(r, token_sent=False)
    assert r.headers["WWW-Authenticate"] == CHALLENGE


def test_logout_revokes_the_refresh_token_and_its_family(api):
    first = tokens(api, "coordinator")
    second = refresh(api, first["refresh_token"]).json()
    r = logout(api, second["refresh_token"])
    assert r.status_code == 204 and r.content == b""
    assert_unauthorized(refresh(api, second["refresh_token"]), token_sent=False)
    assert_unauthorized(refresh(api, first["refresh_token"]), token_sent=False)


def test_logout_with_a_rotated_refresh_token_ends_the_family_too(api):
    first = tokens(api, "coordinator")
    second = refresh(api, first["refresh_token"]).json()
    assert logout(api, first["refresh_token"]).status_code == 204
    assert refresh(api, second["refresh_token"]).status_code == 401


def test_logout_leaves_other_sign_ins_alone(api):
    mine, other = tokens(api, "coordinator"), tokens(api, "coordinator")
    assert logout(api, mine["refresh_token"]).status_code == 204
    assert refresh(api, other["refresh_token"]).status_code == 200


@pytest.mark.parametrize("token", ["unknown", "A" * 43])
def test_logout_of_an_unknown_or_spent_token_is_204(api, token):
    assert logout(api, token).status_code == 204
    pair = tokens(api, "coordinator")
    assert logout(api, pair["refresh_token"]).status_code == 204
    assert logout(api, pair["refresh_token"]).status_code == 204


def test_a_disabled_users_refresh_token_is_refused(api, admin, make_user):
    user = make_user()
    pair = tokens(api, user["username"], api.sessions.password(user["username"]))
    etag = admin.get(f"/v1/users/{user['username']}").headers["ETag"]
    r = admin.patch_json(f"/v1/users/{user['username']}", {"active": False},
                         headers={"If-Match": etag})
    assert r.status_code == 200, r.text
    assert_unauthorized(refresh(api, pair["refresh_token"]), token_sent=False)


# --- request bodies -----------------------------------------------------------------------------

@pytest.mark.parametrize("path,body,field", [
    ("/v1/auth/token", {"username": "viewer", "password": "x", "remember": True}, "remember"),
    ("/v1/auth/token", {"username": "viewer", "password": "x", "role": "admin"}, "role"),
    ("/v1/auth/refresh", {"refresh_token": "x", "username": "viewer"}, "username"),
    ("/v1/auth/logout", {"refresh_token": "x", "all": True}, "all"),
])
def test_an_unknown_field_is_400_naming_it(api, path, body, field):
    assert_problem(api.anonymous().post_json(path, body), 400, "bad_request", field)


@pytest.mark.parametrize("path,body,field", [
    ("/v1/auth/token", {"username": "viewer"}, "password"),
    ("/v1/auth/token", {"password": DEMO_PASSWORD}, "username"),
    ("/v1/auth/token", {"username": "viewer", "password": 12345678901}, "password"),
    ("/v1/auth/token", {"username": "", "password": DEMO_PASSWORD}, "username"),
    ("/v1/auth/refresh", {}, "refresh_token"),
    ("/v1/auth/refresh", {"refresh_token": None}, "refresh_token"),
    ("/v1/auth/logout", {"refresh_token": 42}, "refresh_token"),
])
def test_a_missing_or_mistyped_field_is_422_naming_it(api, path, body, field):
    assert_problem(api.anonymous().post_json(path, body), 422, "validation_failed", field)


@pytest.mark.parametrize("path", ["/v1/auth/token", "/v1/auth/refresh", "/v1/auth/logout"])
@pytest.mark.parametrize("body", [b"", b"not json", b"[]",
                                  b'{"refresh_token": "a", "refresh_token": "b"}'])
def test_a_body_that_is_not_one_json_object_is_400(api, path, body):
    assert_problem(api.anonymous().post_json(path, body), 400, "invalid_json")


@pytest.mark.parametrize("path", ["/v1/auth/token", "/v1/auth/refresh", "/v1/auth/logout"])
def test_a_form_body_is_415(api, path):
    r = api.anonymous().post_json(path, b"username=viewer&password=x",
                                  content_type="application/x-www-form-urlencoded")
    assert_problem(r, 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8",
                                          "Application/JSON"])
def test_json_media_type_parameters_and_case_are_accepted(api, content_type):
    """RFC 9110, 8.3.1: the type and subtype are case-insensitive."""
    r = api.anonymous().post_json("/v1/auth/token", {"username": "viewer",
                                                     "password": DEMO_PASSWORD},
                                  content_type=content_type)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("username,password", [
    ("nguyễn.văn.a", "wrong-password-1"), ("viewer\u0000admin", DEMO_PASSWORD),
    ("x" * 63, "wrong-password-1"), ("viewer", "p" * 256), ("' OR 1=1 --", "x"),
])
def test_odd_credentials_are_refused_without_a_server_error(api, username, password):
    r = login(api, username, password)
    assert r.status_code in (400, 401, 422), r.text


@pytest.mark.parametrize("username,password,field", [("x" * 64, "x", "username"),
                                                     ("viewer", "p" * 257, "password")])
def test_overlong_credentials_are_422(api, username, password, field):
    assert_problem(login(api, username, password), 422, "validation_failed", field)


def test_a_refresh_token_is_no_access_token(api):
    pair = tokens(api, "viewer")
    assert_token_refused(api, pair["refresh_token"])
    assert_problem(refresh(api, pair["access_token"]), 422, "validation_failed", "refresh_token")


def test_credentials_in_the_query_string_are_refused(api):
    r = api.anonymous().post_json("/v1/auth/token", {"username": "viewer",
                                                     "password": DEMO_PASSWORD},
                                  params={"password": DEMO_PASSWORD})
    assert_problem(r, 400, "unknown_parameter", "password")


# --- failed sign-ins ----------------------------------------------------------------------------

def test_wrong_password_unknown_user_and_disabled_account_look_the_same(api, make_user):
    active = make_user()
    disabled = make_user(active=False)
    answers = {
        "wrong password": login(api, active["username"], "wrong-password-123"),
        "unknown user": login(api, new_username("nobody"), "wrong-password-123"),
        "disabled, right password": login(api, disabled["username"],
                                          api.sessions.password(disabled["username"])),
    }
    for case, r in answers.items():
        assert_unauthorized(r, token_sent=False)
    cores = {case: problem_core(r) for case, r in answers.items()}
    assert len({json.dumps(c, sort_keys=True) for c in cores.values()}) == 1, cores


def test_password_is_case_sensitive_and_not_trimmed(api, make_user):
    user = make_user(password="Case-Sensitive-Password")
    for wrong in ("case-sensitive-password", " Case-Sensitive-Password",
                  "Case-Sensitive-Password "):
        assert login(api, user["username"], wrong).status_code == 401
    assert login(api, user["username"], "Case-Sensitive-Password").status_code == 200


def test_throttled_after_the_maximum_of_failed_sign_ins_with_retry_after(api, make_user):
    user = make_user()
    name, password = user["username"], api.sessions.password(user["username"])
    for attempt in range(LOGIN_MAX_FAILURES):
        r = login(api, name, f"wrong-password-{attempt}")
        assert r.status_code == 401, f"failure {attempt + 1} -> {r.status_code}: {r.text[:200]}"
    r = login(api, name, password)
    assert_problem(r, 429, "too_many_requests")
    assert 0 < int(r.headers["Retry-After"]) <= LOGIN_WINDOW_S
    assert password not in r.text
    again = login(api, name, "wrong-password-again")
    assert again.status_code == 429, "throttled sign-ins stay throttled"
    assert login(api, "viewer", DEMO_PASSWORD).status_code == 200, \
        "another username from the same address is not throttled"


def test_a_successful_sign_in_forgets_the_failures(api, make_user):
    user = make_user()
    name, password = user["username"], api.sessions.password(user["username"])
    for _ in range(2):
        for attempt in range(LOGIN_MAX_FAILURES - 1):
            assert login(api, name, f"wrong-password-{attempt}").status_code == 401
        assert login(api, name, password).status_code == 200


@needs_server_process
def test_failed_sign_ins_are_logged_without_the_password(api, server, make_user):
    user = make_user()
    mark = server.output_sizes()
    secret = f"wrong-{random.getrandbits(64):016x}"
    assert login(api, user["username"], secret).status_code == 401
    deadline = time.monotonic() + 5
    while user["username"] not in server.output_since(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.output_since(mark)
    assert user["username"] in log, "the failure is not logged"
    assert secret not in log, "the password reached the log"


def unused_loopback_address():
    """A loopback address (127.0.0.0/8) that no other test connects from."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"


def test_throttled_per_client_address(api, extra_server):
    srv = extra_server(LOGIN_MAX_FAILURES_PER_IP="3", LOGIN_MAX_FAILURES="100")
    here = api.on(srv).anonymous().from_address(unused_loopback_address())
    for _ in range(3):
        assert login(here, new_username("nobody"), "wrong-password-1").status_code == 401
    r = login(here, "viewer", DEMO_PASSWORD)
    assert_problem(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) > 0
    elsewhere = api.on(srv).anonymous().from_address(unused_loopback_address())
    assert login(elsewhere, "viewer", DEMO_PASSWORD).status_code == 200, \
        "other addresses are not throttled"


def forwarded_login(client, forwarded_for, username, password):
    return client.post_json("/v1/auth/token", {"username": username, "password": password},
                            headers={"X-Forwarded-For": forwarded_for})


def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled(api, extra_server):
    """Behind nginx every request comes from nginx: with TRUSTED_PROXIES naming it, the address
    the proxy appended to X-Forwarded-For is the one throttled, not the proxy's own."""
    srv = extra_server(TRUSTED_PROXIES="127.0.0.0/8", LOGIN_MAX_FAILURES_PER_IP="3",
                       LOGIN_MAX_FAILURES="100")
    proxy = api.on(srv).anonymous().from_address(unused_loopback_address())
    client = "198.51.100.7"
    for _ in range(3):
        r = forwarded_login(proxy, f"203.0.113.1, {client}", new_username("nobody"), "wrong-1")
        assert r.status_code == 401
    assert_problem(forwarded_login(proxy, client, "viewer", DEMO_PASSWORD), 429,
                   "too_many_requests")
    assert forwarded_login(proxy, "198.51.100.8", "viewer", DEMO_PASSWORD).status_code == 200, \
        "another client behind the same proxy is not throttled"
    assert login(proxy, "viewer", DEMO_PASSWORD).status_code == 200, \
        "without the header the proxy itself is the client"


def test_a_forwarded_for_header_from_an_untrusted_client_is_ignored(api, extra_server):
    srv = extra_server(LOGIN_MAX_FAILURES_PER_IP="3", LOGIN_MAX_FAILURES="100")
    here = api.on(srv).anonymous().from_address(unused_loopback_address())
    for n in range(3):
        r = forwarded_login(here, f"198.51.100.{n}", new_username("nobody"), "wrong-1")
        assert r.status_code == 401
    assert_problem(forwarded_login(here, "198.51.100.99", "viewer", DEMO_PASSWORD), 429,
                   "too_many_requests")


def wait_out_the_throttle(client, name, password):
    """Fails `name`'s sign-in until it is throttled, waits the Retry-After it is given, then
    signs in with the right password: returns (Retry-After, that last answer)."""
    for _ in range(2):
        assert login(client, name, "wrong-password-1").status_code == 401
    r = login(client, name, password)
    assert_problem(r, 429, "too_many_requests")
    wait = int(r.headers["Retry-After"])
    time.sleep(wait + 0.3)
    return wait, login(client, name, password)


def test_throttling_ends_when_the_window_has_passed(api, extra_server, make_user):
    srv = extra_server(LOGIN_MAX_FAILURES="2", LOGIN_WINDOW_S="2")
    user = make_user()
    here = api.on(srv).anonymous().from_address(unused_loopback_address())
    name = user["username"]
    wait, r = wait_out_the_throttle(here, name, api.sessions.password(name))
    assert 0 < wait <= 2
    assert r.status_code == 200, f"still {r.status_code} after Retry-After: {wait}"


def test_retry_after_is_long_enough_when_the_address_failed_earlier(api, extra_server,
                                                                    make_user):
    """Retry-After counts from the failures that caused the 429 (the username's), not from an
    older failure of another username from the same address."""
    srv = extra_server(LOGIN_MAX_FAILURES="2", LOGIN_WINDOW_S="3")
    user = make_user()
    here = api.on(srv).anonymous().from_address(unused_loopback_address())
    assert login(here, new_username("nobody"), "wrong-password-1").status_code == 401
    time.sleep(1.2)
    name = user["username"]
    wait, r = wait_out_the_throttle(here, name, api.sessions.password(name))
    assert r.status_code == 200, f"still {r.status_code} after Retry-After: {wait}"


# --- other signing algorithms -------------------------------------------------------------------

def test_an_es256_server_publishes_an_ec_key_and_refuses_rs256_tokens(api, extra_server,
                                                                       results_dir):
    key = results_dir / "keys" / "jwt-es256.pem"
    if not key.exists():
        openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", str(key)])
    srv = extra_server(JWT_ALG="ES256", JWT_PRIVATE_KEY_FILE=str(key))
    there = api.on(srv)
    keys = there.anonymous().get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert (keys[0]["kty"], keys[0]["crv"], keys[0]["alg"]) == ("EC", "P-256", "ES256")
    token = tokens(there, "viewer")["access_token"]
    header, _ = parts(token)
    assert header["alg"] == "ES256" and header["kid"] == keys[0]["kid"]
    assert verify(token, jwt.PyJWK(keys[0]), alg="ES256")["sub"] == "viewer"
    assert_token_accepted(there, token)
    assert_token_refused(there, api.sessions.token("viewer"))
    assert_token_refused(api, token)


def test_an_hs256_server_publishes_no_key_and_refuses_rs256_tokens(api, extra_server):
    secret = "a shared secret of more than 32 bytes"
    srv = extra_server(JWT_ALG="HS256", JWT_SECRET=secret)
    there = api.on(srv)
    assert there.anonymous().get("/.well-known/jwks.json").json() == {"keys": []}
    token = tokens(there, "viewer")["access_token"]
    assert parts(token)[0]["alg"] == "HS256"
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience=JWT_AUDIENCE,
                        issuer=JWT_ISSUER)
    assert claims["sub"] == "viewer"
    assert_token_accepted(there, token)
    assert_token_refused(there, api.sessions.token("viewer"))
    forged = jwt.encode({**claims, "jti": "forged"}, secret + "x", algorithm="HS256")
    assert_token_refused(there, forged)


def test_sign_ins_at_the_same_time_get_distinct_tokens(api):
    clients = [api.clone() for _ in range(8)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        pairs = list(pool.map(lambda c: tokens(c, "viewer"), clients, timeout=60))
    assert len({p["refresh_token"] for p in pairs}) == 8
    assert len({parts(p["access_token"])[1]["jti"] for p in pairs}) == 8

"""Hostile access tokens, crafted with a real JWT library (python3-jwt) or by hand where it refuses.

libjwt 1.10.2, which the server uses, takes the algorithm from the token and checks no claim
(ENGINEERING.md, "Known traps"), so each check the server adds is tried here on its own: every
token below is a valid token of one user (signed with the server's own key) but for the
one thing the case changes. Each refused token gets 401 with
`WWW-Authenticate: Bearer realm="planmon", error="invalid_token"` and the same problem body,
which never says which check failed, but for a token of ours that has only expired: that one is
`token_expired` with `error_description="token expired"`, so that the client refreshes. Each
accepted one gets 200 from GET /v1/me. The tokens are
of a throwaway officer whose account is two hours old and whose sessions were ended once (session
version 2), so that old `iat`s are its own and an `sv` of 1 is an ended session's.
"""

import time

import jwt
import psycopg
import pytest

from checks import (CHALLENGE, EXPIRED_TOKEN_CHALLENGE, assert_problem, assert_token_accepted,
                    assert_token_refused, assert_unauthorized, problem_core)
from client import http_request_bytes, is_problem, raw_request
from conftest import (create_user, needs_direct_http, needs_server_process,
                      needs_user_change_at_once)
from jwt_craft import (assemble, b64url, claims, hs256, padded_to, parts, rs256_raw, segment,
                       sign, unsigned, with_claims)
from settings import JWT_MAX_TTL, TOKEN_MAX_BYTES

AGENCY, ROLE = "UBND-883", "officer"


class Forge:
    """Makes tokens of `user` (an officer of UBND-883), signed with the server's key unless told
    otherwise."""

    def __init__(self, keys, user, session_version):
        self.keys = keys
        self.user = user
        self.sv = session_version
        self.now = int(time.time())

    def claims(self, **changes):
        return claims(self.user, ROLE, AGENCY, now=self.now, **{"sv": self.sv, **changes})

    def token(self, key=None, alg="RS256", headers=None, **changes):
        return sign(self.claims(**changes), key or self.keys.private_pem, alg, headers)

    def header(self, alg="RS256"):
        return {"alg": alg, "typ": "JWT"}


# Each case: (id, a function of a Forge that makes the token).
REFUSED = [
    # the algorithm
    ("alg none", lambda f: unsigned({"alg": "none", "typ": "JWT"}, f.claims())),
    ("alg NONE", lambda f: unsigned({"alg": "NONE", "typ": "JWT"}, f.claims())),
    ("alg NoNe", lambda f: unsigned({"alg": "NoNe", "typ": "JWT"}, f.claims())),
    ("alg none with the original signature",
     lambda f: f"{segment({'alg': 'none'})}.{f.token().split('.', 1)[1]}"),
    ("alg none, no signature part", lambda f: unsigned({"alg": "none"}, f.claims())[:-1]),
    ("HS256 keyed with the public key PEM",
     lambda f: hs256(f.header("HS256"), f.claims(), f.keys.public_pem)),
    ("HS256 keyed with the public key PEM without its trailing newline",
     lambda f: hs256(f.header("HS256"), f.claims(), f.keys.public_pem.rstrip(b"\n"))),
    ("HS256 keyed with the private key PEM",
     lambda f: hs256(f.header("HS256"), f.claims(), f.keys.private_pem)),
    ("RS512 with the server's key", lambda f: f.token(alg="RS512")),
    ("PS256 with the server's key", lambda f: f.token(alg="PS256")),
    ("RS256 signed with another key", lambda f: f.token(key=f.keys.other_private_pem)),
    ("another key, announced in kid",
     lambda f: f.token(key=f.keys.other_private_pem, headers={"kid": "other"})),
    # the signature
    ("payload tampered: role admin", lambda f: with_claims(f.token(), role="admin")),
    ("payload tampered: sub admin", lambda f: with_claims(f.token(), sub="admin",
                                                          agency="STTTT", role="admin")),
    ("payload tampered: exp a year later", lambda f: with_claims(f.token(),
                                                                 exp=f.now + 365 * 86400)),
    ("header tampered: alg RS512",
     lambda f: f"{segment({'alg': 'RS512', 'typ': 'JWT'})}.{f.token().split('.', 1)[1]}"),
    ("signature cut short", lambda f: f.token()[:-10]),
    ("signature empty", lambda f: f.token().rsplit(".", 1)[0] + "."),
    ("signature of another token", lambda f: f.token().rsplit(".", 1)[0] + "."
     + f.token(jti="another").rsplit(".", 1)[1]),
    # exp (an expired token that is otherwise good: EXPIRED below)
    ("expired an hour ago, signed with another key",
     lambda f: f.token(key=f.keys.other_private_pem, iat=f.now - 4000, nbf=f.now - 4000,
                       exp=f.now - 3600)),
    ("expired an hour ago, payload tampered: role admin",
     lambda f: with_claims(f.token(iat=f.now - 4000, nbf=f.now - 4000, exp=f.now - 3600),
                           role="admin")),
    ("expired an hour ago, alg none",
     lambda f: unsigned({"alg": "none", "typ": "JWT"},
                        f.claims(iat=f.now - 4000, nbf=f.now - 4000, exp=f.now - 3600))),
    ("exp missing", lambda f: f.token(exp=None)),
    ("exp a string", lambda f: f.token(exp=str(f.now + 600))),
    ("exp a float", lambda f: f.token(exp=f.now + 600.0)),
    ("exp a float with a fraction", lambda f: f.token(exp=f.now + 600.5)),
    ("exp true", lambda f: f.token(exp=True)),
    ("exp before iat", lambda f: f.token(exp=f.now - 1)),
    # nbf, iat, lifetime
    ("nbf 120 s in the future", lambda f: f.token(nbf=f.now + 120)),
    ("nbf a string", lambda f: f.token(nbf=str(f.now))),
    ("iat 120 s in the future", lambda f: f.token(iat=f.now + 120, nbf=f.now,
                                                  exp=f.now + 600)),
    ("iat missing", lambda f: f.token(iat=None)),
    ("iat a string", lambda f: f.token(iat=str(f.now))),
    ("lifetime 901 s", lambda f: f.token(exp=f.now + JWT_MAX_TTL + 1)),
    ("lifetime a day", lambda f: f.token(exp=f.now + 86400)),
    # iss, aud
    ("iss another", lambda f: f.token(iss="someone-else")),
    ("iss in another case", lambda f: f.token(iss="Planmon")),
    ("iss missing", lambda f: f.token(iss=None)),
    ("aud another", lambda f: f.token(aud="someone-else")),
    ("aud missing", lambda f: f.token(aud=None)),
    ("aud an empty list", lambda f: f.token(aud=[])),
    ("aud a list without ours", lambda f: f.token(aud=["a", "b"])),
    ("aud ours with a suffix", lambda f: f.token(aud="planmon2")),
    # who
    ("sub missing", lambda f: f.token(sub=None)),
    ("sub empty", lambda f: f.token(sub="")),
    ("sub a number", lambda f: f.token(sub=42)),
    ("sub of no user", lambda f: f.token(sub="nobody-at-all")),
    ("role missing", lambda f: f.token(role=None)),
    ("role unknown", lambda f: f.token(role="superadmin")),
    ("role in upper case", lambda f: f.token(role="VIEWER")),
    ("role a list", lambda f: f.token(role=["viewer"])),
    ("role not the user's", lambda f: f.token(role="admin")),
    ("agency missing", lambda f: f.token(agency=None)),
    ("agency empty", lambda f: f.token(agency="")),
    ("agency not the user's", lambda f: f.token(agency="STTTT")),
    # the session version
    ("sv missing", lambda f: f.token(sv=None)),
    ("sv a string", lambda f: f.token(sv=str(f.sv))),
    ("sv a float", lambda f: f.token(sv=float(f.sv))),
    ("sv true", lambda f: f.token(sv=True)),
    ("sv older than the user's", lambda f: f.token(sv=f.sv - 1)),
    ("sv newer than the user's", lambda f: f.token(sv=f.sv + 1)),
    ("sv negative", lambda f: f.token(sv=-1)),
    # size and shape
    ("8 KiB", lambda f: f.token(pad="p" * 8000)),
    ("4097 bytes", lambda f: padded_to(TOKEN_MAX_BYTES + 1, f.claims(), f.keys.private_pem)),
    ("two parts", lambda f: f.token().rsplit(".", 1)[0]),
    ("four parts", lambda f: f.token() + ".e30"),
    ("not base64", lambda f: "!!!.???.###"),
    ("payload not JSON", lambda f: f"{segment(f.header())}.{b64url(b'not json')}."
     + f.token().rsplit(".", 1)[1]),
    ("payload a JSON array", lambda f: assemble(f.header(), [1, 2], b"x")),
    # the header: a critical extension planmon does not understand (RFC 7515 4.1.11); any
    # extension, since it understands none; a header member given twice
    ("crit naming an extension", lambda f: f.token(headers={"crit": ["exp-ext"],
                                                            "exp-ext": 1})),
    ("crit naming a registered claim", lambda f: f.token(headers={"crit": ["exp"]})),
    ("crit empty", lambda f: f.token(headers={"crit": []})),
    ("crit not a list", lambda f: f.token(headers={"crit": "b64"})),
    ("header with alg twice", lambda f: rs256_raw('{"alg":"RS256","typ":"JWT","alg":"none"}',
                                                  f.claims(), f.keys.private_pem)),
    ("header a JSON array", lambda f: rs256_raw('["RS256"]', f.claims(), f.keys.private_pem)),
]

# Tokens of ours, signed with the server's key, whose one fault is their expiry (more than the
# 60 s of leeway ago): they are told apart, so that a client knows to refresh.
EXPIRED = [
    ("expired 61 s ago", lambda f: f.token(iat=f.now - 600, nbf=f.now - 600, exp=f.now - 61)),
    ("expired an hour ago", lambda f: f.token(iat=f.now - 4000, nbf=f.now - 4000,
                                              exp=f.now - 3600)),
]

ACCEPTED = [
    ("as issued", lambda f: f.token()),
    ("expired 30 s ago (leeway)", lambda f: f.token(iat=f.now - 600, nbf=f.now - 600,
                                                    exp=f.now - 30)),
    ("nbf 30 s in the future (leeway)", lambda f: f.token(nbf=f.now + 30)),
    ("iat 30 s in the future (leeway)", lambda f: f.token(iat=f.now + 30, exp=f.now + 600)),
    ("lifetime exactly 900 s", lambda f: f.token(exp=f.now + JWT_MAX_TTL)),
    ("no nbf", lambda f: f.token(nbf=None)),
    ("aud a list with ours", lambda f: f.token(aud=["someone-else", "planmon"])),
    ("aud a list of ours alone", lambda f: f.token(aud=["planmon"])),
    ("no jti", lambda f: f.token(jti=None)),
    ("extra claims", lambda f: f.token(scope="everything", admin=True)),
    ("kid, jku and x5u pointing elsewhere are ignored",
     lambda f: f.token(headers={"kid": "not-ours", "jku": "http://evil.example/jwks.json",
                                "x5u": "http://evil.example/cert.pem"})),
    ("exactly 4096 bytes", lambda f: padded_to(TOKEN_MAX_BYTES, f.claims(), f.keys.private_pem)),
]


@pytest.fixture(scope="module")
def old_user(admin, sessions, base_env):
    """An officer whose account began two hours ago and whose sessions were ended once (session
    version 2), so that a token issued an hour ago is refused for its expiry alone, and a token
    of the first session version for that alone. Returns (username, session version)."""
    user = create_user(admin, sessions, agency=AGENCY, role=ROLE)["username"]
    with psycopg.connect(base_env["DATABASE_URL"], autocommit=True, connect_timeout=10) as conn:
        version = conn.execute(
            "UPDATE app_user SET created_at = now() - interval '2 hours',"
            " session_version = session_version + 1 WHERE username = %s"
            " RETURNING session_version", (user,)).fetchone()[0]
    return user, version


@pytest.fixture
def forge(jwt_keys, old_user):
    return Forge(jwt_keys, *old_user)


@pytest.fixture(scope="module")
def refusal(api):
    """The problem body (without request id and path) of a refused token, for comparison."""
    return assert_token_refused(api, "garbage")


@pytest.mark.parametrize("case", [c for c, _ in REFUSED])
@needs_direct_http(case="8 KiB")
def test_refused_token(api, forge, refusal, case):
    token = dict(REFUSED)[case](forge)
    assert assert_token_refused(api, token) == refusal, "the refusal says more than another"


@pytest.mark.parametrize("case", [c for c, _ in EXPIRED])
def test_an_expired_token_is_told_expired(api, forge, refusal, case):
    r = api.with_token(dict(EXPIRED)[case](forge)).get("/v1/me")
    body = assert_problem(r, 401, "token_expired")
    assert r.headers.get("WWW-Authenticate") == EXPIRED_TOKEN_CHALLENGE
    assert body["detail"] == "The access token has expired; refresh it or sign in again."
    assert problem_core(r) != refusal


def test_the_expired_answer_speaks_vietnamese_too(api, forge):
    token = dict(EXPIRED)["expired an hour ago"](forge)
    r = api.with_token(token).get("/v1/me", headers={"Accept-Language": "vi"})
    body = assert_problem(r, 401, "token_expired")
    assert r.headers.get("WWW-Authenticate") == EXPIRED_TOKEN_CHALLENGE
    assert "hết hạn" in body["title"] and "hết hạn" in body["detail"], body


def test_an_expired_token_with_a_bad_signature_is_only_invalid(api, forge, refusal):
    """Expiry is told only of a token that is ours: the signature is checked first."""
    good = dict(EXPIRED)["expired an hour ago"](forge)
    bad = good.rsplit(".", 1)[0] + "." + forge.token(jti="another").rsplit(".", 1)[1]
    assert assert_token_refused(api, bad) == refusal


@pytest.mark.parametrize("case", [c for c, _ in ACCEPTED])
def test_accepted_token(api, forge, case):
    token = dict(ACCEPTED)[case](forge)
    me = assert_token_accepted(api, token).json()
    assert me["username"] == forge.user


def test_the_crafted_sizes_are_exact(forge):
    for size in (TOKEN_MAX_BYTES, TOKEN_MAX_BYTES + 1):
        assert len(padded_to(size, forge.claims(), forge.keys.private_pem)) == size


def test_the_hand_made_hs256_token_is_a_valid_hs256_token(forge):
    """The HS256-with-the-public-key tokens above are real HS256 tokens: a JWT library that is
    given the PEM as the HMAC secret (as libjwt is) accepts them."""
    token = hs256(forge.header("HS256"), forge.claims(), forge.keys.public_pem)
    header, body = parts(token)
    assert header["alg"] == "HS256" and body["sub"] == forge.user
    # PyJWT refuses a PEM as an HMAC secret, so check the MAC with the algorithm object directly.
    algorithm = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256)
    signing_input, _, signature = token.rpartition(".")
    assert algorithm.verify(signing_input.encode(), forge.keys.public_pem,
                            jwt.utils.base64url_decode(signature))


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer ", "Bearer  "])
def test_a_bearer_scheme_without_a_token_is_answered_consistently(api, refusal, authorization):
    """`Authorization: Bearer` with nothing (or only spaces) after it: either no token (bare
    challenge and the no-token body) or a refused one (error="invalid_token" and the refusal
    body), not a mix."""
    r = api.get("/v1/me", headers={"Authorization": authorization})
    none = api.anonymous().get("/v1/me")
    if r.headers.get("WWW-Authenticate") == CHALLENGE:
        assert problem_core(r) == problem_core(none)
    else:
        assert_unauthorized(r, token_sent=True)
        assert problem_core(r) == refusal, "error=invalid_token with the no-token body"


@pytest.mark.parametrize("authorization", [
    "Bearer {token} extra", "Bearer {token}, Bearer {token}", "Bearer .", "Bearer  .{token}",
])
def test_a_malformed_bearer_credential_is_401_invalid_token(api, forge, refusal, authorization):
    header = authorization.format(token=forge.token())
    r = api.get("/v1/me", headers={"Authorization": header})
    assert_unauthorized(r, token_sent=True)
    assert problem_core(r) == refusal


@pytest.mark.parametrize("authorization", ["Basic dmlld2VyOnBhc3N3b3Jk", "{token}"])
def test_another_scheme_is_401_with_a_bare_challenge(api, forge, authorization):
    """RFC 6750, 3.1: a request that "attempted using an unsupported authentication method"
    lacks bearer credentials, and the challenge SHOULD NOT carry an error code."""
    header = authorization.format(token=forge.token())
    r = api.get("/v1/me", headers={"Authorization": header})
    assert_unauthorized(r, token_sent=False)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_scheme_name_is_case_insensitive(api, forge, scheme):
    r = api.get("/v1/me", headers={"Authorization": f"{scheme} {forge.token()}"})
    assert r.status_code == 200, r.text


def test_no_authorization_header_is_401_with_a_bare_challenge(api):
    r = api.anonymous().get("/v1/me")
    assert_unauthorized(r, token_sent=False)


@needs_user_change_at_once
def test_a_disabled_users_token_is_refused(api, admin, make_user, refusal):
    user = make_user()
    name = user["username"]
    token = api.sessions.token(name)
    assert_token_accepted(api, token)
    etag = admin.get(f"/v1/users/{name}").headers["ETag"]
    assert admin.patch_json(f"/v1/users/{name}", {"active": False},
                            headers={"If-Match": etag}).status_code == 200
    assert assert_token_refused(api, token) == refusal


@pytest.mark.parametrize("change", [{"role": "manager"}, {"agency": "UBND-884"}])
@needs_user_change_at_once
def test_a_token_of_a_user_whose_role_or_agency_changed_is_refused(api, admin, make_user,
                                                                    refusal, change):
    user = make_user()
    name = user["username"]
    token = api.sessions.token(name)
    assert_token_accepted(api, token)
    etag = admin.get(f"/v1/users/{name}").headers["ETag"]
    r = admin.patch_json(f"/v1/users/{name}", change, headers={"If-Match": etag})
    assert r.status_code == 200, r.text
    assert assert_token_refused(api, token) == refusal
    api.sessions.forget(name)
    me = api.as_user(name).json("/v1/me")
    assert {k: me[k] for k in change} == change, "a new sign-in carries the new values"


@needs_direct_http
def test_a_32_kib_authorization_header_is_refused_without_a_server_error(api, server):
    target = "/v1/me"
    payload = http_request_bytes("GET", target, f"{api.host}:{api.port}",
                                 {"Authorization": "Bearer " + "A" * 32 * 1024})
    r = raw_request(api.host, api.port, payload, timeout=15)
    assert r.status_code in (401, 431), r
    if is_problem(r):
        api.spec.validate("GET", target, r)
    assert server.alive()
    assert api.get("/v1/me", headers={"Connection": "close"}).status_code == 200


@needs_server_process
def test_the_server_is_fine_after_the_hostile_tokens(api, server):
    assert server.alive()
    assert api.get("/v1/me").status_code == 200

"""CORS for browser front-ends: an allow-list of origins (the suite allows http://allowed.example)."""

import uuid

import pytest

from checks import assert_problem
from documents import new_document_body
from settings import ALLOWED_ORIGIN

EXPOSED = {"etag", "link", "location", "retry-after", "x-request-id", "www-authenticate", "allow",
           "planmon-write-position"}
PREFLIGHT_HEADERS = {"authorization", "content-type", "if-match", "if-none-match",
                     "idempotency-key", "x-request-id", "planmon-read-after"}
DISALLOWED = ["http://evil.example", "http://allowed.example.evil.example",
              "http://allowed.example:8080", "https://allowed.example", "null"]


def header_set(response, name):
    return {v.strip().lower() for v in response.headers.get(name, "").split(",") if v.strip()}


def cors_headers(response):
    return {k for k in response.headers if k.lower().startswith("access-control-")}


def preflight(api, path, origin, method="GET", request_headers="If-None-Match, X-Request-Id"):
    return api.request("OPTIONS", path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": request_headers})


@pytest.mark.parametrize("path,status", [("/v1/admin-units/89", 200), ("/v1/agencies", 200),
                                         ("/healthz", 200), ("/v1/admin-units/99999", 404),
                                         ("/v1/agencies?limit=0", 400)])
def test_allowed_origin_gets_cors_headers(api, path, status):
    r = api.get(path, headers={"Origin": ALLOWED_ORIGIN})
    assert r.status_code == status
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert "origin" in header_set(r, "Vary")
    assert EXPOSED <= header_set(r, "Access-Control-Expose-Headers")


@pytest.mark.parametrize("caller,path,status", [(None, "/v1/agencies", 401),
                                                ("viewer", "/v1/users", 403)])
def test_refusals_carry_cors_headers_so_a_browser_can_read_them(api, caller, path, status):
    client = api.as_user(caller) if caller else api.anonymous()
    r = client.get(path, headers={"Origin": ALLOWED_ORIGIN})
    assert r.status_code == status
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert EXPOSED <= header_set(r, "Access-Control-Expose-Headers")


def test_preflight_needs_no_token(api):
    r = api.anonymous().request("OPTIONS", "/v1/users", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert r.status_code == 204
    assert "post" in header_set(r, "Access-Control-Allow-Methods")


@pytest.mark.parametrize("origin", DISALLOWED)
def test_disallowed_origin_gets_no_cors_headers(api, origin):
    r = api.get("/v1/admin-units/89", headers={"Origin": origin})
    assert r.status_code == 200
    assert not cors_headers(r), dict(r.headers)


def test_no_origin_no_cors_headers(api):
    assert not cors_headers(api.get("/v1/admin-units/89"))


def test_an_answer_without_origin_still_varies_by_origin(api):
    """With CORS_ORIGINS set, a cache must not reuse an answer made for a request without Origin
    (no CORS headers) for a browser on an allowed origin."""
    for path in ("/v1/admin-units/89", "/docs/redoc.standalone.js"):
        assert "origin" in header_set(api.get(path), "Vary"), path


@pytest.mark.parametrize("path", ["/v1/admin-units", "/v1/admin-units/89", "/v1/agencies/SLDTBXH"])
def test_preflight_from_an_allowed_origin(api, path):
    r = preflight(api, path, ALLOWED_ORIGIN)
    assert r.status_code == 204
    assert r.content == b""
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "get" in header_set(r, "Access-Control-Allow-Methods")
    assert PREFLIGHT_HEADERS <= header_set(r, "Access-Control-Allow-Headers")
    assert r.headers["Access-Control-Max-Age"] == "600"
    assert "origin" in header_set(r, "Vary")


def test_preflight_for_authorization_and_if_match(api):
    r = preflight(api, "/v1/agencies", ALLOWED_ORIGIN, request_headers="authorization, if-match")
    assert r.status_code == 204
    assert {"authorization", "if-match"} <= header_set(r, "Access-Control-Allow-Headers")


@pytest.mark.parametrize("origin", DISALLOWED)
def test_preflight_from_a_disallowed_origin_is_403(api, origin):
    r = preflight(api, "/v1/admin-units", origin)
    assert_problem(r, 403, "forbidden")
    assert not cors_headers(r), dict(r.headers)


def test_a_browser_may_read_the_replay_marker_of_an_idempotent_post(api):
    """A front-end that retries a POST with its Idempotency-Key learns from
    `Idempotent-Replayed` that nothing was done again; a browser shows a script only the
    headers the answer exposes."""
    coordinator = api.as_user("coordinator")
    headers = {"Origin": ALLOWED_ORIGIN, "Idempotency-Key": f"cors-{uuid.uuid4()}"}
    body = new_document_body()
    first = coordinator.post_json("/v1/documents", body, headers=headers)
    again = coordinator.post_json("/v1/documents", body, headers=headers)
    assert (first.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert "idempotent-replayed" in header_set(again, "Access-Control-Expose-Headers"), \
        again.headers.get("Access-Control-Expose-Headers")


def test_a_preflight_for_a_change_allows_its_headers(api):
    r = preflight(api, "/v1/documents/1", ALLOWED_ORIGIN, method="PATCH",
                  request_headers="authorization, content-type, if-match")
    assert r.status_code == 204
    assert "patch" in header_set(r, "Access-Control-Allow-Methods")
    r = preflight(api, "/v1/documents", ALLOWED_ORIGIN, method="POST",
                  request_headers="authorization, content-type, idempotency-key")
    assert "idempotency-key" in header_set(r, "Access-Control-Allow-Headers")


def test_a_browser_may_keep_read_your_writes_across_a_replica(api):
    """A front-end remembers the `Planmon-Write-Position` of its latest write and sends it back as
    `Planmon-Read-After` (README, "Reads from a replica"): the preflight must allow the request
    header, and every answer must expose the position so that a script can read it."""
    r = preflight(api, "/v1/documents/1", ALLOWED_ORIGIN,
                  request_headers="authorization, planmon-read-after")
    assert r.status_code == 204
    assert "planmon-read-after" in header_set(r, "Access-Control-Allow-Headers")
    read = api.as_user("coordinator").get(
        "/v1/documents/1", headers={"Origin": ALLOWED_ORIGIN, "Planmon-Read-After": "0/0"})
    assert read.status_code == 200
    assert "planmon-write-position" in header_set(read, "Access-Control-Expose-Headers")

"""The response validator catches violations (planted here), so it cannot pass silently."""

import copy
import json

import pytest
from requests.structures import CaseInsensitiveDict

from client import RawResponse
from openapi_check import ValidationFailure

UNIT = {"code": "883", "name": "Thành phố Long Xuyên", "type": "thanh_pho", "level": 2,
        "parent": "89", "path": ["89", "883"], "valid_from": "2015-08-31", "valid_to": None,
        "counts": {"district": 0, "commune": 13}, "current_since": None, "former": [],
        "version": 1}
PROBLEM = {"type": "urn:planmon:problem:not_found", "title": "Not found", "status": 404,
           "detail": "no administrative unit has code 99999", "code": "not_found",
           "request_id": "r1", "instance": "/v1/admin-units/99999"}
JSON_HEADERS = {"Content-Type": "application/json", "X-Request-Id": "r1",
                "ETag": '"0123456789abcdef"'}
PROBLEM_HEADERS = {"Content-Type": "application/problem+json", "X-Request-Id": "r1"}


def response(status, body=None, headers=None, raw=None):
    content = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
    return RawResponse(status, "", CaseInsensitiveDict(headers or {}), content)


def edited(base, **changes):
    out = copy.deepcopy(base)
    for k, v in changes.items():
        if v is ...:
            out.pop(k)
        else:
            out[k] = v
    return out


def without(headers, name):
    return {k: v for k, v in headers.items() if k != name}


REPLAYED_CONFLICT = {**PROBLEM, "status": 409, "code": "conflict",
                     "type": "urn:planmon:problem:conflict", "instance": "/v1/documents",
                     "errors": [{"field": "number", "code": "taken", "message": "taken"}]}

# Each good case passes; each planted violation must fail.
GOOD = {
    "unit": ("GET", "/v1/admin-units/883", response(200, UNIT, JSON_HEADERS)),
    "province with null parent": ("GET", "/v1/admin-units/89", response(
        200, edited(UNIT, code="89", level=1, type="tinh", parent=None, path=["89"]), JSON_HEADERS)),
    "list": ("GET", "/v1/admin-units", response(
        200, {"items": [UNIT], "next_cursor": None}, without(JSON_HEADERS, "ETag"))),
    "304": ("GET", "/v1/admin-units/883", response(304, None, without(JSON_HEADERS, "Content-Type"))),
    "problem 404": ("GET", "/v1/admin-units/99999", response(404, PROBLEM, PROBLEM_HEADERS)),
    "unknown path 404": ("GET", "/nope", response(404, edited(PROBLEM, instance="/nope"),
                                                  PROBLEM_HEADERS)),
    "405 with Allow": ("DELETE", "/v1/agencies", response(
        405, edited(PROBLEM, status=405, code="method_not_allowed",
                    type="urn:planmon:problem:method_not_allowed"),
        {**PROBLEM_HEADERS, "Allow": "GET, HEAD, OPTIONS"})),
    "HEAD": ("HEAD", "/v1/admin-units/883", response(200, None, JSON_HEADERS)),
    "503 with Retry-After": ("GET", "/v1/agencies", response(
        503, edited(PROBLEM, status=503, code="service_unavailable",
                    type="urn:planmon:problem:service_unavailable"),
        {**PROBLEM_HEADERS, "Retry-After": "1"})),
    "replayed problem with the first request's id": ("POST", "/v1/documents", response(
        409, edited(REPLAYED_CONFLICT, request_id="first"),
        {**PROBLEM_HEADERS, "Idempotent-Replayed": "true"})),
}

PLANTED = {
    "undeclared status": ("GET", "/v1/admin-units/883", response(418, UNIT, JSON_HEADERS)),
    "missing required field": ("GET", "/v1/admin-units/883", response(
        200, edited(UNIT, counts=...), JSON_HEADERS)),
    "extra property": ("GET", "/v1/admin-units/883", response(
        200, edited(UNIT, population=280000), JSON_HEADERS)),
    "extra property in a list item": ("GET", "/v1/admin-units", response(
        200, {"items": [edited(UNIT, extra=1)], "next_cursor": None}, JSON_HEADERS)),
    "extra property in the envelope": ("GET", "/v1/admin-units", response(
        200, {"items": [], "next_cursor": None, "count": 0}, JSON_HEADERS)),
    "wrong type": ("GET", "/v1/admin-units/883", response(200, edited(UNIT, level="2"), JSON_HEADERS)),
    "value outside the enum": ("GET", "/v1/admin-units/883", response(
        200, edited(UNIT, type="quan"), JSON_HEADERS)),
    "null where not nullable": ("GET", "/v1/admin-units/883", response(
        200, edited(UNIT, valid_from=None), JSON_HEADERS)),
    "date in another format": ("GET", "/v1/admin-units/883", response(
        200, edited(UNIT, valid_from="20150831"), JSON_HEADERS)),
    "missing ETag": ("GET", "/v1/admin-units/883", response(200, UNIT, without(JSON_HEADERS, "ETag"))),
    "malformed ETag": ("GET", "/v1/admin-units/883", response(
        200, UNIT, {**JSON_HEADERS, "ETag": "0123456789abcdef"})),
    "missing X-Request-Id": ("GET", "/v1/admin-units/883", response(
        200, UNIT, without(JSON_HEADERS, "X-Request-Id"))),
    "wrong content type": ("GET", "/v1/admin-units/883", response(
        200, UNIT, {**JSON_HEADERS, "Content-Type": "text/html"})),
    "no content type": ("GET", "/v1/admin-units/883", response(
        200, UNIT, without(JSON_HEADERS, "Content-Type"))),
    "not JSON": ("GET", "/v1/admin-units/883", response(200, raw=b"{code: 883}", headers=JSON_HEADERS)),
    "duplicate key": ("GET", "/v1/admin-units/883", response(
        200, raw=json.dumps(UNIT).encode()[:-1] + b', "code": "884"}', headers=JSON_HEADERS)),
    "304 with a body": ("GET", "/v1/admin-units/883", response(304, UNIT, JSON_HEADERS)),
    "HEAD with a body": ("HEAD", "/v1/admin-units/883", response(200, UNIT, JSON_HEADERS)),
    "error as plain JSON": ("GET", "/v1/admin-units/99999", response(
        404, PROBLEM, {**PROBLEM_HEADERS, "Content-Type": "application/json"})),
    "problem code not in the enum": ("GET", "/v1/admin-units/99999", response(
        404, edited(PROBLEM, code="missing", type="urn:planmon:problem:missing"), PROBLEM_HEADERS)),
    "problem code of another status": ("GET", "/v1/admin-units/99999", response(
        404, edited(PROBLEM, code="conflict", type="urn:planmon:problem:conflict"), PROBLEM_HEADERS)),
    "problem status differs from HTTP": ("GET", "/v1/admin-units", response(
        400, edited(PROBLEM, status=404), PROBLEM_HEADERS)),
    "problem type does not match code": ("GET", "/v1/admin-units/99999", response(
        404, edited(PROBLEM, type="urn:planmon:problem:gone"), PROBLEM_HEADERS)),
    "problem request_id differs": ("GET", "/v1/admin-units/99999", response(
        404, edited(PROBLEM, request_id="other"), PROBLEM_HEADERS)),
    "problem request_id differs, not replayed": ("POST", "/v1/documents", response(
        409, edited(REPLAYED_CONFLICT, request_id="first"), PROBLEM_HEADERS)),
    "invalid_parameter without errors": ("GET", "/v1/admin-units", response(
        400, edited(PROBLEM, status=400, code="invalid_parameter",
                    type="urn:planmon:problem:invalid_parameter"), PROBLEM_HEADERS)),
    "unknown path answered 200": ("GET", "/nope", response(200, {"status": "ok"}, JSON_HEADERS)),
    "405 without Allow": ("DELETE", "/v1/agencies", response(
        405, edited(PROBLEM, status=405, code="method_not_allowed",
                    type="urn:planmon:problem:method_not_allowed"), PROBLEM_HEADERS)),
    "503 without Retry-After": ("GET", "/v1/agencies", response(
        503, edited(PROBLEM, status=503, code="service_unavailable",
                    type="urn:planmon:problem:service_unavailable"), PROBLEM_HEADERS)),
    "Retry-After not a number": ("GET", "/v1/agencies", response(
        503, edited(PROBLEM, status=503, code="service_unavailable",
                    type="urn:planmon:problem:service_unavailable"),
        {**PROBLEM_HEADERS, "Retry-After": "soon"})),
    "healthz with another status text": ("GET", "/healthz", response(
        200, {"status": "fine"}, JSON_HEADERS)),
}


@pytest.mark.parametrize("case", GOOD)
def test_conforming_response_passes(spec, case):
    method, path, resp = GOOD[case]
    spec.validate(method, path, resp)


@pytest.mark.parametrize("case", PLANTED)
def test_planted_violation_fails(spec, case):
    method, path, resp = PLANTED[case]
    with pytest.raises(ValidationFailure):
        spec.validate(method, path, resp)

"""Validation of HTTP responses against api/openapi.yaml.

The test client hands every response it receives to `OpenApi.validate`, which finds the operation
by method and path template (or, for requests that match no operation, the case in the document's
`x-planmon-unmatched-responses`), and checks that the status is declared, that every header the
response declares as required is present and matches its schema, that the content type is one the
response declares, and that the body matches the schema (JSON Schema 2020-12, `#/components/...`
references resolved against the whole document). Problem bodies are also checked against the
response itself: `status` equals the HTTP status, `type` is `urn:planmon:problem:<code>`, and
`request_id` equals the `X-Request-Id` header (except in an answer replayed for an
Idempotency-Key, `Idempotent-Replayed: true`, whose body is the first request's).

Nothing here talks to a server: the module only reads the document and response-like objects
(anything with `status_code`, case-insensitive `headers` and `content`), so the checker can be
tested with planted violations.
"""

import datetime
import json
import re
import threading
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker, RefResolver

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
UNMATCHED_KEY = "x-planmon-unmatched-responses"
PROBLEM_TYPE_PREFIX = "urn:planmon:problem:"


class ValidationFailure(AssertionError):
    """A response that does not conform to the OpenAPI document."""


def _strict_date(value):
    """RFC 3339 full-date only (Python's fromisoformat also takes 20150831)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    datetime.date.fromisoformat(value)
    return True


def _format_checker():
    checker = FormatChecker()
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("date", raises=ValueError)(_strict_date)
    return checker


# The first bytes of the binary media types the API answers (schema format: binary).
BINARY_MAGIC = {
    "application/pdf": b"%PDF-",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04",
}


def media_type(content_type):
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_media_type(mt):
    return mt == "application/json" or mt.endswith("+json")


def _reject_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate keys in JSON object: {dupes}")
    return dict(pairs)


def parse_json_strict(raw):
    """Parse UTF-8 JSON, rejecting duplicate keys and NaN/Infinity."""

    def bad_constant(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(raw.decode("utf-8"), object_pairs_hook=_reject_duplicate_keys,
                      parse_constant=bad_constant)


def _template_regex(template):
    parts = re.split(r"(\{[^}/]+\})", template)
    out = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{out}$")


def parse_routes_output(text):
    """Parse the output of `planmon routes` into a set of ("METHOD", "/path") pairs.

    Raises ValueError on a line that is not `METHOD /path`.
    """
    routes = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = re.fullmatch(r"([A-Z]+) (/\S*)", line.strip())
        if not m:
            raise ValueError(f"line {n} of the route table is not 'METHOD /path': {line!r}")
        routes.add((m.group(1), m.group(2)))
    return routes


def compare_routes(routes, operations, ignore_methods=("HEAD",)):
    """Compare a route table with the document's operations.

    Both are sets of ("METHOD", "/path/{param}"). Returns (only_in_routes, only_in_document),
    each a sorted list, ignoring the given methods.
    """
    r = {(m, p) for m, p in routes if m not in ignore_methods}
    o = {(m, p) for m, p in operations if m not in ignore_methods}
    return sorted(r - o), sorted(o - r)


class OpenApi:
    """The OpenAPI document and a validator of responses against it. Thread-safe."""

    def __init__(self, document, source="api/openapi.yaml"):
        self.doc = document
        self.source = source
        self.resolver = RefResolver(base_uri="", referrer=document)
        self.format_checker = _format_checker()
        self._validators = {}
        self._lock = threading.Lock()
        self.seen = set()  # (METHOD, template or case, status) of validated responses
        self._paths = []
        for template, item in (document.get("paths") or {}).items():
            literal = "{" not in template
            self._paths.append((0 if literal else 1, template, _template_regex(template), item))
        self._paths.sort(key=lambda t: t[0])

    @classmethod
    def load(cls, path):
        path = Path(path)
        with open(path, "rb") as f:
            return cls(yaml.safe_load(f), source=str(path))

    # -- document access ---------------------------------------------------------------------

    def resolve(self, node, depth=0):
        """Follow local `$ref`s until a node without one."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/") or depth > 20:
                raise ValidationFailure(f"unsupported or cyclic $ref {ref!r}")
            node = self.pointer(ref)
            depth += 1
        return node

    def pointer(self, ref):
        node = self.doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise ValidationFailure(f"$ref {ref!r} does not resolve")
            node = node[part]
        return node

    def operations(self):
        """Set of ("METHOD", template) for every operation of the document."""
        ops = set()
        for _, template, _, item in self._paths:
            for m in HTTP_METHODS:
                if m in item:
                    ops.add((m.upper(), template))
        return ops

    def match_path(self, path):
        for _, template, regex, item in self._paths:
            if regex.match(path):
                return template, item
        return None, None

    def schema_validator(self, schema):
        key = json.dumps(schema, sort_keys=True)
        with self._lock:
            v = self._validators.get(key)
            if v is None:
                v = Draft202012Validator(schema, resolver=self.resolver,
                                         format_checker=self.format_checker)
                self._validators[key] = v
        return v

    def schema_errors(self, schema, instance):
        v = self.schema_validator(schema)
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                for e in sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))]

    # -- response validation -----------------------------------------------------------------

    def expected_responses(self, method, path, request_headers=None):
        """(label, responses, is_head) for a request: the declared responses that may answer it."""
        method = method.upper()
        request_headers = {k.lower(): v for k, v in (request_headers or {}).items()}
        template, item = self.match_path(path)
        unmatched = self.doc.get(UNMATCHED_KEY) or {}
        if template is None:
            return f"{method} (unknown path)", unmatched.get("unknown-path", {}), method == "HEAD"
        op_method = "get" if method == "HEAD" and "head" not in item else method.lower()
        if op_method in item and op_method in HTTP_METHODS:
            return f"{method} {template}", item[op_method].get("responses", {}), method == "HEAD"
        if method == "OPTIONS" and "access-control-request-method" in request_headers:
            return f"OPTIONS {template} (CORS preflight)", unmatched.get("cors-preflight", {}), False
        if method == "OPTIONS":
            return f"OPTIONS {template}", unmatched.get("options", {}), False
        return f"{method} {template} (method not allowed)", unmatched.get("method-not-allowed", {}), \
            method == "HEAD"

    def validate(self, method, path, response, request_headers=None):
        """Raise ValidationFailure unless `response` conforms to the document.

        `path` is the request's path without the query string, as sent on the wire.
        """
        label, responses, is_head = self.expected_responses(method, path, request_headers)
        status = response.status_code
        problems = []
        declared = self._declared_response(responses, status)
        if declared is None:
            problems.append(f"status {status} is not declared (declared: {sorted(responses)})")
        else:
            declared = self.resolve(declared)
            self._check_headers(declared, response, problems)
            self._check_content(declared, response, is_head, problems)
        with self._lock:
            self.seen.add((label, status))
        if problems:
            body = response.content[:600] if response.content else b""
            raise ValidationFailure(
                f"{label} -> {status} does not conform to {self.source}:\n  - "
                + "\n  - ".join(problems)
                + f"\n  headers: {dict(response.headers)}\n  body: {body!r}")

    @staticmethod
    def _declared_response(responses, status):
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return responses[key]
        return None

    def _check_headers(self, declared, response, problems):
        for name, header in (declared.get("headers") or {}).items():
            header = self.resolve(header)
            value = response.headers.get(name)
            if value is None:
                if header.get("required"):
                    problems.append(f"required header {name} is missing")
                continue
            schema = header.get("schema") or {}
            instance = value
            if self.resolve(schema).get("type") == "integer":
                if not re.fullmatch(r"-?[0-9]+", value.strip()):
                    problems.append(f"header {name}: {value!r} is not an integer")
                    continue
                instance = int(value)
            for e in self.schema_errors(schema, instance):
                problems.append(f"header {name}: {e}")

    def _check_content(self, declared, response, is_head, problems):
        content = declared.get("content") or {}
        body = response.content or b""
        if is_head and body:
            problems.append(f"a HEAD response has a body of {len(body)} bytes")
        if not content:
            if body:
                problems.append(f"no content is declared but the body has {len(body)} bytes")
            return
        mt = media_type(response.headers.get("Content-Type"))
        by_type = {media_type(k): v for k, v in content.items()}
        if mt not in by_type:
            problems.append(f"Content-Type {response.headers.get('Content-Type')!r} is not one of "
                            f"{sorted(by_type)}")
            return
        if is_head:
            return
        schema = by_type[mt].get("schema")
        if is_json_media_type(mt):
            try:
                instance = parse_json_strict(body)
            except ValueError as e:
                problems.append(f"body is not strict JSON: {e}")
                return
            if schema is not None:
                problems.extend(f"body {e}" for e in self.schema_errors(schema, instance))
            if mt == "application/problem+json" and isinstance(instance, dict):
                self._check_problem(instance, response, problems)
        elif schema is not None and self.resolve(schema).get("format") == "binary":
            magic = BINARY_MAGIC.get(mt)
            if magic and not body.startswith(magic):
                problems.append(f"{mt} body does not start as one does ({magic!r})")
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as e:
                problems.append(f"{mt} body is not UTF-8: {e}")
                return
            if schema is not None:
                problems.extend(f"body {e}" for e in self.schema_errors(schema, text))

    @staticmethod
    def _check_problem(problem, response, problems):
        if problem.get("status") != response.status_code:
            problems.append(f"problem status {problem.get('status')!r} is not the HTTP status "
                            f"{response.status_code}")
        code = problem.get("code")
        if problem.get("type") != f"{PROBLEM_TYPE_PREFIX}{code}":
            problems.append(f"problem type {problem.get('type')!r} does not match code {code!r}")
        rid = response.headers.get("X-Request-Id")
        if response.headers.get("Idempotent-Replayed") == "true":
            return  # the first answer's body, with the first request's id
        if problem.get("request_id") != rid:
            problems.append(f"problem request_id {problem.get('request_id')!r} is not the "
                            f"X-Request-Id header {rid!r}")

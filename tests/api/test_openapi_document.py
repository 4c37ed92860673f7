"""api/openapi.yaml itself: valid references and schemas, examples that match, conventions kept.

Redocly lints the document too (tests/run); these checks cover what its rule set cannot: the
x-planmon-unmatched-responses extension and planmon's own conventions for every operation.
"""

import json

from jsonschema import Draft202012Validator

from openapi_check import HTTP_METHODS, UNMATCHED_KEY
from access_rules import NOT_FOUND_FOR_OTHER_ROLES, PUBLIC, RULES
from settings import ROLES


def walk(node, path="#"):
    """Yield (json pointer, node) for every dict and list in the document."""
    yield path, node
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        if isinstance(v, (dict, list)):
            yield from walk(v, f"{path}/{str(k).replace('~', '~0').replace('/', '~1')}")


def refs(doc):
    return [(p, n["$ref"]) for p, n in walk(doc) if isinstance(n, dict) and "$ref" in n]


def operations_of(doc):
    for template, item in doc["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), template, item[method]


def operations(spec):
    return operations_of(spec.doc)


def test_it_is_openapi_3_1(spec):
    assert spec.doc["openapi"].startswith("3.1.")


def test_every_reference_resolves(spec):
    for where, ref in refs(spec.doc):
        assert ref.startswith("#/"), f"{where}: only local references: {ref}"
        spec.pointer(ref)


def security_scheme_names(doc):
    """Names of the security schemes that some security requirement of the document uses."""
    requirements = list(doc.get("security") or [])
    for _, _, op in operations_of(doc):
        requirements += op.get("security") or []
    return {name for requirement in requirements for name in requirement}


def test_every_component_is_referenced(spec):
    used = {ref for _, ref in refs(spec.doc)}
    used |= {f"#/components/securitySchemes/{n}" for n in security_scheme_names(spec.doc)}
    for kind, components in spec.doc["components"].items():
        for name in components:
            assert f"#/components/{kind}/{name}" in used, f"components/{kind}/{name} is unused"


def test_every_schema_is_valid_json_schema(spec):
    for name, schema in spec.doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def _examples(spec):
    """(where, schema, value) for every example in the document."""
    for where, node in walk(spec.doc):
        if not isinstance(node, dict) or "schema" not in node:
            continue
        if "example" in node:
            yield where, node["schema"], node["example"]
        for name, ex in (node.get("examples") or {}).items():
            yield f"{where}/examples/{name}", node["schema"], spec.resolve(ex)["value"]


def test_every_example_matches_its_schema(spec):
    checked = 0
    for where, schema, value in _examples(spec):
        if spec.resolve(schema).get("type") == "integer" and isinstance(value, str):
            value = int(value)
        errors = spec.schema_errors(schema, value)
        assert not errors, f"{where}: {errors}"
        checked += 1
    assert checked >= 20


def has_etag(spec, response):
    return "ETag" in (spec.resolve(response).get("headers") or {})


def test_every_operation_declares_the_common_answers(spec):
    for method, template, op in operations(spec):
        responses = op["responses"]
        expected = {"413", "415", "500"}
        if template.startswith("/v1/"):
            expected |= {"400", "503"}
        if "{" in template:
            expected |= {"404"}
        if method == "GET" and has_etag(spec, responses["200"]):
            expected |= {"304"}
        missing = expected - set(responses)
        assert not missing, f"{method} {template} does not declare {sorted(missing)}"
        assert any(s.startswith("2") for s in responses), f"{method} {template}: no success"


# --- authentication and roles ---------------------------------------------------------------

def is_public(spec, op):
    return op.get("security", spec.doc.get("security")) == []


def test_every_operation_needs_a_bearer_token_unless_it_says_security_none(spec):
    assert spec.doc["security"] == [{"bearerAuth": []}]
    scheme = spec.doc["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for method, template, op in operations(spec):
        assert op.get("security") in (None, []), f"{method} {template}: security other than none"


def test_every_operation_says_who_may_call_it(spec):
    for method, template, op in operations(spec):
        label = f"{method} {template}"
        assert "**Who may call it:**" in op["description"], f"{label}: no 'Who may call it'"
        if is_public(spec, op):
            assert "x-roles" not in op, f"{label} is public but lists x-roles"
            continue
        roles = op.get("x-roles")
        assert roles and set(roles) <= set(ROLES) and len(roles) == len(set(roles)), \
            f"{label}: x-roles {roles!r} is not a list of roles"
        who = op["description"].split("**Who may call it:**", 1)[1]
        for role in roles:
            assert role in who, f"{label}: the description does not name {role}"


def test_protected_operations_declare_401_with_a_bearer_challenge(spec):
    for method, template, op in operations(spec):
        if is_public(spec, op):
            continue
        assert "401" in op["responses"], f"{method} {template} does not declare 401"
        response = spec.resolve(op["responses"]["401"])
        assert response["headers"]["WWW-Authenticate"], f"{method} {template}"


def test_operations_closed_to_some_roles_declare_403(spec):
    for method, template, op in operations(spec):
        if (method, template) in NOT_FOUND_FOR_OTHER_ROLES:
            assert "404" in op["responses"], f"{method} {template} does not declare 404"
        elif not is_public(spec, op) and set(op["x-roles"]) != set(ROLES):
            assert "403" in op["responses"], f"{method} {template} does not declare 403"


def test_every_401_and_429_carries_its_header(spec):
    for label, response in all_responses(spec):
        status = label.rsplit(" ", 1)[1]
        if status == "401":
            assert spec.resolve(response["headers"]["WWW-Authenticate"])["required"], label
        if status == "429":
            assert spec.resolve(response["headers"]["Retry-After"])["required"], label


def test_patch_takes_merge_patch_and_json_alike(spec):
    patches = [(t, op) for m, t, op in operations(spec) if m == "PATCH"]
    assert patches
    for template, op in patches:
        content = op["requestBody"]["content"]
        assert set(content) == {"application/merge-patch+json", "application/json"}, template
        assert content["application/merge-patch+json"]["schema"] == \
            content["application/json"]["schema"], template
        assert "If-Match" in parameter_names(spec, op), template
        assert {"412", "428"} <= set(op["responses"]), template


def parameter_names(spec, op):
    return [spec.resolve(p)["name"] for p in op.get("parameters") or []]


def test_delete_requires_if_match_and_declares_its_answers(spec):
    deletes = [(t, op) for m, t, op in operations(spec) if m == "DELETE"]
    assert deletes
    for template, op in deletes:
        assert "If-Match" in parameter_names(spec, op), template
        assert {"204", "409", "412", "428"} <= set(op["responses"]), template


def test_every_authenticated_post_takes_an_idempotency_key(spec):
    posts = [(t, op) for m, t, op in operations(spec) if m == "POST" and not is_public(spec, op)]
    assert posts
    for template, op in posts:
        assert "Idempotency-Key" in parameter_names(spec, op), template
        assert "422" in op["responses"], f"{template}: a reused key is 422"
        for status, response in op["responses"].items():
            if status.startswith("2"):
                headers = spec.resolve(response).get("headers") or {}
                assert "Idempotent-Replayed" in headers, f"POST {template} {status}"


def test_public_posts_take_no_idempotency_key(spec):
    for method, template, op in operations(spec):
        if method == "POST" and is_public(spec, op):
            assert "Idempotency-Key" not in parameter_names(spec, op), template


def all_responses(spec):
    """(label, resolved response) for every response of every operation and unmatched case."""
    for method, template, op in operations(spec):
        for status, response in op["responses"].items():
            yield f"{method} {template} {status}", spec.resolve(response)
    for case, answers in spec.doc[UNMATCHED_KEY].items():
        if isinstance(answers, dict):
            for status, response in answers.items():
                yield f"{UNMATCHED_KEY} {case} {status}", spec.resolve(response)


def test_every_response_declares_x_request_id(spec):
    for label, response in all_responses(spec):
        header = (response.get("headers") or {}).get("X-Request-Id")
        assert header and spec.resolve(header)["required"] is True, f"{label} lacks X-Request-Id"


def test_every_operation_has_an_id_a_tag_and_a_summary(spec):
    for method, template, op in operations(spec):
        assert op.get("operationId") and op.get("tags") and op.get("summary"), \
            f"{method} {template}"


def test_security_and_x_roles_follow_the_access_rules(spec):
    for method, template, op in operations(spec):
        rule = RULES.get((method, template))
        assert rule is not None, f"{method} {template} is not in access_rules.RULES"
        if rule == PUBLIC:
            assert is_public(spec, op), f"{method} {template} must say security: []"
        else:
            assert not is_public(spec, op), f"{method} {template} must need a token"
            assert set(op["x-roles"]) == rule, f"{method} {template}: x-roles {op['x-roles']}"


# Error answers whose body may also be something else than a problem, and what else. The one
# case: an atomic bulk import with rejected rows is refused with 422 and the import summary
# (PRODUCT.md, "Shapes": "422 when an atomic import is refused"), which says row by row what was
# wrong — a client needs the same shape it gets with 200, not a problem. Its other 422 answers
# (`rows` not an array, too many rows, an Idempotency-Key reused) are problems.
NOT_ONLY_PROBLEMS = {"POST /v1/measurements/import 422": ["application/json"]}


def test_error_bodies_are_problem_json(spec):
    for label, response in all_responses(spec):
        if label.rsplit(" ", 1)[-1][0] in "45":
            expected = ["application/problem+json", *NOT_ONLY_PROBLEMS.get(label, [])]
            assert sorted(response.get("content") or {}) == sorted(expected), label


def test_the_exemptions_from_problem_json_are_in_the_document(spec):
    labels = {label for label, _ in all_responses(spec)}
    assert set(NOT_ONLY_PROBLEMS) <= labels


def test_unmatched_responses_cover_404_405_and_preflight(spec):
    unmatched = spec.doc[UNMATCHED_KEY]
    assert set(unmatched["unknown-path"]) >= {"404"}
    assert set(unmatched["method-not-allowed"]) >= {"405"}
    assert set(unmatched["cors-preflight"]) == {"204", "403"}
    assert set(unmatched["options"]) == {"204"}
    allow = spec.resolve(unmatched["method-not-allowed"]["405"])["headers"]["Allow"]
    assert spec.resolve(allow)["required"] is True


def test_list_envelopes_are_closed(spec):
    schemas = spec.doc["components"]["schemas"]
    for name, schema in schemas.items():
        if schema.get("type") == "object":
            assert schema.get("additionalProperties") is False, f"{name} is open"
    assert json.dumps(schemas["AdminUnitList"]["required"]) == '["items", "next_cursor"]'

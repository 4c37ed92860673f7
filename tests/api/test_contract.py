"""The route table of the binary equals the operations of api/openapi.yaml (HEAD aside)."""

import pytest

from openapi_check import compare_routes, parse_routes_output
from server import run_planmon


def test_route_table_equals_the_documents_operations(planmon_bin, spec):
    result = run_planmon(planmon_bin, ["routes"], {}, timeout=30)
    assert result.returncode == 0, result.stderr
    routes = parse_routes_output(result.stdout)
    only_in_routes, only_in_document = compare_routes(routes, spec.operations())
    assert not only_in_routes, f"routes the document does not describe: {only_in_routes}"
    assert not only_in_document, f"operations the binary does not serve: {only_in_document}"


def test_document_has_operations(spec):
    assert len(spec.operations()) >= 10


# --- the comparison itself, with planted violations ----------------------------------------

DOC = {("GET", "/v1/agencies"), ("GET", "/v1/agencies/{code}"), ("GET", "/healthz")}


def test_equal_tables_compare_equal():
    assert compare_routes(set(DOC), DOC) == ([], [])


def test_head_routes_are_ignored():
    assert compare_routes(DOC | {("HEAD", "/v1/agencies")}, DOC) == ([], [])


def test_route_missing_from_the_document_is_found():
    assert compare_routes(DOC | {("POST", "/v1/agencies")}, DOC) == ([("POST", "/v1/agencies")], [])


def test_operation_missing_from_the_routes_is_found():
    routes = DOC - {("GET", "/healthz")}
    assert compare_routes(routes, DOC) == ([], [("GET", "/healthz")])


def test_differently_named_parameter_is_a_difference():
    routes = (DOC - {("GET", "/v1/agencies/{code}")}) | {("GET", "/v1/agencies/{id}")}
    assert compare_routes(routes, DOC) == ([("GET", "/v1/agencies/{id}")],
                                           [("GET", "/v1/agencies/{code}")])


def test_route_table_lines_are_parsed_strictly():
    assert parse_routes_output("GET /healthz\nHEAD /healthz\n\n") == {("GET", "/healthz"),
                                                                     ("HEAD", "/healthz")}
    for bad in ("GET  /healthz", "get /healthz", "GET healthz", "GET /healthz extra", "/healthz"):
        with pytest.raises(ValueError):
            parse_routes_output(bad)


# --- operations no other suite reaches with success --------------------------------------------

# The history of a seeded object of each collection the seed fills and no other suite changes:
# `planmon seed` records their creation, so each answers 200 with at least one event (and the
# client checks the answer against the document).
SEEDED_HISTORIES = ["/v1/pilot-model-types/PM1/history",
                    "/v1/reporting-obligations/RO-V1-6M/history",
                    "/v1/indicators/COMMUNE-AWARENESS/history"]


@pytest.mark.parametrize("path", SEEDED_HISTORIES)
def test_the_history_of_a_seeded_object_answers(api, path):
    r = api.as_user("viewer").get(path)
    assert r.status_code == 200, r.text
    assert [e["action"] for e in r.json()["items"]][:1] == ["create"]

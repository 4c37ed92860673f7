"""Reference data writes (issue 5, item 7): the admin adds and changes agencies and administrative
units — with validity dates, and for a unit the names and types it had before a change in law
(`former`, `current_since`, `effective`: the 2021 change of Xã Vĩnh Thạnh Trung into a thị trấn)
— audited like every write, with ETags, If-Match, histories and idempotent POSTs. Nobody else
may: coordinators and managers get 403 like every other role.

Every unit these tests add lies under a province-level unit of this module's own (see
reference.py), so the seeded tree of province 89 keeps its counts. The seeded agencies and
units are only read here, or sent changes that must be refused.
"""

import concurrent.futures
import threading
import uuid

import pytest

from audit import changes_by_field, history, recorded
from checks import (IF_NONE_MATCH_FORMS, assert_field_error, assert_problem, check_etag,
                    check_not_modified, codes, count_rows, problem_core)
from plans import day
from reference import (AGENCY_KEYS, FORMER_KEYS, LEVEL_TYPES, UNIT_KEYS, UNIT_TYPES,
                       agency_path, committee_body, create_agency, create_committee,
                       create_unit, created, new_agency_body, new_agency_code, new_unit_body,
                       patch, patched, read, tag, unit_name, unit_path)
from settings import DEMO_USERS
from test_changes import Follower

STALE = ['"0000000000000000"', "garbage", '""', "W/{etag}", "{etag}x"]
NOT_ADMINS = sorted(u for u, (_, role) in DEMO_USERS.items() if role != "admin")
ADMIN_AGENCY = DEMO_USERS["admin"][0]


def expected_unit(body, level, path):
    """A unit as the server must answer it just after POST `body`."""
    return {"code": body["code"], "name": body["name"], "type": body["type"], "level": level,
            "parent": body.get("parent"), "path": path, "valid_from": body["valid_from"],
            "valid_to": body.get("valid_to"), "counts": {"district": 0, "commune": 0},
            "current_since": None, "former": [], "version": 1}


# --- fixtures: a province-level unit of this module's own, and fresh districts under it ----------

@pytest.fixture(scope="module")
def province_created(admin):
    """The module's province-level unit: (the POST body, the response)."""
    body = new_unit_body(admin, None, "tinh")
    r = admin.post_json("/v1/admin-units", body)
    assert r.status_code == 201, f"creating the module's province {body}: {r.text[:500]}"
    return body, r


@pytest.fixture(scope="module")
def province(province_created):
    """The code of the module's province-level unit."""
    return province_created[0]["code"]


@pytest.fixture(scope="module")
def shared_district(admin, province):
    """A district of the module's province that the refusals below use as a parent."""
    return create_unit(admin, province, "huyen")["code"]


@pytest.fixture
def district(admin, province):
    """A district of this test's own, under the module's province."""
    return create_unit(admin, province, "huyen")["code"]


@pytest.fixture
def commune(admin, district):
    """A commune (xã) of this test's own, valid from 2015-08-31: its unit."""
    return create_unit(admin, district, "xa")


# --- agencies: adding ---------------------------------------------------------------------------

def test_the_admin_adds_an_agency_with_location_and_etag(api, admin):
    body = new_agency_body(valid_from="2025-03-01")
    r = admin.post_json("/v1/agencies", body)
    assert r.status_code == 201, r.text
    agency = r.json()
    assert set(agency) == AGENCY_KEYS
    assert agency == {**body, "unit": None, "valid_to": None, "short_name": None, "parent": None,
                      "version": 1}
    assert r.headers["Location"] == agency_path(body["code"])
    assert read(api, agency_path(body["code"])) == (agency, r.headers["ETag"])


def test_only_code_name_and_kind_are_needed(admin):
    body = {"code": new_agency_code(), "name": f"Báo Thử Nghiệm {tag()}", "kind": "media"}
    agency = created(admin.post_json("/v1/agencies", body), "an agency")
    assert agency == {**body, "name_en": None, "unit": None, "valid_from": None,
                      "valid_to": None, "short_name": None, "parent": None, "version": 1}


@pytest.mark.parametrize("kind", ["office", "steering_committee", "department", "police",
                                  "border_guard", "media", "party", "procuracy", "court",
                                  "mass_organisation", "foreign_partner"])
def test_every_kind_but_a_committee_is_added_without_a_unit(admin, kind):
    assert create_agency(admin, kind=kind)["kind"] == kind


@pytest.mark.parametrize("fields", [
    {"name": "n" * 300}, {"name": "Sở " + "ữ" * 297}, {"name_en": "e" * 300}, {"name_en": None},
    {"valid_from": None, "valid_to": None}, {"valid_to": "2030-01-01"},
    {"valid_from": "2016-02-29", "valid_to": "2016-03-01"},
], ids=["name of 300", "name of 300 Vietnamese characters", "name_en of 300", "name_en null",
        "dates null", "valid_to alone", "one day"])
def test_values_at_the_edges_are_accepted(admin, fields):
    body = new_agency_body(**fields)
    agency = created(admin.post_json("/v1/agencies", body), "an agency")
    assert {k: agency[k] for k in body} == body


@pytest.mark.parametrize("shape", ["32 characters", "hyphenated runs", "digits"])
def test_codes_of_every_allowed_shape_are_accepted(api, admin, shape):
    unique = (uuid.uuid4().hex * 2).upper()
    code = {"32 characters": unique[:32], "hyphenated runs": f"{unique[:6]}-1-2-AB-C9",
            "digits": str(uuid.uuid4().int)[:20]}[shape]
    assert create_agency(admin, code=code)["code"] == code
    assert api.json(agency_path(code))["code"] == code


def test_a_peoples_committee_is_tied_to_its_unit(api, admin, commune):
    body = committee_body(commune["code"], valid_from="2021-07-01")
    agency = created(admin.post_json("/v1/agencies", body), "a committee")
    assert agency == {**body, "valid_to": None, "short_name": None, "parent": None, "version": 1}
    assert api.json("/v1/agencies", {"unit": commune["code"]}) == {
        "items": [agency], "next_cursor": None}
    committees, _ = api.walk("/v1/agencies", {"kind": "people_committee"}, limit=500)
    assert agency in committees


def assert_not_added(client, db, path, body, status, code, field, field_code=None):
    """POST `body` to `path` is refused so, and adds no row."""
    table = "agency" if path == "/v1/agencies" else "admin_unit"
    before = count_rows(db, table)
    assert_field_error(client.post_json(path, body), status, code, field, field_code)
    assert count_rows(db, table) == before, "a refused POST added a row"


@pytest.mark.parametrize("fields", [{"kind": "people_committee"},
                                    {"kind": "people_committee", "unit": None}],
                         ids=["no unit", "unit null"])
def test_a_committee_without_a_unit_is_422_unit_required(admin, db, fields):
    body = new_agency_body(**fields)
    assert_not_added(admin, db, "/v1/agencies", body, 422, "validation_failed", "unit",
                     "required")


@pytest.mark.parametrize("kind", ["department", "foreign_partner", "office"])
def test_another_kind_with_a_unit_is_422_unit_not_allowed(admin, db, commune, kind):
    body = new_agency_body(kind=kind, unit=commune["code"])
    assert_not_added(admin, db, "/v1/agencies", body, 422, "validation_failed", "unit",
                     "not_allowed")


def test_a_committee_of_a_unit_that_does_not_exist_is_422_unit_unknown(admin, db):
    assert_not_added(admin, db, "/v1/agencies", committee_body("99999"), 422,
                     "validation_failed", "unit", "unknown")


@pytest.mark.parametrize("unit", ["89", "883", "30285"])
def test_a_committee_of_a_seeded_unit_is_409_unit_taken(admin, db, unit):
    assert_not_added(admin, db, "/v1/agencies", committee_body(unit), 409, "conflict", "unit",
                     "taken")


def test_a_second_committee_of_a_new_unit_is_409_unit_taken(admin, db, commune):
    create_committee(admin, commune["code"])
    assert_not_added(admin, db, "/v1/agencies", committee_body(commune["code"]), 409,
                     "conflict", "unit", "taken")


@pytest.mark.parametrize("code", ["SLDTBXH", "UBND-883", "KANDAL"])
def test_a_seeded_agencys_code_is_409_code_taken(admin, db, code):
    assert_not_added(admin, db, "/v1/agencies", new_agency_body(code=code), 409, "conflict",
                     "code", "taken")


def test_a_new_agencys_code_is_409_code_taken(admin, db):
    code = create_agency(admin)["code"]
    assert_not_added(admin, db, "/v1/agencies", new_agency_body(code=code), 409, "conflict",
                     "code", "taken")


@pytest.mark.parametrize("valid_from,valid_to", [("2020-01-01", "2020-01-01"),
                                                 ("2020-01-01", "2019-12-31"),
                                                 ("2025-03-01", "2016-07-15")])
def test_an_agency_ending_on_or_before_its_start_is_422_valid_to_before_start(
        admin, db, valid_from, valid_to):
    body = new_agency_body(valid_from=valid_from, valid_to=valid_to)
    assert_not_added(admin, db, "/v1/agencies", body, 422, "validation_failed", "valid_to",
                     "before_start")


@pytest.mark.parametrize("field,value", [
    ("code", "sldtbxh"), ("code", "A--B"), ("code", "-AB"), ("code", "AB-"), ("code", "A B"),
    ("code", "A_B"), ("code", "ĐB"), ("code", ""), ("code", "A" * 33), ("code", 123),
    ("code", None),
    ("name", ""), ("name", "   "), ("name", " \t "), ("name", "n" * 301), ("name", None),
    ("name", 5), ("name_en", "e" * 301), ("name_en", 5),
    ("kind", "ministry"), ("kind", "DEPARTMENT"), ("kind", ""), ("kind", None), ("kind", 1),
    ("valid_from", "2020-02-30"), ("valid_from", "01/03/2025"), ("valid_from", 2025),
    ("valid_from", "2025-03-01T00:00:00Z"), ("valid_to", "2025-13-01"), ("valid_to", "soon"),
    ("short_name", ""), ("short_name", "BC/X"), ("short_name", "SỞ TP"), ("short_name", "A-B"),
    ("short_name", "S" * 21), ("short_name", 5), ("parent", "NO-SUCH"), ("parent", 5),
])
def test_a_bad_agency_value_is_422_naming_the_field(admin, db, field, value):
    assert_not_added(admin, db, "/v1/agencies", new_agency_body(**{field: value}), 422,
                     "validation_failed", field)


def test_a_committees_unit_that_is_not_a_string_is_422_naming_unit(admin, db):
    body = committee_body("883", unit=883)
    assert_not_added(admin, db, "/v1/agencies", body, 422, "validation_failed", "unit")


@pytest.mark.parametrize("missing", ["code", "name", "kind"])
def test_a_missing_agency_field_is_422_naming_it(admin, db, missing):
    body = new_agency_body()
    del body[missing]
    assert_not_added(admin, db, "/v1/agencies", body, 422, "validation_failed", missing)


@pytest.mark.parametrize("field,value", [
    ("version", 1), ("level", 1), ("Code", "X"), ("search_text", "x"),
    ("created_at", "2026-01-01T00:00:00Z"), ("effective", "2021-02-01"), ("id", 7),
])
def test_a_server_owned_or_unknown_agency_field_is_400_naming_it(admin, db, field, value):
    assert_not_added(admin, db, "/v1/agencies", new_agency_body(**{field: value}), 400,
                     "bad_request", field)


@pytest.mark.parametrize("path", ["/v1/agencies", "/v1/admin-units"])
@pytest.mark.parametrize("body", [b"[]", b'"x"', b"{", b'{"code": "A", "code": "B"}', b"null"],
                         ids=["array", "string", "truncated", "repeated key", "null"])
def test_a_body_that_is_not_one_json_object_is_400(admin, path, body):
    assert_problem(admin.post_json(path, body), 400, "invalid_json")


# --- agencies: changing -------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/json"])
def test_an_agency_patch_changes_the_fields_given_and_nothing_else(api, admin, content_type):
    agency = create_agency(admin, valid_from="2016-01-01")
    path = agency_path(agency["code"])
    _, etag = read(admin, path)
    change = {"name_en": "Department of Trials, renamed", "valid_to": "2025-03-01"}
    r = admin.patch_json(path, change, headers={"If-Match": etag}, content_type=content_type)
    assert r.status_code == 200, r.text
    assert r.json() == {**agency, **change, "version": 2}
    assert r.headers["ETag"] != etag
    assert read(api, path) == (r.json(), r.headers["ETag"])


def test_an_agency_has_an_abbreviation_and_a_parent_for_its_documents(api, admin):
    """The abbreviation of its documents' symbol ("Số: …/BC-SLĐTBXH") and the parent printed
    above its name (issue 20); both optional, the parent another agency."""
    agency = create_agency(admin, short_name="SKHCN", parent="UBND-89")
    assert (agency["short_name"], agency["parent"]) == ("SKHCN", "UBND-89")
    path = agency_path(agency["code"])
    assert patched(admin, path, {"short_name": "SKHĐCN", "parent": None}) == {
        **agency, "short_name": "SKHĐCN", "parent": None, "version": 2}
    _, etag = read(admin, path)
    r = admin.patch_json(path, {"parent": agency["code"]}, headers={"If-Match": etag})
    assert_field_error(r, 422, "validation_failed", "parent", "unknown")


def test_null_clears_an_agencys_optional_fields(admin):
    agency = create_agency(admin, valid_from="2016-01-01", valid_to="2025-03-01")
    after = patched(admin, agency_path(agency["code"]),
                    {"name_en": None, "valid_from": None, "valid_to": None})
    assert after == {**agency, "name_en": None, "valid_from": None, "valid_to": None,
                     "version": 2}


def test_an_agencys_name_and_kind_change(admin):
    agency = create_agency(admin)
    change = {"name": f"Ban Thử Nghiệm {tag()}", "kind": "steering_committee"}
    assert patched(admin, agency_path(agency["code"]), change) == {
        **agency, **change, "version": 2}


def assert_not_changed(client, path, body, status, code, field, field_code=None):
    """PATCH path with the current ETag is refused so, and the object stays as it was."""
    before = read(client, path)
    assert_field_error(patch(client, path, body), status, code, field, field_code)
    assert read(client, path) == before, "a refused PATCH changed the object"


@pytest.mark.parametrize("body,status,code,field,field_code", [
    ({"name": None}, 422, "validation_failed", "name", None),
    ({"kind": None}, 422, "validation_failed", "kind", None),
    ({"name": "  "}, 422, "validation_failed", "name", None),
    ({"kind": "ministry"}, 422, "validation_failed", "kind", None),
    ({"valid_from": "2021-02-29"}, 422, "validation_failed", "valid_from", None),
    ({"code": "OTHER-CODE"}, 400, "bad_request", "code", None),
    ({"version": 1}, 400, "bad_request", "version", None),
    ({"level": 2}, 400, "bad_request", "level", None),
], ids=["name null", "kind null", "blank name", "bad kind", "bad date", "code", "version",
        "unknown field"])
def test_a_refused_agency_patch_changes_nothing(admin, body, status, code, field, field_code):
    agency = create_agency(admin)
    assert_not_changed(admin, agency_path(agency["code"]), body, status, code, field, field_code)


def test_an_agencys_code_is_read_only_even_unchanged(admin):
    code = create_agency(admin)["code"]
    assert_not_changed(admin, agency_path(code), {"code": code}, 400, "bad_request", "code")


def test_an_agencys_dates_are_checked_with_the_stored_ones(admin):
    path = agency_path(create_agency(admin, valid_from="2020-01-01")["code"])
    for valid_to in ("2020-01-01", "2019-12-31"):
        assert_not_changed(admin, path, {"valid_to": valid_to}, 422, "validation_failed",
                           "valid_to", "before_start")
    path = agency_path(create_agency(admin, valid_to="2021-01-01")["code"])
    for valid_from in ("2021-01-01", "2022-06-30"):
        assert_not_changed(admin, path, {"valid_from": valid_from}, 422, "validation_failed",
                           "valid_to", "before_start")
    assert patched(admin, path, {"valid_from": "2020-12-31"})["valid_from"] == "2020-12-31"


@pytest.mark.parametrize("change,field_code", [
    ({"kind": "people_committee"}, "required"),
    ({"unit": "{unit}"}, "not_allowed"),
], ids=["becoming a committee without a unit", "a unit for a department"])
def test_a_department_keeps_the_committee_rule(admin, commune, change, field_code):
    path = agency_path(create_agency(admin)["code"])
    change = {k: v.format(unit=commune["code"]) for k, v in change.items()}
    assert_not_changed(admin, path, change, 422, "validation_failed", "unit", field_code)


def test_a_department_becomes_a_committee_with_its_unit(api, admin, commune):
    agency = create_agency(admin)
    change = {"kind": "people_committee", "unit": commune["code"]}
    assert patched(admin, agency_path(agency["code"]), change) == {
        **agency, **change, "version": 2}
    assert codes(api.json("/v1/agencies", {"unit": commune["code"]})["items"]) == [
        agency["code"]]


@pytest.mark.parametrize("change,status,code,field_code", [
    ({"unit": None}, 422, "validation_failed", "required"),
    ({"kind": "department"}, 422, "validation_failed", "not_allowed"),
    ({"unit": "99999"}, 422, "validation_failed", "unknown"),
    ({"unit": "883"}, 409, "conflict", "taken"),
], ids=["unit null", "another kind keeping the unit", "unknown unit", "a seeded unit"])
def test_a_committee_keeps_the_committee_rule(admin, commune, change, status, code, field_code):
    path = agency_path(create_committee(admin, commune["code"])["code"])
    assert_not_changed(admin, path, change, status, code, "unit", field_code)


def test_a_committee_cannot_take_another_committees_new_unit(admin, district):
    first, second = (create_unit(admin, district, "xa")["code"] for _ in range(2))
    create_committee(admin, first)
    path = agency_path(create_committee(admin, second)["code"])
    assert_not_changed(admin, path, {"unit": first}, 409, "conflict", "unit", "taken")


def test_a_committee_moves_to_a_free_unit_and_keeps_its_own(api, admin, district):
    first, second = (create_unit(admin, district, "xa")["code"] for _ in range(2))
    agency = create_committee(admin, first)
    path = agency_path(agency["code"])
    assert patched(admin, path, {"unit": first})["unit"] == first, "its own unit is not taken"
    assert patched(admin, path, {"unit": second})["unit"] == second
    assert api.json("/v1/agencies", {"unit": first})["items"] == []
    assert codes(api.json("/v1/agencies", {"unit": second})["items"]) == [agency["code"]]


def test_a_committee_becomes_another_kind_without_its_unit(api, admin, commune):
    agency = create_committee(admin, commune["code"])
    after = patched(admin, agency_path(agency["code"]), {"kind": "office", "unit": None})
    assert (after["kind"], after["unit"]) == ("office", None)
    assert api.json("/v1/agencies", {"unit": commune["code"]})["items"] == []
    create_committee(admin, commune["code"])  # the unit is free again


@pytest.mark.parametrize("code", ["NOPE-NOPE", "UBND-99999", "sldtbxh"])
def test_patching_an_unknown_agency_is_404(admin, code):
    r = patch(admin, agency_path(code), {"name_en": "x"}, '"0000000000000000"')
    assert_problem(r, 404, "not_found")


# --- administrative units: adding ---------------------------------------------------------------

def test_a_unit_without_a_parent_is_a_province_level_unit(api, province_created):
    body, r = province_created
    unit = r.json()
    assert set(unit) == UNIT_KEYS
    assert unit == expected_unit(body, 1, [body["code"]])
    assert r.headers["Location"] == unit_path(body["code"])
    assert r.headers.get("ETag")
    got, _ = read(api, unit_path(body["code"]))  # its counts grow as the tests add districts
    assert {k: got[k] for k in UNIT_KEYS - {"counts"}} == {
        k: unit[k] for k in UNIT_KEYS - {"counts"}}


def test_a_unit_is_one_level_below_its_parent(api, admin, province):
    body = new_unit_body(admin, province, "huyen")
    r = admin.post_json("/v1/admin-units", body)
    district = created(r, "a district")
    assert district == expected_unit(body, 2, [province, body["code"]])
    assert r.headers["Location"] == unit_path(body["code"])
    assert read(api, unit_path(body["code"]))[1] == r.headers["ETag"]
    body = new_unit_body(admin, district["code"], "xa", valid_to="2099-01-01")
    r = admin.post_json("/v1/admin-units", body)
    commune = created(r, "a commune")
    assert commune == expected_unit(body, 3, [province, district["code"], body["code"]])
    assert read(api, unit_path(body["code"])) == (commune, r.headers["ETag"])


@pytest.mark.parametrize("level,unit_type", [(1, "thanh_pho")] + [
    (level, t) for level in (2, 3) for t in LEVEL_TYPES[level]])
def test_each_type_that_suits_the_level_is_accepted(admin, province, shared_district, level,
                                                    unit_type):
    parent = {1: None, 2: province, 3: shared_district}[level]
    unit = create_unit(admin, parent, unit_type)
    assert (unit["level"], unit["type"]) == (level, unit_type)


@pytest.mark.parametrize("level,unit_type", [
    (level, t) for level in (1, 2, 3) for t in UNIT_TYPES if t not in LEVEL_TYPES[level]])
def test_a_type_that_does_not_suit_the_level_is_422_wrong_level(admin, db, province,
                                                                shared_district, level,
                                                                unit_type):
    parent = {1: None, 2: province, 3: shared_district}[level]
    body = new_unit_body(admin, parent, unit_type)
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", "type",
                     "wrong_level")


def test_a_unit_below_a_new_commune_is_422_parent_too_deep(admin, db, commune):
    body = new_unit_body(admin, commune["code"], "xa")
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", "parent",
                     "too_deep")


@pytest.mark.parametrize("parent", ["30285", "30478"])
def test_a_unit_below_a_seeded_commune_is_422_parent_too_deep(admin, db, parent):
    body = new_unit_body(admin, parent, "xa")
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", "parent",
                     "too_deep")


@pytest.mark.parametrize("parent", ["99999", "885"])
def test_a_parent_that_does_not_exist_is_422_parent_unknown(admin, db, parent):
    body = new_unit_body(admin, parent, "huyen")
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", "parent",
                     "unknown")


@pytest.mark.parametrize("code", ["89", "883", "30285"])
def test_a_seeded_units_code_is_409_code_taken(admin, db, province, code):
    body = new_unit_body(admin, province, "huyen", code=code)
    assert_not_added(admin, db, "/v1/admin-units", body, 409, "conflict", "code", "taken")


def test_a_new_units_code_is_409_code_taken(admin, db, district):
    body = new_unit_body(admin, district, "xa", code=district)
    assert_not_added(admin, db, "/v1/admin-units", body, 409, "conflict", "code", "taken")


@pytest.mark.parametrize("valid_to", ["2015-08-31", "2015-08-30", "2001-01-01"])
def test_a_unit_ending_on_or_before_its_start_is_422_valid_to_before_start(admin, db, district,
                                                                          valid_to):
    body = new_unit_body(admin, district, "xa", valid_to=valid_to)
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", "valid_to",
                     "before_start")


@pytest.mark.parametrize("field,value", [
    ("code", "9"), ("code", "123456"), ("code", "9a999"), ("code", ""), ("code", " 9999"),
    ("code", "9999 "), ("code", "٩٩٩٩٩"), ("code", 98765), ("code", None),
    ("name", ""), ("name", "   "), ("name", "x" * 201), ("name", None), ("name", 5),
    ("type", "commune"), ("type", "Xa"), ("type", ""), ("type", None),
    ("valid_from", None), ("valid_from", "2015-02-30"), ("valid_from", "31/08/2015"),
    ("valid_from", 2015), ("valid_to", "2099-13-01"), ("valid_to", 2099),
    ("parent", 883), ("parent", "abc"),
])
def test_a_bad_unit_value_is_422_naming_the_field(admin, db, shared_district, field, value):
    body = {**new_unit_body(admin, shared_district, "xa"), field: value}
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", field)


def test_a_name_of_200_characters_is_accepted(admin, shared_district):
    """200 characters (JSON Schema's maxLength counts characters), some of them not ASCII."""
    name = unit_name("xa", "Vĩnh Thạnh Trung").ljust(200, "ữ")
    assert len(name) == 200
    assert create_unit(admin, shared_district, "xa", name=name)["name"] == name


@pytest.mark.parametrize("missing", ["code", "name", "type", "valid_from"])
def test_a_missing_unit_field_is_422_naming_it(admin, db, shared_district, missing):
    body = new_unit_body(admin, shared_district, "xa")
    del body[missing]
    assert_not_added(admin, db, "/v1/admin-units", body, 422, "validation_failed", missing)


@pytest.mark.parametrize("field,value", [
    ("level", 3), ("path", ["89"]), ("counts", {"district": 0, "commune": 0}),
    ("current_since", "2021-02-01"), ("former", []), ("version", 1),
    ("effective", "2021-02-01"), ("gso_code", "30999"), ("Name", "x"), ("unit", "89"),
])
def test_a_server_owned_or_unknown_unit_field_is_400_naming_it(admin, db, shared_district,
                                                              field, value):
    body = new_unit_body(admin, shared_district, "xa", **{field: value})
    assert_not_added(admin, db, "/v1/admin-units", body, 400, "bad_request", field)


# --- administrative units: counts ----------------------------------------------------------------

def test_a_new_district_and_its_communes_are_counted_above_them(admin, province):
    before = read(admin, unit_path(province))[0]["counts"]
    district = create_unit(admin, province, "huyen")["code"]
    for unit_type in ("xa", "phuong", "thi_tran"):
        create_unit(admin, district, unit_type)
    assert read(admin, unit_path(district))[0]["counts"] == {"district": 0, "commune": 3}
    assert read(admin, unit_path(province))[0]["counts"] == {
        "district": before["district"] + 1, "commune": before["commune"] + 3}


def test_counts_leave_out_the_units_that_have_ended(admin, province):
    """`counts` count the units that exist today in the province (valid_to null or after
    today): one that ended yesterday or ends today is not counted, one that ends tomorrow is."""
    before = read(admin, unit_path(province))[0]["counts"]
    district = create_unit(admin, province, "huyen")["code"]
    ends = {None: True, day(-1): False, day(0): False, day(1): True, "2099-01-01": True,
            "2016-01-01": False}
    for valid_to in ends:
        create_unit(admin, district, "xa", valid_to=valid_to)
    counted = sum(ends.values())
    assert read(admin, unit_path(district))[0]["counts"] == {"district": 0, "commune": counted}
    ended = create_unit(admin, province, "huyen", valid_to=day(-1))
    assert ended["counts"] == {"district": 0, "commune": 0}
    assert read(admin, unit_path(province))[0]["counts"] == {
        "district": before["district"] + 1, "commune": before["commune"] + counted}


def test_ending_a_unit_takes_it_out_of_the_counts_and_null_puts_it_back(admin, district):
    communes = [create_unit(admin, district, "xa")["code"] for _ in range(3)]
    assert read(admin, unit_path(district))[0]["counts"]["commune"] == 3
    patched(admin, unit_path(communes[0]), {"valid_to": day(0)})
    assert read(admin, unit_path(district))[0]["counts"]["commune"] == 2
    patched(admin, unit_path(communes[1]), {"valid_to": day(30)})
    assert read(admin, unit_path(district))[0]["counts"]["commune"] == 2
    patched(admin, unit_path(communes[0]), {"valid_to": None})
    assert read(admin, unit_path(district))[0]["counts"]["commune"] == 3


def test_the_seeded_province_keeps_its_counts(api):
    """Nothing this module adds lies under 89."""
    assert api.json("/v1/admin-units/89")["counts"] == {"district": 11, "commune": 156}


# --- administrative units: corrections and changes in law ----------------------------------------

def test_a_new_name_without_effective_is_a_correction(api, admin, commune):
    path = unit_path(commune["code"])
    name = unit_name("xa", "Vĩnh Hòa")
    after = patched(admin, path, {"name": name})
    assert after == {**commune, "name": name, "version": 2}
    assert (after["former"], after["current_since"]) == ([], None)
    assert read(api, path)[0] == after


def test_a_new_type_without_effective_is_a_correction(admin, commune):
    after = patched(admin, unit_path(commune["code"]), {"type": "phuong"})
    assert after == {**commune, "type": "phuong", "version": 2}


def township_change(unit):
    """The 2021 change (Nghị quyết 1107/NQ-UBTVQH14) on `unit`, a xã: it becomes a thị trấn of
    the same name from 2021-02-01."""
    words = unit["name"].removeprefix("Xã ")
    return {"type": "thi_tran", "name": f"Thị trấn {words}", "effective": "2021-02-01"}


@pytest.fixture
def vinh_thanh_trung(admin, district):
    """A copy of Xã Vĩnh Thạnh Trung (30478, Châu Phú), under this test's own district."""
    return create_unit(admin, district, "xa", name=unit_name("xa", "Vĩnh Thạnh Trung"))


def test_the_2021_example_keeps_the_former_name_and_type(api, admin, district, vinh_thanh_trung):
    unit = vinh_thanh_trung
    path = unit_path(unit["code"])
    _, etag = read(admin, path)
    change = township_change(unit)
    r = patch(admin, path, change, etag)
    assert r.status_code == 200, r.text
    assert r.json() == {
        **unit, "name": change["name"], "type": "thi_tran", "current_since": "2021-02-01",
        "former": [{"name": unit["name"], "type": "xa", "valid_from": "2015-08-31",
                    "valid_to": "2021-02-01"}],
        "version": 2}
    assert set(r.json()["former"][0]) == FORMER_KEYS
    assert r.headers["ETag"] != etag
    assert read(api, path) == (r.json(), r.headers["ETag"])
    listed = api.json("/v1/admin-units", {"parent": district})["items"]
    assert [u for u in listed if u["code"] == unit["code"]] == [r.json()]


def test_a_second_change_in_law_adds_a_second_former_entry(admin, vinh_thanh_trung):
    unit = vinh_thanh_trung
    path = unit_path(unit["code"])
    first = patched(admin, path, township_change(unit))
    name = first["name"].replace("Thị trấn", "Phường")
    after = patched(admin, path, {"name": name, "type": "phuong", "effective": "2024-07-01"})
    assert after["former"] == [
        {"name": unit["name"], "type": "xa", "valid_from": "2015-08-31",
         "valid_to": "2021-02-01"},
        {"name": first["name"], "type": "thi_tran", "valid_from": "2021-02-01",
         "valid_to": "2024-07-01"}]
    assert (after["name"], after["type"], after["current_since"], after["version"]) == (
        name, "phuong", "2024-07-01", 3)


def test_a_correction_after_a_change_in_law_keeps_the_former_entries(admin, vinh_thanh_trung):
    path = unit_path(vinh_thanh_trung["code"])
    changed = patched(admin, path, township_change(vinh_thanh_trung))
    name = changed["name"].replace("Thạnh", "Thạnh ")  # the spelling corrected
    after = patched(admin, path, {"name": name})
    assert after == {**changed, "name": name, "version": 3}


@pytest.mark.parametrize("what", ["name", "type"])
def test_a_change_in_law_of_the_name_or_the_type_alone(admin, commune, what):
    change = {"name": unit_name("xa", "Đổi Tên")} if what == "name" else {"type": "thi_tran"}
    change["effective"] = "2020-01-01"
    after = patched(admin, unit_path(commune["code"]), change)
    assert after["former"] == [{"name": commune["name"], "type": "xa",
                                "valid_from": commune["valid_from"], "valid_to": "2020-01-01"}]
    assert after["current_since"] == "2020-01-01"
    assert (after["name"], after["type"]) == (change.get("name", commune["name"]),
                                              change.get("type", "xa"))


@pytest.mark.parametrize("effective", ["2015-08-31", "2015-08-30", "2001-01-01"])
def test_effective_on_or_before_the_units_start_is_422_not_after_start(admin, commune,
                                                                       effective):
    change = {**township_change(commune), "effective": effective}
    assert_not_changed(admin, unit_path(commune["code"]), change, 422, "validation_failed",
                       "effective", "not_after_start")


@pytest.mark.parametrize("effective", ["2021-02-01", "2021-01-31", "2016-01-01"])
def test_effective_on_or_before_the_current_names_start_is_422_not_after_start(
        admin, vinh_thanh_trung, effective):
    path = unit_path(vinh_thanh_trung["code"])
    patched(admin, path, township_change(vinh_thanh_trung))
    change = {"type": "phuong", "name": unit_name("phuong"), "effective": effective}
    assert_not_changed(admin, path, change, 422, "validation_failed", "effective",
                       "not_after_start")


@pytest.mark.parametrize("change", [
    {}, {"name": "{name}"}, {"type": "xa"}, {"name": "{name}", "type": "xa"},
    {"valid_to": "2031-01-01"},
], ids=["effective alone", "the same name", "the same type", "the same name and type",
        "only valid_to"])
def test_effective_without_a_new_name_or_type_is_422_nothing_changes(admin, commune, change):
    change = {**{k: v.format(name=commune["name"]) for k, v in change.items()},
              "effective": "2021-02-01"}
    assert_not_changed(admin, unit_path(commune["code"]), change, 422, "validation_failed",
                       "effective", "nothing_changes")


@pytest.mark.parametrize("change", [{"type": "huyen"}, {"type": "tinh"},
                                    {"type": "thanh_pho", "effective": "2021-02-01"}],
                         ids=["huyen", "tinh", "thanh_pho in law"])
def test_a_patched_type_must_suit_the_level(admin, commune, change):
    assert_not_changed(admin, unit_path(commune["code"]), change, 422, "validation_failed",
                       "type", "wrong_level")


@pytest.mark.parametrize("change", [{"valid_to": "2015-08-31"}, {"valid_to": "2014-01-01"},
                                    {"valid_from": "2099-01-01"}],
                         ids=["valid_to on valid_from", "valid_to before", "valid_from late"])
def test_a_patched_unit_ending_on_or_before_its_start_is_422_valid_to_before_start(
        admin, district, change):
    unit = create_unit(admin, district, "xa", valid_to="2098-01-01")
    assert_not_changed(admin, unit_path(unit["code"]), change, 422, "validation_failed",
                       "valid_to", "before_start")


def test_valid_from_must_stay_before_current_since(admin, vinh_thanh_trung):
    """From the OpenAPI document: a `valid_from` on or after `current_since` is 422 naming
    `valid_from` (code `after_current`)."""
    path = unit_path(vinh_thanh_trung["code"])
    patched(admin, path, township_change(vinh_thanh_trung))
    for valid_from in ("2021-02-01", "2022-01-01"):
        assert_not_changed(admin, path, {"valid_from": valid_from}, 422, "validation_failed",
                           "valid_from", "after_current")
    assert patched(admin, path, {"valid_from": "2021-01-31"})["valid_from"] == "2021-01-31"


@pytest.mark.parametrize("body,status,code,field", [
    ({"code": "{code}"}, 400, "bad_request", "code"),
    ({"code": "99998"}, 400, "bad_request", "code"),
    ({"parent": "89"}, 400, "bad_request", "parent"),
    ({"parent": None}, 400, "bad_request", "parent"),
    ({"level": 3}, 400, "bad_request", "level"),
    ({"path": ["89"]}, 400, "bad_request", "path"),
    ({"counts": {"district": 0, "commune": 0}}, 400, "bad_request", "counts"),
    ({"current_since": "2021-02-01"}, 400, "bad_request", "current_since"),
    ({"former": []}, 400, "bad_request", "former"),
    ({"version": 1}, 400, "bad_request", "version"),
    ({"gso_code": "1"}, 400, "bad_request", "gso_code"),
    ({"name": None}, 422, "validation_failed", "name"),
    ({"type": None}, 422, "validation_failed", "type"),
    ({"valid_from": None}, 422, "validation_failed", "valid_from"),
    ({"name": " "}, 422, "validation_failed", "name"),
    ({"name": "x" * 201}, 422, "validation_failed", "name"),
    ({"type": "commune"}, 422, "validation_failed", "type"),
    ({"valid_to": "2031-02-30"}, 422, "validation_failed", "valid_to"),
    ({"name": "{name} B", "effective": "2021-02-30"}, 422, "validation_failed", "effective"),
    ({"name": "{name} B", "effective": "01/02/2021"}, 422, "validation_failed", "effective"),
    ({"name": "{name} B", "effective": 20210201}, 422, "validation_failed", "effective"),
], ids=lambda v: str(v) if isinstance(v, dict) else None)
def test_a_refused_unit_patch_changes_nothing(admin, commune, body, status, code, field):
    body = {k: v.format(code=commune["code"], name=commune["name"]) if isinstance(v, str) else v
            for k, v in body.items()}
    assert_not_changed(admin, unit_path(commune["code"]), body, status, code, field)


@pytest.mark.parametrize("code", ["99999", "885", "abc", "9"])
def test_patching_an_unknown_unit_is_404(admin, code):
    r = patch(admin, unit_path(code), {"name": "Xã Không Có"}, '"0000000000000000"')
    assert_problem(r, 404, "not_found")


# --- only the admin writes reference data --------------------------------------------------------

@pytest.mark.parametrize("user", NOT_ADMINS)
def test_only_the_admin_adds_agencies_and_units(api, db, shared_district, user):
    client = api.as_user(user)
    before = (count_rows(db, "agency"), count_rows(db, "admin_unit"))
    assert_problem(client.post_json("/v1/agencies", new_agency_body()), 403, "forbidden")
    assert_problem(client.post_json("/v1/admin-units",
                                    new_unit_body(api, shared_district, "xa")), 403, "forbidden")
    assert (count_rows(db, "agency"), count_rows(db, "admin_unit")) == before


@pytest.mark.parametrize("user", NOT_ADMINS)
def test_only_the_admin_changes_agencies_and_units(api, admin, commune, user):
    client = api.as_user(user)
    agency = create_agency(admin)
    for path, body in [
        (agency_path(agency["code"]), {"name_en": "changed"}),
        (unit_path(commune["code"]), township_change(commune)),
        (unit_path(commune["code"]), {"valid_to": "2031-01-01"}),
    ]:
        before = read(admin, path)
        assert_problem(patch(client, path, body), 403, "forbidden")
        assert read(admin, path) == before


def test_a_manager_may_not_change_its_own_agency_or_unit(api, admin):
    """longxuyen.manager manages the users of UBND-883, not the agency or unit 883."""
    manager = api.as_user("longxuyen.manager")
    for path, body in [("/v1/agencies/UBND-883", {"name_en": "changed by its manager"}),
                       ("/v1/admin-units/883", {"name": "Thành phố Long Xuyên Mới"})]:
        before = read(admin, path)
        assert_problem(patch(manager, path, body), 403, "forbidden")
        assert read(admin, path) == before


def test_a_refusal_for_the_role_is_the_same_whatever_the_body(api):
    coordinator = api.as_user("coordinator")
    good = coordinator.post_json("/v1/agencies", new_agency_body())
    bad = coordinator.post_json("/v1/agencies", {"code": "x"})
    assert_problem(good, 403, "forbidden")
    assert problem_core(good) == problem_core(bad)


# --- ETags, If-Match, the audit trail, histories, the feed, idempotent POSTs ---------------------

class AgencyKind:
    """Agencies: POST /v1/agencies, /v1/agencies/{code}, audited as `agencies` by code."""

    name = "agency"
    entity_type = "agencies"
    collection = "/v1/agencies"
    table = "agency"
    field = "name_en"
    change = {"name_en": "Changed by the reference-data tests"}

    def __init__(self, admin, province):
        self.admin, self.province = admin, province

    def body(self):
        return new_agency_body()

    def make(self):
        """A new object: (its path, its code, the object)."""
        r = self.admin.post_json(self.collection, self.body())
        obj = created(r, self.name)
        return r.headers["Location"], obj["code"], obj


class UnitKind(AgencyKind):
    """Units: POST /v1/admin-units, /v1/admin-units/{code}, audited as `admin-units` by code."""

    name = "admin unit"
    entity_type = "admin-units"
    collection = "/v1/admin-units"
    table = "admin_unit"
    field = "valid_to"
    change = {"valid_to": "2031-01-01"}

    def body(self):
        return new_unit_body(self.admin, self.province, "huyen")


KINDS = [AgencyKind, UnitKind]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request, admin, province):
    return request.param(admin, province)


def test_a_new_object_has_a_stable_etag_that_each_change_renews(api, kind):
    path, _, _ = kind.make()
    etag = check_etag(api, path)
    r = patch(kind.admin, path, kind.change, etag)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == check_etag(api, path) != etag


@pytest.mark.parametrize("form", IF_NONE_MATCH_FORMS)
def test_a_new_object_honours_if_none_match(api, kind, form):
    check_not_modified(api, kind.make()[0], form)


def test_a_change_without_if_match_is_428_and_changes_nothing(kind, audit_log):
    path, _, _ = kind.make()
    before = read(kind.admin, path)
    r, events = recorded(audit_log, kind.admin, lambda: patch(kind.admin, path, kind.change,
                                                              False))
    assert_problem(r, 428, "precondition_required")
    assert events == [] and read(kind.admin, path) == before


@pytest.mark.parametrize("if_match", STALE)
def test_a_change_with_a_stale_if_match_is_412_and_changes_nothing(kind, audit_log, if_match):
    path, _, _ = kind.make()
    before = read(kind.admin, path)
    etag = if_match.format(etag=before[1])
    r, events = recorded(audit_log, kind.admin, lambda: patch(kind.admin, path, kind.change,
                                                              etag))
    assert_problem(r, 412, "precondition_failed")
    assert events == [] and read(kind.admin, path) == before


def test_the_etag_of_an_older_version_is_412(kind):
    path, _, _ = kind.make()
    old = read(kind.admin, path)[1]
    assert patch(kind.admin, path, kind.change, old).status_code == 200
    assert_problem(patch(kind.admin, path, {kind.field: None}, old), 412, "precondition_failed")
    assert read(kind.admin, path)[0][kind.field] == kind.change[kind.field]


def test_a_unit_change_in_law_needs_if_match_too(admin, commune):
    path = unit_path(commune["code"])
    before = read(admin, path)
    assert_problem(patch(admin, path, township_change(commune), False), 428,
                   "precondition_required")
    assert_problem(patch(admin, path, township_change(commune), '"0000000000000000"'), 412,
                   "precondition_failed")
    assert read(admin, path) == before


def test_of_two_concurrent_changes_from_one_etag_exactly_one_wins(kind, audit_log):
    path, _, _ = kind.make()
    before, etag = read(kind.admin, path)
    clients = [kind.admin.clone(), kind.admin.clone()]
    barrier = threading.Barrier(2, timeout=30)
    values = [{kind.field: None}, kind.change]

    def send(args):
        client, body = args
        barrier.wait()
        return patch(client, path, body, etag)

    def race():
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            return list(pool.map(send, zip(clients, values), timeout=60))

    answers, events = recorded(audit_log, kind.admin, race)
    statuses = [r.status_code for r in answers]
    assert sorted(statuses) == [200, 412], [r.text[:200] for r in answers]
    after, _ = read(kind.admin, path)
    assert after["version"] == before["version"] + 1 and len(events) == 1
    assert after[kind.field] == values[statuses.index(200)][kind.field]


def test_each_write_records_one_event_naming_the_object(kind, audit_log):
    body = kind.body()
    code = body["code"]
    r, events = recorded(audit_log, kind.admin, lambda: kind.admin.post_json(kind.collection,
                                                                             body))
    assert r.status_code == 201, r.text
    path = r.headers["Location"]
    r2, events2 = recorded(audit_log, kind.admin, lambda: patch(kind.admin, path, kind.change))
    assert r2.status_code == 200, r2.text
    for action, version, evs in (("create", 1, events), ("update", 2, events2)):
        assert [(e["action"], e["entity_type"], e["entity_id"], e["version"], e["user"],
                 e["role"], e["agency"]) for e in evs] == [
            (action, kind.entity_type, code, version, "admin", "admin", ADMIN_AGENCY)], evs


def test_an_agencys_create_event_has_its_fields_new_values(admin, audit_log):
    body = new_agency_body(valid_from="2016-07-15")
    r, [event] = recorded(audit_log, admin, lambda: admin.post_json("/v1/agencies", body))
    assert r.status_code == 201, r.text
    fields = changes_by_field(event)
    for field, value in body.items():
        assert fields[field] == (None, value), (field, event)


def test_an_agencys_update_event_has_the_old_and_new_values(admin, audit_log):
    agency = create_agency(admin)
    path = agency_path(agency["code"])
    change = {"name_en": "Renamed", "valid_to": "2025-03-01"}
    r, [event] = recorded(audit_log, admin, lambda: patch(admin, path, change))
    assert r.status_code == 200, r.text
    assert changes_by_field(event) == {"name_en": (agency["name_en"], "Renamed"),
                                       "valid_to": (None, "2025-03-01")}


def test_a_committees_move_is_recorded_with_both_units(admin, district, audit_log):
    first, second = (create_unit(admin, district, "xa")["code"] for _ in range(2))
    agency = create_committee(admin, first)
    r, [event] = recorded(audit_log, admin,
                          lambda: patch(admin, agency_path(agency["code"]), {"unit": second}))
    assert r.status_code == 200, r.text
    assert (event["entity_type"], event["entity_id"]) == ("agencies", agency["code"])
    assert changes_by_field(event) == {"unit": (first, second)}


def test_a_units_create_event_has_its_fields_new_values(admin, district, audit_log):
    body = new_unit_body(admin, district, "xa", valid_to="2099-01-01")
    r, [event] = recorded(audit_log, admin, lambda: admin.post_json("/v1/admin-units", body))
    assert r.status_code == 201, r.text
    assert (event["entity_type"], event["entity_id"], event["action"]) == (
        "admin-units", body["code"], "create")
    fields = changes_by_field(event)
    for field, value in body.items():
        assert fields[field] == (None, value), (field, event)
    assert fields["level"] == (None, 3), event


def test_a_change_in_law_is_recorded_with_the_before_and_after(admin, vinh_thanh_trung,
                                                                audit_log):
    unit = vinh_thanh_trung
    path = unit_path(unit["code"])
    change = township_change(unit)
    r, [event] = recorded(audit_log, admin, lambda: patch(admin, path, change))
    assert r.status_code == 200, r.text
    assert (event["action"], event["entity_type"], event["entity_id"], event["version"]) == (
        "update", "admin-units", unit["code"], 2)
    assert changes_by_field(event) == {
        "name": (unit["name"], change["name"]), "type": ("xa", "thi_tran"),
        "current_since": (None, "2021-02-01"),
        "former": ([], [{"name": unit["name"], "type": "xa", "valid_from": "2015-08-31",
                         "valid_to": "2021-02-01"}])}


def test_a_correction_is_recorded_as_the_name_alone(admin, commune, audit_log):
    path = unit_path(commune["code"])
    name = unit_name("xa", "Mỹ Hoà Hưng")
    r, [event] = recorded(audit_log, admin, lambda: patch(admin, path, {"name": name}))
    assert r.status_code == 200, r.text
    assert changes_by_field(event) == {"name": (commune["name"], name)}


def test_a_refused_write_records_nothing(admin, commune, audit_log):
    path = unit_path(commune["code"])
    writes = [
        lambda: admin.post_json("/v1/agencies", committee_body("883")),
        lambda: admin.post_json("/v1/admin-units", new_unit_body(admin, "30285", "xa")),
        lambda: patch(admin, path, {"effective": "2021-02-01"}),
        lambda: patch(admin, path, {"type": "huyen"}),
    ]
    for write in writes:
        r, events = recorded(audit_log, admin, write)
        assert r.status_code in (409, 422), r.text
        assert events == [], f"a refused write recorded {events}"


def test_a_history_is_the_objects_journal(api, kind):
    path, code, obj = kind.make()
    for body in (kind.change, {kind.field: None}):
        patched(kind.admin, path, body)
    events = history(api, path)
    assert [(e["action"], e["version"]) for e in events] == [
        ("create", 1), ("update", 2), ("update", 3)]
    assert {(e["entity_type"], e["entity_id"], e["user"]) for e in events} == {
        (kind.entity_type, code, "admin")}
    assert changes_by_field(events[1])[kind.field] == (obj[kind.field], kind.change[kind.field])
    assert changes_by_field(events[2])[kind.field] == (kind.change[kind.field], None)
    for user in ("coordinator", "longxuyen.officer", "auditor"):
        assert history(api.as_user(user), path) == events, f"{user} reads another history"
    paged, pages = api.walk(f"{path}/history", limit=2, via="link")
    assert paged == events and pages == 2


def test_a_units_history_shows_its_change_in_law(api, admin, vinh_thanh_trung):
    path = unit_path(vinh_thanh_trung["code"])
    patched(admin, path, township_change(vinh_thanh_trung))
    events = history(api, path)
    assert [(e["action"], e["version"]) for e in events] == [("create", 1), ("update", 2)]
    fields = changes_by_field(events[1])
    assert fields["type"] == ("xa", "thi_tran")
    assert fields["current_since"] == (None, "2021-02-01")


def test_a_history_takes_only_paging_parameters(api, kind):
    path, _, _ = kind.make()
    assert_problem(api.get(f"{path}/history", params={"action": "create"}), 400,
                   "unknown_parameter", "action")


@pytest.mark.parametrize("path", ["/v1/agencies/NOPE-NOPE/history",
                                  "/v1/admin-units/99999/history", "/v1/admin-units/abc/history"])
def test_an_unknown_object_has_no_history(admin, path):
    assert_problem(admin.get(path), 404, "not_found")


def test_changes_of_reference_data_reach_the_change_feed(api, kind):
    follower = Follower(api.as_user("viewer"), limit=500)
    follower.poll()  # to the end of the feed
    path, code, _ = kind.make()
    patched(kind.admin, path, kind.change)
    mine = [(c["action"], c["version"]) for c in follower.poll()
            if (c["entity_type"], c["entity_id"]) == (kind.entity_type, code)]
    assert mine == [("create", 1), ("update", 2)]


def test_a_retried_create_with_the_same_key_creates_once(kind, audit_log, db):
    body = kind.body()
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first, events = recorded(audit_log, kind.admin,
                             lambda: kind.admin.post_json(kind.collection, body, headers=key))
    assert first.status_code == 201 and len(events) == 1, first.text
    rows = count_rows(db, kind.table)
    for _ in range(2):
        again, more = recorded(audit_log, kind.admin,
                               lambda: kind.admin.post_json(kind.collection, body, headers=key))
        assert again.headers.get("Idempotent-Replayed") == "true", dict(again.headers)
        assert (again.status_code, again.content) == (201, first.content)
        for name in ("Location", "ETag"):
            assert again.headers.get(name) == first.headers.get(name), name
        assert more == []
    assert count_rows(db, kind.table) == rows


def test_the_same_key_with_another_body_is_422(kind, db):
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    r = kind.admin.post_json(kind.collection, kind.body(), headers=key)
    assert r.status_code == 201, r.text
    rows = count_rows(db, kind.table)
    r = kind.admin.post_json(kind.collection, kind.body(), headers=key)
    assert_problem(r, 422, "validation_failed", "Idempotency-Key")
    assert count_rows(db, kind.table) == rows


def test_a_refused_create_is_replayed_with_the_same_key(admin, db, commune):
    """The first answer (409: the unit has a committee) comes back for the same key, even once
    the unit is free."""
    agency = create_committee(admin, commune["code"])
    body, key = committee_body(commune["code"]), {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = admin.post_json("/v1/agencies", body, headers=key)
    assert_field_error(first, 409, "conflict", "unit", "taken")
    patched(admin, agency_path(agency["code"]), {"kind": "office", "unit": None})
    again = admin.post_json("/v1/agencies", body, headers=key)
    assert (again.status_code, again.content) == (409, first.content)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert create_committee(admin, commune["code"])["unit"] == commune["code"]


# --- the lists with the new rows ----------------------------------------------------------------

@pytest.mark.parametrize("limit,via", [(1, "cursor"), (7, "link"), (50, "cursor")])
def test_the_unit_list_pages_over_the_new_units(api, admin, province, limit, via):
    district = create_unit(admin, province, "huyen")["code"]
    new = [create_unit(admin, district, t)["code"] for t in ("xa", "phuong", "thi_tran")]
    whole = api.json("/v1/admin-units", {"limit": 500})
    assert whole["next_cursor"] is None, "more than 500 units"
    items, pages = api.walk("/v1/admin-units", limit=limit, via=via)
    assert items == whole["items"], "pages differ from one page"
    assert len(set(codes(items))) == len(items), "a unit appears on two pages"
    keys = [(u["level"], u["code"]) for u in items]
    assert keys == sorted(keys)
    assert {province, district, *new} <= set(codes(items))
    assert pages >= -(-len(items) // limit)


def test_filters_find_the_new_units(api, admin, province):
    district = create_unit(admin, province, "huyen")
    new = sorted(create_unit(admin, district["code"], t)["code"]
                 for t in ("xa", "phuong", "thi_tran"))
    items, pages = api.walk("/v1/admin-units", {"parent": district["code"]}, limit=1)
    assert codes(items) == new and pages == 3
    assert province in codes(api.walk("/v1/admin-units", {"level": 1}, limit=500)[0])
    assert district["code"] in codes(api.walk("/v1/admin-units", {"parent": province},
                                              limit=2)[0])
    found = api.json("/v1/admin-units", {"q": district["name"].split()[-1].lower()})["items"]
    assert codes(found) == [district["code"]]


@pytest.mark.parametrize("limit,via", [(3, "cursor"), (7, "link"), (50, "cursor")])
def test_the_agency_list_pages_over_the_new_agencies(api, admin, commune, limit, via):
    new = [create_agency(admin)["code"], create_agency(admin, kind="police")["code"],
           create_committee(admin, commune["code"])["code"]]
    whole, _ = api.walk("/v1/agencies", limit=500)  # the seed alone has over 500 (issue 17)
    items, pages = api.walk("/v1/agencies", limit=limit, via=via)
    assert items == whole, "small pages differ from large ones"
    assert codes(items) == sorted(set(codes(items))), "not in code order, or repeated"
    assert set(new) <= set(codes(items))
    assert pages >= -(-len(items) // limit)


def test_agency_filters_find_the_new_agencies(api, admin, commune):
    agency = create_agency(admin, kind="foreign_partner")
    committee = create_committee(admin, commune["code"])
    partners, _ = api.walk("/v1/agencies", {"kind": "foreign_partner"}, limit=1)
    assert agency in partners and codes(partners) == sorted(codes(partners))
    committees, _ = api.walk("/v1/agencies", {"kind": "people_committee"}, limit=7, via="link")
    assert committee in committees
    found = api.json("/v1/agencies", {"q": agency["name"].split()[-1].lower()})["items"]
    assert found == [agency]


def test_the_seeded_committees_are_still_found_by_their_name(api):
    """The committees added here are named `UBND …`: `?q=uy ban` finds the 168 seeded ones."""
    items, _ = api.walk("/v1/agencies", {"q": "uy ban", "kind": "people_committee"}, limit=500)
    assert len(items) == 168


# --- the bodies tied to a unit besides its committee (issue 17) -----------------------------------

@pytest.mark.parametrize("kind", ["people_council", "inspection_team"])
def test_a_council_or_an_inspection_team_without_a_unit_is_422_unit_required(admin, db, kind):
    assert_not_added(admin, db, "/v1/agencies", new_agency_body(kind=kind), 422,
                     "validation_failed", "unit", "required")


@pytest.mark.parametrize("kind", ["procuracy", "court", "social_work_centre"])
def test_a_procuracy_court_or_centre_may_be_tied_to_a_unit_or_not(admin, commune, kind):
    assert create_agency(admin, kind=kind)["unit"] is None
    assert create_agency(admin, kind=kind, unit=commune["code"])["unit"] == commune["code"]


def test_a_unit_has_one_body_of_each_kind(admin, db, commune):
    create_agency(admin, kind="people_council", unit=commune["code"])
    assert_not_added(admin, db, "/v1/agencies",
                     new_agency_body(kind="people_council", unit=commune["code"]), 409,
                     "conflict", "unit", "taken")
    assert create_committee(admin, commune["code"])["unit"] == commune["code"], \
        "a committee beside the council"

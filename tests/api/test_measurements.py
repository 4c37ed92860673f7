"""Measurements and their workflow (issue 6, item 3): one value per indicator x unit x period,
checked against the indicator's value type, level and period type, entered by an agency with the
unit in scope (a People's Committee: its unit and everything below it; another agency: the
indicators that name it as a reporter); `draft` -> `submitted` -> `approved`, or back to
`draft` with the reviewer's note; approved data locked (409) until a reviewer un-approves it.
Commune data is reviewed by its district committee's manager, district and province data by the
coordinator. Drafts are seen only within scope; every write is safe (ETag, If-Match, audit,
Idempotency-Key).

Each test makes its own indicator, so nothing here touches the seeded indicators' data.
"""

import time
import uuid

import pytest

from audit import changes_by_field, history, recorded
from checks import assert_problem, check_etag, check_not_modified
from conftest import table_digests
from indicators import (MEASUREMENT_KEYS, PROVINCE, all_measurements, approved, communes,
                        create_indicator, enter, measurement_body, measurement_path, moved,
                        periods_around_today, post_measurement, step)
from plans import patch, read
from settings import DEMO_USERS

OFFICER, MANAGER, OTHER_OFFICER = "longxuyen.officer", "longxuyen.manager", "chaudoc.officer"
OWN_DISTRICT, OTHER_DISTRICT = "883", "884"  # of UBND-883 (Long Xuyên), UBND-884 (Châu Đốc)
OWN_COMMUNE, OTHER_COMMUNE = communes("883")[0], communes("884")[0]
EVIDENCE = ["https://example.org/bien-ban-tuyen-truyen-2017.pdf"]
STEPS = ("submit", "approve", "return", "unapprove")


@pytest.fixture
def indicator(coordinator):
    """A fresh commune-level yearly boolean indicator, reported by the district committees."""
    return create_indicator(coordinator)["code"]


def field_error(response, status, code, field, field_code):
    body = assert_problem(response, status, code, field)
    assert body["errors"][0]["code"] == field_code, f"expected {field}: {field_code}, got {body}"
    return body


def count_measurements(db, indicator):
    return db.execute("SELECT count(*) FROM measurement WHERE indicator = %s",
                      (indicator,)).fetchone()[0]


def status_of(client, measurement_id):
    return read(client, measurement_path(measurement_id))[0]["status"]


# --- entering a value ---------------------------------------------------------------------------

def test_a_district_officer_enters_a_draft_for_one_of_its_communes(api, indicator):
    officer = api.as_user(OFFICER)
    body = measurement_body(indicator, OWN_COMMUNE, "2017", True,
                            comment="Tổ chức 2 buổi tuyên truyền", evidence=EVIDENCE)
    r = officer.post_json("/v1/measurements", body)
    assert r.status_code == 201, r.text
    m = r.json()
    assert set(m) == MEASUREMENT_KEYS
    assert {k: m[k] for k in body} == body
    assert (m["status"], m["entered_by"], m["agency"], m["reviewed_by"], m["review_note"],
            m["version"]) == ("draft", OFFICER, "UBND-883", None, None, 1)
    assert r.headers["Location"] == measurement_path(m["id"])
    assert read(officer, measurement_path(m["id"])) == (m, r.headers["ETag"])


@pytest.mark.parametrize("value_type,rollup,value", [
    ("boolean", "share", True), ("boolean", "share", False),
    ("count", "sum", 0), ("count", "sum", 17), ("count", "sum", 2 ** 53),
    ("number", "sum", 2.5), ("number", "sum", -1.25), ("number", "latest", 0),
    ("percentage", "share", {"numerator": 3, "denominator": 4}),
    ("percentage", "share", {"numerator": 0, "denominator": 1}),
    ("percentage", "share", {"numerator": 12.5, "denominator": 12.5}),
    ("text", "none", "Đã tổ chức 3 buổi nói chuyện chuyên đề"), ("text", "none", "x" * 20000),
])
def test_a_value_of_the_indicators_type_is_kept_as_sent(api, coordinator, value_type, rollup,
                                                        value):
    code = create_indicator(coordinator, value_type=value_type, rollup=rollup)["code"]
    m = enter(api.as_user(OFFICER), code, OWN_COMMUNE, "2017", value)
    assert m["value"] == value
    assert read(api.as_user(OFFICER), measurement_path(m["id"]))[0]["value"] == value


@pytest.mark.parametrize("value_type,rollup,value", [
    ("boolean", "share", "true"), ("boolean", "share", 1), ("boolean", "share", [True]),
    ("count", "sum", -1), ("count", "sum", 2.5), ("count", "sum", "3"), ("count", "sum", True),
    ("count", "sum", 2 ** 53 + 1),
    ("number", "sum", "2.5"), ("number", "sum", True), ("number", "sum", {"value": 1}),
    ("percentage", "share", 0.75), ("percentage", "share", "3/4"),
    ("percentage", "share", {"numerator": 5, "denominator": 4}),
    ("percentage", "share", {"numerator": 1, "denominator": 0}),
    ("percentage", "share", {"numerator": -1, "denominator": 2}),
    ("percentage", "share", {"numerator": 1}),
    ("percentage", "share", {"numerator": 1, "denominator": 2, "note": "x"}),
    ("percentage", "share", {"numerator": "1", "denominator": "2"}),
    ("text", "none", ""), ("text", "none", "x" * 20001), ("text", "none", 5),
    ("text", "none", True),
])
def test_a_value_not_of_the_indicators_type_is_422_naming_value(api, coordinator, db,
                                                                  value_type, rollup, value):
    code = create_indicator(coordinator, value_type=value_type, rollup=rollup)["code"]
    r = post_measurement(api.as_user(OFFICER), code, OWN_COMMUNE, "2017", value)
    field_error(r, 422, "validation_failed", "value", "type")
    assert count_measurements(db, code) == 0


@pytest.mark.parametrize("value_type,rollup", [("boolean", "share"), ("count", "sum"),
                                              ("text", "none")])
def test_a_null_value_is_422_naming_value(api, coordinator, db, value_type, rollup):
    code = create_indicator(coordinator, value_type=value_type, rollup=rollup)["code"]
    r = post_measurement(api.as_user(OFFICER), code, OWN_COMMUNE, "2017", None)
    assert_problem(r, 422, "validation_failed", "value")
    assert count_measurements(db, code) == 0


@pytest.mark.parametrize("period", ["17", "2017Q5", "201713", "2017-01", "2017vn", "", "２０１７",
                                    "2017VNS3", "2201"])
def test_a_malformed_period_is_422_naming_period(api, indicator, db, period):
    r = post_measurement(api.as_user(OFFICER), indicator, OWN_COMMUNE, period)
    body = assert_problem(r, 422, "validation_failed", "period")
    assert body["errors"][0]["code"] in ("invalid", "length"), body
    assert count_measurements(db, indicator) == 0


def test_a_malformed_period_names_the_forms(api, indicator):
    body = field_error(post_measurement(api.as_user(OFFICER), indicator, OWN_COMMUNE, "2017X1"),
                       422, "validation_failed", "period", "invalid")
    assert "2017VNS1" in body["errors"][0]["message"] + body["detail"], body


@pytest.mark.parametrize("period", ["201703", "2017Q1", "2017S1", "2017VN", "2017VNS2"])
def test_a_period_of_another_type_is_422_wrong_type(api, indicator, period):
    field_error(post_measurement(api.as_user(OFFICER), indicator, OWN_COMMUNE, period), 422,
                "validation_failed", "period", "wrong_type")


def test_a_period_that_has_not_begun_is_422_not_started(api, coordinator, indicator, db):
    """Nothing in a period to come can have been measured (today in the province decides)."""
    this_year, next_year, this_month, next_month = periods_around_today()
    monthly = create_indicator(coordinator, period_type="monthly", value_type="count",
                               rollup="sum")["code"]
    for code, period in ((indicator, next_year), (indicator, "2099"), (monthly, next_month)):
        field_error(post_measurement(api.as_user(OFFICER), code, OWN_COMMUNE, period, 1), 422,
                    "validation_failed", "period", "not_started")
    assert count_measurements(db, indicator) == count_measurements(db, monthly) == 0
    # the period under way has begun
    assert enter(api.as_user(OFFICER), indicator, OWN_COMMUNE, this_year)["period"] == this_year
    assert enter(api.as_user(OFFICER), monthly, OWN_COMMUNE, this_month, 3)["period"] == this_month


def test_a_monthly_indicator_takes_months(api, coordinator):
    code = create_indicator(coordinator, period_type="monthly", value_type="count",
                            rollup="sum")["code"]
    assert enter(api.as_user(OFFICER), code, OWN_COMMUNE, "201702", 4)["period"] == "201702"
    field_error(post_measurement(api.as_user(OFFICER), code, OWN_COMMUNE, "2017", 4), 422,
                "validation_failed", "period", "wrong_type")


@pytest.mark.parametrize("indicator_code", ["NO-SUCH-INDICATOR", "commune-awareness", "X"])
def test_an_unknown_indicator_is_422_unknown(api, db, indicator_code):
    r = post_measurement(api.as_user("coordinator"), indicator_code, OWN_COMMUNE)
    field_error(r, 422, "validation_failed", "indicator", "unknown")


def test_a_pilot_registry_indicator_takes_no_measurement(coordinator):
    """PILOT-PM1 is derived from the pilot-site registry."""
    r = post_measurement(coordinator, "PILOT-PM1", OWN_DISTRICT, "2020", 1)
    field_error(r, 422, "validation_failed", "indicator", "derived")


@pytest.mark.parametrize("unit", ["99999", "885", "0", "abc"])
def test_an_unknown_unit_is_422_unknown(coordinator, indicator, unit):
    field_error(post_measurement(coordinator, indicator, unit), 422, "validation_failed", "unit",
                "unknown")


@pytest.mark.parametrize("unit", ["123456", "", 30280, None])
def test_a_malformed_unit_is_422_naming_unit(coordinator, indicator, unit):
    assert_problem(post_measurement(coordinator, indicator, unit), 422, "validation_failed",
                   "unit")


@pytest.mark.parametrize("level,unit", [("commune", OWN_DISTRICT), ("commune", PROVINCE),
                                        ("district", OWN_COMMUNE), ("district", PROVINCE),
                                        ("province", OWN_DISTRICT)])
def test_a_unit_of_another_level_is_422_wrong_level(coordinator, level, unit):
    code = create_indicator(coordinator, level=level)["code"]
    field_error(post_measurement(coordinator, code, unit), 422, "validation_failed", "unit",
                "wrong_level")


def test_a_unit_that_did_not_exist_at_the_periods_end_is_422(api, coordinator, indicator):
    since = api.json(f"/v1/admin-units/{OWN_COMMUNE}")["valid_from"]
    before = str(int(since[:4]) - 1)
    assert before >= "1900", since
    field_error(post_measurement(coordinator, indicator, OWN_COMMUNE, before), 422,
                "validation_failed", "unit", "not_existing")


@pytest.mark.parametrize("missing", ["indicator", "unit", "period", "value"])
def test_a_missing_field_is_422_naming_it(coordinator, indicator, db, missing):
    body = measurement_body(indicator, OWN_COMMUNE)
    del body[missing]
    assert_problem(coordinator.post_json("/v1/measurements", body), 422, "validation_failed",
                   missing)
    assert count_measurements(db, indicator) == 0


@pytest.mark.parametrize("field,value", [("comment", "c" * 5001), ("comment", 5),
                                         ("evidence", "https://example.org/a.pdf"),
                                         ("evidence", ["not a url"]), ("evidence", [1])])
def test_a_bad_comment_or_evidence_is_422(coordinator, indicator, field, value):
    body = measurement_body(indicator, OWN_COMMUNE, **{field: value})
    r = coordinator.post_json("/v1/measurements", body)
    assert_problem(r, 422, "validation_failed")
    assert r.json()["errors"][0]["field"].startswith(field), r.text


@pytest.mark.parametrize("field,value", [
    ("id", 1), ("status", "approved"), ("agency", "SLDTBXH"), ("entered_by", "admin"),
    ("reviewed_by", "admin"), ("review_note", "ok"), ("version", 1),
    ("created_at", "2017-01-01T00:00:00Z"), ("updated_at", "2017-01-01T00:00:00Z"),
])
def test_a_server_owned_field_is_400_naming_it(api, indicator, db, field, value):
    body = measurement_body(indicator, OWN_COMMUNE, **{field: value})
    assert_problem(api.as_user(OFFICER).post_json("/v1/measurements", body), 400, "bad_request",
                   field)
    assert count_measurements(db, indicator) == 0


@pytest.mark.parametrize("field", ["numerator", "Value", "note"])
def test_an_unknown_field_is_400_naming_it(coordinator, indicator, field):
    body = measurement_body(indicator, OWN_COMMUNE, **{field: 1})
    assert_problem(coordinator.post_json("/v1/measurements", body), 400, "bad_request", field)


def test_a_second_value_for_the_same_indicator_unit_and_period_is_409(api, indicator, db):
    officer = api.as_user(OFFICER)
    first = enter(officer, indicator, OWN_COMMUNE, "2017", True)
    assert_problem(post_measurement(officer, indicator, OWN_COMMUNE, "2017", False), 409,
                   "conflict")
    assert_problem(post_measurement(api.as_user("coordinator"), indicator, OWN_COMMUNE, "2017",
                                    True), 409, "conflict")
    assert count_measurements(db, indicator) == 1
    assert read(officer, measurement_path(first["id"]))[0] == first
    assert enter(officer, indicator, OWN_COMMUNE, "2018", False)["period"] == "2018"


def test_the_409_of_a_second_value_names_the_existing_measurement(api, indicator):
    officer = api.as_user(OFFICER)
    first = enter(officer, indicator, OWN_COMMUNE, "2017", True)
    r = post_measurement(officer, indicator, OWN_COMMUNE, "2017", False)
    problem = assert_problem(r, 409, "conflict")
    assert problem["existing"] == measurement_path(first["id"])
    assert r.headers["Location"] == measurement_path(first["id"])
    assert read(officer, r.headers["Location"])[0] == first


# --- scope in single writes ---------------------------------------------------------------------

@pytest.mark.parametrize("user,unit", [(OFFICER, OTHER_COMMUNE), (MANAGER, OTHER_COMMUNE),
                                       (OTHER_OFFICER, OWN_COMMUNE), ("health.officer",
                                                                      OWN_COMMUNE)])
def test_an_entry_outside_the_callers_scope_is_403_out_of_scope(api, indicator, db, user, unit):
    r = post_measurement(api.as_user(user), indicator, unit)
    field_error(r, 403, "forbidden", "unit", "out_of_scope")
    assert count_measurements(db, indicator) == 0


@pytest.mark.parametrize("user", ["viewer", "auditor"])
def test_roles_that_enter_nothing_are_403(api, indicator, db, user):
    assert_problem(post_measurement(api.as_user(user), indicator, OWN_COMMUNE), 403, "forbidden")
    assert count_measurements(db, indicator) == 0


def test_a_district_committee_enters_for_its_district_and_its_communes_only(api, coordinator):
    officer = api.as_user(OFFICER)
    district_level = create_indicator(coordinator, level="district")["code"]
    assert enter(officer, district_level, OWN_DISTRICT)["unit"] == OWN_DISTRICT
    field_error(post_measurement(officer, district_level, OTHER_DISTRICT), 403, "forbidden",
                "unit", "out_of_scope")
    province_level = create_indicator(coordinator, level="province")["code"]
    field_error(post_measurement(officer, province_level, PROVINCE), 403, "forbidden", "unit",
                "out_of_scope")


@pytest.mark.parametrize("body", ["HDND", "VKSND", "TAND", "DKTLN"])
def test_a_body_tied_to_a_district_besides_its_committee_has_no_data_scope(
        api, make_user, indicator, db, body):
    """A district's People's Council, procuracy, court and inspection team are tied to its unit
    (issue 17), but the unit is only its People's Committee's data scope."""
    user = make_user(agency=f"{body}-{OWN_DISTRICT}", role="officer")["username"]
    field_error(post_measurement(api.as_user(user), indicator, OWN_COMMUNE), 403, "forbidden",
                "unit", "out_of_scope")
    assert count_measurements(db, indicator) == 0


def test_an_agency_named_as_reporter_enters_for_any_unit(api, coordinator):
    code = create_indicator(coordinator, reporting_agencies=["SYT"])["code"]
    health = api.as_user("health.officer")
    for unit in (OWN_COMMUNE, OTHER_COMMUNE):
        assert enter(health, code, unit)["agency"] == "SYT"


@pytest.mark.parametrize("editor", ["admin", "coordinator"])
def test_admins_and_coordinators_enter_anywhere(api, coordinator, editor):
    code = create_indicator(coordinator, reporting_agencies=[])["code"]
    assert enter(api.as_user(editor), code, OTHER_COMMUNE)["status"] == "draft"


def test_out_of_scope_wins_over_a_duplicate(api, indicator):
    """Another agency's unit is refused as out of scope, whether or not it has a value."""
    enter(api.as_user(OTHER_OFFICER), indicator, OTHER_COMMUNE)
    field_error(post_measurement(api.as_user(OFFICER), indicator, OTHER_COMMUNE), 403,
                "forbidden", "unit", "out_of_scope")


def test_an_officer_cannot_change_or_submit_another_districts_value(api, indicator):
    m = enter(api.as_user(OTHER_OFFICER), indicator, OTHER_COMMUNE)
    path = measurement_path(m["id"])
    etag = read(api.as_user("coordinator"), path)[1]
    officer = api.as_user(OFFICER)
    # the draft is not visible to it: as if it did not exist
    assert_problem(patch(officer, path, {"value": False}, etag), 404, "not_found")
    assert_problem(step(officer, m["id"], "submit"), 404, "not_found")
    # a visible (approved, then un-approved) value of another district: 403 out of scope
    moved(api.as_user(OTHER_OFFICER), m["id"], "submit")
    moved(api.as_user("coordinator"), m["id"], "approve")
    assert_problem(patch(officer, path, {"value": False}, read(officer, path)[1]), 403,
                   "forbidden", "unit")
    assert status_of(api, m["id"]) == "approved"


# --- who sees drafts ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_an_unapproved_value_is_seen_only_within_scope(api, indicator, status):
    m = enter(api.as_user(OFFICER), indicator, OWN_COMMUNE)
    if status == "submitted":
        moved(api.as_user(OFFICER), m["id"], "submit")
    path = measurement_path(m["id"])
    seeing = {"admin", "coordinator", "auditor", OFFICER, MANAGER}
    for user in DEMO_USERS:
        client = api.as_user(user)
        listed = [x["id"] for x in all_measurements(client, indicator=indicator)]
        if user in seeing:
            assert read(client, path)[0]["status"] == status, user
            assert listed == [m["id"]], user
        else:
            assert_problem(client.get(path), 404, "not_found")
            assert listed == [], user


def test_an_approved_value_is_seen_by_everyone(api, indicator):
    m = approved(api.as_user(OFFICER), api.as_user(MANAGER), indicator, OWN_COMMUNE)
    for user in DEMO_USERS:
        client = api.as_user(user)
        assert read(client, measurement_path(m["id"]))[0] == m, user
        assert [x["id"] for x in all_measurements(client, indicator=indicator)] == [m["id"]]


def test_a_reporting_agency_sees_the_drafts_of_its_indicators(api, coordinator):
    code = create_indicator(coordinator, reporting_agencies=["SYT"])["code"]
    m = enter(coordinator, code, OTHER_COMMUNE)
    assert read(api.as_user("health.officer"), measurement_path(m["id"]))[0]["id"] == m["id"]
    assert_problem(api.as_user(OFFICER).get(measurement_path(m["id"])), 404, "not_found")


def test_the_list_filters_by_indicator_unit_period_status_and_agency(api, coordinator,
                                                                     indicator):
    officer = api.as_user(OFFICER)
    a = enter(officer, indicator, OWN_COMMUNE, "2017")
    b = enter(officer, indicator, OWN_COMMUNE, "2018")
    c = enter(coordinator, indicator, OTHER_COMMUNE, "2017")
    moved(officer, b["id"], "submit")

    def listed(**params):
        return [m["id"] for m in all_measurements(coordinator, indicator=indicator, **params)]

    assert listed() == [a["id"], b["id"], c["id"]]
    assert listed(unit=OWN_COMMUNE) == [a["id"], b["id"]]
    assert listed(period="2017") == [a["id"], c["id"]]
    assert listed(status="submitted") == [b["id"]]
    assert listed(status="approved") == []
    assert listed(agency="SLDTBXH") == [c["id"]]
    assert listed(agency="UBND-883", period="2018") == [b["id"]]


@pytest.mark.parametrize("param,value,status,code", [
    ("unit", "abc", 400, "invalid_parameter"), ("status", "returned", 400, "invalid_parameter"),
    ("updated_since", "yesterday", 400, "invalid_parameter"),
    ("limit", "0", 400, "invalid_parameter"), ("level", "3", 400, "unknown_parameter"),
])
def test_a_bad_list_parameter_is_400_naming_it(api, param, value, status, code):
    assert_problem(api.get("/v1/measurements", params={param: value}), status, code, param)


def test_updated_since_lists_what_changed_since(api, coordinator, indicator):
    old = enter(coordinator, indicator, OWN_COMMUNE, "2016")
    since = read(coordinator, measurement_path(old["id"]))[0]["updated_at"]
    time.sleep(1.1)
    new = enter(coordinator, indicator, OWN_COMMUNE, "2017")
    later = new["updated_at"]
    assert later > since
    got = [m["id"] for m in all_measurements(coordinator, indicator=indicator,
                                             updated_since=later)]
    assert got == [new["id"]]


# --- the workflow -------------------------------------------------------------------------------

def test_a_value_goes_from_draft_to_submitted_to_approved(api, indicator, audit_log):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    submitted, events = recorded(audit_log, officer, lambda: moved(officer, m["id"], "submit"))
    assert (submitted["status"], submitted["version"], submitted["reviewed_by"]) == (
        "submitted", 2, None)
    assert [(e["action"], e["entity_type"], e["entity_id"], e["user"]) for e in events] == [
        ("submit", "measurements", str(m["id"]), OFFICER)]
    done, events = recorded(audit_log, manager, lambda: moved(manager, m["id"], "approve"))
    assert (done["status"], done["version"], done["reviewed_by"]) == ("approved", 3, MANAGER)
    assert [(e["action"], e["user"]) for e in events] == [("approve", MANAGER)]
    assert changes_by_field(events[0])["status"] == ("submitted", "approved")


def test_a_reviewer_returns_a_value_with_a_note(api, indicator, audit_log):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    note = "Thiếu biên bản buổi tuyên truyền; bổ sung minh chứng."
    back, events = recorded(audit_log, manager,
                            lambda: moved(manager, m["id"], "return", note=note))
    assert (back["status"], back["review_note"], back["reviewed_by"]) == ("draft", note, MANAGER)
    assert [e["action"] for e in events] == ["return"]
    # corrected and submitted again
    r = patch(officer, measurement_path(m["id"]), {"evidence": EVIDENCE})
    assert r.status_code == 200 and r.json()["status"] == "draft", r.text
    assert moved(officer, m["id"], "submit")["status"] == "submitted"
    assert moved(manager, m["id"], "approve")["status"] == "approved"


@pytest.mark.parametrize("action,status_before", [("approve", "submitted"),
                                                  ("unapprove", "approved")])
def test_approve_and_unapprove_take_an_optional_note_kept_in_the_history(api, indicator, action,
                                                                         status_before):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    if status_before == "approved":
        moved(manager, m["id"], "approve")
    note = "Đã đối chiếu biên bản của xã."
    after = moved(manager, m["id"], action, note=note)
    assert after["review_note"] == note
    last = history(officer, measurement_path(m["id"]))[-1]
    assert last["action"] == action
    assert changes_by_field(last)["review_note"][1] == note


def test_an_approval_without_a_note_still_works_and_clears_a_return_note(api, indicator):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    moved(manager, m["id"], "return", note="Bổ sung minh chứng.")
    moved(officer, m["id"], "submit")
    assert moved(manager, m["id"], "approve")["review_note"] is None


@pytest.mark.parametrize("body,code", [({"note": "   "}, "validation_failed"),
                                       ({"note": None}, "validation_failed"),
                                       ({"status": "approved"}, "bad_request")])
def test_a_bad_approval_note_is_refused_naming_it(api, indicator, body, code):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    r = manager.post_json(measurement_path(m["id"], "approve"), body)
    assert_problem(r, 422 if code == "validation_failed" else 400, code)
    assert status_of(officer, m["id"]) == "submitted"


@pytest.mark.parametrize("body,status,code,field", [
    (None, 400, "invalid_json", None), ({}, 422, "validation_failed", "note"),
    ({"note": ""}, 422, "validation_failed", "note"),
    ({"note": "   "}, 422, "validation_failed", "note"),
    ({"note": None}, 422, "validation_failed", "note"),
    ({"note": "n" * 5001}, 422, "validation_failed", "note"),
    ({"note": "ok", "status": "draft"}, 400, "bad_request", "status"),
])
def test_a_return_needs_a_note(api, indicator, body, status, code, field):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    path = measurement_path(m["id"], "return")
    r = manager.request("POST", path) if body is None else manager.post_json(path, body)
    assert_problem(r, status, code, field)
    assert status_of(officer, m["id"]) == "submitted"


@pytest.mark.parametrize("status,action", [
    ("draft", "approve"), ("draft", "return"), ("draft", "unapprove"),
    ("submitted", "submit"), ("submitted", "unapprove"),
    ("approved", "submit"), ("approved", "approve"), ("approved", "return"),
])
def test_a_step_from_the_wrong_state_is_409(api, indicator, audit_log, status, action):
    officer, coordinator = api.as_user(OFFICER), api.as_user("coordinator")
    m = enter(officer, indicator, OWN_COMMUNE)
    if status in ("submitted", "approved"):
        moved(officer, m["id"], "submit")
    if status == "approved":
        moved(coordinator, m["id"], "approve")
    before = read(coordinator, measurement_path(m["id"]))
    note = "Xem lại" if action == "return" else None
    r, events = recorded(audit_log, coordinator,
                         lambda: step(coordinator, m["id"], action, note=note))
    assert_problem(r, 409, "conflict")
    assert events == [] and read(coordinator, measurement_path(m["id"])) == before


def test_unapprove_returns_an_approved_value_to_submitted(api, indicator, audit_log):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = approved(officer, manager, indicator, OWN_COMMUNE)
    r, events = recorded(audit_log, manager, lambda: step(manager, m["id"], "unapprove"))
    assert r.status_code == 200 and r.json()["status"] == "submitted", r.text
    assert [e["action"] for e in events] == ["unapprove"]


@pytest.mark.parametrize("action", STEPS)
def test_steps_need_no_if_match_but_a_known_id(api, action):
    assert_problem(step(api.as_user("coordinator"), 999999999, action,
                        note="x" if action == "return" else None), 404, "not_found")
    assert_problem(step(api.as_user("coordinator"), "abc", action,
                        note="x" if action == "return" else None), 404, "not_found")


def test_the_history_of_a_value_is_its_workflow(api, indicator):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = approved(officer, manager, indicator, OWN_COMMUNE)
    moved(manager, m["id"], "unapprove")
    assert patch(officer, measurement_path(m["id"]), {"value": False}).status_code == 200
    moved(officer, m["id"], "submit")
    moved(manager, m["id"], "return", note="Sai số liệu")
    events = history(api.as_user("auditor"), measurement_path(m["id"]))
    assert [(e["action"], e["version"], e["user"]) for e in events] == [
        ("create", 1, OFFICER), ("submit", 2, OFFICER), ("approve", 3, MANAGER),
        ("unapprove", 4, MANAGER), ("update", 5, OFFICER), ("submit", 6, OFFICER),
        ("return", 7, MANAGER)]
    assert {e["entity_type"] for e in events} == {"measurements"}


# --- the lock -----------------------------------------------------------------------------------

def test_an_approved_value_is_locked_until_unapproved(api, indicator, audit_log):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = approved(officer, manager, indicator, OWN_COMMUNE)
    path = measurement_path(m["id"])
    for client in (officer, api.as_user("coordinator"), api.as_user("admin")):
        before = read(client, path)
        r, events = recorded(audit_log, client,
                             lambda: patch(client, path, {"value": False}, before[1]))
        assert_problem(r, 409, "conflict")
        assert events == [] and read(client, path) == before
    moved(manager, m["id"], "unapprove")
    r = patch(officer, path, {"value": False, "comment": "Đính chính"})
    assert r.status_code == 200, r.text
    assert (r.json()["value"], r.json()["status"]) == (False, "draft")


def test_a_change_returns_a_submitted_value_to_draft(api, indicator):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    r = patch(officer, measurement_path(m["id"]), {"comment": "Bổ sung"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["comment"], r.json()["value"]) == (
        "draft", "Bổ sung", True)


# --- reviewers ----------------------------------------------------------------------------------

def test_a_district_manager_reviews_its_communes_data_only(api, coordinator, indicator):
    """longxuyen.manager (UBND-883) reviews the communes of 883; not those of 884, which it does
    not even see before approval, nor district data, even its own district's."""
    manager = api.as_user(MANAGER)
    own = enter(coordinator, indicator, OWN_COMMUNE)
    other = enter(coordinator, indicator, OTHER_COMMUNE)
    district_code = create_indicator(coordinator, level="district")["code"]
    district = enter(coordinator, district_code, OWN_DISTRICT)
    for m in (own, other, district):
        moved(coordinator, m["id"], "submit")
    for action, note in (("approve", None), ("return", "Xem lại")):
        assert_problem(step(manager, other["id"], action, note=note), 404, "not_found")
        assert_problem(step(manager, district["id"], action, note=note), 403, "forbidden")
    assert status_of(coordinator, other["id"]) == status_of(coordinator, district["id"]) == \
        "submitted"
    assert moved(manager, own["id"], "approve")["reviewed_by"] == MANAGER
    moved(coordinator, other["id"], "approve")
    assert_problem(step(manager, other["id"], "unapprove"), 403, "forbidden")
    assert status_of(coordinator, other["id"]) == "approved"


def test_a_district_manager_cannot_unapprove_district_data(api, coordinator):
    code = create_indicator(coordinator, level="district")["code"]
    m = enter(coordinator, code, OWN_DISTRICT)
    moved(coordinator, m["id"], "submit")
    moved(coordinator, m["id"], "approve")
    assert_problem(step(api.as_user(MANAGER), m["id"], "unapprove"), 403, "forbidden")
    assert status_of(coordinator, m["id"]) == "approved"


def test_another_districts_manager_reviews_its_own_communes(api, make_user, coordinator,
                                                            indicator):
    other_manager = api.as_user(make_user(agency="UBND-884", role="manager")["username"])
    mine = enter(api.as_user(OTHER_OFFICER), indicator, OTHER_COMMUNE)
    theirs = enter(api.as_user(OFFICER), indicator, OWN_COMMUNE)
    for m in (mine, theirs):
        moved(coordinator, m["id"], "submit")
    assert moved(other_manager, mine["id"], "approve")["status"] == "approved"
    assert_problem(step(other_manager, theirs["id"], "approve"), 404, "not_found")
    moved(coordinator, theirs["id"], "approve")
    assert_problem(step(other_manager, theirs["id"], "unapprove"), 403, "forbidden")


@pytest.mark.parametrize("level,unit", [("commune", OTHER_COMMUNE), ("district", OWN_DISTRICT),
                                        ("province", PROVINCE)])
@pytest.mark.parametrize("reviewer", ["coordinator", "admin"])
def test_the_coordinator_and_admin_review_everything(api, coordinator, reviewer, level, unit):
    code = create_indicator(coordinator, level=level)["code"]
    client = api.as_user(reviewer)
    m = enter(coordinator, code, unit)
    moved(coordinator, m["id"], "submit")
    assert moved(client, m["id"], "return", note="Kiểm tra lại")["status"] == "draft"
    moved(coordinator, m["id"], "submit")
    assert moved(client, m["id"], "approve")["reviewed_by"] == reviewer
    assert moved(client, m["id"], "unapprove")["status"] == "submitted"


@pytest.mark.parametrize("user", [OFFICER, "health.officer", "viewer", "auditor"])
def test_other_roles_review_nothing(api, indicator, user):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    client = api.as_user(user)
    for action, note in (("approve", None), ("return", "x")):
        assert_problem(step(client, m["id"], action, note=note), 403, "forbidden")
    assert status_of(officer, m["id"]) == "submitted"


@pytest.mark.parametrize("user", ["viewer", "auditor"])
def test_roles_that_enter_nothing_submit_nothing(api, indicator, user):
    m = enter(api.as_user(OFFICER), indicator, OWN_COMMUNE)
    assert_problem(step(api.as_user(user), m["id"], "submit"), 403, "forbidden")


# --- safe writes --------------------------------------------------------------------------------

def test_a_value_has_an_etag_that_each_change_renews(api, indicator):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE)
    path = measurement_path(m["id"])
    etag = check_etag(officer, path)
    check_not_modified(officer, path, "same")
    r = patch(officer, path, {"comment": "Sửa"}, etag)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == check_etag(officer, path) != etag
    moved(officer, m["id"], "submit")
    assert check_etag(officer, path) != r.headers["ETag"]


def test_a_change_without_if_match_is_428_and_a_stale_one_412(api, indicator, audit_log):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE)
    path = measurement_path(m["id"])
    before = read(officer, path)
    r, events = recorded(audit_log, officer, lambda: patch(officer, path, {"value": False},
                                                           False))
    assert_problem(r, 428, "precondition_required")
    r, more = recorded(audit_log, officer, lambda: patch(officer, path, {"value": False},
                                                         '"0000000000000000"'))
    assert_problem(r, 412, "precondition_failed")
    assert events == more == [] and read(officer, path) == before


def test_a_change_is_audited_with_its_fields(api, indicator, audit_log):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE, comment="Lần đầu")
    path = measurement_path(m["id"])
    r, events = recorded(audit_log, officer,
                         lambda: patch(officer, path, {"comment": "Lần hai"}))
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    [event] = events
    assert (event["action"], event["entity_type"], event["entity_id"], event["user"],
            event["agency"]) == ("update", "measurements", str(m["id"]), OFFICER, "UBND-883")
    assert changes_by_field(event)["comment"] == ("Lần đầu", "Lần hai")


def test_a_creation_is_audited(api, indicator, audit_log):
    officer = api.as_user(OFFICER)
    m, events = recorded(audit_log, officer, lambda: enter(officer, indicator, OWN_COMMUNE))
    assert [(e["action"], e["entity_type"], e["entity_id"], e["version"]) for e in events] == [
        ("create", "measurements", str(m["id"]), 1)]


@pytest.mark.parametrize("field,value", [("indicator", "COMMUNE-AWARENESS"),
                                         ("unit", OTHER_COMMUNE), ("period", "2018"),
                                         ("status", "approved"), ("agency", "SLDTBXH"),
                                         ("reviewed_by", "coordinator")])
def test_a_change_of_what_names_a_value_or_of_its_workflow_is_400(api, indicator, field, value):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE)
    path = measurement_path(m["id"])
    before = read(officer, path)
    assert_problem(patch(officer, path, {field: value}, before[1]), 400, "bad_request", field)
    assert read(officer, path) == before


@pytest.mark.parametrize("value", [None, "false", 0, {"numerator": 1, "denominator": 2}])
def test_a_changed_value_is_checked_like_a_new_one(api, indicator, value):
    officer = api.as_user(OFFICER)
    m = enter(officer, indicator, OWN_COMMUNE)
    path = measurement_path(m["id"])
    before = read(officer, path)
    assert_problem(patch(officer, path, {"value": value}, before[1]), 422, "validation_failed",
                   "value")
    assert read(officer, path) == before


def test_a_retried_entry_with_the_same_key_enters_once(api, indicator, db, audit_log):
    officer = api.as_user(OFFICER)
    body = measurement_body(indicator, OWN_COMMUNE)
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = officer.post_json("/v1/measurements", body, headers=key)
    assert first.status_code == 201, first.text
    again, events = recorded(audit_log, officer,
                             lambda: officer.post_json("/v1/measurements", body, headers=key))
    assert (again.status_code, again.content) == (201, first.content) and events == []
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert count_measurements(db, indicator) == 1
    other = officer.post_json("/v1/measurements", measurement_body(indicator, OWN_COMMUNE,
                                                                   value=False), headers=key)
    assert_problem(other, 422, "validation_failed", "Idempotency-Key")


def test_a_retried_approval_with_the_same_key_runs_once(api, indicator, audit_log):
    officer, manager = api.as_user(OFFICER), api.as_user(MANAGER)
    m = enter(officer, indicator, OWN_COMMUNE)
    moved(officer, m["id"], "submit")
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = step(manager, m["id"], "approve", headers=key)
    assert first.status_code == 200, first.text
    again, events = recorded(audit_log, manager,
                             lambda: step(manager, m["id"], "approve", headers=key))
    assert (again.status_code, again.content) == (200, first.content) and events == []


# --- who may call the routes of issue 6 ---------------------------------------------------------

ANY = frozenset(DEMO_USERS)
EDITORS = frozenset({"admin", "coordinator"})
ENTERERS = frozenset(u for u, (_, role) in DEMO_USERS.items()
                     if role in ("admin", "coordinator", "manager", "officer"))
REVIEWERS = frozenset(u for u, (_, role) in DEMO_USERS.items()
                      if role in ("admin", "coordinator", "manager"))
# (method, path) -> who may call it (docs/access.md; the issue-6 contract)
ROUTES = {
    ("GET", "/v1/periods/2017"): ANY,
    ("GET", "/v1/indicators"): ANY,
    ("POST", "/v1/indicators"): EDITORS,
    ("GET", "/v1/indicators/COMMUNE-AWARENESS"): ANY,
    ("PATCH", "/v1/indicators/COMMUNE-AWARENESS"): EDITORS,
    ("DELETE", "/v1/indicators/COMMUNE-AWARENESS"): EDITORS,
    ("POST", "/v1/indicators/COMMUNE-AWARENESS/restore"): EDITORS,
    ("GET", "/v1/indicators/COMMUNE-AWARENESS/history"): ANY,
    ("GET", "/v1/indicators/COMMUNE-AWARENESS/targets"): ANY,
    ("POST", "/v1/indicators/COMMUNE-AWARENESS/targets"): EDITORS,
    ("GET", "/v1/indicators/COMMUNE-AWARENESS/targets/1"): ANY,
    ("PATCH", "/v1/indicators/COMMUNE-AWARENESS/targets/1"): EDITORS,
    ("DELETE", "/v1/indicators/COMMUNE-AWARENESS/targets/1"): EDITORS,
    ("POST", "/v1/indicators/COMMUNE-AWARENESS/targets/1/restore"): EDITORS,
    ("GET", "/v1/indicators/COMMUNE-AWARENESS/targets/1/history"): ANY,
    ("GET", "/v1/measurements"): ANY,
    ("POST", "/v1/measurements"): ENTERERS,
    ("POST", "/v1/measurements/import"): ENTERERS,
    ("GET", "/v1/measurements/1"): ANY,
    ("PATCH", "/v1/measurements/1"): ENTERERS,
    ("POST", "/v1/measurements/1/submit"): ENTERERS,
    ("POST", "/v1/measurements/1/approve"): REVIEWERS,
    ("POST", "/v1/measurements/1/return"): REVIEWERS,
    ("POST", "/v1/measurements/1/unapprove"): REVIEWERS,
    ("GET", "/v1/measurements/1/history"): ANY,
    ("GET", "/v1/analytics?indicator=COMMUNE-AWARENESS&period=2017&unit=89"): ANY,
}
REFUSED = [(method, path, user) for (method, path), allowed in ROUTES.items()
           for user in sorted(ANY - allowed)]


@pytest.mark.parametrize("method,path", sorted(ROUTES))
def test_every_route_of_issue_6_needs_a_token(api, method, path):
    r = api.anonymous().request(method, path)
    assert_problem(r, 401, "unauthorized")
    assert r.headers.get("WWW-Authenticate") == 'Bearer realm="planmon"'
    r = api.with_token("not-a-token").request(method, path)
    assert_problem(r, 401, "unauthorized")


@pytest.mark.parametrize("method,path,user", REFUSED)
def test_a_role_the_route_does_not_admit_is_403_and_nothing_changes(api, db, method, path,
                                                                    user):
    client = api.as_user(user)
    client.authorization()  # the sign-in is audited: before the snapshot
    tables = ("indicator", "indicator_target", "measurement", "audit_event")
    before = table_digests(db, tables)
    body = {"note": "x"} if path.endswith("/return") else {}
    r = client.send_json(method, path, body, headers={"If-Match": '"0000000000000000"'},
                         content_type="application/merge-patch+json" if method == "PATCH"
                         else "application/json")
    assert_problem(r, 403, "forbidden")
    assert table_digests(db, tables) == before

"""Indicators and their targets (issue 6, items 2 and 6): /v1/indicators, the code being the id,
and /v1/indicators/{code}/targets. Everyone signed in reads them; admins and coordinators add,
change, archive and restore them. An indicator says where its data is collected (level), per
which period, of which value type, which agencies report it and how it rolls up; a roll-up that
does not fit the value type is refused. The seed loads the decision's 12 indicators and 14
targets, a district group expanded to the 11 district committees.
"""

import json
import uuid

import pytest

from audit import changes_by_field, history, recorded
from checks import assert_field_error, assert_problem, check_etag, codes, count_rows
from client import fold
from indicators import (DISTRICT_COMMITTEES, INDICATOR_KEYS, PROVINCE, TARGET_KEYS,
                        create_indicator, create_target, indicator_path, new_indicator_body,
                        new_indicator_code, new_target_body, post_measurement, target_path)
from plans import EDITORS, archive, create_plan, patch, read, restore
from settings import DEMO_USERS, SEED_PLAN_PATH

READERS = sorted(u for u, (_, role) in DEMO_USERS.items() if role not in EDITORS)
SERVER_OWNED = ["version", "created_at", "updated_at", "archived_at"]


def all_indicators(client, **params):
    items, _ = client.walk("/v1/indicators", params, limit=500)
    for i in items:
        assert set(i) == INDICATOR_KEYS, i
    return items


def all_targets(client, code, **params):
    items, _ = client.walk(indicator_path(code, "targets"), params, limit=500)
    for t in items:
        assert set(t) == TARGET_KEYS, t
    return items


# --- the seed -----------------------------------------------------------------------------------

def seed_indicators():
    with open(SEED_PLAN_PATH, encoding="utf-8") as f:
        data = json.load(f)
    groups = {g["code"]: g["members"] for g in data["agency_groups"]}
    out = {}
    for i in data["indicators"]:
        agencies = [a for code in i["reporting_agencies"] for a in groups.get(code) or [code]]
        out[i["code"]] = {**i, "reporting_agencies": agencies}
    return out


SEED = seed_indicators()
# The Decree 09/2019 report periods of DOLISA's reports and the enforcement objective (contract).
SEED_PERIOD_TYPES = {"ENFORCEMENT": "vn_six_monthly", "DOLISA-REPORT-6M": "vn_six_monthly",
                     "DOLISA-REPORT-YEAR": "vn_yearly"}


def test_the_seed_loads_the_decisions_12_indicators(api):
    listed = {i["code"]: i for i in all_indicators(api)}
    assert set(SEED) <= set(listed), f"missing: {sorted(set(SEED) - set(listed))}"
    assert len(SEED) == 12
    for code, expected in SEED.items():
        got = listed[code]
        for field in ("name", "name_en", "source_clause", "level", "value_type", "direction",
                      "rollup", "reporting_agencies"):
            assert got[field] == expected[field], (code, field, got[field], expected[field])
        assert got["period_type"] == SEED_PERIOD_TYPES.get(code, expected["period_type"]), got
        assert got["archived_at"] is None


def test_a_district_group_is_expanded_to_the_11_committees(api):
    got = api.json(indicator_path("COMMUNE-AWARENESS"))
    assert got["reporting_agencies"] == list(DISTRICT_COMMITTEES)
    assert (got["level"], got["period_type"], got["value_type"], got["rollup"]) == (
        "commune", "yearly", "boolean", "share")


@pytest.mark.parametrize("code,threshold,model", [
    ("MEDIA-MONTHLY-PROV", 1, None), ("MEDIA-MONTHLY-DIST", 1, None), ("PILOT-PM1", None, "PM1"),
    ("PILOT-PM2", None, "PM2"), ("PILOT-PM3", None, "PM3"), ("COMMUNE-AWARENESS", None, None),
])
def test_seeded_thresholds_and_pilot_model_types(api, code, threshold, model):
    got = api.json(indicator_path(code))
    assert (got["threshold"], got["pilot_model_type"]) == (threshold, model)


def test_the_seed_loads_27_targets(api):
    """14 targets of the decision, DOLISA's six-monthly report counted once per mid-year report
    it expects (2017VNS1 to 2020VNS1) rather than once over the plan, and the district media
    target once per district (11) rather than once for the province."""
    total = sum(len(all_targets(api, code)) for code in SEED)
    assert total == 27


def test_the_awareness_targets_are_75_percent_in_2017_and_100_in_2020(api):
    targets = sorted(all_targets(api, "COMMUNE-AWARENESS"), key=lambda t: t["period"])
    assert [(t["period"], t["operator"], t["value"], t["rounding"], t["scope_unit"])
            for t in targets] == [("2017", ">=", 75, "ceil", PROVINCE),
                                  ("2020", ">=", 100, "ceil", PROVINCE)]


def test_a_target_without_a_year_stays_without_one(api):
    """The decision gives the harm-reduction target no year: it stands for every period."""
    [target] = all_targets(api, "DISTRICT-HARM-REDUCTION-GBV")
    assert (target["period"], target["applies_from"], target["applies_to"]) == (None, None, None)
    assert (target["operator"], target["value"], target["rounding"]) == (">=", 50, "ceil")


def test_the_integration_plan_targets_half_the_districts_in_2017(api):
    targets = {t["period"]: t for t in all_targets(api, "DISTRICT-INTEGRATION-PLAN")}
    assert (targets["2017"]["value"], targets["2020"]["value"]) == (50, 100)


def test_the_media_target_applies_from_2016(api):
    [target] = all_targets(api, "MEDIA-MONTHLY-PROV")
    assert (target["period"], target["applies_from"], target["applies_to"]) == (None, 2016, 2020)


# --- adding an indicator ------------------------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_an_indicator_with_location_and_etag(api, editor):
    body = new_indicator_body(description="Đếm mỗi năm một lần")
    r = api.as_user(editor).post_json("/v1/indicators", body)
    assert r.status_code == 201, r.text
    got = r.json()
    assert set(got) == INDICATOR_KEYS
    assert {k: got[k] for k in body} == body
    assert (got["version"], got["archived_at"], got["plan"], got["threshold"]) == (
        1, None, None, None)
    assert r.headers["Location"] == indicator_path(body["code"])
    assert read(api, indicator_path(body["code"])) == (got, r.headers["ETag"])


def test_only_code_name_level_period_value_type_and_rollup_are_needed(coordinator):
    body = {k: new_indicator_body()[k]
            for k in ("code", "name", "level", "period_type", "value_type", "rollup")}
    r = coordinator.post_json("/v1/indicators", body)
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["name_en"], got["source_clause"], got["description"], got["reporting_agencies"],
            got["direction"]) == (None, None, "", [], "increase")


def test_an_indicator_may_belong_to_a_plan(coordinator):
    plan_id = create_plan(coordinator)["id"]
    assert create_indicator(coordinator, plan=plan_id)["plan"] == plan_id


@pytest.mark.parametrize("fields", [
    {"rollup": "sum", "value_type": "count"},
    {"rollup": "latest", "value_type": "number", "level": "province"},
    {"rollup": "share", "value_type": "percentage", "level": "district"},
    {"rollup": "periods_meeting_threshold", "value_type": "count", "threshold": 1,
     "period_type": "monthly"},
    {"rollup": "pilot_registry", "value_type": "count", "pilot_model_type": "PM1",
     "level": "district"},
    {"rollup": "none", "value_type": "text", "period_type": "vn_six_monthly",
     "level": "province", "direction": "none"},
    {"period_type": "vn_yearly", "direction": "decrease"},
    {"period_type": "quarterly"}, {"period_type": "six_monthly"},
])
def test_each_kind_of_indicator_is_accepted(coordinator, fields):
    got = create_indicator(coordinator, **fields)
    assert {k: got[k] for k in fields} == fields


def test_a_code_of_64_characters_is_accepted(coordinator):
    code = new_indicator_code().ljust(64, "9")
    assert create_indicator(coordinator, code=code)["code"] == code


def assert_not_added(client, db, body, status, code, field, field_code=None):
    before = count_rows(db, "indicator")
    r = client.post_json("/v1/indicators", body)
    if field_code:
        assert_field_error(r, status, code, field, field_code)
    else:
        assert_problem(r, status, code, field)
    assert count_rows(db, "indicator") == before


@pytest.mark.parametrize("field,value", [
    ("code", "commune-awareness"), ("code", "T--1"), ("code", "T_1"), ("code", "-T"),
    ("code", "T-"), ("code", ""), ("code", "T" * 65), ("code", "T 1"), ("code", 17),
    ("name", ""), ("name", " \t "), ("name", "n" * 1001), ("name", None),
    ("name_en", "n" * 1001), ("source_clause", "s" * 65), ("plan", "1"), ("plan", 0),
    ("level", "village"), ("level", "Commune"), ("level", 3), ("period_type", "weekly"),
    ("period_type", "2017"), ("value_type", "ratio"), ("value_type", None),
    ("direction", "up"), ("rollup", "average"), ("rollup", None), ("threshold", "1"),
    ("reporting_agencies", "UBND-883"), ("reporting_agencies", [883]),
    ("reporting_agencies", ["ubnd-883"]),
])
def test_a_bad_value_is_422_naming_the_field(coordinator, db, field, value):
    named = "reporting_agencies[0]" if isinstance(value, list) else field
    assert_not_added(coordinator, db, new_indicator_body(**{field: value}), 422,
                     "validation_failed", named)


@pytest.mark.parametrize("missing", ["code", "name", "level", "period_type", "value_type",
                                     "rollup"])
def test_a_missing_field_is_422_naming_it(coordinator, db, missing):
    body = new_indicator_body()
    del body[missing]
    assert_not_added(coordinator, db, body, 422, "validation_failed", missing)


def test_an_unknown_plan_is_422_unknown(coordinator, db):
    assert_not_added(coordinator, db, new_indicator_body(plan=999999999), 422,
                     "validation_failed", "plan", "unknown")


def test_an_unknown_reporting_agency_is_422_naming_its_place(coordinator, db):
    body = new_indicator_body(reporting_agencies=["SLDTBXH", "UBND-885"])
    assert_not_added(coordinator, db, body, 422, "validation_failed", "reporting_agencies[1]",
                     "unknown")


def test_a_reporting_agency_named_twice_is_422_duplicate(coordinator, db):
    body = new_indicator_body(reporting_agencies=["SYT", "CAT", "SYT"])
    assert_not_added(coordinator, db, body, 422, "validation_failed", "reporting_agencies[2]",
                     "duplicate")


@pytest.mark.parametrize("fields", [
    {"rollup": "share", "value_type": "count"},
    {"rollup": "share", "value_type": "text"},
    {"rollup": "share", "value_type": "number"},
    {"rollup": "periods_meeting_threshold", "value_type": "count"},
    {"rollup": "pilot_registry", "value_type": "count"},
    {"rollup": "sum", "value_type": "count", "pilot_model_type": "PM1"},
    {"rollup": "share", "pilot_model_type": "PM1"},
])
def test_a_rollup_that_does_not_fit_is_422_inconsistent(coordinator, db, fields):
    assert_not_added(coordinator, db, new_indicator_body(**fields), 422, "validation_failed",
                     "rollup", "inconsistent")


def test_an_unknown_pilot_model_type_is_422_naming_it(coordinator, db):
    body = new_indicator_body(rollup="pilot_registry", value_type="count",
                              pilot_model_type="PM9")
    assert_not_added(coordinator, db, body, 422, "validation_failed", "pilot_model_type",
                     "unknown")


def test_a_code_that_is_taken_is_409_naming_it(coordinator, db):
    taken = create_indicator(coordinator)["code"]
    for code in (taken, "COMMUNE-AWARENESS"):
        assert_not_added(coordinator, db, new_indicator_body(code=code), 409, "conflict",
                         "code", "taken")


def test_an_archived_indicators_code_stays_taken(coordinator, db):
    code = create_indicator(coordinator)["code"]
    assert archive(coordinator, indicator_path(code)).status_code == 204
    assert_not_added(coordinator, db, new_indicator_body(code=code), 409, "conflict", "code",
                     "taken")


@pytest.mark.parametrize("field", SERVER_OWNED)
def test_a_server_owned_field_is_400_naming_it(coordinator, db, field):
    value = 1 if field == "version" else "2017-01-01T00:00:00Z"
    assert_not_added(coordinator, db, new_indicator_body(**{field: value}), 400, "bad_request",
                     field)


@pytest.mark.parametrize("field", ["targets", "unit", "Code", "search_text"])
def test_an_unknown_field_is_400_naming_it(coordinator, db, field):
    assert_not_added(coordinator, db, new_indicator_body(**{field: "x"}), 400, "bad_request",
                     field)


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_add_an_indicator(api, db, user):
    assert_not_added(api.as_user(user), db, new_indicator_body(), 403, "forbidden", None)


# --- reading and listing ------------------------------------------------------------------------

def test_an_indicator_reads_alone_with_an_etag_as_listed(api, coordinator):
    got = create_indicator(coordinator)
    check_etag(api, indicator_path(got["code"]))
    assert next(i for i in all_indicators(api) if i["code"] == got["code"]) == got


@pytest.mark.parametrize("code", ["NO-SUCH-INDICATOR", "commune-awareness", "x"])
def test_an_unknown_indicator_is_404(api, code):
    assert_problem(api.get(indicator_path(code)), 404, "not_found")


def test_the_list_is_ordered_by_code_and_pages(api, coordinator):
    for _ in range(3):
        create_indicator(coordinator)
    whole = all_indicators(api)
    assert codes(whole) == sorted(codes(whole)) and len(whole) >= 15
    paged, pages = api.walk("/v1/indicators", limit=5, via="link")
    assert paged == whole and pages >= 3


@pytest.mark.parametrize("level", ["commune", "district", "province"])
def test_level_filters_the_list(api, level):
    listed = all_indicators(api, level=level)
    assert listed and all(i["level"] == level for i in listed)
    assert {c for c, i in SEED.items() if i["level"] == level} <= set(codes(listed))


def test_agency_lists_the_indicators_naming_it(api, coordinator):
    mine = create_indicator(coordinator, reporting_agencies=["SYT", "HLHPN"])
    listed = all_indicators(api, agency="HLHPN")
    assert mine["code"] in codes(listed)
    assert all("HLHPN" in i["reporting_agencies"] for i in listed)
    assert set(codes(all_indicators(api, agency="CAT"))) >= {"ENFORCEMENT"}
    assert "COMMUNE-AWARENESS" in codes(all_indicators(api, agency="UBND-894"))
    assert "COMMUNE-AWARENESS" not in codes(all_indicators(api, agency="CAT"))


@pytest.mark.parametrize("q", ["tuyen truyen phong chong mai dam thu", "TUYÊN TRUYỀN",
                               "awareness activity (test)"])
def test_q_finds_an_indicator_whatever_the_diacritics(api, coordinator, q):
    mine = create_indicator(coordinator)
    found = all_indicators(api, q=q)
    assert mine["code"] in codes(found)
    for i in found:
        text = fold(f"{i['code']} {i['name']} {i['name_en'] or ''}")
        assert all(w in text for w in fold(q).replace(",", " ").split()), i


def test_q_finds_an_indicator_by_its_code(api, coordinator):
    mine = create_indicator(coordinator)
    assert codes(all_indicators(api, q=mine["code"].lower())) == [mine["code"]]


@pytest.mark.parametrize("param,value", [("level", "village"), ("level", "3"),
                                         ("include_archived", "yes"), ("limit", "0"),
                                         ("cursor", "garbage")])
def test_a_bad_list_parameter_is_400_naming_it(api, param, value):
    assert_problem(api.get("/v1/indicators", params={param: value}), 400, "invalid_parameter",
                   param)


def test_an_unknown_list_parameter_is_400(api):
    assert_problem(api.get("/v1/indicators", params={"unit": "89"}), 400, "unknown_parameter",
                   "unit")


# --- changing, archiving and restoring ----------------------------------------------------------

def test_an_editor_changes_an_indicator_with_if_match(coordinator, audit_log):
    code = create_indicator(coordinator)["code"]
    path = indicator_path(code)
    before, etag = read(coordinator, path)
    r, events = recorded(audit_log, coordinator, lambda: patch(
        coordinator, path, {"name_en": "Changed", "threshold": 2.5}, etag))
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["name_en"], got["threshold"], got["version"]) == ("Changed", 2.5, 2)
    assert r.headers["ETag"] != etag and read(coordinator, path) == (got, r.headers["ETag"])
    [event] = events
    assert (event["action"], event["entity_type"], event["entity_id"]) == (
        "update", "indicators", code)
    assert changes_by_field(event)["name_en"] == (before["name_en"], "Changed")


def test_a_change_without_if_match_is_428_and_a_stale_one_412(coordinator):
    path = indicator_path(create_indicator(coordinator)["code"])
    before = read(coordinator, path)
    assert_problem(patch(coordinator, path, {"name_en": "x"}, False), 428,
                   "precondition_required")
    assert_problem(patch(coordinator, path, {"name_en": "x"}, '"0000000000000000"'), 412,
                   "precondition_failed")
    assert read(coordinator, path) == before


def test_the_code_cannot_be_changed(coordinator):
    path = indicator_path(create_indicator(coordinator)["code"])
    assert_problem(patch(coordinator, path, {"code": new_indicator_code()}), 400, "bad_request",
                   "code")


def test_a_change_that_breaks_the_rollup_is_422_and_changes_nothing(coordinator):
    path = indicator_path(create_indicator(coordinator)["code"])
    before = read(coordinator, path)
    assert_field_error(patch(coordinator, path, {"value_type": "text"}), 422,
                       "validation_failed", "rollup", "inconsistent")
    assert read(coordinator, path) == before


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_change_archive_or_restore_an_indicator(api, coordinator, user):
    path = indicator_path(create_indicator(coordinator)["code"])
    etag = read(coordinator, path)[1]
    client = api.as_user(user)
    assert_problem(patch(client, path, {"name_en": "x"}, etag), 403, "forbidden")
    assert_problem(archive(client, path, etag), 403, "forbidden")
    assert_problem(restore(client, path), 403, "forbidden")


def test_an_archived_indicator_is_gone_for_readers_but_kept_for_editors(api, coordinator):
    code = create_indicator(coordinator)["code"]
    path = indicator_path(code)
    assert archive(coordinator, path).status_code == 204
    assert_problem(api.get(path), 404, "not_found")
    assert code not in codes(all_indicators(api))
    assert code not in codes(all_indicators(coordinator))
    assert code in codes(all_indicators(coordinator, include_archived="true"))
    assert read(coordinator, path)[0]["archived_at"] is not None
    assert_problem(api.get("/v1/indicators", params={"include_archived": "true"}), 403,
                   "forbidden", "include_archived")
    r = restore(coordinator, path)
    assert r.status_code == 200 and r.json()["archived_at"] is None, r.text
    assert read(api, path)[0]["code"] == code


def test_no_measurement_is_entered_for_an_archived_indicator(coordinator):
    code = create_indicator(coordinator)["code"]
    assert archive(coordinator, indicator_path(code)).status_code == 204
    assert_field_error(post_measurement(coordinator, code, "30280"), 422, "validation_failed",
                       "indicator", "unknown")


def test_an_indicators_history_is_its_journal(api, coordinator):
    code = create_indicator(coordinator)["code"]
    path = indicator_path(code)
    assert patch(coordinator, path, {"name_en": "x"}).status_code == 200
    assert archive(coordinator, path).status_code == 204
    assert restore(coordinator, path).status_code == 200
    events = history(api, path)
    assert [(e["action"], e["version"], e["entity_id"]) for e in events] == [
        ("create", 1, code), ("update", 2, code), ("archive", 3, code), ("restore", 4, code)]


def test_a_retried_indicator_creation_with_the_same_key_creates_once(coordinator, audit_log):
    body = new_indicator_body()
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first, events = recorded(audit_log, coordinator,
                             lambda: coordinator.post_json("/v1/indicators", body, headers=key))
    assert first.status_code == 201 and len(events) == 1, first.text
    again, more = recorded(audit_log, coordinator,
                           lambda: coordinator.post_json("/v1/indicators", body, headers=key))
    assert (again.status_code, again.content) == (201, first.content) and more == []
    assert again.headers.get("Idempotent-Replayed") == "true"


# --- targets ------------------------------------------------------------------------------------

def test_an_editor_adds_a_target_with_location_and_etag(api, coordinator):
    code = create_indicator(coordinator)["code"]
    body = new_target_body(baseline=40, unit_of_measure="percent", note="QĐ 1994, II.3.1.b")
    r = coordinator.post_json(indicator_path(code, "targets"), body)
    assert r.status_code == 201, r.text
    got = r.json()
    assert set(got) == TARGET_KEYS and {k: got[k] for k in body} == body
    assert (got["indicator"], got["applies_from"], got["applies_to"], got["version"]) == (
        code, None, None, 1)
    assert r.headers["Location"] == target_path(code, got["id"])
    assert read(api, target_path(code, got["id"])) == (got, r.headers["ETag"])
    assert all_targets(api, code) == [got]


def test_a_target_needs_only_operator_and_value(coordinator):
    code = create_indicator(coordinator)["code"]
    r = coordinator.post_json(indicator_path(code, "targets"), {"operator": "<=", "value": 3})
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["period"], got["applies_from"], got["applies_to"], got["scope_unit"],
            got["baseline"], got["rounding"]) == (None, None, None, None, None, "exact")


def test_an_indicator_has_several_targets(api, coordinator):
    code = create_indicator(coordinator)["code"]
    made = [create_target(coordinator, code, period="2017", value=75),
            create_target(coordinator, code, period="2020", value=100),
            create_target(coordinator, code, period=None, applies_from=2018, applies_to=2019,
                          value=90, rounding="floor")]
    assert all_targets(api, code) == sorted(made, key=lambda t: t["id"])


@pytest.mark.parametrize("field,value,field_code", [
    ("period", "2017Q5", "invalid"), ("period", "17", "invalid"), ("period", 2017, "invalid"),
    ("operator", ">", None), ("operator", "≥", None), ("value", "75", None),
    ("value", None, None), ("rounding", "up", None), ("applies_from", 1899, None),
    ("scope_unit", "885", "unknown"), ("scope_unit", "999999", None),
])
def test_a_bad_target_is_422_naming_the_field(coordinator, field, value, field_code):
    code = create_indicator(coordinator)["code"]
    body = new_target_body(**{field: value})
    if field == "applies_from":
        body["period"] = None
    r = coordinator.post_json(indicator_path(code, "targets"), body)
    if field_code:
        assert_field_error(r, 422, "validation_failed", field, field_code)
    else:
        assert_problem(r, 422, "validation_failed", field)
    assert all_targets(coordinator, code) == []


def test_a_target_names_a_period_or_years_not_both(coordinator):
    code = create_indicator(coordinator)["code"]
    r = coordinator.post_json(indicator_path(code, "targets"),
                              new_target_body(period="2017", applies_from=2017))
    assert_field_error(r, 422, "validation_failed", "period", "exclusive")


def test_a_range_of_years_must_not_end_before_it_starts(coordinator):
    code = create_indicator(coordinator)["code"]
    r = coordinator.post_json(indicator_path(code, "targets"),
                              new_target_body(period=None, applies_from=2020, applies_to=2018))
    assert_field_error(r, 422, "validation_failed", "applies_to", "before_start")


@pytest.mark.parametrize("missing", ["operator", "value"])
def test_a_target_without_operator_or_value_is_422(coordinator, missing):
    code = create_indicator(coordinator)["code"]
    body = new_target_body()
    del body[missing]
    assert_problem(coordinator.post_json(indicator_path(code, "targets"), body), 422,
                   "validation_failed", missing)


def test_a_target_of_an_unknown_indicator_is_404(coordinator):
    r = coordinator.post_json(indicator_path("NO-SUCH-INDICATOR", "targets"), new_target_body())
    assert_problem(r, 404, "not_found")
    assert_problem(coordinator.get(indicator_path("NO-SUCH-INDICATOR", "targets")), 404,
                   "not_found")


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_add_or_change_a_target(api, coordinator, user):
    code = create_indicator(coordinator)["code"]
    target = create_target(coordinator, code)
    client = api.as_user(user)
    assert_problem(client.post_json(indicator_path(code, "targets"), new_target_body()), 403,
                   "forbidden")
    path = target_path(code, target["id"])
    assert_problem(patch(client, path, {"value": 80}, read(coordinator, path)[1]), 403,
                   "forbidden")


def test_a_target_is_changed_archived_and_restored(api, coordinator):
    code = create_indicator(coordinator)["code"]
    target = create_target(coordinator, code)
    path = target_path(code, target["id"])
    check_etag(api, path)
    r = patch(coordinator, path, {"value": 80, "rounding": "round"})
    assert r.status_code == 200, r.text
    assert (r.json()["value"], r.json()["rounding"], r.json()["version"]) == (80, "round", 2)
    assert_field_error(patch(coordinator, path, {"applies_from": 2016}), 422,
                       "validation_failed", "period", "exclusive")
    assert_field_error(patch(coordinator, path, {"value": None}), 422,
                       "validation_failed", "value", "required")
    assert archive(coordinator, path).status_code == 204
    assert_problem(api.get(path), 404, "not_found")
    assert all_targets(api, code) == []
    assert len(all_targets(coordinator, code, include_archived="true")) == 1
    assert restore(coordinator, path).status_code == 200
    assert [(e["action"], e["entity_type"]) for e in history(api, path)] == [
        ("create", "targets"), ("update", "targets"), ("archive", "targets"),
        ("restore", "targets")]


def test_a_target_of_another_indicator_is_404(api, coordinator):
    code = create_indicator(coordinator)["code"]
    target = create_target(coordinator, code)
    other = create_indicator(coordinator)["code"]
    assert_problem(api.get(target_path(other, target["id"])), 404, "not_found")
    assert_problem(api.get(target_path(code, "abc")), 404, "not_found")

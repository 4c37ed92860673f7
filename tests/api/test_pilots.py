"""Pilot models (issue 7, item 1): the three model types of section II.3.3.b, each with its
description, its target as the decision states it and its lead agency, seeded and read through
/v1/pilot-model-types; the sites where each is piloted (/v1/pilot-sites): type, district, host
agency and a status that moves planned -> piloting -> evaluated -> scaled_up, or to stopped from
any of them, and no other way. A host agency manages its own sites, coordinators and admins all.
The pilot-model indicators are derived from this registry.
"""

import datetime

import pytest

from checks import assert_field_error, assert_problem
from indicators import analytics, create_indicator, create_target
from plans import archive, patch, read, restore, seeded_plan, today
from reference import create_agency, create_committee
from reporting import (ACTIVE, SITE_KEYS, SITE_STATUSES, STATUS_CHANGE_KEYS, TRANSITIONS,
                       TYPE_KEYS, all_sites,
                       attainment, create_site, create_type, make_province, move, new_site_body,
                       new_type_body, seed_task_ids, seed_types, site_path, type_path)
from settings import DEMO_USERS

EDITORS = ("admin", "coordinator")
NOT_EDITORS = sorted(u for u, (_, role) in DEMO_USERS.items() if role not in EDITORS)
NOT_ENTERERS = sorted(u for u, (_, role) in DEMO_USERS.items()
                      if role in ("viewer", "auditor"))
TYPE_FIELDS = ("code", "name", "name_en", "source_clause", "description", "target_text",
               "lead_agency")


@pytest.fixture(scope="module")
def province_tree(admin):
    """A province of this module's own, of two districts of one commune each (its sites count
    nowhere else): (province code, {district code: [commune code]})."""
    return make_province(admin, districts=2, communes=1)


@pytest.fixture(scope="module")
def district(province_tree):
    """The first district of the module's own province."""
    return next(iter(province_tree[1]))


@pytest.fixture(scope="module")
def committees(admin, province_tree):
    """People's Committees of the module's province: {"district": its first district's,
    "commune": that district's commune's, "other": the second district's}."""
    province, tree = province_tree
    first, second = list(tree)
    return {"district": create_committee(admin, first)["code"],
            "commune": create_committee(admin, tree[first][0])["code"],
            "other": create_committee(admin, second)["code"]}


@pytest.fixture
def model_type(coordinator):
    """A pilot model type of this test's own."""
    return create_type(coordinator)["code"]


# --- the seeded model types --------------------------------------------------------------------

def test_the_three_model_types_of_ii_3_3_b_are_seeded_as_the_decision_states_them(api):
    plan = seeded_plan(api)
    task_ids = seed_task_ids(api, plan["id"])
    listed = {t["code"]: t for t in api.walk("/v1/pilot-model-types", limit=500)[0]}
    for expected in seed_types():
        got = listed[expected["code"]]
        assert set(got) == TYPE_KEYS, got
        assert {k: got[k] for k in TYPE_FIELDS} == {k: expected[k] for k in TYPE_FIELDS}
        target = expected["target"]
        assert (got["target_count"], got["target_unit"], got["target_districts"],
                got["target_date"]) == (target["count"], target["unit"], target["districts"],
                                        target["by"])
        assert got["task"] == task_ids[expected["task"]], "the model type's seeded task"
        assert read(api, type_path(expected["code"]))[0] == got


def test_the_targets_are_3_districts_3_models_and_3_models_in_3_districts_by_2020(api):
    got = {c: read(api, type_path(c))[0] for c in ("PM1", "PM2", "PM3")}
    assert {c: (t["source_clause"], t["target_count"], t["target_unit"], t["target_districts"],
                t["target_date"], t["lead_agency"]) for c, t in got.items()} == {
        "PM1": ("II.3.3.b(1)", 3, "district", 3, "2020-12-31", "SLDTBXH"),
        "PM2": ("II.3.3.b(2)", 3, "model", None, "2020-12-31", "SLDTBXH"),
        "PM3": ("II.3.3.b(3)", 3, "model", 3, "2020-12-31", "SLDTBXH")}
    assert "tại 03 huyện" in got["PM1"]["target_text"]
    assert "03 mô hình hỗ trợ nhằm bảo đảm quyền của người lao động" in got["PM2"]["target_text"]
    assert "03 mô hình tại 03 huyện" in got["PM3"]["target_text"]
    assert "Trung tâm công tác xã hội" in got["PM1"]["name"]
    assert "câu lạc bộ/nhóm tự lực" in got["PM3"]["name"]


def test_the_model_types_are_listed_in_code_order_and_an_unknown_one_is_404(api, coordinator):
    create_type(coordinator)
    codes = [t["code"] for t in api.walk("/v1/pilot-model-types", limit=2)[0]]
    assert codes == sorted(codes) and {"PM1", "PM2", "PM3"} <= set(codes)
    assert_problem(api.get(type_path("PM9-NONE")), 404, "not_found")


# --- adding and changing model types -----------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_a_model_type(api, editor):
    body = new_type_body()
    r = api.as_user(editor).post_json("/v1/pilot-model-types", body)
    assert r.status_code == 201, r.text
    t = r.json()
    assert set(t) == TYPE_KEYS
    assert {k: t[k] for k in body} == body
    assert (t["task"], t["version"], t["sites_active"], t["districts_active"]) == (None, 1, 0, 0)
    assert r.headers["Location"] == type_path(body["code"])
    assert read(api, type_path(body["code"]))[0] == t


@pytest.mark.parametrize("user", NOT_EDITORS)
def test_other_roles_cannot_add_a_model_type(api, user):
    body = new_type_body()
    assert_problem(api.as_user(user).post_json("/v1/pilot-model-types", body), 403, "forbidden")
    assert_problem(api.get(type_path(body["code"])), 404, "not_found")


def test_a_taken_code_is_409(coordinator, model_type):
    r = coordinator.post_json("/v1/pilot-model-types", new_type_body(code=model_type))
    assert_problem(r, 409, "conflict", "code")


@pytest.mark.parametrize("field, value", [("lead_agency", "NO-SUCH-AGENCY"), ("task", 999999999)])
def test_an_unknown_lead_agency_or_task_is_422(coordinator, field, value):
    r = coordinator.post_json("/v1/pilot-model-types", new_type_body(**{field: value}))
    assert_field_error(r, 422, "validation_failed", field, "unknown")


def test_an_editor_changes_a_model_type_naming_its_version(api, coordinator, model_type):
    path = type_path(model_type)
    before, etag = read(api, path)
    r = patch(coordinator, path, {"target_count": 4, "target_unit": "model"}, etag=etag)
    assert r.status_code == 200, r.text
    after = r.json()
    assert (after["target_count"], after["target_unit"], after["version"]) == (
        4, "model", before["version"] + 1)
    assert_problem(patch(coordinator, path, {"target_count": 5}, etag=etag), 412,
                   "precondition_failed")
    assert_problem(patch(coordinator, path, {"target_count": 5}, etag=False), 428,
                   "precondition_required")
    assert_problem(patch(api.as_user("longxuyen.manager"), path, {"target_count": 5}), 403,
                   "forbidden")
    assert_problem(patch(coordinator, path, {"code": "PMT-OTHER"}), 400, "bad_request", "code")
    assert read(api, path)[0]["target_count"] == 4


# --- sites: adding -----------------------------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_a_site_planned_by_default(api, editor, model_type, district):
    body = new_site_body(model_type, district, "HLHPN")
    r = api.as_user(editor).post_json("/v1/pilot-sites", body)
    assert r.status_code == 201, r.text
    site = r.json()
    assert set(site) == SITE_KEYS
    assert {k: site[k] for k in body} == body
    assert {k: site[k] for k in ("status", "start_date", "evaluation_date", "beneficiaries",
                                 "evidence", "notes", "version", "archived_at")} == {
        "status": "planned", "start_date": None, "evaluation_date": None, "beneficiaries": 0,
        "evidence": [], "notes": None, "version": 1, "archived_at": None}
    assert r.headers["Location"] == site_path(site["id"])
    assert read(api, site_path(site["id"]))[0] == site


def test_a_site_keeps_its_dates_beneficiaries_evidence_and_notes(api, coordinator, model_type,
                                                                  district):
    fields = {"status": "piloting", "start_date": "2026-07-01", "evaluation_date": "2026-12-01",
              "beneficiaries": 120, "evidence": ["https://example.org/bien-ban-1.pdf",
                                                 "https://example.org/anh.jpg"],
              "notes": "Mở tại Trung tâm công tác xã hội tỉnh"}
    site = create_site(coordinator, model_type, district, **fields)
    assert {k: site[k] for k in fields} == fields


@pytest.mark.parametrize("status", ["planned", "piloting", "stopped"])
def test_a_site_may_start_planned_piloting_or_stopped(coordinator, model_type, district, status):
    assert create_site(coordinator, model_type, district, status=status)["status"] == status


@pytest.mark.parametrize("status", ["evaluated", "scaled_up"])
def test_a_site_cannot_start_evaluated_or_scaled_up(coordinator, model_type, district, status):
    r = coordinator.post_json("/v1/pilot-sites",
                              new_site_body(model_type, district, status=status))
    assert_field_error(r, 409, "conflict", "status", "invalid_transition")


@pytest.mark.parametrize("field, value", [("model_type", "PMT-NONE"), ("district", "99999"),
                                          ("host_agency", "NO-SUCH-AGENCY")])
def test_an_unknown_model_type_district_or_host_is_422(coordinator, model_type, district, field,
                                                       value):
    body = {**new_site_body(model_type, district), field: value}
    assert_field_error(coordinator.post_json("/v1/pilot-sites", body), 422, "validation_failed", field,
                "unknown")


@pytest.mark.parametrize("level", ["province", "commune"])
def test_a_site_lies_in_a_district_not_a_province_or_commune(admin, coordinator, model_type,
                                                             level):
    province, tree = make_province(admin, districts=1, communes=1)
    unit = province if level == "province" else next(iter(tree.values()))[0]
    r = coordinator.post_json("/v1/pilot-sites", new_site_body(model_type, unit))
    assert_field_error(r, 422, "validation_failed", "district", "unknown")


def test_an_evaluation_before_the_start_is_422(coordinator, model_type, district):
    body = new_site_body(model_type, district, start_date="2026-08-01",
                         evaluation_date="2026-07-31")
    assert_field_error(coordinator.post_json("/v1/pilot-sites", body), 422, "validation_failed",
                "evaluation_date", "before_start")
    site = create_site(coordinator, model_type, district, start_date="2026-08-01")
    r = patch(coordinator, site_path(site["id"]), {"evaluation_date": "2026-07-01"})
    assert_field_error(r, 422, "validation_failed", "evaluation_date", "before_start")


# --- sites: who manages them -------------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "officer"])
def test_a_host_agency_adds_and_runs_its_own_site(api, make_user, model_type, district, role):
    host = create_agency(api.as_user("admin"))["code"]
    me = api.as_user(make_user(agency=host, role=role)["username"])
    site = create_site(me, model_type, district, host)
    assert site["host_agency"] == host
    site = move(me, site["id"], "piloting", start_date="2026-07-01", beneficiaries=15)
    assert (site["status"], site["beneficiaries"]) == ("piloting", 15)


@pytest.mark.parametrize("role", ["manager", "officer"])
def test_an_agency_cannot_add_a_site_another_agency_hosts(api, make_user, model_type, district,
                                                         role):
    me = api.as_user(make_user(agency="SYT", role=role)["username"])
    body = new_site_body(model_type, district, "HLHPN")
    assert_field_error(me.post_json("/v1/pilot-sites", body), 403, "forbidden", "host_agency",
                "forbidden")


def test_an_agency_cannot_change_a_site_another_agency_hosts(api, coordinator, make_user,
                                                            model_type, district, committees):
    site = create_site(coordinator, model_type, district, committees["district"])
    other = api.as_user(make_user(agency=committees["other"])["username"])
    assert_problem(patch(other, site_path(site["id"]), {"beneficiaries": 3}), 403, "forbidden")
    assert read(api, site_path(site["id"]))[0] == site


def test_a_host_cannot_hand_its_site_to_another_agency_but_a_coordinator_can(api, coordinator,
                                                                            make_user,
                                                                            model_type,
                                                                            district,
                                                                            committees):
    site = create_site(coordinator, model_type, district, committees["district"])
    host = api.as_user(make_user(agency=committees["district"])["username"])
    assert_field_error(patch(host, site_path(site["id"]), {"host_agency": committees["commune"]}),
                       403, "forbidden", "host_agency", "forbidden")
    moved = patch(coordinator, site_path(site["id"]), {"host_agency": committees["commune"]})
    assert moved.status_code == 200 and moved.json()["host_agency"] == committees["commune"], \
        moved.text
    # and now the site is the commune committee's to run, no longer the district's
    assert_problem(patch(host, site_path(site["id"]), {"beneficiaries": 1}), 403, "forbidden")
    commune = api.as_user(make_user(agency=committees["commune"])["username"])
    assert move(commune, site["id"], "piloting")["status"] == "piloting"


@pytest.mark.parametrize("host", ["district", "commune"])
def test_a_peoples_committee_hosts_sites_only_within_its_unit(api, make_user, model_type,
                                                              province_tree, committees, host):
    """Defect: Châu Đốc's committee created a site hosted by itself in Long Xuyên's district,
    which changed Long Xuyên's pilot figures. A People's Committee's sites lie within its unit:
    the district's own committee, or a committee under it (a commune's, for its district)."""
    first, second = list(province_tree[1])
    me = api.as_user(make_user(agency=committees[host])["username"])
    body = new_site_body(model_type, second, committees[host])
    assert_field_error(me.post_json("/v1/pilot-sites", body), 422, "validation_failed",
                       "district", "outside_host")
    site = create_site(me, model_type, first, committees[host])
    assert_field_error(patch(me, site_path(site["id"]), {"district": second}), 422,
                       "validation_failed", "district", "outside_host")
    assert read(api, site_path(site["id"]))[0]["district"] == first


def test_a_coordinator_cannot_place_a_committees_site_outside_its_unit(api, coordinator,
                                                                      model_type, province_tree,
                                                                      committees):
    first, second = list(province_tree[1])
    body = new_site_body(model_type, second, committees["district"])
    assert_field_error(coordinator.post_json("/v1/pilot-sites", body), 422, "validation_failed",
                       "district", "outside_host")
    site = create_site(coordinator, model_type, second, committees["other"])
    r = patch(coordinator, site_path(site["id"]), {"host_agency": committees["district"]})
    assert_field_error(r, 422, "validation_failed", "district", "outside_host")


def test_a_provincial_body_hosts_sites_anywhere(api, coordinator, model_type, province_tree):
    for d in province_tree[1]:
        assert create_site(coordinator, model_type, d, "SLDTBXH")["district"] == d
        assert create_site(coordinator, model_type, d, "SYT")["district"] == d


@pytest.mark.parametrize("user", NOT_ENTERERS)
def test_viewers_and_auditors_read_sites_but_do_not_manage_them(api, coordinator, model_type,
                                                                district, user):
    site = create_site(coordinator, model_type, district)
    client = api.as_user(user)
    assert read(client, site_path(site["id"]))[0] == site
    assert_problem(client.post_json("/v1/pilot-sites", new_site_body(model_type, district)),
                   403, "forbidden")
    assert_problem(patch(client, site_path(site["id"]), {"notes": "x"}), 403, "forbidden")


# --- sites: the status moves -------------------------------------------------------------------

PATHS = [["piloting", "evaluated", "scaled_up", "stopped"], ["piloting", "evaluated", "stopped"],
         ["piloting", "stopped"], ["stopped"]]


@pytest.mark.parametrize("path", PATHS, ids=["-".join(p) for p in PATHS])
def test_a_site_moves_planned_piloting_evaluated_scaled_up_or_stops(coordinator, model_type,
                                                                   district, path):
    site = create_site(coordinator, model_type, district)
    for status in path:
        site = move(coordinator, site["id"], status)
        assert site["status"] == status


FORBIDDEN_MOVES = [(a, b) for a in SITE_STATUSES for b in SITE_STATUSES
                   if a != b and (a, b) not in TRANSITIONS]
# how to reach each status from planned
REACH = {"planned": [], "piloting": ["piloting"], "evaluated": ["piloting", "evaluated"],
         "scaled_up": ["piloting", "evaluated", "scaled_up"], "stopped": ["stopped"]}


@pytest.mark.parametrize("start, to", FORBIDDEN_MOVES, ids=[f"{a}-{b}" for a, b in FORBIDDEN_MOVES])
def test_no_other_move_is_allowed(api, coordinator, model_type, district, start, to):
    site = create_site(coordinator, model_type, district)
    for status in REACH[start]:
        site = move(coordinator, site["id"], status)
    assert_field_error(patch(coordinator, site_path(site["id"]), {"status": to}), 409, "conflict",
                "status", "invalid_transition")
    assert read(api, site_path(site["id"]))[0]["status"] == start


def test_a_sites_history_shows_its_moves(api, coordinator, model_type, district):
    site = create_site(coordinator, model_type, district)
    for status in ("piloting", "evaluated", "scaled_up"):
        move(coordinator, site["id"], status)
    events, _ = api.walk(site_path(site["id"], "history"), limit=500)
    moves = [c for e in events for c in e["changes"] if c["field"] == "status"]
    assert [(c.get("old"), c["new"]) for c in moves] == [
        (None, "planned"), ("planned", "piloting"), ("piloting", "evaluated"),
        ("evaluated", "scaled_up")]


# --- sites: listing, archiving, and the active counts ------------------------------------------

def test_sites_are_listed_by_model_type_district_status_and_host(api, admin, coordinator,
                                                               model_type):
    _, tree = make_province(admin, districts=2, communes=1)
    d1, d2 = tree
    a = create_site(coordinator, model_type, d1, "SLDTBXH")
    b = create_site(coordinator, model_type, d2, "HLHPN", status="piloting")
    c = create_site(coordinator, model_type, d2, "SLDTBXH", status="stopped")
    ids = lambda items: [s["id"] for s in items]  # noqa: E731
    assert ids(all_sites(api, model_type=model_type)) == [a["id"], b["id"], c["id"]]
    assert ids(all_sites(api, district=d2)) == [b["id"], c["id"]]
    assert ids(all_sites(api, model_type=model_type, status="piloting")) == [b["id"]]
    assert ids(all_sites(api, model_type=model_type, host_agency="SLDTBXH")) == [a["id"], c["id"]]


def test_an_archived_site_is_hidden_and_restored(api, coordinator, model_type, district):
    site = create_site(coordinator, model_type, district)
    path = site_path(site["id"])
    assert archive(api.as_user("longxuyen.manager"), path).status_code in (403, 404)
    r = archive(coordinator, path)
    assert r.status_code == 204, r.text
    assert all_sites(api, model_type=model_type) == []
    assert_problem(api.get(path), 404, "not_found")
    assert_problem(api.get("/v1/pilot-sites", params={"include_archived": "true"}), 403,
                   "forbidden")
    [archived] = all_sites(coordinator, model_type=model_type, include_archived="true")
    assert archived["archived_at"] is not None
    r = restore(coordinator, path)
    assert r.status_code == 200, r.text
    assert [s["id"] for s in all_sites(api, model_type=model_type)] == [site["id"]]


def test_a_model_type_counts_its_active_sites_and_their_districts(api, admin, coordinator,
                                                                 model_type):
    """Active: piloting, evaluated or scaled up, and not archived."""
    _, tree = make_province(admin, districts=3, communes=1)
    d1, d2, d3 = tree

    def counts():
        t = read(api, type_path(model_type))[0]
        return t["sites_active"], t["districts_active"]

    assert counts() == (0, 0)
    s1 = create_site(coordinator, model_type, d1, status="piloting")
    s2 = create_site(coordinator, model_type, d1, status="piloting")
    s3 = create_site(coordinator, model_type, d2)
    create_site(coordinator, model_type, d3, status="stopped")
    assert counts() == (2, 1)
    move(coordinator, s3["id"], "piloting")
    assert counts() == (3, 2)
    move(coordinator, s1["id"], "evaluated")
    move(coordinator, s1["id"], "scaled_up")
    assert counts() == (3, 2)
    move(coordinator, s2["id"], "stopped")
    assert counts() == (2, 2)
    archive(coordinator, site_path(s3["id"]))
    assert counts() == (1, 1)


# --- the pilot-model indicators are derived from the registry ---------------------------------

def test_a_pilot_registry_indicator_counts_the_sites_active_at_the_periods_end(
        api, admin, coordinator, model_type):
    """A site counts in a year when its status history makes it active (piloting, evaluated,
    scaled up) at the year's end, by the days the changes took effect, not the days they were
    recorded: all of this is recorded today."""
    province, tree = make_province(admin, districts=3, communes=1)
    d1, d2, d3 = tree
    this, last = today().year, today().year - 1
    code = create_indicator(coordinator, level="district", value_type="count",
                            rollup="pilot_registry", pilot_model_type=model_type,
                            period_type="yearly", reporting_agencies=["SLDTBXH"])["code"]
    create_target(coordinator, code, period=str(this), value=2, rounding="exact",
                  unit_of_measure="district", scope_unit=province)

    def item(period=str(this)):
        [i] = analytics(api, code, period, province)
        return (i["value"], i["numerator"], i["denominator"], i["units_reporting"])

    assert item() == (0, 0, None, 0)
    # piloting since March of last year: a new site already under way dates it by its start
    create_site(coordinator, model_type, d1, status="piloting", start_date=f"{last}-03-01")
    create_site(coordinator, model_type, d1, status="piloting")  # from today
    s3 = create_site(coordinator, model_type, d2, effective_on=f"{last}-01-10")
    move(coordinator, s3["id"], "piloting", effective_on=f"{last}-06-01")
    create_site(coordinator, model_type, d3)  # planned
    assert item(str(last)) == (2, 2, None, 2), "last year: the first site and the third"
    assert item() == (3, 3, None, 2)
    [one] = analytics(api, code, str(this), province)
    assert one["attainment"] == "achieved", "2 districts of the 2 the target asks"
    move(coordinator, s3["id"], "stopped")  # today
    assert item() == (2, 2, None, 1)
    assert item(str(last)) == (2, 2, None, 2), "stopping it today leaves last year as it was"
    by_district = {i["unit"]: i["value"] for i in analytics(api, code, str(this), province,
                                                           level=2)}
    assert by_district == {d1: 2, d2: 0, d3: 0}


# --- the status history ---------------------------------------------------------------------------

def status_history(client, site_id):
    r = client.get(site_path(site_id) + "/status-history")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    for change in items:
        assert set(change) == STATUS_CHANGE_KEYS, change
    return items


def test_each_change_of_status_is_kept_with_the_day_it_took_effect(api, coordinator, model_type,
                                                                   district):
    site = create_site(coordinator, model_type, district, effective_on="2017-11-20")
    move(coordinator, site["id"], "piloting", effective_on="2018-03-01",
         status_note="Khai trương mô hình")
    move(coordinator, site["id"], "evaluated")
    history = status_history(api, site["id"])
    assert [(h["status"], h["previous_status"], h["effective_on"], h["note"], h["author"],
             h["agency"]) for h in history] == [
        ("planned", None, "2017-11-20", None, "coordinator", "SLDTBXH"),
        ("piloting", "planned", "2018-03-01", "Khai trương mô hình", "coordinator", "SLDTBXH"),
        ("evaluated", "piloting", today().isoformat(), None, "coordinator", "SLDTBXH")]
    assert [h["late_entry"] for h in history] == [True, True, False], \
        "recorded years after the 6-month reports of 2017 and 2018 were due"
    assert all(h["created_at"][:10] == history[0]["created_at"][:10] for h in history)
    got, _ = read(api, site_path(site["id"]))
    assert got["status"] == "evaluated" and "effective_on" not in got


def test_a_change_of_status_is_not_dated_after_today_or_before_the_last_one(
        coordinator, model_type, district):
    site = create_site(coordinator, model_type, district, effective_on="2018-01-01")
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    for day, code in ((tomorrow, "in_future"), ("2017-12-31", "before_previous")):
        r = patch(coordinator, site_path(site["id"]), {"status": "piloting", "effective_on": day})
        assert_field_error(r, 422, "validation_failed", "effective_on", code)
    r = patch(coordinator, site_path(site["id"]), {"notes": "x", "effective_on": "2018-02-01"})
    assert_field_error(r, 422, "validation_failed", "effective_on", "without_change")
    r = coordinator.post_json("/v1/pilot-sites", new_site_body(model_type, district,
                                                               effective_on=tomorrow))
    assert_field_error(r, 422, "validation_failed", "effective_on", "in_future")
    assert [h["status"] for h in status_history(coordinator, site["id"])] == ["planned"]


def test_the_status_history_of_an_archived_site_is_hidden_like_the_site(api, coordinator,
                                                                         model_type, district):
    site = create_site(coordinator, model_type, district)
    assert archive(coordinator, site_path(site["id"])).status_code == 204
    assert status_history(coordinator, site["id"])[0]["status"] == "planned"
    r = api.as_user("viewer").get(site_path(site["id"]) + "/status-history")
    assert_problem(r, 404, "not_found")


def test_every_goal_of_a_period_must_be_met_3_models_in_3_districts(api, admin, coordinator,
                                                                   model_type):
    """PM3 asks for 3 models *and* 3 districts by 2020: three sites in one district meet the
    first goal, not the second, so the period's attainment is the second's."""
    province, tree = make_province(admin, districts=3, communes=1)
    d1 = next(iter(tree))
    code = create_indicator(coordinator, level="district", value_type="count",
                            rollup="pilot_registry", pilot_model_type=model_type,
                            period_type="yearly", reporting_agencies=["SLDTBXH"])["code"]
    for measure in ("model", "district"):
        create_target(coordinator, code, period="2025", value=3, rounding="exact",
                      unit_of_measure=measure, scope_unit=province)
    for _ in range(3):
        create_site(coordinator, model_type, d1, status="piloting", start_date="2025-03-01")
    [item] = analytics(api, code, "2025", province)
    assert [(t["unit_of_measure"], t["attainment"]) for t in item["targets"]] == [
        ("model", "achieved"), ("district", "missed")]
    assert (item["value"], item["units_reporting"], item["attainment"]) == (3, 1, "missed")


def test_the_seeded_pilot_indicators_name_the_seeded_model_types(api, coordinator):
    for n in (1, 2, 3):
        indicator = read(api, f"/v1/indicators/PILOT-PM{n}")[0]
        assert (indicator["rollup"], indicator["pilot_model_type"]) == ("pilot_registry",
                                                                        f"PM{n}")


def test_a_host_manages_its_committees_site_in_its_own_district(api, admin, model_type,
                                                                make_user):
    """A district committee of a province of the test's own hosts a site in its district."""
    _, tree = make_province(admin, districts=1, communes=1)
    d = next(iter(tree))
    committee = create_committee(admin, d)["code"]
    officer = api.as_user(make_user(agency=committee, role="officer")["username"])
    site = create_site(officer, model_type, d, committee, status="piloting")
    for status in ("evaluated", "scaled_up"):
        site = move(officer, site["id"], status)
    assert site["status"] == "scaled_up" and site["status"] in ACTIVE

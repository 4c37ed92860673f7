"""Reporting obligations, submissions and completeness (issue 7, item 2): who reports what to whom,
how often and by when (/v1/reporting-obligations), seeded with DOLISA's 6-monthly and annual
report to the Chairman (V.1), the districts' 5-year and annual plans (V.12) and the procuracy's
and the court's statistics (V.14); the reports handed in (…/submissions) per agency and period,
due the day after the period's end plus the obligation's due days (REPORT_DUE_DAYS = 5 when it
names none) and on time when handed in by that day in An Giang; and completeness and timeliness
per agency and period (/v1/reporting-completeness).

Submissions to the seeded obligations are made for periods of their own here (2018 and 2019),
never for the current period, whose report test_reports.py reads.
"""

import datetime

import pytest

from checks import assert_field_error, assert_problem
from plans import patch, read, seeded_plan
from reference import create_agency
from reporting import (OBLIGATION_KEYS, SEED_PERIOD_TYPES, completeness, create_obligation,
                       new_obligation_body, obligation_path, row_of,
                       seed_obligations, seed_task_ids, submissions_path, submit, submitted)
from settings import DEMO_USERS

EDITORS = ("admin", "coordinator")
NOT_EDITORS = sorted(u for u, (_, role) in DEMO_USERS.items() if role not in EDITORS)
DISTRICT_COMMITTEES = ["UBND-883", "UBND-884", "UBND-886", "UBND-887", "UBND-888", "UBND-889",
                       "UBND-890", "UBND-891", "UBND-892", "UBND-893", "UBND-894"]
SEED_FIELDS = ("code", "source_clause", "description", "reporters", "recipient", "mode",
               "frequency", "due_rule", "note")


def field_error(response, status, code, field, field_code):
    body = assert_problem(response, status, code, field)
    assert body["errors"][0]["code"] == field_code, f"expected {field}: {field_code}: {body}"
    return body


@pytest.fixture
def agencies(admin):
    """Two agencies of this test's own."""
    return [create_agency(admin)["code"] for _ in range(2)]


def all_obligations(client, **params):
    items, _ = client.walk("/v1/reporting-obligations", params, limit=500)
    for o in items:
        assert set(o) == OBLIGATION_KEYS, o
    return items


# --- the seeded obligations ---------------------------------------------------------------------

def test_the_six_seeded_obligations_are_the_decisions(api):
    task_ids = seed_task_ids(api, seeded_plan(api)["id"])
    listed = {o["code"]: o for o in all_obligations(api)}
    for expected in seed_obligations():
        got = listed[expected["code"]]
        assert {k: got[k] for k in SEED_FIELDS} == {k: expected[k] for k in SEED_FIELDS}
        assert got["period_type"] == SEED_PERIOD_TYPES[expected["period_type"]], got
        assert got["task"] == task_ids[expected["task"]], got
        assert (got["due_days"], got["archived_at"]) == (None, None), \
            "the decision sets no deadline: the service's default applies"
        assert read(api, obligation_path(expected["code"]))[0] == got


def test_dolisa_reports_every_six_months_and_every_year_to_the_chairman(api):
    got = {o["code"]: o for o in all_obligations(api, agency="SLDTBXH")}
    assert {c: (o["source_clause"], o["reporters"], o["recipient"], o["mode"], o["frequency"],
                o["period_type"]) for c, o in got.items()
            if c in ("RO-V1-6M", "RO-V1-YEAR")} == {
        "RO-V1-6M": ("V.1", ["SLDTBXH"], "UBND-89", "assigned", "six_monthly",
                     "vn_six_monthly"),
        "RO-V1-YEAR": ("V.1", ["SLDTBXH"], "UBND-89", "assigned", "yearly", "vn_yearly")}


def test_the_eleven_districts_make_their_five_year_and_annual_plans(api):
    five, year = (read(api, obligation_path(c))[0]
                  for c in ("RO-V12-PLAN-5Y", "RO-V12-PLAN-YEAR"))
    assert (five["source_clause"], five["reporters"], five["frequency"],
            five["period_type"]) == ("V.12", DISTRICT_COMMITTEES, "once", None)
    assert (year["source_clause"], year["reporters"], year["frequency"],
            year["period_type"]) == ("V.12", DISTRICT_COMMITTEES, "yearly", "yearly")
    codes = {o["code"] for o in all_obligations(api, agency="UBND-890")}
    assert {"RO-V12-PLAN-5Y", "RO-V12-PLAN-YEAR"} <= codes
    assert "RO-V1-6M" not in codes


def test_the_procuracy_and_the_court_are_requested_for_their_statistics(api):
    for code, agency in (("RO-V14-STATS-VKSND", "VKSND"), ("RO-V14-STATS-TAND", "TAND")):
        o = read(api, obligation_path(code))[0]
        assert (o["source_clause"], o["reporters"], o["recipient"], o["mode"], o["frequency"],
                o["period_type"]) == ("V.14", [agency], "SLDTBXH", "requested", "six_monthly",
                                      "vn_six_monthly")


def test_obligations_are_listed_in_code_order_and_filtered_by_frequency(api):
    items = all_obligations(api)
    assert [o["code"] for o in items] == sorted(o["code"] for o in items)
    once = all_obligations(api, frequency="once")
    assert once and all(o["frequency"] == "once" and o["period_type"] is None for o in once)
    assert "RO-V12-PLAN-5Y" in [o["code"] for o in once]
    assert_problem(api.get(obligation_path("RO-NONE")), 404, "not_found")


# --- adding and changing obligations -----------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_an_obligation(api, editor, agencies):
    body = new_obligation_body(agencies, due_days=10, due_rule="10 ngày sau kỳ báo cáo",
                               note="thử")
    r = api.as_user(editor).post_json("/v1/reporting-obligations", body)
    assert r.status_code == 201, r.text
    o = r.json()
    assert set(o) == OBLIGATION_KEYS and {k: o[k] for k in body} == body
    assert (o["task"], o["version"], o["archived_at"]) == (None, 1, None)
    assert r.headers["Location"] == obligation_path(body["code"])
    assert [x["code"] for x in all_obligations(api, agency=agencies[1])] == [body["code"]]


@pytest.mark.parametrize("user", NOT_EDITORS)
def test_other_roles_cannot_add_an_obligation(api, user):
    body = new_obligation_body(["SLDTBXH"])
    r = api.as_user(user).post_json("/v1/reporting-obligations", body)
    assert_problem(r, 403, "forbidden")
    assert_problem(api.get(obligation_path(body["code"])), 404, "not_found")


@pytest.mark.parametrize("frequency, period_type", [("once", "vn_six_monthly"),
                                                    ("yearly", None)])
def test_a_report_made_once_has_no_period_type_and_only_it(coordinator, frequency, period_type):
    body = new_obligation_body(["SLDTBXH"], frequency=frequency, period_type=period_type)
    if period_type is None:
        del body["period_type"]
    field_error(coordinator.post_json("/v1/reporting-obligations", body), 422,
                "validation_failed", "period_type", "inconsistent")


@pytest.mark.parametrize("field, value, named", [
    ("reporters", ["SLDTBXH", "NO-SUCH"], "reporters[1]"), ("recipient", "NO-SUCH", "recipient"),
    ("task", 999999999, "task")])
def test_an_unknown_reporter_recipient_or_task_is_422(coordinator, field, value, named):
    body = {**new_obligation_body(["SLDTBXH"]), field: value}
    field_error(coordinator.post_json("/v1/reporting-obligations", body), 422,
                "validation_failed", named, "unknown")


def test_a_periodic_obligation_becomes_one_made_once_without_a_period_type(api, coordinator):
    """period_type is null exactly when the report is made once: a change to `once` clears it,
    and the obligation then reads with period_type null."""
    o = create_obligation(coordinator, ["SLDTBXH"], frequency="yearly", period_type="yearly")
    r = patch(coordinator, obligation_path(o["code"]), {"frequency": "once", "period_type": None})
    assert r.status_code == 200, r.text
    assert (r.json()["frequency"], r.json()["period_type"]) == ("once", None)
    body = new_obligation_body(["SLDTBXH"], frequency="once", period_type=None)
    r = coordinator.post_json("/v1/reporting-obligations", body)
    assert r.status_code == 201, r.text
    assert r.json()["period_type"] is None


def test_a_taken_code_is_409(coordinator):
    r = coordinator.post_json("/v1/reporting-obligations",
                              new_obligation_body(["SLDTBXH"], code="RO-V1-6M"))
    assert_problem(r, 409, "conflict", "code")


def test_an_editor_changes_an_obligation_naming_its_version(api, coordinator, agencies):
    o = create_obligation(coordinator, agencies[:1])
    path = obligation_path(o["code"])
    _, etag = read(api, path)
    r = patch(coordinator, path, {"reporters": agencies, "due_days": 0}, etag=etag)
    assert r.status_code == 200, r.text
    assert (r.json()["reporters"], r.json()["due_days"], r.json()["version"]) == (agencies, 0, 2)
    assert_problem(patch(coordinator, path, {"due_days": 3}, etag=etag), 412,
                   "precondition_failed")
    assert_field_error(patch(coordinator, path, {"reporters": None}), 422,
                       "validation_failed", "reporters", "required")
    assert_problem(patch(api.as_user("health.officer"), path, {"due_days": 3}), 403,
                   "forbidden")
    events, _ = api.walk(obligation_path(o["code"], "history"), limit=500)
    assert [e["version"] for e in events] == [1, 2]


# --- submissions --------------------------------------------------------------------------------

def test_a_submission_is_due_the_day_after_the_periods_end_plus_5_days(api, coordinator):
    """RO-V1-6M names no due days: 2018VNS1 ends on 14/06/2018, so it is due on 20/06/2018; a
    report handed in now is late."""
    s = submitted(coordinator, "RO-V1-6M", period="2018VNS1",
                  document_link="https://example.org/bao-cao-6-thang-2018.pdf", note="Báo cáo")
    assert {k: s[k] for k in ("obligation", "agency", "period", "due", "on_time",
                              "document_link", "note", "submitted_by", "version")} == {
        "obligation": "RO-V1-6M", "agency": "SLDTBXH", "period": "2018VNS1",
        "due": "2018-06-20", "on_time": False,
        "document_link": "https://example.org/bao-cao-6-thang-2018.pdf", "note": "Báo cáo",
        "submitted_by": "coordinator", "version": 1}
    assert read(api, submissions_path("RO-V1-6M") + f"/{s['id']}")[0] == s


def test_the_obligations_own_due_days_replace_the_default(coordinator, agencies):
    o = create_obligation(coordinator, agencies, due_days=0, period_type="yearly",
                          frequency="yearly")
    s = submitted(coordinator, o["code"], agency=agencies[0], period="2019")
    assert (s["due"], s["on_time"]) == ("2020-01-01", False)


@pytest.mark.parametrize("at, on_time", [
    ("2019-06-20T16:59:59Z", True),    # 23:59:59 on the due day in An Giang
    ("2019-06-20T23:30:00+07:00", True),
    ("2019-06-20T17:00:00Z", False),   # 00:00 the next day in An Giang
    ("2019-06-21T00:10:00+07:00", False),
    ("2019-06-01T09:00:00+07:00", True)])
def test_on_time_is_by_the_due_date_in_an_giang(coordinator, agencies, at, on_time):
    o = create_obligation(coordinator, agencies)
    s = submitted(coordinator, o["code"], agency=agencies[0], period="2019VNS1", submitted_at=at)
    assert (s["due"], s["on_time"]) == ("2019-06-20", on_time)


def test_a_report_made_once_has_no_period_and_no_due_date(api, make_user):
    officer = api.as_user(make_user(agency="UBND-887", role="officer")["username"])
    s = submitted(officer, "RO-V12-PLAN-5Y", document_link="https://example.org/kh-5-nam.pdf")
    assert (s["agency"], s["period"], s["due"], s["on_time"]) == ("UBND-887", None, None, None)
    field_error(submit(officer, "RO-V12-PLAN-5Y"), 409, "conflict", "period", "taken")
    other = api.as_user(make_user(agency="UBND-888", role="officer")["username"])
    field_error(submit(other, "RO-V12-PLAN-5Y", period="2017"), 422, "validation_failed",
                "period", "not_periodic")


@pytest.mark.parametrize("period, field_code", [(None, "required"), ("2019VNS3", "invalid"),
                                                ("2019", "wrong_type"),
                                                ("2019S1", "wrong_type")])
def test_a_periodic_report_needs_a_period_of_its_type(coordinator, agencies, period,
                                                      field_code):
    o = create_obligation(coordinator, agencies)
    body = {"agency": agencies[0]} | ({"period": period} if period else {})
    field_error(submit(coordinator, o["code"], **body), 422, "validation_failed", "period",
                field_code)


def test_an_agency_hands_in_a_report_once_per_period(coordinator, agencies):
    o = create_obligation(coordinator, agencies)
    submitted(coordinator, o["code"], agency=agencies[0], period="2019VNS2")
    field_error(submit(coordinator, o["code"], agency=agencies[0], period="2019VNS2"), 409,
                "conflict", "period", "taken")
    submitted(coordinator, o["code"], agency=agencies[1], period="2019VNS2")
    submitted(coordinator, o["code"], agency=agencies[0], period="2020VNS1")


def test_only_a_reporter_of_the_obligation_hands_it_in(coordinator, agencies):
    o = create_obligation(coordinator, agencies[:1])
    field_error(submit(coordinator, o["code"], agency=agencies[1], period="2019VNS1"), 422,
                "validation_failed", "agency", "not_reporter")
    # the coordinator's own agency is the default, and DOLISA does not make this report
    field_error(submit(coordinator, o["code"], period="2019VNS1"), 422, "validation_failed",
                "agency", "not_reporter")


@pytest.mark.parametrize("role", ["manager", "officer"])
def test_an_agency_hands_in_its_own_report_now(api, admin, make_user, role):
    agency = create_agency(admin)["code"]
    other = create_agency(admin)["code"]
    o = create_obligation(api.as_user("coordinator"), [agency, other])
    me = api.as_user(make_user(agency=agency, role=role)["username"])
    field_error(submit(me, o["code"], agency=other, period="2019VNS1"), 403, "forbidden",
                "agency", "forbidden")
    field_error(submit(me, o["code"], period="2019VNS1", submitted_at="2019-06-01T00:00:00Z"),
                403, "forbidden", "submitted_at", "forbidden")
    s = submitted(me, o["code"], period="2019VNS1")
    assert (s["agency"], s["submitted_by"], s["on_time"]) == (agency, me.user, False)
    handed_in = datetime.datetime.fromisoformat(s["submitted_at"].replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - handed_in).total_seconds()) < 120, f"handed in now, not {handed_in}"


@pytest.mark.parametrize("user", ["viewer", "auditor"])
def test_viewers_and_auditors_read_submissions_but_hand_in_none(api, coordinator, agencies,
                                                                user):
    o = create_obligation(coordinator, agencies)
    s = submitted(coordinator, o["code"], agency=agencies[0], period="2019VNS1")
    client = api.as_user(user)
    items, _ = client.walk(submissions_path(o["code"]), limit=500)
    assert items == [s]
    assert_problem(submit(client, o["code"], agency=agencies[1], period="2019VNS1"), 403,
                   "forbidden")


def test_submissions_are_listed_by_agency_and_period(api, coordinator, agencies):
    o = create_obligation(coordinator, agencies)
    a = submitted(coordinator, o["code"], agency=agencies[0], period="2019VNS1")
    b = submitted(coordinator, o["code"], agency=agencies[1], period="2019VNS1")
    c = submitted(coordinator, o["code"], agency=agencies[0], period="2019VNS2")
    path = submissions_path(o["code"])
    ids = lambda params: [s["id"] for s in api.walk(path, params, limit=2)[0]]  # noqa: E731
    assert ids({}) == [a["id"], b["id"], c["id"]]
    assert ids({"agency": agencies[0]}) == [a["id"], c["id"]]
    assert ids({"period": "2019VNS1"}) == [a["id"], b["id"]]
    assert_problem(api.get(submissions_path("RO-NONE")), 404, "not_found")
    assert_problem(api.get(f"{path}/999999999"), 404, "not_found")


# --- the time a report was handed in -----------------------------------------------------------

@pytest.mark.parametrize("at", ["2024-12-20T23:30:00.000", "2024-12-20T23:30:00", "2024-12-20",
                                "2024-12-20 23:30", "20/12/2024 23:30", "2024-12-20T23:30:00+7"])
def test_a_time_handed_in_without_an_offset_is_refused(coordinator, agencies, at):
    """Defect: `2024-12-20T23:30:00.000` was read in the database session's zone (UTC), so a
    report handed in at 23:30 in An Giang counted as late. A time says its offset, or is 422."""
    o = create_obligation(coordinator, [agencies[0]], period_type="vn_yearly",
                          frequency="yearly")
    body = field_error(submit(coordinator, o["code"], agency=agencies[0], period="2024VN",
                              submitted_at=at), 422, "validation_failed", "submitted_at", "time")
    assert "offset" in body["errors"][0]["message"], body


def test_a_report_handed_in_at_2330_in_the_province_on_its_due_day_is_on_time(coordinator,
                                                                             agencies):
    """2024VN ends 14/12/2024 and is due 20/12/2024; 23:30 that day in An Giang is 16:30 UTC."""
    o = create_obligation(coordinator, agencies, period_type="vn_yearly", frequency="yearly")
    late_evening = submitted(coordinator, o["code"], agency=agencies[0], period="2024VN",
                             submitted_at="2024-12-20T23:30:00+07:00")
    assert (late_evening["due"], late_evening["on_time"]) == ("2024-12-20", True)
    assert late_evening["submitted_at"] == "2024-12-20T16:30:00Z"
    next_morning = submitted(coordinator, o["code"], agency=agencies[1], period="2024VN",
                             submitted_at="2024-12-20T17:00:00Z")  # 00:00 on the 21st there
    assert next_morning["on_time"] is False


# --- completeness -------------------------------------------------------------------------------

def test_completeness_counts_expected_submitted_on_time_late_and_missing(api, coordinator,
                                                                        agencies):
    """Two obligations of the agencies' own for the same kind of period: the first agency
    makes both reports (one on time, one late), the second one of one."""
    a, b = agencies
    first = create_obligation(coordinator, [a, b])
    second = create_obligation(coordinator, [a])
    submitted(coordinator, first["code"], agency=a, period="2018VNS2",
              submitted_at="2018-12-18T10:00:00+07:00")
    submitted(coordinator, second["code"], agency=a, period="2018VNS2",
              submitted_at="2018-12-21T08:00:00+07:00")
    assert completeness(api, "2018VNS2", a) == [
        row_of(2, 2, on_time=1, late=1, agency=a, period="2018VNS2")]
    assert completeness(api, "2018VNS2", b) == [row_of(1, agency=b, period="2018VNS2")]
    submitted(coordinator, first["code"], agency=b, period="2018VNS2",
              submitted_at="2018-12-20T16:59:59Z")
    assert completeness(api, "2018VNS2", b) == [
        row_of(1, 1, on_time=1, agency=b, period="2018VNS2")]
    # another period of the same type: nothing handed in yet
    assert completeness(api, "2019VNS1", a) == [row_of(2, agency=a, period="2019VNS1")]


def test_completeness_lists_every_reporting_agency_of_the_periods_type_in_order(api):
    items = completeness(api, "2017VNS1")
    agencies = [i["agency"] for i in items]
    assert agencies == sorted(agencies)
    assert {"SLDTBXH", "TAND", "VKSND"} <= set(agencies)
    assert not set(DISTRICT_COMMITTEES) & set(agencies), "the districts report yearly, not here"
    yearly = {i["agency"]: i for i in completeness(api, "2017")}
    assert set(DISTRICT_COMMITTEES) <= set(yearly), "each district's annual plan for 2017"
    assert all(yearly[d]["expected"] >= 1 for d in DISTRICT_COMMITTEES)
    assert "SLDTBXH" in [i["agency"] for i in completeness(api, "2017VN")]
    assert completeness(api, "2017VN", "SLDTBXH")[0]["expected"] >= 1


def test_completeness_needs_a_valid_period(api):
    assert_problem(api.get("/v1/reporting-completeness"), 400, "invalid_parameter", "period")
    assert_problem(api.get("/v1/reporting-completeness", params={"period": "2017VNS9"}), 400,
                   "invalid_parameter", "period")

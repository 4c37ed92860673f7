"""Reporting obligations, submissions and completeness (issue 7, item 2; issue 17): who reports what
to whom, how often and by when (/v1/reporting-obligations), seeded with the reports the decision
sets: DOLISA's mid-year and annual report to the Chairman (V.1), in force from the decision's
signature to the plan's end, and the district committees' reports to their councils at the
councils' sessions (III.2); the reports handed in (…/submissions) per agency and period,
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
SEED_FIELDS = ("code", "source_clause", "description", "reporters", "recipient",
               "recipient_source", "recipient_note", "mode", "frequency", "frequency_source",
               "frequency_note", "due_rule", "note", "applies_from", "applies_to")


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

def test_the_seeded_obligations_are_the_decisions(api):
    task_ids = seed_task_ids(api, seeded_plan(api)["id"])
    listed = {o["code"]: o for o in all_obligations(api)}
    for expected in seed_obligations():
        got = listed[expected["code"]]
        assert {k: got[k] for k in SEED_FIELDS} == {k: expected[k] for k in SEED_FIELDS}
        assert got["period_type"] == SEED_PERIOD_TYPES[expected["period_type"]], got
        assert got["expected_periods"] == ("first_half" if expected["period_type"] == "VNS1"
                                           else "all"), got
        assert got["task"] == (task_ids[expected["task"]] if expected["task"] else None), got
        assert (got["due_days"], got["archived_at"]) == (None, None), \
            "the decision sets no deadline: the service's default applies"
        assert read(api, obligation_path(expected["code"]))[0] == got


def test_dolisa_reports_at_mid_year_and_every_year_to_the_chairman(api):
    """V.1 "Định kỳ 6 tháng, hàng năm": a mid-year report and an annual report, which covers the
    second half; both in force from the signature (15/07/2016) to the plan's end."""
    got = {o["code"]: o for o in all_obligations(api, agency="SLDTBXH")}
    assert {c: (o["source_clause"], o["reporters"], o["recipient"], o["mode"], o["frequency"],
                o["period_type"], o["expected_periods"], o["applies_from"], o["applies_to"])
            for c, o in got.items() if c in ("RO-V1-6M", "RO-V1-YEAR")} == {
        "RO-V1-6M": ("V.1", ["SLDTBXH"], "UBND-89", "assigned", "six_monthly",
                     "vn_six_monthly", "first_half", "2016-07-15", "2020-12-31"),
        "RO-V1-YEAR": ("V.1", ["SLDTBXH"], "UBND-89", "assigned", "yearly", "vn_yearly", "all",
                       "2016-07-15", "2020-12-31")}


def test_the_districts_report_to_their_councils_at_the_sessions(api):
    """III.2: "yêu cầu Ủy ban nhân dân báo cáo kết quả thực hiện Nghị quyết tại các kỳ họp của
    Hội đồng nhân dân cùng cấp": no period, no deadline, out of completeness."""
    o = read(api, obligation_path("RO-III2-COUNCIL"))[0]
    assert (o["source_clause"], o["reporters"], o["frequency"], o["period_type"],
            o["recipient"], o["recipient_source"]) == ("III.2", DISTRICT_COMMITTEES,
                                                       "per_session", None, None, "text")
    assert "cùng cấp" in o["recipient_note"] and "kỳ họp" in o["frequency_note"]


def test_the_district_plans_and_the_statistics_are_duties_not_reports(api):
    """V.12's plans and V.14's statistics set no recipient and no frequency: tasks, not
    obligations (PRODUCT: duties that set neither are tasks)."""
    codes = {o["code"] for o in all_obligations(api)}
    assert not codes & {"RO-V12-PLAN-5Y", "RO-V12-PLAN-YEAR", "RO-V14-STATS-VKSND",
                        "RO-V14-STATS-TAND"}
    tasks = seed_task_ids(api, seeded_plan(api)["id"])
    assert {"v12-district-plans", "v14-statistics"} <= set(tasks)


def test_obligations_are_listed_in_code_order_and_filtered_by_frequency(api):
    items = all_obligations(api)
    assert [o["code"] for o in items] == sorted(o["code"] for o in items)
    sessions = all_obligations(api, frequency="per_session")
    assert sessions and all(o["frequency"] == "per_session" and o["period_type"] is None
                            for o in sessions)
    assert "RO-III2-COUNCIL" in [o["code"] for o in sessions]
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


def test_a_report_made_once_has_no_period_and_no_due_date(api, coordinator, agencies, make_user):
    o = create_obligation(coordinator, agencies, frequency="once", period_type=None)
    officer = api.as_user(make_user(agency=agencies[0], role="officer")["username"])
    s = submitted(officer, o["code"], document_link="https://example.org/kh-5-nam.pdf")
    assert (s["agency"], s["period"], s["due"], s["on_time"]) == (agencies[0], None, None, None)
    field_error(submit(officer, o["code"]), 409, "conflict", "period", "taken")
    other = api.as_user(make_user(agency=agencies[1], role="officer")["username"])
    field_error(submit(other, o["code"], period="2017"), 422, "validation_failed", "period",
                "not_periodic")


def test_a_report_at_a_councils_session_names_the_sessions_date(api, make_user):
    officer = api.as_user(make_user(agency="UBND-887", role="officer")["username"])
    s = submitted(officer, "RO-III2-COUNCIL", period="2017-07-12",
                  note="Báo cáo tại kỳ họp thứ 4 Hội đồng nhân dân huyện")
    assert (s["agency"], s["period"], s["due"], s["on_time"]) == ("UBND-887", "2017-07-12",
                                                                   None, None)
    for period, code in [(None, "required"), ("2017", "invalid"), ("2017-02-30", "invalid")]:
        body = {"period": period} if period else {}
        field_error(submit(officer, "RO-III2-COUNCIL", **body), 422, "validation_failed",
                    "period", code)


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
    makes both reports (one on time, one late), the second one of one. All are recorded today,
    years after they were due: each is a late entry, whether it reached its recipient on time
    or not."""
    a, b = agencies
    first = create_obligation(coordinator, [a, b])
    second = create_obligation(coordinator, [a])
    submitted(coordinator, first["code"], agency=a, period="2018VNS2",
              submitted_at="2018-12-18T10:00:00+07:00")
    submitted(coordinator, second["code"], agency=a, period="2018VNS2",
              submitted_at="2018-12-21T08:00:00+07:00")
    assert completeness(api, "2018VNS2", a) == [
        row_of(2, 2, on_time=1, late=1, agency=a, period="2018VNS2", late_entries=2)]
    assert completeness(api, "2018VNS2", b) == [row_of(1, agency=b, period="2018VNS2")]
    submitted(coordinator, first["code"], agency=b, period="2018VNS2",
              submitted_at="2018-12-20T16:59:59Z")
    assert completeness(api, "2018VNS2", b) == [
        row_of(1, 1, on_time=1, agency=b, period="2018VNS2", late_entries=1)]
    # another period of the same type: nothing handed in yet
    assert completeness(api, "2019VNS1", a) == [row_of(2, agency=a, period="2019VNS1")]


def test_completeness_lists_every_reporting_agency_of_the_periods_type_in_order(api):
    items = completeness(api, "2017VNS1")
    agencies = [i["agency"] for i in items]
    assert agencies == sorted(agencies)
    assert "SLDTBXH" in agencies
    assert not {"TAND", "VKSND"} & set(agencies), "the statistics are a duty, not a report"
    assert not set(DISTRICT_COMMITTEES) & set(agencies), "the districts report to their councils"
    assert "SLDTBXH" in [i["agency"] for i in completeness(api, "2017VN")]
    assert completeness(api, "2017VN", "SLDTBXH")[0]["expected"] >= 1


def test_an_obligation_expects_the_periods_whose_end_falls_in_its_window(coordinator, agencies):
    """A period is expected when its end falls within applies_from..applies_to: a window from
    15/07/2016 expects 2016VN (it ends 14/12/2016) but not 2016VNS1 (it ends 14/06/2016)."""
    mid = create_obligation(coordinator, agencies[:1], applies_from="2016-07-15",
                            applies_to="2020-12-31", expected_periods="first_half")
    year = create_obligation(coordinator, agencies[:1], frequency="yearly",
                             period_type="vn_yearly", applies_from="2016-07-15",
                             applies_to="2020-12-31")
    assert (mid["expected_periods"], year["applies_from"]) == ("first_half", "2016-07-15")
    expected = {p: (completeness(coordinator, p, agencies[0]) or [{"expected": 0}])[0]["expected"]
                for p in ("2016VNS1", "2016VNS2", "2016VN", "2017VNS1", "2017VNS2", "2020VNS1",
                          "2020VN", "2021VNS1", "2021VN", "2015VN")}
    assert expected == {"2016VNS1": 0, "2016VNS2": 0, "2016VN": 1, "2017VNS1": 1, "2017VNS2": 0,
                        "2020VNS1": 1, "2020VN": 1, "2021VNS1": 0, "2021VN": 0, "2015VN": 0}


@pytest.mark.parametrize("body, field, code", [
    ({"applies_from": "2020-01-01", "applies_to": "2019-12-31"}, "applies_to", "before_start"),
    ({"expected_periods": "first_half", "period_type": "vn_yearly", "frequency": "yearly"},
     "expected_periods", "inconsistent"),
    ({"recipient_source": "inferred"}, "recipient_note", "required"),
    ({"frequency_source": "inferred", "frequency_note": "  "}, "frequency_note", "required"),
    ({"expected_periods": "second_half"}, "expected_periods", None),
    ({"applies_from": "2016-13-01"}, "applies_from", None)])
def test_a_window_halves_and_inferences_that_do_not_hold_are_refused(coordinator, body, field,
                                                                     code):
    r = coordinator.post_json("/v1/reporting-obligations", new_obligation_body(["SLDTBXH"], **body))
    problem = assert_problem(r, 422, "validation_failed", field)
    if code:
        assert problem["errors"][0]["code"] == code, problem


def test_completeness_needs_a_valid_period(api):
    assert_problem(api.get("/v1/reporting-completeness"), 400, "invalid_parameter", "period")
    assert_problem(api.get("/v1/reporting-completeness", params={"period": "2017VNS9"}), 400,
                   "invalid_parameter", "period")

"""Time (issue 18): every fact has two times, kept apart — when it happened (effective time:
an update's occurred_on, a pilot site status change's effective_on, a submission's submitted_at)
and when planmon learned it (record time: created_at and the audit trail). The report of period P
as of moment A counts the facts effective in P, or the state at P's end, as planmon knew them at
A. Recurring duties fall due once per occurrence.

The headline case runs on a database that was just migrated and seeded (fresh_planmon): the plan
of Decision 1994 alone, as a province that adopts planmon in 2026 finds it, and back-fills its
2017 and 2018. Every expected value is worked out here by hand from the decision and the periods
of Decree 09/2019 (a 6-month report covers 15/12 to 14/06, an annual one 15/12 to 14/12; a period
is due REPORT_DUE_DAYS = 5 days after the day after it ends).
"""

import datetime

import pytest

from checks import assert_field_error, assert_problem
from indicators import (all_measurements, create_indicator, enter, import_json,
                        measurement_path, row)
from plans import (OCCURRENCE_KEYS, agency, create_plan, create_task, day, occurrences, patch,
                   post_update, read, seed_tasks, task_path, today)
from reporting import (REPORT_DUE_DAYS, assert_csv_equals, create_obligation, create_site,
                       create_type, moment, move, report, report_csv, site_path, submit,
                       submitted)

LEAD = "SLDTBXH"  # the coordinator's agency, which leads the tasks back-filled here
DISTRICT = "883"  # Long Xuyên


def due(end):
    """The due date of a period that ends on `end` (a date)."""
    return (end + datetime.timedelta(days=1 + REPORT_DUE_DAYS)).isoformat()


def month_ends(first, last):
    """(id, end) of each month from `first` to `last` ((year, month) pairs), in order."""
    (y, m), out = first, []
    while (y, m) <= last:
        nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
        out.append((f"{y:04d}{m:02d}", nxt - datetime.timedelta(days=1)))
        y, m = nxt.year, nxt.month
    return out


@pytest.fixture(scope="module")
def fresh(fresh_planmon):
    return fresh_planmon.api


@pytest.fixture(scope="module")
def seeded(fresh):
    """The moment the fresh database held the seed and nothing else, and {key: task id}."""
    items, _ = fresh.walk("/v1/tasks", {}, limit=500)
    return moment(), {t["key"]: t["id"] for t in items}


def overdue_at(state_day, ids, done=()):
    """The overdue rows (task key, occurrence, due date) of the seeded plan at the end of
    `state_day` with nothing done but the occurrences in `done` ((key, occurrence) pairs): every
    one-off task is due at the plan's end (2020-12-31), so only occurrences are overdue — of the
    monthly media duty (II.3.1.a, from July 2016), the three calendar-yearly duties (V.1's plans,
    V.9's budget, V.12's district plans, from 2016) and V.1's two reports (2016VN and the
    mid-year reports from 2017VNS1)."""
    rows = []
    for pid, end in month_ends((2016, 7), (2020, 12)):
        rows.append(("ii31a-media-monthly", pid, due(end)))
    for key in ("v1-plan-monitor", "v9-finance-budget", "v12-district-plans"):
        for year in range(2016, 2021):
            rows.append((key, str(year), due(datetime.date(year, 12, 31))))
    for year in range(2016, 2021):
        rows.append(("v1-report-year", f"{year}VN", due(datetime.date(year, 12, 14))))
        if year > 2016:
            rows.append(("v1-report-6m", f"{year}VNS1", due(datetime.date(year, 6, 14))))
    late = [(k, o, d) for k, o, d in rows if d < state_day and (k, o) not in done]
    return sorted(((ids[k], o, d) for k, o, d in late), key=lambda r: (r[0], r[2]))


def overdue_rows(got):
    return [(r["id"], r["occurrence"], r["due_date"]) for r in got]


# --- a freshly seeded database -------------------------------------------------------------------

def test_on_a_fresh_seed_the_report_of_2017vns1_has_every_task_as_it_stood_on_14_06_2017(
        fresh, seeded):
    as_of, ids = seeded
    got = report(fresh, "2017VNS1", as_of=as_of)  # no plan named: the one plan there is
    assert got["plan"]["code"] == "KH-1994-2016"
    rows = got["task_status"]
    assert sorted(r["id"] for r in rows) == sorted(ids.values()) and len(rows) == len(seed_tasks())
    assert {(r["status"], r["percent_done"], r["last_update"], r["late_entry"])
            for r in rows} == {("not_started", 0, None, False)}
    by_key = {r["key"]: r for r in rows}
    seed = seed_tasks()
    assert all(by_key[k]["due_basis"] == t["due_basis"] for k, t in seed.items())
    assert by_key["ii33b-pm1-target"]["due_basis"] == "text", "'Đến năm 2020'"
    assert overdue_rows(got["overdue"]) == overdue_at("2017-06-14", ids)
    csv_rows = report_csv(fresh, "2017VNS1", "task_status", as_of=as_of)
    assert len(csv_rows) == len(rows)
    assert_csv_equals(csv_rows, rows, "task_status")


@pytest.mark.parametrize("period", ["2016VNS1", "2016VN", "2020VNS1", "2020VN"])
def test_the_plan_reports_the_periods_that_end_within_its_life(fresh, period):
    assert report(fresh, period)["plan"]["code"] == "KH-1994-2016"


@pytest.mark.parametrize("period", ["2015VN", "2015VNS2", "2021VNS1", "2021VN", "2026VN"])
def test_a_period_that_ends_outside_the_plans_life_is_422_naming_period(fresh, period):
    r = fresh.get(f"/v1/reports/{period}")
    body = assert_field_error(r, 422, "validation_failed", "period", "outside_plan")
    assert "2016-01-01" in body["detail"] and "2020-12-31" in body["detail"]


def test_v1s_two_report_duties_have_their_9_occurrences_with_due_dates(fresh, seeded):
    _, ids = seeded
    six = occurrences(fresh, ids["v1-report-6m"])
    year = occurrences(fresh, ids["v1-report-year"])
    assert [(o["id"], o["start"], o["end"], o["due"], o["obligation"]) for o in six] == [
        (f"{y}VNS1", f"{y - 1}-12-15", f"{y}-06-14", f"{y}-06-20", "RO-V1-6M")
        for y in range(2017, 2021)]
    assert [(o["id"], o["start"], o["end"], o["due"], o["obligation"]) for o in year] == [
        (f"{y}VN", f"{y - 1}-12-15", f"{y}-12-14", f"{y}-12-20", "RO-V1-YEAR")
        for y in range(2016, 2021)]
    assert len(six) + len(year) == 9
    assert six[0]["due"] == "2017-06-20" and year[1]["due"] == "2017-12-20"
    assert occurrences(fresh, ids["v1-report-year"], **{"from": "2017-01-01",
                                                        "to": "2017-12-31"}) == [year[1]]
    assert occurrences(fresh, ids["v1-legal-integration"]) == [], "a one-off task has none"


# --- the back-filled history ----------------------------------------------------------------------

class History:
    """A small history of 2017 and 2018, all recorded today (the headline case of issue 18):
    - updates of ii33b-hr-train-officers on 2017-03-10 (in progress, 30 %), 2017-10-05 (70 %)
      and 2018-04-20 (done), and of ii34b-training on 2018-11-02 (in progress, 50 %);
    - a PM1 site in Long Xuyên recorded as piloting from 2018-03-01;
    - DOLISA's 2017VNS1 report received on 2017-06-25 (due 2017-06-20: late).
    """

    def __init__(self, api, ids):
        self.ids = ids
        self.before = moment()
        coordinator = api.as_user("coordinator")
        self.a, self.b = ids["ii33b-hr-train-officers"], ids["ii34b-training"]

        def update(task, **body):
            r = post_update(coordinator, task, body)
            assert r.status_code == 201, r.text
            return r.json()
        self.u1 = update(self.a, occurred_on="2017-03-10", status="in_progress",
                         percent_done=30, note="Tập huấn lớp thứ nhất")
        self.u2 = update(self.a, occurred_on="2017-10-05", percent_done=70)
        self.u3 = update(self.a, occurred_on="2018-04-20", status="done", note="Hoàn thành")
        self.u4 = update(self.b, occurred_on="2018-11-02", status="in_progress",
                         percent_done=50)
        self.site = create_site(coordinator, "PM1", DISTRICT, status="piloting",
                                effective_on="2018-03-01")
        self.report = submitted(coordinator, "RO-V1-6M", period="2017VNS1",
                                submitted_at="2017-06-25T09:00:00+07:00")
        self.after = moment()


@pytest.fixture(scope="module")
def history(fresh, seeded):
    return History(fresh, seeded[1])


def test_back_filled_facts_keep_their_effective_and_record_times(fresh, history):
    h = history
    assert [u["occurred_on"] for u in (h.u1, h.u2, h.u3, h.u4)] == [
        "2017-03-10", "2017-10-05", "2018-04-20", "2018-11-02"]
    assert all(u["late_entry"] for u in (h.u1, h.u2, h.u3, h.u4)), "recorded years late"
    assert all(u["created_at"] >= h.before[:19] for u in (h.u1, h.u2, h.u3, h.u4))
    assert h.u3["percent_done"] == 100, "done means 100 percent"
    task, _ = read(fresh, task_path(h.a))
    assert (task["status"], task["percent_done"]) == ("done", 100)
    assert (h.report["on_time"], h.report["late_entry"], h.report["due"]) == (
        False, True, "2017-06-20")
    [first] = [o for o in occurrences(fresh, h.ids["v1-report-6m"]) if o["id"] == "2017VNS1"]
    assert (first["done"], first["done_on"], first["on_time"], first["overdue"]) == (
        True, "2017-06-25", False, False), "the report marks exactly that occurrence done"
    others = [o for o in occurrences(fresh, h.ids["v1-report-6m"]) if o["id"] != "2017VNS1"]
    assert not any(o["done"] for o in others) and all(o["overdue"] for o in others)


def task_row(rows, task_id):
    [row] = [r for r in rows if r["id"] == task_id]
    return row


def update_row(update):
    return {"id": update["id"], "task": update["task"], "occurred_on": update["occurred_on"],
            "created_at": update["created_at"], "late_entry": True, "occurrence": None,
            "note": update["note"], "percent_done": update["percent_done"],
            "status": update["status"], "agency": LEAD, "author": "coordinator"}


# The state of the two tasks at each period's end, and the update behind it (None: none in P).
EXPECTED = {
    "2017VNS1": {"a": ("in_progress", 30, "u1"), "b": ("not_started", 0, None),
                 "updates": ["u1"], "end": "2017-06-14", "sites": 0,
                 "done": set(), "completeness": (1, 1, 0, 1, 0, 1)},
    "2017VN": {"a": ("in_progress", 70, "u2"), "b": ("not_started", 0, None),
               "updates": ["u1", "u2"], "end": "2017-12-14", "sites": 0,
               "done": {("v1-report-6m", "2017VNS1")}, "completeness": (1, 0, 0, 0, 1, 0)},
    "2018VN": {"a": ("done", 100, "u3"), "b": ("in_progress", 50, "u4"),
               "updates": ["u3", "u4"], "end": "2018-12-14", "sites": 1,
               "done": {("v1-report-6m", "2017VNS1")}, "completeness": (1, 0, 0, 0, 1, 0)},
}


@pytest.mark.parametrize("period", sorted(EXPECTED))
def test_done_when_each_report_shows_exactly_the_back_filled_facts(fresh, history, period):
    h, want = history, EXPECTED[period]
    got = report(fresh, period, as_of=h.after)
    rows = got["task_status"]
    for name, task in (("a", h.a), ("b", h.b)):
        status, percent, update = want[name]
        row = task_row(rows, task)
        u = getattr(h, update) if update else None
        assert (row["status"], row["percent_done"], row["last_update"], row["last_update_on"],
                row["last_update_recorded_at"], row["late_entry"]) == (
            status, percent, u and u["id"], u and u["occurred_on"], u and u["created_at"],
            bool(u)), (period, name)
    untouched = [r for r in rows if r["id"] not in (h.a, h.b)]
    assert {(r["status"], r["last_update"]) for r in untouched} == {("not_started", None)}
    assert got["updates"] == [update_row(getattr(h, u)) for u in want["updates"]]
    assert overdue_rows(got["overdue"]) == overdue_at(want["end"], h.ids, want["done"])
    [dolisa] = [r for r in got["tasks"] if r["agency"] == LEAD]
    led = {h.ids[k] for k, t in seed_tasks().items()
           if any(a["agency"] == LEAD and a["role"] == "lead" for a in t["agencies"])}
    in_progress = sum(s == "in_progress" for s in (want["a"][0], want["b"][0]))
    done = sum(s == "done" for s in (want["a"][0], want["b"][0]))
    assert (dolisa["total"], dolisa["in_progress"], dolisa["done"], dolisa["not_started"],
            dolisa["overdue"]) == (len(led), in_progress, done, len(led) - in_progress - done,
                                   len(led & {r["id"] for r in got["overdue"]}))
    expected_count, submitted_, on_time, late, missing, late_entries = want["completeness"]
    [mine] = [r for r in got["completeness"] if r["agency"] == LEAD]
    assert (mine["expected"], mine["submitted"], mine["on_time"], mine["late"], mine["missing"],
            mine["late_entries"]) == (expected_count, submitted_, on_time, late, missing,
                                      late_entries)
    [pm1] = [r for r in got["pilots"] if r["model_type"] == "PM1"]
    assert (pm1["sites"], pm1["districts"]) == (want["sites"], want["sites"])
    for table in ("task_status", "updates", "overdue", "completeness", "pilots"):
        assert_csv_equals(report_csv(fresh, period, table, as_of=h.after), got[table], table)


@pytest.mark.parametrize("period", sorted(EXPECTED))
def test_done_when_as_of_a_moment_before_the_recording_the_reports_show_none_of_it(
        fresh, history, period):
    h, end = history, EXPECTED[period]["end"]
    got = report(fresh, period, as_of=h.before)
    assert {(r["status"], r["last_update"]) for r in got["task_status"]} == {
        ("not_started", None)}
    assert got["updates"] == []
    assert overdue_rows(got["overdue"]) == overdue_at(end, h.ids)
    [mine] = [r for r in got["completeness"] if r["agency"] == LEAD]
    assert (mine["submitted"], mine["late_entries"]) == (0, 0)
    assert {r["sites"] for r in got["pilots"]} <= {0, None}
    assert report(fresh, period, as_of=h.before) == got, "the same (P, A), the same report"


def test_the_audit_trail_shows_both_times(fresh, history):
    h, auditor = history, fresh.as_user("auditor")
    events, _ = auditor.walk("/v1/audit-events", {"entity_type": "task-updates",
                                                "entity_id": str(h.u1["id"])}, limit=10)
    assert [(e["effective"], e["at"][:10]) for e in events] == [
        ("2017-03-10", h.u1["created_at"][:10])]
    events, _ = auditor.walk("/v1/audit-events", {"entity_type": "submissions",
                                                "entity_id": str(h.report["id"])}, limit=10)
    assert [e["effective"] for e in events] == ["2017-06-25T02:00:00Z"]
    events, _ = auditor.walk("/v1/audit-events", {"entity_type": "pilot-site-statuses"},
                             limit=10)
    assert [e["effective"] for e in events] == ["2018-03-01"]


# --- back-filling: who may, and within what ----------------------------------------------------

@pytest.fixture
def task(coordinator):
    """A one-off task of a plan of the test's own that runs from 2017 to the end of next year,
    led by DOLISA and coordinated by the Department of Health."""
    plan = create_plan(coordinator, period_start="2017-01-01",
                       period_end=f"{today().year + 1}-12-31")
    return create_task(coordinator, plan["id"], start_date="2017-03-01",
                       agencies=[agency(LEAD), agency("SYT", "coordinate")])


@pytest.mark.parametrize("occurred_on, code", [(lambda: day(1), "in_future"),
                                               (lambda: "2017-02-28", "before_start")],
                         ids=["tomorrow-in_future", "2017-02-28-before_start"])
def test_an_update_is_dated_within_the_tasks_life_and_not_after_today(coordinator, task,
                                                                      occurred_on, code):
    """The date is taken as the test runs, not as it is collected: the province's midnight
    (17:00 UTC) may fall between the two."""
    r = post_update(coordinator, task["id"], {"note": "x", "occurred_on": occurred_on()})
    assert_field_error(r, 422, "validation_failed", "occurred_on", code)


def test_an_update_dated_before_a_later_one_changes_the_past_not_today(api, coordinator, task):
    for body in ({"occurred_on": "2018-05-01", "status": "in_progress", "percent_done": 60},
                 {"occurred_on": "2017-05-01", "status": "in_progress", "percent_done": 20}):
        r = post_update(coordinator, task["id"], body)
        assert r.status_code == 201, r.text
    late = r.json()
    assert (late["previous_status"], late["previous_percent_done"]) == ("not_started", 0), \
        "the state the task had on the day the update occurred"
    got, _ = read(api, task_path(task["id"]))
    assert (got["status"], got["percent_done"]) == ("in_progress", 60)


def test_a_back_dated_update_may_not_leave_the_task_done_below_100(coordinator, task):
    r = post_update(coordinator, task["id"], {"occurred_on": "2018-05-01", "percent_done": 60})
    assert r.status_code == 201, r.text
    r = post_update(coordinator, task["id"], {"occurred_on": "2017-05-01", "status": "done"})
    assert_field_error(r, 422, "validation_failed", "occurred_on", "inconsistent")


def test_a_patch_of_the_status_records_an_update_dated_occurred_on(api, coordinator, task):
    r = patch(coordinator, task_path(task["id"]), {"status": "in_progress", "percent_done": 40,
                                                   "occurred_on": "2018-02-01"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["percent_done"]) == ("in_progress", 40)
    [u] = api.walk(task_path(task["id"], "updates"), {}, limit=10)[0]
    assert (u["occurred_on"], u["status"], u["percent_done"], u["note"]) == (
        "2018-02-01", "in_progress", 40, None)
    r = patch(coordinator, task_path(task["id"]), {"occurred_on": "2018-03-01"})
    assert_field_error(r, 422, "validation_failed", "occurred_on", "without_change")


def test_an_occurrence_is_reported_done_by_those_who_set_the_status(api, coordinator):
    plan = create_plan(coordinator, period_start="2017-01-01", period_end="2018-12-31")
    duty = create_task(coordinator, plan["id"], recurrence="yearly", start_date="2017-01-01",
                       due_date="2018-12-31",
                       agencies=[agency(LEAD), agency("SYT", "coordinate")])
    assert [(o["id"], o["due"], o["overdue"]) for o in occurrences(api, duty["id"])] == [
        ("2017", "2018-01-06", True), ("2018", "2019-01-06", True)]
    assert read(api, task_path(duty["id"]))[0]["overdue"] is True
    r = post_update(api.as_user("health.officer"), duty["id"],
                    {"occurrence": "2017", "occurred_on": "2018-01-05"})
    assert_field_error(r, 403, "forbidden", "occurrence", "forbidden")
    for name, on, code in (("2016", "2018-01-05", "unknown"), ("2018", "2017-12-31",
                                                               "before_occurrence")):
        r = post_update(coordinator, duty["id"], {"occurrence": name, "occurred_on": on})
        assert_field_error(r, 422, "validation_failed",
                           "occurrence" if code == "unknown" else "occurred_on", code)
    r = post_update(coordinator, duty["id"], {"occurrence": "2017", "occurred_on": "2018-01-05"})
    assert r.status_code == 201, r.text
    assert r.json()["occurrence"] == "2017"
    first, second = occurrences(api, duty["id"])
    assert (first["done"], first["done_on"], first["on_time"], first["overdue"]) == (
        True, "2018-01-05", True, False)
    assert (second["done"], second["overdue"]) == (False, True)
    assert read(api, task_path(duty["id"]))[0]["overdue"] is True, "2018 is still not done"
    assert set(first) == OCCURRENCE_KEYS


def test_the_recipient_records_a_report_received_in_the_past_the_reporter_only_now(
        api, coordinator, make_user):
    duty = create_obligation(coordinator, ["SYT"], recipient="STP")
    clerk = make_user(agency="STP", role="officer")["username"]
    recipient = api.as_user(clerk)
    reporter = api.as_user("health.officer")
    past = "2019-06-18T10:00:00+07:00"
    r = submit(reporter, duty["code"], period="2019VNS1", submitted_at=past)
    assert_field_error(r, 403, "forbidden", "submitted_at", "forbidden")
    for at, code in (("2030-01-01T00:00:00Z", "in_future"),
                     ("2018-12-01T00:00:00Z", "before_start")):
        r = submit(recipient, duty["code"], agency="SYT", period="2019VNS1", submitted_at=at)
        assert_field_error(r, 422, "validation_failed", "submitted_at", code)
    got = submitted(recipient, duty["code"], agency="SYT", period="2019VNS1", submitted_at=past)
    assert (got["on_time"], got["late_entry"], got["submitted_by"]) == (
        True, True, clerk), "on time for the recipient, recorded late in planmon"
    r = submit(api.as_user("longxuyen.officer"), duty["code"], agency="SYT", period="2019VNS2")
    assert_problem(r, 403, "forbidden")


def test_a_measurement_written_after_its_period_was_due_is_a_late_entry(coordinator):
    """A measurement's effective time is its period; written after the period's due date (the
    day after its end plus REPORT_DUE_DAYS) it is a late entry, and so is a value changed then;
    the import marks its rows the same way."""
    code = create_indicator(coordinator, period_type="yearly", value_type="count",
                            rollup="sum")["code"]
    back = enter(coordinator, code, "30285", "2017", 3)
    now = enter(coordinator, code, "30285", str(today().year), 1)
    assert (back["late_entry"], now["late_entry"]) == (True, False)
    r = patch(coordinator, measurement_path(now["id"]), {"value": 2})
    assert r.status_code == 200 and r.json()["late_entry"] is False, r.text
    summary_ = import_json(coordinator, [row(code, "30286", "2018", 5)])
    assert summary_.status_code == 200, summary_.text
    [imported] = all_measurements(coordinator, indicator=code, unit="30286")
    assert imported["late_entry"] is True

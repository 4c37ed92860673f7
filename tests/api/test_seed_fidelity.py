"""The seed's fidelity to Decision 1994/QĐ-UBND (issue 17), asserted through the API on a database
that was just migrated and seeded and that nothing else has written (fresh_planmon): who reports
what and when, which lead is right, and that what the seed inferred shows as inferred. The basis
of each point is the decision's own text, quoted in the test.
"""

import pytest

from reporting import completeness

# The reports the decision sets, in force from its signature (15/07/2016, Điều 3: "có hiệu lực
# thi hành kể từ ngày ký") to the plan's end (II.2.3 "Từ năm 2016 đến hết năm 2020"); V.1:
# "Định kỳ 6 tháng, hàng năm tổng hợp báo cáo Chủ tịch Ủy ban nhân dân tỉnh": the mid-year and
# the annual report.
EXPECTED_OF_DOLISA = {
    "2015VNS2": 0, "2016VNS1": 0, "2016VNS2": 0, "2016VN": 1,
    "2017VNS1": 1, "2017VNS2": 0, "2017VN": 1, "2018VNS1": 1, "2018VN": 1,
    "2019VNS1": 1, "2019VN": 1, "2020VNS1": 1, "2020VNS2": 0, "2020VN": 1,
    "2021VNS1": 0, "2021VN": 0,
}


@pytest.fixture(scope="module")
def fresh(fresh_planmon):
    return fresh_planmon.api


def expected_by_agency(client, period):
    return {row["agency"]: row["expected"] for row in completeness(client, period)}


@pytest.mark.parametrize("period", sorted(EXPECTED_OF_DOLISA))
def test_completeness_expects_exactly_the_reports_the_decision_sets(fresh, period):
    """Only DOLISA owes periodic reports (V.1); the V.12 district plans and the V.14 statistics
    are duties without a recipient or a frequency, and the III.2 council reports have no period.
    No period is expected whose end falls outside the obligations' window."""
    want = {"SLDTBXH": EXPECTED_OF_DOLISA[period]} if EXPECTED_OF_DOLISA[period] else {}
    assert expected_by_agency(fresh, period) == want


@pytest.mark.parametrize("year", range(2015, 2022))
def test_no_calendar_yearly_report_is_expected(fresh, year):
    assert expected_by_agency(fresh, str(year)) == {}


def test_the_dolisa_mid_year_target_names_the_periods_in_force(fresh):
    """DOLISA-REPORT-6M counts the on-time mid-year reports: a target for each of 2017VNS1 to
    2020VNS1, none for 2016VNS1 (it ends before the signature) nor for a second half."""
    targets, _ = fresh.walk("/v1/indicators/DOLISA-REPORT-6M/targets", limit=100)
    assert sorted(t["period"] for t in targets) == ["2017VNS1", "2018VNS1", "2019VNS1",
                                                   "2020VNS1"]
    assert all(t["applies_from"] is None and t["applies_to"] is None for t in targets)

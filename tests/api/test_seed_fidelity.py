"""The seed's fidelity to Decision 1994/QĐ-UBND (issue 17), asserted through the API on a database
that was just migrated and seeded and that nothing else has written (fresh_planmon): who reports
what and when, which lead is right, and that what the seed inferred shows as inferred. The basis
of each point is the decision's own text, quoted in the test.
"""

import re

import pytest

from indicators import analytics
from plans import seed_plan_file
from reporting import completeness
from settings import SEED_PLAN_PATH


def readme_inferences():
    """The `where` column of the table under "## Every inference" in the seed's README."""
    readme = SEED_PLAN_PATH.parent / "README-plan-1994.md"
    text = readme.read_text(encoding="utf-8").split("## Every inference", 1)[1]
    text = text.split("\n## ", 1)[0]
    out = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and not set(cells[0]) <= set("-: ") \
                and cells[0] != "where":
            out.add(cells[0].strip("`"))
    return out

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


# --- leads, by one rule (db/seed/README-plan-1994.md) -------------------------------------------

def seeded_tasks(client):
    """{key: task} of the seeded plan."""
    items, _ = client.walk("/v1/tasks", {}, limit=500)
    return {t["key"]: t for t in items}


def roles(task):
    """{agency: role} of a task."""
    return {a["agency"]: a["role"] for a in task["agencies"]}


def test_v9_has_the_finance_department_check_the_spending_with_dolisa(fresh):
    """V.9, Sở Tài chính's own item: "… phối hợp với Sở Lao động - Thương binh và Xã hội và các
    đơn vị có liên quan hướng dẫn thực hiện và kiểm tra việc quản lý, sử dụng kinh phí": the body
    the item assigns leads its duty; the one it works with coordinates."""
    task = seeded_tasks(fresh)["v9-finance-guidance"]
    assert roles(task) == {"STC": "lead", "SLDTBXH": "coordinate"}


def test_v8_is_the_planning_departments_alone(fresh):
    """V.8, Sở Kế hoạch và Đầu tư's item: "Phối hợp với các cơ quan chức năng …" names no other
    body; no district committee is invented as its lead."""
    task = seeded_tasks(fresh)["v8-planning-investment"]
    assert roles(task) == {"SKHDT": "lead"}
    [v8] = [s for s in fresh.walk("/v1/plans/1/sections", {}, limit=500)[0]
            if s["code"] == "V.8"]
    assert [(a["agency"], a["role"]) for a in v8["addressees"]] == [("SKHDT", "lead")]


def inferred_facts(client):
    """Every fact the API shows as inferred, with its note: (where, note)."""
    out = []
    for key, task in seeded_tasks(client).items():
        out += [(f"tasks[{key}].agencies[{a['agency']}]", a["note"])
                for a in task["agencies"] if a["source"] == "inferred"]
    for section in client.walk("/v1/plans/1/sections", {}, limit=500)[0]:
        out += [(f"sections[{section['code']}].addressees[{a['agency']}]", a["note"])
                for a in section["addressees"] if a["source"] == "inferred"]
    for t in client.walk("/v1/pilot-model-types", {}, limit=100)[0]:
        if t["lead_agency_source"] == "inferred":
            out.append((f"pilot_model_types[{t['code']}].lead_agency", t["lead_agency_note"]))
    for o in client.walk("/v1/reporting-obligations", {}, limit=100)[0]:
        for what in ("recipient", "frequency"):
            if o[f"{what}_source"] == "inferred":
                out.append((f"reporting_obligations[{o['code']}].{what}", o[f"{what}_note"]))
    for i in client.walk("/v1/indicators", {}, limit=100)[0]:
        if i["source"] == "inferred":
            out.append((f"indicators[{i['code']}]", i["note"]))
    return out


def test_every_inferred_fact_says_so_with_its_basis(fresh):
    facts = inferred_facts(fresh)
    assert facts, "the seed infers some facts and shows them"
    assert [where for where, note in facts if not (note and note.strip())] == []


def test_the_inferences_the_api_shows_are_those_the_seed_readme_lists(fresh):
    """db/seed/README-plan-1994.md lists every inference (tests/checks checks the file against
    the JSON); the database holds each, with its source, through the loader."""
    listed = readme_inferences()
    shown = {where for where, _ in inferred_facts(fresh)}
    groups = {g["code"]: g["members"] for g in seed_plan_file()["agency_groups"]
              if g["members"]}
    expanded = set()
    for where in listed:
        m = re.match(r"^(tasks|sections)\[(.+?)\]\.(agencies|addressees)\[(.+?)\]$", where)
        if m and m.group(4) in groups:
            expanded |= {f"{m.group(1)}[{m.group(2)}].{m.group(3)}[{code}]"
                         for code in groups[m.group(4)]}
        else:
            expanded.add(where)
    assert shown == expanded


def test_tasks_are_listed_by_whether_they_hold_an_inference(fresh):
    tasks = seeded_tasks(fresh)

    def inferred(t):
        return (any(a["source"] == "inferred" for a in t["agencies"])
                or t["due_basis"] == "plan_end")
    for source, want in (("inferred", True), ("text", False)):
        items, _ = fresh.walk("/v1/tasks", {"source": source}, limit=500)
        assert sorted(t["key"] for t in items) == sorted(
            k for k, t in tasks.items() if inferred(t) is want), source
        assert items, f"some tasks are {source}"


# --- targets that apply where the text says ------------------------------------------------------

def test_the_district_media_target_applies_to_each_district(fresh):
    """II.3.1.a: "… của tỉnh và huyện, thị, thành phố ít nhất một tháng một lần": each district
    has its own target."""
    for district in ("883", "894"):
        [item] = analytics(fresh, "MEDIA-MONTHLY-DIST", "2017", unit=district)
        assert item["target"] is not None and item["target"]["scope_unit"] == district, item


@pytest.mark.parametrize("period", ["2016", "2017", "2020"])
def test_the_undated_target_is_never_missed_or_achieved(fresh, period):
    """II.3.3.a: "50% huyện, thị, thành phố triển khai …" has no year."""
    [item] = analytics(fresh, "DISTRICT-HARM-REDUCTION-GBV", period)
    assert item["attainment"] == "undated" and item["target"]["value"] == 50


# --- what the decision names that the seed now holds ---------------------------------------------

def test_the_bodies_the_decision_names_have_codes(fresh):
    agencies = {a["code"]: a for a in fresh.walk("/v1/agencies", {}, limit=500)[0]}
    for code, kind in (("HDND-883", "people_council"), ("VKSND-883", "procuracy"),
                       ("TAND-894", "court"), ("DKTLN-89", "inspection_team"),
                       ("DKTLN-883", "inspection_team"), ("TTCTXH-89", "social_work_centre")):
        assert agencies[code]["kind"] == kind, code
    assert sum(a["kind"] == "inspection_team" for a in agencies.values()) == 1 + 11 + 156


def test_the_tasks_name_those_bodies(fresh):
    named = {a["agency"] for t in seeded_tasks(fresh).values() for a in t["agencies"]}
    assert {"HDND-883", "VKSND-883", "TAND-883", "DKTLN-89", "TTCTXH-89"} <= named


def test_the_decision_and_the_submission_it_answers_are_documents(fresh):
    numbers = {d["number"] for d in fresh.walk("/v1/documents", {}, limit=500)[0]}
    assert {"1994/QĐ-UBND", "1432/TTr-SLĐTBXH"} <= numbers


# --- labels in reports -------------------------------------------------------------------------

def test_a_reports_agency_row_names_every_section_it_leads_in(fresh):
    """The district committees lead in II.3.2 and V.12 (and III.2): their row names them all,
    in the plan's order, not V.8."""
    rows = {r["agency"]: r for r in fresh.json("/v1/reports/2017VN")["tasks"]}
    order = [s["code"] for s in fresh.walk("/v1/plans/1/sections", {}, limit=500)[0]]
    tasks = seeded_tasks(fresh)
    led = sorted({t["section"] for t in tasks.values()
                  if roles(t).get("UBND-883") == "lead" and t["section"]}, key=order.index)
    assert rows["UBND-883"]["section"] == "; ".join(led)
    assert "V.12" in led and "V.8" not in led

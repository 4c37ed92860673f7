"""Agencies: every body the decision names, and a People's Committee for each unit."""

import pytest

from checks import (DECISION_AGENCIES, IF_NONE_MATCH_FORMS, assert_distinct_etags, assert_problem,
                    check_etag, check_not_modified, seed_units)
from client import fold

SEED = seed_units()


@pytest.fixture(scope="module")
def agencies(seeded_api):
    """Every agency of a database that holds the seed alone."""
    items, _ = seeded_api.walk("/v1/agencies", limit=500)
    return {a["code"]: a for a in items}


@pytest.mark.parametrize("code", sorted(DECISION_AGENCIES))
def test_every_body_the_decision_names_exists_with_its_kind(agencies, code):
    kind, name_part = DECISION_AGENCIES[code]
    assert code in agencies, f"{code} is missing"
    agency = agencies[code]
    assert agency["kind"] == kind
    assert name_part in fold(agency["name"]), agency
    assert agency["name_en"], agency


# The bodies the decision ties to a unit (issue 17): each unit's People's Committee, the district
# People's Councils, procuracies and courts (V.14), the inspection teams of every level (III.2)
# and the province's social work centre (II.3.3.b(1)); their codes show the tie.
UNIT_BODIES = {"people_committee": ("UBND", (1, 2, 3)), "people_council": ("HDND", (2,)),
               "procuracy": ("VKSND", (2,)), "court": ("TAND", (2,)),
               "inspection_team": ("DKTLN", (1, 2, 3)), "social_work_centre": ("TTCTXH", (1,))}


def test_the_bodies_tied_to_a_unit_are_the_decisions(agencies):
    tied = {code: a for code, a in agencies.items() if a["unit"] is not None}
    expected = {f"{prefix}-{unit}": kind for kind, (prefix, levels) in UNIT_BODIES.items()
                for unit, u in SEED.items() if u["level"] in levels}
    assert {code: a["kind"] for code, a in tied.items()} == expected
    assert all(a["unit"] == code.split("-", 1)[1] for code, a in tied.items())
    assert agencies["HDND-883"]["name"] == "Hội đồng nhân dân thành phố Long Xuyên"
    assert agencies["TTCTXH-89"]["name"] == "Trung tâm Công tác xã hội tỉnh An Giang"
    for code in ("VKSND", "TAND"):  # the province's own are not tied to a unit
        assert agencies[code]["unit"] is None


def test_only_the_bodies_of_a_unit_have_one(agencies):
    for agency in agencies.values():
        if agency["kind"] in ("people_committee", "people_council", "inspection_team"):
            assert agency["unit"] is not None, agency
        elif agency["kind"] not in ("procuracy", "court", "social_work_centre"):
            assert agency["unit"] is None, agency


def test_a_peoples_committee_for_the_province_and_every_district_and_commune(agencies):
    committees = {a["code"]: a for a in agencies.values() if a["kind"] == "people_committee"}
    assert len(committees) == 1 + 11 + 156
    assert set(committees) == {f"UBND-{code}" for code in SEED}
    for code, unit in SEED.items():
        agency = committees[f"UBND-{code}"]
        assert agency["unit"] == code
        # "Ủy ban nhân dân Phường Mỹ Bình": the committee's name names its unit
        assert fold(unit["bare_name"]) in fold(agency["name"]), (agency, unit["name"])


def test_list_is_ordered_by_code(agencies):
    codes = list(agencies)
    assert codes == sorted(codes)


@pytest.mark.parametrize("kind", sorted({k for k, _ in DECISION_AGENCIES.values()}))
def test_kind_filter(seeded_api, agencies, kind):
    items, _ = seeded_api.walk("/v1/agencies", {"kind": kind}, limit=500)
    assert [a["code"] for a in items] == sorted(c for c, a in agencies.items() if a["kind"] == kind)
    expected = {c for c, (k, _) in DECISION_AGENCIES.items() if k == kind}
    assert expected <= {a["code"] for a in items}


def test_kind_people_committee_has_168(seeded_api):
    items, _ = seeded_api.walk("/v1/agencies", {"kind": "people_committee"}, limit=500)
    assert len(items) == 168


@pytest.mark.parametrize("unit", ["89", "883", "30280", "30685"])
def test_unit_filter_gives_the_bodies_of_exactly_that_unit(seeded_api, unit):
    body = seeded_api.json("/v1/agencies", params={"unit": unit})
    level = SEED[unit]["level"]
    assert [a["code"] for a in body["items"]] == sorted(
        f"{prefix}-{unit}" for prefix, levels in UNIT_BODIES.values() if level in levels)
    assert body["next_cursor"] is None
    committee = seeded_api.json("/v1/agencies", params={"unit": unit, "kind": "people_committee"})
    assert [a["code"] for a in committee["items"]] == [f"UBND-{unit}"]


def test_unit_and_kind_combine(api):
    assert api.json("/v1/agencies", params={"unit": "883", "kind": "department"})["items"] == []
    items = api.json("/v1/agencies", params={"unit": "883", "kind": "people_committee"})["items"]
    assert [a["code"] for a in items] == ["UBND-883"]


def test_unit_filter_of_a_unit_without_agency_is_empty(api):
    assert api.json("/v1/agencies", params={"unit": "99999"}) == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("code", ["SLDTBXH", "UBND-89", "UBND-883", "UBND-30280", "KANDAL"])
def test_single_agency_equals_its_list_entry(api, agencies, code):
    assert api.json(f"/v1/agencies/{code}") == agencies[code]


def test_lead_agency(api):
    agency = api.json("/v1/agencies/SLDTBXH")
    assert agency == {"code": "SLDTBXH", "name": "Sở Lao động - Thương binh và Xã hội",
                      "name_en": "Department of Labour, Invalids and Social Affairs",
                      "kind": "department", "unit": None, "valid_from": None, "valid_to": None,
                      "short_name": "SLĐTBXH", "parent": "UBND-89", "version": agency["version"]}


def test_single_agency_has_an_etag(api):
    check_etag(api, "/v1/agencies/SLDTBXH")


@pytest.mark.parametrize("form", IF_NONE_MATCH_FORMS)
def test_if_none_match_gives_304(api, form):
    check_not_modified(api, "/v1/agencies/UBND-883", form)


def test_etags_differ_between_agencies(api):
    assert_distinct_etags(api, [f"/v1/agencies/{c}" for c in ("SLDTBXH", "CAT", "UBND-89")])


@pytest.mark.parametrize("code", ["NOPE", "UBND-885", "UBND-99999", "sldtbxh", "UBND"])
def test_unknown_agency_is_404(api, code):
    assert_problem(api.get(f"/v1/agencies/{code}"), 404, "not_found")


# The abbreviations and parents the seed gives by its rule R6 (db/seed/README-plan-1994.md), for
# the head and the symbol of the documents an agency issues (issue 20).
@pytest.mark.parametrize("code,short_name,parent", [
    ("SLDTBXH", "SLĐTBXH", "UBND-89"), ("SKHDT", "SKHĐT", "UBND-89"), ("SYT", "SYT", "UBND-89"),
    ("VPUBND", "VPUBND", "UBND-89"), ("BDBP", "BĐBP", None), ("DPTTH", "ĐPTTH", None),
    ("LDLD", "LĐLĐ", None), ("TINHDOAN", None, None), ("KANDAL", None, None),
    ("UBND-89", "UBND", None), ("UBND-883", "UBND", None), ("HDND-883", "HĐND", None),
    ("DKTLN-883", "ĐKTLN", None), ("TTCTXH-89", "TTCTXH", None),
])
def test_the_seed_gives_abbreviations_and_parents_by_its_rule(agencies, code, short_name, parent):
    assert (agencies[code]["short_name"], agencies[code]["parent"]) == (short_name, parent)


def test_only_the_provinces_departments_and_office_have_a_parent(agencies):
    with_parent = {code for code, a in agencies.items() if a["parent"]}
    assert with_parent == {code for code, a in agencies.items()
                           if a["kind"] in ("department", "office")}

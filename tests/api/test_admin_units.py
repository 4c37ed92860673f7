"""Administrative units: province 89, its 11 district-level units and 156 communes (GSO list)."""

import pytest

from checks import (IF_NONE_MATCH_FORMS, assert_distinct_etags, assert_problem, check_etag,
                    check_not_modified, nfc, seed_units)

SEED = seed_units()
DISTRICTS = sorted(c for c, u in SEED.items() if u["level"] == 2)


@pytest.fixture(scope="module")
def all_units(seeded_api):
    """Every unit of a database that holds the seed alone."""
    items, _ = seeded_api.walk("/v1/admin-units", limit=500)
    return items


def test_the_seed_file_has_the_decisions_units():
    assert len(DISTRICTS) == 11
    assert DISTRICTS == ["883", "884"] + [str(c) for c in range(886, 895)]
    assert sum(1 for u in SEED.values() if u["level"] == 3) == 156


def test_level_2_lists_the_11_district_level_units(seeded_api):
    body = seeded_api.json("/v1/admin-units", params={"level": 2})
    assert [u["code"] for u in body["items"]] == DISTRICTS
    assert body["next_cursor"] is None
    assert all(u["level"] == 2 and u["parent"] == "89" for u in body["items"])


def test_province_89_counts_its_districts_and_communes(seeded_api):
    unit = seeded_api.json("/v1/admin-units/89")
    assert unit == {"code": "89", "name": "Tỉnh An Giang", "type": "tinh", "level": 1,
                    "parent": None, "path": ["89"], "valid_from": unit["valid_from"],
                    "valid_to": None, "counts": {"district": 11, "commune": 156},
                    "current_since": None, "former": [], "version": unit["version"]}


def test_each_district_counts_its_communes_and_they_sum_to_156(seeded_api):
    total = 0
    for code in DISTRICTS:
        unit = seeded_api.json(f"/v1/admin-units/{code}")
        expected = sum(1 for u in SEED.values() if u["parent"] == code)
        assert unit["counts"] == {"district": 0, "commune": expected}, code
        total += unit["counts"]["commune"]
    assert total == 156


def test_every_unit_matches_the_official_list(all_units):
    assert len(all_units) == 1 + 11 + 156
    got = {u["code"]: u for u in all_units}
    assert set(got) == set(SEED)
    for code, expected in SEED.items():
        unit = got[code]
        assert nfc(unit["name"]) == nfc(expected["name"]), code
        for field in ("type", "level", "parent", "path"):  # bare_name is ours, not the API's
            assert unit[field] == expected[field], (code, field, unit[field], expected[field])


def test_communes_have_no_units_below(all_units):
    for unit in all_units:
        if unit["level"] == 3:
            assert unit["counts"] == {"district": 0, "commune": 0}, unit


def test_types_by_level(all_units):
    by_level = {}
    for unit in all_units:
        by_level.setdefault(unit["level"], {}).setdefault(unit["type"], 0)
        by_level[unit["level"]][unit["type"]] += 1
    assert by_level == {1: {"tinh": 1},
                        2: {"thanh_pho": 2, "thi_xa": 1, "huyen": 8},
                        3: {"phuong": 21, "thi_tran": 16, "xa": 119}}


def test_units_are_valid_for_the_whole_plan_period(all_units):
    for unit in all_units:
        assert unit["valid_from"] <= "2016-01-01", unit
        assert unit["valid_to"] is None, unit


def test_list_is_ordered_by_level_then_code(all_units):
    keys = [(u["level"], u["code"]) for u in all_units]
    assert keys == sorted(keys)


@pytest.mark.parametrize("level,count", [(1, 1), (2, 11), (3, 156)])
def test_level_filter(seeded_api, level, count):
    items, _ = seeded_api.walk("/v1/admin-units", {"level": level}, limit=500)
    assert len(items) == count
    assert {u["level"] for u in items} == {level}


@pytest.mark.parametrize("parent", ["89", "883", "893", "894"])
def test_parent_filter_lists_direct_children(seeded_api, parent):
    items, _ = seeded_api.walk("/v1/admin-units", {"parent": parent}, limit=500)
    expected = sorted(c for c, u in SEED.items() if u["parent"] == parent)
    assert [u["code"] for u in items] == expected
    assert all(u["parent"] == parent for u in items)


def test_parent_filter_of_a_commune_is_empty(api):
    body = api.json("/v1/admin-units", params={"parent": "30285"})
    assert body == {"items": [], "next_cursor": None}


def test_level_and_parent_combine(api):
    assert api.json("/v1/admin-units", params={"parent": "89", "level": 3})["items"] == []
    items = api.json("/v1/admin-units", params={"parent": "884", "level": 3})["items"]
    assert len(items) == 7


def test_single_unit_equals_its_list_entry(seeded_api, all_units):
    listed = {u["code"]: u for u in all_units}
    for code in ("89", "883", "30285", "30415"):
        assert seeded_api.json(f"/v1/admin-units/{code}") == listed[code]


def test_commune_path_runs_from_the_province(api):
    unit = api.json("/v1/admin-units/30285")
    assert unit["name"] == "Phường Đông Xuyên"
    assert unit["type"] == "phuong" and unit["level"] == 3
    assert unit["parent"] == "883" and unit["path"] == ["89", "883", "30285"]


def test_single_unit_has_an_etag(api):
    check_etag(api, "/v1/admin-units/883")


@pytest.mark.parametrize("form", IF_NONE_MATCH_FORMS)
def test_if_none_match_gives_304(api, form):
    check_not_modified(api, "/v1/admin-units/883", form)


def test_etags_differ_between_units(api):
    assert_distinct_etags(api, [f"/v1/admin-units/{c}" for c in ("89", "883", "30285")])


@pytest.mark.parametrize("code", ["99999", "885", "0", "30285x", "abc"])
def test_unknown_unit_is_404(api, code):
    assert_problem(api.get(f"/v1/admin-units/{code}"), 404, "not_found")


def test_path_below_a_unit_is_404(api):
    assert_problem(api.get("/v1/admin-units/89/extra"), 404, "not_found")

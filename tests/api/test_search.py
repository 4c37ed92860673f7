"""`?q=` search: ignores case, Vietnamese diacritics, tone-mark placement and đ/d; uses an index."""

import unicodedata

import pytest
from psycopg import sql

from checks import codes
from client import fold


def unit_search(api, q, **params):
    items, _ = api.walk("/v1/admin-units", {"q": q, **params}, limit=500)
    return items


def agency_search(api, q, **params):
    items, _ = api.walk("/v1/agencies", {"q": q, **params}, limit=500)
    return items


def assert_every_word_matches(items, q, fields=("name",)):
    for item in items:
        text = " ".join(fold(item[f] or "") for f in fields)
        missing = [w for w in fold(q).split() if w not in text]
        assert not missing, f"{item['code']} {item['name']!r} does not contain {missing} of {q!r}"


@pytest.mark.parametrize("q", ["dong xuyen", "Đông Xuyên", "ĐÔNG XUYÊN", "đông xuyên", "DONG XUYEN"])
def test_dong_xuyen_finds_phuong_dong_xuyen(api, q):
    items = unit_search(api, q)
    assert "30285" in codes(items), codes(items)
    assert_every_word_matches(items, q)


@pytest.mark.parametrize("q", ["long hoa", "Long Hòa", "Long Hoà", "LONG HOÀ"])
def test_long_hoa_in_any_spelling_finds_xa_long_hoa(api, q):
    items = unit_search(api, q)
    assert "30415" in codes(items), codes(items)
    assert_every_word_matches(items, q)


def test_long_hoa_spellings_give_the_same_answer(api):
    answers = {q: codes(unit_search(api, q)) for q in ("long hoa", "Long Hòa", "Long Hoà")}
    assert len({tuple(a) for a in answers.values()}) == 1, answers


@pytest.mark.parametrize("q", ["my hoa", "Mỹ Hòa", "Mỹ Hoà"])
def test_my_hoa_finds_phuong_my_hoa_and_xa_my_hoa_hung(api, q):
    found = codes(unit_search(api, q))
    assert {"30307", "30313"} <= set(found), found


def test_decomposed_input_matches_composed_names(api):
    q = unicodedata.normalize("NFD", "Mỹ Hòa")
    assert {"30307", "30313"} <= set(codes(unit_search(api, q)))


@pytest.mark.parametrize("q", ["binh duc", "Bình Đức", "bình đức"])
def test_d_with_stroke_folds_to_d(api, q):
    assert "30289" in codes(unit_search(api, q))  # Phường Bình Đức


def test_plus_in_the_query_string_is_a_space(api):
    r = api.get("/v1/admin-units?q=dong+xuyen")
    assert r.status_code == 200
    assert "30285" in codes(r.json()["items"])


def test_search_combines_with_level_and_parent(api):
    items = unit_search(api, "long", level=2)
    assert "883" in codes(items) and {u["level"] for u in items} == {2}
    items = unit_search(api, "my", parent="883")
    assert {u["parent"] for u in items} == {"883"}
    assert {"30280", "30283", "30286"} <= set(codes(items))


def test_no_match_is_an_empty_list(api):
    assert api.json("/v1/admin-units", params={"q": "zzqqxx"}) == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("q", ["%", "_", "%%", "\\", "'", "*"])
def test_pattern_characters_are_literal(api, q):
    """A `%` or `_` in q is text to find, not a LIKE wildcard matching every unit."""
    assert api.json("/v1/admin-units", params={"q": q})["items"] == []


@pytest.mark.parametrize("q", ["lao dong", "Lao Động", "LAO ĐỘNG"])
def test_agency_search_lao_dong_finds_the_lead_agency(api, q):
    assert "SLDTBXH" in codes(agency_search(api, q))


def test_agency_search(api):
    assert "KANDAL" in codes(agency_search(api, "kandal"))
    assert "UBND-883" in codes(agency_search(api, "ủy ban nhân dân thành phố long xuyên"))
    items = agency_search(api, "uy ban", kind="people_committee")
    assert len(items) == 168 and {a["kind"] for a in items} == {"people_committee"}


def plan_with_seqscan_off(db, table, q):
    """EXPLAIN of the search predicate on `table` (a constant name) with seq scans disabled."""
    with db.transaction():
        db.execute("SET LOCAL enable_seqscan = off")
        rows = db.execute(sql.SQL("EXPLAIN SELECT code FROM {} WHERE search_text LIKE "
                                  "'%' || planmon_fold({}) || '%'").format(
                                      sql.Identifier(table), sql.Literal(q)))
        return "\n".join(r[0] for r in rows)


def test_admin_unit_search_uses_an_index(db):
    plan = plan_with_seqscan_off(db, "admin_unit", "dong xuyen")
    assert "Seq Scan" not in plan, plan
    assert "Index" in plan and "admin_unit_" in plan, plan


def test_agency_search_uses_an_index(db):
    plan = plan_with_seqscan_off(db, "agency", "lao dong")
    assert "Seq Scan" not in plan, plan
    assert "Index" in plan and "agency_" in plan, plan


def test_the_fold_function_folds_vietnamese(db):
    row = db.execute("SELECT planmon_fold('Đông Xuyên'), planmon_fold('đ'), planmon_fold('Hoà'),"
                     " planmon_fold('Hòa'), planmon_fold(normalize('Mỹ Hòa', NFD))").fetchone()
    assert row == ("dong xuyen", "d", "hoa", "hoa", "my hoa")

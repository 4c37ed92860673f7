"""Cursor pagination: every list walks to its end with no duplicate and no gap, at any limit."""

import base64

import pytest

from checks import assert_problem

LISTS = [
    ("/v1/admin-units", {}),
    ("/v1/admin-units", {"level": 3}),
    ("/v1/admin-units", {"parent": "893"}),
    ("/v1/admin-units", {"q": "hoa"}),
    ("/v1/agencies", {}),
    ("/v1/agencies", {"kind": "people_committee"}),
    ("/v1/agencies", {"q": "uy ban"}),
]
LIST_IDS = [f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}" for path, params in LISTS]
LIMITS = [1, 7, 50, 499]


def key(item):
    return item["code"]


@pytest.fixture(scope="module")
def full_lists(api):
    """Each list in one page of 500 (every list here is shorter)."""
    out = {}
    for path, params in LISTS:
        body = api.json(path, params={**params, "limit": 500})
        assert body["next_cursor"] is None, f"{path} {params} has more than 500 items"
        out[(path, tuple(sorted(params.items())))] = body["items"]
    return out


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("path,params", LISTS, ids=LIST_IDS)
def test_walk_to_the_end_without_duplicates_or_gaps(api, full_lists, path, params, limit):
    via = "link" if limit == 7 else "cursor"
    items, pages = api.walk(path, params, limit=limit, via=via)
    codes = [key(i) for i in items]
    assert len(codes) == len(set(codes)), "an item appears on two pages"
    assert items == full_lists[(path, tuple(sorted(params.items())))], "pages differ from one page"
    assert pages >= -(-len(items) // limit)


def test_lists_are_not_trivially_short(full_lists):
    sizes = {k: len(v) for k, v in full_lists.items()}
    assert all(n >= 8 for n in sizes.values()), sizes


@pytest.mark.parametrize("path", ["/v1/admin-units", "/v1/agencies"])
def test_default_limit_is_50(api, path):
    r = api.get(path)
    body = r.json()
    assert len(body["items"]) == 50
    assert body["next_cursor"] is not None
    assert "Link" in r.headers


def test_limit_500_is_the_largest_page(api, full_lists):
    body = api.json("/v1/agencies", params={"limit": "500"})
    assert body["items"] == full_lists[("/v1/agencies", ())]


@pytest.mark.parametrize("limit", ["501", "1000", "99999999999999999999"])
def test_limit_above_500_is_400_naming_limit_and_the_range(api, limit):
    problem = assert_problem(api.get("/v1/agencies", params={"limit": limit}), 400,
                             "invalid_parameter", "limit")
    assert "1 to 500" in problem["errors"][0]["message"]


@pytest.mark.parametrize("path", ["/v1/admin-units", "/v1/agencies"])
@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1.5", "", "1e2", "0x10", "5abc"])
def test_bad_limit_is_400_naming_limit(api, path, limit):
    assert_problem(api.get(path, params={"limit": limit}), 400, "invalid_parameter", "limit")


def _b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("path", ["/v1/admin-units", "/v1/agencies"])
@pytest.mark.parametrize("cursor", ["x", "not a cursor!", "", _b64('{"a":1}'), _b64("3|zz"),
                                    pytest.param("A" * 4000, id="4000-chars"), "%00", "\u0111"])
def test_bad_cursor_is_400_naming_cursor(api, path, cursor):
    assert_problem(api.get(path, params={"cursor": cursor}), 400, "invalid_parameter", "cursor")


def test_a_cursor_keeps_working_when_reused(api):
    first = api.json("/v1/admin-units", params={"limit": 5})
    again = [api.json("/v1/admin-units", params={"limit": 5, "cursor": first["next_cursor"]})
             for _ in range(2)]
    assert again[0] == again[1]
    assert {u["code"] for u in again[0]["items"]}.isdisjoint(u["code"] for u in first["items"])


def test_limit_may_change_between_pages(api, full_lists):
    first = api.json("/v1/agencies", params={"limit": 3})
    rest, _ = api.walk("/v1/agencies", {"cursor": first["next_cursor"]}, limit=500)
    assert first["items"] + rest == full_lists[("/v1/agencies", ())]

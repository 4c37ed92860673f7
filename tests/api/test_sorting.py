"""Lists a front-end can use (issue 19, item 3): `?sort=` on the main lists with `-` for
descending order and keyset cursors that stay correct under every sort, `?count=true` for the
total, and the tasks of the caller's own agency (`?mine=true`).

Every sort is walked in small pages and must give, without a gap or a repeat, the order the
documentation states: dates, numbers and workflow states compared as such, names and titles in
Vietnamese alphabetical order (đ after d, ă and â after a), ties by the list's unique key.
"""

import unicodedata

import pytest

from checks import assert_problem
from indicators import communes, create_indicator, enter, moved
from plans import create_plan, create_task

TASK_STATUSES = ["not_started", "in_progress", "done", "cancelled"]
MEASUREMENT_STATUSES = ["draft", "submitted", "approved"]
VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


def first_letter(text):
    """The first letter of a name in the Vietnamese alphabet (tones set aside), or None."""
    base = unicodedata.normalize("NFD", text.strip().lower())
    letter = base[:1]
    marks = [c for c in base[1:3] if unicodedata.combining(c)]
    if letter == "đ" or (letter == "d" and "\u0335" in marks):
        return "đ"
    for mark, vowel in (("\u0306", {"a": "ă"}), ("\u0302", {"a": "â", "e": "ê", "o": "ô"}),
                        ("\u031b", {"o": "ơ", "u": "ư"})):
        if mark in marks and letter in vowel:
            return vowel[letter]
    return letter if letter in VIETNAMESE_LETTERS else None


def in_vietnamese_order(names):
    """Names whose first letters never go back in the Vietnamese alphabet."""
    ranks = [VIETNAMESE_LETTERS.index(first_letter(n)) for n in names if first_letter(n)]
    return all(a <= b for a, b in zip(ranks, ranks[1:]))


def walked(client, path, params, sort, limit=7):
    """Every item under `sort`, walked `limit` at a time; the same as walked 500 at a time."""
    items, pages = client.walk(path, {**params, "sort": sort}, limit=limit)
    whole, _ = client.walk(path, {**params, "sort": sort}, limit=500)
    assert items == whole, f"{path} sort={sort}: the pages differ from the largest ones"
    assert pages > 1, f"{path} sort={sort}: one page only, the cursor is not tried"
    return items


def ordered(items, key, unique):
    """`items` as the sort `key` (a function), ties by `unique`, orders them."""
    return sorted(items, key=lambda i: (key(i), unique(i)))


def check(client, path, params, name, key, unique, limit=7):
    """Ascending and descending walks give the documented order."""
    up = walked(client, path, params, name, limit)
    assert up == ordered(up, key, unique), f"{path} sort={name} is out of order"
    down = walked(client, path, params, "-" + name, limit)
    assert down == list(reversed(up)), f"{path} sort=-{name} is not the reverse of sort={name}"
    return up


# --- tasks --------------------------------------------------------------------------------------

TASK_KEYS = {
    "due_date": lambda t: t["due_date"] or "9999-12-31",
    "status": lambda t: TASK_STATUSES.index(t["status"]),
    "percent": lambda t: t["percent_done"],
}
# A plan's tasks of a test's own: (title, due date, status, percent done).
TASKS = [("Đánh giá mô hình", "2018-06-30", "in_progress", 40),
         ("Ăn ở của người lao động", None, "not_started", 0),
         ("Báo cáo sơ kết", "2017-06-15", "done", 100),
         ("Dạy nghề cho người bán dâm", "2019-12-31", "in_progress", 70),
         ("Ấn phẩm tuyên truyền", "2017-06-15", "not_started", 0),
         ("An ninh trật tự", None, "cancelled", 10),
         ("Yêu cầu kiểm tra cơ sở", "2020-12-31", "done", 100),
         ("Ôn tập nghiệp vụ", "2018-01-10", "in_progress", 40)]


@pytest.fixture(scope="module")
def sorted_plan(coordinator):
    """{"plan": id} of a plan whose tasks differ in every sort key."""
    plan = create_plan(coordinator, period_start="2016-01-01", period_end="2020-12-31")
    for title, due, status, percent in TASKS:
        create_task(coordinator, plan["id"], title=title, due_date=due, status=status,
                    percent_done=percent)
    return {"plan": plan["id"]}


@pytest.mark.parametrize("name", sorted(TASK_KEYS))
def test_tasks_sort_by_due_date_status_and_percent_both_ways(api, sorted_plan, name):
    items = check(api, "/v1/tasks", sorted_plan, name, TASK_KEYS[name], lambda t: t["id"],
                  limit=3)
    assert len(items) == len(TASKS)


def test_tasks_sort_by_title_in_vietnamese_order(api, sorted_plan):
    items = walked(api, "/v1/tasks", sorted_plan, "title", limit=3)
    assert [t["title"] for t in items] == [
        "An ninh trật tự", "Ăn ở của người lao động", "Ấn phẩm tuyên truyền", "Báo cáo sơ kết",
        "Dạy nghề cho người bán dâm", "Đánh giá mô hình", "Ôn tập nghiệp vụ",
        "Yêu cầu kiểm tra cơ sở"]
    assert walked(api, "/v1/tasks", sorted_plan, "-title", limit=3) == list(reversed(items))


def test_the_seeded_tasks_sort_by_title_across_pages(api):
    items = walked(api, "/v1/tasks", {}, "title", limit=25)
    assert in_vietnamese_order([t["title"] for t in items])


# --- measurements ------------------------------------------------------------------------------

MEASUREMENT_KEYS = {
    "period": lambda m: m["period"],
    "unit": lambda m: int(m["unit"]),
    "status": lambda m: MEASUREMENT_STATUSES.index(m["status"]),
    "updated": lambda m: m["updated_at"],
}


@pytest.fixture(scope="module")
def sorted_measurements(coordinator):
    """{"indicator": code} of a yearly indicator of the test's own with values of five communes
    over four years, drafts, submitted and approved ones."""
    code = create_indicator(coordinator)["code"]
    units = communes("883")[:2] + communes("884")[:2] + communes("886")[:1]
    for n, (unit, year) in enumerate((u, y) for u in units for y in (2016, 2017, 2018, 2019)):
        m = enter(coordinator, code, unit, str(year), n % 2 == 0)
        for action in ("submit", "approve")[:n % 3]:
            moved(coordinator, m["id"], action)
    return {"indicator": code}


@pytest.mark.parametrize("name", sorted(MEASUREMENT_KEYS))
def test_measurements_sort_by_period_unit_status_and_update_both_ways(coordinator,
                                                                      sorted_measurements, name):
    """As the coordinator, who reads drafts too."""
    items = check(coordinator, "/v1/measurements", sorted_measurements, name, MEASUREMENT_KEYS[name],
                  lambda m: m["id"])
    assert len(items) == 20
    # entered within a second or two, their updated_at (to the second) may all be one
    assert name == "updated" or len({MEASUREMENT_KEYS[name](m) for m in items}) > 1


# --- units and agencies -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/v1/admin-units", "/v1/agencies"])
def test_units_and_agencies_sort_by_name_in_vietnamese_order(api, path):
    items = walked(api, path, {}, "name", limit=40)
    names = [i["name"] for i in items]
    assert in_vietnamese_order(names), names
    assert len({first_letter(n) for n in names}) > 3
    down = walked(api, path, {}, "-name", limit=40)
    assert down == list(reversed(items))


def test_units_sort_by_code_as_a_number(api):
    check(api, "/v1/admin-units", {}, "code", lambda u: int(u["code"]), lambda u: u["code"],
          limit=40)


def test_agencies_sort_by_code(api):
    check(api, "/v1/agencies", {}, "code", lambda a: a["code"], lambda a: a["code"], limit=40)


# --- what sort refuses -------------------------------------------------------------------------

@pytest.mark.parametrize("path,sort", [("/v1/tasks", "name"), ("/v1/tasks", "--title"),
                                       ("/v1/measurements", "due_date"), ("/v1/agencies", "+name"),
                                       ("/v1/admin-units", "")])
def test_an_unknown_sort_is_400_naming_sort_and_the_keys(api, path, sort):
    body = assert_problem(api.get(path, params={"sort": sort}), 400, "invalid_parameter", "sort")
    assert "must be one of" in body["errors"][0]["message"]


@pytest.mark.parametrize("path,first,then", [
    ("/v1/tasks", {"sort": "title"}, {"sort": "-title"}),
    ("/v1/tasks", {"sort": "status"}, {}),
    ("/v1/tasks", {}, {"sort": "status"}),
    ("/v1/admin-units", {"sort": "name"}, {"sort": "code"}),
    ("/v1/agencies", {}, {"sort": "name"}),
])
def test_a_cursor_made_under_another_sort_is_400_naming_cursor(api, path, first, then):
    cursor = api.json(path, {**first, "limit": 2})["next_cursor"]
    assert cursor
    assert_problem(api.get(path, params={**then, "limit": 2, "cursor": cursor}), 400,
                   "invalid_parameter", "cursor")


# --- count ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,params", [("/v1/tasks", {}), ("/v1/tasks", {"status": "done"}),
                                         ("/v1/measurements", {"status": "approved"}),
                                         ("/v1/admin-units", {"level": "3"}),
                                         ("/v1/agencies", {"kind": "people_committee"}),
                                         ("/v1/agencies", {"sort": "name"})])
def test_count_true_gives_the_total_of_every_page(api, params, path):
    items, _ = api.walk(path, params, limit=500)
    first = api.json(path, {**params, "count": "true", "limit": 3})
    assert first["total"] == len(items)
    assert "total" not in api.json(path, {**params, "limit": 3})


def test_the_communes_of_long_xuyen_count_as_the_seed_has_them(api):
    body = api.json("/v1/admin-units", {"parent": "883", "count": "true", "limit": 1})
    assert body["total"] == len(communes("883")) == 13


# --- mine ----------------------------------------------------------------------------------------

def test_mine_lists_the_tasks_the_callers_agency_leads_or_coordinates(api):
    manager = api.as_user("longxuyen.manager")
    agency = manager.json("/v1/me")["agency"]
    mine, _ = manager.walk("/v1/tasks", {"mine": "true"}, limit=500)
    assert mine, "the district's committee leads or coordinates some task of the plan"
    assert all(agency in {a["agency"] for a in t["agencies"]} for t in mine)
    assert mine == manager.walk("/v1/tasks", {"agency": agency}, limit=500)[0]
    leads, _ = manager.walk("/v1/tasks", {"mine": "true", "role": "lead"}, limit=500)
    assert all({"agency": agency, "role": "lead"}.items() <= a.items()
               for t in leads for a in t["agencies"] if a["agency"] == agency)


def test_mine_with_agency_is_400_naming_mine(api):
    assert_problem(api.get("/v1/tasks", params={"mine": "true", "agency": "SLDTBXH"}), 400,
                   "invalid_parameter", "mine")

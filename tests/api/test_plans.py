"""Plans and their sections (issue 5, item 2): added, read, listed, searched and changed through
/v1/plans and /v1/plans/{id}/sections; archived instead of deleted, and restored. Everyone signed
in reads them; admins and coordinators edit them and alone see what is archived — and an archived
plan takes its sections and tasks with it for everyone else.
"""

import re

import pytest

from checks import assert_field_error, assert_problem, check_etag, codes, count_rows, problem_core
from client import fold
from plans import (EDITORS, PLAN_KEYS, SECTION_KEYS, SECTION_KINDS, all_tasks, archive, archived,
                   create_plan, create_section, create_task, ids, new_code, new_plan_body,
                   new_section_body, patch, plan_path, read, restore, section_path, task_path)
from settings import DEMO_USERS

TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
READERS = sorted(u for u, (_, role) in DEMO_USERS.items() if role not in EDITORS)
SERVER_OWNED = ["id", "version", "created_at", "updated_at", "archived_at"]


def all_plans(client, **params):
    items, _ = client.walk("/v1/plans", params, limit=500)
    for p in items:
        assert set(p) == PLAN_KEYS, p
    return items


def all_sections(client, plan_id, **params):
    items, _ = client.walk(plan_path(plan_id, "sections"), params, limit=500)
    for s in items:
        assert set(s) == SECTION_KEYS, s
    return items


# --- adding a plan ------------------------------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_a_plan_with_location_and_etag(api, editor):
    body = new_plan_body()
    r = api.as_user(editor).post_json("/v1/plans", body)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert set(plan) == PLAN_KEYS
    assert {k: plan[k] for k in body} == body
    assert plan["version"] == 1 and plan["archived_at"] is None
    assert TIMESTAMP.match(plan["created_at"]) and plan["updated_at"] == plan["created_at"]
    assert r.headers["Location"] == plan_path(plan["id"])
    assert read(api, plan_path(plan["id"])) == (plan, r.headers["ETag"])


def test_only_code_title_and_period_are_needed(coordinator):
    body = {"code": new_code(), "title": "Kế hoạch kiểm tra liên ngành năm 2018",
            "period_start": "2018-01-01", "period_end": "2018-12-31"}
    r = coordinator.post_json("/v1/plans", body)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert {k: plan[k] for k in ("title_en", "document", "lead_agency", "parent_programme")} == {
        "title_en": None, "document": None, "lead_agency": None, "parent_programme": None}


def test_a_plan_of_one_day_is_accepted(coordinator):
    plan = create_plan(coordinator, period_start="2016-07-15", period_end="2016-07-15")
    assert (plan["period_start"], plan["period_end"]) == ("2016-07-15", "2016-07-15")


def test_a_code_of_32_characters_is_accepted(coordinator):
    code = new_code().ljust(32, "9")
    assert create_plan(coordinator, code=code)["code"] == code


def assert_not_added(client, db, body, status, code, field, field_code=None):
    before = count_rows(db, "plan")
    r = client.post_json("/v1/plans", body)
    if field_code:
        assert_field_error(r, status, code, field, field_code)
    else:
        assert_problem(r, status, code, field)
    assert count_rows(db, "plan") == before


@pytest.mark.parametrize("field,value", [
    ("code", "kh-2017"), ("code", "KH--2017"), ("code", "KH_2017"), ("code", "-KH"),
    ("code", "KH-"), ("code", ""), ("code", "K" * 33), ("code", "KH 2017"), ("code", 2017),
    ("title", ""), ("title", " \t "), ("title", "t" * 1001), ("title", None),
    ("title_en", "t" * 1001), ("period_start", "2017-02-29"), ("period_start", "01/01/2017"),
    ("period_end", "2017-12-31T00:00:00Z"), ("period_end", None), ("document", 1994),
    ("lead_agency", ["SLDTBXH"]),
])
def test_a_bad_value_is_422_naming_the_field(coordinator, db, field, value):
    assert_not_added(coordinator, db, new_plan_body(**{field: value}), 422, "validation_failed",
                     field)


@pytest.mark.parametrize("missing", ["code", "title", "period_start", "period_end"])
def test_a_missing_field_is_422_naming_it(coordinator, db, missing):
    body = new_plan_body()
    del body[missing]
    assert_not_added(coordinator, db, body, 422, "validation_failed", missing)


def test_a_period_that_ends_before_it_starts_is_422(coordinator, db):
    body = new_plan_body(period_start="2017-01-01", period_end="2016-12-31")
    assert_not_added(coordinator, db, body, 422, "validation_failed", "period_end", "before_start")


@pytest.mark.parametrize("field,value", [
    ("document", "1995/QĐ-UBND"), ("parent_programme", "362/QĐ-TTg"), ("lead_agency", "SLDTBXX"),
    ("lead_agency", "sldtbxh"),
])
def test_an_unknown_document_or_agency_is_422_unknown(coordinator, db, field, value):
    assert_not_added(coordinator, db, new_plan_body(**{field: value}), 422, "validation_failed",
                     field, "unknown")


def test_a_code_that_is_taken_is_409_naming_it(coordinator, db):
    taken = create_plan(coordinator)["code"]
    assert_not_added(coordinator, db, new_plan_body(code=taken), 409, "conflict", "code", "taken")
    assert_not_added(coordinator, db, new_plan_body(code="KH-1994-2016"), 409, "conflict", "code",
                     "taken")


def test_an_archived_plans_code_stays_taken(coordinator, db):
    plan = create_plan(coordinator)
    archived(coordinator, plan_path(plan["id"]))
    assert_not_added(coordinator, db, new_plan_body(code=plan["code"]), 409, "conflict", "code",
                     "taken")


@pytest.mark.parametrize("field", SERVER_OWNED)
def test_a_server_owned_field_is_400_naming_it(coordinator, db, field):
    value = {"id": 77, "version": 1}.get(field, "2016-07-15T00:00:00Z")
    assert_not_added(coordinator, db, new_plan_body(**{field: value}), 400, "bad_request", field)


@pytest.mark.parametrize("field", ["sections", "lead", "Code", "search_text"])
def test_an_unknown_field_is_400_naming_it(coordinator, db, field):
    assert_not_added(coordinator, db, new_plan_body(**{field: "x"}), 400, "bad_request", field)


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_add_a_plan(api, db, user):
    assert_not_added(api.as_user(user), db, new_plan_body(), 403, "forbidden", None)


# --- reading and listing plans ------------------------------------------------------------------

def test_a_plan_reads_alone_with_an_etag_as_listed(api, coordinator):
    plan = create_plan(coordinator)
    check_etag(api, plan_path(plan["id"]))
    assert next(p for p in all_plans(api) if p["id"] == plan["id"]) == plan


@pytest.mark.parametrize("plan_id", ["999999999", "0", "abc", "-1", "1.0", "1e2"])
def test_an_unknown_or_malformed_plan_id_is_404(api, plan_id):
    assert_problem(api.get(f"/v1/plans/{plan_id}"), 404, "not_found")


def test_the_plan_list_is_ordered_by_id_and_pages(api, coordinator):
    for _ in range(3):
        create_plan(coordinator)
    whole = all_plans(api)
    assert ids(whole) == sorted(ids(whole)) and len(whole) >= 4
    paged, pages = api.walk("/v1/plans", limit=2, via="link")
    assert paged == whole and pages >= 2


@pytest.mark.parametrize("q", ["phong chong mat ngu", "PHÒNG, CHỐNG MẤT NGỦ", "insomnia"])
def test_q_finds_a_plan_by_its_title_whatever_the_diacritics(api, coordinator, q):
    plan = create_plan(coordinator, title="Kế hoạch phòng, chống mất ngủ năm 2019",
                       title_en="Insomnia prevention plan 2019")
    found = all_plans(api, q=q)
    assert plan["id"] in ids(found)
    for p in found:
        text = fold(f"{p['code']} {p['title']} {p['title_en'] or ''}")
        assert all(word in text for word in fold(q).replace(",", " ").split()), p


def test_q_finds_a_plan_by_its_code(api, coordinator):
    plan = create_plan(coordinator)
    assert ids(all_plans(api, q=plan["code"].lower())) == [plan["id"]]


@pytest.mark.parametrize("param,value", [("limit", "0"), ("limit", "-1"),
                                         ("include_archived", "yes"), ("cursor", "nonsense")])
def test_a_bad_plan_list_parameter_is_400_naming_it(api, param, value):
    assert_problem(api.get("/v1/plans", params={param: value}), 400, "invalid_parameter", param)


def test_an_unknown_plan_list_parameter_is_400(api):
    assert_problem(api.get("/v1/plans", params={"code": "KH-1994-2016"}), 400,
                   "unknown_parameter", "code")


# --- changing a plan ----------------------------------------------------------------------------

def test_a_patch_changes_the_fields_given_and_nothing_else(coordinator):
    plan = create_plan(coordinator)
    path = plan_path(plan["id"])
    _, etag = read(coordinator, path)
    r = patch(coordinator, path, {"period_end": "2018-06-30", "lead_agency": "SYT"}, etag)
    assert r.status_code == 200, r.text
    after = r.json()
    assert (after["period_end"], after["lead_agency"], after["version"]) == ("2018-06-30", "SYT", 2)
    unchanged = PLAN_KEYS - {"period_end", "lead_agency", "version", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: plan[k] for k in unchanged}
    assert r.headers["ETag"] != etag
    assert read(coordinator, path) == (after, r.headers["ETag"])


def test_a_plans_code_may_change(coordinator):
    plan = create_plan(coordinator)
    code = new_code()
    r = patch(coordinator, plan_path(plan["id"]), {"code": code})
    assert r.status_code == 200 and r.json()["code"] == code


def test_null_clears_an_optional_field_of_a_plan(coordinator):
    plan = create_plan(coordinator)
    cleared = {"title_en": None, "document": None, "lead_agency": None, "parent_programme": None}
    r = patch(coordinator, plan_path(plan["id"]), cleared)
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in cleared} == cleared


@pytest.mark.parametrize("body,status,code,field,field_code", [
    ({"code": "KH-1994-2016"}, 409, "conflict", "code", "taken"),
    ({"period_end": "2016-12-31"}, 422, "validation_failed", "period_end", "before_start"),
    ({"period_start": "2018-01-01"}, 422, "validation_failed", "period_end", "before_start"),
    ({"lead_agency": "NOPE"}, 422, "validation_failed", "lead_agency", "unknown"),
    ({"document": "1/NOPE"}, 422, "validation_failed", "document", "unknown"),
    ({"title": None}, 422, "validation_failed", "title", None),
    ({"period_start": None}, 422, "validation_failed", "period_start", "required"),
    ({"period_end": None}, 422, "validation_failed", "period_end", "required"),
    ({"code": "kh"}, 422, "validation_failed", "code", None),
    ({"id": 9}, 400, "bad_request", "id", None),
    ({"archived_at": None}, 400, "bad_request", "archived_at", None),
    ({"sections": []}, 400, "bad_request", "sections", None),
])
def test_a_refused_plan_patch_changes_nothing(coordinator, body, status, code, field, field_code):
    plan = create_plan(coordinator)  # 2017-01-01 .. 2017-12-31
    r = patch(coordinator, plan_path(plan["id"]), body)
    if field_code:
        assert_field_error(r, status, code, field, field_code)
    else:
        assert_problem(r, status, code, field)
    assert read(coordinator, plan_path(plan["id"]))[0] == plan


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_change_a_plan(api, coordinator, user):
    plan = create_plan(coordinator)
    path = plan_path(plan["id"])
    client = api.as_user(user)
    assert_problem(patch(client, path, {"title_en": "changed"}), 403, "forbidden")
    assert_problem(archive(client, path), 403, "forbidden")
    assert read(coordinator, path)[0] == plan


def test_patching_an_unknown_plan_is_404(coordinator):
    assert_problem(patch(coordinator, plan_path(999999999), {"title": "x"}, '"0000000000000000"'),
                   404, "not_found")


# --- archiving and restoring a plan -------------------------------------------------------------

@pytest.fixture
def archived_plan(coordinator):
    """A plan with a section and a task, archived: (plan before, section code, task id)."""
    plan = create_plan(coordinator)
    create_section(coordinator, plan["id"], "II.1")
    task = create_task(coordinator, plan["id"], section="II.1")
    plan = read(coordinator, plan_path(plan["id"]))[0]
    r = archive(coordinator, plan_path(plan["id"]))
    assert r.status_code == 204 and r.content == b"", r.text
    return plan, "II.1", task["id"]


def test_an_archived_plan_is_kept_with_its_archive_time(coordinator, archived_plan):
    before, _, _ = archived_plan
    after, _ = read(coordinator, plan_path(before["id"]))
    assert TIMESTAMP.match(after["archived_at"]) and after["version"] == before["version"] + 1
    assert {k: after[k] for k in ("code", "title", "period_start")} == \
        {k: before[k] for k in ("code", "title", "period_start")}


@pytest.mark.parametrize("user", READERS)
def test_an_archived_plan_and_all_it_holds_do_not_exist_for_other_roles(api, archived_plan, user):
    plan, code, task_id = archived_plan
    client = api.as_user(user)
    for path in (plan_path(plan["id"]), plan_path(plan["id"], "sections"),
                 section_path(plan["id"], code), task_path(task_id),
                 plan_path(plan["id"], "history"), task_path(task_id, "updates")):
        r = client.get(path)
        assert_problem(r, 404, "not_found")
    missing = client.get(plan_path(999999999))
    assert problem_core(client.get(plan_path(plan["id"]))) == problem_core(missing), \
        "an archived plan can be told from one that does not exist"
    assert plan["id"] not in ids(all_plans(client))
    assert task_id not in ids(all_tasks(client))
    assert all_tasks(client, plan=plan["id"]) == []


@pytest.mark.parametrize("editor", EDITORS)
def test_editors_still_read_an_archived_plan_and_what_it_holds(api, archived_plan, editor):
    plan, code, task_id = archived_plan
    client = api.as_user(editor)
    assert read(client, plan_path(plan["id"]))[0]["archived_at"] is not None
    assert codes(all_sections(client, plan["id"])) == [code]
    assert read(client, task_path(task_id))[0]["plan"] == plan["id"]
    assert plan["id"] not in ids(all_plans(client))
    with_archived = all_plans(client, include_archived="true")
    assert plan["id"] in ids(with_archived) and ids(with_archived) == sorted(ids(with_archived))
    assert [p for p in with_archived if p["archived_at"] is None] == all_plans(client)


@pytest.mark.parametrize("user", READERS)
def test_include_archived_plans_is_403_for_other_roles(api, user):
    r = api.as_user(user).get("/v1/plans", params={"include_archived": "true"})
    assert_problem(r, 403, "forbidden", "include_archived")


def test_an_archived_plan_cannot_be_changed_or_archived_again(coordinator, archived_plan):
    plan, _, _ = archived_plan
    path = plan_path(plan["id"])
    before = read(coordinator, path)
    assert_problem(patch(coordinator, path, {"title": "x"}), 409, "conflict")
    assert_problem(archive(coordinator, path), 409, "conflict")
    assert read(coordinator, path) == before


def test_no_task_can_be_added_to_an_archived_plan(coordinator, archived_plan):
    plan, _, _ = archived_plan
    r = coordinator.post_json("/v1/tasks", {"plan": plan["id"], "title": "Nhiệm vụ mới"})
    assert_problem(r, 422, "validation_failed", "plan")
    assert r.json()["errors"][0]["code"] == "unknown"


def test_a_restored_plan_comes_back_with_what_it_holds(api, coordinator, archived_plan):
    plan, code, task_id = archived_plan
    r = restore(coordinator, plan_path(plan["id"]))
    assert r.status_code == 200, r.text
    restored = r.json()
    assert restored["archived_at"] is None and restored["version"] == plan["version"] + 2
    assert read(api, plan_path(plan["id"])) == (restored, r.headers["ETag"])
    assert codes(all_sections(api, plan["id"])) == [code]
    assert ids(all_tasks(api, plan=plan["id"])) == [task_id]


def test_a_plan_that_is_not_archived_cannot_be_restored(coordinator):
    plan = create_plan(coordinator)
    assert_problem(restore(coordinator, plan_path(plan["id"])), 409, "conflict")
    assert read(coordinator, plan_path(plan["id"]))[0] == plan


@pytest.mark.parametrize("plan_id", ["999999999", "abc"])
def test_restoring_or_archiving_an_unknown_plan_is_404(coordinator, plan_id):
    assert_problem(restore(coordinator, plan_path(plan_id)), 404, "not_found")
    assert_problem(archive(coordinator, plan_path(plan_id), '"0000000000000000"'), 404,
                   "not_found")


# --- sections -----------------------------------------------------------------------------------

@pytest.fixture
def plan_id(coordinator):
    return create_plan(coordinator)["id"]


@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_a_section_with_location_and_etag(api, plan_id, editor):
    body = new_section_body("II.3.1")
    r = api.as_user(editor).post_json(plan_path(plan_id, "sections"), body)
    assert r.status_code == 201, r.text
    section = r.json()
    assert set(section) == SECTION_KEYS
    assert {k: section[k] for k in body} == body
    assert section["plan"] == plan_id and section["version"] == 1
    assert section["archived_at"] is None
    assert TIMESTAMP.match(section["created_at"]) and section["updated_at"] == section["created_at"]
    assert r.headers["Location"] == section_path(plan_id, "II.3.1")
    assert read(api, section_path(plan_id, "II.3.1")) == (section, r.headers["ETag"])


def test_only_code_title_and_kind_are_needed_for_a_section(coordinator, plan_id):
    r = coordinator.post_json(plan_path(plan_id, "sections"),
                              {"code": "IV", "title": "KINH PHÍ THỰC HIỆN", "kind": "funding"})
    assert r.status_code == 201, r.text
    section = r.json()
    assert {k: section[k] for k in ("seq", "text", "targets_text", "heading_path")} == {
        "seq": 0, "text": "", "targets_text": None, "heading_path": []}


@pytest.mark.parametrize("kind", SECTION_KINDS)
def test_every_section_kind_is_accepted(coordinator, plan_id, kind):
    assert create_section(coordinator, plan_id, "V.1", kind=kind)["kind"] == kind


@pytest.mark.parametrize("code", ["I", "II.3.1", "II.3.b", "V.15", "1.2.3.4", "A" * 32])
def test_section_codes_of_the_decisions_shape_are_accepted(coordinator, plan_id, code):
    assert create_section(coordinator, plan_id, code)["code"] == code


def assert_no_section_added(client, db, plan_id, body, status, code, field, field_code=None):
    before = count_rows(db, "plan_section")
    r = client.post_json(plan_path(plan_id, "sections"), body)
    if field_code:
        assert_field_error(r, status, code, field, field_code)
    else:
        assert_problem(r, status, code, field)
    assert count_rows(db, "plan_section") == before


@pytest.mark.parametrize("field,value", [
    ("code", "ii.1"), ("code", "II..1"), ("code", "II.1."), ("code", ".II"), ("code", "II-1"),
    ("code", ""), ("code", "A" * 33), ("code", 2), ("title", ""), ("title", "t" * 1001),
    ("kind", "goals"), ("kind", "Objective"), ("kind", None), ("seq", -1), ("seq", 1.5),
    ("seq", "1"), ("text", "x" * 100001), ("targets_text", "x" * 20001),
    ("heading_path", ["h"] * 11), ("heading_path", "II"),
])
def test_a_bad_section_value_is_422_naming_the_field(coordinator, db, plan_id, field, value):
    body = {**new_section_body("II.1"), field: value}
    assert_no_section_added(coordinator, db, plan_id, body, 422, "validation_failed", field)


@pytest.mark.parametrize("value", [["h" * 1001], [1], ["II", None]])
def test_a_bad_heading_is_422_naming_it(coordinator, db, plan_id, value):
    body = new_section_body("II.1", heading_path=["I"] + value)
    assert_no_section_added(coordinator, db, plan_id, body, 422, "validation_failed",
                            f"heading_path[{len(value)}]")


@pytest.mark.parametrize("missing", ["code", "title", "kind"])
def test_a_missing_section_field_is_422_naming_it(coordinator, db, plan_id, missing):
    body = new_section_body("II.1")
    del body[missing]
    assert_no_section_added(coordinator, db, plan_id, body, 422, "validation_failed", missing)


@pytest.mark.parametrize("field", ["plan", "version", "created_at", "archived_at", "tasks"])
def test_a_server_owned_or_unknown_section_field_is_400(coordinator, db, plan_id, field):
    value = {"plan": plan_id, "version": 1, "tasks": []}.get(field, "2016-07-15T00:00:00Z")
    assert_no_section_added(coordinator, db, plan_id, new_section_body("II.1", **{field: value}),
                            400, "bad_request", field)


def test_a_section_code_is_taken_within_its_plan_only(coordinator, db, plan_id):
    create_section(coordinator, plan_id, "III.4")
    assert_no_section_added(coordinator, db, plan_id, new_section_body("III.4"), 409, "conflict",
                            "code", "taken")
    other = create_plan(coordinator)["id"]
    assert create_section(coordinator, other, "III.4")["plan"] == other


def test_a_section_of_an_unknown_plan_is_404(coordinator):
    r = coordinator.post_json(plan_path(999999999, "sections"), new_section_body())
    assert_problem(r, 404, "not_found")
    assert_problem(coordinator.get(plan_path(999999999, "sections")), 404, "not_found")
    assert_problem(coordinator.get(section_path(999999999, "I")), 404, "not_found")
    assert_problem(coordinator.get("/v1/plans/abc/sections"), 404, "not_found")


def test_an_unknown_section_is_404(api, plan_id):
    assert_problem(api.get(section_path(plan_id, "IX.9")), 404, "not_found")


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_add_a_section(api, db, plan_id, user):
    assert_no_section_added(api.as_user(user), db, plan_id, new_section_body(), 403, "forbidden",
                            None)


def test_sections_are_listed_by_seq_then_code_and_page(api, coordinator, plan_id):
    for code, seq in [("III", 3), ("II.2", 2), ("II.10", 2), ("I", 1), ("II.1", 2), ("IV", 0)]:
        create_section(coordinator, plan_id, code, seq=seq)
    whole = all_sections(api, plan_id)
    assert codes(whole) == ["IV", "I", "II.1", "II.10", "II.2", "III"]
    paged, pages = api.walk(plan_path(plan_id, "sections"), limit=4, via="link")
    assert paged == whole and pages == 2


def test_the_section_kind_filter(api, coordinator, plan_id):
    create_section(coordinator, plan_id, "I", seq=1, kind="purpose")
    create_section(coordinator, plan_id, "V.1", seq=2, kind="responsibility")
    create_section(coordinator, plan_id, "V.2", seq=3, kind="responsibility")
    assert codes(all_sections(api, plan_id, kind="responsibility")) == ["V.1", "V.2"]
    assert codes(all_sections(api, plan_id, kind="purpose")) == ["I"]
    assert all_sections(api, plan_id, kind="funding") == []


@pytest.mark.parametrize("q,found", [
    ("truyen thong", ["II.1"]), ("TRUYỀN THÔNG", ["II.1"]), ("kinh phi", ["IV"]),
    ("ii.1", ["II.1"]), ("mai dam", ["II.1", "IV"]), ("khong co", []),
])
def test_q_finds_sections_by_code_title_or_text(api, coordinator, plan_id, q, found):
    create_section(coordinator, plan_id, "II.1", seq=1, title="Truyền thông",
                   text="Tuyên truyền phòng, chống mại dâm trên báo chí.")
    create_section(coordinator, plan_id, "IV", seq=2, kind="funding", title="Kinh phí",
                   text="Kinh phí phòng, chống mại dâm do ngân sách bảo đảm.")
    assert codes(all_sections(api, plan_id, q=q)) == found


@pytest.mark.parametrize("param,value", [("kind", "goals"), ("limit", "0"),
                                         ("include_archived", "1"), ("cursor", "nonsense")])
def test_a_bad_section_list_parameter_is_400_naming_it(api, plan_id, param, value):
    assert_problem(api.get(plan_path(plan_id, "sections"), params={param: value}), 400,
                   "invalid_parameter", param)


def test_a_section_patch_changes_the_fields_given(coordinator, plan_id):
    section = create_section(coordinator, plan_id, "II.3.1")
    path = section_path(plan_id, "II.3.1")
    _, etag = read(coordinator, path)
    r = patch(coordinator, path, {"targets_text": None, "seq": 7,
                                  "heading_path": ["II. MỤC TIÊU"]}, etag)
    assert r.status_code == 200, r.text
    after = r.json()
    assert (after["targets_text"], after["seq"], after["heading_path"], after["version"]) == (
        None, 7, ["II. MỤC TIÊU"], 2)
    unchanged = SECTION_KEYS - {"targets_text", "seq", "heading_path", "version", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: section[k] for k in unchanged}
    assert read(coordinator, path) == (after, r.headers["ETag"]) and r.headers["ETag"] != etag


@pytest.mark.parametrize("body,status,code,field", [
    ({"code": "II.3.2"}, 400, "bad_request", "code"),
    ({"plan": 1}, 400, "bad_request", "plan"),
    ({"kind": "goals"}, 422, "validation_failed", "kind"),
    ({"title": None}, 422, "validation_failed", "title"),
    ({"seq": -2}, 422, "validation_failed", "seq"),
])
def test_a_refused_section_patch_changes_nothing(coordinator, plan_id, body, status, code, field):
    create_section(coordinator, plan_id, "II.3.1")
    path = section_path(plan_id, "II.3.1")
    before = read(coordinator, path)
    assert_problem(patch(coordinator, path, body), status, code, field)
    assert read(coordinator, path) == before


@pytest.fixture
def archived_section(coordinator, plan_id):
    """A section of a live plan, archived: (plan id, code)."""
    create_section(coordinator, plan_id, "III.1", seq=1)
    create_section(coordinator, plan_id, "III.2", seq=2)
    archived(coordinator, section_path(plan_id, "III.1"))
    return plan_id, "III.1"


@pytest.mark.parametrize("user", READERS)
def test_an_archived_section_does_not_exist_for_other_roles(api, archived_section, user):
    plan_id, code = archived_section
    client = api.as_user(user)
    assert_problem(client.get(section_path(plan_id, code)), 404, "not_found")
    assert_problem(client.get(section_path(plan_id, code, "history")), 404, "not_found")
    assert codes(all_sections(client, plan_id)) == ["III.2"]
    assert_problem(client.get(plan_path(plan_id, "sections"), params={"include_archived": "true"}),
                   403, "forbidden", "include_archived")


@pytest.mark.parametrize("editor", EDITORS)
def test_editors_list_archived_sections_when_they_ask(api, archived_section, editor):
    plan_id, code = archived_section
    client = api.as_user(editor)
    assert codes(all_sections(client, plan_id)) == ["III.2"]
    assert codes(all_sections(client, plan_id, include_archived="true")) == ["III.1", "III.2"]
    assert read(client, section_path(plan_id, code))[0]["archived_at"] is not None


def test_an_archived_section_cannot_be_changed_archived_again_or_given_tasks(coordinator,
                                                                              archived_section):
    plan_id, code = archived_section
    path = section_path(plan_id, code)
    before = read(coordinator, path)
    assert_problem(patch(coordinator, path, {"title": "x"}), 409, "conflict")
    assert_problem(archive(coordinator, path), 409, "conflict")
    assert read(coordinator, path) == before
    r = coordinator.post_json("/v1/tasks", {"plan": plan_id, "section": code, "title": "Nhiệm vụ"})
    assert_problem(r, 422, "validation_failed", "section")
    assert r.json()["errors"][0]["code"] == "unknown"


def test_a_restored_section_is_back_for_everyone(api, coordinator, archived_section):
    plan_id, code = archived_section
    r = restore(coordinator, section_path(plan_id, code))
    assert r.status_code == 200, r.text
    assert r.json()["archived_at"] is None and r.json()["code"] == code
    assert read(api, section_path(plan_id, code)) == (r.json(), r.headers["ETag"])
    assert codes(all_sections(api, plan_id)) == ["III.1", "III.2"]


def test_a_section_that_is_not_archived_cannot_be_restored(coordinator, plan_id):
    section = create_section(coordinator, plan_id, "I")
    assert_problem(restore(coordinator, section_path(plan_id, "I")), 409, "conflict")
    assert read(coordinator, section_path(plan_id, "I"))[0] == section


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_change_archive_or_restore_a_section(api, coordinator, plan_id, user):
    create_section(coordinator, plan_id, "I")
    path = section_path(plan_id, "I")
    before = read(coordinator, path)
    client = api.as_user(user)
    assert_problem(patch(client, path, {"title": "x"}), 403, "forbidden")
    assert_problem(archive(client, path), 403, "forbidden")
    assert_problem(restore(client, path), 403, "forbidden")
    assert read(coordinator, path) == before

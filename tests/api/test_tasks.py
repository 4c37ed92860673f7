"""Tasks (issue 5, items 3 and 5): added with their lead and coordinating agencies, read, changed,
archived and restored through /v1/tasks; `overdue` derived at read time from the due date (today
in Asia/Ho_Chi_Minh) and the status; and the queries people need — by agency and its role and
mode, status, overdue, due dates, section, plan, parent, words, last change — each keeping exactly
the tasks it names, page after page.
"""

import datetime
import re
import time

import pytest

from checks import assert_field_error, assert_problem, check_etag, check_not_modified
from plans import (EDITORS, RECURRENCES, STATUSES, TASK_AGENCY_KEYS, TASK_KEYS, agency,
                   all_tasks, archive, archived, create_plan, create_section, create_task, day,
                   ids, new_key, new_task_body, patch, read, restore, searched, task_path,
                   task_text, today)
from settings import DEMO_USERS

TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
READERS = sorted(u for u, (_, role) in DEMO_USERS.items() if role not in EDITORS)


def count_tasks(db):
    return db.execute("SELECT count(*) FROM task").fetchone()[0]


@pytest.fixture
def plan_id(coordinator):
    """A plan of this test's own, with sections II.1 and V.1."""
    pid = create_plan(coordinator)["id"]
    create_section(coordinator, pid, "II.1", seq=1)
    create_section(coordinator, pid, "V.1", seq=2, kind="responsibility")
    return pid


# --- adding a task ------------------------------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_a_task_with_location_and_etag(api, plan_id, editor):
    body = new_task_body(plan_id, section="II.1", key=new_key(), source_clause="II.3.1.b",
                         title_en="Training for officers", description="Tập huấn 2 lớp mỗi năm.",
                         agencies=[agency("SLDTBXH", note="V.1"),
                                   agency("SYT", "coordinate", "assigned", "inferred", "V.6"),
                                   agency("TAND", "coordinate", "requested")],
                         start_date=day(-10), due_date="2030-06-30", recurrence="yearly",
                         status="in_progress", percent_done=20)
    r = api.as_user(editor).post_json("/v1/tasks", body)
    assert r.status_code == 201, r.text
    task = r.json()
    assert set(task) == TASK_KEYS
    assert {k: task[k] for k in body} == body
    assert (task["parent_id"], task["overdue"], task["version"], task["archived_at"]) == (
        None, False, 1, None)
    assert TIMESTAMP.match(task["created_at"]) and task["updated_at"] == task["created_at"]
    assert r.headers["Location"] == task_path(task["id"])
    assert read(api, task_path(task["id"])) == (task, r.headers["ETag"])


def test_only_plan_and_title_are_needed_and_the_rest_has_defaults(coordinator, plan_id):
    r = coordinator.post_json("/v1/tasks", {"plan": plan_id, "title": "Rà soát cơ sở kinh doanh"})
    assert r.status_code == 201, r.text
    task = r.json()
    assert {k: task[k] for k in ("section", "parent_id", "key", "source_clause", "title_en",
                                 "description", "agencies", "start_date", "due_date",
                                 "recurrence", "status", "percent_done", "overdue")} == {
        "section": None, "parent_id": None, "key": None, "source_clause": None, "title_en": None,
        "description": "", "agencies": [], "start_date": None, "due_date": None,
        "recurrence": "none", "status": "not_started", "percent_done": 0, "overdue": False}


def test_an_agency_entry_takes_assigned_and_text_by_default(coordinator, plan_id):
    task = create_task(coordinator, plan_id, agencies=[{"agency": "CAT", "role": "lead"}])
    assert task["agencies"] == [agency("CAT", "lead", "assigned", "text", None)]
    assert set(task["agencies"][0]) == TASK_AGENCY_KEYS


def test_the_agencies_keep_their_order(coordinator, plan_id):
    entries = [agency("UBND-894", "coordinate"), agency("CAT"), agency("BDBP", "coordinate")]
    assert create_task(coordinator, plan_id, agencies=entries)["agencies"] == entries


@pytest.mark.parametrize("recurrence", RECURRENCES)
def test_every_recurrence_is_accepted(coordinator, plan_id, recurrence):
    assert create_task(coordinator, plan_id, recurrence=recurrence)["recurrence"] == recurrence


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_accepted(coordinator, plan_id, status):
    task = create_task(coordinator, plan_id, status=status)
    assert task["status"] == status
    assert task["percent_done"] == (100 if status == "done" else 0)


def test_a_task_done_without_a_percent_is_done_to_100(coordinator, plan_id):
    assert create_task(coordinator, plan_id, status="done")["percent_done"] == 100


def test_a_child_task_names_its_parent(coordinator, plan_id):
    parent = create_task(coordinator, plan_id)
    child = create_task(coordinator, plan_id, parent_id=parent["id"])
    grandchild = create_task(coordinator, plan_id, parent_id=child["id"])
    assert (child["parent_id"], grandchild["parent_id"]) == (parent["id"], child["id"])


def test_a_key_is_unique_per_plan_only(coordinator, plan_id):
    key = new_key()
    create_task(coordinator, plan_id, key=key)
    other = create_plan(coordinator)["id"]
    assert create_task(coordinator, other, key=key)["key"] == key


def test_as_many_agencies_as_there_are_up_to_200_are_accepted(coordinator, plan_id, api):
    codes = [a["code"] for a in api.walk("/v1/agencies", limit=500)[0]
             if a.get("valid_to") is None][:200]
    entries = [agency(c, "coordinate") for c in codes]
    assert len(create_task(coordinator, plan_id, agencies=entries)["agencies"]) == len(codes)


def assert_not_added(client, db, body, status, code, field, field_code=None):
    before = count_tasks(db)
    assert_field_error(client.post_json("/v1/tasks", body), status, code, field, field_code)
    assert count_tasks(db) == before


@pytest.mark.parametrize("field,value", [
    ("title", ""), ("title", "  "), ("title", "t" * 1001), ("title", None),
    ("title_en", "t" * 1001),
    ("description", "d" * 20001), ("description", 5), ("key", "Key-1"), ("key", "k_1"),
    ("key", "k--1"), ("key", "-k"), ("key", "k" * 65), ("source_clause", "s" * 65),
    ("start_date", "2017-02-29"), ("due_date", "31/12/2020"), ("due_date", "2020-12-31T00:00:00Z"),
    ("recurrence", "weekly"), ("recurrence", "Monthly"), ("status", "open"), ("status", None),
    ("percent_done", -1), ("percent_done", 101), ("percent_done", 50.5), ("percent_done", "50"),
    ("agencies", "SLDTBXH"), ("agencies", {"agency": "SYT"}), ("plan", "1"), ("parent_id", "x"),
    ("section", 2),
])
def test_a_bad_value_is_422_naming_the_field(coordinator, db, plan_id, field, value):
    assert_not_added(coordinator, db, new_task_body(plan_id, **{field: value}), 422,
                     "validation_failed", field)


@pytest.mark.parametrize("missing", ["plan", "title"])
def test_a_missing_field_is_422_naming_it(coordinator, db, plan_id, missing):
    body = new_task_body(plan_id)
    del body[missing]
    assert_not_added(coordinator, db, body, 422, "validation_failed", missing)


@pytest.mark.parametrize("entry,field", [
    ({"role": "lead"}, "agencies[0].agency"),
    ({"agency": "SYT"}, "agencies[0].role"),
    ({"agency": "SYT", "role": "leader"}, "agencies[0].role"),
    ({"agency": "SYT", "role": "lead", "mode": "asked"}, "agencies[0].mode"),
    ({"agency": "SYT", "role": "lead", "source": "guess"}, "agencies[0].source"),
    ({"agency": "SYT", "role": "lead", "note": 5}, "agencies[0].note"),
    ({"agency": 5, "role": "lead"}, "agencies[0].agency"),
    ("SYT", "agencies[0]"),
])
def test_a_bad_agency_entry_is_422_naming_it(coordinator, db, plan_id, entry, field):
    assert_not_added(coordinator, db, new_task_body(plan_id, agencies=[entry]), 422,
                     "validation_failed", field)


def test_an_unknown_key_in_an_agency_entry_is_400_naming_it(coordinator, db, plan_id):
    entries = [agency("SYT"), {"agency": "CAT", "role": "lead", "deadline": "2017-01-01"}]
    assert_not_added(coordinator, db, new_task_body(plan_id, agencies=entries), 400,
                     "bad_request", "agencies[1].deadline")


@pytest.mark.parametrize("code", ["NOPE", "UBND-885", "SYT-2"])
def test_an_unknown_agency_is_422_unknown(coordinator, db, plan_id, code):
    entries = [agency("SYT"), agency(code, "coordinate")]
    assert_not_added(coordinator, db, new_task_body(plan_id, agencies=entries), 422,
                     "validation_failed", "agencies[1].agency", "unknown")


def test_the_same_agency_twice_is_422_duplicate(coordinator, db, plan_id):
    entries = [agency("SYT"), agency("CAT", "coordinate"), agency("SYT", "coordinate")]
    assert_not_added(coordinator, db, new_task_body(plan_id, agencies=entries), 422,
                     "validation_failed", "agencies[2].agency", "duplicate")


def test_more_than_200_agencies_are_422(coordinator, db, plan_id):
    entries = [agency("SYT", "coordinate")] * 201
    assert_not_added(coordinator, db, new_task_body(plan_id, agencies=entries), 422,
                     "validation_failed", "agencies")


def test_a_due_date_before_the_start_is_422(coordinator, db, plan_id):
    body = new_task_body(plan_id, start_date="2017-03-01", due_date="2017-02-28")
    assert_not_added(coordinator, db, body, 422, "validation_failed", "due_date", "before_start")


def test_a_due_date_on_the_start_day_is_accepted(coordinator, plan_id):
    task = create_task(coordinator, plan_id, start_date="2017-03-01", due_date="2017-03-01")
    assert task["due_date"] == "2017-03-01"


@pytest.mark.parametrize("percent", [0, 50, 99])
def test_done_with_a_percent_below_100_is_422_inconsistent(coordinator, db, plan_id, percent):
    body = new_task_body(plan_id, status="done", percent_done=percent)
    assert_not_added(coordinator, db, body, 422, "validation_failed", "percent_done",
                     "inconsistent")


def test_an_unknown_or_archived_plan_is_422_unknown(coordinator, db):
    assert_not_added(coordinator, db, new_task_body(999999999), 422, "validation_failed", "plan",
                     "unknown")
    gone = create_plan(coordinator)["id"]
    archived(coordinator, f"/v1/plans/{gone}")
    assert_not_added(coordinator, db, new_task_body(gone), 422, "validation_failed", "plan",
                     "unknown")


def test_a_section_must_be_one_of_the_plans(coordinator, db, plan_id):
    other = create_plan(coordinator)["id"]
    create_section(coordinator, other, "III.9")
    for code in ("III.9", "IX"):
        assert_not_added(coordinator, db, new_task_body(plan_id, section=code), 422,
                         "validation_failed", "section", "unknown")


def test_a_parent_must_be_a_task_of_the_same_plan(coordinator, db, plan_id):
    other = create_plan(coordinator)["id"]
    stranger = create_task(coordinator, other)["id"]
    for parent in (stranger, 999999999):
        assert_not_added(coordinator, db, new_task_body(plan_id, parent_id=parent), 422,
                         "validation_failed", "parent_id", "unknown")


def test_a_key_taken_in_the_plan_is_409(coordinator, db, plan_id):
    key = new_key()
    create_task(coordinator, plan_id, key=key)
    assert_not_added(coordinator, db, new_task_body(plan_id, key=key), 409, "conflict", "key",
                     "taken")


@pytest.mark.parametrize("field", ["id", "overdue", "version", "created_at", "updated_at",
                                   "archived_at"])
def test_a_server_owned_field_is_400_naming_it(coordinator, db, plan_id, field):
    value = {"id": 5, "overdue": True, "version": 1}.get(field, "2017-01-01T00:00:00Z")
    assert_not_added(coordinator, db, new_task_body(plan_id, **{field: value}), 400,
                     "bad_request", field)


@pytest.mark.parametrize("field", ["lead", "assignees", "Title", "search_text"])
def test_an_unknown_field_is_400_naming_it(coordinator, db, plan_id, field):
    assert_not_added(coordinator, db, new_task_body(plan_id, **{field: "x"}), 400, "bad_request",
                     field)


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_add_a_task(api, db, plan_id, user):
    assert_not_added(api.as_user(user), db, new_task_body(plan_id), 403, "forbidden", None)


# --- reading ------------------------------------------------------------------------------------

def test_a_task_reads_alone_with_an_etag_as_listed(api, coordinator, plan_id):
    task = create_task(coordinator, plan_id)
    check_etag(api, task_path(task["id"]))
    assert all_tasks(api, plan=plan_id) == [task]


@pytest.mark.parametrize("form", ["same", "weak", "star"])
def test_a_task_honours_if_none_match(api, coordinator, plan_id, form):
    check_not_modified(api, task_path(create_task(coordinator, plan_id)["id"]), form)


@pytest.mark.parametrize("task_id", ["999999999", "0", "abc", "-1", "1.0"])
def test_an_unknown_or_malformed_task_id_is_404(api, task_id):
    assert_problem(api.get(f"/v1/tasks/{task_id}"), 404, "not_found")


# --- overdue: derived at read time around the due date ------------------------------------------

def read_overdue(api, task_id):
    """`overdue` of a task as GET /v1/tasks/{id}, the list and ?overdue= show it (they agree)."""
    one = read(api, task_path(task_id))[0]
    plan = one["plan"]
    listed = next(t for t in all_tasks(api, plan=plan) if t["id"] == task_id)
    assert listed["overdue"] == one["overdue"]
    in_true = task_id in ids(all_tasks(api, plan=plan, overdue="true"))
    in_false = task_id in ids(all_tasks(api, plan=plan, overdue="false"))
    assert (in_true, in_false) == (one["overdue"], not one["overdue"]), \
        f"?overdue= disagrees with the task's overdue {one['overdue']}"
    return one["overdue"]


def on_one_day(check):
    """Runs `check()` so that it sees a single date in An Giang (again if midnight passed)."""
    for _ in range(2):
        before = today()
        check()
        if today() == before:
            return
    raise AssertionError("the date changed twice while checking")


@pytest.mark.parametrize("offset,status,overdue", [
    (-1, "not_started", True), (-1, "in_progress", True), (-400, "in_progress", True),
    (0, "not_started", False), (0, "in_progress", False),
    (1, "not_started", False), (1, "in_progress", False),
    (-1, "done", False), (-1, "cancelled", False), (-400, "done", False),
], ids=lambda v: str(v))
def test_a_task_is_overdue_after_its_due_day_while_open(api, coordinator, plan_id, offset, status,
                                                         overdue):
    def check():
        task = create_task(coordinator, plan_id, start_date=None, due_date=day(offset),
                           status=status)
        assert task["overdue"] is overdue, f"as created: {task}"
        assert read_overdue(api, task["id"]) is overdue
    on_one_day(check)


def test_a_task_without_a_due_date_is_never_overdue(api, coordinator, plan_id):
    task = create_task(coordinator, plan_id, start_date=None, due_date=None)
    assert read_overdue(api, task["id"]) is False


def test_overdue_follows_the_status_and_the_due_date_as_they_change(api, coordinator, plan_id):
    def check():
        task = create_task(coordinator, plan_id, start_date=None, due_date=day(-1))
        path = task_path(task["id"])
        steps = [({"status": "in_progress", "percent_done": 30}, True),
                 ({"due_date": day(0)}, False),
                 ({"due_date": day(-2)}, True),
                 ({"status": "done"}, False),
                 ({"status": "in_progress", "percent_done": 90}, True),
                 ({"status": "cancelled"}, False),
                 ({"status": "not_started", "percent_done": 0}, True),
                 ({"due_date": day(1)}, False),
                 ({"due_date": day(-1)}, True),
                 ({"due_date": None}, False)]
        for change, overdue in steps:
            r = patch(coordinator, path, change)
            assert r.status_code == 200, r.text
            assert r.json()["overdue"] is overdue, f"after {change}: {r.json()}"
            assert read_overdue(api, task["id"]) is overdue, f"after {change}"
    on_one_day(check)


def test_an_archived_task_is_not_overdue(coordinator, plan_id):
    task = create_task(coordinator, plan_id, start_date=None, due_date=day(-3))
    assert task["overdue"] is True
    archived(coordinator, task_path(task["id"]))
    assert read(coordinator, task_path(task["id"]))[0]["overdue"] is False


# --- changing -----------------------------------------------------------------------------------

def test_a_patch_changes_the_fields_given_and_nothing_else(coordinator, plan_id):
    task = create_task(coordinator, plan_id, section="II.1")
    path = task_path(task["id"])
    _, etag = read(coordinator, path)
    change = {"title_en": "Training", "section": "V.1", "start_date": day(-5),
              "due_date": "2031-01-31", "recurrence": "monthly", "status": "in_progress",
              "percent_done": 10}
    r = patch(coordinator, path, change, etag)
    assert r.status_code == 200, r.text
    after = r.json()
    assert {k: after[k] for k in change} == change and after["version"] == 2
    unchanged = TASK_KEYS - set(change) - {"version", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: task[k] for k in unchanged}
    assert r.headers["ETag"] != etag and read(coordinator, path) == (after, r.headers["ETag"])


def test_agencies_in_a_patch_replace_the_whole_list(coordinator, plan_id):
    task = create_task(coordinator, plan_id,
                       agencies=[agency("SLDTBXH"), agency("SYT", "coordinate")])
    new = [agency("CAT", "lead", source="inferred", note="V.2")]
    r = patch(coordinator, task_path(task["id"]), {"agencies": new})
    assert r.status_code == 200 and r.json()["agencies"] == new
    r = patch(coordinator, task_path(task["id"]), {"agencies": []})
    assert r.status_code == 200 and r.json()["agencies"] == []


def test_null_clears_an_optional_field_of_a_task(coordinator, plan_id):
    task = create_task(coordinator, plan_id, section="II.1", source_clause="II.1", title_en="x")
    cleared = {"section": None, "source_clause": None, "title_en": None, "start_date": None}
    r = patch(coordinator, task_path(task["id"]), cleared)
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in cleared} == cleared


def test_null_clears_a_tasks_key(coordinator, plan_id):
    """A key is optional (a task made without one has none): merge patch null removes it."""
    task = create_task(coordinator, plan_id, key=new_key())
    r = patch(coordinator, task_path(task["id"]), {"key": None})
    assert r.status_code == 200, r.text
    assert r.json()["key"] is None


def test_a_task_may_move_under_another_parent_of_its_plan(coordinator, plan_id):
    a, b = create_task(coordinator, plan_id), create_task(coordinator, plan_id)
    child = create_task(coordinator, plan_id, parent_id=a["id"])
    r = patch(coordinator, task_path(child["id"]), {"parent_id": b["id"]})
    assert r.status_code == 200 and r.json()["parent_id"] == b["id"]
    r = patch(coordinator, task_path(child["id"]), {"parent_id": None})
    assert r.status_code == 200 and r.json()["parent_id"] is None


def test_a_parent_that_makes_a_cycle_is_422(coordinator, plan_id):
    a = create_task(coordinator, plan_id)
    b = create_task(coordinator, plan_id, parent_id=a["id"])
    c = create_task(coordinator, plan_id, parent_id=b["id"])
    for task, parent in ((a, c["id"]), (a, b["id"]), (b, b["id"])):
        path = task_path(task["id"])
        before = read(coordinator, path)
        assert_field_error(patch(coordinator, path, {"parent_id": parent}), 422,
                           "validation_failed", "parent_id", "cycle")
        assert read(coordinator, path) == before


def test_done_in_a_patch_means_100_percent(coordinator, plan_id):
    task = create_task(coordinator, plan_id, status="in_progress", percent_done=40)
    r = patch(coordinator, task_path(task["id"]), {"status": "done"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["percent_done"]) == ("done", 100)


@pytest.mark.parametrize("body,status,code,field,field_code", [
    ({"plan": 1}, 400, "bad_request", "plan", None),
    ({"overdue": False}, 400, "bad_request", "overdue", None),
    ({"version": 7}, 400, "bad_request", "version", None),
    ({"owner": "x"}, 400, "bad_request", "owner", None),
    ({"title": None}, 422, "validation_failed", "title", None),
    ({"status": "finished"}, 422, "validation_failed", "status", None),
    ({"percent_done": 120}, 422, "validation_failed", "percent_done", None),
    ({"status": "done", "percent_done": 60}, 422, "validation_failed", "percent_done",
     "inconsistent"),
    ({"due_date": "2016-12-31"}, 422, "validation_failed", "due_date", "before_start"),
    ({"section": "IX"}, 422, "validation_failed", "section", "unknown"),
    ({"parent_id": 999999999}, 422, "validation_failed", "parent_id", "unknown"),
    ({"agencies": [agency("SYT"), agency("SYT", "coordinate")]}, 422, "validation_failed",
     "agencies[1].agency", "duplicate"),
    ({"agencies": [agency("NOPE")]}, 422, "validation_failed", "agencies[0].agency", "unknown"),
    ({"agencies": [{"agency": "SYT", "role": "lead", "x": 1}]}, 400, "bad_request",
     "agencies[0].x", None),
])
def test_a_refused_task_patch_changes_nothing(coordinator, plan_id, body, status, code, field,
                                              field_code):
    task = create_task(coordinator, plan_id)  # starts 2017-01-01
    path = task_path(task["id"])
    before = read(coordinator, path)
    assert_field_error(patch(coordinator, path, body), status, code, field, field_code)
    assert read(coordinator, path) == before


def test_a_key_taken_in_the_plan_is_409_on_patch(coordinator, plan_id):
    key = new_key()
    create_task(coordinator, plan_id, key=key)
    task = create_task(coordinator, plan_id)
    assert_field_error(patch(coordinator, task_path(task["id"]), {"key": key}), 409, "conflict",
                       "key", "taken")


def test_a_parent_of_another_plan_is_422_on_patch(coordinator, plan_id):
    stranger = create_task(coordinator, create_plan(coordinator)["id"])
    task = create_task(coordinator, plan_id)
    assert_field_error(patch(coordinator, task_path(task["id"]), {"parent_id": stranger["id"]}),
                       422, "validation_failed", "parent_id", "unknown")


def test_patching_an_unknown_task_is_404(coordinator):
    assert_problem(patch(coordinator, task_path(999999999), {"title": "x"}, '"0000000000000000"'),
                   404, "not_found")


# --- archiving and restoring --------------------------------------------------------------------

@pytest.fixture
def archived_task(coordinator, plan_id):
    """A task (with a sibling), archived: (its id, the task before)."""
    create_task(coordinator, plan_id)
    task = create_task(coordinator, plan_id)
    r = archive(coordinator, task_path(task["id"]))
    assert r.status_code == 204 and r.content == b"", r.text
    return task["id"], task


def test_an_archived_task_is_kept_with_its_archive_time(coordinator, archived_task):
    task_id, before = archived_task
    after, _ = read(coordinator, task_path(task_id))
    assert TIMESTAMP.match(after["archived_at"]) and after["version"] == before["version"] + 1
    assert after["title"] == before["title"]


@pytest.mark.parametrize("user", READERS)
def test_an_archived_task_does_not_exist_for_other_roles(api, archived_task, user):
    task_id, before = archived_task
    client = api.as_user(user)
    for path in (task_path(task_id), task_path(task_id, "history"),
                 task_path(task_id, "updates")):
        assert_problem(client.get(path), 404, "not_found")
    assert task_id not in ids(all_tasks(client, plan=before["plan"]))
    assert_problem(client.get("/v1/tasks", params={"include_archived": "true"}), 403,
                   "forbidden", "include_archived")


@pytest.mark.parametrize("editor", EDITORS)
def test_editors_list_archived_tasks_when_they_ask(api, archived_task, editor):
    task_id, before = archived_task
    client = api.as_user(editor)
    assert task_id not in ids(all_tasks(client, plan=before["plan"]))
    with_archived = all_tasks(client, plan=before["plan"], include_archived="true")
    assert task_id in ids(with_archived) and len(with_archived) == 2
    assert [t for t in with_archived if t["archived_at"] is None] == \
        all_tasks(client, plan=before["plan"], include_archived="false")


def test_an_archived_task_cannot_be_changed_archived_again_or_be_a_parent(coordinator,
                                                                         archived_task):
    task_id, before = archived_task
    path = task_path(task_id)
    current = read(coordinator, path)
    assert_problem(patch(coordinator, path, {"title": "x"}), 409, "conflict")
    assert_problem(archive(coordinator, path), 409, "conflict")
    assert read(coordinator, path) == current


def test_a_restored_task_is_back_for_everyone(api, coordinator, archived_task):
    task_id, before = archived_task
    r = restore(coordinator, task_path(task_id))
    assert r.status_code == 200, r.text
    assert r.json()["archived_at"] is None and r.json()["version"] == before["version"] + 2
    assert read(api, task_path(task_id)) == (r.json(), r.headers["ETag"])
    assert task_id in ids(all_tasks(api, plan=before["plan"]))


def test_a_task_that_is_not_archived_cannot_be_restored(coordinator, plan_id):
    task = create_task(coordinator, plan_id)
    assert_problem(restore(coordinator, task_path(task["id"])), 409, "conflict")
    assert read(coordinator, task_path(task["id"]))[0] == task


@pytest.mark.parametrize("task_id", ["999999999", "abc"])
def test_restoring_or_archiving_an_unknown_task_is_404(coordinator, task_id):
    assert_problem(restore(coordinator, task_path(task_id)), 404, "not_found")
    assert_problem(archive(coordinator, task_path(task_id), '"0000000000000000"'), 404,
                   "not_found")


@pytest.mark.parametrize("user", READERS)
def test_other_roles_cannot_archive_or_restore_a_task(api, coordinator, plan_id, user):
    task = create_task(coordinator, plan_id, agencies=[agency(DEMO_USERS[user][0])])
    path = task_path(task["id"])
    assert_problem(archive(api.as_user(user), path), 403, "forbidden")
    archived(coordinator, path)
    assert_problem(restore(api.as_user(user), path), 403, "forbidden")
    assert read(coordinator, path)[0]["archived_at"] is not None


# --- the queries --------------------------------------------------------------------------------

class FilterPlan:
    """A plan whose tasks differ in every way a filter can tell, made once for the module."""

    def __init__(self, editor):
        self.editor = editor
        self.id = create_plan(editor)["id"]
        self.other_plan = create_plan(editor)["id"]
        for code, seq in (("II.1", 1), ("II.2", 2)):
            create_section(editor, self.id, code, seq=seq)
        create_section(editor, self.other_plan, "II.1", seq=1)
        add = self.add
        self.root = add(section="II.1", due_date=day(-1), key=new_key("tuyen-truyen"),
                        title="Tuyên truyền phòng, chống mại dâm ở trường học",
                        agencies=[agency("SYT"), agency("UBND-883", "coordinate")])
        add(parent_id=self.root, section="II.1", due_date=day(0), status="in_progress",
            percent_done=30, agencies=[agency("UBND-883"), agency("TAND", "coordinate",
                                                                   "requested")])
        add(parent_id=self.root, section="II.2", due_date=day(1), source_clause="II.3.1.b",
            agencies=[agency("TAND", "lead", "requested")])
        add(section="II.2", due_date=day(-1), status="done",
            agencies=[agency("SLDTBXH"), agency("SYT", "coordinate", source="inferred")])
        add(due_date=day(-1), status="cancelled", recurrence="six_monthly",
            agencies=[agency("SLDTBXH"), agency("HLHPN", "coordinate", "requested")])
        add(start_date=None, description="Tổ chức TUYÊN TRUYỀN lưu động tại xã Vĩnh Hoà",
            agencies=[])
        add(due_date="2017-06-30", status="in_progress", percent_done=60, title_en="Inspections",
            agencies=[agency("SYT", "lead", source="inferred"), agency("CAT", "coordinate")])
        add(due_date=day(-5), agencies=[agency("UBND-884", "lead")], recurrence="monthly")
        self.archived = add(due_date=day(-1), agencies=[agency("SYT")])
        archived(editor, task_path(self.archived))
        # the other plan: the same section code and agencies, so that `plan` matters
        create_task(editor, self.other_plan, section="II.1", due_date=day(-1),
                    agencies=[agency("SYT"), agency("TAND", "coordinate", "requested")])
        time.sleep(1.1)  # a second later than every creation above
        r = patch(editor, task_path(self.root), {"percent_done": 10})
        assert r.status_code == 200, r.text
        self.changed_at = r.json()["updated_at"]

    def add(self, **fields):
        fields.setdefault("start_date", "2016-07-15")
        return create_task(self.editor, self.id, **fields)["id"]


@pytest.fixture(scope="module")
def fp(coordinator):
    return FilterPlan(coordinator)


def has(code=None, role=None, mode=None):
    """A predicate: the task has an agency entry with these values."""
    def pred(fp, task):
        return any((code is None or a["agency"] == code) and (role is None or a["role"] == role)
                   and (mode is None or a["mode"] == mode) for a in task["agencies"])
    return pred


def due(cmp):
    return lambda fp, task: task["due_date"] is not None and cmp(task["due_date"])


# (params of the filter plan, predicate of the filter plan and a task): the filter keeps exactly
# the tasks for which the predicate holds.
FILTERS = {
    "agency": (lambda fp: {"agency": "SYT"}, has("SYT")),
    "agency of a district": (lambda fp: {"agency": "UBND-883"}, has("UBND-883")),
    "agency and role lead": (lambda fp: {"agency": "SYT", "role": "lead"}, has("SYT", "lead")),
    "agency and role coordinate": (lambda fp: {"agency": "SYT", "role": "coordinate"},
                                   has("SYT", "coordinate")),
    "agency and mode requested": (lambda fp: {"agency": "TAND", "mode": "requested"},
                                  has("TAND", mode="requested")),
    "agency, role and mode": (lambda fp: {"agency": "TAND", "role": "coordinate",
                                          "mode": "requested"},
                              has("TAND", "coordinate", "requested")),
    "mode requested": (lambda fp: {"mode": "requested"}, has(mode="requested")),
    "mode assigned": (lambda fp: {"mode": "assigned"}, has(mode="assigned")),
    "status in_progress": (lambda fp: {"status": "in_progress"},
                           lambda fp, t: t["status"] == "in_progress"),
    "status done": (lambda fp: {"status": "done"}, lambda fp, t: t["status"] == "done"),
    "overdue true": (lambda fp: {"overdue": "true"}, lambda fp, t: t["overdue"]),
    "overdue false": (lambda fp: {"overdue": "false"}, lambda fp, t: not t["overdue"]),
    "due_before today": (lambda fp: {"due_before": day(0)}, due(lambda d: d < day(0))),
    "due_after today": (lambda fp: {"due_after": day(0)}, due(lambda d: d > day(0))),
    "due between": (lambda fp: {"due_after": "2017-06-29", "due_before": day(0)},
                    due(lambda d: "2017-06-29" < d < day(0))),
    "section": (lambda fp: {"section": "II.1"}, lambda fp, t: t["section"] == "II.1"),
    "parent_id": (lambda fp: {"parent_id": fp.root}, lambda fp, t: t["parent_id"] is not None),
    "q words": (lambda fp: {"q": "tuyen truyen"}, lambda fp, t: searched(task_text(t),
                                                                   "tuyen truyen")),
    "q with diacritics": (lambda fp: {"q": "Tuyên Truyền"},
                          lambda fp, t: searched(task_text(t), "tuyen truyen")),
    "q in a source clause": (lambda fp: {"q": "II.3.1.b"},
                             lambda fp, t: t["source_clause"] == "II.3.1.b"),
    "q in an English title": (lambda fp: {"q": "inspections"},
                              lambda fp, t: t["title_en"] == "Inspections"),
    "updated_since": (lambda fp: {"updated_since": fp.changed_at},
                      lambda fp, t: t["updated_at"] >= fp.changed_at),
    "agency and overdue": (lambda fp: {"agency": "SYT", "overdue": "true"},
                           lambda fp, t: has("SYT")(fp, t) and t["overdue"]),
    "status and section": (lambda fp: {"status": "not_started", "section": "II.1"},
                           lambda fp, t: t["status"] == "not_started" and t["section"] == "II.1"),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_a_filter_keeps_exactly_the_tasks_it_names(api, fp, name):
    params, pred = FILTERS[name]
    params = params(fp)
    mine = all_tasks(api, plan=fp.id)
    expected = [t for t in mine if pred(fp, t)]
    assert expected and len(expected) < len(mine), f"the filter plan does not test {name}"
    assert all_tasks(api, plan=fp.id, **params) == expected


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_a_filter_pages_to_the_end_without_duplicates(api, fp, name):
    params = {"plan": fp.id, **FILTERS[name][0](fp)}
    whole = all_tasks(api, **params)
    paged, pages = api.walk("/v1/tasks", params, limit=2, via="link" if len(name) % 2 else "cursor")
    assert ids(paged) == ids(whole) and len(set(ids(paged))) == len(paged)
    assert ids(paged) == sorted(ids(paged)) and pages == max(1, -(-len(whole) // 2))


@pytest.mark.parametrize("name", ["agency", "agency and role lead", "mode requested",
                                  "status done", "overdue true", "overdue false",
                                  "due_before today", "due_after today", "section", "q words"])
def test_a_filter_keeps_exactly_the_tasks_it_names_across_all_plans(api, fp, name):
    params, pred = FILTERS[name]
    everything = all_tasks(api)
    assert all_tasks(api, **params(fp)) == [t for t in everything if pred(fp, t)]


def test_role_and_mode_apply_to_the_named_agencys_own_entry(api, fp):
    """UBND-883 leads, as assigned, a task on which TAND coordinates on request: asking for the
    tasks UBND-883 holds on request, or coordinates, must not find it."""
    assert all_tasks(api, plan=fp.id, agency="UBND-883", mode="requested") == []
    assert all_tasks(api, plan=fp.id, agency="UBND-883", role="coordinate", mode="assigned") == [
        t for t in all_tasks(api, plan=fp.id) if has("UBND-883", "coordinate")(fp, t)]
    assert [t["parent_id"] for t in all_tasks(api, plan=fp.id, agency="TAND", role="lead")] == [
        fp.root]


def test_the_plan_filter_keeps_one_plans_tasks(api, fp):
    everything = all_tasks(api)
    for plan in (fp.id, fp.other_plan):
        mine = all_tasks(api, plan=plan)
        assert mine == [t for t in everything if t["plan"] == plan] and mine


def test_the_whole_list_is_ordered_by_id_and_pages_without_duplicates(api, fp):
    whole = all_tasks(api)
    assert ids(whole) == sorted(ids(whole)) and len(whole) > 50
    paged, pages = api.walk("/v1/tasks", limit=7, via="link")
    assert paged == whole and pages == -(-len(whole) // 7)


def test_updated_since_takes_a_time_with_an_offset_or_a_date(api, fp):
    since = datetime.datetime.fromisoformat(fp.changed_at.replace("Z", "+00:00"))
    local = since.astimezone(datetime.timezone(datetime.timedelta(hours=7))).isoformat()
    assert ids(all_tasks(api, plan=fp.id, updated_since=local)) == [fp.root]
    assert len(all_tasks(api, plan=fp.id, updated_since="2000-01-01")) == \
        len(all_tasks(api, plan=fp.id))
    assert all_tasks(api, plan=fp.id, updated_since=day(2)) == []


def test_include_archived_adds_the_archived_tasks_for_editors(coordinator, fp):
    plain = all_tasks(coordinator, plan=fp.id)
    with_archived = all_tasks(coordinator, plan=fp.id, include_archived="true")
    assert fp.archived not in ids(plain)
    assert ids(with_archived) == sorted(ids(plain) + [fp.archived])
    paged, _ = coordinator.walk("/v1/tasks", {"plan": fp.id, "include_archived": "true"},
                                limit=2, via="link")
    assert paged == with_archived


@pytest.mark.parametrize("code", ["NOPE", "UBND-885", "syt"])
def test_an_unknown_agency_in_the_filter_is_an_empty_list(api, code):
    r = api.get("/v1/tasks", params={"agency": code})
    assert r.status_code == 200 and r.json() == {"items": [], "next_cursor": None}


def test_an_unknown_plan_section_or_parent_in_the_filter_is_an_empty_list(api):
    for params in ({"plan": 999999999}, {"section": "IX.9"}, {"parent_id": 999999999}):
        assert all_tasks(api, **params) == [], params


def test_role_without_agency_is_400(api):
    assert_problem(api.get("/v1/tasks", params={"role": "lead"}), 400, "invalid_parameter", "role")


@pytest.mark.parametrize("param,value", [
    ("role", "leader"), ("mode", "asked"), ("status", "open"), ("status", "done,cancelled"),
    ("overdue", "yes"), ("overdue", "1"), ("due_before", "2017-02-30"), ("due_before", "yesterday"),
    ("due_after", "2017/01/01"), ("due_after", "2017-1-1"), ("updated_since", "noon"),
    ("updated_since", "2017-01-01T25:00:00Z"), ("plan", "abc"), ("parent_id", "1.5"),
    ("include_archived", "1"), ("limit", "0"), ("cursor", "nonsense"),
])
def test_a_bad_query_parameter_is_400_naming_it(api, param, value):
    params = {param: value}
    if param == "role":
        params["agency"] = "SYT"
    assert_problem(api.get("/v1/tasks", params=params), 400, "invalid_parameter", param)


def test_an_unknown_query_parameter_is_400(api):
    assert_problem(api.get("/v1/tasks", params={"lead": "SYT"}), 400, "unknown_parameter", "lead")

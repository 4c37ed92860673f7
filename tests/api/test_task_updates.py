"""Progress updates (issue 5, item 4): a note, a new percent and status, and evidence links, posted
on a task with its author and agency. Posting one applies its percent and status to the task in
the same transaction — a new version of the task, audited like any change — and keeps the
previous values in the update, so that the updates are the task's progress journal.
"""

import concurrent.futures
import re
import threading
import uuid

import pytest

from audit import changes_by_field, history, recorded
from checks import assert_problem
from plans import (UPDATE_KEYS, agency, archived, create_plan, create_task, patch, post_update,
                   read, task_path, update_path)

TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")


@pytest.fixture
def task(coordinator):
    """A fresh task of a plan of its own: UBND-883 leads, SYT coordinates."""
    plan_id = create_plan(coordinator)["id"]
    return create_task(coordinator, plan_id, agencies=[agency("UBND-883"),
                                                       agency("SYT", "coordinate")])


def posted(client, task_id, body, headers=None):
    r = post_update(client, task_id, body, headers)
    assert r.status_code == 201, f"posting {body} -> {r.status_code}: {r.text[:500]}"
    return r


def count_updates(db, task_id):
    return db.execute("SELECT count(*) FROM task_update WHERE task_id = %s",
                      (task_id,)).fetchone()[0]


# --- posting ------------------------------------------------------------------------------------

def test_an_update_is_the_posters_and_applies_to_the_task(api, coordinator, task):
    body = {"note": "Đã tổ chức 2 lớp tập huấn cho 80 cán bộ.", "percent_done": 40,
            "status": "in_progress", "evidence": ["https://sldtbxh.angiang.gov.vn/tin/123",
                                                  "http://example.org/anh.jpg"]}
    r = posted(coordinator, task["id"], body)
    update = r.json()
    assert set(update) == UPDATE_KEYS
    assert {k: update[k] for k in body} == body
    assert (update["task"], update["author"], update["agency"]) == (task["id"], "coordinator",
                                                                   "SLDTBXH")
    assert (update["previous_status"], update["previous_percent_done"]) == ("not_started", 0)
    assert TIMESTAMP.match(update["created_at"])
    assert r.headers["Location"] == update_path(task["id"], update["id"])
    assert api.json(update_path(task["id"], update["id"])) == update
    after, _ = read(api, task_path(task["id"]))
    assert (after["status"], after["percent_done"], after["version"]) == ("in_progress", 40, 2)
    assert after["updated_at"] >= task["updated_at"]


def test_an_update_carries_the_agency_of_its_author(api, task):
    update = posted(api.as_user("health.officer"), task["id"], {"note": "Đã kiểm tra 3 cơ sở."})
    assert (update.json()["author"], update.json()["agency"]) == ("health.officer", "SYT")


def test_a_note_alone_leaves_the_percent_and_status_as_they_are(api, coordinator, task):
    posted(coordinator, task["id"], {"percent_done": 25, "status": "in_progress"})
    update = posted(coordinator, task["id"], {"note": "Chưa có gì mới."}).json()
    assert (update["percent_done"], update["status"]) == (None, None)
    assert (update["previous_status"], update["previous_percent_done"]) == ("in_progress", 25)
    after, _ = read(api, task_path(task["id"]))
    assert (after["status"], after["percent_done"]) == ("in_progress", 25)


def test_a_percent_alone_keeps_the_status(api, coordinator, task):
    update = posted(coordinator, task["id"], {"percent_done": 15}).json()
    assert update["status"] is None
    after, _ = read(api, task_path(task["id"]))
    assert (after["status"], after["percent_done"]) == ("not_started", 15)


def test_an_update_to_done_completes_the_task_to_100(api, coordinator, task):
    posted(coordinator, task["id"], {"percent_done": 70, "status": "in_progress"})
    update = posted(coordinator, task["id"], {"status": "done", "note": "Hoàn thành."}).json()
    assert (update["previous_status"], update["previous_percent_done"]) == ("in_progress", 70)
    after, _ = read(api, task_path(task["id"]))
    assert (after["status"], after["percent_done"]) == ("done", 100)


def test_each_update_remembers_what_it_replaced(api, coordinator, task):
    steps = [({"percent_done": 10, "status": "in_progress"}, ("not_started", 0)),
             ({"percent_done": 55}, ("in_progress", 10)),
             ({"status": "cancelled", "note": "Dừng theo chỉ đạo."}, ("in_progress", 55)),
             ({"status": "in_progress", "percent_done": 60}, ("cancelled", 55))]
    for body, previous in steps:
        update = posted(coordinator, task["id"], body).json()
        assert (update["previous_status"], update["previous_percent_done"]) == previous, body
    after, _ = read(api, task_path(task["id"]))
    assert (after["status"], after["percent_done"], after["version"]) == ("in_progress", 60, 5)


def test_the_updates_are_listed_oldest_first_and_page(api, coordinator, task):
    made = [posted(coordinator, task["id"], {"percent_done": n * 10}).json() for n in range(1, 6)]
    whole, _ = api.walk(task_path(task["id"], "updates"), limit=500)
    assert whole == made
    paged, pages = api.walk(task_path(task["id"], "updates"), limit=2, via="link")
    assert paged == made and pages == 3


def test_a_task_without_updates_lists_none(api, task):
    assert api.json(task_path(task["id"], "updates")) == {"items": [], "next_cursor": None}


def test_an_update_is_read_under_its_own_task_only(api, coordinator, task):
    update = posted(coordinator, task["id"], {"note": "x"}).json()
    other = create_task(coordinator, task["plan"])
    assert_problem(api.get(update_path(other["id"], update["id"])), 404, "not_found")
    assert_problem(api.get(update_path(task["id"], 999999999)), 404, "not_found")
    assert_problem(api.get(update_path(task["id"], "abc")), 404, "not_found")


def test_the_update_list_takes_only_paging_parameters(api, task):
    path = task_path(task["id"], "updates")
    assert_problem(api.get(path, params={"author": "coordinator"}), 400, "unknown_parameter",
                   "author")
    assert_problem(api.get(path, params={"limit": "0"}), 400, "invalid_parameter", "limit")


# --- refused updates ----------------------------------------------------------------------------

def assert_not_posted(client, db, task, body, status, code, field=None, field_code=None):
    before = count_updates(db, task["id"]), read(client, task_path(task["id"]))
    r = post_update(client, task["id"], body)
    problem = assert_problem(r, status, code, field)
    if field_code:
        assert problem["errors"][0]["code"] == field_code, problem
    assert (count_updates(db, task["id"]), read(client, task_path(task["id"]))) == before, \
        "a refused update changed the task or added an update"
    return problem


@pytest.mark.parametrize("body", [{}, {"evidence": ["https://example.org/a"]}, {"note": None}],
                         ids=["empty", "evidence alone", "null note"])
def test_an_update_with_nothing_to_say_is_422(coordinator, db, task, body):
    assert_not_posted(coordinator, db, task, body, 422, "validation_failed", "note", "required")


@pytest.mark.parametrize("field,value", [
    ("note", "n" * 5001), ("note", 5), ("percent_done", -1), ("percent_done", 101),
    ("percent_done", 33.3), ("status", "finished"), ("status", "Done"),
    ("evidence", "https://example.org"), ("evidence", ["https://example.org/a"] * 21),
])
def test_a_bad_update_value_is_422_naming_the_field(coordinator, db, task, field, value):
    body = {"note": "Báo cáo tiến độ", field: value}
    assert_not_posted(coordinator, db, task, body, 422, "validation_failed", field)


@pytest.mark.parametrize("link", ["ftp://example.org/a", "example.org/a", "javascript:alert(1)",
                                  "https://", "https://example.org/" + "a" * 2000, 5, None,
                                  "https://exa mple.org/"])
def test_evidence_must_be_web_links(coordinator, db, task, link):
    body = {"note": "Ảnh chụp", "evidence": ["https://example.org/ok", link]}
    assert_not_posted(coordinator, db, task, body, 422, "validation_failed", "evidence[1]",
                      "invalid")


def test_a_link_of_2000_characters_is_accepted(coordinator, task):
    link = "https://example.org/" + "a" * 1980
    assert posted(coordinator, task["id"], {"note": "x", "evidence": [link]}).json()[
        "evidence"] == [link]


@pytest.mark.parametrize("percent", [0, 99])
def test_done_with_a_percent_below_100_is_422_inconsistent(coordinator, db, task, percent):
    assert_not_posted(coordinator, db, task, {"status": "done", "percent_done": percent}, 422,
                      "validation_failed", "percent_done", "inconsistent")


@pytest.mark.parametrize("field", ["id", "task", "author", "agency", "created_at",
                                   "previous_status", "previous_percent_done"])
def test_a_server_owned_update_field_is_400_naming_it(coordinator, db, task, field):
    value = {"id": 1, "task": task["id"], "author": "admin", "agency": "STTTT",
             "previous_status": "done", "previous_percent_done": 100}.get(
        field, "2017-01-01T00:00:00Z")
    assert_not_posted(coordinator, db, task, {"note": "x", field: value}, 400, "bad_request",
                      field)


def test_an_unknown_update_field_is_400_naming_it(coordinator, db, task):
    assert_not_posted(coordinator, db, task, {"note": "x", "due_date": "2030-01-01"}, 400,
                      "bad_request", "due_date")


def test_an_archived_task_takes_no_update(coordinator, db, task):
    archived(coordinator, task_path(task["id"]))
    assert_not_posted(coordinator, db, task, {"percent_done": 50}, 409, "conflict")


def test_an_unknown_task_takes_no_update(coordinator):
    assert_problem(post_update(coordinator, 999999999, {"note": "x"}), 404, "not_found")


# --- one transaction: the update, the task's new version, the audit trail -----------------------

def test_posting_an_update_records_the_update_and_the_tasks_change(coordinator, audit_log, task):
    r, events = recorded(audit_log, coordinator, lambda: post_update(
        coordinator, task["id"], {"percent_done": 40, "status": "in_progress", "note": "Tiến độ"}))
    assert r.status_code == 201, r.text
    update = r.json()
    by_type = {e["entity_type"]: e for e in events}
    assert sorted(by_type) == ["task-updates", "tasks"] and len(events) == 2, events
    created, changed = by_type["task-updates"], by_type["tasks"]
    assert (created["action"], created["entity_id"], created["user"]) == (
        "create", str(update["id"]), "coordinator")
    assert (changed["action"], changed["entity_id"], changed["version"], changed["user"]) == (
        "update", str(task["id"]), 2, "coordinator")
    assert {k: v for k, v in changes_by_field(changed).items()
            if k in ("percent_done", "status")} == {"percent_done": (0, 40),
                                                    "status": ("not_started", "in_progress")}
    assert created["request_id"] == changed["request_id"] == r.headers["X-Request-Id"]


def test_the_tasks_history_shows_the_update_by_its_poster(api, task):
    officer = api.as_user("longxuyen.officer")
    posted(officer, task["id"], {"percent_done": 30, "status": "in_progress"})
    events = history(api, task_path(task["id"]))
    assert [(e["action"], e["version"]) for e in events] == [("create", 1), ("update", 2)]
    assert (events[1]["user"], events[1]["agency"], events[1]["role"]) == (
        "longxuyen.officer", "UBND-883", "officer")
    assert changes_by_field(events[1])["percent_done"] == (0, 30)


def test_an_update_makes_the_tasks_etag_stale(api, coordinator, task):
    path = task_path(task["id"])
    _, etag = read(coordinator, path)
    posted(coordinator, task["id"], {"percent_done": 20})
    assert_problem(patch(coordinator, path, {"due_date": "2031-01-01"}, etag), 412,
                   "precondition_failed")
    assert read(coordinator, path)[1] != etag
    assert read(coordinator, path)[0]["due_date"] == task["due_date"]


def test_a_refused_update_records_nothing(coordinator, audit_log, task):
    r, events = recorded(audit_log, coordinator, lambda: post_update(
        coordinator, task["id"], {"status": "done", "percent_done": 10}))
    assert r.status_code == 422 and events == []


def test_concurrent_updates_each_apply_once_in_one_order(api, coordinator, task):
    """Ten updates posted at the same moment: each makes one version of the task, and each one's
    previous values are exactly what the one before it (by id) left."""
    clients = [coordinator.clone() for _ in range(10)]
    barrier = threading.Barrier(len(clients), timeout=30)

    def send(args):
        n, client = args
        barrier.wait()
        return post_update(client, task["id"], {"percent_done": 5 * n + 1, "note": f"#{n}"})

    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(send, enumerate(clients), timeout=60))
    assert [r.status_code for r in answers] == [201] * 10, [r.text[:200] for r in answers]
    updates = sorted((r.json() for r in answers), key=lambda u: u["id"])
    previous = 0
    for u in updates:
        assert u["previous_percent_done"] == previous, updates
        previous = u["percent_done"]
    after, _ = read(api, task_path(task["id"]))
    assert (after["percent_done"], after["version"]) == (updates[-1]["percent_done"], 11)


# --- idempotent posting -------------------------------------------------------------------------

def test_a_retried_update_with_the_same_key_is_posted_once(api, coordinator, db, audit_log, task):
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    body = {"percent_done": 35, "note": "Gửi lại khi mất mạng"}
    first, events = recorded(audit_log, coordinator,
                             lambda: post_update(coordinator, task["id"], body, key))
    assert first.status_code == 201 and len(events) == 2, first.text
    again, more = recorded(audit_log, coordinator,
                           lambda: post_update(coordinator, task["id"], body, key))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (again.status_code, again.content, again.headers["Location"]) == (
        201, first.content, first.headers["Location"])
    assert more == [] and count_updates(db, task["id"]) == 1
    assert read(api, task_path(task["id"]))[0]["version"] == 2


def test_the_same_key_with_another_update_is_422(coordinator, db, task):
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    posted(coordinator, task["id"], {"percent_done": 35}, key)
    r = post_update(coordinator, task["id"], {"percent_done": 36}, key)
    assert_problem(r, 422, "validation_failed", "Idempotency-Key")
    assert count_updates(db, task["id"]) == 1

"""Every write of plan data is safe (issue 5, with issue 4's rules): plans, sections and tasks have
ETags and answer If-None-Match; a change or archive names the version it changes (`428` without
If-Match, `412` when stale, exactly one winner of two changes from one ETag); each create, update,
archive and restore records one audit event naming the object, which its history and the change
feed show; a POST with an Idempotency-Key runs once.
"""

import concurrent.futures
import threading
import uuid

import pytest

from audit import changes_by_field, history, recorded
from checks import assert_problem, check_etag, check_not_modified
from plans import (all_tasks, create_plan, create_section, create_task, new_plan_body,
                   new_section_body, new_task_body, plan_path, read, section_path, seeded_plan,
                   task_path)
from test_changes import Follower

STALE = ['"0000000000000000"', "garbage", '""', "W/{etag}", "{etag}x"]


class PlanKind:
    """A plan: POST /v1/plans, /v1/plans/{id}, audited as `plans` by id."""

    name = "plan"
    entity_type = "plans"
    change = {"title_en": "Changed by the write-safety tests"}
    field = "title_en"

    def __init__(self, editor):
        self.editor = editor

    def post(self, headers=None):
        """(POST path, body) of a new object."""
        return "/v1/plans", new_plan_body()

    def make(self):
        """A new object: (its path, its audit entity id)."""
        path, body = self.post()
        r = self.editor.post_json(path, body)
        assert r.status_code == 201, r.text
        return self.located(r)

    def located(self, r):
        return r.headers["Location"], str(r.json()["id"])


class SectionKind(PlanKind):
    """A section: POST /v1/plans/{id}/sections, audited as `sections` by "<plan>:<code>"."""

    name = "section"
    entity_type = "sections"
    change = {"targets_text": "Đến năm 2018: 100% xã"}
    field = "targets_text"

    def post(self, headers=None):
        plan_id = create_plan(self.editor)["id"]
        return plan_path(plan_id, "sections"), new_section_body("II.3.1")

    def located(self, r):
        body = r.json()
        return r.headers["Location"], f"{body['plan']}:{body['code']}"


class TaskKind(PlanKind):
    """A task: POST /v1/tasks, audited as `tasks` by id."""

    name = "task"
    entity_type = "tasks"
    change = {"due_date": "2031-12-31"}
    field = "due_date"

    def post(self, headers=None):
        return "/v1/tasks", new_task_body(create_plan(self.editor)["id"])


KINDS = [PlanKind, SectionKind, TaskKind]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request, coordinator):
    return request.param(coordinator)


def change(client, path, body, etag):
    headers = {} if etag is None else {"If-Match": etag}
    return client.patch_json(path, body, headers=headers,
                             content_type="application/merge-patch+json")


def archive(client, path, etag):
    return client.request("DELETE", path, headers={} if etag is None else {"If-Match": etag})


# --- ETags --------------------------------------------------------------------------------------

def test_an_object_has_a_stable_etag_that_each_change_renews(api, kind):
    path, _ = kind.make()
    etag = check_etag(api, path)
    r = change(kind.editor, path, kind.change, etag)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == check_etag(api, path) != etag


@pytest.mark.parametrize("form", ["same", "in-a-list", "weak", "star"])
def test_an_object_honours_if_none_match(api, kind, form):
    check_not_modified(api, kind.make()[0], form)


def test_the_seeded_plan_section_and_task_have_etags(api):
    plan_id = seeded_plan(api)["id"]
    for path in (plan_path(plan_id), section_path(plan_id, "V.1")):
        check_etag(api, path)
    task_id = api.json("/v1/tasks", {"plan": plan_id, "limit": 1})["items"][0]["id"]
    check_etag(api, task_path(task_id))


# --- If-Match -----------------------------------------------------------------------------------

@pytest.mark.parametrize("write", ["PATCH", "DELETE"])
def test_a_change_without_if_match_is_428_and_changes_nothing(kind, audit_log, write):
    path, _ = kind.make()
    before = read(kind.editor, path)
    send = (lambda: change(kind.editor, path, kind.change, None)) if write == "PATCH" else \
        (lambda: archive(kind.editor, path, None))
    r, events = recorded(audit_log, kind.editor, send)
    assert_problem(r, 428, "precondition_required")
    assert events == [] and read(kind.editor, path) == before


@pytest.mark.parametrize("write", ["PATCH", "DELETE"])
@pytest.mark.parametrize("if_match", STALE)
def test_a_change_with_a_stale_if_match_is_412_and_changes_nothing(kind, audit_log, write,
                                                                   if_match):
    path, _ = kind.make()
    before = read(kind.editor, path)
    etag = if_match.format(etag=before[1])
    send = (lambda: change(kind.editor, path, kind.change, etag)) if write == "PATCH" else \
        (lambda: archive(kind.editor, path, etag))
    r, events = recorded(audit_log, kind.editor, send)
    assert_problem(r, 412, "precondition_failed")
    assert events == [] and read(kind.editor, path) == before


def test_the_etag_of_an_older_version_is_412(kind):
    path, _ = kind.make()
    old = read(kind.editor, path)[1]
    assert change(kind.editor, path, kind.change, old).status_code == 200
    assert_problem(change(kind.editor, path, {kind.field: None}, old), 412, "precondition_failed")
    assert_problem(archive(kind.editor, path, old), 412, "precondition_failed")


def test_a_restore_needs_no_if_match(kind):
    path, _ = kind.make()
    assert archive(kind.editor, path, read(kind.editor, path)[1]).status_code == 204
    r = kind.editor.request("POST", f"{path}/restore")
    assert r.status_code == 200 and r.json()["archived_at"] is None, r.text


@pytest.mark.parametrize("round_", range(3))
def test_of_two_concurrent_changes_from_one_etag_exactly_one_wins(kind, audit_log, round_):
    path, _ = kind.make()
    before, etag = read(kind.editor, path)
    clients = [kind.editor.clone(), kind.editor.clone()]
    barrier = threading.Barrier(2, timeout=30)
    values = [{kind.field: None}, kind.change]

    def send(args):
        client, body = args
        barrier.wait()
        return change(client, path, body, etag)

    def race():
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            return list(pool.map(send, zip(clients, values), timeout=60))

    answers, events = recorded(audit_log, kind.editor, race)
    statuses = [r.status_code for r in answers]
    assert sorted(statuses) == [200, 412], [r.text[:200] for r in answers]
    after, _ = read(kind.editor, path)
    assert after["version"] == before["version"] + 1 and len(events) == 1
    assert after[kind.field] == values[statuses.index(200)][kind.field]


# --- the audit trail, histories and the change feed ---------------------------------------------

def test_each_write_records_one_event_naming_the_object(kind, audit_log):
    editor = kind.editor
    state = {}
    post_path, body = kind.post()
    writes = [
        ("create", lambda: editor.post_json(post_path, body)),
        ("update", lambda: change(editor, state["path"], kind.change,
                                  read(editor, state["path"])[1])),
        ("archive", lambda: archive(editor, state["path"], read(editor, state["path"])[1])),
        ("restore", lambda: editor.request("POST", f"{state['path']}/restore")),
    ]
    for version, (action, write) in enumerate(writes, 1):
        editor.authorization()
        mark = audit_log.newest_id()
        r = write()
        assert r.status_code in (200, 201, 204), r.text
        if action == "create":
            state["path"], state["id"] = kind.located(r)
        events = [e for e in audit_log.since(mark) if e["entity_type"] == kind.entity_type]
        assert [(e["action"], e["entity_id"], e["version"], e["user"], e["agency"])
                for e in events] == [(action, state["id"], version, "coordinator", "SLDTBXH")]
        assert all(e["entity_type"] == kind.entity_type for e in audit_log.since(mark)), \
            "a write recorded events of other objects"


def test_an_update_event_names_the_changed_fields_old_and_new(kind, audit_log):
    path, _ = kind.make()
    before, etag = read(kind.editor, path)
    r, events = recorded(audit_log, kind.editor,
                         lambda: change(kind.editor, path, kind.change, etag))
    assert r.status_code == 200, r.text
    [event] = events
    fields = changes_by_field(event)
    assert fields[kind.field] == (before[kind.field], kind.change[kind.field])
    assert set(fields) <= {kind.field, "updated_at", "version"}, fields


def test_a_history_is_the_objects_journal(api, kind):
    path, entity_id = kind.make()
    for body in (kind.change, {kind.field: None}):
        assert change(kind.editor, path, body, read(kind.editor, path)[1]).status_code == 200
    assert archive(kind.editor, path, read(kind.editor, path)[1]).status_code == 204
    assert kind.editor.request("POST", f"{path}/restore").status_code == 200
    events = history(kind.editor, path)
    assert [(e["action"], e["version"]) for e in events] == [
        ("create", 1), ("update", 2), ("update", 3), ("archive", 4), ("restore", 5)]
    assert {(e["entity_type"], e["entity_id"], e["user"]) for e in events} == {
        (kind.entity_type, entity_id, "coordinator")}
    assert history(api, path) == events, "any signed-in role reads the same history"
    paged, pages = api.walk(f"{path}/history", limit=2, via="link")
    assert paged == events and pages == 3


def test_a_history_takes_only_paging_parameters(api, kind):
    path, _ = kind.make()
    assert_problem(api.get(f"{path}/history", params={"action": "create"}), 400,
                   "unknown_parameter", "action")


@pytest.mark.parametrize("path", ["/v1/plans/999999999/history", "/v1/plans/abc/history",
                                  "/v1/plans/1/sections/IX.9/history",
                                  "/v1/plans/999999999/sections/I/history",
                                  "/v1/tasks/999999999/history", "/v1/tasks/x/history"])
def test_an_unknown_object_has_no_history(admin, path):
    assert_problem(admin.get(path), 404, "not_found")


def test_the_seeded_plan_was_created_by_no_user(api):
    first = history(api, plan_path(seeded_plan(api)["id"]))[0]
    assert (first["action"], first["user"], first["request_id"], first["version"]) == (
        "create", None, None, 1)


def test_changes_of_plan_data_reach_the_change_feed(api, kind):
    follower = Follower(api.as_user("viewer"), limit=500)
    follower.poll()  # to the end of the feed
    path, entity_id = kind.make()
    assert change(kind.editor, path, kind.change, read(kind.editor, path)[1]).status_code == 200
    mine = [(c["action"], c["version"]) for c in follower.poll()
            if (c["entity_type"], c["entity_id"]) == (kind.entity_type, entity_id)]
    assert mine == [("create", 1), ("update", 2)]


# --- idempotent POSTs ---------------------------------------------------------------------------

def test_a_retried_create_with_the_same_key_creates_once(kind, audit_log):
    path, body = kind.post()
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first, events = recorded(audit_log, kind.editor,
                             lambda: kind.editor.post_json(path, body, headers=key))
    assert first.status_code == 201 and len(events) == 1, first.text
    for _ in range(2):
        again, more = recorded(audit_log, kind.editor,
                               lambda: kind.editor.post_json(path, body, headers=key))
        assert again.headers.get("Idempotent-Replayed") == "true"
        assert (again.status_code, again.content) == (201, first.content)
        for name in ("Location", "ETag"):
            assert again.headers.get(name) == first.headers.get(name), name
        assert more == []


def test_a_replayed_task_creation_adds_no_second_task(coordinator):
    plan_id = create_plan(coordinator)["id"]
    body, key = new_task_body(plan_id), {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = coordinator.post_json("/v1/tasks", body, headers=key)
    assert first.status_code == 201, first.text
    assert coordinator.post_json("/v1/tasks", body, headers=key).content == first.content
    assert len(all_tasks(coordinator, plan=plan_id, include_archived="true")) == 1


def test_the_same_key_with_another_task_is_422(coordinator):
    plan_id = create_plan(coordinator)["id"]
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    assert coordinator.post_json("/v1/tasks", new_task_body(plan_id), headers=key).status_code \
        == 201
    r = coordinator.post_json("/v1/tasks", new_task_body(plan_id, title="Khác"), headers=key)
    assert_problem(r, 422, "validation_failed", "Idempotency-Key")
    assert len(all_tasks(coordinator, plan=plan_id, include_archived="true")) == 1


def test_a_refused_task_creation_is_replayed(coordinator):
    plan_id = create_plan(coordinator)["id"]
    body = new_task_body(plan_id, section="IX")
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = coordinator.post_json("/v1/tasks", body, headers=key)
    assert_problem(first, 422, "validation_failed", "section")
    create_section(coordinator, plan_id, "IX")
    again = coordinator.post_json("/v1/tasks", body, headers=key)
    assert (again.status_code, again.content) == (422, first.content)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert create_task(coordinator, plan_id, section="IX")["section"] == "IX"


def test_a_restore_with_a_key_runs_once(coordinator, audit_log):
    plan_id = create_plan(coordinator)["id"]
    path = plan_path(plan_id)
    assert archive(coordinator, path, read(coordinator, path)[1]).status_code == 204
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = coordinator.request("POST", f"{path}/restore", headers=key)
    assert first.status_code == 200, first.text
    again, events = recorded(audit_log, coordinator,
                             lambda: coordinator.request("POST", f"{path}/restore", headers=key))
    assert (again.status_code, again.content) == (200, first.content) and events == []
    assert read(coordinator, path)[0]["version"] == 3


def test_sections_of_one_plan_with_one_key_each(coordinator):
    """Keys are per request: two sections posted with two keys are two sections."""
    plan_id = create_plan(coordinator)["id"]
    for code in ("I", "II"):
        r = coordinator.post_json(plan_path(plan_id, "sections"), new_section_body(code),
                                  headers={"Idempotency-Key": f"idem-{uuid.uuid4()}"})
        assert r.status_code == 201, r.text
    assert [s["code"] for s in coordinator.json(plan_path(plan_id, "sections"))["items"]] == [
        "I", "II"]
    assert read(coordinator, section_path(plan_id, "II"))[0]["code"] == "II"

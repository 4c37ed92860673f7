"""Who may change a task and post progress on it (issue 5, item 6; docs/access.md):
admins and coordinators edit everything; the managers and officers of a task's lead agency change
only its dates, status and percent; those of a coordinating agency post updates but change
nothing else; those of an agency not on the task do neither; viewers and auditors neither, even
when their agency is on the task. The rule is read from the task as it is at each request.
"""

import pytest

from audit import recorded
from checks import assert_problem
from plans import (agency, create_plan, create_section, create_task, new_key, patch,
                   post_update, read, task_path)

LEAD, COORDINATING, UNRELATED = "UBND-883", "SYT", "UBND-884"
LEAD_USERS = ("longxuyen.officer", "longxuyen.manager")
# Fields only editors change, each with a valid new value.
EDITOR_ONLY = {"title": "Tiêu đề mới", "title_en": "New title", "description": "Mô tả mới",
               "agencies": [agency(LEAD)], "section": "V.1", "key": new_key(),
               "source_clause": "V.12", "recurrence": "yearly", "parent_id": None}
# The fields of a task's lead agency, each with a valid new value.
LEAD_FIELDS = {"start_date": "2016-08-01", "due_date": "2031-06-30", "status": "in_progress",
               "percent_done": 45}


@pytest.fixture
def task(coordinator):
    """A task of a plan of its own: UBND-883 (Long Xuyên) leads, SYT coordinates; MTTQ (the
    viewer's agency) and VPUBND (the auditor's) lead too."""
    plan_id = create_plan(coordinator)["id"]
    create_section(coordinator, plan_id, "V.1", kind="responsibility")
    create_section(coordinator, plan_id, "V.12", kind="responsibility")
    parent = create_task(coordinator, plan_id)
    return create_task(coordinator, plan_id, section="V.12", key=new_key(), parent_id=parent["id"],
                       agencies=[agency(LEAD), agency(COORDINATING, "coordinate"),
                                 agency("MTTQ"), agency("VPUBND")],
                       start_date="2016-07-15", due_date="2030-12-31")


def assert_refused(client, coordinator, audit_log, task, send, status, code, field=None):
    """`send()` as `client` is refused with `status`/`code` (and errors[0].field `field`) and
    changes nothing: the task and its updates stay as they were, no event is recorded."""
    path = task_path(task["id"])
    before = read(coordinator, path), coordinator.json(task_path(task["id"], "updates"))
    r, events = recorded(audit_log, client, send)
    assert_problem(r, status, code, field)
    assert events == [], f"a refused change recorded {events}"
    assert (read(coordinator, path), coordinator.json(task_path(task["id"], "updates"))) == before


# --- the headline rule --------------------------------------------------------------------------

def test_a_coordinating_agency_posts_notes_but_sets_neither_status_nor_percent(
        api, coordinator, audit_log, task):
    """Defect: a coordinating agency's officer set a task `done` (and 100 %) through an update,
    which took it out of the overdue counts, while PATCH refused it. The lead agency (and the
    editors) set status and percent; a coordinating agency posts notes and evidence."""
    officer = api.as_user("health.officer")  # SYT coordinates the task
    r = post_update(officer, task["id"], {"note": "Đã phối hợp kiểm tra.",
                                          "evidence": ["https://syt.angiang.gov.vn/tin/1"]})
    assert r.status_code == 201, r.text
    task = read(api, task_path(task["id"]))[0]
    assert (task["status"], task["percent_done"]) == ("not_started", 0)
    for body, field in [({"status": "done"}, "status"),
                        ({"percent_done": 20, "note": "Đã phối hợp."}, "percent_done"),
                        ({"status": "in_progress", "percent_done": 10}, "status")]:
        assert_refused(officer, coordinator, audit_log, task,
                       lambda body=body: post_update(officer, task["id"], body), 403,
                       "forbidden", field)
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: patch(officer, task_path(task["id"]), {"due_date": "2031-06-30"}),
                   403, "forbidden")
    lead = api.as_user("longxuyen.officer")  # UBND-883 leads: its update sets the status
    assert post_update(lead, task["id"], {"status": "done"}).status_code == 201
    assert read(api, task_path(task["id"]))[0]["percent_done"] == 100


def test_an_unrelated_agency_can_neither_post_an_update_nor_change_the_due_date(
        api, coordinator, audit_log, task):
    officer = api.as_user("chaudoc.officer")  # UBND-884 is not on the task
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: post_update(officer, task["id"], {"percent_done": 20}),
                   403, "forbidden")
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: patch(officer, task_path(task["id"]), {"due_date": "2031-06-30"}),
                   403, "forbidden")


# --- the lead agency ----------------------------------------------------------------------------

@pytest.mark.parametrize("user", LEAD_USERS)
@pytest.mark.parametrize("field", sorted(LEAD_FIELDS))
def test_the_lead_agency_changes_its_tasks_dates_status_and_percent(api, task, user, field):
    client = api.as_user(user)
    r = patch(client, task_path(task["id"]), {field: LEAD_FIELDS[field]})
    assert r.status_code == 200, r.text
    assert r.json()[field] == LEAD_FIELDS[field] and r.json()["version"] == task["version"] + 1
    assert read(api, task_path(task["id"]))[0] == r.json()


def test_the_lead_agency_completes_its_task(api, task):
    r = patch(api.as_user("longxuyen.officer"), task_path(task["id"]),
              {"status": "done", "percent_done": 100, "due_date": "2030-06-30"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["percent_done"]) == ("done", 100)


@pytest.mark.parametrize("user", LEAD_USERS)
def test_the_lead_agency_posts_updates(api, task, user):
    r = post_update(api.as_user(user), task["id"], {"status": "in_progress", "percent_done": 5})
    assert r.status_code == 201, r.text
    assert r.json()["agency"] == LEAD


@pytest.mark.parametrize("field", sorted(EDITOR_ONLY))
def test_the_lead_agency_cannot_change_any_other_field(api, coordinator, audit_log, task, field):
    officer = api.as_user("longxuyen.officer")
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: patch(officer, task_path(task["id"]), {field: EDITOR_ONLY[field]}),
                   403, "forbidden", field)


def test_one_forbidden_field_refuses_the_whole_change(api, coordinator, audit_log, task):
    manager = api.as_user("longxuyen.manager")
    body = {"due_date": "2031-06-30", "percent_done": 50, "title": "Tiêu đề mới"}
    assert_refused(manager, coordinator, audit_log, task,
                   lambda: patch(manager, task_path(task["id"]), body), 403, "forbidden", "title")


def test_a_lead_agency_that_is_removed_loses_the_right(api, coordinator, audit_log, task):
    r = patch(coordinator, task_path(task["id"]), {"agencies": [agency(COORDINATING)]})
    assert r.status_code == 200, r.text
    officer = api.as_user("longxuyen.officer")
    task = r.json()
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: patch(officer, task_path(task["id"]), {"due_date": "2031-06-30"}),
                   403, "forbidden")
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: post_update(officer, task["id"], {"note": "x"}), 403, "forbidden")
    r = patch(api.as_user("health.officer"), task_path(task["id"]), {"due_date": "2031-06-30"})
    assert r.status_code == 200, f"SYT now leads the task: {r.text}"


def test_a_coordinating_agency_that_becomes_lead_gains_the_right(api, coordinator, task):
    officer = api.as_user("health.officer")
    assert_problem(patch(officer, task_path(task["id"]), {"percent_done": 10}), 403, "forbidden")
    r = patch(coordinator, task_path(task["id"]),
              {"agencies": [agency(LEAD), agency(COORDINATING)]})
    assert r.status_code == 200, r.text
    assert patch(officer, task_path(task["id"]), {"percent_done": 10}).status_code == 200


# --- coordinating, unrelated, and the roles that never change tasks ------------------------------

@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize("field", sorted(LEAD_FIELDS))
def test_a_coordinating_agency_changes_no_field(api, coordinator, audit_log, make_user, task, role,
                                                field):
    client = api.as_user(make_user(agency=COORDINATING, role=role)["username"])
    assert_refused(client, coordinator, audit_log, task,
                   lambda: patch(client, task_path(task["id"]), {field: LEAD_FIELDS[field]}),
                   403, "forbidden")


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_a_coordinating_agencys_manager_posts_updates(api, make_user, task, role):
    client = api.as_user(make_user(agency=COORDINATING, role=role)["username"])
    r = post_update(client, task["id"], {"note": "Đã phối hợp."})
    assert r.status_code == 201 and r.json()["agency"] == COORDINATING, r.text


@pytest.mark.parametrize("agency_code", [UNRELATED, "SLDTBXH", "CAT"])
@pytest.mark.parametrize("role", ["officer", "manager"])
def test_an_agency_not_on_the_task_does_nothing(api, coordinator, audit_log, make_user, task,
                                                agency_code, role):
    client = api.as_user(make_user(agency=agency_code, role=role)["username"])
    assert_refused(client, coordinator, audit_log, task,
                   lambda: patch(client, task_path(task["id"]), {"percent_done": 10}),
                   403, "forbidden")
    assert_refused(client, coordinator, audit_log, task,
                   lambda: post_update(client, task["id"], {"note": "x"}), 403, "forbidden")


@pytest.mark.parametrize("user", ["viewer", "auditor"])
def test_viewers_and_auditors_change_nothing_even_for_their_own_agency(api, coordinator,
                                                                        audit_log, task, user):
    client = api.as_user(user)  # MTTQ and VPUBND lead the task
    assert_refused(client, coordinator, audit_log, task,
                   lambda: patch(client, task_path(task["id"]), {"percent_done": 10}),
                   403, "forbidden")
    assert_refused(client, coordinator, audit_log, task,
                   lambda: post_update(client, task["id"], {"note": "x"}), 403, "forbidden")


def test_the_lead_agency_cannot_archive_its_task(api, coordinator, audit_log, task):
    officer = api.as_user("longxuyen.manager")
    path = task_path(task["id"])
    assert_refused(officer, coordinator, audit_log, task,
                   lambda: officer.request("DELETE", path,
                                           headers={"If-Match": read(officer, path)[1]}),
                   403, "forbidden")


def test_a_lead_agency_change_still_needs_if_match(api, task):
    officer = api.as_user("longxuyen.officer")
    assert_problem(patch(officer, task_path(task["id"]), {"percent_done": 10}, False), 428,
                   "precondition_required")
    assert_problem(patch(officer, task_path(task["id"]), {"percent_done": 10},
                         '"0000000000000000"'), 412, "precondition_failed")


# --- editors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("editor", ["admin", "coordinator"])
def test_editors_change_every_field_of_any_task(api, task, editor):
    """Neither STTTT (the admin's agency) nor SLDTBXH (the coordinator's) is on the task."""
    client = api.as_user(editor)
    change = {**EDITOR_ONLY, **LEAD_FIELDS}
    r = patch(client, task_path(task["id"]), change)
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in change} == change
    assert post_update(client, task["id"], {"note": "Đôn đốc."}).status_code == 201

"""An agency's responsibilities (issue 5, item 5): `GET /v1/agencies/{code}/responsibilities`, the
page a department head opens first — the tasks it leads, those it coordinates, which of them are
overdue, and its share of led tasks done — over all plans or one, leaving out what is archived.
"""

import pytest

from checks import assert_problem
from plans import (RESPONSIBILITIES_KEYS, SUMMARY_KEYS, agency, all_tasks, archived, create_plan,
                   create_section, create_task, day, falls_due, ids, plan_path, post_update,
                   seeded_plan, task_path)

AGENCY = "SYT"


def responsibilities(client, code=AGENCY, **params):
    r = client.get(f"/v1/agencies/{code}/responsibilities", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == RESPONSIBILITIES_KEYS
    assert set(body["counts"]) == {"lead", "coordinate", "overdue", "done"}
    for name in ("lead", "coordinate", "overdue"):
        for item in body[name]:
            assert set(item) == SUMMARY_KEYS, item
        assert ids(body[name]) == sorted(ids(body[name])), f"{name} is not ordered by id"
    return body


def summary(task, code=AGENCY, client=None):
    """What the responsibilities list of `code` shows of `task` (a recurring task's occurrences
    read through `client`)."""
    [entry] = [a for a in task["agencies"] if a["agency"] == code]
    late, next_due = falls_due(client, task)
    return {"id": task["id"], "plan": task["plan"], "section": task["section"],
            "source_clause": task["source_clause"], "title": task["title"],
            "mode": entry["mode"], "status": task["status"],
            "percent_done": task["percent_done"], "due_date": task["due_date"],
            "due_basis": task["due_basis"], "recurrence": task["recurrence"],
            "overdue": task["overdue"], "overdue_occurrences": late, "next_due": next_due}


class Desk:
    """A plan of its own in which SYT leads five tasks, coordinates two, and is absent from one;
    plus an archived task it leads and an archived plan with a task it leads."""

    def __init__(self, editor):
        self.plan = create_plan(editor)["id"]
        create_section(editor, self.plan, "V.6", kind="responsibility")

        def add(entries, **fields):
            return create_task(editor, self.plan, agencies=entries,
                               **{"start_date": None, **fields})
        lead, coord = [agency(AGENCY)], [agency("CAT"), agency(AGENCY, "coordinate", "requested")]
        self.lead = [
            add(lead, due_date=day(-1), section="V.6", source_clause="V.6"),  # overdue
            add(lead, due_date=day(-1), status="done"),
            add(lead, due_date=day(-1), status="cancelled"),
            add(lead, due_date=day(1), status="in_progress", percent_done=50,
                recurrence="yearly", start_date=day(-30)),  # no year ends in its life
            add(lead),
        ]
        self.coordinate = [add(coord, due_date=day(-2), status="in_progress", percent_done=10),
                           add(coord, due_date=day(0))]
        self.absent = add([agency("CAT")], due_date=day(-1))
        self.archived_task = add(lead, due_date=day(-1))
        archived(editor, task_path(self.archived_task["id"]))
        self.archived_plan = create_plan(editor)["id"]
        self.in_archived_plan = create_task(editor, self.archived_plan, agencies=lead,
                                            start_date=None, due_date=day(-1))
        archived(editor, plan_path(self.archived_plan))


@pytest.fixture
def desk(coordinator):
    return Desk(coordinator)


def test_an_agency_sees_what_it_leads_coordinates_and_is_late_with(api, desk):
    body = responsibilities(api, plan=desk.plan)
    assert (body["agency"], body["name"]) == (AGENCY, api.json(f"/v1/agencies/{AGENCY}")["name"])
    assert body["lead"] == [summary(t, client=api) for t in desk.lead]
    assert body["coordinate"] == [summary(t, client=api) for t in desk.coordinate]
    assert body["overdue"] == [summary(desk.lead[0]), summary(desk.coordinate[0])]
    assert body["counts"] == {"lead": 5, "coordinate": 2, "overdue": 2, "done": 1}
    # due within 30 days and open: the second coordinated task (today); the yearly one has no
    # occurrence in its life, and a recurring task falls due by its occurrences alone
    assert body["due_soon"] == [
        {"task": desk.coordinate[1]["id"], "title": desk.coordinate[1]["title"],
         "occurrence": None, "due": day(0)}]


def test_the_share_done_is_of_the_led_tasks_not_cancelled(api, desk):
    assert responsibilities(api, plan=desk.plan)["share_done"] == 25  # 1 of 4
    r = post_update(api.as_user("health.officer"), desk.lead[3]["id"], {"status": "done"})
    assert r.status_code == 201, r.text
    body = responsibilities(api, plan=desk.plan)
    assert body["share_done"] == 50 and body["counts"]["done"] == 2


def test_the_page_follows_the_tasks_as_they_change(api, coordinator, desk):
    r = post_update(api.as_user("health.officer"), desk.lead[0]["id"],
                    {"status": "done", "note": "Xong"})
    assert r.status_code == 201, r.text
    body = responsibilities(api, plan=desk.plan)
    assert ids(body["overdue"]) == [desk.coordinate[0]["id"]]
    assert body["counts"]["overdue"] == 1
    assert [t["status"] for t in body["lead"]][0] == "done"


def test_archived_tasks_and_plans_are_left_out(api, coordinator, desk):
    left_out = {desk.archived_task["id"], desk.in_archived_plan["id"]}
    for client in (api, coordinator):
        body = responsibilities(client)
        for name in ("lead", "coordinate", "overdue"):
            assert not left_out & set(ids(body[name])), name
        assert not left_out & set(ids(responsibilities(client, plan=desk.plan)["lead"]))


def test_an_agency_that_leads_nothing_has_no_share(api, desk):
    body = responsibilities(api, "HCCB", plan=desk.plan)
    assert body["counts"] == {"lead": 0, "coordinate": 0, "overdue": 0, "done": 0}
    assert (body["share_done"], body["lead"], body["coordinate"], body["overdue"]) == (
        None, [], [], [])


def test_an_agency_that_leads_only_cancelled_tasks_has_no_share(api, coordinator):
    plan_id = create_plan(coordinator)["id"]
    create_task(coordinator, plan_id, agencies=[agency("TAKEO")], status="cancelled")
    body = responsibilities(api, "TAKEO", plan=plan_id)
    assert body["counts"]["lead"] == 1 and body["share_done"] is None


@pytest.mark.parametrize("code", ["SLDTBXH", "UBND-883", "MTTQ", "STP"])
def test_over_all_plans_it_agrees_with_the_task_queries(api, code):
    body = responsibilities(api, code)
    lead = all_tasks(api, agency=code, role="lead")
    coordinate = all_tasks(api, agency=code, role="coordinate")
    assert body["lead"] == [summary(t, code, api) for t in lead]
    assert body["coordinate"] == [summary(t, code, api) for t in coordinate]
    overdue = sorted((t for t in lead + coordinate if t["overdue"]), key=lambda t: t["id"])
    assert body["overdue"] == [summary(t, code, api) for t in overdue]
    assert body["counts"] == {"lead": len(lead), "coordinate": len(coordinate),
                              "overdue": len(overdue),
                              "done": sum(t["status"] == "done" for t in lead)}


def test_dolisa_leads_the_reports_of_the_seeded_plan(api):
    plan_id = seeded_plan(api)["id"]
    body = responsibilities(api, "SLDTBXH", plan=plan_id)
    led = {t["id"]: t for t in all_tasks(api, plan=plan_id, agency="SLDTBXH", role="lead")}
    assert ids(body["lead"]) == sorted(led)
    recurrences = {t["recurrence"] for t in body["lead"]
                   if led[t["id"]]["key"] in ("v1-report-6m", "v1-report-year")}
    assert recurrences == {"six_monthly", "yearly"}


def test_the_front_leads_and_coordinates_on_request(api):
    body = responsibilities(api, "MTTQ", plan=seeded_plan(api)["id"])
    assert body["lead"] and body["coordinate"]
    assert {t["mode"] for t in body["lead"] + body["coordinate"]} == {"requested"}


@pytest.mark.parametrize("user", ["viewer", "auditor", "chaudoc.officer", "admin"])
def test_anyone_signed_in_reads_any_agencys_page(api, desk, user):
    assert responsibilities(api.as_user(user), plan=desk.plan) == responsibilities(
        api, plan=desk.plan)


@pytest.mark.parametrize("code", ["NOPE", "syt", "UBND-885"])
def test_an_unknown_agency_is_404(api, code):
    assert_problem(api.get(f"/v1/agencies/{code}/responsibilities"), 404, "not_found")


@pytest.mark.parametrize("value", ["abc", "1.5", ""])
def test_a_bad_plan_parameter_is_400(api, value):
    assert_problem(api.get(f"/v1/agencies/{AGENCY}/responsibilities", params={"plan": value}),
                   400, "invalid_parameter", "plan")


def test_an_unknown_parameter_is_400(api):
    assert_problem(api.get(f"/v1/agencies/{AGENCY}/responsibilities", params={"role": "lead"}),
                   400, "unknown_parameter", "role")

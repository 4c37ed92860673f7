"""Decision 1994/QĐ-UBND as the API answers it after `planmon seed` (issue 5, "Done when"): the
plan, its 28 sections, the 15 responsibility items of section V with their agencies, every task
with the agencies the text names (the district committees as the 11 of them), DOLISA leading the
6-monthly and annual reports, the tasks the province only requests of the procuracy, the court,
the Fatherland Front and the mass organisations, and `?q=tuyen truyen` finding the awareness
tasks. The expected values come from db/seed/plan-1994.json, never from the server.
"""

import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from conftest import _require_env
from plans import (SECTION_KEYS, TASK_KEYS, all_tasks, archive, patch, plan_path, post_update,
                   read, searched, section_path, seed_plan_file, seed_tasks, seeded_plan,
                   task_path, task_text, today)
from server import run_planmon
from settings import DEMO_PASSWORD

TASK_FIELDS = ("section", "source_clause", "title", "title_en", "description", "agencies",
               "start_date", "due_date", "recurrence")
SECTION_FIELDS = ("code", "seq", "kind", "title", "text", "targets_text", "heading_path")
REQUESTED_OF = ["VKSND", "TAND", "BTGTU", "MTTQ", "HLHPN", "TINHDOAN", "HND", "HCCB", "LDLD"]
MASS_ORGANISATIONS = ["MTTQ", "HLHPN", "TINHDOAN", "HND", "HCCB", "LDLD"]


@pytest.fixture(scope="module")
def plan(api):
    return seeded_plan(api)


@pytest.fixture(scope="module")
def tasks(api, plan):
    """{key: task} of the seeded plan as the API lists it."""
    items = all_tasks(api, plan=plan["id"])
    by_key = {t["key"]: t for t in items}
    assert len(by_key) == len(items), "two seeded tasks share a key"
    return by_key


def keys(items):
    return {t["key"] for t in items}


def expected_keys(pred):
    return {k for k, t in seed_tasks().items() if pred(t)}


def entry_of(task, code):
    return [a for a in task["agencies"] if a["agency"] == code]


# --- the plan and its sections ------------------------------------------------------------------

def test_the_seeded_plan_is_the_decisions(plan):
    expected = seed_plan_file()["plan"]
    assert {k: plan[k] for k in expected} == expected
    assert (plan["version"], plan["archived_at"]) == (1, None)


def test_the_31_sections_are_the_decisions_in_order(api, plan):
    """Its 28 sections and the decision's own articles, Điều 1-3 (D1-D3), each with the bodies
    it addresses."""
    sections, _ = api.walk(plan_path(plan["id"], "sections"), limit=500)
    expected = sorted(seed_plan_file()["sections"], key=lambda s: (s["seq"], s["code"]))
    assert len(sections) == len(expected) == 31
    groups = {g["code"]: g["members"] for g in seed_plan_file()["agency_groups"]}
    for s, e in zip(sections, expected):
        assert [(a["agency"], a["role"], a["mode"], a["source"]) for a in s["addressees"]] == [
            (code, a["role"], a["mode"], a["source"]) for a in e.get("addressees") or []
            for code in groups.get(a["agency"]) or [a["agency"]]], s["code"]
    for s in sections:
        assert set(s) == SECTION_KEYS and s["plan"] == plan["id"]
    assert [{k: s[k] for k in SECTION_FIELDS} for s in sections] == \
        [{k: s[k] for k in SECTION_FIELDS} for s in expected]


def test_section_v_has_the_15_responsibility_items(api, plan):
    found, _ = api.walk(plan_path(plan["id"], "sections"), {"kind": "responsibility"}, limit=500)
    assert [s["code"] for s in found] == [f"V.{n}" for n in range(1, 16)]


@pytest.mark.parametrize("n", range(1, 16), ids=lambda n: f"V.{n}")
def test_each_responsibility_item_has_its_tasks_with_their_agencies(api, plan, tasks, n):
    code = f"V.{n}"
    data = seed_plan_file()
    groups = {g["code"]: g["members"] for g in data["agency_groups"]}
    expected = {k: t for k, t in seed_tasks().items() if t["section"] == code}
    listed = all_tasks(api, plan=plan["id"], section=code)
    assert keys(listed) == set(expected) and expected
    for task in listed:
        assert task["agencies"] == expected[task["key"]]["agencies"], task["key"]
    section = next(s for s in data["sections"] if s["code"] == code)
    for addressee in section["addressees"]:
        for agency in groups.get(addressee["agency"], [addressee["agency"]]):
            assert any(a["role"] == addressee["role"] and a["mode"] == addressee["mode"]
                       for t in listed for a in entry_of(t, agency)), \
                f"{code} is addressed to {agency} ({addressee['role']}, {addressee['mode']})"


# --- every task ---------------------------------------------------------------------------------

def test_every_task_of_the_decision_is_seeded(tasks):
    assert set(tasks) == set(seed_tasks()) and len(tasks) == 70


@pytest.mark.parametrize("key", sorted(seed_tasks()))
def test_a_seeded_task_is_the_decisions(plan, tasks, key):
    task, expected = tasks[key], seed_tasks()[key]
    assert set(task) == TASK_KEYS
    assert {k: task[k] for k in TASK_FIELDS} == {k: expected[k] for k in TASK_FIELDS}
    parent = expected["parent"]
    assert task["parent_id"] == (tasks[parent]["id"] if parent else None)
    assert (task["plan"], task["status"], task["percent_done"], task["archived_at"]) == (
        plan["id"], "not_started", 0, None)
    assert task["overdue"] is (task["due_date"] < today().isoformat())


def test_the_district_committees_are_the_eleven(tasks):
    districts = {f"UBND-{c}" for c in (883, 884, 886, 887, 888, 889, 890, 891, 892, 893, 894)}
    for key in ("v12-district-plans", "ii32b-review", "iii2-council-report"):
        leads = {a["agency"] for a in tasks[key]["agencies"] if a["role"] == "lead"}
        assert leads == districts, key


def test_where_the_text_names_no_agency_the_assignment_is_inferred(tasks):
    assert entry_of(tasks["ii31a-media-monthly"], "STTTT")[0]["source"] == "inferred"
    assert entry_of(tasks["v2-police"], "CAT")[0]["source"] == "text"
    inferred = sum(a["source"] == "inferred" for t in tasks.values() for a in t["agencies"])
    assert inferred == sum(a["source"] == "inferred" for t in seed_tasks().values()
                           for a in t["agencies"]) > 0


# --- the facts of "Done when" -------------------------------------------------------------------

@pytest.mark.parametrize("key,recurrence", [("v1-report-6m", "six_monthly"),
                                            ("v1-report-year", "yearly")])
def test_dolisa_leads_the_6_monthly_and_annual_reports(api, plan, tasks, key, recurrence):
    task = tasks[key]
    assert task["recurrence"] == recurrence
    assert [(a["role"], a["mode"]) for a in entry_of(task, "SLDTBXH")] == [("lead", "assigned")]
    assert task["parent_id"] == tasks["v1-plan-monitor"]["id"]
    led = all_tasks(api, plan=plan["id"], agency="SLDTBXH", role="lead")
    assert task["id"] in [t["id"] for t in led]
    assert keys(led) == expected_keys(
        lambda t: any(a["agency"] == "SLDTBXH" and a["role"] == "lead" for a in t["agencies"]))


@pytest.mark.parametrize("code", REQUESTED_OF)
def test_the_province_requests_not_assigns_tasks_of_these_bodies(api, plan, code):
    requested = all_tasks(api, plan=plan["id"], agency=code, mode="requested")
    assert requested and keys(requested) == expected_keys(
        lambda t: any(a["agency"] == code and a["mode"] == "requested" for a in t["agencies"]))
    assert all_tasks(api, plan=plan["id"], agency=code, mode="assigned") == []
    assert keys(all_tasks(api, plan=plan["id"], agency=code)) == keys(requested)


def test_the_procuracy_and_the_court_are_requested_in_v14_and_ii34(api, plan, tasks):
    for code, own in (("VKSND", "ii34b-prosecution"), ("TAND", "ii34b-trial")):
        found = keys(all_tasks(api, plan=plan["id"], agency=code, mode="requested"))
        assert {"v14-capacity", "v14-statistics", "ii34b-training", own} <= found, code
        assert entry_of(tasks[own], code)[0]["role"] == "lead"


@pytest.mark.parametrize("code", MASS_ORGANISATIONS)
def test_the_front_and_mass_organisations_lead_v15_on_request(api, plan, code):
    """V.15 is addressed to them ("đề nghị"): they lead its duty, and III.2's supervision, and
    take part in the community awareness and pilot work, always on request."""
    for role in ("lead", "coordinate"):
        found = all_tasks(api, plan=plan["id"], agency=code, role=role)
        assert keys(found) == expected_keys(lambda t: any(
            a["agency"] == code and a["role"] == role for a in t["agencies"])), role
        assert all(entry_of(t, code)[0]["mode"] == "requested" for t in found)
    assert "v15-front-mass-organisations" in keys(
        all_tasks(api, plan=plan["id"], agency=code, role="lead"))


def test_the_requested_tasks_are_exactly_those_the_decision_requests(api, plan):
    assert keys(all_tasks(api, plan=plan["id"], mode="requested")) == expected_keys(
        lambda t: any(a["mode"] == "requested" for a in t["agencies"]))


@pytest.mark.parametrize("q", ["tuyen truyen", "tuyên truyền", "TUYÊN TRUYỀN"])
def test_q_tuyen_truyen_finds_the_awareness_tasks(api, plan, q):
    found = all_tasks(api, plan=plan["id"], q=q)
    expected = expected_keys(lambda t: searched(task_text(t), "tuyen truyen"))
    assert keys(found) == expected
    assert {"ii31b-community-forms", "v7-justice-awareness", "v13-propaganda-commission",
            "v4-media-direction"} <= expected


def test_the_seeded_plan_answers_the_section_and_parent_queries(api, plan, tasks):
    children = all_tasks(api, plan=plan["id"], parent_id=tasks["ii33b-pm1"]["id"])
    assert keys(children) == expected_keys(lambda t: t["parent"] == "ii33b-pm1")
    assert keys(all_tasks(api, plan=plan["id"], section="II.3.3")) == expected_keys(
        lambda t: t["section"] == "II.3.3")
    assert keys(all_tasks(api, plan=plan["id"], due_after="2020-12-30")) == set(seed_tasks())
    assert all_tasks(api, plan=plan["id"], due_after="2020-12-31") == []


# --- a second seed keeps what was changed through the API ---------------------------------------

@pytest.fixture
def scratch_db(base_env):
    """The URL of a fresh empty database of the service's role, dropped after the test."""
    superuser = _require_env("PG_SUPERUSER_URL")["PG_SUPERUSER_URL"]
    parts = urlsplit(base_env["DATABASE_URL"])
    name = f"planmon_scratch_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(superuser, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(parts.username)))
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(superuser, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def plan_state(client, plan_id):
    """The plan, its sections and its tasks (archived ones too), as an editor reads them."""
    sections, _ = client.walk(plan_path(plan_id, "sections"), {"include_archived": "true"},
                              limit=500)
    return (read(client, plan_path(plan_id)), sections,
            all_tasks(client, plan=plan_id, include_archived="true"))


def test_a_second_seed_keeps_what_was_changed_through_the_api(api, planmon_bin, base_env,
                                                              scratch_db, extra_server):
    """On a database of its own: seed, change the plan through the API (a task's dates and
    agencies, a progress update, an archived task, a section's text, the plan's title), seed
    again — every change is still there and nothing was added."""
    env = {**base_env, "DATABASE_URL": scratch_db, "DEMO_PASSWORD": DEMO_PASSWORD}
    for args in (["migrate"], ["seed", "--demo"]):
        result = run_planmon(planmon_bin, args, env)
        assert result.returncode == 0, result.stderr
    token = run_planmon(planmon_bin, ["token", "--username", "coordinator"], env)
    assert token.returncode == 0, token.stderr
    client = api.on(extra_server(DATABASE_URL=scratch_db)).with_token(token.stdout.strip())
    plan = seeded_plan(client)
    tasks = {t["key"]: t for t in all_tasks(client, plan=plan["id"])}
    changes = [
        patch(client, task_path(tasks["v1-report-6m"]["id"]),
              {"due_date": "2021-06-30", "title_en": "Edited", "agencies": []}),
        post_update(client, tasks["v2-police"]["id"], {"percent_done": 40,
                                                       "status": "in_progress"}),
        archive(client, task_path(tasks["v3-border"]["id"])),
        patch(client, section_path(plan["id"], "V.1"), {"text": "Đã sửa qua API."}),
        patch(client, plan_path(plan["id"]), {"title_en": "Edited through the API"}),
    ]
    assert [r.status_code for r in changes] == [200, 201, 204, 200, 200], \
        [r.text[:200] for r in changes]
    before = plan_state(client, plan["id"])
    result = run_planmon(planmon_bin, ["seed"], env)
    assert result.returncode == 0, result.stderr
    assert plan_state(client, plan["id"]) == before

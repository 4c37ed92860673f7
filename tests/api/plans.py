"""Plans, sections, tasks and progress updates through the API, for the tests (issue 5): shapes,
bodies, creating, reading, changing, archiving and restoring them, the days around today in the
province, and the seeded plan of Decision 1994 as db/seed/plan-1994.json has it.

Every helper takes the client to call as; `editor` in a name means the caller must be allowed to
edit plan data (admin or coordinator). Each test makes its own plan (a code no other test uses),
so that nothing it does touches the seeded plan or another test's data.
"""

import datetime
import json
import uuid

from client import fold
from settings import SEED_PLAN_PATH

PLAN_KEYS = {"id", "code", "title", "title_en", "period_start", "period_end", "document",
             "lead_agency", "parent_programme", "version", "created_at", "updated_at",
             "archived_at"}
SECTION_KEYS = {"plan", "code", "seq", "kind", "title", "text", "targets_text", "heading_path",
                "addressees", "version", "created_at", "updated_at", "archived_at"}
TASK_KEYS = {"id", "plan", "section", "parent_id", "key", "source_clause", "title", "title_en",
             "title_basis", "description", "agencies", "start_date", "start_basis", "due_date",
             "due_basis", "recurrence", "due_days", "status", "percent_done", "overdue",
             "version", "created_at", "updated_at", "archived_at"}
TASK_AGENCY_KEYS = {"agency", "role", "mode", "source", "note"}
UPDATE_KEYS = {"id", "task", "occurred_on", "occurrence", "note", "percent_done", "status",
               "previous_status", "previous_percent_done", "evidence", "author", "agency",
               "created_at", "late_entry"}
SUMMARY_KEYS = {"id", "plan", "section", "source_clause", "title", "mode", "status",
                "percent_done", "due_date", "due_basis", "recurrence", "overdue",
                "overdue_occurrences", "next_due"}
RESPONSIBILITIES_KEYS = {"agency", "name", "counts", "share_done", "lead", "coordinate",
                         "overdue", "due_soon"}
OCCURRENCE_KEYS = {"id", "start", "end", "due", "obligation", "done", "done_on", "on_time",
                   "overdue"}

SECTION_KINDS = ("purpose", "goal", "scope", "objective", "solution", "funding",
                 "responsibility", "other")
RECURRENCES = ("none", "monthly", "six_monthly", "yearly")
STATUSES = ("not_started", "in_progress", "done", "cancelled")
EDITORS = ("admin", "coordinator")

# The province's clock: "overdue" is measured against today in Asia/Ho_Chi_Minh (UTC+7, no DST).
PROVINCE_TZ = datetime.timezone(datetime.timedelta(hours=7))


def today():
    """Today's date in An Giang."""
    return datetime.datetime.now(PROVINCE_TZ).date()


def day(offset):
    """The date `offset` days from today in An Giang, as YYYY-MM-DD."""
    return (today() + datetime.timedelta(days=offset)).isoformat()


# --- paths --------------------------------------------------------------------------------------

def plan_path(plan_id, *rest):
    """/v1/plans/{id}[/rest...]"""
    return "/".join([f"/v1/plans/{plan_id}", *rest])


def section_path(plan_id, code, *rest):
    """/v1/plans/{id}/sections/{code}[/rest...]"""
    return "/".join([plan_path(plan_id, "sections", code), *rest])


def task_path(task_id, *rest):
    """/v1/tasks/{id}[/rest...]"""
    return "/".join([f"/v1/tasks/{task_id}", *rest])


def update_path(task_id, update_id):
    return task_path(task_id, "updates", str(update_id))


# --- bodies -------------------------------------------------------------------------------------

def new_code(prefix="KH"):
    """A plan code no other test uses (`KH-3F9A0C2B`)."""
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def new_key(prefix="t"):
    """A task key no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def new_plan_body(**fields):
    """A valid new plan (a provincial yearly plan), with `fields` on top."""
    return {"code": new_code(), "title": "Kế hoạch phòng, chống mại dâm năm 2017",
            "title_en": "Prostitution prevention plan for 2017", "period_start": "2017-01-01",
            "period_end": "2017-12-31", "document": "1994/QĐ-UBND", "lead_agency": "SLDTBXH",
            "parent_programme": "361/QĐ-TTg", **fields}


def new_section_body(code="II.1", **fields):
    return {"code": code, "seq": 1, "kind": "objective",
            "title": "Tăng cường tuyên truyền, phổ biến, giáo dục pháp luật",
            "text": "a) Mục tiêu: 75% xã, phường, thị trấn được tuyên truyền.",
            "targets_text": "Đến năm 2017: 75% xã, phường, thị trấn",
            "heading_path": ["II. MỤC TIÊU", "3. Mục tiêu cụ thể"], **fields}


def agency(code, role="lead", mode="assigned", source="text", note=None):
    """An entry of a task's `agencies` as the server shows it (and as a full request item)."""
    return {"agency": code, "role": role, "mode": mode, "source": source, "note": note}


def new_task_body(plan_id, **fields):
    """A valid new task of `plan_id` (no section), due in a year, with `fields` on top."""
    return {"plan": plan_id,
            "title": "Tổ chức tập huấn cho cán bộ làm công tác phòng, chống mại dâm",
            "agencies": [agency("SLDTBXH")], "start_date": "2017-01-01", "due_date": day(365),
            **fields}


# --- creating -----------------------------------------------------------------------------------

def created(r, what):
    assert r.status_code == 201, f"creating {what} -> {r.status_code}: {r.text[:500]}"
    return r.json()


def create_plan(editor, headers=None, **fields):
    """POST /v1/plans as `editor`; must be 201. Returns the Plan."""
    return created(editor.post_json("/v1/plans", new_plan_body(**fields), headers=headers),
                   "a plan")


def create_section(editor, plan_id, code="II.1", headers=None, **fields):
    """POST /v1/plans/{id}/sections; must be 201. Returns the Section."""
    return created(editor.post_json(plan_path(plan_id, "sections"),
                                    new_section_body(code, **fields), headers=headers),
                   f"section {code}")


def create_task(editor, plan_id, headers=None, **fields):
    """POST /v1/tasks; must be 201. Returns the Task."""
    return created(editor.post_json("/v1/tasks", new_task_body(plan_id, **fields),
                                    headers=headers), "a task")


def post_update(client, task_id, body, headers=None):
    """POST /v1/tasks/{id}/updates; the response."""
    return client.post_json(task_path(task_id, "updates"), body, headers=headers)


# --- reading and changing ------------------------------------------------------------------------

def read(client, path):
    """GET path; must be 200. Returns (body, ETag)."""
    r = client.get(path)
    assert r.status_code == 200, f"GET {path} -> {r.status_code}: {r.text[:300]}"
    return r.json(), r.headers["ETag"]


def if_match(client, path, etag):
    """The If-Match header for a change of `path`: `etag` None is the current ETag as `client`
    reads it, False sends none."""
    if etag is None:
        etag = read(client, path)[1]
    return {"If-Match": etag} if etag else {}


def patch(client, path, body, etag=None, headers=None):
    """PATCH path (merge patch) with If-Match (see if_match); the response."""
    return client.patch_json(path, body,
                             headers={**if_match(client, path, etag), **(headers or {})},
                             content_type="application/merge-patch+json")


def archive(client, path, etag=None, headers=None):
    """DELETE path (archives) with If-Match (see if_match); the response."""
    return client.request("DELETE", path, headers={**if_match(client, path, etag),
                                                   **(headers or {})})


def restore(client, path, headers=None):
    """POST path/restore (no body); the response."""
    return client.request("POST", f"{path}/restore", headers=headers)


def archived(editor, path):
    """Archives `path` as `editor` (must be 204)."""
    r = archive(editor, path)
    assert r.status_code == 204, f"archiving {path} -> {r.status_code}: {r.text[:300]}"


def all_tasks(client, **params):
    """Every task of GET /v1/tasks with `params`, in pages of 500; each has the Task keys."""
    items, _ = client.walk("/v1/tasks", params, limit=500)
    for t in items:
        assert set(t) == TASK_KEYS, t
    return items


def ids(items):
    return [i["id"] for i in items]


def occurrences(client, task_id, **params):
    """GET /v1/tasks/{id}/occurrences with `params`; must be 200. Returns the items, each with
    the Occurrence keys."""
    r = client.get(task_path(task_id, "occurrences"), params=params)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    for o in items:
        assert set(o) == OCCURRENCE_KEYS, o
    return items


OPEN = ("not_started", "in_progress")


def falls_due(client, task):
    """(overdue occurrences, next due) of `task` as an agency's responsibilities show them:
    the occurrences of a recurring task due before today and not done, and what falls due next
    within 30 days and is not done (an occurrence, or a one-off task's due date), while the task
    is open."""
    if task["status"] not in OPEN:
        return [], None
    soon = today() + datetime.timedelta(days=30)
    if task["recurrence"] == "none":
        due = task["due_date"]
        near = due and today() <= datetime.date.fromisoformat(due) <= soon
        return [], {"occurrence": None, "due": due} if near else None
    items = occurrences(client, task["id"])
    late = [{"occurrence": o["id"], "due": o["due"]} for o in items if o["overdue"]]
    coming = [{"occurrence": o["id"], "due": o["due"]} for o in items if not o["done"]
              and today() <= datetime.date.fromisoformat(o["due"]) <= soon]
    return late, (coming[0] if coming else None)


def searched(fields, q):
    """Whether `q` (folded) occurs in one of `fields` (folded), as ?q= matches."""
    return any(fold(q) in fold(f) for f in fields if f)


def task_text(task):
    return [task["title"], task["title_en"], task["description"], task["source_clause"],
            task["key"]]


# --- the seeded plan (db/seed/plan-1994.json) --------------------------------------------------

SEED_PLAN_CODE = "KH-1994-2016"


def seed_plan_file():
    with open(SEED_PLAN_PATH, encoding="utf-8") as f:
        return json.load(f)


def expand_agencies(entries, groups):
    """A task's agency entries as the server holds them: each group (UBND-DISTRICTS) expanded
    to its members with the entry's role, mode, source and note."""
    out = []
    for e in entries:
        item = {k: e[k] for k in TASK_AGENCY_KEYS}
        for code in groups.get(e["agency"], [e["agency"]]):
            out.append({**item, "agency": code})
    return out


def seed_tasks():
    """{key: the task of the seed file}, its agencies expanded."""
    data = seed_plan_file()
    groups = {g["code"]: g["members"] for g in data["agency_groups"]}
    return {t["key"]: {**t, "agencies": expand_agencies(t["agencies"], groups)}
            for t in data["tasks"]}


def seeded_plan(client):
    """The seeded plan KH-1994-2016 as `client` reads it."""
    found = [p for p in client.walk("/v1/plans", {"q": SEED_PLAN_CODE}, limit=500)[0]
             if p["code"] == SEED_PLAN_CODE]
    assert len(found) == 1, f"the seeded plan {SEED_PLAN_CODE} is not listed once: {found}"
    return found[0]

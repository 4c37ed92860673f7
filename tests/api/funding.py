"""Funding through the API, for the tests (issue 23): funding sources, budget lines and their
workflow, spending (disbursements), the roll-up, and a follower of the change feed.

Every helper takes the client to call as. Amounts are whole đồng; the tests write the sums they
expect literally. Each test makes its own plan (plans.create_plan: a code no other test uses),
so that no other test's lines change its sums.
"""

import uuid

from checks import feed_caught_up
from client import MAX_PAGES
from plans import create_plan, create_section, created

MAX_AMOUNT = 10 ** 15  # a quadrillion đồng: the largest amount the API takes

SOURCE_KEYS = {"code", "name", "name_en", "kind", "cited", "version", "created_at",
               "updated_at"}
LINE_KEYS = {"id", "plan", "year", "agency", "source", "section", "task", "description",
             "estimate", "status", "appraised", "appraisal_note", "allocated", "decision_number",
             "decision_date", "status_note", "spent", "disbursements", "over_allocation",
             "created_by", "version", "created_at", "updated_at", "spent_share"}
DISBURSEMENT_KEYS = {"id", "line", "amount", "effective", "voucher_number", "voucher_date",
                     "description", "evidence", "over_allocation", "reason", "corrects",
                     "agency", "created_by", "created_at"}
ROLLUP_KEYS = {"plan", "year", "group_by", "groups", "total"}
GROUP_KEYS = {"key", "name", "lines", "proposed", "appraised", "allocated", "spent",
              "spent_share"}
TOTAL_KEYS = GROUP_KEYS - {"key", "name"}

LINE_MONEY = ("estimate", "appraised", "allocated", "spent")
SUM_MONEY = ("proposed", "appraised", "allocated", "spent")

SEEDED_SOURCES = ("NSTINH", "NSHUYEN", "CTMT", "DOANHNGHIEP", "TAITRO-TN", "TAITRO-NN")
# The sections every test plan has (plan_with_sections): code -> (seq, kind).
SECTIONS = {"II.1": (1, "objective"), "III.2": (2, "solution"), "IV": (3, "funding")}


# --- paths --------------------------------------------------------------------------------------

def line_path(line_id, *rest):
    """/v1/budget-lines/{id}[/rest...]"""
    return "/".join([f"/v1/budget-lines/{line_id}", *rest])


def disbursements_path(line_id, *rest):
    """/v1/budget-lines/{id}/disbursements[/rest...]"""
    return "/".join([line_path(line_id, "disbursements"), *map(str, rest)])


def source_path(code):
    return f"/v1/funding-sources/{code}"


# --- plans and words ----------------------------------------------------------------------------

def tag(prefix="kp"):
    """Words no other test uses, to make a description unique."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def plan_with_sections(editor, **fields):
    """A plan of the test's own (2017, unless `fields` say otherwise) with sections II.1, III.2
    and IV; returns its id."""
    plan_id = create_plan(editor, **fields)["id"]
    for code, (seq, kind) in SECTIONS.items():
        create_section(editor, plan_id, code, seq=seq, kind=kind)
    return plan_id


# --- funding sources ----------------------------------------------------------------------------

def new_source_code():
    """A funding source code no other test uses (`T-3F9A0C2B`)."""
    return f"T-{uuid.uuid4().hex[:8].upper()}"


def new_source_body(**fields):
    return {"code": new_source_code(), "name": f"Quỹ thử nghiệm {tag()}",
            "name_en": "Trial fund", "kind": "sponsor", **fields}


# --- budget lines -------------------------------------------------------------------------------

def new_line_body(plan_id, **fields):
    """A valid new line of `plan_id` for 2017 from the provincial budget, with `fields` on top
    (a field given as None is left out of the body)."""
    body = {"plan": plan_id, "year": 2017, "source": "NSTINH",
            "description": f"Tập huấn cán bộ phòng, chống mại dâm ({tag()})",
            "estimate": 10_000_000, **fields}
    return {k: v for k, v in body.items() if v is not None}


def post_line(client, plan_id, params=None, headers=None, **fields):
    """POST /v1/budget-lines; the response."""
    return client.post_json("/v1/budget-lines", new_line_body(plan_id, **fields), params=params,
                            headers=headers)


def create_line(client, plan_id, **fields):
    """POST /v1/budget-lines; must be 201. Returns the line (a draft)."""
    line = created(post_line(client, plan_id, **fields), "a budget line")
    assert set(line) == LINE_KEYS, sorted(line)
    return line


def read_line(client, line_id, params=None):
    """GET /v1/budget-lines/{id}; must be 200. Returns (line, ETag)."""
    r = client.get(line_path(line_id), params=params)
    assert r.status_code == 200, f"GET {line_path(line_id)} -> {r.status_code}: {r.text[:300]}"
    assert set(r.json()) == LINE_KEYS, sorted(r.json())
    return r.json(), r.headers["ETag"]


def etag_of(client, line_id):
    return read_line(client, line_id)[1]


def step(client, line_id, action, body=None, etag=None, headers=None, params=None):
    """POST /v1/budget-lines/{id}/{action} (propose, appraise, allocate, reject) with If-Match:
    `etag` None is the current ETag as `client` reads it, False sends none. The response."""
    if etag is None:
        etag = etag_of(client, line_id)
    headers = {**({"If-Match": etag} if etag else {}), **(headers or {})}
    path = line_path(line_id, action)
    if body is None:
        return client.request("POST", path, headers=headers, params=params)
    return client.post_json(path, body, headers=headers, params=params)


def moved(client, line_id, action, body=None):
    """A step that must succeed (200); returns the line after it."""
    r = step(client, line_id, action, body)
    assert r.status_code == 200, (f"{action} of budget line {line_id} -> {r.status_code}: "
                                  f"{r.text[:500]}")
    assert set(r.json()) == LINE_KEYS, sorted(r.json())
    return r.json()


def appraisal(amount, note="Sở Tài chính thẩm định"):
    return {"appraised": amount, "note": note}


def allocation(amount, number="123/QĐ-UBND", date="2017-01-20"):
    return {"allocated": amount, "decision_number": number, "decision_date": date}


def lines_of(client, **params):
    """Every line of GET /v1/budget-lines that `client` may read with `params`."""
    items, _ = client.walk("/v1/budget-lines", params, limit=500)
    for line in items:
        assert set(line) == LINE_KEYS, sorted(line)
    return items


# --- spending -----------------------------------------------------------------------------------

def disbursement_body(amount, **fields):
    """A valid entry of `amount` đồng spent on 2017-03-15, with `fields` on top (None: left
    out)."""
    body = {"amount": amount, "effective": "2017-03-15",
            "voucher_number": f"PC-{uuid.uuid4().hex[:6].upper()}",
            "voucher_date": "2017-03-15", "description": "Chi tổ chức lớp tập huấn",
            "evidence": ["https://example.org/chung-tu/phieu-chi.pdf"], **fields}
    return {k: v for k, v in body.items() if v is not None}


def disburse(client, line_id, amount, params=None, headers=None, **fields):
    """POST /v1/budget-lines/{id}/disbursements; the response."""
    return client.post_json(disbursements_path(line_id), disbursement_body(amount, **fields),
                            params=params, headers=headers)


def disbursed(client, line_id, amount, **fields):
    """POST a disbursement that must be 201; returns the entry."""
    r = disburse(client, line_id, amount, **fields)
    assert r.status_code == 201, (f"spending {amount} on line {line_id} -> {r.status_code}: "
                                  f"{r.text[:500]}")
    assert set(r.json()) == DISBURSEMENT_KEYS, sorted(r.json())
    return r.json()


# --- the roll-up --------------------------------------------------------------------------------

def rollup(client, plan_id, group_by=None, year=None, **params):
    """GET /v1/funding; must be 200. Returns the answer, its shape checked."""
    query = {"plan": plan_id, **params}
    if group_by is not None:
        query["group_by"] = group_by
    if year is not None:
        query["year"] = year
    body = client.json("/v1/funding", query)
    assert set(body) == ROLLUP_KEYS, sorted(body)
    for g in body["groups"]:
        assert set(g) == GROUP_KEYS, sorted(g)
    assert set(body["total"]) == TOTAL_KEYS, sorted(body["total"])
    return body


def figures(group):
    """A group's (or the total's) numbers: (lines, proposed, appraised, allocated, spent)."""
    return (group["lines"], group["proposed"], group["appraised"], group["allocated"],
            group["spent"])


# --- the change feed ----------------------------------------------------------------------------

class FeedWatcher:
    """A reader of GET /v1/changes (with `params`, e.g. entity_type=budget-lines) that starts at
    the end of the feed: `news()` waits (boundedly) until the feed serves every change committed
    so far, then returns the changes since the last call, oldest first. Never a fixed sleep."""

    def __init__(self, client, **params):
        self.client, self.params, self.cursor = client, params, None
        self.news()

    def news(self):
        feed_caught_up(self.client)
        new = []
        for _ in range(MAX_PAGES):
            query = {"limit": 500, **self.params, **({"cursor": self.cursor} if self.cursor
                                                      else {})}
            body = self.client.json("/v1/changes", query)
            new += body["items"]
            if body["resume_cursor"] is not None:
                self.cursor = body["resume_cursor"]
            if body["next_cursor"] is None:
                return new
        raise AssertionError(f"more than {MAX_PAGES} pages of changes")

    def about(self, entity_type, entity_id):
        """The actions of the new changes of one object."""
        return [c["action"] for c in self.news()
                if (c["entity_type"], c["entity_id"]) == (entity_type, str(entity_id))]

"""The access matrix: every route of `planmon routes` x every demo role, no token and a bad token.

Each cell sends one well-formed request and asserts its status: the operation's own answer for a
caller the rule admits (access_rules.RULES, from docs/access.md), 403 for a signed-in
role it does not admit (404 where access_rules says so), 401 without a valid token. For the user
routes the agency matters too: a manager of UBND-883 works on its own agency's users, and another
agency's users do not exist for it (404); an archived document, and its history, exist only for
the roles that edit documents, and so do archived plans, sections and tasks. A manager or officer
changes a task only if its agency leads it, and posts progress only if its agency leads or
coordinates it: the probes of those routes use a task that the agencies of all demo managers and
officers lead, and the agency cells below try the other cases. Every write that must fail leaves
the rows of the guarded tables (users, tokens, documents, plan data, agencies, units, the audit
trail, stored idempotent answers, the indicators, measurements, pilots and reports) as they were.
The probes of measurements, pilot sites and submissions make their object in the cell's caller's
scope (a commune of its district, a site its agency hosts, a report its agency owes), so that the
cell shows the role rule; the scope rules have tests of their own. The probes of webhooks register
theirs for the cell's caller's agency (a manager manages only its own agency's), aimed at a
receiver of the module's own that answers 200, and the module deletes them when it ends.

The probes of funding (issue 23) draft their budget lines for the cell's caller's agency in a plan
of the module's own, and the admin moves them to the status the probe needs. Of the steps, the
route admits editors and managers, and the line decides the rest: a manager proposes, allocates
and rejects its own district's lines, a coordinator allocates and rejects provincial lines after
appraisal, and only the Department of Finance's managers (and admins) appraise; no demo user is
one, so the appraise cell asks it of a district line, which every admitted caller reads and
which is never appraised (409). The funding cells below try the agencies: Châu Đốc's officer does
not see Long Xuyên's draft lines (404, in lists and in the roll-up too), the Department of
Finance reads and appraises every line, a coordinator does not allocate a district's line.
"""

import json
import random
import uuid
from dataclasses import dataclass, field

import pytest

from access_rules import DATA_ENTERERS, PUBLIC, RULES, refusal_status
from checks import assert_problem, assert_unauthorized
from conftest import create_user, needs_metrics, new_username, table_digests
from documents import archived_document, create_document, doc_path, new_document_body
from indicators import (DISTRICT_COMMITTEES, communes, create_indicator, create_target, enter,
                        indicator_path, measurement_body, measurement_path, moved,
                        new_indicator_body, new_target_body, target_path)
from openapi_check import parse_routes_output
from funding import (allocation, appraisal, disbursement_body, disbursements_path, line_path,
                     lines_of, new_line_body, new_source_body, rollup, source_path)
from funding import moved as line_moved
from plans import (agency, archived, create_plan, create_section, create_task, new_code,
                   new_plan_body, new_section_body, new_task_body, plan_path, post_update,
                   section_path, seeded_plan, task_path, update_path)
from reporting import (create_obligation, create_site, create_type, new_obligation_body,
                       new_site_body, new_type_body, obligation_path, site_path, submissions_path,
                       submitted, type_path)
from receiver import Receiver
from server import run_planmon
from settings import DEMO_PASSWORD, DEMO_USERS

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
GUARDED_TABLES = ("app_user", "refresh_token", "document", "audit_event", "idempotency_key",
                  "plan", "plan_section", "task", "task_update", "agency", "admin_unit",
                  "indicator", "indicator_target", "measurement", "pilot_model_type", "pilot_site",
                  "reporting_obligation", "submission", "webhook", "funding_source", "budget_line",
                  "disbursement")
NO_TOKEN, BAD_TOKEN = "(no token)", "(invalid token)"
CALLERS = sorted(DEMO_USERS) + [NO_TOKEN, BAD_TOKEN]
MANAGER, OWN_AGENCY, OTHER_AGENCY = "longxuyen.manager", "UBND-883", "UBND-884"
# The agencies of the demo managers and officers: the probe task has them all as leads.
WORKER_AGENCIES = sorted({a for a, role in DEMO_USERS.values() if role in ("manager", "officer")})
# The description of every webhook the module registers, by which it finds them to delete them.
MATRIX_WEBHOOK = "access matrix"
CALLERS_AGENCY = object()  # Context.webhook's default: the agency of the cell's caller
# A manager of the Department of Finance (STC), which appraises the provincial budget lines (V.9):
# no demo user is one, so the module makes it (Context.finance_manager).
FINANCE_MANAGER = new_username("stc")
PROVINCIAL_AGENCY = "SLDTBXH"  # the agency of the probes' provincial lines the caller need not own


@dataclass
class Call:
    """One request of a cell."""

    path: str
    body: object = None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


class Context:
    """What the probes need: the admin client, throwaway users, fresh refresh tokens, the caller
    of the cell (`caller`), for the probes whose object must lie in the caller's scope, and the
    cell's database connection (`db`), for the probes that write what no route writes."""

    def __init__(self, api, admin):
        self.api, self.admin = api, admin
        self.caller = "admin"
        self.db = None
        self.receiver = None
        self._funding_plan = None
        self._finance_manager = False

    def agency(self):
        """The caller's agency (the admin's for the callers without a token)."""
        return DEMO_USERS.get(self.caller, DEMO_USERS["admin"])[0]

    def district(self):
        """The caller's district when its agency is a district committee, else Long Xuyên."""
        committee = self.agency()
        return committee[len("UBND-"):] if committee in DISTRICT_COMMITTEES else "883"

    def indicator(self):
        """A throwaway commune indicator reported by the district committees and the caller's
        agency; its code."""
        reporters = sorted({*DISTRICT_COMMITTEES, self.agency()})
        return create_indicator(self.admin, reporting_agencies=reporters)["code"]

    def measurement(self, through=()):
        """A throwaway measurement in the caller's scope, moved by the admin through the steps
        `through`; its path."""
        m = enter(self.admin, self.indicator(), communes(self.district())[0])
        for action in through:
            moved(self.admin, m["id"], action)
        return measurement_path(m["id"])

    def measurement_import(self):
        """A throwaway import of one row: the caller's own when it enters data (its agency's,
        which it reads), else the admin's (which the auditor reads); its id."""
        role = DEMO_USERS.get(self.caller, ("", ""))[1]
        importer = client_for(self.api, self.caller) if role in DATA_ENTERERS else self.admin
        row = measurement_body(self.indicator(), communes(self.district())[0])
        r = importer.post_json("/v1/measurements/import", {"rows": [row]})
        assert r.status_code == 200, r.text
        return r.json()["import"]

    def approved_measurement(self):
        """A throwaway approved measurement (which every role reads); its path."""
        return self.measurement(["submit", "approve"])

    def target(self):
        """A throwaway target of a throwaway indicator; its path."""
        code = self.indicator()
        return target_path(code, create_target(self.admin, code)["id"])

    def site(self):
        """A throwaway pilot site that the caller's agency hosts; its path."""
        site = create_site(self.admin, "PM1", self.district(), self.agency())
        return site_path(site["id"])

    def obligation(self):
        """A throwaway yearly obligation that the caller's agency reports on; its code. (Yearly:
        the districts owe yearly reports already, and the tests of completeness count on it.)"""
        return create_obligation(self.admin, [self.agency()], frequency="yearly",
                                 period_type="yearly")["code"]

    def role(self):
        """The caller's role ("" for the callers without a token)."""
        return DEMO_USERS.get(self.caller, ("", ""))[1]

    def funding_plan(self):
        """The module's plan for budget lines (2017, made once); its id."""
        if self._funding_plan is None:
            self._funding_plan = self.plan()
        return self._funding_plan

    def funding_source(self):
        """A throwaway funding source; its path."""
        r = self.admin.post_json("/v1/funding-sources", new_source_body())
        assert r.status_code == 201, r.text
        return source_path(r.json()["code"])

    def budget_line(self, status="draft", agency=CALLERS_AGENCY):
        """A throwaway 2017 budget line of `agency` (by default the caller's), drafted by the
        admin and moved by the admin to `status`: a district committee's line goes from proposed
        to allocated without appraisal (V.12), a provincial line is appraised first. Its id."""
        agency = self.agency() if agency is CALLERS_AGENCY else agency
        r = self.admin.post_json("/v1/budget-lines",
                                 new_line_body(self.funding_plan(), agency=agency,
                                               estimate=10_000_000))
        assert r.status_code == 201, r.text
        line_id = r.json()["id"]
        district = agency in DISTRICT_COMMITTEES
        steps = {"draft": [], "proposed": ["propose"], "appraised": ["propose", "appraise"],
                 "allocated": ["propose", "allocate"] if district
                 else ["propose", "appraise", "allocate"],
                 "rejected": ["propose", "reject"]}[status]
        bodies = {"propose": None, "appraise": appraisal(9_000_000),
                  "allocate": allocation(8_000_000), "reject": {"note": "access matrix"}}
        for action in steps:
            line_moved(self.admin, line_id, action, bodies[action])
        return line_id

    def disbursement(self):
        """The path of a throwaway entry of spending on an allocated line of the caller's
        agency."""
        line_id = self.budget_line("allocated")
        r = self.admin.post_json(disbursements_path(line_id), disbursement_body(1_000_000))
        assert r.status_code == 201, r.text
        return disbursements_path(line_id, r.json()["id"])

    def finance_manager(self):
        """Makes FINANCE_MANAGER, a manager of STC, once."""
        if not self._finance_manager:
            create_user(self.admin, self.api.sessions, agency="STC", role="manager",
                        username=FINANCE_MANAGER)
            self._finance_manager = True

    def refresh_token(self):
        r = self.api.anonymous().post_json("/v1/auth/token", {"username": "auditor",
                                                               "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return r.json()["refresh_token"]

    def officer(self, agency):
        """A throwaway officer of `agency` and its current ETag."""
        name = create_user(self.admin, self.api.sessions, agency=agency, role="officer")["username"]
        return name, self.admin.get(f"/v1/users/{name}").headers["ETag"]

    def document(self):
        """A throwaway document and its current ETag."""
        doc = create_document(self.admin)
        return doc["id"], self.admin.get(doc_path(doc["id"])).headers["ETag"]

    def archived(self):
        """A throwaway archived document's id."""
        return archived_document(self.admin)

    def etag(self, path):
        r = self.admin.get(path)
        assert r.status_code == 200, r.text
        return r.headers["ETag"]

    def plan(self):
        """A throwaway plan with a section V.1; its id."""
        plan_id = create_plan(self.admin)["id"]
        create_section(self.admin, plan_id, "V.1", kind="responsibility")
        return plan_id

    def task(self, entries=None):
        """A throwaway task of a throwaway plan (by default led by WORKER_AGENCIES); its id."""
        entries = [agency(a) for a in WORKER_AGENCIES] if entries is None else entries
        return create_task(self.admin, self.plan(), agencies=entries)["id"]

    def update(self):
        """(task id, update id) of a throwaway task's progress update."""
        task_id = self.task()
        r = post_update(self.admin, task_id, {"note": "access matrix"})
        assert r.status_code == 201, r.text
        return task_id, r.json()["id"]

    def webhook_body(self, agency=CALLERS_AGENCY):
        """The body that registers a webhook reading with `agency`'s rights (by default the
        caller's; None: a viewer's), aimed at the module's receiver, for a kind of event the
        probes never make."""
        if self.receiver is None:
            self.receiver = Receiver()
        body = {"url": self.receiver.url(), "events": ["due_today"],
                "description": MATRIX_WEBHOOK}
        agency = self.agency() if agency is CALLERS_AGENCY else agency
        return body if agency is None else {**body, "agency": agency}

    def webhook(self, agency=CALLERS_AGENCY):
        """A throwaway webhook registered by the admin (see webhook_body); its path."""
        r = self.admin.post_json("/v1/webhooks", self.webhook_body(agency))
        assert r.status_code == 201, r.text
        return f"/v1/webhooks/{r.json()['id']}"

    def delivery(self, agency=CALLERS_AGENCY):
        """The redelivery path of a delivered delivery of a throwaway webhook (see webhook).
        Its event and delivery are written directly: an event dated before every webhook, which
        the fan-out gives to none, delivered once."""
        path = self.webhook(agency)
        event = self.db.execute(
            "INSERT INTO outbox_event (kind, subject, data, at)"
            " VALUES ('due_today', %s, %s::jsonb, '2000-01-01T00:00:00Z') RETURNING id",
            (f"access-matrix/{uuid.uuid4().hex}", json.dumps({"agencies": []}))).fetchone()[0]
        delivery = self.db.execute(
            "INSERT INTO webhook_delivery (webhook, event, status, attempts, finished_at)"
            " VALUES (%s, %s, 'delivered', 1, now()) RETURNING id",
            (int(path.rsplit("/", 1)[1]), event)).fetchone()[0]
        self.db.execute("INSERT INTO webhook_attempt (delivery, attempt, http_status, duration_ms)"
                        " VALUES (%s, 1, 200, 3)", (delivery,))
        return f"{path}/deliveries/{delivery}/redeliver"

    def close(self):
        """Deletes the webhooks the module registered, and stops its receiver."""
        hooks, cursor = [], None
        while True:
            page = self.admin.json("/v1/webhooks", params={"limit": 500,
                                                            **({"cursor": cursor} if cursor else {})})
            hooks += [h for h in page["items"] if h["description"] == MATRIX_WEBHOOK]
            cursor = page["next_cursor"]
            if not cursor:
                break
        for hook in hooks:
            path = f"/v1/webhooks/{hook['id']}"
            etag = self.admin.get(path).headers.get("ETag")
            r = self.admin.request("DELETE", path, headers={"If-Match": etag} if etag else {})
            assert r.status_code in (204, 404), r.text[:300]
        if self.receiver is not None:
            self.receiver.close()


def patch_officer(agency):
    def make(ctx):
        name, etag = ctx.officer(agency)
        return Call(f"/v1/users/{name}", {"display_name": "changed by the access matrix"},
                    {"If-Match": etag}, "application/merge-patch+json")
    return make


def new_user(agency):
    return lambda ctx: Call("/v1/users", {"username": new_username("m"), "agency": agency,
                                          "role": "officer", "password": "matrix-password-1"})


def patch_document(ctx):
    doc_id, etag = ctx.document()
    return Call(doc_path(doc_id), {"title_en": "changed by the access matrix"}, {"If-Match": etag},
                "application/merge-patch+json")


def archive_document(ctx):
    doc_id, etag = ctx.document()
    return Call(doc_path(doc_id), headers={"If-Match": etag})


def patched(path_of, body):
    """A maker of a merge patch of `body` on `path_of(ctx)`, with the current ETag."""
    def make(ctx):
        path = path_of(ctx)
        return Call(path, body, {"If-Match": ctx.etag(path)}, "application/merge-patch+json")
    return make


def archiving(path_of):
    """A maker of DELETE `path_of(ctx)` with the current ETag."""
    def make(ctx):
        path = path_of(ctx)
        return Call(path, headers={"If-Match": ctx.etag(path)})
    return make


def restoring(path_of):
    """A maker of POST {path}/restore of `path_of(ctx)`, archived first."""
    def make(ctx):
        path = path_of(ctx)
        archived(ctx.admin, path)
        return Call(f"{path}/restore")
    return make


def new_plan_path(ctx):
    return plan_path(ctx.plan())


def new_section_path(ctx):
    return section_path(ctx.plan(), "V.1")


def new_task_path(ctx):
    return task_path(ctx.task())


def submission(ctx):
    code = ctx.obligation()
    made = submitted(ctx.admin, code, agency=ctx.agency(), period="2017")
    return Call(f"{submissions_path(code)}/{made['id']}")


def line_step(status_of, action, body=None):
    """A maker of POST /v1/budget-lines/{id}/{action} with the line's current ETag; `status_of`
    gives (status, agency) of the line to make for the cell's caller (budget_line)."""
    def make(ctx):
        status, agency_code = status_of(ctx)
        path = line_path(ctx.budget_line(status, agency_code))
        return Call(f"{path}/{action}", body, {"If-Match": ctx.etag(path)})
    return make


def own_line(status):
    return lambda ctx: (status, CALLERS_AGENCY)


def next_step_line(ctx):
    """A line the caller may allocate or reject, when its role may: a manager its own district
    committee's proposed line (V.12), the others an appraised provincial line."""
    if ctx.role() == "manager":
        return "proposed", CALLERS_AGENCY
    return "appraised", PROVINCIAL_AGENCY


def new_unit_code():
    """A code for a unit the probe's POST is refused before it is made (422); never reserved."""
    return str(random.randint(90000, 99998))


# (method, route) -> (status for an admitted caller, request maker). The request is valid for
# an admitted caller, except PUT /v1/me/password, whose new password is too short (422): the
# demo users keep their passwords, and 422 shows the rule let the caller through (PATCH /v1/me
# likewise sends an address that is not one). The reference
# data writes are refused with 422 for the same reason: the agencies and units that other tests
# count stay as they are.
PROBES = {
    ("GET", "/healthz"): (200, lambda ctx: Call("/healthz")),
    ("GET", "/readyz"): (200, lambda ctx: Call("/readyz")),
    ("GET", "/metrics"): (200, lambda ctx: Call("/metrics")),
    ("GET", "/openapi.yaml"): (200, lambda ctx: Call("/openapi.yaml")),
    ("GET", "/openapi.json"): (200, lambda ctx: Call("/openapi.json")),
    ("GET", "/postman.json"): (200, lambda ctx: Call("/postman.json")),
    ("GET", "/docs"): (200, lambda ctx: Call("/docs")),
    ("GET", "/docs/redoc.standalone.js"): (200, lambda ctx: Call("/docs/redoc.standalone.js")),
    ("GET", "/.well-known/jwks.json"): (200, lambda ctx: Call("/.well-known/jwks.json")),
    ("POST", "/v1/auth/token"): (200, lambda ctx: Call(
        "/v1/auth/token", {"username": "viewer", "password": DEMO_PASSWORD})),
    ("POST", "/v1/auth/refresh"): (200, lambda ctx: Call(
        "/v1/auth/refresh", {"refresh_token": ctx.refresh_token()})),
    ("POST", "/v1/auth/logout"): (204, lambda ctx: Call(
        "/v1/auth/logout", {"refresh_token": ctx.refresh_token()})),
    ("GET", "/v1/me"): (200, lambda ctx: Call("/v1/me")),
    ("PATCH", "/v1/me"): (422, lambda ctx: Call("/v1/me", {"email": "not-an-address"})),
    ("PUT", "/v1/me/password"): (422, lambda ctx: Call(
        "/v1/me/password", {"current_password": DEMO_PASSWORD, "new_password": "short"})),
    ("GET", "/v1/users"): (200, lambda ctx: Call("/v1/users")),
    ("POST", "/v1/users"): (201, new_user(OWN_AGENCY)),
    ("GET", "/v1/users/{username}"): (200, lambda ctx: Call("/v1/users/longxuyen.officer")),
    ("PATCH", "/v1/users/{username}"): (200, patch_officer(OWN_AGENCY)),
    ("GET", "/v1/admin-units"): (200, lambda ctx: Call("/v1/admin-units")),
    ("GET", "/v1/admin-units/{code}"): (200, lambda ctx: Call("/v1/admin-units/883")),
    ("GET", "/v1/agencies"): (200, lambda ctx: Call("/v1/agencies")),
    ("GET", "/v1/agencies/{code}"): (200, lambda ctx: Call("/v1/agencies/UBND-883")),
    ("GET", "/v1/users/{username}/history"): (
        200, lambda ctx: Call("/v1/users/longxuyen.officer/history")),
    ("GET", "/v1/admin-units/{code}/history"): (200, lambda ctx: Call("/v1/admin-units/883/history")),
    ("GET", "/v1/agencies/{code}/history"): (200, lambda ctx: Call("/v1/agencies/SYT/history")),
    ("GET", "/v1/documents"): (200, lambda ctx: Call("/v1/documents")),
    ("POST", "/v1/documents"): (201, lambda ctx: Call("/v1/documents", new_document_body())),
    ("GET", "/v1/documents/{id}"): (200, lambda ctx: Call("/v1/documents/1")),
    ("PATCH", "/v1/documents/{id}"): (200, patch_document),
    ("DELETE", "/v1/documents/{id}"): (204, archive_document),
    ("POST", "/v1/documents/{id}/restore"): (200, lambda ctx: Call(
        doc_path(ctx.archived(), "restore"))),
    ("GET", "/v1/documents/{id}/history"): (200, lambda ctx: Call("/v1/documents/1/history")),
    ("GET", "/v1/audit-events"): (200, lambda ctx: Call("/v1/audit-events")),
    ("GET", "/v1/changes"): (200, lambda ctx: Call("/v1/changes")),
    ("POST", "/v1/agencies"): (422, lambda ctx: Call("/v1/agencies", {
        "code": new_code("M"), "name": "Ủy ban nhân dân (thử)", "kind": "people_committee"})),
    ("PATCH", "/v1/agencies/{code}"): (422, patched(
        lambda ctx: "/v1/agencies/SYT", {"valid_from": "2020-01-01", "valid_to": "2019-01-01"})),
    ("GET", "/v1/agencies/{code}/responsibilities"): (
        200, lambda ctx: Call("/v1/agencies/SLDTBXH/responsibilities")),
    ("POST", "/v1/admin-units"): (422, lambda ctx: Call("/v1/admin-units", {
        "code": new_unit_code(), "name": "Tỉnh Thử", "type": "tinh", "parent": "883",
        "valid_from": "2020-01-01"})),
    ("PATCH", "/v1/admin-units/{code}"): (422, patched(
        lambda ctx: "/v1/admin-units/883", {"effective": "2021-02-01"})),
    ("GET", "/v1/plans"): (200, lambda ctx: Call("/v1/plans")),
    ("POST", "/v1/plans"): (201, lambda ctx: Call("/v1/plans", new_plan_body())),
    ("GET", "/v1/plans/{id}"): (200, lambda ctx: Call(new_plan_path(ctx))),
    ("PATCH", "/v1/plans/{id}"): (200, patched(new_plan_path, {"title_en": "matrix"})),
    ("DELETE", "/v1/plans/{id}"): (204, archiving(new_plan_path)),
    ("POST", "/v1/plans/{id}/restore"): (200, restoring(new_plan_path)),
    ("GET", "/v1/plans/{id}/history"): (200, lambda ctx: Call(new_plan_path(ctx) + "/history")),
    ("GET", "/v1/plans/{id}/sections"): (200, lambda ctx: Call(new_plan_path(ctx) + "/sections")),
    ("POST", "/v1/plans/{id}/sections"): (201, lambda ctx: Call(
        new_plan_path(ctx) + "/sections", new_section_body("V.2"))),
    ("GET", "/v1/plans/{id}/sections/{code}"): (200, lambda ctx: Call(new_section_path(ctx))),
    ("PATCH", "/v1/plans/{id}/sections/{code}"): (200, patched(new_section_path, {"seq": 9})),
    ("DELETE", "/v1/plans/{id}/sections/{code}"): (204, archiving(new_section_path)),
    ("POST", "/v1/plans/{id}/sections/{code}/restore"): (200, restoring(new_section_path)),
    ("GET", "/v1/plans/{id}/sections/{code}/history"): (
        200, lambda ctx: Call(new_section_path(ctx) + "/history")),
    ("GET", "/v1/tasks"): (200, lambda ctx: Call("/v1/tasks")),
    ("POST", "/v1/tasks"): (201, lambda ctx: Call("/v1/tasks", new_task_body(ctx.plan()))),
    ("GET", "/v1/tasks/{id}"): (200, lambda ctx: Call(new_task_path(ctx))),
    ("PATCH", "/v1/tasks/{id}"): (200, patched(new_task_path, {"due_date": "2031-12-31"})),
    ("DELETE", "/v1/tasks/{id}"): (204, archiving(new_task_path)),
    ("POST", "/v1/tasks/{id}/restore"): (200, restoring(new_task_path)),
    ("GET", "/v1/tasks/{id}/history"): (200, lambda ctx: Call(new_task_path(ctx) + "/history")),
    ("GET", "/v1/tasks/{id}/updates"): (200, lambda ctx: Call(new_task_path(ctx) + "/updates")),
    ("POST", "/v1/tasks/{id}/updates"): (201, lambda ctx: Call(
        new_task_path(ctx) + "/updates", {"percent_done": 10, "note": "access matrix"})),
    ("GET", "/v1/tasks/{id}/updates/{update_id}"): (200, lambda ctx: Call(
        update_path(*ctx.update()))),
    ("GET", "/v1/tasks/{id}/occurrences"): (200, lambda ctx: Call(
        new_task_path(ctx) + "/occurrences")),
    ("GET", "/v1/periods/{id}"): (200, lambda ctx: Call("/v1/periods/2017VNS1")),
    ("GET", "/v1/indicators"): (200, lambda ctx: Call("/v1/indicators")),
    ("POST", "/v1/indicators"): (201, lambda ctx: Call("/v1/indicators", new_indicator_body())),
    ("GET", "/v1/indicators/{code}"): (200, lambda ctx: Call("/v1/indicators/COMMUNE-AWARENESS")),
    ("PATCH", "/v1/indicators/{code}"): (200, patched(
        lambda ctx: indicator_path(ctx.indicator()), {"name_en": "matrix"})),
    ("DELETE", "/v1/indicators/{code}"): (204, archiving(
        lambda ctx: indicator_path(ctx.indicator()))),
    ("POST", "/v1/indicators/{code}/restore"): (200, restoring(
        lambda ctx: indicator_path(ctx.indicator()))),
    ("GET", "/v1/indicators/{code}/history"): (
        200, lambda ctx: Call("/v1/indicators/COMMUNE-AWARENESS/history")),
    ("GET", "/v1/indicators/{code}/targets"): (
        200, lambda ctx: Call("/v1/indicators/COMMUNE-AWARENESS/targets")),
    ("POST", "/v1/indicators/{code}/targets"): (201, lambda ctx: Call(
        indicator_path(ctx.indicator(), "targets"), new_target_body())),
    ("GET", "/v1/indicators/{code}/targets/{id}"): (200, lambda ctx: Call(ctx.target())),
    ("PATCH", "/v1/indicators/{code}/targets/{id}"): (200, patched(
        lambda ctx: ctx.target(), {"note": "matrix"})),
    ("DELETE", "/v1/indicators/{code}/targets/{id}"): (204, archiving(lambda ctx: ctx.target())),
    ("POST", "/v1/indicators/{code}/targets/{id}/restore"): (200, restoring(
        lambda ctx: ctx.target())),
    ("GET", "/v1/indicators/{code}/targets/{id}/history"): (
        200, lambda ctx: Call(ctx.target() + "/history")),
    ("GET", "/v1/measurements"): (200, lambda ctx: Call("/v1/measurements")),
    ("POST", "/v1/measurements"): (201, lambda ctx: Call("/v1/measurements", measurement_body(
        ctx.indicator(), communes(ctx.district())[0]))),
    ("POST", "/v1/measurements/import"): (200, lambda ctx: Call("/v1/measurements/import", {
        "rows": [measurement_body(ctx.indicator(), communes(ctx.district())[0])]})),
    ("GET", "/v1/measurements/{id}"): (200, lambda ctx: Call(ctx.approved_measurement())),
    ("PATCH", "/v1/measurements/{id}"): (200, patched(
        lambda ctx: ctx.measurement(), {"comment": "matrix"})),
    ("POST", "/v1/measurements/{id}/submit"): (200, lambda ctx: Call(
        ctx.measurement() + "/submit")),
    ("POST", "/v1/measurements/{id}/approve"): (200, lambda ctx: Call(
        ctx.measurement(["submit"]) + "/approve")),
    ("GET", "/v1/measurements/template"): (200, lambda ctx: Call(
        f"/v1/measurements/template?indicator={ctx.indicator()}&period=2017")),
    ("POST", "/v1/measurements/submit"): (200, lambda ctx: Call("/v1/measurements/submit", {
        "ids": [int(ctx.measurement().rsplit("/", 1)[1])]})),
    ("POST", "/v1/measurements/approve"): (200, lambda ctx: Call("/v1/measurements/approve", {
        "ids": [int(ctx.measurement(["submit"]).rsplit("/", 1)[1])]})),
    ("GET", "/v1/measurement-imports/{id}"): (200, lambda ctx: Call(
        f"/v1/measurement-imports/{ctx.measurement_import()}")),
    ("POST", "/v1/measurements/{id}/return"): (200, lambda ctx: Call(
        ctx.measurement(["submit"]) + "/return", {"note": "matrix"})),
    ("POST", "/v1/measurements/{id}/unapprove"): (200, lambda ctx: Call(
        ctx.measurement(["submit", "approve"]) + "/unapprove")),
    ("GET", "/v1/measurements/{id}/history"): (
        200, lambda ctx: Call(ctx.approved_measurement() + "/history")),
    ("GET", "/v1/analytics"): (200, lambda ctx: Call(
        "/v1/analytics?indicator=COMMUNE-AWARENESS&period=2017&unit=89")),
    ("GET", "/v1/dashboard"): (200, lambda ctx: Call(
        f"/v1/dashboard?period=2017VN&plan={seeded_plan(ctx.admin)['id']}&unit=883")),
    ("GET", "/v1/pilot-model-types"): (200, lambda ctx: Call("/v1/pilot-model-types")),
    ("POST", "/v1/pilot-model-types"): (201, lambda ctx: Call(
        "/v1/pilot-model-types", new_type_body())),
    ("GET", "/v1/pilot-model-types/{code}"): (200, lambda ctx: Call("/v1/pilot-model-types/PM1")),
    ("PATCH", "/v1/pilot-model-types/{code}"): (200, patched(
        lambda ctx: type_path(create_type(ctx.admin)["code"]), {"description": "matrix"})),
    ("GET", "/v1/pilot-model-types/{code}/history"): (
        200, lambda ctx: Call("/v1/pilot-model-types/PM1/history")),
    ("GET", "/v1/pilot-sites"): (200, lambda ctx: Call("/v1/pilot-sites")),
    ("POST", "/v1/pilot-sites"): (201, lambda ctx: Call("/v1/pilot-sites", new_site_body(
        "PM1", ctx.district(), ctx.agency()))),
    ("GET", "/v1/pilot-sites/{id}"): (200, lambda ctx: Call(ctx.site())),
    ("PATCH", "/v1/pilot-sites/{id}"): (200, patched(lambda ctx: ctx.site(), {"notes": "matrix"})),
    ("DELETE", "/v1/pilot-sites/{id}"): (204, archiving(lambda ctx: ctx.site())),
    ("POST", "/v1/pilot-sites/{id}/restore"): (200, restoring(lambda ctx: ctx.site())),
    ("GET", "/v1/pilot-sites/{id}/history"): (200, lambda ctx: Call(ctx.site() + "/history")),
    ("GET", "/v1/pilot-sites/{id}/status-history"): (200, lambda ctx: Call(
        ctx.site() + "/status-history")),
    ("GET", "/v1/reporting-obligations"): (200, lambda ctx: Call("/v1/reporting-obligations")),
    ("POST", "/v1/reporting-obligations"): (201, lambda ctx: Call(
        "/v1/reporting-obligations", new_obligation_body(["SLDTBXH"]))),
    ("GET", "/v1/reporting-obligations/{code}"): (
        200, lambda ctx: Call("/v1/reporting-obligations/RO-V1-6M")),
    ("PATCH", "/v1/reporting-obligations/{code}"): (200, patched(
        lambda ctx: obligation_path(ctx.obligation()), {"note": "matrix"})),
    ("GET", "/v1/reporting-obligations/{code}/history"): (
        200, lambda ctx: Call("/v1/reporting-obligations/RO-V1-6M/history")),
    ("GET", "/v1/reporting-obligations/{code}/submissions"): (
        200, lambda ctx: Call(submissions_path("RO-V1-6M"))),
    ("POST", "/v1/reporting-obligations/{code}/submissions"): (201, lambda ctx: Call(
        submissions_path(ctx.obligation()), {"period": "2017"})),
    ("GET", "/v1/reporting-obligations/{code}/submissions/{id}"): (200, submission),
    ("GET", "/v1/reporting-completeness"): (200, lambda ctx: Call(
        "/v1/reporting-completeness?period=2017VNS1")),
    ("GET", "/v1/reports/{period}"): (200, lambda ctx: Call(
        f"/v1/reports/2017VN?plan={seeded_plan(ctx.admin)['id']}&unit=89")),
    ("GET", "/v1/funding-sources"): (200, lambda ctx: Call("/v1/funding-sources")),
    ("POST", "/v1/funding-sources"): (201, lambda ctx: Call(
        "/v1/funding-sources", new_source_body())),
    ("GET", "/v1/funding-sources/{code}"): (200, lambda ctx: Call(source_path("NSTINH"))),
    ("PATCH", "/v1/funding-sources/{code}"): (200, patched(
        lambda ctx: ctx.funding_source(), {"cited": "matrix"})),
    ("GET", "/v1/funding-sources/{code}/history"): (200, lambda ctx: Call(
        source_path("NSTINH") + "/history")),
    ("GET", "/v1/budget-lines"): (200, lambda ctx: Call(
        f"/v1/budget-lines?plan={ctx.funding_plan()}")),
    ("POST", "/v1/budget-lines"): (201, lambda ctx: Call(
        "/v1/budget-lines", new_line_body(ctx.funding_plan()))),
    ("GET", "/v1/budget-lines/{id}"): (200, lambda ctx: Call(
        line_path(ctx.budget_line("allocated")))),
    ("PATCH", "/v1/budget-lines/{id}"): (200, patched(
        lambda ctx: line_path(ctx.budget_line()), {"description": "access matrix"})),
    ("DELETE", "/v1/budget-lines/{id}"): (204, archiving(
        lambda ctx: line_path(ctx.budget_line()))),
    ("POST", "/v1/budget-lines/{id}/propose"): (200, line_step(own_line("draft"), "propose")),
    # a district committee's line is never appraised: every admitted caller reads it and gets 409
    ("POST", "/v1/budget-lines/{id}/appraise"): (409, line_step(
        lambda ctx: ("proposed", OWN_AGENCY), "appraise", appraisal(9_000_000))),
    ("POST", "/v1/budget-lines/{id}/allocate"): (200, line_step(
        next_step_line, "allocate", allocation(8_000_000))),
    ("POST", "/v1/budget-lines/{id}/reject"): (200, line_step(
        next_step_line, "reject", {"note": "access matrix"})),
    ("GET", "/v1/budget-lines/{id}/history"): (200, lambda ctx: Call(
        line_path(ctx.budget_line("allocated"), "history"))),
    ("GET", "/v1/budget-lines/{id}/disbursements"): (200, lambda ctx: Call(
        disbursements_path(ctx.budget_line("allocated")))),
    ("POST", "/v1/budget-lines/{id}/disbursements"): (201, lambda ctx: Call(
        disbursements_path(ctx.budget_line("allocated")), disbursement_body(1_000_000))),
    ("GET", "/v1/budget-lines/{id}/disbursements/{entry}"): (200, lambda ctx: Call(
        ctx.disbursement())),
    ("GET", "/v1/funding"): (200, lambda ctx: Call(f"/v1/funding?plan={ctx.funding_plan()}")),
    ("GET", "/v1/webhooks"): (200, lambda ctx: Call("/v1/webhooks")),
    ("POST", "/v1/webhooks"): (201, lambda ctx: Call("/v1/webhooks", ctx.webhook_body())),
    ("GET", "/v1/webhooks/{id}"): (200, lambda ctx: Call(ctx.webhook())),
    ("PATCH", "/v1/webhooks/{id}"): (200, patched(lambda ctx: ctx.webhook(), {"due_soon_days": 5})),
    ("DELETE", "/v1/webhooks/{id}"): (204, archiving(lambda ctx: ctx.webhook())),
    ("GET", "/v1/webhooks/{id}/deliveries"): (200, lambda ctx: Call(ctx.webhook() + "/deliveries")),
    ("POST", "/v1/webhooks/{id}/deliveries/{delivery}/redeliver"): (
        202, lambda ctx: Call(ctx.delivery())),
}


def expected_status(route, caller):
    rule, (admitted, _) = RULES[route], PROBES[route]
    if rule == PUBLIC:
        return admitted
    if caller in (NO_TOKEN, BAD_TOKEN):
        return 401
    return admitted if DEMO_USERS[caller][1] in rule else refusal_status(route)


def client_for(api, caller):
    if caller == NO_TOKEN:
        return api.anonymous()
    if caller == BAD_TOKEN:
        return api.with_token("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")
    return api.as_user(caller)


@pytest.fixture(scope="module")
def ctx(api, admin):
    context = Context(api, admin)
    yield context
    context.close()


def run_cell(ctx, db, method, call, caller, expected):
    """Sends `call` as `caller`, asserts `expected`; a refused write must change no row."""
    client = client_for(ctx.api, caller)
    headers = client.auth_headers(call.headers)  # signs in (if need be) before the snapshot
    guarded = method in WRITE_METHODS and not 200 <= expected < 300
    before = table_digests(db, GUARDED_TABLES) if guarded else None
    if call.body is None:
        r = client.request(method, call.path, headers=headers)
    else:
        r = client.send_json(method, call.path, call.body, headers=headers,
                             content_type=call.content_type)
    assert r.status_code == expected, (
        f"{caller} {method} {call.path}: expected {expected}, got {r.status_code}: {r.text[:300]}")
    if expected == 401:
        assert_unauthorized(r, token_sent=caller == BAD_TOKEN)
    elif expected == 403:
        assert_problem(r, 403, "forbidden")
    elif expected == 404:
        assert_problem(r, 404, "not_found")
    if guarded:
        assert table_digests(db, GUARDED_TABLES) == before, \
            f"the refused {method} {call.path} by {caller} changed {GUARDED_TABLES}"
    return r


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", sorted(RULES), ids=lambda r: f"{r[0]} {r[1]}")
@needs_metrics(route=("GET", "/metrics"))
def test_cell(ctx, db, route, caller):
    method = route[0]
    _, make = PROBES[route]
    ctx.caller, ctx.db = caller, db
    run_cell(ctx, db, method, make(ctx), caller, expected_status(route, caller))


# --- the agency dimension of the user routes ----------------------------------------------------

AGENCY_CELLS = [
    # (caller, method, request maker, status)
    ("admin", "GET", lambda ctx: Call("/v1/users/chaudoc.officer"), 200),
    (MANAGER, "GET", lambda ctx: Call("/v1/users/longxuyen.officer"), 200),
    (MANAGER, "GET", lambda ctx: Call("/v1/users/chaudoc.officer"), 404),
    (MANAGER, "GET", lambda ctx: Call("/v1/users/admin"), 404),
    ("admin", "PATCH", patch_officer(OTHER_AGENCY), 200),
    (MANAGER, "PATCH", patch_officer(OWN_AGENCY), 200),
    (MANAGER, "PATCH", patch_officer(OTHER_AGENCY), 404),
    ("admin", "POST", new_user(OTHER_AGENCY), 201),
    (MANAGER, "POST", new_user(OWN_AGENCY), 201),
    (MANAGER, "POST", new_user(OTHER_AGENCY), 403),
    (MANAGER, "POST", new_user("STTTT"), 403),
    ("admin", "GET", lambda ctx: Call("/v1/users/chaudoc.officer/history"), 200),
    (MANAGER, "GET", lambda ctx: Call("/v1/users/longxuyen.officer/history"), 200),
    (MANAGER, "GET", lambda ctx: Call("/v1/users/chaudoc.officer/history"), 404),
    (MANAGER, "GET", lambda ctx: Call("/v1/users/admin/history"), 404),
]
AGENCY_IDS = ["admin reads a UBND-884 user", "manager reads its own agency's officer",
              "manager reads a UBND-884 user", "manager reads an STTTT user",
              "admin changes a UBND-884 user", "manager changes its own agency's officer",
              "manager changes a UBND-884 user", "admin creates in UBND-884",
              "manager creates in its own agency", "manager creates in UBND-884",
              "manager creates in STTTT", "admin reads a UBND-884 user's history",
              "manager reads its own agency's officer's history",
              "manager reads a UBND-884 user's history", "manager reads an STTTT user's history"]




def task_patch(entries, body=None):
    def make(ctx):
        path = task_path(ctx.task(entries))
        return Call(path, body or {"due_date": "2031-12-31"}, {"If-Match": ctx.etag(path)},
                    "application/merge-patch+json")
    return make


def task_update(entries):
    return lambda ctx: Call(task_path(ctx.task(entries), "updates"), {"note": "access matrix"})


LED, COORDINATED = [agency(OWN_AGENCY)], [agency("SYT"), agency(OWN_AGENCY, "coordinate")]
ABSENT = [agency("SYT")]
TASK_CELLS = [
    ("longxuyen.officer", "PATCH", task_patch(LED), 200),
    ("longxuyen.officer", "PATCH", task_patch(LED, {"title": "x"}), 403),
    ("longxuyen.officer", "PATCH", task_patch(COORDINATED), 403),
    ("longxuyen.officer", "PATCH", task_patch(ABSENT), 403),
    ("longxuyen.manager", "PATCH", task_patch(COORDINATED), 403),
    ("longxuyen.officer", "POST", task_update(LED), 201),
    ("longxuyen.officer", "POST", task_update(COORDINATED), 201),
    ("longxuyen.officer", "POST", task_update(ABSENT), 403),
    ("longxuyen.manager", "POST", task_update(ABSENT), 403),
    ("coordinator", "PATCH", task_patch(ABSENT, {"title": "x"}), 200),
    ("admin", "POST", task_update(ABSENT), 201),
]
TASK_IDS = ["officer changes the dates of a task its agency leads",
            "officer changes the title of a task its agency leads",
            "officer changes a task its agency coordinates",
            "officer changes a task its agency is not on",
            "manager changes a task its agency coordinates",
            "officer posts on a task its agency leads",
            "officer posts on a task its agency coordinates",
            "officer posts on a task its agency is not on",
            "manager posts on a task its agency is not on",
            "coordinator changes the title of any task", "admin posts on any task"]
AGENCY_CELLS += TASK_CELLS
AGENCY_IDS += TASK_IDS


def other_webhook(suffix=""):
    """A maker of a call on a webhook of UBND-884's (the demo manager's is UBND-883)."""
    return lambda ctx: Call(ctx.webhook(OTHER_AGENCY) + suffix)


WEBHOOK_CELLS = [
    ("admin", "GET", other_webhook(), 200),
    (MANAGER, "GET", other_webhook(), 404),
    (MANAGER, "GET", lambda ctx: Call(ctx.webhook(None)), 404),
    (MANAGER, "GET", other_webhook("/deliveries"), 404),
    (MANAGER, "PATCH", patched(lambda ctx: ctx.webhook(OTHER_AGENCY), {"due_soon_days": 5}), 404),
    (MANAGER, "DELETE", archiving(lambda ctx: ctx.webhook(OTHER_AGENCY)), 404),
    (MANAGER, "POST", lambda ctx: Call(ctx.delivery(OTHER_AGENCY)), 404),
    (MANAGER, "POST", lambda ctx: Call("/v1/webhooks", ctx.webhook_body(OTHER_AGENCY)), 403),
    (MANAGER, "POST", lambda ctx: Call("/v1/webhooks", ctx.webhook_body(None)), 201),
    ("admin", "POST", lambda ctx: Call("/v1/webhooks", ctx.webhook_body(None)), 201),
]
WEBHOOK_IDS = ["admin reads a UBND-884 webhook", "manager reads a UBND-884 webhook",
               "manager reads a webhook without an agency",
               "manager reads a UBND-884 webhook's deliveries",
               "manager changes a UBND-884 webhook", "manager deletes a UBND-884 webhook",
               "manager redelivers a UBND-884 webhook's delivery",
               "manager registers for UBND-884",
               "manager registers without an agency (its own agency's)",
               "admin registers without an agency (a viewer's rights)"]
AGENCY_CELLS += WEBHOOK_CELLS
AGENCY_IDS += WEBHOOK_IDS

CD_OFFICER, LX_OFFICER = "chaudoc.officer", "longxuyen.officer"


def lx_line(status="draft", suffix=""):
    """A maker of GET of a Long Xuyên (UBND-883) line in `status`, with `suffix` on its path."""
    return lambda ctx: Call(line_path(ctx.budget_line(status, OWN_AGENCY)) + suffix)


def finance(make):
    """`make`, once the Department of Finance's manager exists."""
    def made(ctx):
        ctx.finance_manager()
        return make(ctx)
    return made


FUNDING_CELLS = [
    (LX_OFFICER, "GET", lx_line(), 200),
    (CD_OFFICER, "GET", lx_line(), 404),
    (CD_OFFICER, "GET", lx_line("proposed"), 404),
    (CD_OFFICER, "GET", lx_line("rejected"), 404),
    (CD_OFFICER, "GET", lx_line("draft", "/history"), 404),
    (CD_OFFICER, "GET", lx_line("draft", "/disbursements"), 404),
    (CD_OFFICER, "PATCH", patched(lambda ctx: line_path(ctx.budget_line("draft", OWN_AGENCY)),
                                  {"description": "access matrix"}), 404),
    (CD_OFFICER, "DELETE", archiving(lambda ctx: line_path(ctx.budget_line("draft", OWN_AGENCY))),
     404),
    (CD_OFFICER, "POST", lambda ctx: Call(disbursements_path(ctx.budget_line("draft", OWN_AGENCY)),
                                          disbursement_body(1_000_000)), 404),
    (CD_OFFICER, "GET", lx_line("allocated"), 200),
    (CD_OFFICER, "POST", lambda ctx: Call(
        disbursements_path(ctx.budget_line("allocated", OWN_AGENCY)),
        disbursement_body(1_000_000)), 403),
    (LX_OFFICER, "POST", lambda ctx: Call("/v1/budget-lines", new_line_body(
        ctx.funding_plan(), agency=OTHER_AGENCY)), 403),
    ("health.officer", "GET", lx_line(), 404),
    ("viewer", "GET", lx_line(), 404),
    ("viewer", "GET", lx_line("allocated"), 200),
    ("auditor", "GET", lx_line(), 200),
    ("coordinator", "GET", lx_line(), 200),
    (FINANCE_MANAGER, "GET", finance(lx_line()), 200),
    (FINANCE_MANAGER, "POST", finance(line_step(
        lambda ctx: ("proposed", PROVINCIAL_AGENCY), "appraise", appraisal(9_000_000))), 200),
    ("coordinator", "POST", line_step(
        lambda ctx: ("proposed", PROVINCIAL_AGENCY), "appraise", appraisal(9_000_000)), 403),
    ("admin", "POST", line_step(
        lambda ctx: ("proposed", PROVINCIAL_AGENCY), "appraise", appraisal(9_000_000)), 200),
    (MANAGER, "POST", line_step(
        lambda ctx: ("proposed", PROVINCIAL_AGENCY), "appraise", appraisal(9_000_000)), 404),
    (MANAGER, "POST", line_step(
        lambda ctx: ("appraised", PROVINCIAL_AGENCY), "allocate", allocation(8_000_000)), 403),
    ("coordinator", "POST", line_step(
        lambda ctx: ("proposed", OWN_AGENCY), "allocate", allocation(8_000_000)), 403),
    (MANAGER, "POST", line_step(lambda ctx: ("draft", OTHER_AGENCY), "propose"), 404),
]
FUNDING_IDS = ["Long Xuyên's officer reads its draft line",
               "Châu Đốc's officer reads Long Xuyên's draft line",
               "Châu Đốc's officer reads Long Xuyên's proposed line",
               "Châu Đốc's officer reads Long Xuyên's rejected line",
               "Châu Đốc's officer reads Long Xuyên's draft line's history",
               "Châu Đốc's officer reads Long Xuyên's draft line's spending",
               "Châu Đốc's officer changes Long Xuyên's draft line",
               "Châu Đốc's officer deletes Long Xuyên's draft line",
               "Châu Đốc's officer spends on Long Xuyên's draft line",
               "Châu Đốc's officer reads Long Xuyên's allocated line",
               "Châu Đốc's officer spends on Long Xuyên's allocated line",
               "Long Xuyên's officer drafts a line for Châu Đốc",
               "a department's officer reads Long Xuyên's draft line",
               "viewer reads Long Xuyên's draft line",
               "viewer reads Long Xuyên's allocated line",
               "auditor reads Long Xuyên's draft line",
               "coordinator reads Long Xuyên's draft line",
               "the Department of Finance's manager reads Long Xuyên's draft line",
               "the Department of Finance's manager appraises a provincial line",
               "coordinator appraises a provincial line",
               "admin appraises a provincial line",
               "Long Xuyên's manager appraises a provincial line",
               "Long Xuyên's manager allocates an appraised provincial line",
               "coordinator allocates Long Xuyên's proposed line",
               "Long Xuyên's manager proposes Châu Đốc's draft line"]
AGENCY_CELLS += FUNDING_CELLS
AGENCY_IDS += FUNDING_IDS


@pytest.mark.parametrize("caller,method,make,status", AGENCY_CELLS, ids=AGENCY_IDS)
def test_agency_cell(ctx, db, caller, method, make, status):
    ctx.caller, ctx.db = caller, db
    run_cell(ctx, db, method, make(ctx), caller, status)


# --- budget lines hidden from lists and the roll-up ----------------------------------------------

def test_chau_docs_officer_neither_lists_nor_sums_long_xuyens_unappraised_lines(ctx, api):
    """Long Xuyên's draft and proposed lines are in its officer's list and roll-up and in
    neither of Châu Đốc's officer; its allocated line is in both."""
    plan_id = ctx.plan()
    made = {}
    for status in ("draft", "proposed", "allocated"):
        r = ctx.admin.post_json("/v1/budget-lines", new_line_body(plan_id, agency=OWN_AGENCY,
                                                                  estimate=1_000_000))
        assert r.status_code == 201, r.text
        made[status] = r.json()["id"]
        for action, body in {"draft": [], "proposed": [("propose", None)],
                             "allocated": [("propose", None),
                                           ("allocate", allocation(1_000_000))]}[status]:
            line_moved(ctx.admin, made[status], action, body)
    for caller, seen in ((LX_OFFICER, set(made.values())), (CD_OFFICER, {made["allocated"]})):
        client = api.as_user(caller)
        assert {line["id"] for line in lines_of(client, plan=plan_id)} == seen, caller
        total = rollup(client, plan_id)["total"]
        lines = 2 if caller == LX_OFFICER else 1  # the roll-up leaves drafts out
        assert (total["lines"], total["proposed"]) == (lines, lines * 1_000_000), caller


# --- archived documents exist only for the roles that edit documents ---------------------------

@pytest.fixture(scope="module")
def archived_id(ctx):
    return ctx.archived()


@pytest.mark.parametrize("caller", sorted(DEMO_USERS))
@pytest.mark.parametrize("suffix", ["", "/history"], ids=["document", "history"])
def test_an_archived_document_cell(ctx, db, archived_id, caller, suffix):
    status = 200 if DEMO_USERS[caller][1] in RULES[("POST", "/v1/documents")] else 404
    run_cell(ctx, db, "GET", Call(doc_path(archived_id) + suffix), caller, status)


# --- archived plan data exists only for the roles that edit it ----------------------------------

@pytest.fixture(scope="module")
def archived_plan_data(ctx):
    """Paths of an archived plan, of an archived section and of an archived task of live plans,
    and of a section and a task of the archived plan."""
    live = ctx.plan()
    create_section(ctx.admin, live, "V.2")
    task_id = ctx.task()
    gone = ctx.plan()
    gone_task = create_task(ctx.admin, gone, section="V.1")["id"]
    paths = {"plan": plan_path(gone), "section": section_path(live, "V.2"),
             "task": task_path(task_id)}
    for path in paths.values():
        archived(ctx.admin, path)
    paths.update({"section of the plan": section_path(gone, "V.1"),
                  "task of the plan": task_path(gone_task),
                  "updates of a task": task_path(task_id, "updates")})
    return paths


ARCHIVED_READS = [(what, suffix) for what in ("plan", "section", "task", "section of the plan",
                                               "task of the plan")
                  for suffix in ("", "/history")] + [("updates of a task", "")]


@pytest.mark.parametrize("caller", sorted(DEMO_USERS))
@pytest.mark.parametrize("what,suffix", ARCHIVED_READS,
                         ids=[f"{w}{s.replace('/', ' ')}" for w, s in ARCHIVED_READS])
def test_an_archived_plan_data_cell(ctx, db, archived_plan_data, caller, what, suffix):
    status = 200 if DEMO_USERS[caller][1] in RULES[("POST", "/v1/plans")] else 404
    run_cell(ctx, db, "GET", Call(archived_plan_data[what] + suffix), caller, status)


def test_a_manager_listing_another_agency_sees_nobody(api):
    r = api.as_user(MANAGER).get("/v1/users", params={"agency": OTHER_AGENCY})
    assert r.status_code == 200 and r.json()["items"] == []


def test_an_officer_of_the_same_agency_gets_403_not_its_agencys_users(api, ctx, db):
    run_cell(ctx, db, "GET", Call("/v1/users/longxuyen.manager"), "longxuyen.officer", 403)
    run_cell(ctx, db, "PATCH", patch_officer(OWN_AGENCY)(ctx), "longxuyen.officer", 403)


# --- HEAD follows the rule of GET ----------------------------------------------------------------

GET_ROUTES = sorted(r for r in RULES if r[0] == "GET")


@pytest.mark.parametrize("caller", ["viewer", NO_TOKEN])
@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r[1])
@needs_metrics(route=("GET", "/metrics"))
def test_head_follows_the_rule_of_get(ctx, route, caller):
    ctx.caller = caller
    call = PROBES[route][1](ctx)
    r = client_for(ctx.api, caller).head(call.path)
    assert r.status_code == expected_status(route, caller) and r.content == b""
    if r.status_code == 401:
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="planmon"'


# --- the matrix covers every route --------------------------------------------------------------

def test_the_matrix_has_a_row_for_every_route_of_the_binary(planmon_bin):
    result = run_planmon(planmon_bin, ["routes"], {}, timeout=30)
    assert result.returncode == 0, result.stderr
    routes = {r for r in parse_routes_output(result.stdout) if r[0] != "HEAD"}
    assert routes == set(RULES), (f"routes without a rule: {sorted(routes - set(RULES))}; "
                                  f"rules without a route: {sorted(set(RULES) - routes)}")
    assert set(PROBES) == set(RULES)

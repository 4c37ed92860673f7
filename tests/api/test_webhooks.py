"""Webhooks (issue 22, items 1, 2 and 6): systems register a URL for kinds of events and planmon
pushes each event to it, signed as the Standard Webhooks specification says. Events are written
in the transaction of the change (an outbox), fanned out to the webhooks that may read them,
sent at least once with retries, and each attempt is on record. A webhook for an agency reads
with that agency's rights; one without, with a viewer's. Receivers on private addresses are
refused, at registration and again at delivery, unless their host is allowed by name.

The receivers are real HTTP servers on 127.0.0.1 (receiver.py); every server of the suite may
send any delivery, and all run with WEBHOOK_ALLOW_HOSTS=localhost and a retry schedule of
seconds (settings.server_settings).
"""

import datetime
import json

import pytest

import funding
from checks import assert_problem, eventually, feed_caught_up
from documents import create_document, new_number
from indicators import communes, create_indicator, enter, moved
from plans import agency, create_plan, create_task, read
from receiver import Receiver, signature_valid
from reference import create_agency
from reporting import create_obligation, submitted

DOCUMENT_KINDS = ["documents.changed"]
LONG_XUYEN, CHAU_DOC = "UBND-883", "UBND-884"


def new_document(editor, title):
    return create_document(editor, title=title)


def deliveries(client, hook_id, **params):
    return client.json(f"/v1/webhooks/{hook_id}/deliveries", params=params)["items"]


# --- registering --------------------------------------------------------------------------------

def test_registering_answers_the_secret_once(admin, hooks, receiver):
    r = admin.post_json("/v1/webhooks", {"url": receiver.url(), "events": DOCUMENT_KINDS})
    assert r.status_code == 201, r.text[:300]
    hook = r.json()
    hooks.made.append(hook["id"])
    assert hook["secret"].startswith("whsec_")
    # the 201's ETag is that of the webhook as GET shows it, usable for a change
    assert r.headers["ETag"] == admin.get(f"/v1/webhooks/{hook['id']}").headers["ETag"]
    assert hook["events"] == DOCUMENT_KINDS and hook["agency"] is None and hook["enabled"]
    again = admin.json(f"/v1/webhooks/{hook['id']}")
    assert "secret" not in again
    listed = [h for h in admin.json("/v1/webhooks", params={"limit": 500})["items"]
              if h["id"] == hook["id"]]
    assert listed and "secret" not in listed[0]


def test_the_secret_stays_out_of_the_audit_trail(admin, hooks, receiver, db):
    hook = hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS})
    row, changes = db.execute(
        "SELECT row, changes FROM audit_event WHERE entity_type = 'webhooks' AND entity_id = %s",
        (str(hook["id"]),)).fetchone()
    assert "secret" not in row
    assert changes["secret"] == {"redacted": True}
    assert hook["secret"] not in json.dumps(row) + json.dumps(changes)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://10.1.2.3/hook",
                                 "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]:9/hook", "http://192.168.1.10/hook",
                                 "http://[::ffff:127.0.0.1]/hook"])
def test_a_receiver_on_a_private_address_is_refused_at_registration(admin, url):
    r = admin.post_json("/v1/webhooks", {"url": url, "events": DOCUMENT_KINDS})
    body = assert_problem(r, 422, "validation_failed", "url")
    assert body["errors"][0]["code"] == "private_address"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://user:pw@localhost/x", "localhost",
                                 "http:///nohost"])
def test_a_url_that_is_not_http_is_refused(admin, url):
    assert_problem(admin.post_json("/v1/webhooks", {"url": url, "events": DOCUMENT_KINDS}),
                   422, "validation_failed", "url")


def test_an_unknown_event_kind_lists_the_kinds(admin, receiver):
    r = admin.post_json("/v1/webhooks", {"url": receiver.url(), "events": ["documents.eaten"]})
    body = assert_problem(r, 422, "validation_failed", "events[0]")
    assert "measurement.submitted" in body["detail"] and "due_soon" in body["detail"]
    assert_problem(admin.post_json("/v1/webhooks", {"url": receiver.url(), "events": []}),
                   422, "validation_failed", "events")


def test_a_manager_registers_for_its_own_agency_only(api, hooks, receiver):
    manager = api.as_user("longxuyen.manager")
    own = hooks(manager, {"url": receiver.url(), "events": DOCUMENT_KINDS})
    assert own["agency"] == LONG_XUYEN
    assert_problem(manager.post_json("/v1/webhooks", {"url": receiver.url(),
                                                      "events": DOCUMENT_KINDS,
                                                      "agency": CHAU_DOC}),
                   403, "forbidden", "agency")


def test_a_manager_sees_its_own_agencys_webhooks_and_no_others(api, admin, hooks, receiver):
    mine = hooks(api.as_user("longxuyen.manager"), {"url": receiver.url(),
                                                    "events": DOCUMENT_KINDS})
    theirs = hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS, "agency": CHAU_DOC})
    manager = api.as_user("longxuyen.manager")
    ids = {h["id"] for h in manager.json("/v1/webhooks", params={"limit": 500})["items"]}
    assert mine["id"] in ids and theirs["id"] not in ids
    assert manager.get(f"/v1/webhooks/{theirs['id']}").status_code == 404
    assert manager.get(f"/v1/webhooks/{theirs['id']}/deliveries").status_code == 404


def test_deleting_a_webhook_needs_its_etag(admin, hooks, receiver):
    hook = hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS})
    assert_problem(admin.request("DELETE", f"/v1/webhooks/{hook['id']}"), 428,
                   "precondition_required")
    assert_problem(admin.request("DELETE", f"/v1/webhooks/{hook['id']}",
                                 headers={"If-Match": '"0000000000000000"'}),
                   412, "precondition_failed")


@pytest.mark.parametrize("user", ["viewer", "officer", "coordinator", "auditor"])
def test_other_roles_may_not_touch_webhooks(api, user, receiver):
    name = {"officer": "longxuyen.officer"}.get(user, user)
    client = api.as_user(name)
    assert client.get("/v1/webhooks").status_code == 403
    assert client.post_json("/v1/webhooks", {"url": receiver.url(),
                                             "events": DOCUMENT_KINDS}).status_code == 403


# --- delivering ---------------------------------------------------------------------------------

def test_a_change_is_delivered_signed_with_the_object_after_it(admin, coordinator, hooks,
                                                               receiver):
    hook = hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS})
    doc = new_document(coordinator, "Kế hoạch kiểm tra liên ngành 2017 (webhook)")
    body = receiver.wait_for("documents.changed",
                             lambda d: d["entity_id"] == str(doc["id"]))[0]
    assert body["data"]["action"] == "create" and body["data"]["version"] == 1
    assert body["data"]["object"]["title"] == doc["title"]
    sent = [r for r in receiver.delivered()
            if r["body"]["data"].get("entity_id") == str(doc["id"])][0]
    assert sent["content_type"] == "application/json"
    assert sent["id"].startswith("evt_") and sent["timestamp"].isdigit()
    assert signature_valid(hook["secret"], sent["id"], sent["timestamp"], sent["raw"],
                           sent["signature"])
    assert not signature_valid(hook["secret"], sent["id"], str(int(sent["timestamp"]) + 1),
                               sent["raw"], sent["signature"])
    record = eventually(lambda: [d for d in deliveries(admin, hook["id"])
                                 if d["message_id"] == sent["id"]
                                 and d["status"] == "delivered"], "the delivery's record")[0]
    assert record["type"] == "documents.changed" and record["attempt_count"] == 1
    assert record["attempts"][0]["http_status"] == 200
    assert record["attempts"][0]["duration_ms"] >= 0 and record["attempts"][0]["error"] is None


def test_only_the_kinds_asked_for_are_sent(admin, coordinator, hooks, receiver):
    hooks(admin, {"url": receiver.url(), "events": ["plans.changed"]})
    doc = new_document(coordinator, "Văn bản không ai hỏi (webhook)")
    plan = create_plan(coordinator)
    receiver.wait_for("plans.changed", lambda d: d["entity_id"] == str(plan["id"]))
    assert not receiver.events("documents.changed", lambda d: d["entity_id"] == str(doc["id"]))



def outbox_kinds(db, entity_type, entity_id):
    """The kinds of the outbox events written for an object's audit events."""
    return sorted(k for (k,) in db.execute(
        "SELECT o.kind FROM outbox_event o JOIN audit_event a ON a.id = o.audit_event"
        " WHERE a.entity_type = %s AND a.entity_id = %s", (entity_type, str(entity_id))))


def test_no_event_is_written_for_an_entity_type_no_webhook_listens_to(admin, coordinator, hooks,
                                                                       receiver, db):
    """planmon's transactions name the entity types enabled webhooks listen to (planmon.outbox),
    and the outbox trigger runs only for those: a bulk import no one listens to pays nothing."""
    hooks(admin, {"url": receiver.url(), "events": ["plans.changed", "due_today"]})
    listened = db.execute("SELECT outbox_listened_entity_types()").fetchone()[0]
    assert ",plans," in listened and ",documents," not in listened, listened
    doc = new_document(coordinator, "Văn bản không ai nghe (outbox)")
    plan = create_plan(coordinator)
    assert outbox_kinds(db, "plans", plan["id"]) == ["plans.changed"]
    assert outbox_kinds(db, "documents", doc["id"]) == []


def test_a_write_made_outside_planmon_still_makes_its_events(admin, hooks, receiver, db):
    """psql and the migrations do not say what is listened to: the trigger looks for itself."""
    hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS})
    with db.transaction():
        doc_id = db.execute("INSERT INTO document (number, type, issuer, issued, title)"
                            " VALUES (%s, 'quyet_dinh', 'UBND', '2017-01-01', 'from psql')"
                            " RETURNING id", (new_number(),)).fetchone()[0]
    assert outbox_kinds(db, "documents", doc_id) == ["documents.changed"]
    receiver.wait_for("documents.changed", lambda d: d["entity_id"] == str(doc_id))

@pytest.fixture
def indicator(coordinator):
    return create_indicator(coordinator)["code"]


def submitted_by(api, officer, indicator, unit):
    client = api.as_user(officer)
    m = enter(client, indicator, unit)
    moved(client, m["id"], "submit")
    return m["id"]


def test_an_agencys_webhook_hears_of_its_own_submissions_and_not_another_districts(
        api, admin, hooks, receiver, indicator):
    hooks(admin, {"url": receiver.url(), "agency": LONG_XUYEN,
                  "events": ["measurement.submitted"]})
    other = submitted_by(api, "chaudoc.officer", indicator, communes("884")[0])
    own = submitted_by(api, "longxuyen.officer", indicator, communes("883")[0])
    receiver.wait_for("measurement.submitted", lambda d: d["entity_id"] == str(own))
    # the other district's submission was committed first: had it been sent, it would be here
    ours = receiver.events("measurement.submitted", lambda d: d["entity_id"] == str(own))
    assert len(ours) == 1, ours
    assert ours[0]["data"]["object"]["status"] == "submitted"
    assert not receiver.events("measurement.submitted", lambda d: d["entity_id"] == str(other))
    assert not any(e["data"].get("entity_id") == str(other) for e in receiver.events())


def test_an_agencys_webhook_hears_of_budget_lines_as_the_agency_may_read_them(
        api, admin, coordinator, hooks, receiver):
    """Châu Đốc's webhook is not told of Long Xuyên's draft or proposed line, not even its id;
    once the line is allocated (plan data, everyone's) it hears of it, with the line."""
    hooks(admin, {"url": receiver.url(), "agency": CHAU_DOC, "events": ["budget-lines.changed"]})
    plan_id = create_plan(coordinator)["id"]
    officer, manager = api.as_user("longxuyen.officer"), api.as_user("longxuyen.manager")
    line = funding.create_line(officer, plan_id)
    funding.moved(manager, line["id"], "propose")
    own = funding.create_line(api.as_user("chaudoc.officer"), plan_id)
    receiver.wait_for("budget-lines.changed", lambda d: d["entity_id"] == str(own["id"]))
    # Long Xuyên's draft and proposal were committed first: had they been sent, they would be here
    assert not receiver.events("budget-lines.changed",
                               lambda d: d["entity_id"] == str(line["id"]))
    allocated = funding.moved(manager, line["id"], "allocate",
                              funding.allocation(line["estimate"]))
    heard = receiver.wait_for("budget-lines.changed",
                              lambda d: d["entity_id"] == str(line["id"]))
    assert [e["data"]["action"] for e in heard] == ["allocate"]
    assert heard[0]["data"]["object"]["allocated"] == allocated["allocated"]

def test_a_report_handed_in_late_is_received_and_late(admin, coordinator, hooks, receiver):
    """A yearly obligation due the day after the year (due_days 0): the report of 2019 handed in
    now is received, and late."""
    agency_code = create_agency(admin)["code"]
    hooks(admin, {"url": receiver.url(), "agency": agency_code,
                  "events": ["submission.received", "submission.late"]})
    o = create_obligation(coordinator, [agency_code], due_days=0, period_type="yearly",
                          frequency="yearly")
    s = submitted(coordinator, o["code"], agency=agency_code, period="2019")
    assert s["on_time"] is False
    mine = lambda d: d["entity_id"] == str(s["id"])  # noqa: E731
    received = receiver.wait_for("submission.received", mine)
    late = receiver.wait_for("submission.late", mine)
    assert len(received) == len(late) == 1
    assert late[0]["data"]["object"]["due"] == "2020-01-01"


@pytest.mark.parametrize("at, late", [("2019-06-20T16:59:59Z", False),   # 23:59:59 in An Giang
                                      ("2019-06-20T17:00:00Z", True)])   # the next day there
def test_late_is_judged_by_the_due_date_in_an_giang(admin, coordinator, hooks, receiver, at,
                                                     late):
    agency_code = create_agency(admin)["code"]
    hook = hooks(admin, {"url": receiver.url(), "agency": agency_code,
                         "events": ["submission.received", "submission.late"]})
    o = create_obligation(coordinator, [agency_code])
    s = submitted(coordinator, o["code"], agency=agency_code, period="2019VNS1", submitted_at=at)
    mine = lambda d: d["entity_id"] == str(s["id"])  # noqa: E731
    receiver.wait_for("submission.received", mine)
    assert s["on_time"] is not late
    if late:
        receiver.wait_for("submission.late", mine)
    else:  # a late event would have been fanned out with the received one (one transaction)
        assert [d["type"] for d in deliveries(admin, hook["id"])] == ["submission.received"]


def test_a_webhook_without_an_agency_reads_as_a_viewer_no_drafts(api, admin, coordinator, hooks,
                                                                receiver, indicator):
    hooks(admin, {"url": receiver.url(), "events": ["measurements.changed",
                                                    "measurement.approved"]})
    officer = api.as_user("longxuyen.officer")
    m = enter(officer, indicator, communes("883")[1])
    moved(officer, m["id"], "submit")
    moved(api.as_user("longxuyen.manager"), m["id"], "approve")
    approved = receiver.wait_for("measurement.approved", lambda d: d["entity_id"] == str(m["id"]))
    assert approved[0]["data"]["object"]["status"] == "approved"
    changes = receiver.wait_for("measurements.changed", lambda d: d["entity_id"] == str(m["id"]))
    assert [c["data"]["action"] for c in changes] == ["approve"], changes


def test_a_change_rolled_back_sends_nothing(admin, hooks, receiver, db):
    hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS})
    with db.transaction(force_rollback=True):
        db.execute("INSERT INTO document (number, type, issuer, issued, title)"
                   " VALUES (%s, 'quyet_dinh', 'UBND', '2017-01-01', 'rolled back')",
                   (new_number(),))
    marker = new_document(admin, "Văn bản sau khi hủy giao dịch (webhook)")
    receiver.wait_for("documents.changed", lambda d: d["entity_id"] == str(marker["id"]))
    assert not receiver.events("documents.changed",
                               lambda d: (d.get("object") or {}).get("title") == "rolled back")


# --- retries, failures, redelivery --------------------------------------------------------------

def test_a_failing_receiver_gets_the_event_again_until_it_answers(admin, coordinator, hooks):
    flaky = Receiver(fail_first=2)
    try:
        hook = hooks(admin, {"url": flaky.url(), "events": DOCUMENT_KINDS})
        doc = new_document(coordinator, "Văn bản gửi lại (webhook)")
        flaky.wait_for("documents.changed", lambda d: d["entity_id"] == str(doc["id"]))
        record = eventually(lambda: [d for d in deliveries(admin, hook["id"], status="delivered")],
                            "the delivery delivered")[0]
        assert record["attempt_count"] == 3
        assert [a["http_status"] for a in record["attempts"]] == [500, 500, 200]
        assert record["attempts"][0]["error"] == "HTTP 500"
        assert len({r["id"] for r in flaky.requests}) == 1  # one message, sent three times
    finally:
        flaky.close()


def test_a_receiver_that_never_answers_fails_and_is_disabled_with_the_reason(admin, coordinator,
                                                                              hooks):
    dead = Receiver(fail_share=1.0)
    try:
        hook = hooks(admin, {"url": dead.url(), "events": DOCUMENT_KINDS})
        for i in range(3):
            new_document(coordinator, f"Văn bản {i} cho máy nhận hỏng (webhook)")
        now = eventually(lambda: (lambda h: h if not h["enabled"] else None)(
            admin.json(f"/v1/webhooks/{hook['id']}")), "the webhook disabled", timeout=40)
        assert "3 deliveries in a row failed" in now["disabled_reason"]
        failed = deliveries(admin, hook["id"], status="failed")
        assert len(failed) >= 3 and all(d["attempt_count"] == 4 for d in failed)
        # enabled again by its owner, with the count of failures cleared
        r = admin.patch_json(f"/v1/webhooks/{hook['id']}", {"enabled": True},
                             headers={"If-Match": admin.get(f"/v1/webhooks/{hook['id']}")
                                      .headers["ETag"]},
                             content_type="application/merge-patch+json")
        assert r.status_code == 200, r.text[:300]
        assert r.json()["enabled"] and r.json()["disabled_reason"] is None
        assert r.json()["failures"] == 0
    finally:
        dead.close()


def test_a_failed_delivery_is_sent_again_on_request(admin, coordinator, hooks):
    dead = Receiver(fail_share=1.0)
    try:
        hook = hooks(admin, {"url": dead.url(), "events": DOCUMENT_KINDS})
        new_document(coordinator, "Văn bản gửi lại theo yêu cầu (webhook)")
        failed = eventually(lambda: deliveries(admin, hook["id"], status="failed"),
                            "the delivery failed for good", timeout=30)[0]
        dead.fail_share = 0.0
        r = admin.request("POST", f"/v1/webhooks/{hook['id']}/deliveries/{failed['id']}"
                                  "/redeliver")
        assert r.status_code == 202, r.text[:300]
        assert r.json()["status"] == "pending"
        done = eventually(lambda: deliveries(admin, hook["id"], status="delivered"),
                          "the redelivery delivered")[0]
        assert done["id"] == failed["id"] and done["attempt_count"] == 5
        assert dead.delivered()[0]["id"] == failed["message_id"]
        again = admin.request("POST", f"/v1/webhooks/{hook['id']}/deliveries/999999999"
                                      "/redeliver")
        assert_problem(again, 404, "not_found")
    finally:
        dead.close()


def test_a_private_address_is_refused_at_delivery_too(admin, coordinator, hooks, receiver, db):
    """A name allowed at registration that later leads to a private address gains nothing: the
    address each delivery connects to is checked. (Here the row is written directly with the
    receiver's loopback address, which no server allows by name.)"""
    hook_id = db.execute(
        "INSERT INTO webhook (url, events, secret, created_by)"
        " VALUES (%s, ARRAY['documents.changed'], 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',"
        "         'test') RETURNING id",
        (f"http://127.0.0.1:{receiver.port}/hook",)).fetchone()[0]
    try:
        new_document(coordinator, "Văn bản cho địa chỉ nội bộ (webhook)")
        failed = eventually(lambda: [d for d in deliveries(admin, hook_id)
                                     if d["attempts"]], "an attempt recorded")[0]
        assert "not public" in failed["attempts"][0]["error"]
        assert failed["attempts"][0]["http_status"] is None
        assert not receiver.requests
    finally:
        db.execute("DELETE FROM webhook WHERE id = %s", (hook_id,))


# --- deadlines ----------------------------------------------------------------------------------

def test_deadlines_reach_the_agencys_webhook_due_soon_then_overdue(coordinator, admin, hooks,
                                                                   receiver, extra_server,
                                                                   tmp_path):
    """An occurrence due 3 days after the clock's date gives a due_soon (3 days ahead is the
    default); once the clock passes its due date, an overdue — each once."""
    clock = tmp_path / "today"
    today = datetime.date(2019, 3, 10)
    clock.write_text(today.isoformat())
    extra_server(PLANMON_TEST_TODAY=f"@{clock}", SCHEDULER_INTERVAL_S="1")
    hooks(admin, {"url": receiver.url(), "agency": LONG_XUYEN,
                  "events": ["due_soon", "due_today", "overdue"]})
    week_ahead = Receiver()  # a webhook that looks 7 days ahead: its own due_soon, not ours
    hooks(admin, {"url": week_ahead.url(), "agency": LONG_XUYEN, "events": ["due_soon"],
                  "due_soon_days": 7})
    plan = create_plan(coordinator, period_start="2016-01-01", period_end="2020-12-31")
    due = today + datetime.timedelta(days=3)
    task = create_task(coordinator, plan["id"], agencies=[agency(LONG_XUYEN)],
                       start_date="2019-01-01", due_date=due.isoformat())
    other = create_task(coordinator, plan["id"], agencies=[agency(CHAU_DOC)],
                        start_date="2019-01-01", due_date=due.isoformat())
    soon = receiver.wait_for("due_soon", lambda d: d["task"] == task["id"])[0]
    assert soon["data"]["due"] == due.isoformat() and soon["data"]["days_left"] == 3
    assert soon["data"]["subject"] == f"tasks/{task['id']}"
    clock.write_text((due + datetime.timedelta(days=1)).isoformat())
    late = receiver.wait_for("overdue", lambda d: d["task"] == task["id"])[0]
    assert late["data"]["due"] == due.isoformat()
    assert len(receiver.events("due_soon", lambda d: d["task"] == task["id"])) == 1
    assert not receiver.events(None, lambda d: d.get("task") == other["id"])
    assert len(week_ahead.wait_for("due_soon", lambda d: d["task"] == task["id"])) == 1
    week_ahead.close()


# --- the audit trail and the change feed --------------------------------------------------------

def test_webhook_changes_reach_the_feed_of_those_who_manage_them_only(api, admin, hooks,
                                                                     receiver):
    hook = hooks(admin, {"url": receiver.url(), "events": DOCUMENT_KINDS, "agency": CHAU_DOC})

    def seen(client):
        feed_caught_up(client)
        items, _ = client.walk("/v1/changes", {"entity_type": "webhooks", "expand": "object"},
                               limit=500)
        return [c for c in items if c["entity_id"] == str(hook["id"])]

    mine = seen(admin)
    assert [c["action"] for c in mine] == ["create"]
    assert mine[0]["object"]["url"] == receiver.url() and "secret" not in mine[0]["object"]
    assert seen(api.as_user("longxuyen.manager")) == []
    assert seen(api.as_user("viewer")) == []

"""E-mail for people (issue 22, item 3): a user may give an e-mail address and choose the parts
of a daily digest — what falls due in the next 7 days, what is overdue, what waits for its review
— sent at MAIL_DIGEST_AT in the province over SMTP (libcurl), in Vietnamese, as plain text and
HTML, once per user and day whatever the number of instances. No mail goes out without SMTP_URL;
a mail server that fails is retried like a webhook. The address is personal data: the user, its
agency's managers and admins read it, and the audit trail records only that it changed.

The SMTP server is aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1; the servers that send run
with SMTP_STARTTLS=off (a test server has no certificate) and MAIL_DIGEST_AT=00:00.
"""

import datetime
import email
import email.policy
import socket
import uuid

import pytest
import requests
from aiosmtpd.controller import Controller

from checks import assert_problem, eventually
from plans import agency, create_plan, create_task
from server import run_planmon

OFFICER = "longxuyen.officer"
LONG_XUYEN = "UBND-883"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """aiosmtpd's handler: keeps every message; refuses the first `refuse` with 451."""

    def __init__(self, refuse=0):
        self.messages, self.refused, self.refuse = [], 0, refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 try again later"
        self.messages.append(email.message_from_bytes(envelope.original_content,
                                                      policy=email.policy.default))
        return "250 2.0.0 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def smtp():
    def start(refuse=0):
        sink = Sink(refuse)
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        sink.url = f"smtp://127.0.0.1:{controller.port}"
        return sink

    started = []
    yield start
    for c in started:
        c.stop()


def mail_settings(sink, **more):
    return {"SMTP_URL": sink.url, "SMTP_STARTTLS": "off", "MAIL_DIGEST_AT": "00:00",
            "SCHEDULER_INTERVAL_S": "1",
            "MAIL_FROM": "planmon@angiang.example", **more}


@pytest.fixture
def officer_address(admin):
    """An address of the test's own for longxuyen.officer, removed afterwards (so that no later
    server with SMTP writes to it)."""
    address = f"longxuyen.officer+{uuid.uuid4().hex[:8]}@angiang.example"
    set_user(admin, OFFICER, {"email": address, "mail_digest": ["due_soon", "overdue", "review"]})
    yield address
    set_user(admin, OFFICER, {"email": None})


def set_user(client, username, patch, path=None):
    path = path or f"/v1/users/{username}"
    r = client.patch_json(path, patch, headers={"If-Match": client.get(path).headers["ETag"]},
                          content_type="application/merge-patch+json")
    assert r.status_code == 200, r.text[:300]
    return r.json()


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


# --- the address and the choice -----------------------------------------------------------------

def test_a_user_sets_its_own_address_and_digest_parts(api):
    me = api.as_user("health.officer")
    address = f"health.officer+{uuid.uuid4().hex[:6]}@angiang.example"
    mine = set_user(me, None, {"email": address, "mail_digest": ["overdue"]}, path="/v1/me")
    assert mine["email"] == address and mine["mail_digest"] == ["overdue"]
    assert me.json("/v1/me")["email"] == address
    gone = set_user(me, None, {"email": None, "mail_digest": []}, path="/v1/me")
    assert gone["email"] is None and gone["mail_digest"] == []


@pytest.mark.parametrize("patch, field", [({"email": "not-an-address"}, "email"),
                                          ({"email": "a b@example.org"}, "email"),
                                          ({"mail_digest": ["weather"]}, "mail_digest[0]"),
                                          ({"mail_digest": ["overdue", "overdue"]}, "mail_digest"),
                                          ({"mail_digest": None}, "mail_digest"),
                                          ({"role": "admin"}, "role")])
def test_a_bad_address_or_part_is_refused_naming_the_field(api, patch, field):
    me = api.as_user("health.officer")
    r = me.patch_json("/v1/me", patch, headers={"If-Match": me.get("/v1/me").headers["ETag"]},
                      content_type="application/merge-patch+json")
    assert r.status_code in (400, 422), r.text[:300]
    assert_problem(r, r.status_code, r.json()["code"], field)


def test_the_address_is_personal_data_kept_out_of_the_audit_trail(admin, officer_address, db):
    row, changes = db.execute(
        "SELECT row, changes FROM audit_event WHERE entity_type = 'users' AND entity_id = %s"
        " AND changes ? 'email' ORDER BY id DESC LIMIT 1", (OFFICER,)).fetchone()
    assert changes["email"] == {"redacted": True} and "email" not in row
    assert admin.json(f"/v1/users/{OFFICER}")["email"] == officer_address


def test_a_manager_reads_its_agencys_addresses(api, officer_address):
    assert api.as_user("longxuyen.manager").json(f"/v1/users/{OFFICER}")["email"] == \
        officer_address
    assert api.as_user("chaudoc.officer").get(f"/v1/users/{OFFICER}").status_code == 403


# --- the digest ---------------------------------------------------------------------------------

def test_the_daily_digest_reaches_the_officer_in_vietnamese_once_a_day_across_instances(
        coordinator, officer_address, smtp, extra_server, tmp_path):
    sink = smtp()
    clock = tmp_path / "today"
    day = datetime.date(2019, 8, 20)
    clock.write_text(day.isoformat())
    plan = create_plan(coordinator, period_start="2016-01-01", period_end="2020-12-31")
    soon = create_task(coordinator, plan["id"], agencies=[agency(LONG_XUYEN)],
                       title="Kiểm tra cơ sở kinh doanh dịch vụ nhạy cảm (thư)",
                       start_date="2019-01-01", due_date="2019-08-23")
    late = create_task(coordinator, plan["id"], agencies=[agency(LONG_XUYEN)],
                       title="Báo cáo sơ kết 6 tháng (thư)",
                       start_date="2019-01-01", due_date="2019-08-18")
    others = create_task(coordinator, plan["id"], agencies=[agency("UBND-884")],
                         title="Việc của Châu Đốc (thư)", start_date="2019-01-01",
                         due_date="2019-08-22")
    for _ in range(2):
        extra_server(PLANMON_TEST_TODAY=f"@{clock}", **mail_settings(sink))

    first = eventually(lambda: sink.to(officer_address), "the digest of 20/08/2019",
                       timeout=30)[0]
    assert "Bản tin ngày 20/08/2019" in first["Subject"]
    assert first["From"].addresses[0].addr_spec == "planmon@angiang.example"
    text, html = parts(first)
    due_soon, _, rest = text.partition("Việc quá hạn")
    assert soon["title"] in due_soon and "23/08/2019" in due_soon
    assert late["title"] in rest and "18/08/2019" in rest
    assert others["title"] not in text
    assert "Kính gửi" in text and "Số liệu chờ duyệt (0)" in text
    assert soon["title"] in html and html.lstrip().startswith("<!DOCTYPE html>")

    # the next day brings the next digest; by then both instances have passed many times over
    clock.write_text((day + datetime.timedelta(days=1)).isoformat())
    eventually(lambda: [m for m in sink.to(officer_address)
                        if "21/08/2019" in m["Subject"]], "the digest of 21/08/2019", timeout=30)
    assert len([m for m in sink.to(officer_address) if "20/08/2019" in m["Subject"]]) == 1


def test_a_mail_server_that_refuses_is_tried_again(officer_address, smtp, extra_server, db,
                                                   tmp_path):
    sink = smtp(refuse=1)
    clock = tmp_path / "today"
    clock.write_text("2019-09-10")
    srv = extra_server(PLANMON_TEST_TODAY=f"@{clock}", **mail_settings(sink))
    eventually(lambda: sink.to(officer_address), "the digest after a refusal", timeout=30)
    attempts, error = db.execute(
        "SELECT attempts, last_error FROM mail_outbox WHERE to_address = %s AND day = '2019-09-10'",
        (officer_address,)).fetchone()
    assert attempts == 2 and sink.refused == 1 and "451" in error
    assert requests.get(srv.base_url + "/readyz", timeout=5).status_code == 200


def test_no_digest_is_queued_without_smtp(officer_address, db, extra_server, tmp_path):
    clock = tmp_path / "today"
    clock.write_text("2019-10-01")
    srv = extra_server(PLANMON_TEST_TODAY=f"@{clock}", MAIL_DIGEST_AT="00:00",
                       SCHEDULER_INTERVAL_S="1")
    eventually(lambda: "SMTP_URL is not set" in srv.output(), "the server saying so")
    assert db.execute("SELECT count(*) FROM mail_outbox WHERE day = '2019-10-01'").fetchone()[0] == 0


# --- planmon mail-test --------------------------------------------------------------------------

def test_mail_test_sends_one_message(planmon_bin, smtp):
    sink = smtp()
    r = run_planmon(planmon_bin, ["mail-test", "--to", "it@angiang.example"],
                    mail_settings(sink), timeout=60)
    assert r.returncode == 0, r.stderr
    assert "sent to it@angiang.example" in r.stdout
    message = sink.to("it@angiang.example")[0]
    assert "Thư thử nghiệm" in message["Subject"]
    text, html = parts(message)
    assert "máy chủ thư đã nhận" in text and "máy chủ thư đã nhận" in html


def test_mail_test_says_when_smtp_is_not_set(planmon_bin):
    r = run_planmon(planmon_bin, ["mail-test", "--to", "it@angiang.example"], {}, timeout=60)
    assert r.returncode == 1 and "SMTP_URL is not set" in r.stderr


def test_mail_test_says_when_the_server_refuses(planmon_bin, smtp):
    sink = smtp(refuse=1)
    r = run_planmon(planmon_bin, ["mail-test", "--to", "it@angiang.example"],
                    mail_settings(sink), timeout=60)
    assert r.returncode == 1 and r.stderr.strip(), r.stderr
    assert sink.refused == 1 and not sink.messages

"""Waking the deliverer (issue 22, item 5): with DATABASE_LISTEN_URL (a direct connection, which
a transaction-mode PgBouncer would not carry), an instance LISTENs and is woken as soon as events
commit; without it, it polls the outbox every NOTIFY_POLL_MS, and says which in its log.

The instance here is alone on a database of its own (fresh_planmon) and polls only once a
minute: a delivery within seconds is the notification's doing.
"""

import pytest

from documents import create_document
from receiver import Receiver


@pytest.fixture(scope="module")
def fresh_env():
    return {"DATABASE_LISTEN_URL": "{DATABASE_URL}", "NOTIFY_POLL_MS": "60000"}


def test_a_listening_instance_says_so(fresh_planmon):
    assert "woken by LISTEN/NOTIFY" in fresh_planmon.server.output()


def test_a_commit_wakes_the_deliverer_before_its_poll(fresh_planmon):
    receiver = Receiver()
    try:
        admin = fresh_planmon.api.as_user("admin")
        r = admin.post_json("/v1/webhooks", {"url": receiver.url(),
                                             "events": ["documents.changed"]})
        assert r.status_code == 201, r.text[:300]
        doc = create_document(admin, title="Văn bản đánh thức (LISTEN)")
        receiver.wait_for("documents.changed", lambda d: d["entity_id"] == str(doc["id"]),
                          timeout=15)
    finally:
        receiver.close()


def test_a_polling_instance_says_so(extra_server):
    srv = extra_server()
    assert "DATABASE_LISTEN_URL is not set: the deliverer polls" in srv.output()

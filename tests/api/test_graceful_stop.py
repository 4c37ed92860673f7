"""SIGTERM under load (issue 8, item 2): a graceful stop.

`planmon serve` on SIGTERM drains: for SHUTDOWN_GRACE_S it serves on while /readyz answers 503
(a load balancer takes it out) and every answer closes its connection; then it accepts no new
connection, gives the requests in flight up to SHUTDOWN_TIMEOUT_S to finish, and exits 0. Checked
here with a load of reads and document creations (with an Idempotency-Key) running and one read
held up by a table lock until after the grace period:

- /readyz answers 503 during the grace period, and requests are still served;
- new connections are refused once the grace period is over, not before;
- the held-up read, in flight all along, is answered 200 once the lock goes;
- the process exits 0 within the grace period and the time the held read took;
- every answer anyone got is 2xx or 503 with Retry-After, and none before the signal failed;
- nothing is lost or doubled: each 201 exists, and each write that got no answer (or a 503) is
  retried with its key and body on the suite's server and then answers 201, leaving exactly one
  document per number and one `create` audit event per document.
"""

import signal
import socket
import subprocess
import threading
import time
import uuid

import requests

from client import DEFAULT_TIMEOUT
from documents import doc_path, new_document_body
from test_faults import SERVER_SETTINGS, Load, connect

GRACE_S = 1.0
HELD_S = 2.5  # the held read waits this long after the signal: past the grace period
STOP_MARGIN_S = 1.5
HELD_PATH = "/v1/admin-units/89"


def connection_refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def wait_for_output(srv, mark, text, within):
    """Waits (bounded: `within` seconds) until the server's output after `mark` holds `text`."""
    deadline = time.monotonic() + within
    while text not in srv.output_since(mark):
        assert time.monotonic() < deadline, f"the server did not say {text!r} in {within} s"
        time.sleep(0.01)


def test_sigterm_under_load(api, server, extra_server, base_env):
    # the held read waits HELD_S for its lock, well within this server's query timeout
    srv = extra_server(**{**SERVER_SETTINGS, "DB_QUERY_TIMEOUT_MS": "8000"},
                       SHUTDOWN_GRACE_S=str(int(GRACE_S)), SHUTDOWN_TIMEOUT_S="10")
    reader = api.on(srv)
    writer = api.as_user("coordinator").on(srv)
    seeded = writer.post_json("/v1/documents", new_document_body())
    assert seeded.status_code == 201, seeded.text
    tag = f"G{uuid.uuid4().hex[:6].upper()}"
    held = {}

    def held_read():
        started = time.monotonic()
        try:
            r = reader.clone().get(HELD_PATH, timeout=DEFAULT_TIMEOUT, validate=False)
            held["answer"] = r.status_code
        except requests.RequestException as e:
            held["answer"] = type(e).__name__
        held["seconds"] = time.monotonic() - started

    lock = connect(base_env)
    ready_during_grace = []
    with Load(reader, writer, [doc_path(seeded.json()["id"])], tag) as load:
        time.sleep(1.0)
        lock.execute("BEGIN")
        lock.execute("LOCK TABLE admin_unit IN ACCESS EXCLUSIVE MODE")
        thread = threading.Thread(target=held_read, daemon=True)
        thread.start()
        time.sleep(0.3)
        mark = srv.output_sizes()
        signalled = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        # The main thread takes the signal when it next runs (sigwait): a /readyz a worker
        # answers in that instant may still say ready. Sample once the server said it stops.
        wait_for_output(srv, mark, "stopping on signal", within=GRACE_S / 2)
        accepted_until = refused_at = None
        while time.monotonic() - signalled < HELD_S:
            since = time.monotonic() - signalled
            if since < GRACE_S - 0.5 and len(ready_during_grace) < 3:
                r = reader.clone().get("/readyz", timeout=1, validate=False)
                ready_during_grace.append(r.status_code)
            elif connection_refused(srv.port):
                refused_at = refused_at or since
            else:
                assert refused_at is None, "a connection was accepted after one was refused"
                accepted_until = since
            time.sleep(0.05)
        lock.execute("ROLLBACK")  # the held read goes on and is answered
        lock.close()
        try:
            srv.proc.wait(timeout=HELD_S + 10 + STOP_MARGIN_S)
        except subprocess.TimeoutExpired:
            pass  # asserted below; the fixture kills it
        exited = time.monotonic() - signalled
        thread.join(timeout=DEFAULT_TIMEOUT + 5)
    rc = srv.proc.poll()

    outcomes = load.outcomes
    answered = [o for o in outcomes if o.error is None]
    before = [o for o in outcomes if o.ended < signalled]
    statuses = {}
    for o in outcomes:
        k = (o.kind[0], o.status if o.error is None else "no answer")
        statuses[k] = statuses.get(k, 0) + 1
    in_flight = [o for o in outcomes if o.started < signalled and (o.error or o.ended > signalled)]
    print(f"\n[SIGTERM] {len(outcomes)} requests, answers {statuses}; {len(in_flight)} in flight "
          f"at the signal, {sum(o.error is None for o in in_flight)} of them answered; /readyz "
          f"during the grace period: {ready_during_grace}; new connections accepted until "
          f"{accepted_until} s, refused from {refused_at} s after the signal; exit {rc} after "
          f"{exited:.2f} s; the held-up read got {held.get('answer')!r} after "
          f"{held.get('seconds', 0):.2f} s")

    assert rc == 0, f"exit code {rc} ({exited:.1f} s after SIGTERM)\n{srv.logs_tail()}"
    assert ready_during_grace and set(ready_during_grace) == {503}, ready_during_grace
    assert refused_at is not None and GRACE_S - 0.1 <= refused_at <= GRACE_S + 0.5, \
        f"new connections refused from {refused_at} s after SIGTERM, not after the grace period"
    assert held.get("answer") == 200, f"the read in flight at the stop got {held.get('answer')!r}"
    assert exited <= HELD_S + STOP_MARGIN_S, f"exited {exited:.1f} s after SIGTERM"
    assert before and all(o.error is None and o.status in (200, 201) for o in before), \
        [(o.kind, o.status, o.error) for o in before if o.error or o.status not in (200, 201)][:5]
    for o in answered:
        assert o.status in (200, 201, 503), f"{o.kind} -> {o.status}: {o.response.text[:300]}"
        if o.status == 503:
            assert int(o.response.headers["Retry-After"]) >= 0

    # Nothing lost, nothing doubled: retry every write whose answer is unknown, by its key.
    writes = [o for o in outcomes if o.kind[0] == "POST"]
    retry = api.as_user("coordinator").clone()  # the suite's server, same database
    created = {o.body["number"]: o.response.json()["id"] for o in writes if o.status == 201}
    unknown = [o for o in writes if o.status != 201]
    replayed = 0
    for o in unknown:
        r = retry.post_json("/v1/documents", o.body, headers={"Idempotency-Key": o.key})
        assert r.status_code == 201, f"retry of {o.key} -> {r.status_code}: {r.text[:300]}"
        replayed += r.headers.get("Idempotent-Replayed") == "true"
        created[o.body["number"]] = r.json()["id"]
    print(f"[SIGTERM] writes: {len(writes) - len(unknown)} answered 201, {len(unknown)} without "
          f"an answer retried by key: {replayed} had been written (replayed), "
          f"{len(unknown) - replayed} written by the retry")
    with connect(base_env) as conn:
        rows = dict(conn.execute("SELECT number, id FROM document WHERE number LIKE %s",
                                 [f"%/{tag}"]).fetchall())
        assert {n: str(i) for n, i in rows.items()} == {n: str(i) for n, i in created.items()}
        wrong = conn.execute(
            "SELECT d.id, count(a.id) FROM document d LEFT JOIN audit_event a"
            " ON a.entity_type = 'documents' AND a.entity_id = d.id::text AND a.action = 'create'"
            " WHERE d.number LIKE %s GROUP BY d.id HAVING count(a.id) <> 1",
            [f"%/{tag}"]).fetchall()
        assert not wrong, f"documents without exactly one create audit event: {wrong}"

"""PostgreSQL fails under load (issue 8, item 1): restarted fast, restarted immediately, frozen.

A server of its own (`extra_server`) takes a bounded load from a few threads — reads of a seeded
document and of an administrative unit, and document creations with an Idempotency-Key as the
coordinator — while PostgreSQL is restarted with `pg_ctl restart -m fast`, with `-m immediate`, or
has every process of its cluster stopped with SIGSTOP for 10 seconds (the postmaster alone would
leave the backends answering; the fault meant is a database that stops answering) and resumed
with SIGCONT. In every case:

- the server stays alive and answers /healthz (within HEALTH_TIMEOUT_S) all along;
- every answer is 2xx, or 503 with Retry-After as the document says, with no database text in it;
  never another status, and never a connection closed without an answer: the server has no
  reason to drop a connection it is answering on (the load keeps each connection busy, far from
  the idle timeout), so any dropped connection is a failure;
- a database read answers 200 within RECOVERY_S of PostgreSQL being back, and every request
  started after that (plus a short grace) succeeds: no broken pooled connection is handed out;
- the pool ends with nothing lent (planmon_db_pool_in_use 0), the process holds at most
  DB_POOL_SIZE sockets to PostgreSQL (and the notifier's 2), and every one that is open has its backend in
  pg_stat_activity;
- no write is lost, duplicated or half-applied: each 201 names a document that exists with
  exactly one `create` audit event; a write answered 503 (which may or may not have committed)
  is retried with the same Idempotency-Key and body and then answers 201, leaving exactly one
  document with that number; every document row has exactly one `create` audit event.

The counts (requests, answers by status, recovery time, /healthz latency) are printed (-s, and
the junit log). Release build only, like test_outage; marker `outage` (runs after the rest).
PostgreSQL is always left running (and never left stopped by a signal).
"""

import os
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
import pytest
import requests

from client import parse_metrics
from documents import doc_path, new_document_body
from settings import DB_POOL_SIZE

NOTIFIER_CONNECTIONS = 2  # the notifier's own pool (service/src/notify/notifier.c)
from test_outage import LIBPQ_TEXT  # database messages, never in a response body

pytestmark = [pytest.mark.outage, pytest.mark.usefixtures("release_only")]

QUERY_TIMEOUT_MS = 3000  # the server's DB_QUERY_TIMEOUT_MS (it waits 1 s more itself)
SERVER_SETTINGS = {"DB_POOL_SIZE": str(DB_POOL_SIZE), "HTTP_THREADS": "4",
                   "DB_ACQUIRE_TIMEOUT_MS": "1000", "DB_QUERY_TIMEOUT_MS": str(QUERY_TIMEOUT_MS)}
RECOVERY_S = 5.0  # a database read answers 200 this soon after PostgreSQL is back
AFTER_RECOVERY_GRACE_S = 0.5  # requests started later than this after recovery must all succeed
BEFORE_FAULT_S = 1.5
AFTER_RECOVERY_S = 2.0
FREEZE_S = 10.0
# /healthz needs no database, but shares the HTTP worker threads with requests waiting for a
# frozen database (each up to the query timeout and the server's extra second, or a 2 s connect
# timeout): an answer later than two such waits and a connect counts as a hang.
HEALTH_TIMEOUT_S = 2 * (QUERY_TIMEOUT_MS / 1000 + 1) + 2
CLIENT_TIMEOUT_S = 20



def drain_stale_connections(base_url):
    """Calls /readyz (one query, no token) until it answers 200, at most twice the pool size:
    the suite's server is back on its feet before the next test signs in."""
    for _ in range(2 * DB_POOL_SIZE + 2):
        try:
            if requests.get(base_url + "/readyz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def durable_commits(base_env):
    """synchronous_commit on for the service's database while these tests run.

    The throwaway cluster runs with synchronous_commit = off for speed, and with it PostgreSQL
    may lose the last commits it acknowledged when it stops without a shutdown checkpoint
    (`-m immediate`): seen here as a document answered 201 and gone after the restart. The
    promise "no committed write is lost" is the service's on a durable database, so the
    database gets PostgreSQL's default back for these tests (new sessions take it)."""
    with connect(base_env) as conn:
        name = sql.Identifier(conn.info.dbname)
        conn.execute(sql.SQL("ALTER DATABASE {} SET synchronous_commit = on").format(name))
    yield
    with connect(base_env) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} RESET synchronous_commit").format(name))


@pytest.fixture(autouse=True)
def suite_server_pool(server):
    drain_stale_connections(server.base_url)
    yield
    drain_stale_connections(server.base_url)


# --- PostgreSQL: its processes, a connection of our own, the server's sockets to it --------------

def pg_port(base_env):
    return urlsplit(base_env["DATABASE_URL"]).port or 5432


def connect(base_env):
    """A fresh autocommit connection (the `db` fixture's would not survive the restart)."""
    return psycopg.connect(base_env["DATABASE_URL"], autocommit=True, connect_timeout=10)


def postmaster_pid():
    pgdata = os.environ.get("PGDATA")
    assert pgdata, "PGDATA is not set (run the suite through tests/run)"
    return int((Path(pgdata) / "postmaster.pid").read_text().split("\n", 1)[0])


def children_of(pid):
    """The children of a single-threaded process (the postmaster)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def process_state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


class FrozenCluster:
    """SIGSTOP to the postmaster and then to every process it forked (listed again until no new
    one appears), SIGCONT to all on exit."""

    def __enter__(self):
        self.pids = [postmaster_pid()]
        os.kill(self.pids[0], signal.SIGSTOP)
        for _ in range(5):
            new = [p for p in children_of(self.pids[0]) if p not in self.pids]
            if not new:
                break
            for p in new:
                try:
                    os.kill(p, signal.SIGSTOP)
                    self.pids.append(p)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and any(process_state(p) not in ("T", "t", None)
                                                  for p in self.pids):
            time.sleep(0.01)
        running = [p for p in self.pids if process_state(p) not in ("T", "t", None)]
        assert not running, f"PostgreSQL processes not stopped: {running}"
        return self

    def __exit__(self, *exc):
        for p in reversed(self.pids):  # the postmaster last
            try:
                os.kill(p, signal.SIGCONT)
            except ProcessLookupError:
                pass


def server_pg_sockets(pid, port):
    """(local port, TCP state) of each socket of process `pid` connected to 127.0.0.1:`port`."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    out = []
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        local, remote, state, inode = f[1], f[2], f[3], f[9]
        if inode in inodes and int(remote.split(":")[1], 16) == port:
            out.append((int(local.split(":")[1], 16), state))
    return out


TCP_ESTABLISHED = "01"


# --- the load -------------------------------------------------------------------------------------

class Outcome:
    __slots__ = ("kind", "started", "ended", "response", "error", "key", "body")

    def __init__(self, kind, started, key=None, body=None):
        self.kind, self.started, self.key, self.body = kind, started, key, body
        self.ended = self.response = self.error = None

    @property
    def status(self):
        return self.response.status_code if self.response is not None else None


class Load:
    """Reader and writer threads against one server until stopped; /healthz polled on the side."""

    def __init__(self, reader, writer, read_paths, tag, readers=2, writers=2):
        self.read_paths = read_paths
        self.tag = tag
        self.outcomes = []
        self.health = []  # (started, seconds, status or exception)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._reads, args=(reader.clone(), i),
                                          daemon=True) for i in range(readers)]
        self._threads += [threading.Thread(target=self._writes, args=(writer.clone(),),
                                           daemon=True) for _ in range(writers)]
        self._threads.append(threading.Thread(target=self._healthz, args=(reader.anonymous()
                                                                           .clone(),),
                                              daemon=True))

    def _record(self, outcome, call):
        try:
            outcome.response = call()
        except requests.RequestException as e:
            outcome.error = e
        outcome.ended = time.monotonic()
        with self._lock:
            self.outcomes.append(outcome)

    def _reads(self, client, n):
        i = n
        while not self._stop.is_set():
            path = self.read_paths[i % len(self.read_paths)]
            i += 1
            o = Outcome(("GET", path), time.monotonic())
            self._record(o, lambda: client.get(path, timeout=CLIENT_TIMEOUT_S, validate=False))
            time.sleep(0.005)

    def _writes(self, client):
        while not self._stop.is_set():
            key = f"{self.tag}-{uuid.uuid4().hex}"
            body = new_document_body(number=f"{uuid.uuid4().int % 10**9}/{self.tag}")
            o = Outcome(("POST", "/v1/documents"), time.monotonic(), key, body)
            self._record(o, lambda: client.post_json("/v1/documents", body,
                                                     headers={"Idempotency-Key": key},
                                                     timeout=CLIENT_TIMEOUT_S, validate=False))
            time.sleep(0.02)

    def _healthz(self, client):
        while not self._stop.is_set():
            t = time.monotonic()
            try:
                status = client.get("/healthz", timeout=HEALTH_TIMEOUT_S, validate=False).status_code
            except requests.RequestException as e:
                status = e
            self.health.append((t, time.monotonic() - t, status))
            time.sleep(0.1)

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=CLIENT_TIMEOUT_S + 5)
        stuck = [t for t in self._threads if t.is_alive()]
        assert not stuck, f"{len(stuck)} load threads are stuck"


def wait_for_200(client, path, since, limit):
    """Poll `path` on fresh connections until 200; returns seconds since `since`. Every answer on
    the way must be a 503."""
    last = None
    while time.monotonic() - since < limit:
        try:
            last = client.clone().get(path, timeout=limit)
            if last.status_code == 200:
                return time.monotonic() - since
            assert last.status_code == 503, f"{path} -> {last.status_code} while recovering: " \
                                            f"{last.text[:300]}"
        except requests.RequestException as e:
            last = e
        time.sleep(0.05)
    raise AssertionError(f"{path} did not answer 200 within {limit} s of PostgreSQL being back; "
                         f"last: {last!r}")


def metric(client, name):
    text = client.get("/metrics", timeout=5).text
    values = [v for n, _, v in parse_metrics(text) if n == name]
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


# --- the test -------------------------------------------------------------------------------------

def fault_restart_fast(pgctl):
    pgctl.run("restart -m fast -w")


def fault_restart_immediate(pgctl):
    pgctl.run("restart -m immediate -w")


def fault_freeze(pgctl):
    with FrozenCluster():
        time.sleep(FREEZE_S)


FAULTS = {"restart-fast": fault_restart_fast, "restart-immediate": fault_restart_immediate,
          "sigstop-10s": fault_freeze}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_postgres_fault_under_load(api, spec, extra_server, pgctl, base_env, fault):
    srv = extra_server(**SERVER_SETTINGS)
    reader = api.on(srv)  # the suite's default user, a viewer
    writer = api.as_user("coordinator").on(srv)
    for client in (reader, writer):  # tokens that outlive the test: signing in needs the database
        api.sessions.forget(client.user)
        client.authorization()
    seeded = writer.post_json("/v1/documents", new_document_body())
    assert seeded.status_code == 201, seeded.text
    read_paths = [doc_path(seeded.json()["id"]), "/v1/admin-units/89"]
    tag = f"F{uuid.uuid4().hex[:6].upper()}"  # in every document number this test makes
    reconnects_before = metric(reader, "planmon_db_reconnects_total")

    with Load(reader, writer, read_paths, tag) as load:
        time.sleep(BEFORE_FAULT_S)
        fault_at = time.monotonic()
        try:
            FAULTS[fault](pgctl)
        finally:
            back_at = time.monotonic()
        recovery = wait_for_200(reader, read_paths[0], back_at, RECOVERY_S)
        recovered_at = back_at + recovery
        time.sleep(AFTER_RECOVERY_S)
    assert srv.alive(), f"planmon died\n{srv.logs_tail()}"

    # What every request got.
    outcomes = sorted(load.outcomes, key=lambda o: o.started)
    by_status = Counter((o.kind[0], o.status if o.error is None else type(o.error).__name__)
                        for o in outcomes)
    health = load.health
    slowest_health = max(s for _, s, _ in health)
    writes = [o for o in outcomes if o.kind[0] == "POST"]
    print(f"\n[{fault}] {len(outcomes)} requests ({len(writes)} writes); answers "
          f"{dict(sorted(by_status.items(), key=str))}; fault {back_at - fault_at:.2f} s; "
          f"200 again {recovery:.2f} s after PostgreSQL was back; /healthz {len(health)} polls, "
          f"slowest {slowest_health:.2f} s")

    dropped = [o for o in outcomes if o.error is not None]
    assert not dropped, (f"{len(dropped)} requests got no answer, e.g. {dropped[0].kind} at "
                         f"+{dropped[0].started - fault_at:.2f} s: {dropped[0].error!r}")
    bad_health = [(round(t - fault_at, 2), s) for t, _, s in health if s != 200]
    assert not bad_health, f"/healthz failed (seconds after the fault, answer): {bad_health[:10]}"
    for o in outcomes:
        expected = 200 if o.kind[0] == "GET" else 201
        assert o.status in (expected, 503), \
            f"{o.kind} -> {o.status} at +{o.started - fault_at:.2f} s: {o.response.text[:300]}"
        spec.validate(o.kind[0], o.kind[1], o.response)  # a 503 is a problem with Retry-After
        if o.status == 503:
            assert int(o.response.headers["Retry-After"]) >= 0
            assert not LIBPQ_TEXT.search(o.response.text), \
                f"a database message reached the client: {o.response.text}"
    assert any(o.status in (200, 201) and o.started < fault_at for o in outcomes), \
        "nothing succeeded before the fault"
    late_failures = [(o.kind, round(o.started - recovered_at, 2), o.status) for o in outcomes
                     if o.started > recovered_at + AFTER_RECOVERY_GRACE_S and o.status == 503]
    assert not late_failures, f"503 after recovery (seconds after it): {late_failures[:10]}"
    assert any(o.started > recovered_at + AFTER_RECOVERY_GRACE_S for o in outcomes), \
        "no request was made after recovery"

    # The pool: nothing lent when idle, no more sockets than its size, none to a dead backend.
    time.sleep(0.2)
    assert metric(reader, "planmon_db_pool_in_use") == 0
    sockets = server_pg_sockets(srv.proc.pid, pg_port(base_env))
    # the requests' pool, and the notifier's own two connections (notify/notifier.c)
    assert len(sockets) <= DB_POOL_SIZE + NOTIFIER_CONNECTIONS, \
        f"{len(sockets)} sockets to PostgreSQL: {sockets}"
    open_ports = {p for p, state in sockets if state == TCP_ESTABLISHED}
    with connect(base_env) as conn:
        backends = {r[0] for r in conn.execute(
            "SELECT client_port FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'planmon' AND client_port = ANY(%s)", [list(open_ports)])}
    assert backends == open_ports, f"server sockets {sockets}, backends of them {backends}"
    reconnects = metric(reader, "planmon_db_reconnects_total") - reconnects_before
    print(f"[{fault}] pool after the load: {len(sockets)} sockets to PostgreSQL "
          f"({len(open_ports)} with a backend), {reconnects:.0f} reconnects")

    # Writes: each 201 holds; each 503 is retried with the same key and body.
    created = {o.key: o.response.json()["id"] for o in writes if o.status == 201}
    unanswered = [o for o in writes if o.status == 503]
    replayed = 0
    retry_client = writer.clone()
    for o in unanswered:
        r = retry_client.post_json("/v1/documents", o.body, headers={"Idempotency-Key": o.key})
        assert r.status_code == 201, f"retry of {o.key} -> {r.status_code}: {r.text[:300]}"
        replayed += r.headers.get("Idempotent-Replayed") == "true"
        created[o.key] = r.json()["id"]
    print(f"[{fault}] writes: {len(writes) - len(unanswered)} answered 201, {len(unanswered)} "
          f"answered 503 and retried with their key: {replayed} of those had committed "
          f"(replayed), {len(unanswered) - replayed} written by the retry")
    numbers = {o.key: o.body["number"] for o in writes}
    with connect(base_env) as conn:
        rows = dict(conn.execute(
            "SELECT d.number, d.id FROM document d WHERE d.number LIKE %s", [f"%/{tag}"]).fetchall())
        lost = [(o.response.json()["id"], o.body["number"], round(o.started - fault_at, 2))
                for o in writes if o.status == 201 and o.body["number"] not in rows]
        assert not lost, f"answered 201, not in the table (id, number, +s after the fault): {lost}"
        for key, doc_id in created.items():
            assert str(rows.get(numbers[key])) == str(doc_id), \
                f"{numbers[key]}: document {doc_id} was answered, {rows.get(numbers[key])} stored"
        assert len(rows) == len(writes), \
            f"{len(writes)} distinct writes, {len(rows)} documents of this test"
        wrong = conn.execute(
            "SELECT d.id, d.number, count(a.id) FROM document d LEFT JOIN audit_event a"
            " ON a.entity_type = 'documents' AND a.entity_id = d.id::text AND a.action = 'create'"
            " GROUP BY d.id, d.number HAVING count(a.id) <> 1 ORDER BY d.id LIMIT 10").fetchall()
        assert not wrong, f"documents without exactly one create audit event: {wrong}"


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_idle_server_after_restart_answers_its_first_request(api, extra_server, pgctl, mode):
    """A server that was idle while PostgreSQL restarted answers its next requests 200: the
    pooled connections the restart broke are noticed and replaced, not handed to a request."""
    srv = extra_server(**SERVER_SETTINGS)
    reader = api.on(srv)
    path = "/v1/admin-units/89"
    with ThreadPoolExecutor(DB_POOL_SIZE) as pool:  # a few pooled connections
        warm = list(pool.map(lambda _: reader.clone().get(path).status_code,
                             range(4 * DB_POOL_SIZE)))
    assert warm == [200] * len(warm)
    pgctl.run(f"restart -m {mode} -w")
    time.sleep(1.0)
    statuses = [reader.clone().get(path, timeout=10).status_code for _ in range(DB_POOL_SIZE + 1)]
    print(f"\n[idle, restart -m {mode}] answers 1 s after PostgreSQL was back: {statuses}")
    assert statuses == [200] * len(statuses), \
        f"answers to the first requests after the restart: {statuses}\n{srv.logs_tail(12)}"

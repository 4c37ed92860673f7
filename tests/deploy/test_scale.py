"""Three planmon instances behind nginx, over PgBouncer in transaction mode, on 127.0.0.1.

PostgreSQL (the cluster of tests/run, or a throwaway one), database planmon_deploy; PgBouncer
from deploy/pgbouncer/pgbouncer.ini with SCRAM authentication; migrate and seed through
PgBouncer; three `planmon serve` (the third started through the compose file's entry point,
with its password from a secret file, and traced with strace); nginx from deploy/nginx/. Shows
that any instance serves any request: tokens, reads after writes, If-Match, Idempotency-Key and
a disabled user cross instances; then a bounded paced load through nginx while one instance is
killed and restarted and another stopped with SIGTERM. Everything stops at the end of the module.
The load's figures go to tests/.results/deploy-scale.json (tests/run prints them).
"""

import concurrent.futures
import http.client
import json
import os
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from stack import (REPO_ROOT, Process, Stack, as_user, free_port, give, load_while_instances_die,
                   running, tail, wait_port)

DB = "planmon_deploy"
DB_PASSWORD = "pgb-" + uuid.uuid4().hex[:16]
DEMO_PASSWORD = "demo-password-for-the-deploy-suite"
LOAD_SECONDS = float(os.environ.get("PLANMON_SCALE_SECONDS", "12"))
LOAD_WORKERS = 6
WORKER_RATE = 25.0  # requests a second per worker, each from its own address: under limit_req
RESULTS = Path(os.environ.get("PLANMON_RESULTS") or REPO_ROOT / "tests" / ".results")
TIMEOUT = Stack.TIMEOUT


class DeployStack(Stack):
    """stack.Stack; its third instance runs through compose.yaml's entry point, under strace."""

    def __init__(self, tmp):
        super().__init__(tmp, db=DB, db_password=DB_PASSWORD, demo_password=DEMO_PASSWORD)

    def new_instance(self, i, port, **settings):
        if i != 2:
            return super().new_instance(i, port, **settings)
        # deploy/compose.yaml's entry point, with the secret's path made local: the password
        # reaches libpq as PGPASSWORD, read from the file.
        env = self.planmon_env(port, **settings)
        del env["PGPASSWORD"]
        script = ('PGPASSWORD="$(cat /run/secrets/db_password)" exec '
                  '/usr/local/bin/planmon "$@"')
        script = script.replace("/run/secrets/db_password", str(self.tmp / "db_password"))
        script = script.replace("/usr/local/bin/planmon", self.bin)
        trace = self.tmp / "strace.txt"
        trace.touch()
        give(trace)
        argv = as_user(["strace", "-f", "-qq", "-c", "-o", str(trace),
                        "/bin/sh", "-c", script, "planmon", "serve"])
        inst = Process(f"planmon-{i}", argv, env, self.tmp / f"planmon-{i}.log",
                       main=self.comm).start()
        inst.port = port
        return inst


@pytest.fixture(scope="module")
def stack():
    yield from running(DeployStack, "planmon-deploy.", "the stack", lambda s: s.logs())


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def upstreams_seen(stack, request_ids):
    """The upstream address nginx logged for each of the request ids."""
    seen = {}
    for line in Path(stack.tmp / "nginx.log").read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("request_id") in request_ids:
                seen[entry["request_id"]] = entry["upstream"]
    return seen


# --- statelessness -------------------------------------------------------------------------

def test_migrate_and_seed_ran_through_pgbouncer_in_transaction_mode(stack):
    out = "\n".join(stack.setup_output)
    assert "schema at version" in out and "seed:" in out, out
    assert "pool_mode = transaction" in (stack.tmp / "pgbouncer.ini").read_text()
    for inst in stack.instances:
        r = requests.get(stack.url(stack.instances.index(inst), "/readyz"), timeout=TIMEOUT)
        assert r.status_code == 200, r.text


def test_the_statement_timeout_comes_from_pgbouncer_not_the_startup_option(stack):
    """planmon's `options=-c statement_timeout` is ignored by PgBouncer; connect_query sets it."""
    env = {**os.environ, "PGPASSWORD": DB_PASSWORD, "PGOPTIONS": "-c statement_timeout=1"}
    r = subprocess.run(["psql", "-X", "-tA", "-h", "127.0.0.1", "-p", str(stack.pgb_port),
                        "-U", "planmon", "-d", DB, "-c", "SHOW statement_timeout"],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "5s"


def test_nginx_spreads_requests_over_the_three_instances(stack):
    ids = [f"spread-{uuid.uuid4().hex}" for _ in range(12)]
    for rid in ids:
        r = requests.get(stack.url("nginx", "/healthz"), headers={"X-Request-Id": rid},
                         timeout=TIMEOUT)
        assert r.status_code == 200
        assert r.headers.get("X-Request-Id") == rid  # nginx passes the client's id on
    time.sleep(0.2)
    seen = upstreams_seen(stack, set(ids))
    expected = {f"127.0.0.1:{i.port}" for i in stack.instances}
    assert set(seen.values()) == expected, seen


def test_a_token_from_one_instance_is_accepted_by_the_others(stack):
    pair = stack.login(0)
    for i in (1, 2):
        r = requests.get(stack.url(i, "/v1/me"), headers=bearer(pair["access_token"]),
                         timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        assert r.json()["username"] == "coordinator"
    # the refresh token is spent on instance 1; within the grace (REFRESH_REUSE_GRACE_S) its
    # reuse on instance 2 gets a pair of the same family, which a sign-out on 0 ends
    r = requests.post(stack.url(1, "/v1/auth/refresh"), timeout=TIMEOUT,
                      json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 200, r.text
    newer = r.json()
    r = requests.post(stack.url(2, "/v1/auth/refresh"), timeout=TIMEOUT,
                      json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 200, r.text
    other_tab = r.json()
    r = requests.post(stack.url(0, "/v1/auth/logout"), timeout=TIMEOUT,
                      json={"refresh_token": newer["refresh_token"]})
    assert r.status_code == 204, r.text
    r = requests.post(stack.url(1, "/v1/auth/refresh"), timeout=TIMEOUT,
                      json={"refresh_token": other_tab["refresh_token"]})
    assert r.status_code == 401, "the family ended on another instance"


def test_a_write_through_one_instance_is_read_through_the_others(stack):
    token = stack.login("nginx")["access_token"]
    r = stack.new_document(0, token)
    assert r.status_code == 201, r.text
    doc = r.json()
    etags = set()
    for i in (1, 2):
        got = requests.get(stack.url(i, f"/v1/documents/{doc['id']}"), headers=bearer(token),
                           timeout=TIMEOUT)
        assert got.status_code == 200 and got.json()["title"] == doc["title"]
        etags.add(got.headers["ETag"])
    assert etags == {r.headers["ETag"]}


def test_if_match_holds_across_instances(stack):
    token = stack.login("nginx")["access_token"]
    doc = stack.new_document(0, token)
    assert doc.status_code == 201, doc.text
    path = f"/v1/documents/{doc.json()['id']}"
    etag = requests.get(stack.url(1, path), headers=bearer(token), timeout=TIMEOUT).headers["ETag"]
    patch_headers = {**bearer(token), "Content-Type": "application/merge-patch+json"}
    r = requests.patch(stack.url(2, path), headers=patch_headers, timeout=TIMEOUT,
                       data=json.dumps({"title_en": "changed on instance 2"}))
    assert r.status_code == 428, r.text
    r = requests.patch(stack.url(2, path), headers={**patch_headers, "If-Match": etag},
                       timeout=TIMEOUT, data=json.dumps({"title_en": "changed on instance 2"}))
    assert r.status_code == 200, r.text
    r = requests.patch(stack.url(0, path), headers={**patch_headers, "If-Match": etag},
                       timeout=TIMEOUT, data=json.dumps({"title_en": "stale, on instance 0"}))
    assert r.status_code == 412, r.text
    got = requests.get(stack.url(0, path), headers=bearer(token), timeout=TIMEOUT)
    assert got.json()["title_en"] == "changed on instance 2"


def test_an_idempotency_key_holds_across_instances(stack):
    token = stack.login("nginx")["access_token"]
    key, suffix = str(uuid.uuid4()), uuid.uuid4().hex[:12]
    first = stack.new_document(0, token, key, suffix)
    assert first.status_code == 201, first.text
    again = stack.new_document(1, token, key, suffix)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = stack.new_document(2, token, key, suffix + "x")
    assert other.status_code == 422, other.text
    count = stack.cluster.sql(DB, f"SELECT count(*) FROM document WHERE number = 'DEPLOY-{suffix}'")
    assert count == "1"


def test_a_user_disabled_on_one_instance_is_refused_by_the_others(stack):
    name = "deploy." + uuid.uuid4().hex[:8]
    r = stack.run_planmon("user", "add", "--username", name, "--agency", "SLDTBXH", "--role",
                          "viewer", input="a-password-for-the-deploy-suite\n")
    assert r.returncode == 0, r.stderr
    user_token = stack.login(1, name, "a-password-for-the-deploy-suite")["access_token"]
    for i in (1, 2):  # each instance has the user's state in its cache now
        assert requests.get(stack.url(i, "/v1/me"), headers=bearer(user_token),
                            timeout=TIMEOUT).status_code == 200
    admin = stack.login(0, "admin")["access_token"]
    got = requests.get(stack.url(0, f"/v1/users/{name}"), headers=bearer(admin), timeout=TIMEOUT)
    assert got.status_code == 200, got.text
    r = requests.patch(stack.url(0, f"/v1/users/{name}"), timeout=TIMEOUT,
                       headers={**bearer(admin), "If-Match": got.headers["ETag"],
                                "Content-Type": "application/merge-patch+json"},
                       data=json.dumps({"active": False}))
    assert r.status_code == 200, r.text
    started = time.monotonic()
    refused = set()
    while time.monotonic() - started < 8 and len(refused) < 2:
        for i in (1, 2):
            if i not in refused and requests.get(stack.url(i, "/v1/me"), headers=bearer(user_token),
                                                 timeout=TIMEOUT).status_code == 401:
                refused.add(i)
        time.sleep(0.2)
    assert refused == {1, 2}, f"still accepted after {time.monotonic() - started:.1f}s"


def test_nginx_rate_limits_sign_in_with_429(stack):
    """5 r/s with a burst of 20 per address: 40 attempts sent at once from one address meet 429.
    At once, not one after another: a sign-in (argon2) takes long enough on a busy machine that
    sequential attempts stay under 5 r/s and are rarely refused."""
    body = json.dumps({"username": "admin", "password": DEMO_PASSWORD})

    def attempt(_):
        conn = http.client.HTTPConnection("127.0.0.1", stack.nginx_port, timeout=TIMEOUT,
                                          source_address=("127.0.0.77", 0))
        try:
            conn.request("POST", "/v1/auth/token", body=body,
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            return resp.status
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        statuses = Counter(pool.map(attempt, range(40)))
    assert statuses[429] >= 10 and statuses[200] >= 15, statuses
    assert set(statuses) <= {200, 429}, statuses


def test_metrics_are_not_served_through_the_balancer(stack):
    assert requests.get(stack.url("nginx", "/metrics"), timeout=TIMEOUT).status_code == 404
    assert requests.get(stack.url(0, "/metrics"), timeout=TIMEOUT).status_code == 200


def test_the_images_health_check_and_docs_work(stack):
    """The Dockerfile's HEALTHCHECK command, run as written, and the docs script from a copy."""
    text = (REPO_ROOT / "Dockerfile").read_text()
    m = re.search(r"HEALTHCHECK[^\n]*\\\n\s*CMD (.+)", text)
    assert m, "no HEALTHCHECK ... CMD in the Dockerfile"
    r = subprocess.run(["/bin/sh", "-c", m.group(1)], env={"PATH": "/usr/bin:/bin",
                       "PORT": str(stack.instances[0].port)}, capture_output=True, timeout=10)
    assert r.returncode == 0, r.stderr
    js = requests.get(stack.url("nginx", "/docs/redoc.standalone.js"), timeout=TIMEOUT)
    assert js.status_code == 200 and len(js.content) == Path(stack.docs_js).stat().st_size
    assert requests.get(stack.url("nginx", "/docs"), timeout=TIMEOUT).status_code == 200


# --- DB_PREPARE left on behind the pooler ----------------------------------------------------

def test_an_instance_left_with_db_prepare_on_behind_pgbouncer_answers_and_says_so(stack):
    """PgBouncer in transaction mode hands each transaction to any server connection, so a
    statement prepared on one is missing (26000) or already there (42P05) on another. An
    instance whose operator forgot DB_PREPARE=off notices it on each connection, retries the
    statement unnamed, names none from then on, and logs what to set: concurrent reads all
    succeed, and so do writes but for the limit README states: a statement refused inside a
    write's transaction cannot be retried there, and that request is answered 503 (3,000 of 3,000
    in a trial run; 1 POST of 100 under two parallel full test runs, 2026-12-07)."""
    port = free_port()
    inst = stack.new_instance("prepare-on", port, DB_PREPARE="on")
    log = inst.log
    try:
        wait_port(port, proc=inst.proc)
        stack.wait_ready(port)
        base = f"http://127.0.0.1:{port}"
        token = requests.post(f"{base}/v1/auth/token", timeout=TIMEOUT,
                              json={"username": "coordinator",
                                    "password": DEMO_PASSWORD}).json()["access_token"]

        def call(n):
            with requests.Session() as s:
                s.headers["Authorization"] = f"Bearer {token}"
                if n % 4 == 0:
                    r = s.post(f"{base}/v1/documents", timeout=TIMEOUT,
                               json={"number": f"PREPARE-{n}-{uuid.uuid4().hex[:8]}",
                                     "type": "ke_hoach", "title": f"DB_PREPARE on, {n}"})
                    return ("POST", r.status_code, r.text[:200])
                path = ("/v1/admin-units/89", "/v1/agencies?limit=5", "/v1/me")[n % 3]
                r = s.get(base + path, timeout=TIMEOUT)
                return ("GET", r.status_code, r.text[:200])

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(call, range(400)))
    finally:
        code = inst.stop(signal.SIGTERM)
    failed = [a for a in answers if a[1] not in (200, 201)]
    refused_writes = [a for a in failed if a[0] == "POST" and a[1] == 503]
    assert len(refused_writes) <= 2 and failed == refused_writes, (
        f"{len(failed)} of {len(answers)} failed: {failed[:5]}\n{tail(log)}")
    assert code == 0
    assert "set DB_PREPARE=off" in log.read_text(errors="replace"), tail(log)


# --- load while an instance dies -----------------------------------------------------------

def test_a_killed_instance_loses_no_request(stack):
    summary, get_failures, posts = load_while_instances_die(stack, LOAD_SECONDS, LOAD_WORKERS,
                                                            WORKER_RATE)
    backends = stack.cluster.sql(
        "postgres", f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DB}'")
    summary = {"command": "tests/deploy/test_scale.py::test_a_killed_instance_loses_no_request",
               **summary, "postgres_backends_of_the_database_after": int(backends)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "deploy-scale.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))

    assert summary["requests"] > LOAD_WORKERS * WORKER_RATE * LOAD_SECONDS * 0.5, summary
    assert get_failures == [], get_failures[:10]
    assert summary["posts_not_201"] == 0, posts
    assert summary["documents_stored"] == len(posts) == summary["documents_distinct"], \
        "a POST was lost or stored twice"
    assert summary["statuses"].get(429, 0) == 0, "the paced load met the rate limit"
    assert summary["sigterm_exit_code"] == 0, "SIGTERM should end planmon cleanly"
    # PgBouncer in transaction mode: 3 instances x DB_POOL_SIZE 8 share a few server connections
    assert int(backends) <= 25


def test_every_system_call_is_allowed_by_the_systemd_unit(stack):
    """Instance 2 ran under strace: its system calls against the unit's SystemCallFilter."""
    code = stack.instances[2].stop(signal.SIGTERM)
    assert code == 0
    used = set()
    for line in (stack.tmp / "strace.txt").read_text().splitlines():
        parts = line.split()
        if parts and re.fullmatch(r"[0-9.]+", parts[0]) and parts[-1] != "total":
            used.add(parts[-1])
    assert "accept4" in used or "accept" in used, sorted(used)

    def group(name, seen=None):
        """The system calls of a systemd group, its nested @groups expanded."""
        seen = set() if seen is None else seen
        if name in seen:
            return set()
        seen.add(name)
        out = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True,
                             text=True, timeout=30).stdout
        names = set()
        for line in out.splitlines()[1:]:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            names |= group(s, seen) if s.startswith("@") else {s.split()[0]}
        return names

    allowed = group("@system-service") - group("@privileged")
    # the shell of the compose entry point (sh, cat) is traced too; execve is in @system-service
    assert used - allowed == set(), f"outside the unit's filter: {sorted(used - allowed)}"

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

import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests

from stack import (REPO_ROOT, Cluster, Process, as_user, free_port, give, nginx_argv,
                   nginx_conf_dir, pgbouncer_ini, planmon_paths, running, tail, wait_port)

DB = "planmon_deploy"
DB_PASSWORD = "pgb-" + uuid.uuid4().hex[:16]
DEMO_PASSWORD = "demo-password-for-the-deploy-suite"
LOAD_SECONDS = float(os.environ.get("PLANMON_SCALE_SECONDS", "12"))
LOAD_WORKERS = 6
WORKER_RATE = 25.0  # requests a second per worker, each from its own address: under limit_req
RESULTS = Path(os.environ.get("PLANMON_RESULTS") or REPO_ROOT / "tests" / ".results")
TIMEOUT = 10


class Stack:
    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.cluster = Cluster(self.tmp)
        self.bin, self.docs_js = planmon_paths()
        self.pgb_port, self.nginx_port = free_port(), free_port()
        self.instances = []  # Process, one per planmon instance, with .port
        self.others = []     # pgbouncer, nginx
        self.marker = os.environ.get("PLANMON_TESTS_RUN") or str(self.tmp)

    # --- the pieces ---------------------------------------------------------------------
    def env(self, **extra):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "PLANMON_TESTS_RUN": self.marker}
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def planmon_env(self, port=None, **extra):
        base = dict(DATABASE_URL=f"postgresql://planmon@127.0.0.1:{self.pgb_port}/{DB}",
                    PGPASSWORD=DB_PASSWORD, JWT_PRIVATE_KEY_FILE=self.key,
                    DOCS_JS_FILE=self.docs_copy, BIND_ADDRESS="127.0.0.1",
                    HTTP_THREADS=4, DB_POOL_SIZE=8, DB_QUERY_TIMEOUT_MS=5000, LOG_LEVEL="warn")
        if port:
            base["PORT"] = port
        base.update(extra)
        return self.env(**base)

    def run_planmon(self, *args, input=None, **extra):
        return subprocess.run(as_user([self.bin, *args]), env=self.planmon_env(**extra),
                              input=input, capture_output=True, text=True, timeout=120)

    def start(self):
        tmp = self.tmp
        tmp.chmod(0o755)
        self.cluster.start()
        c = self.cluster
        c.sql("postgres", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        c.sql("postgres", "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                          "'planmon') THEN CREATE ROLE planmon LOGIN; END IF; END$$")
        c.sql("postgres", f"ALTER ROLE planmon PASSWORD '{DB_PASSWORD}'")
        c.sql("postgres", f"CREATE DATABASE {DB} OWNER planmon")

        # the secrets: signing key, PgBouncer's user list, the compose-style password file
        self.key = str(tmp / "jwt-private-key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", self.key], check=True,
                       capture_output=True, timeout=60)
        (tmp / "userlist.txt").write_text(f'"planmon" "{DB_PASSWORD}"\n')
        (tmp / "db_password").write_text(DB_PASSWORD)
        self.docs_copy = str(tmp / "redoc.standalone.js")  # as the image has it, elsewhere
        Path(self.docs_copy).write_bytes(Path(self.docs_js).read_bytes())
        for f in ("jwt-private-key.pem", "userlist.txt", "db_password", "redoc.standalone.js"):
            (tmp / f).chmod(0o600)
            give(tmp / f)

        ini = pgbouncer_ini(REPO_ROOT / "deploy/pgbouncer/pgbouncer.ini",
                            listen_port=self.pgb_port, db_port=c.port, db_name=DB,
                            auth_file=tmp / "userlist.txt")
        (tmp / "pgbouncer.ini").write_text(ini)
        give(tmp / "pgbouncer.ini")
        pgb = Process("pgbouncer", as_user(["/usr/sbin/pgbouncer", str(tmp / "pgbouncer.ini")]),
                      self.env(), tmp / "pgbouncer.out", main="pgbouncer").start()
        self.others.append(pgb)
        wait_port(self.pgb_port, proc=pgb.proc)

        for args in (["migrate"], ["seed", "--demo"]):
            r = self.run_planmon(*args, DEMO_PASSWORD=DEMO_PASSWORD)
            assert r.returncode == 0, f"planmon {args}: {r.stderr}{r.stdout}"
            self.__dict__.setdefault("setup_output", []).append(r.stdout + r.stderr)

        ports = [free_port() for _ in range(3)]
        for i, port in enumerate(ports):
            self.instances.append(self.new_instance(i, port))
        for inst in self.instances:
            wait_port(inst.port, proc=inst.proc)
            self.wait_ready(inst.port)

        prefix = tmp / "nginx"
        (prefix / "tmp").mkdir(parents=True)
        conf = nginx_conf_dir(tmp / "nginx-conf", self.nginx_port, ports)
        for p in (prefix, prefix / "tmp"):
            give(p)
        self.nginx_conf = conf
        nginx = Process("nginx", as_user(nginx_argv(prefix, conf, "-g", "daemon off;")),
                        self.env(), tmp / "nginx.log", main="nginx").start()
        self.others.append(nginx)
        wait_port(self.nginx_port, proc=nginx.proc)
        return self

    def new_instance(self, i, port):
        """Instance i on port; the third runs through compose.yaml's entry point, under strace."""
        env = self.planmon_env(port)
        argv = as_user([self.bin, "serve"])
        if i == 2:
            # deploy/compose.yaml's entry point, with the secret's path made local: the password
            # reaches libpq as PGPASSWORD, read from the file.
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
                       main="planmon").start()
        inst.port = port
        return inst

    def restart(self, i):
        old = self.instances[i]
        self.instances[i] = self.new_instance(i, old.port)
        wait_port(old.port, proc=self.instances[i].proc)
        return self.instances[i]

    def wait_ready(self, port, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"planmon on {port} not ready after {timeout}s")

    def stop(self):
        codes = {}
        for inst in self.instances:
            codes[inst.name] = inst.stop(signal.SIGTERM)
        for p in reversed(self.others):
            p.stop(signal.SIGTERM if p.name == "pgbouncer" else signal.SIGQUIT)
        try:
            self.cluster.sql("postgres", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        except Exception:  # noqa: BLE001 - the cluster may be gone; it is thrown away anyway
            pass
        self.cluster.stop()
        return codes

    def logs(self):
        names = [p.log for p in self.instances + self.others]
        return "\n".join(f"--- {n}\n{tail(n, 15)}" for n in names)

    # --- HTTP -----------------------------------------------------------------------------
    def url(self, where, path):
        port = self.nginx_port if where == "nginx" else self.instances[where].port
        return f"http://127.0.0.1:{port}{path}"

    def login(self, where, username="coordinator", password=DEMO_PASSWORD):
        r = requests.post(self.url(where, "/v1/auth/token"), timeout=TIMEOUT,
                          json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def stack():
    yield from running(Stack, "planmon-deploy.", "the stack", lambda s: s.logs())


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
    # the refresh token is spent on instance 1; its reuse on instance 2 ends the family
    r = requests.post(stack.url(1, "/v1/auth/refresh"), timeout=TIMEOUT,
                      json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 200, r.text
    newer = r.json()
    r = requests.post(stack.url(2, "/v1/auth/refresh"), timeout=TIMEOUT,
                      json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401, r.text
    r = requests.post(stack.url(0, "/v1/auth/refresh"), timeout=TIMEOUT,
                      json={"refresh_token": newer["refresh_token"]})
    assert r.status_code == 401, "the family ended on another instance"


def new_document(stack, where, token, key=None, suffix=None):
    suffix = suffix or uuid.uuid4().hex[:12]
    headers = bearer(token)
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(stack.url(where, "/v1/documents"), headers=headers, timeout=TIMEOUT,
                         json={"number": f"DEPLOY-{suffix}", "type": "ke_hoach",
                               "title": f"Deploy suite {suffix}"})


def test_a_write_through_one_instance_is_read_through_the_others(stack):
    token = stack.login("nginx")["access_token"]
    r = new_document(stack, 0, token)
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
    doc = new_document(stack, 0, token)
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
    first = new_document(stack, 0, token, key, suffix)
    assert first.status_code == 201, first.text
    again = new_document(stack, 1, token, key, suffix)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = new_document(stack, 2, token, key, suffix + "x")
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
    """5 r/s with a burst of 20 per address: 40 quick attempts from one address meet 429."""
    conn = http.client.HTTPConnection("127.0.0.1", stack.nginx_port, timeout=TIMEOUT,
                                      source_address=("127.0.0.77", 0))
    statuses = Counter()
    body = json.dumps({"username": "admin", "password": DEMO_PASSWORD})
    for _ in range(40):
        conn.request("POST", "/v1/auth/token", body=body,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        statuses[resp.status] += 1
    conn.close()
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


# --- load while an instance dies -----------------------------------------------------------

class Worker(threading.Thread):
    """Paced requests through nginx from its own 127.0.0.x address: GETs, and POSTs with an
    Idempotency-Key retried (same key, same body) until they get an answer that is not a
    502/503/504, a 409 (the key still running elsewhere) or a dropped connection."""

    def __init__(self, n, stack, token, deadline, doc_ids, run):
        super().__init__(daemon=True)
        self.n, self.stack, self.token, self.deadline = n, stack, token, deadline
        self.doc_ids, self.run_id = doc_ids, run
        self.statuses = Counter()    # every HTTP answer, retries included
        self.latencies = []
        self.gets = 0
        self.get_failures = []       # GETs that did not end in 200
        self.post_retries = 0        # extra attempts of POSTs
        self.posts = {}              # key -> final status
        self.errors = Counter()      # connection-level failures seen by this client
        self.conn = None

    def connect(self):
        if self.conn:
            self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.stack.nginx_port, timeout=TIMEOUT,
                                               source_address=(f"127.0.1.{self.n + 1}", 0))

    def call(self, method, path, body=None, headers=None):
        started = time.monotonic()
        try:
            self.conn.request(method, path, body=body, headers={
                "Authorization": f"Bearer {self.token}", **(headers or {})})
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.errors[type(e).__name__] += 1
            self.connect()
            return None, None
        self.latencies.append(time.monotonic() - started)
        self.statuses[resp.status] += 1
        return resp.status, data

    def run(self):
        rng = random.Random(self.n)
        self.connect()
        i = 0
        next_at = time.monotonic()
        while time.monotonic() < self.deadline:
            i += 1
            if rng.random() < 0.2:
                key = f"{self.run_id}-{self.n}-{i}"
                body = json.dumps({"number": f"LOAD-{key}", "type": "ke_hoach",
                                   "title": f"Load {key}"})
                for attempt in range(20):
                    status, _ = self.call("POST", "/v1/documents", body,
                                          {"Content-Type": "application/json",
                                           "Idempotency-Key": key})
                    if status not in (None, 409, 502, 503, 504):
                        break
                    self.post_retries += 1
                    time.sleep(0.1)
                self.posts[key] = status
            else:
                path = rng.choice([f"/v1/documents/{rng.choice(self.doc_ids)}", "/v1/me",
                                   "/v1/admin-units?level=2", "/v1/tasks?limit=5"])
                self.gets += 1
                status, _ = self.call("GET", path)
                if status != 200:
                    self.get_failures.append((path, status))
            next_at += 1 / WORKER_RATE
            time.sleep(max(0.0, next_at - time.monotonic()))
        self.conn.close()


def test_a_killed_instance_loses_no_request(stack):
    token = stack.login("nginx")["access_token"]
    doc_ids = [new_document(stack, "nginx", token).json()["id"] for _ in range(3)]
    run = uuid.uuid4().hex[:8]
    start = time.monotonic()
    deadline = start + LOAD_SECONDS
    workers = [Worker(n, stack, token, deadline, doc_ids, run) for n in range(LOAD_WORKERS)]
    for w in workers:
        w.start()
    events = []

    def at(t):
        time.sleep(max(0.0, start + t - time.monotonic()))

    at(LOAD_SECONDS * 0.25)
    stack.instances[0].send(signal.SIGKILL)
    stack.instances[0].wait(5)
    events.append((round(time.monotonic() - start, 2), "SIGKILL instance 0"))
    at(LOAD_SECONDS * 0.5)
    stack.restart(0)
    stack.wait_ready(stack.instances[0].port)
    events.append((round(time.monotonic() - start, 2), "instance 0 restarted and ready"))
    at(LOAD_SECONDS * 0.65)
    term = stack.instances[1]
    term.send(signal.SIGTERM)
    events.append((round(time.monotonic() - start, 2), "SIGTERM instance 1"))
    term_code = term.wait(15)
    events.append((round(time.monotonic() - start, 2), f"instance 1 exited with {term_code}"))
    for w in workers:
        w.join(LOAD_SECONDS + 30)
    elapsed = time.monotonic() - start
    stack.restart(1)
    stack.wait_ready(stack.instances[1].port)

    statuses = sum((w.statuses for w in workers), Counter())
    errors = sum((w.errors for w in workers), Counter())
    latencies = sorted(x for w in workers for x in w.latencies)
    posts = {k: v for w in workers for k, v in w.posts.items()}
    get_failures = [f for w in workers for f in w.get_failures]
    stored = int(stack.cluster.sql(DB, f"SELECT count(*) FROM document WHERE number LIKE 'LOAD-{run}-%'"))
    distinct = int(stack.cluster.sql(
        DB, f"SELECT count(DISTINCT number) FROM document WHERE number LIKE 'LOAD-{run}-%'"))
    failovers = 0  # requests nginx passed to a second instance
    for line in Path(stack.tmp / "nginx.log").read_text(errors="replace").splitlines():
        if line.startswith("{") and "," in json.loads(line).get("upstream", ""):
            failovers += 1
    backends = stack.cluster.sql(
        "postgres", f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DB}'")
    summary = {
        "command": "tests/deploy/test_scale.py::test_a_killed_instance_loses_no_request",
        "instances": 3, "workers": LOAD_WORKERS, "paced_rate_per_worker": WORKER_RATE,
        "seconds": round(elapsed, 2), "requests": sum(statuses.values()),
        "requests_per_second": round(sum(statuses.values()) / elapsed, 1),
        "statuses": dict(sorted(statuses.items())), "client_connection_errors": dict(errors),
        "gets": sum(w.gets for w in workers),
        "get_failures": len(get_failures),
        "posts": len(posts), "post_retries": sum(w.post_retries for w in workers),
        "posts_not_201": sum(1 for v in posts.values() if v != 201),
        "documents_stored": stored, "documents_distinct": distinct,
        "latency_ms": {"p50": round(1000 * statistics.median(latencies), 1),
                       "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
                       "max": round(1000 * latencies[-1], 1)},
        "nginx_failovers": failovers,
        "postgres_backends_of_the_database_after": int(backends),
        "events": events, "sigterm_exit_code": term_code,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "deploy-scale.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))

    assert summary["requests"] > LOAD_WORKERS * WORKER_RATE * LOAD_SECONDS * 0.5, summary
    assert get_failures == [], get_failures[:10]
    assert summary["posts_not_201"] == 0, posts
    assert stored == len(posts) == distinct, "a POST was lost or stored twice"
    assert statuses[429] == 0, "the paced load met the rate limit"
    assert term_code == 0, "SIGTERM should end planmon cleanly"
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

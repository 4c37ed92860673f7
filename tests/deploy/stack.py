"""Real processes for tests/deploy and tests/scale: a PostgreSQL cluster, PgBouncer, planmon
instances and nginx, each on 127.0.0.1 only, run from the shipped configuration files
(deploy/pgbouncer/pgbouncer.ini, deploy/nginx/*.conf) with only addresses, paths, authentication
(and, for tests/scale, nginx's rate limits) changed; Stack puts them together, and
load_while_instances_die runs a paced load through its nginx while instances are killed.

As root, PgBouncer, nginx and planmon run as the unprivileged user `postgres` (which owns the
throwaway cluster too; PgBouncer refuses to run as root). Every process is started with
PLANMON_TESTS_RUN in its environment, so tests/run can find a leftover, and stopped by its pid.
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(os.environ.get("REPO_ROOT") or Path(__file__).resolve().parents[2])
PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUN_AS = "postgres" if os.geteuid() == 0 else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_user(argv):
    """argv run as the unprivileged user (as root), else as is."""
    return ["/usr/sbin/runuser", "-u", RUN_AS, "--", *argv] if RUN_AS else list(argv)


def give(path):
    """Hands a file or directory to the unprivileged user."""
    if RUN_AS:
        shutil.chown(path, RUN_AS, RUN_AS)


def wait_port(port, timeout=15.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no file)"


def shell_lib(script):
    """Runs bash with tests/lib/common.sh and pg.sh sourced (the clusters tests/run makes)."""
    prelude = f"source {REPO_ROOT}/tests/lib/common.sh && source {REPO_ROOT}/tests/lib/pg.sh && "
    return subprocess.run(["bash", "-c", prelude + script], capture_output=True, text=True,
                          timeout=120)


def children(pid):
    """The pids whose parent is pid."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def kill_marked(marker, names=("planmon", "nginx", "pgbouncer")):
    """Kills the processes called one of `names` whose environment holds PLANMON_TESTS_RUN=marker
    (what a run that was itself killed left behind): nginx and PgBouncer with SIGTERM (nginx's
    master takes its workers along), the others (planmon) with SIGKILL. Returns their pids."""
    needle = f"PLANMON_TESTS_RUN={marker}".encode()
    killed = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        pid = int(environ.parent.name)
        name = comm(pid)
        try:
            if name not in names or needle not in environ.read_bytes().split(b"\0"):
                continue
            os.kill(pid, signal.SIGTERM if name in ("nginx", "pgbouncer") else signal.SIGKILL)
            killed.append(pid)
        except OSError:
            continue
    return killed


class Process:
    """A long-running child whose output goes to a file. `main` names the program that signals
    go to (runuser, strace or sh may stand between it and us): the nearest descendant so named."""

    def __init__(self, name, argv, env, log, main=None, cwd=None):
        self.name, self.argv, self.env, self.log, self.cwd = name, argv, env, Path(log), cwd
        self.main = main
        self.proc = None

    def start(self):
        self.log.touch()
        give(self.log)  # nginx reopens /dev/stdout, which is this file
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         cwd=self.cwd or "/", start_new_session=True)
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def main_pid(self):
        """The pid of `main` under our child (breadth first), else our child's."""
        level = [self.proc.pid]
        while level and self.main:
            for pid in level:
                if comm(pid) == self.main:
                    return pid
            level = [c for pid in level for c in children(pid)]
        return self.proc.pid

    def send(self, sig):
        if self.running():
            try:
                os.kill(self.main_pid(), sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout):
        """The exit code of our child (runuser and strace pass on the program's)."""
        return self.proc.wait(timeout)

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends sig to `main` and waits; SIGKILL to the group after timeout. Returns the code."""
        if self.proc is None:
            return None
        if self.running():
            self.send(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        try:  # whatever is left of the group (nginx workers)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.proc.returncode


class Cluster:
    """The cluster tests/run started (PG_PORT), else a throwaway one of our own."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.own = not os.environ.get("PG_PORT")
        self.port = int(os.environ["PG_PORT"]) if not self.own else free_port()
        self.dir = self.tmp / "pg"  # the cluster's owner writes here
        self.data = self.dir / "data"

    def start(self):
        if self.own:
            r = shell_lib(f"pg_make_owned_dir {self.dir} && pg_make_owned_dir {self.data} && "
                          f"pg_cluster_init {self.data} {self.port} '' 'fsync = off' "
                          f"'synchronous_commit = off' 'max_connections = 100' && "
                          f"pg_cluster_start {self.data} {self.dir}/postgresql.log")
            if r.returncode:
                raise RuntimeError(f"could not start PostgreSQL: {r.stderr}{r.stdout}")
        return self

    def sql(self, db, query):
        r = subprocess.run([str(PG_BIN / "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
                            "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db,
                            "-c", query], capture_output=True, text=True, timeout=60)
        if r.returncode:
            raise RuntimeError(f"psql: {r.stderr}")
        return r.stdout.strip()

    def stop(self):
        if self.own:
            shell_lib(f"pg_cluster_stop {self.data} immediate")


def planmon_paths():
    """(binary, Redoc bundle) the suite runs: PLANMON_BIN and DOCS_JS_FILE, else the build's."""
    return (os.environ.get("PLANMON_BIN") or str(REPO_ROOT / "build" / "planmon"),
            os.environ.get("DOCS_JS_FILE")
            or str(REPO_ROOT / "node_modules/redoc/bundles/redoc.standalone.js"))


def running(make, prefix, what, logs=lambda started: ""):
    """A module fixture's body: yields `make(tmpdir)` once its start() succeeded (a failed start
    fails the tests that use it, naming `what` and `logs(it)`), then stops it and removes the
    temporary directory."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    it = make(tmp)
    try:
        try:
            it.start()
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"{what} did not start: {e}\n{logs(it)}", pytrace=False)
        yield it
    finally:
        it.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def pgbouncer_ini(shipped, *, listen_port, db_port, db_name, auth_file):
    """The shipped pgbouncer.ini with the `where` settings replaced (each exactly once)."""
    text = Path(shipped).read_text()
    where = {
        "listen_addr": "127.0.0.1",
        "listen_port": str(listen_port),
        "auth_file": str(auth_file),
    }
    for key, value in where.items():
        text, n = re.subn(rf"(?m)^{key} =.*$", f"{key} = {value}", text)
        assert n == 1, f"pgbouncer.ini: {key} set {n} times"
    text, n = re.subn(r"(?m)^planmon = host=\S+ port=\d+ dbname=\S+",
                      f"{db_name} = host=127.0.0.1 port={db_port} dbname={db_name}", text)
    assert n == 1, "pgbouncer.ini: the planmon database line has changed shape"
    return text


def nginx_conf_dir(dest, listen_port, upstream_ports, rates=None):
    """deploy/nginx's files in dest, listening on 127.0.0.1:listen_port, balancing the ports.
    `rates` ({zone: "2000r/s"}) replaces the rate of those limit_req zones (the shipped ones are
    per client address; a test suite sends everything from one address)."""
    src = REPO_ROOT / "deploy" / "nginx"
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "nginx.conf", dest / "nginx.conf")
    conf = (src / "planmon.conf").read_text()
    conf, n = re.subn(r"(?m)^(\s*)listen 8080;$", rf"\1listen 127.0.0.1:{listen_port};", conf)
    assert n == 1, "planmon.conf: the listen line has changed shape"
    for zone, rate in (rates or {}).items():
        conf, n = re.subn(rf"(?m)^(limit_req_zone \S+ zone={zone}:\S+ rate=)\S+;$",
                          rf"\g<1>{rate};", conf)
        assert n == 1, f"planmon.conf: the limit_req_zone {zone} has changed shape"
    (dest / "planmon.conf").write_text(conf)
    upstream = (src / "upstream.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"
                      for p in upstream_ports)
    upstream, n = re.subn(r"(?m)^    server planmon:8080 .*\n", servers, upstream)
    assert n == 1, "upstream.conf: the server line has changed shape"
    (dest / "upstream.conf").write_text(upstream)
    return dest


def nginx_argv(prefix, conf_dir, *extra):
    return ["/usr/sbin/nginx", "-e", "stderr", "-p", f"{prefix}/", "-c",
            f"{conf_dir}/nginx.conf", *extra]


class Stack:
    """PostgreSQL (a Cluster) with database `db`; PgBouncer from the shipped pgbouncer.ini in
    front of it, with SCRAM authentication; the SETUP commands (`planmon migrate`, `seed`, ...)
    through PgBouncer; INSTANCES `planmon serve` over PgBouncer; nginx from deploy/nginx/ in
    front of them (NGINX_RATES: see nginx_conf_dir). A subclass adds to what runs before the
    instances (before_instances), to the instances' settings (instance_settings) or changes how
    one is started (new_instance). Every process is stopped by stop()."""

    SETUP = (["migrate"], ["seed", "--demo"])
    INSTANCES = 3
    NGINX_RATES = None
    TIMEOUT = 10

    def __init__(self, tmp, *, db, db_password, demo_password):
        self.tmp = Path(tmp)
        self.db, self.db_password, self.demo_password = db, db_password, demo_password
        self.cluster = Cluster(self.tmp)
        self.bin, self.docs_js = planmon_paths()
        self.comm = Path(self.bin).name[:15]  # the binary's process name, for signals to it
        self.pgb_port, self.nginx_port = free_port(), free_port()
        self.instances = []  # Process, one per planmon instance, with .port
        self.others = []     # pgbouncer, nginx
        self.setup_output = []
        self.marker = os.environ.get("PLANMON_TESTS_RUN") or str(self.tmp)

    # --- the pieces ---------------------------------------------------------------------
    def env(self, **extra):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "PLANMON_TESTS_RUN": self.marker}
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def instance_settings(self):
        """Settings of every instance and command, on top of the database and the key."""
        # DB_QUERY_TIMEOUT_MS and DB_PREPARE as deploy/compose.yaml sets them behind PgBouncer
        return dict(BIND_ADDRESS="127.0.0.1", HTTP_THREADS=4, DB_POOL_SIZE=8,
                    DB_QUERY_TIMEOUT_MS=5000, DB_PREPARE="off", LOG_LEVEL="warn")

    def planmon_env(self, port=None, **extra):
        base = {"DATABASE_URL": f"postgresql://planmon@127.0.0.1:{self.pgb_port}/{self.db}",
                "PGPASSWORD": self.db_password, "JWT_PRIVATE_KEY_FILE": self.key,
                "DOCS_JS_FILE": self.docs_copy, **self.instance_settings()}
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
        c.sql("postgres", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        c.sql("postgres", "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                          "'planmon') THEN CREATE ROLE planmon LOGIN; END IF; END$$")
        c.sql("postgres", f"ALTER ROLE planmon PASSWORD '{self.db_password}'")
        c.sql("postgres", f"CREATE DATABASE {self.db} OWNER planmon")

        # the secrets: signing key, PgBouncer's user list, the compose-style password file
        self.key = str(tmp / "jwt-private-key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", self.key], check=True,
                       capture_output=True, timeout=60)
        (tmp / "userlist.txt").write_text(f'"planmon" "{self.db_password}"\n')
        (tmp / "db_password").write_text(self.db_password)
        self.docs_copy = str(tmp / "redoc.standalone.js")  # as the image has it, elsewhere
        Path(self.docs_copy).write_bytes(Path(self.docs_js).read_bytes())
        for f in ("jwt-private-key.pem", "userlist.txt", "db_password", "redoc.standalone.js"):
            (tmp / f).chmod(0o600)
            give(tmp / f)

        ini = pgbouncer_ini(REPO_ROOT / "deploy/pgbouncer/pgbouncer.ini",
                            listen_port=self.pgb_port, db_port=c.port, db_name=self.db,
                            auth_file=tmp / "userlist.txt")
        (tmp / "pgbouncer.ini").write_text(ini)
        give(tmp / "pgbouncer.ini")
        pgb = Process("pgbouncer", as_user(["/usr/sbin/pgbouncer", str(tmp / "pgbouncer.ini")]),
                      self.env(), tmp / "pgbouncer.out", main="pgbouncer").start()
        self.others.append(pgb)
        wait_port(self.pgb_port, proc=pgb.proc)

        for args in self.SETUP:
            r = self.run_planmon(*args, DEMO_PASSWORD=self.demo_password)
            assert r.returncode == 0, f"planmon {args}: {r.stderr}{r.stdout}"
            self.setup_output.append(r.stdout + r.stderr)
        self.before_instances()

        ports = [free_port() for _ in range(self.INSTANCES)]
        for i, port in enumerate(ports):
            self.instances.append(self.new_instance(i, port))
        for inst in self.instances:
            wait_port(inst.port, proc=inst.proc)
            self.wait_ready(inst.port)

        prefix = tmp / "nginx"
        (prefix / "tmp").mkdir(parents=True)
        conf = nginx_conf_dir(tmp / "nginx-conf", self.nginx_port, ports, self.NGINX_RATES)
        for p in (prefix, prefix / "tmp"):
            give(p)
        self.nginx_conf = conf
        nginx = Process("nginx", as_user(nginx_argv(prefix, conf, "-g", "daemon off;")),
                        self.env(), tmp / "nginx.log", main="nginx").start()
        self.others.append(nginx)
        wait_port(self.nginx_port, proc=nginx.proc)
        return self

    def before_instances(self):
        """Runs once the database is set up, before the instances start."""

    def new_instance(self, i, port, **settings):
        """Starts `planmon serve` number (or name) `i` on `port`, with `settings` on top of
        instance_settings(); its log is planmon-{i}.log."""
        inst = Process(f"planmon-{i}", as_user([self.bin, "serve"]),
                       self.planmon_env(port, **settings), self.tmp / f"planmon-{i}.log",
                       main=self.comm).start()
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
            self.cluster.sql("postgres", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        except Exception:  # noqa: BLE001 - the cluster may be gone; it is thrown away anyway
            pass
        self.cluster.stop()
        return codes

    def logs(self):
        names = [p.log for p in self.instances + self.others]
        return "\n".join(f"--- {n}\n{tail(n, 15)}" for n in names)

    # --- HTTP -----------------------------------------------------------------------------
    def url(self, where, path):
        """`path` on nginx (where="nginx") or directly on instance `where` (its index)."""
        port = self.nginx_port if where == "nginx" else self.instances[where].port
        return f"http://127.0.0.1:{port}{path}"

    def login(self, where, username="coordinator", password=None):
        r = requests.post(self.url(where, "/v1/auth/token"), timeout=self.TIMEOUT,
                          json={"username": username,
                                "password": password or self.demo_password})
        assert r.status_code == 200, r.text
        return r.json()

    def new_document(self, where, token, key=None, suffix=None):
        """POST /v1/documents (with `key` as its Idempotency-Key) on `where`."""
        suffix = suffix or uuid.uuid4().hex[:12]
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        return requests.post(self.url(where, "/v1/documents"), headers=headers,
                             timeout=self.TIMEOUT,
                             json={"number": f"DEPLOY-{suffix}", "type": "ke_hoach",
                                   "title": f"Deploy suite {suffix}"})


# --- load while instances die ----------------------------------------------------------------

class Worker(threading.Thread):
    """Paced requests (`rate` a second) through nginx from its own 127.0.1.x address: GETs, and
    POSTs with an Idempotency-Key retried (same key, same body) until they get an answer that is
    not a 502/503/504, a 409 (the key still running elsewhere) or a dropped connection. It keeps
    the Planmon-Write-Position of its last write and sends it as Planmon-Read-After (a client
    reading its own writes from a replica; without one no position comes back)."""

    def __init__(self, n, stack, token, deadline, doc_ids, run, rate, read_after=None):
        super().__init__(daemon=True)
        self.n, self.stack, self.token, self.deadline = n, stack, token, deadline
        self.doc_ids, self.run_id, self.rate = doc_ids, run, rate
        self.read_after = read_after
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
        self.conn = http.client.HTTPConnection("127.0.0.1", self.stack.nginx_port,
                                               timeout=self.stack.TIMEOUT,
                                               source_address=(f"127.0.1.{self.n + 1}", 0))

    def call(self, method, path, body=None, headers=None):
        started = time.monotonic()
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        if self.read_after:
            headers["Planmon-Read-After"] = self.read_after
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.errors[type(e).__name__] += 1
            self.connect()
            return None, None
        self.latencies.append(time.monotonic() - started)
        self.statuses[resp.status] += 1
        self.read_after = resp.getheader("Planmon-Write-Position") or self.read_after
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
                for _ in range(20):
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
            next_at += 1 / self.rate
            time.sleep(max(0.0, next_at - time.monotonic()))
        self.conn.close()


def load_while_instances_die(stack, seconds, workers, rate, progress=lambda line: None):
    """A paced load through nginx (`workers` Workers at `rate` requests a second each) for
    `seconds`, while instance 0 is killed with SIGKILL at 25 % and restarted at 50 %, and
    instance 1 is stopped with SIGTERM at 65 % and restarted when the load ends; `progress` gets
    each event as it happens. Returns (summary dict, the workers' GET failures, their POSTs)."""
    pair = stack.login("nginx")
    token = pair["access_token"]
    made = [stack.new_document("nginx", token) for _ in range(3)]
    doc_ids = [r.json()["id"] for r in made]
    read_after = made[-1].headers.get("Planmon-Write-Position")
    run = uuid.uuid4().hex[:8]
    start = time.monotonic()
    deadline = start + seconds
    crowd = [Worker(n, stack, token, deadline, doc_ids, run, rate, read_after)
             for n in range(workers)]
    for w in crowd:
        w.start()
    events = []

    def event(what):
        events.append((round(time.monotonic() - start, 2), what))
        progress(f"{events[-1][0]:6.2f}s  {what}")

    def at(t):
        time.sleep(max(0.0, start + t - time.monotonic()))

    at(seconds * 0.25)
    stack.instances[0].send(signal.SIGKILL)
    stack.instances[0].wait(5)
    event("SIGKILL instance 0")
    at(seconds * 0.5)
    stack.restart(0)
    stack.wait_ready(stack.instances[0].port)
    event("instance 0 restarted and ready")
    at(seconds * 0.65)
    term = stack.instances[1]
    term.send(signal.SIGTERM)
    event("SIGTERM instance 1")
    term_code = term.wait(15)
    event(f"instance 1 exited with {term_code}")
    for w in crowd:
        w.join(seconds + 30)
    elapsed = time.monotonic() - start
    stack.restart(1)
    stack.wait_ready(stack.instances[1].port)
    event("instance 1 restarted and ready")

    statuses = sum((w.statuses for w in crowd), Counter())
    errors = sum((w.errors for w in crowd), Counter())
    latencies = sorted(x for w in crowd for x in w.latencies)
    posts = {k: v for w in crowd for k, v in w.posts.items()}
    get_failures = [f for w in crowd for f in w.get_failures]
    like = f"number LIKE 'LOAD-{run}-%'"
    stored = int(stack.cluster.sql(stack.db, f"SELECT count(*) FROM document WHERE {like}"))
    distinct = int(stack.cluster.sql(
        stack.db, f"SELECT count(DISTINCT number) FROM document WHERE {like}"))
    failovers = 0  # requests nginx passed to a second instance
    for line in Path(stack.tmp / "nginx.log").read_text(errors="replace").splitlines():
        if line.startswith("{") and "," in json.loads(line).get("upstream", ""):
            failovers += 1
    summary = {
        "instances": len(stack.instances), "workers": workers, "paced_rate_per_worker": rate,
        "seconds": round(elapsed, 2), "requests": sum(statuses.values()),
        "requests_per_second": round(sum(statuses.values()) / elapsed, 1),
        "statuses": dict(sorted(statuses.items())), "client_connection_errors": dict(errors),
        "gets": sum(w.gets for w in crowd),
        "get_failures": len(get_failures),
        "posts": len(posts), "post_retries": sum(w.post_retries for w in crowd),
        "posts_not_201": sum(1 for v in posts.values() if v != 201),
        "documents_stored": stored, "documents_distinct": distinct,
        "latency_ms": {"p50": round(1000 * statistics.median(latencies), 1),
                       "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
                       "max": round(1000 * latencies[-1], 1)},
        "nginx_failovers": failovers,
        "events": events, "sigterm_exit_code": term_code,
    }
    return summary, get_failures, posts

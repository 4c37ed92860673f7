"""tests/scale/scale.py: the body of tests/scale/run, which installs the packages, builds the
binary and calls it as

    scale.py WORK RESULTS       run everything in the directory WORK, logs and figures to RESULTS
    scale.py --cleanup WORK     stop whatever a killed run left behind in WORK

On 127.0.0.1: a PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R),
PgBouncer in transaction mode in front of the primary, three `planmon serve` (DATABASE_URL through
PgBouncer, DATABASE_READ_URL the replica, TRUSTED_PROXIES=127.0.0.1, one signing key) and nginx
in front of them (tests/deploy/stack.py's Stack, from the shipped deploy/ files). Then the API
suite (tests/api) through nginx in its external mode, then a paced load through nginx while one
instance is killed with SIGKILL and restarted and another stopped with SIGTERM and restarted.
It stops everything it started. The environment names the binary (PLANMON_BIN), the Redoc bundle
(DOCS_JS_FILE), the load's length (PLANMON_SCALE_SECONDS, default 40) and the API suite's time
limit (PLANMON_SCALE_SUITE_TIMEOUT, default 900 s) and, to try a part of it, its arguments
(PLANMON_SCALE_API_ARGS, default tests/api).

Output: progress lines, a summary, and the final line "N passed, N failed" written to
WORK/result (tests/run's form: the run script prints it last, after the clean-up).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tests" / "deploy"), str(REPO / "tests" / "api"),
                str(REPO / "tests" / "lib")]

import requests  # noqa: E402

from count import count_junit  # noqa: E402
from server import Replica  # noqa: E402
from settings import DEMO_PASSWORD, server_settings, token_settings  # noqa: E402
from stack import Stack, kill_marked, load_while_instances_die, shell_lib  # noqa: E402

DB = "planmon_scale"
LOAD_SECONDS = float(os.environ.get("PLANMON_SCALE_SECONDS", "40"))
LOAD_WORKERS = 6
WORKER_RATE = 25.0  # requests a second per worker
SUITE_TIMEOUT = int(os.environ.get("PLANMON_SCALE_SUITE_TIMEOUT", "900"))
# The API suite sends everything from 127.0.0.1, far past the shipped 50 r/s (5 r/s on sign-in)
# per address: for this run nginx allows more, and says so.
NGINX_RATES = {"planmon_api": "2000r/s", "planmon_auth": "2000r/s"}


def say(line):
    print(f"==> {line}", flush=True)


class ScaleStack(Stack):
    """Stack with a streaming replica that the instances read from, the API suite's server
    settings, and the suite's seed (migrate, seed, seed --demo)."""

    SETUP = (["migrate"], ["seed"], ["seed", "--demo"])
    NGINX_RATES = NGINX_RATES

    def __init__(self, tmp):
        super().__init__(tmp, db=DB, db_password="pgb-" + uuid.uuid4().hex[:16],
                         demo_password=DEMO_PASSWORD)
        self.replica = None

    def before_instances(self):
        say(f"replica: pg_basebackup -R of the primary (127.0.0.1:{self.cluster.port})")
        self.replica = Replica(self.cluster.port, parent=self.tmp)
        self.replica.start()
        self.replica.wait_replayed(self.primary_position(), 60)
        say(f"replica streaming on 127.0.0.1:{self.replica.port}, the seed replayed")

    def instance_settings(self):
        stack = super().instance_settings()  # what PgBouncer needs, as deploy/compose.yaml
        settings = {**stack, **server_settings(self.docs_copy), **token_settings(),
                    "TRUSTED_PROXIES": "127.0.0.1",
                    "DB_QUERY_TIMEOUT_MS": stack["DB_QUERY_TIMEOUT_MS"]}
        del settings["SHUTDOWN_GRACE_S"]  # the default grace: nginx moves off a stopping instance
        if self.replica:
            settings["DATABASE_READ_URL"] = (f"postgresql://planmon@127.0.0.1:"
                                             f"{self.replica.port}/{DB}")
        return settings

    def primary_position(self):
        return self.cluster.sql(DB, "SELECT pg_current_wal_lsn()")

    def replica_transactions(self):
        """Transactions run on the replica in the database so far (its reads)."""
        return int(self.replica.sql("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                    "WHERE datname = %s", DB))

    def stop(self):
        codes = super().stop()
        if self.replica:
            self.replica.stop()
        return codes


class Stages:
    """The counts of each stage, printed like tests/run's summary."""

    def __init__(self):
        self.lines, self.passed, self.failed, self.skipped = [], 0, 0, 0

    def record(self, name, passed, failed, skipped, seconds):
        line = f"{name:<14} {passed:4d} passed, {failed} failed, {skipped} skipped  {seconds:5.0f}s"
        self.lines.append(line)
        print(f"--- {line}", flush=True)
        self.passed, self.failed, self.skipped = (self.passed + passed, self.failed + failed,
                                                  self.skipped + skipped)

    def last_line(self):
        return f"{self.passed} passed, {self.failed} failed"


def pytest_progress(log):
    """The last "[ NN%]" pytest -q wrote to `log`."""
    found = re.findall(r"\[\s*(\d+)%\]", Path(log).read_text(errors="replace")[-2000:])
    return f"{found[-1]}%" if found else "starting"


def api_suite(stack, work, results):
    """tests/api through nginx; returns (passed, failed, skipped)."""
    xml, log = results / "api.xml", results / "api.log"
    xml.unlink(missing_ok=True)
    env = {**os.environ,
           "PLANMON_BASE_URL": stack.url("nginx", ""),
           "PLANMON_JWT_KEY_FILE": stack.key,
           "PLANMON_SERVER_LOGS": f"{results}/planmon-*.log (copied at the end of the run)",
           "DATABASE_URL": f"postgresql://planmon@127.0.0.1:{stack.cluster.port}/{DB}",
           "PG_SUPERUSER_URL": f"postgresql://postgres@127.0.0.1:{stack.cluster.port}/postgres",
           "PG_PORT": str(stack.cluster.port), "PLANMON_BUILD": "release",
           "PLANMON_TEST_OUTPUT": str(work / "api-output"), "REPO_ROOT": str(REPO)}
    for name in ("PGDATA", "PGCTL"):  # the tests that would use them are skipped
        env.pop(name, None)
    say(f"API suite through nginx ({env['PLANMON_BASE_URL']}), log {log}")
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"--junitxml={xml}", *(os.environ.get("PLANMON_SCALE_API_ARGS") or "tests/api").split()],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while proc.poll() is None:
                if time.monotonic() - started > SUITE_TIMEOUT:
                    say(f"the API suite ran out of time ({SUITE_TIMEOUT}s): stopping it")
                    os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(30)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGKILL)
                    break
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    say(f"API suite: {pytest_progress(log)} after "
                        f"{time.monotonic() - started:.0f}s")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    text = log.read_text(errors="replace").splitlines()
    # pytest's end: the skips of external mode by reason, the failures, the counts
    at = next((n for n, line in enumerate(text) if "- external server http" in line), len(text))
    block = []
    for line in text[at:]:
        if line.startswith("====="):
            break
        block.append(line)
    failures = [line for line in text if line.startswith(("FAILED ", "ERROR "))]
    if len(failures) > 40:
        failures[40:] = [f"... and {len(failures) - 40} more (see {log})"]
    last = [] if block and text and block[-1] == text[-1] else text[-1:]
    print("\n".join(block + failures + last), flush=True)
    try:
        passed, failed, skipped = count_junit(xml)
    except (OSError, Exception) as e:  # noqa: BLE001 - no report: the run failed
        print(f"no JUnit report ({e}); the end of {log}:\n" + "\n".join(text[-30:]))
        return 0, 1, 0
    if proc.returncode not in (0, 1) and failed == 0:  # an error pytest did not count
        failed = 1
    return passed, failed, skipped


def load(stack, results):
    """The load while instances die, and its checks; returns (passed, failed)."""
    say(f"token: signed in directly at instance 0 (127.0.0.1:{stack.instances[0].port})")
    token = stack.login(0)["access_token"]
    replica_before = stack.replica_transactions()
    say(f"load: {LOAD_WORKERS} workers x {WORKER_RATE:.0f} requests/s through nginx for "
        f"{LOAD_SECONDS:.0f}s (GETs; POST /v1/documents with an Idempotency-Key, retried with it "
        f"on a dropped connection, 409, 502, 503, 504)")
    summary, get_failures, posts = load_while_instances_die(
        stack, LOAD_SECONDS, LOAD_WORKERS, WORKER_RATE, progress=lambda e: say(f"load {e}"))
    stack.replica.wait_replayed(stack.primary_position(), 30)
    count_sql = "SELECT count(*) FROM document WHERE number LIKE 'LOAD-%'"
    on_replica = stack.replica.sql(count_sql.replace("%", "%%"), db=DB)
    summary["replica_transactions_during_the_load"] = (stack.replica_transactions()
                                                       - replica_before)
    summary["documents_on_the_replica"] = on_replica
    on_primary = int(stack.cluster.sql(DB, count_sql))
    token_seen = {}
    for i in range(len(stack.instances)):
        r = requests.get(stack.url(i, "/v1/me"), timeout=stack.TIMEOUT,
                         headers={"Authorization": f"Bearer {token}"})
        token_seen[f"instance {i}"] = r.status_code
    summary["token_of_instance_0_on"] = token_seen
    (results / "load.json").write_text(json.dumps(summary, indent=2) + "\n")

    s = summary
    print(f"requests      {s['requests']} in {s['seconds']}s ({s['requests_per_second']}/s), "
          f"p50/p95/max {s['latency_ms']['p50']}/{s['latency_ms']['p95']}/"
          f"{s['latency_ms']['max']} ms", flush=True)
    print(f"statuses      {s['statuses']}; dropped connections seen by clients "
          f"{s['client_connection_errors'] or 0}", flush=True)
    print(f"GETs          {s['gets']}, failed {s['get_failures']} {get_failures[:5]}", flush=True)
    print(f"POSTs         {s['posts']} with an Idempotency-Key, retried {s['post_retries']} "
          f"times, not 201 in the end {s['posts_not_201']}", flush=True)
    print(f"writes        acknowledged {sum(1 for v in posts.values() if v == 201)}, rows "
          f"{s['documents_stored']} ({s['documents_distinct']} distinct) on the primary, "
          f"{on_replica} on the replica", flush=True)
    print(f"nginx         passed {s['nginx_failovers']} requests on to another instance; "
          f"the replica ran {s['replica_transactions_during_the_load']} transactions", flush=True)
    print(f"token         issued by instance 0 before the load, after it: {token_seen}",
          flush=True)
    print(f"events        {s['events']}", flush=True)

    acknowledged = sum(1 for v in posts.values() if v == 201)
    checks = [
        ("the load ran at half its paced rate at least",
         s["requests"] > LOAD_WORKERS * WORKER_RATE * LOAD_SECONDS * 0.5),
        ("no idempotent GET failed", s["get_failures"] == 0),
        ("every POST with an Idempotency-Key ended in 201", s["posts_not_201"] == 0),
        ("no write lost or stored twice",
         acknowledged == s["documents_stored"] == s["documents_distinct"] == len(posts)),
        ("the replica has every write", on_replica == on_primary),
        ("the replica served reads", s["replica_transactions_during_the_load"] > 0),
        ("SIGTERM ended instance 1 with 0", s["sigterm_exit_code"] == 0),
        ("nginx limited no request (429)", s["statuses"].get(429, 0) == 0),
        ("instance 0's token accepted by every instance",
         set(token_seen.values()) == {200}),
    ]
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'}  {name}", flush=True)
    passed = sum(1 for _, ok in checks if ok)
    return passed, len(checks) - passed


def run(work, results):
    stages = Stages()
    started = time.monotonic()
    stack = ScaleStack(work / "stack")
    (work / "stack").mkdir()
    try:
        say("starting: PostgreSQL 15 primary, PgBouncer (transaction mode), migrate and seed, "
            "a streaming replica, 3 planmon instances, nginx")
        say(f"nginx: limit_req raised for this run to {NGINX_RATES} (shipped: 50r/s and 5r/s "
            f"per address), since the API suite calls from one address")
        try:
            stack.start()
        except Exception as e:  # noqa: BLE001 - any failure to start is one failure
            print(f"the stack did not start: {e}\n{stack.logs()}", flush=True)
            stages.record("start", 0, 1, 0, time.monotonic() - started)
            return stages
        say(f"primary 127.0.0.1:{stack.cluster.port}, replica 127.0.0.1:{stack.replica.port}, "
            f"PgBouncer 127.0.0.1:{stack.pgb_port}, instances "
            f"{', '.join(f'127.0.0.1:{i.port}' for i in stack.instances)}, "
            f"nginx 127.0.0.1:{stack.nginx_port}")
        stages.record("start", 0, 0, 0, time.monotonic() - started)

        began = time.monotonic()
        stages.record("api-via-nginx", *api_suite(stack, work, results), time.monotonic() - began)

        began = time.monotonic()
        passed, failed = load(stack, results)
        stages.record("load", passed, failed, 0, time.monotonic() - began)
    finally:
        say("stopping everything")
        codes = stack.stop()
        for log in [*stack.tmp.glob("planmon-*.log"), stack.tmp / "nginx.log"]:
            if log.exists():
                (results / log.name).write_bytes(log.read_bytes())
    unclean = {name: code for name, code in codes.items() if code != 0}
    stages.record("stop", 0 if unclean else 1, 1 if unclean else 0, 0, 0)
    if unclean:
        print(f"instances that did not exit 0 on SIGTERM: {unclean}", flush=True)
    return stages


def main():
    if sys.argv[1:2] == ["--cleanup"]:
        work = Path(sys.argv[2])
        for version in work.glob("**/PG_VERSION"):
            shell_lib(f"pg_cluster_stop {version.parent} immediate")
        kill_marked(str(work), ("nginx", "pgbouncer", Path(os.environ["PLANMON_BIN"]).name[:15]))
        return 0
    work, results = Path(sys.argv[1]), Path(sys.argv[2])
    results.mkdir(parents=True, exist_ok=True)
    # SIGTERM (timeout) ends the run through the finally blocks, which stop what was started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        stages = run(work, results)
    except KeyboardInterrupt:  # the finally blocks have stopped what was started
        print("interrupted", flush=True)
        return 130
    print("\n=== summary", flush=True)
    print("\n".join(stages.lines))
    if stages.skipped:
        print(f"{stages.skipped} skipped (the API suite above says why)")
    (work / "result").write_text(stages.last_line() + "\n")
    return 0 if stages.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

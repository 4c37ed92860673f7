"""Real processes for tests/deploy: a PostgreSQL cluster, PgBouncer, planmon instances and nginx,
each on 127.0.0.1 only, run from the shipped configuration files (deploy/pgbouncer/pgbouncer.ini,
deploy/nginx/*.conf) with only addresses, paths and authentication changed.

As root, PgBouncer, nginx and planmon run as the unprivileged user `postgres` (which owns the
throwaway cluster too; PgBouncer refuses to run as root). Every process is started with
PLANMON_TESTS_RUN in its environment, so tests/run can find a leftover, and stopped by its pid.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

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


def nginx_conf_dir(dest, listen_port, upstream_ports):
    """deploy/nginx's files in dest, listening on 127.0.0.1:listen_port, balancing the ports."""
    src = REPO_ROOT / "deploy" / "nginx"
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "nginx.conf", dest / "nginx.conf")
    conf = (src / "planmon.conf").read_text()
    conf, n = re.subn(r"(?m)^(\s*)listen 8080;$", rf"\1listen 127.0.0.1:{listen_port};", conf)
    assert n == 1, "planmon.conf: the listen line has changed shape"
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

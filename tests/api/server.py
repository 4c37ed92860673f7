"""The planmon process under test: commands, `serve`, logs, PostgreSQL control.

Everything is bounded by timeouts. Server output goes to files (never to pipes nobody reads), so a
chatty server cannot block and its logs survive for the failure report.
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
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from client import READ_YOUR_WRITES

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SANITIZER_REPORT = re.compile(
    r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|runtime error:")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_planmon(binary, args, env, timeout=120, input=None):
    """Run a planmon command to completion; returns CompletedProcess with text output.

    Standard input is `input` (text) when given, else empty.
    """
    stdin = subprocess.DEVNULL if input is None else None
    result = subprocess.run([binary, *args], env=env, stdin=stdin, input=input,
                            capture_output=True, text=True, timeout=timeout)
    if READ_YOUR_WRITES.enabled and env.get("DATABASE_URL"):  # what it wrote, read from a replica
        with psycopg.connect(env["DATABASE_URL"], autocommit=True, connect_timeout=10) as conn:
            READ_YOUR_WRITES.saw_primary(conn)
    return result


def stderr_lines(result):
    """The non-blank lines a command wrote on stderr."""
    return [line for line in result.stderr.splitlines() if line.strip()]


def tail(path, lines=60, width=400):
    """The last `lines` lines of a file, each cut to `width` characters."""
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return "(no file)"
    return "\n".join(line if len(line) <= width else line[:width] + f"... ({len(line)} chars)"
                     for line in text.splitlines()[-lines:])


def rss_mib(pid):
    """The resident memory of process `pid` (VmRSS), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


class PlanmonServer:
    """`planmon serve` on a free port, with stdout and stderr in files under `outdir`."""

    def __init__(self, binary, env, outdir, name="planmon-serve"):
        self.binary = binary
        self.outdir = Path(outdir)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port), "BIND_ADDRESS": "127.0.0.1"}
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.stdout_path = self.outdir / f"{name}.stdout"
        self.stderr_path = self.outdir / f"{name}.stderr"
        self.proc = None
        self.returncode = None

    def start(self, ready_timeout=30):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env,
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"planmon serve exited with {self.proc.returncode} at start\n"
                                   f"{self.logs_tail()}")
            try:
                if requests.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"planmon serve did not answer /healthz within {ready_timeout} s\n"
                           f"{self.logs_tail()}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20):
        """SIGTERM, wait; returns the exit code (negative: killed by that signal). Idempotent."""
        if self.proc is None:
            return None
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.kill()
                    raise AssertionError(f"planmon serve did not exit within {timeout} s of "
                                         f"SIGTERM\n{self.logs_tail()}")
            self.returncode = self.proc.returncode
        return self.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc is not None and self.returncode is None:
            self.returncode = self.proc.returncode

    def output(self):
        """Everything the server wrote so far, stdout then stderr."""
        parts = []
        for p in (self.stdout_path, self.stderr_path):
            try:
                parts.append(p.read_text(errors="replace"))
            except FileNotFoundError:
                pass
        return "\n".join(parts)

    def output_since(self, sizes):
        """Output written after `sizes` = (stdout bytes, stderr bytes) from `output_sizes()`."""
        out = []
        for p, n in zip((self.stdout_path, self.stderr_path), sizes):
            with open(p, "rb") as f:
                f.seek(n)
                out.append(f.read().decode("utf-8", "replace"))
        return "\n".join(out)

    def output_sizes(self):
        return tuple(p.stat().st_size if p.exists() else 0
                     for p in (self.stdout_path, self.stderr_path))

    def sanitizer_reports(self):
        return [line for line in self.output().splitlines() if SANITIZER_REPORT.search(line)]

    def logs_tail(self, lines=40):
        return (f"--- planmon stdout (tail) ---\n{tail(self.stdout_path, lines)}\n"
                f"--- planmon stderr (tail) ---\n{tail(self.stderr_path, lines)}")


class PostgresControl:
    """pg_ctl of the throwaway cluster, given as a shell prefix (PGCTL)."""

    def __init__(self, prefix, logfile):
        self.prefix = prefix
        self.logfile = Path(logfile)

    def run(self, args, timeout=120):
        """Run `PGCTL args`; output goes to a file (a started postmaster keeps it open)."""
        with open(self.logfile, "ab") as log:
            log.write(f"\n$ {self.prefix} {args}\n".encode())
            log.flush()
            rc = subprocess.run(f"{self.prefix} {args}", shell=True, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, timeout=timeout).returncode
        if rc != 0:
            raise AssertionError(f"`{self.prefix} {args}` exited {rc}\n{tail(self.logfile, 30)}")


def as_owner(argv):
    """`argv` run as the cluster's owner (postgres when we are root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Replica:
    """A streaming replica (pg_basebackup -R) of the cluster on 127.0.0.1:`primary_port` (the
    superuser postgres trusted there), in a temporary directory under `parent`, on a port of its
    own. Used by test_read_replica.py and tests/scale."""

    def __init__(self, primary_port, parent=None):
        self.dir = Path(tempfile.mkdtemp(prefix="planmon-replica.", dir=parent))
        self.data, self.log = self.dir / "data", self.dir / "server.log"
        self.port = free_port()
        os.chmod(self.dir, 0o711)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run([PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port),
                  "-U", "postgres", "-D", self.data, "-R", "-X", "stream", "-c", "fast"])
        with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\nunix_socket_directories = ''\nhot_standby = on\n")
        self.running = False

    def run(self, argv, timeout=120):
        r = subprocess.run(as_owner([str(a) for a in argv]), cwd="/", capture_output=True,
                           text=True, timeout=timeout)
        assert r.returncode == 0, f"{argv[0]} exited {r.returncode}: {r.stderr}{tail(self.log)}"

    def start(self):
        self.run([PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"])
        self.running = True

    def stop(self):
        if self.running:
            self.run([PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
            self.running = False

    def url(self, primary_url):
        """`primary_url` with the replica's port."""
        parts = urlsplit(primary_url)
        netloc = parts.netloc.rsplit(":", 1)[0] + f":{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def sql(self, query, *args, db="postgres"):
        """The first column of the first row of `query` (with `args`) in database `db`."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=db,
                             autocommit=True, connect_timeout=10) as conn:
            return conn.execute(query, args).fetchone()[0]

    def wait_replayed(self, position, timeout):
        """Waits until the replica has replayed the WAL `position` (e.g. 0/16B3748)."""
        deadline = time.monotonic() + timeout
        while not self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", position):
            assert time.monotonic() < deadline, f"the replica did not replay {position}"
            time.sleep(0.05)


def env_summary():
    keys = ("PLANMON_BIN", "PLANMON_BUILD", "DATABASE_URL", "PGDATA", "PG_PORT", "PGCTL",
            "REPO_ROOT", "DOCS_JS_FILE")
    return ", ".join(f"{k}={'set' if os.environ.get(k) else 'unset'}" for k in keys)

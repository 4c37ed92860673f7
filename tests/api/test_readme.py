"""README's walk-through runs as written.

The shell blocks of README.md marked for it (info string `sh run`) run in order, in one bash
session under `set -euo pipefail`, against a planmon of this module's own on a freshly seeded
database (fresh_planmon), so that the walk-through cannot drift from the service. The session
stands where README's reader stands after ./deploy/run-local, in one documented way (README
says the same above its first block):

- PLANMON_URL is the module's server: the blocks read `base=${PLANMON_URL:-http://127.0.0.1:8080}`;
- DATABASE_URL and JWT_PRIVATE_KEY_FILE are its database and signing key: the blocks default
  them to run-local's, for the `build/planmon` commands;
- the working directory is a new one holding what the blocks read from a checkout after
  run-local: `.local/demo-password` (the demo users' password) and `build/planmon` (the binary
  under test). What the blocks write (downloads) lands there too.

A block fails when a command in it fails, or when the server answers one of its requests with a
status of 400 or more that its info string does not name (`sh run status=400`: an error README
shows on purpose); the failure names the block by its line in README.md and its first line.
Blocks that start servers, run suites or need Docker are never marked: a marked block that holds
one of DENIED is refused before anything runs.

The run takes 14-22 s on the 2-core test machine beside other runs (about 5 s to migrate and seed
the module's database, 9-17 s of blocks) and is made against the release build only: the
sanitizer build's suite calls the same routes already.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from checks import eventually
from settings import DEMO_PASSWORD, REPO_ROOT

README = REPO_ROOT / "README.md"
MARK = ("sh", "run")
# What a marked block may not hold: it would start servers or suites, or need Docker or a cluster.
DENIED = ("tests/run", "deploy/run-local", "deploy/stop-local", "tests/bench", "tests/scale",
          "docker", "kubectl", "systemctl")
DENIED_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(d) for d in DENIED) + r")(?![\w-])")
FENCE_RE = re.compile(r"^\s*(```+)(.*)$")
BLOCK_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Block:
    """A marked block: where it is, its text, the error statuses it shows on purpose."""

    line: int  # the line of its opening fence in README.md
    text: str
    statuses: frozenset

    @property
    def name(self):
        first = next((s for s in self.text.splitlines() if s.strip()), "")
        return f"README.md:{self.line} `{' '.join(first.split())}`"


def block_options(info, line):
    """The error statuses named by a marked block's info string after `sh run`."""
    statuses = set()
    for word in info[len(MARK):]:
        key, _, value = word.partition("=")
        if key != "status" or not re.fullmatch(r"[45]\d\d(,[45]\d\d)*", value):
            raise ValueError(f"README.md:{line}: unknown option {word!r} of a `sh run` block "
                             f"(only status=NNN[,NNN])")
        statuses.update(int(s) for s in value.split(","))
    return frozenset(statuses)


def fenced_blocks(markdown):
    """Every ``` block of `markdown`: (line of its opening fence, info string words, text).
    Raises ValueError for a block that is never closed."""
    opened = None  # (line, fence, info words, body lines) of the block being read
    for n, line in enumerate(markdown.splitlines(), 1):
        m = FENCE_RE.match(line)
        if opened is None:
            if m:
                opened = (n, m.group(1), m.group(2).split(), [])
        elif m and m.group(1).startswith(opened[1]) and not m.group(2).strip():
            yield opened[0], opened[2], "".join(s + "\n" for s in opened[3])
            opened = None
        else:
            opened[3].append(line)
    if opened is not None:
        raise ValueError(f"README.md:{opened[0]}: a code block that is never closed")


def marked_blocks(markdown):
    """The blocks of `markdown` whose info string begins `sh run`, in order. Raises ValueError,
    naming the block, for one that holds a DENIED command or an unknown option, or that is
    never closed."""
    blocks = []
    for line, info, text in fenced_blocks(markdown):
        if tuple(info[:len(MARK)]) != MARK:
            continue
        block = Block(line, text, block_options(info, line))
        denied = DENIED_RE.search(text)
        if denied:
            raise ValueError(f"{block.name} runs {denied.group(1)!r}, which a `sh run` block may "
                             f"not (it starts servers or suites, or needs Docker): leave the "
                             f"block unmarked")
        blocks.append(block)
    return blocks


def failed_requests(log_text, allowed):
    """The access-log lines of `log_text` (planmon's JSON log) whose status is 400 or more and
    not in `allowed`, as "METHOD path -> status"."""
    out = []
    for line in log_text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "request" and entry.get("status", 0) >= 400 \
                and entry["status"] not in allowed:
            out.append(f"{entry['method']} {entry['path']} -> {entry['status']}")
    return out


class ShellSession:
    """One bash process that runs blocks as they are written to it (its script is a pipe, its
    standard input empty), under set -euo pipefail; output goes to `log_path`. A command that
    stops the shell leaves its exit status and script line in `failed_path` (an ERR trap)."""

    def __init__(self, cwd, env, log_path):
        self.log_path = log_path
        self.done_path = Path(cwd).parent / "blocks-done"
        self.failed_path = Path(cwd).parent / "failed-at"
        read_end, write_end = os.pipe()
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(["bash", f"/dev/fd/{read_end}"], pass_fds=(read_end,),
                                         cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        os.close(read_end)
        self.script = os.fdopen(write_end, "w", encoding="utf-8")
        self.count = 0
        self.lines = 0  # script lines sent so far
        self.send(f"set -euo pipefail\ntrap 'echo \"$? $LINENO\" >\"{self.failed_path}\"' ERR\n")

    def send(self, text):
        self.script.write(text)
        self.script.flush()
        self.lines += text.count("\n")

    def done(self):
        try:
            return len(self.done_path.read_text().split())
        except FileNotFoundError:
            return 0

    def run(self, block):
        """Runs `block`; returns None when it ran to its end, else why not: the exit status and
        the README line of the command that stopped the shell."""
        self.count += 1
        first_line = self.lines + 1  # the script line of the block's first line
        self.send(f"{block.text}printf '%s\\n' {self.count} >>'{self.done_path}'\n")
        eventually(lambda: self.done() >= self.count or self.proc.poll() is not None,
                   f"{block.name} to end", timeout=BLOCK_TIMEOUT_S)
        if self.done() >= self.count:
            return None
        try:
            status, line = self.failed_path.read_text().split()
            where = f"README.md:{block.line + 1 + int(line) - first_line} exited {status}"
        except (FileNotFoundError, ValueError):
            where = f"the shell exited {self.proc.returncode} in it"
        return where

    def output_size(self):
        return self.log_path.stat().st_size

    def output_since(self, size, limit=3000):
        """What the shell wrote after `size` bytes, its last `limit` characters."""
        with open(self.log_path, "rb") as f:
            f.seek(size)
            text = f.read().decode("utf-8", "replace")
        return text if len(text) <= limit else f"…{text[-limit:]}"

    def close(self):
        self.script.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait(timeout=10)


def checkout_dir(parent, planmon_bin):
    """A directory laid out as the blocks read a checkout after ./deploy/run-local."""
    root = parent / "checkout"
    (root / ".local").mkdir(parents=True)
    (root / ".local" / "demo-password").write_text(DEMO_PASSWORD + "\n")
    (root / "build").mkdir()
    (root / "build" / "planmon").symlink_to(Path(planmon_bin).resolve())
    return root


# --- which blocks ---------------------------------------------------------------------------------


def test_readme_marks_its_walk_through_and_nothing_it_may_not_run():
    blocks = marked_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 10, [b.name for b in blocks]
    assert "base=${PLANMON_URL:-http://127.0.0.1:8080}" in blocks[0].text, (
        f"{blocks[0].name}: the first marked block must set base from PLANMON_URL")


@pytest.mark.parametrize("command", ["./tests/run api-release", "./deploy/run-local",
                                     "tests/bench/run", "tests/scale/run",
                                     "docker compose -f deploy/compose.yaml up -d",
                                     "cd tests && ./run --quick; ../tests/run"])
def test_a_marked_block_that_starts_servers_or_needs_docker_is_refused(command):
    planted = f"# t\n\n```sh\n{command}\n```\n\nText.\n\n```sh run\ncurl -s $base/readyz\n" \
              f"{command}   # planted\n```\n"
    with pytest.raises(ValueError, match=r"README.md:9 `curl -s \$base/readyz` runs '"):
        marked_blocks(planted)
    assert marked_blocks(planted.replace("```sh run", "```sh")) == []  # unmarked: never run


def test_marked_blocks_are_read_with_their_line_and_statuses():
    text = ("# t\n```sh run\na=1\n```\n```\nnot run\n```\n```sh run status=400,422\n"
            "curl x\n```\n````sh run\n```\n````\n")
    got = marked_blocks(text)
    assert [(b.line, b.text, sorted(b.statuses)) for b in got] == [
        (2, "a=1\n", []), (8, "curl x\n", [400, 422]), (11, "```\n", [])]
    with pytest.raises(ValueError, match="README.md:1: unknown option 'status=ok'"):
        marked_blocks("```sh run status=ok\n```\n")
    with pytest.raises(ValueError, match="README.md:2: a code block that is never closed"):
        marked_blocks("x\n```sh run\ncurl\n")


def test_an_error_answer_fails_a_block_unless_it_names_it():
    log = "\n".join(json.dumps(e) for e in [
        {"msg": "request", "method": "GET", "path": "/a", "status": 200},
        {"msg": "request", "method": "GET", "path": "/b", "status": 400},
        {"msg": "request", "method": "POST", "path": "/c", "status": 503},
        {"msg": "other", "status": 500}]) + "\nnot json\n"
    assert failed_requests(log, frozenset()) == ["GET /b -> 400", "POST /c -> 503"]
    assert failed_requests(log, frozenset({400})) == ["POST /c -> 503"]


# --- the walk-through, run ------------------------------------------------------------------------


@pytest.mark.usefixtures("release_only")
def test_the_walk_through_runs_as_written(fresh_planmon, planmon_bin, base_env, tmp_path):
    blocks = marked_blocks(README.read_text(encoding="utf-8"))
    cwd = checkout_dir(tmp_path, planmon_bin)
    env = {**base_env, "PLANMON_URL": fresh_planmon.server.base_url,
           "DATABASE_URL": fresh_planmon.database_url}
    shell = ShellSession(cwd, env, tmp_path / "shell.log")
    server = fresh_planmon.server
    try:
        for block in blocks:
            before, shell_before = server.output_sizes(), shell.output_size()
            why = shell.run(block)
            refused = failed_requests(server.output_since(before), block.statuses)
            problems = ([why] if why else []) + [f"answered {r}" for r in refused]
            assert not problems, (f"{block.name} failed: {'; '.join(problems)}\n"
                                  f"--- its output ---\n{shell.output_since(shell_before)}")
    finally:
        shell.close()

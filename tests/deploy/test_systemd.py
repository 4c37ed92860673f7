"""deploy/systemd/planmon.service: `systemd-analyze verify`, its exposure score from
`systemd-analyze security`, and the hardening options the issue names. (Its SystemCallFilter
is checked against a real instance's system calls in test_scale.py.)"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from stack import REPO_ROOT

UNIT = REPO_ROOT / "deploy" / "systemd" / "planmon.service"
BIN = os.environ.get("PLANMON_BIN") or str(REPO_ROOT / "build" / "planmon")
needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze is not installed")


def settings():
    out = {}
    for line in UNIT.read_text().splitlines():
        m = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
    return out


def local_copy(tmp):
    """The unit with the binary's path pointing at the built one (verify checks it exists)."""
    path = Path(tmp) / "planmon.service"
    path.write_text(UNIT.read_text().replace("/usr/local/bin/planmon", BIN))
    return path


@needs_systemd
def test_systemd_analyze_verify_accepts_the_unit():
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["systemd-analyze", "verify", str(local_copy(tmp))],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr


@needs_systemd
def test_the_exposure_score_is_ok():
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager",
                            str(local_copy(tmp))], capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", r.stdout)
    assert m, r.stdout[-500:] + r.stderr
    assert float(m.group(1)) <= 2.0, m.group(0)  # systemd calls <= 2.0 "OK"


def test_the_hardening_options():
    s = settings()
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "PrivateDevices": "yes", "RestrictSUIDSGID": "yes",
                       "MemoryDenyWriteExecute": "yes", "CapabilityBoundingSet": "",
                       "User": "planmon"}.items():
        assert s.get(key) == [value], key
    assert s["ExecStart"] == ["/usr/local/bin/planmon serve"]
    assert s["ExecStartPre"] == ["/usr/local/bin/planmon migrate"]
    assert "BIND_ADDRESS=127.0.0.1" in s["Environment"][0]
    docs = re.search(r"DOCS_JS_FILE=(\S+)", s["Environment"][0]).group(1)
    assert f"{Path(docs).parent}/" in UNIT.read_text()  # the install lines put it there

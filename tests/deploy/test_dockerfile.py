"""The Dockerfile, checked without a Docker engine: its stages, that its packages exist in
Debian 12, that the runtime stage's libraries cover `ldd` of the binary (and no more), its user,
settings, health check and entry point, and the commands it runs, outside a container."""

import fnmatch
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from stack import REPO_ROOT

import os

BIN = os.environ.get("PLANMON_BIN") or str(REPO_ROOT / "build" / "planmon")
# Not the binary's libraries: the health check's (curl, ca-certificates), and the zone data of
# PROVINCE_TIME_ZONE (tzdata), without which planmon refuses to start.
EXTRA_RUNTIME = {"curl", "ca-certificates", "tzdata",
                 "fonts-liberation2"}  # the report documents' font, loaded from its files


def instructions(path):
    """[(INSTRUCTION, arguments)] with continuation lines joined and comments dropped."""
    out, current = [], ""
    for line in Path(path).read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " " if line.endswith("\\") else line.strip()
        if not line.endswith("\\"):
            word, _, rest = current.partition(" ")
            out.append((word.upper(), rest.strip()))
            current = ""
    return out


def stages(path=REPO_ROOT / "Dockerfile"):
    """[(FROM arguments, [instructions])] per stage."""
    result = []
    for word, rest in instructions(path):
        if word == "FROM":
            result.append((rest, []))
        else:
            result[-1][1].append((word, rest))
    return result


def apt_packages(stage):
    pkgs = []
    for word, rest in stage[1]:
        if word == "RUN":
            for m in re.finditer(r"apt-get install ((?:-\S+ )*)((?:[a-z0-9][a-z0-9.+-]+ ?)+)", rest):
                pkgs += m.group(2).split()
    return pkgs


def runtime():
    return stages()[-1]


def settings(stage, word):
    return [rest for w, rest in stage[1] if w == word]


def env_of(stage):
    env = {}
    for rest in settings(stage, "ENV"):
        for token in shlex.split(rest):
            if "=" in token:
                k, v = token.split("=", 1)
                env[k] = v
    return env


def package_of(lib):
    for candidate in (lib, str(Path(lib).resolve()), re.sub(r"^/usr", "", str(Path(lib).resolve()))):
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    raise AssertionError(f"no Debian package owns {lib}")


def ldd(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s*(\S+) => (\S+)", out, re.M)}


def needed(binary):
    out = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"NEEDED\s+(\S+)", out)


def depends_closure(pkgs):
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
                          *pkgs], capture_output=True, text=True, check=True).stdout
    return {line.strip().split()[-1].strip("<>") for line in out.splitlines() if line.strip()}


def test_every_stage_is_debian_bookworm_slim_and_the_last_one_runs():
    s = stages()
    assert len(s) >= 2
    for from_, _ in s:
        assert from_.split()[0] == "debian:bookworm-slim"
    assert " AS " not in runtime()[0].upper(), "the runtime stage is the last, unnamed one"


def test_every_package_exists_in_debian_12():
    names = {p for stage in stages() for p in apt_packages(stage)}
    for sub in ("nginx", "pgbouncer"):
        names |= {p for stage in stages(REPO_ROOT / "deploy" / sub / "Dockerfile")
                  for p in apt_packages(stage)}
    assert {"libpq5", "nginx", "pgbouncer", "meson"} <= names, names
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", *sorted(names)],
                         capture_output=True, text=True).stdout
    missing = sorted(names - set(re.findall(r"^Package: (\S+)$", out, re.M)))
    assert missing == [], "not known to apt (after apt-get update): " + " ".join(missing)


def test_the_build_stage_installs_the_build_packages_of_tests_lib():
    r = subprocess.run(["bash", "-c", f"source {REPO_ROOT}/tests/lib/common.sh && "
                        "printf '%s\\n' \"${PKGS_BUILD[@]}\""], capture_output=True, text=True,
                       check=True)
    wanted = set(r.stdout.split()) - {"libcmocka-dev"}  # the image builds without unit tests
    build = next(s for s in stages() if re.search(r"\bAS build\b", s[0], re.I))
    assert wanted <= set(apt_packages(build)), wanted - set(apt_packages(build))
    assert any("-Dtests=disabled" in rest for w, rest in build[1] if w == "RUN")


def test_the_runtime_libraries_cover_ldd_of_the_binary():
    listed = set(apt_packages(runtime())) - EXTRA_RUNTIME
    closure = depends_closure(sorted(listed)) | listed
    essential = {"libc6", "libgcc-s1"}  # in every Debian image
    owners = {package_of(path) for path in ldd(BIN).values()}
    assert owners - closure - essential == set()


def test_the_runtime_libraries_are_the_binarys_own():
    """Each listed library package owns a library the binary names (NEEDED), and each NEEDED
    library outside libc belongs to a listed package."""
    paths = ldd(BIN)
    direct = {package_of(paths[lib]) for lib in needed(BIN) if lib in paths}
    direct -= {"libc6"}
    assert set(apt_packages(runtime())) - EXTRA_RUNTIME == direct


def test_the_runtime_user_settings_health_check_and_entry_point():
    stage = runtime()
    user = settings(stage, "USER")[-1]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "a numeric non-root user (runAsNonRoot checks it)"
    assert any(f"--uid {uid}" in rest for w, rest in stage[1] if w == "RUN")
    env = env_of(stage)
    assert env["BIND_ADDRESS"] == "0.0.0.0" and env["PORT"] == "8080"
    [health] = settings(stage, "HEALTHCHECK")
    assert "/healthz" in health and "${PORT}" in health
    assert json.loads(settings(stage, "ENTRYPOINT")[-1]) == ["/usr/local/bin/planmon"]
    assert json.loads(settings(stage, "CMD")[-1]) == ["serve"]
    assert "migrate" in (REPO_ROOT / "Dockerfile").read_text()  # documented as its own step


def test_the_docs_script_is_in_the_image_where_docs_js_file_says():
    stage = runtime()
    env = env_of(stage)
    copies = [rest.split() for w, rest in stage[1] if w == "COPY"]
    [copy] = [c for c in copies if c[-1] == env["DOCS_JS_FILE"]]
    assert copy[-2].endswith("node_modules/redoc/bundles/redoc.standalone.js")
    docs = next(s for s in stages() if re.search(r"\bAS docs\b", s[0], re.I))
    assert any("npm ci" in rest for w, rest in docs[1] if w == "RUN")
    assert (REPO_ROOT / "node_modules/redoc/bundles/redoc.standalone.js").stat().st_size > 100_000


def test_what_the_stages_copy_exists_and_is_not_ignored():
    ignored = [line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for stage in stages():
        for word, rest in stage[1]:
            if word != "COPY" or rest.startswith("--from"):
                continue
            for src in rest.split()[:-1]:
                assert (REPO_ROOT / src).exists(), src
                assert not any(fnmatch.fnmatch(src, pat) or src.startswith(pat + "/")
                               for pat in ignored), src
    for pattern in (".git", "node_modules", "deploy/secrets", ".local"):
        assert pattern in ignored


def test_the_runtime_stage_has_the_zone_data_the_province_clock_needs():
    assert "tzdata" in apt_packages(runtime())
    env = {"PROVINCE_TIME_ZONE": "Asia/No_Such_Place"}
    r = subprocess.run([BIN, "version"], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "PROVINCE_TIME_ZONE" in r.stderr, r.stderr


def test_the_binary_runs_with_the_images_environment():
    """`planmon version` as the runtime stage's RUN does: no other environment at all."""
    r = subprocess.run([BIN, "version"], env={}, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.startswith("planmon "), r.stderr


@pytest.mark.parametrize("sub", ["nginx", "pgbouncer"])
def test_the_helper_images_run_as_users_of_their_packages(sub):
    stage = stages(REPO_ROOT / "deploy" / sub / "Dockerfile")[-1]
    assert stage[0] == "debian:bookworm-slim"
    assert settings(stage, "USER")[-1] not in ("root", "0")
    for word, rest in stage[1]:
        if word == "COPY":
            for src in rest.split()[:-1]:
                assert (REPO_ROOT / "deploy" / sub / src).exists(), src

"""The layer check passes on the service and catches each kind of violation planted."""

import pathlib
import shutil
import subprocess
import sys

import pytest

CHECK = pathlib.Path(__file__).with_name("layers.py")
SRC = pathlib.Path(__file__).resolve().parents[2] / "service" / "src"


def run(src, *args):
    return subprocess.run([sys.executable, str(CHECK), *args, str(src)], capture_output=True,
                          text=True, timeout=60)


def test_the_layers_of_the_service_point_one_way():
    r = run(SRC)
    assert r.returncode == 0, r.stdout


def test_the_only_cycle_among_the_folders_is_the_route_table():
    edges = {tuple(line.split()[0:3:2]) for line in run(SRC, "--graph").stdout.splitlines()}
    assert ("http", "resources") in edges and ("resources", "http") in edges
    for upper, lower in [("domain", "http"), ("domain", "db"), ("domain", "resources"),
                         ("db", "http"), ("db", "resources"), ("db", "auth"),
                         ("auth", "resources"), ("obs", "http"), ("render", "http"),
                         ("render", "db"), ("render", "resources")]:
        assert (upper, lower) not in edges, f"{upper}/ includes {lower}/"


# file to plant in -> (what is added, what the report must say)
PLANTED = {
    "domain includes a repository": (
        "domain/period.c", '#include "resources/tasks_repo.h"\n', "domain/ must not include"),
    "domain includes the database layer": (
        "domain/csv.c", '#include "db/query.h"\n', "domain/ must not include"),
    "db includes the http layer": (
        "db/query.c", '#include "http/context.h"\n', "db/ must not include"),
    "db includes auth": (
        "db/pool.c", '#include "auth/principal.h"\n', "db/ must not include"),
    "auth includes a resource": (
        "auth/access.c", '#include "resources/users_repo.h"\n', "auth/ must not include"),
    "http includes a resource outside the route table": (
        "http/reply.c", '#include "resources/audit_repo.h"\n', "http/ must not include"),
    "the renderers read the database": (
        "render/pdf.c", '#include "db/query.h"\n', "render/ must not include"),
    "the renderers reach a resource": (
        "render/docx.c", '#include "resources/reports_repo.h"\n', "render/ must not include"),
    "a cycle between two lower folders": (
        "db/query.c", '#include "obs/metrics.h"\n', "cycle"),
    "a handler reaching the connection directly": (
        "resources/plans_http.c",
        "\nstatic PGconn *raw(http_ctx *ctx)\n{\n    return ctx->conn;\n}\n",
        "use ctx_db or ctx_begin"),
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_planted_violation_fails_the_check(tmp_path, kind):
    src = tmp_path / "src"
    shutil.copytree(SRC, src)
    file, added, said = PLANTED[kind]
    victim = src / file
    text = victim.read_text(encoding="utf-8")
    if added.startswith("#include"):  # after the file's own header
        first = text.index("\n", text.index("#include")) + 1
        text = text[:first] + added + text[first:]
    else:
        text += added
    victim.write_text(text, encoding="utf-8")
    r = run(src)
    assert r.returncode == 1, f"{kind} was not caught:\n{r.stdout}"
    assert said in r.stdout, r.stdout

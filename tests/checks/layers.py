#!/usr/bin/python3
"""Checks that the service's layers point one way (service/ARCHITECTURE.md).

The folders of service/src are layers: http/ (the server, the route table, the request
pipeline), resources/ (handlers and repositories), auth/ (tokens, passwords, access rules),
domain/ (pure logic), db/ (the pool, statements, transactions), obs/ (metrics), render/ (report
documents drawn as PDF and DOCX), notify/ (notifications: the outbox, webhooks' sending, the
deadline scheduler). The files at the
top of service/src are the base every folder may include (status, jsonutil, hash, config, log,
embedded, app) and the application commands (main.c, seed.c, report_cli.c), which may include
anything.

The rules, on `#include "..."` lines:
  - domain/ includes no http/, db/, resources/ or auth/;
  - db/ includes no http/, resources/ or auth/;
  - auth/ includes no resources/ or http/;
  - obs/ includes no http/ or resources/;
  - render/ includes only domain/ (and the base): no http/, db/, resources/, auth/ or obs/;
  - notify/ includes no http/, resources/ or auth/;
  - http/ includes no resources/, except http/routes.c, the one route table (ENGINEERING.md);
  - among the folders, the include graph has no cycle but that one;
  - the request's connection (http_ctx's conn, conn_pool and tx) is touched only by
    http/context.c and the dispatcher's own steps (http/dispatch.c, http/idempotency.c): every
    handler reaches it through ctx_db or ctx_begin.

usage: layers.py [SRC_DIR]          check (default: service/src of this repository)
       layers.py --graph [SRC_DIR]  print the folder include graph (edges with counts)
Exit 0 when every rule holds; 1 with one line per violation otherwise.
"""

import pathlib
import re
import sys

LAYERS = ("http", "resources", "auth", "domain", "db", "obs", "render", "notify")
FORBIDDEN = {
    "domain": {"http", "db", "resources", "auth", "notify"},
    "db": {"http", "resources", "auth", "notify"},
    "auth": {"resources", "http", "notify"},
    "obs": {"http", "resources", "notify"},
    "http": {"resources", "notify"},
    "render": {"http", "db", "resources", "auth", "obs", "notify"},
    "notify": {"http", "resources", "auth"},
}
ALLOWED = {("http/routes.c", "resources")}  # the route table registers the handlers
CONN_OWNERS = {"http/context.c", "http/dispatch.c", "http/idempotency.c"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
CONN_FIELD = re.compile(r"(->|\.)\s*(conn|conn_pool|tx)\b")
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def layer_of(path):
    """The layer of a path relative to the source root ('base' for the top-level files)."""
    parts = pathlib.PurePosixPath(path).parts
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else "base"


def includes(src):
    """(file, included path, line number) for every quoted include under `src`."""
    for path in sorted(src.rglob("*.[ch]")):
        rel = path.relative_to(src).as_posix()
        text = path.read_text(encoding="utf-8")
        for m in INCLUDE.finditer(text):
            target = m.group(1)
            if "/" not in target and layer_of(rel) != "base":  # "pool.h" beside its own file
                target = f"{layer_of(rel)}/{target}"
            yield rel, target, text.count("\n", 0, m.start()) + 1


def graph(src):
    """{(from layer, to layer): count} over the includes between different folders."""
    edges = {}
    for rel, target, _ in includes(src):
        a, b = layer_of(rel), layer_of(target)
        if a != b:
            edges[(a, b)] = edges.get((a, b), 0) + 1
    return edges


def cycles(edges):
    """The cycles among the layers (base left out: it is not a layer), as lists of names."""
    adj = {}
    for a, b in edges:
        if a in LAYERS and b in LAYERS:
            adj.setdefault(a, set()).add(b)
    found, seen = [], set()

    def walk(node, path):
        for nxt in sorted(adj.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt):]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(cycle + [nxt])
            else:
                walk(nxt, path + [nxt])

    for start in sorted(adj):
        walk(start, [start])
    return found


def check(src):
    problems = []
    counted = {}
    for rel, target, line in includes(src):
        a, b = layer_of(rel), layer_of(target)
        if b in FORBIDDEN.get(a, set()) and (rel, b) not in ALLOWED:
            problems.append(f"{rel}:{line}: {a}/ must not include {target} ({b}/ is above it)")
        elif a != b:
            if (rel, b) not in ALLOWED:
                counted[(a, b)] = counted.get((a, b), 0) + 1
    for cycle in cycles(counted):
        problems.append(f"the folders include each other in a cycle: {' -> '.join(cycle)}")
    for path in sorted(src.rglob("*.c")):
        rel = path.relative_to(src).as_posix()
        if rel in CONN_OWNERS:
            continue
        text = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                           path.read_text(encoding="utf-8"))
        for m in CONN_FIELD.finditer(text):
            before = text[max(0, m.start() - 12):m.start()]
            if re.search(r"ctx\s*$", before):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: reaches the request's connection directly "
                                f"(ctx{m.group(1)}{m.group(2)}); use ctx_db or ctx_begin")
    return problems


def main(argv):
    show_graph = "--graph" in argv
    args = [a for a in argv if a != "--graph"]
    src = pathlib.Path(args[0]) if args else \
        pathlib.Path(__file__).resolve().parents[2] / "service" / "src"
    if show_graph:
        for (a, b), n in sorted(graph(src).items()):
            print(f"{a:>9} -> {b:<9} {n:3d}")
        return 0
    problems = check(src)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

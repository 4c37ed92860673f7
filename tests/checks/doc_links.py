#!/usr/bin/python3
"""Checks that the documents people read cite only files that are in the repository.

In README.md, docs/*.md and api/openapi.yaml, fails on:
  - a Markdown link `[text](target)` whose target is a relative path (no scheme, not `#…`) to
    nothing, from the citing file's folder;
  - a cited file path: a name ending in .md, or a path with a folder and a source file's
    extension (`service/src/auth/access.h`), that is neither under the repository's root nor
    the citing file's folder; a bare name (`SCALING.md`) passes when a file of that name is
    anywhere in the tree.
What a run makes (`.local/`, `tests/.results/`, `build…/`) is not checked.

usage: doc_links.py [ROOT]   (default: this repository)
Exit 0 when every citation resolves; 1 with one line per dangling one otherwise.
"""

import os
import pathlib
import re
import sys

LINK = re.compile(r"\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTENSIONS = "md|c|h|py|sql|json|yaml|yml|mjs|sh|tsv|conf|ini|service|txt"
CITED = re.compile(r"(?<![\w/.:@-])((?:[\w.-]+/)*[\w.-]+\.(?:" + EXTENSIONS + r"))(?![\w/-])")
GENERATED = (".local/", "tests/.results/", "build")
SKIP_DIRS = {".git", "node_modules", ".local", ".results"}


def documents(root):
    """The files checked, as paths under `root`."""
    found = [root / "README.md", root / "api" / "openapi.yaml"]
    found += sorted((root / "docs").glob("*.md"))
    return [p for p in found if p.is_file()]


def tree_names(root):
    """The names of every file in the tree (what a bare name may cite)."""
    names = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith("build")]
        names.update(files)
    return names


def dangling(root):
    """One message per citation of a missing file in the documents under `root`."""
    names = tree_names(root)
    found = []
    for doc in documents(root):
        text = doc.read_text(encoding="utf-8")
        here = doc.parent
        where = lambda m: f"{doc.relative_to(root)}:{text.count(chr(10), 0, m.start()) + 1}"  # noqa: E731
        for m in LINK.finditer(text):
            target = m.group(1).split("#")[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("/"):
                continue
            if not (here / target).exists():
                found.append(f"{where(m)}: link to {m.group(1)}, which is not in the repository")
        for m in CITED.finditer(text):
            path = m.group(1)
            if path.startswith(GENERATED) or ("/" not in path and not path.endswith(".md")):
                continue
            if "/" not in path:
                ok = path in names
            else:
                ok = (root / path).exists() or (here / path).exists()
            if not ok:
                found.append(f"{where(m)}: cites {path}, which is not in the repository")
    return found


def main(argv):
    root = pathlib.Path(argv[1]) if len(argv) > 1 else pathlib.Path(__file__).resolve().parents[2]
    found = dangling(root.resolve())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The citation check passes on the repository and catches each kind of dangling citation planted."""

import pathlib
import subprocess
import sys

import pytest

CHECK = pathlib.Path(__file__).with_name("doc_links.py")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(root):
    return subprocess.run([sys.executable, str(CHECK), str(root)], capture_output=True, text=True,
                          timeout=120)


def tree(tmp_path, readme="", doc="", openapi=""):
    """A small repository: README.md, docs/rules.md, api/openapi.yaml and a few cited files."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "api").mkdir()
    (tmp_path / "service" / "src").mkdir(parents=True)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "service" / "src" / "access.h").write_text("/* access */\n")
    (tmp_path / "deploy" / "SCALING.md").write_text("# scaling\n")
    (tmp_path / "README.md").write_text("# r\n\nSee [the rules](docs/rules.md).\n" + readme)
    (tmp_path / "docs" / "rules.md").write_text(
        "# rules\n\nBy name in [`access.h`](../service/src/access.h), [up](../README.md#r).\n" + doc)
    (tmp_path / "api" / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo:\n  description: |\n    Who may call it: `docs/rules.md`.\n" + openapi)
    return tmp_path


def test_the_repository_cites_only_files_it_has():
    r = run(ROOT)
    assert r.returncode == 0, r.stdout


def test_a_tree_that_cites_what_it_has_passes(tmp_path):
    r = run(tree(tmp_path, readme="deploy/ holds SCALING.md; https://example.org/x.md; "
                                  "[web](https://example.org/a.md), [here](#r), `.local/x.md`\n"))
    assert r.returncode == 0, r.stdout


PLANTED = {
    "a link in README to a missing file": (
        {"readme": "And [the product](docs/product.md).\n"}, "README.md:4: link to docs/product.md"),
    "a link in docs/ relative to the wrong folder": (
        {"doc": "The [table](docs/rules.md).\n"}, "docs/rules.md:4: link to docs/rules.md"),
    "a link with an anchor to a missing file": (
        {"doc": "See [it](conventions.md#paging).\n"}, "link to conventions.md#paging"),
    "a cited document in the OpenAPI text": (
        {"openapi": "    roles (PRODUCT.md, \"Access rules\").\n"},
        "api/openapi.yaml:5: cites PRODUCT.md"),
    "a cited source path": (
        {"readme": "the rules by name: `service/src/auth/access.h`\n"},
        "cites service/src/auth/access.h"),
}


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_dangling_citation_fails(tmp_path, name):
    files, expected = PLANTED[name]
    r = run(tree(tmp_path, **files))
    assert r.returncode == 1, r.stdout
    assert expected in r.stdout, r.stdout

"""The description check passes on api/openapi.yaml and catches each kind of code block planted."""

import pathlib
import subprocess
import sys

import pytest

CHECK = pathlib.Path(__file__).with_name("descriptions.py")
DOCUMENT = pathlib.Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"


def run(path):
    return subprocess.run([sys.executable, str(CHECK), str(path)], capture_output=True, text=True,
                          timeout=120)


def document(description_lines):
    """A small OpenAPI document whose one operation has the description written as given."""
    return ("openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\npaths:\n  /x:\n    get:\n"
            "      operationId: getX\n" + description_lines + "\n"
            "      responses:\n        '200':\n          description: OK\n")


def test_every_description_of_the_document_reads_as_prose():
    r = run(DOCUMENT)
    assert r.returncode == 0, r.stdout


PLANTED = {
    "an indentation indicator": ("      description: |2\n"
                                 "                Moves a draft to submitted.\n\n"
                                 "        Who may call it: admin.", "`|2`"),
    "an indicator with chomping": ("      description: >-4\n"
                                   "            Moves a draft.", "`>-4`"),
    "an indented first line": ('      description: "    Moves a draft to submitted."',
                               "line 1 is indented 4 spaces"),
    "an indented paragraph": ("      description: |\n"
                              "        Moves a draft to submitted.\n\n"
                              "            It takes no body.", "line 3 is indented 4 spaces"),
    "a quoted string": ('      description: "Moves a draft.\\n\\n     It takes no body."',
                        "indented 5 spaces"),
    "a tab": ('      description: "Moves a draft.\\n\\tIt takes no body."', "line 2"),
}


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_code_block_fails(tmp_path, name):
    lines, expected = PLANTED[name]
    path = tmp_path / "openapi.yaml"
    path.write_text(document(lines), encoding="utf-8")
    r = run(path)
    assert r.returncode == 1, r.stdout
    assert "paths//x/get/description" in r.stdout and expected in r.stdout, r.stdout


def test_prose_a_fenced_block_and_a_list_pass(tmp_path):
    path = tmp_path / "openapi.yaml"
    path.write_text(document(
        "      description: |\n"
        "        Moves a draft to submitted:\n\n"
        "        - one step,\n"
        "          then another.\n\n"
        "        ```sh\n"
        "        curl -X POST \\\n"
        "             /v1/x\n"
        "        ```\n"), encoding="utf-8")
    r = run(path)
    assert r.returncode == 0, r.stdout

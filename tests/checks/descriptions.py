#!/usr/bin/python3
"""Checks that no description of the OpenAPI document renders as a code block at /docs.

Redoc reads a description as Markdown: a line indented four spaces or more (after the YAML
indentation is taken away), outside a fenced block, is an indented code block, drawn as a
clipped, monospaced box instead of prose. A block scalar with an indentation indicator
(`description: |2`) is how that usually happens: its lines keep whatever they are indented
past the indicator. This check fails on either:
  - a `description` block scalar written with an indentation indicator (`|2`, `>4-`, `|+2`);
  - a line of a description's text indented 4 or more spaces (or with a tab) outside ``` or ~~~.

usage: descriptions.py [OPENAPI.yaml]   (default: api/openapi.yaml of this repository)
Exit 0 when every description reads as prose; 1 with one line per fault otherwise.
"""

import pathlib
import re
import sys

import yaml

INDICATOR = re.compile(r"^[|>][+-]?[1-9]|^[|>][1-9][+-]?")
INDENTED = re.compile(r"^( {4,}|\t)\S")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def descriptions(node, path=()):
    """Yields (path, key node, value node) for every `description` whose value is a string."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = path + (str(key.value),)
            if key.value == "description" and isinstance(value, yaml.ScalarNode):
                yield here, key, value
            yield from descriptions(value, here)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            yield from descriptions(value, path + (str(i),))


def faults(text):
    """One message per description of the YAML `text` that would render as code."""
    root = yaml.compose(text)
    lines = text.split("\n")
    found = []
    for path, _key, value in descriptions(root):
        where = "/".join(path)
        line = value.start_mark.line + 1
        if value.style in ("|", ">"):
            header = lines[value.start_mark.line][value.start_mark.column:].split("#")[0].strip()
            if INDICATOR.match(header):
                found.append(f"{line}: {where}: block scalar `{header}` with an indentation "
                             "indicator: write `|` and indent every line alike")
                continue
        fenced = False
        for i, row in enumerate(value.value.split("\n")):
            if FENCE.match(row):
                fenced = not fenced
            elif not fenced and INDENTED.match(row):
                found.append(f"{line}: {where}: its line {i + 1} is indented "
                             f"{len(row) - len(row.lstrip())} spaces and renders as code: "
                             f"{row.strip()[:60]!r}")
                break
    return found


def main(argv):
    default = pathlib.Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"
    path = pathlib.Path(argv[1]) if len(argv) > 1 else default
    found = faults(path.read_text(encoding="utf-8"))
    for fault in found:
        print(f"{path}:{fault}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

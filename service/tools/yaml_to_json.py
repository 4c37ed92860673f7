#!/usr/bin/python3
"""yaml_to_json: build-time tool that writes api/openapi.yaml as compact JSON (service/meson.build).

usage: yaml_to_json.py IN.yaml OUT.json
The /docs page hands Redoc this JSON, so that the browser does not parse 487 KB of YAML; keys keep
their order, and a value YAML reads as a date stays the string it was written as.
"""

import json
import sys

import yaml


class Loader(yaml.SafeLoader):
    """The safe loader without the timestamp type: `2017-06-20` stays a string, as JSON has no
    dates."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        document = yaml.load(f, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

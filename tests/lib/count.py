"""tests/lib/count.py: counts a suite's results for tests/run.

usage: count.py junit FILE        a pytest --junitxml report
       count.py meson FILE        meson's meson-logs/testlog.json
       count.py failures FILE...  the failed test cases of pytest reports, a line each

Prints "PASSED FAILED SKIPPED" (or, for failures, "report: test id: first line of the message",
so that the end of a run's output, all a CI log may keep, names what failed in every suite). A test case with a failure or an error counts as
failed (collection errors included). For meson, a test speaking TAP counts by its
TAP lines, and a test that failed without a failing TAP line (a crash, a leak found
at exit, a timeout) adds one failure. A missing or unreadable report prints "0 1 0".
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

TAP_LINE = re.compile(r"^(not )?ok\b(.*)$")
MESON_FAILED = {"FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"}


def count_junit(path):
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def count_meson(path):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            test = json.loads(line)
            tap_failed = 0
            tap_lines = 0
            for out in (test.get("stdout") or "").splitlines():
                match = TAP_LINE.match(out.strip())
                if not match:
                    continue
                tap_lines += 1
                directive = match.group(2).lower()
                if "# skip" in directive or "# todo" in directive:
                    skipped += 1
                elif match.group(1):
                    tap_failed += 1
                else:
                    passed += 1
            failed += tap_failed
            result = test.get("result", "ERROR")
            if result in MESON_FAILED and tap_failed == 0:
                failed += 1
            elif tap_lines == 0 and result == "SKIP":
                skipped += 1
            elif tap_lines == 0 and result not in MESON_FAILED:
                passed += 1
    return passed, failed, skipped


def failures(paths):
    for path in paths:
        try:
            cases = list(ET.parse(path).getroot().iter("testcase"))
        except (OSError, ET.ParseError):
            continue
        report = path.rsplit("/", 1)[-1].removesuffix(".xml")
        for case in cases:
            bad = next((c for c in case if c.tag in ("failure", "error")), None)
            if bad is None:
                continue
            test = f"{case.get('classname', '')}::{case.get('name', '')}"
            message = (bad.get("message") or bad.text or "").strip().splitlines()
            print(f"{report}: {test}: {message[0][:200] if message else bad.tag}")


def main():
    if sys.argv[1] == "failures":
        failures(sys.argv[2:])
        return
    kind, path = sys.argv[1], sys.argv[2]
    try:
        counts = count_junit(path) if kind == "junit" else count_meson(path)
    except (OSError, ValueError, ET.ParseError) as err:
        print(f"count.py: {path}: {err}", file=sys.stderr)
        counts = (0, 1, 0)
    print(*counts)


if __name__ == "__main__":
    main()

"""tests/lib/flaky.py: after `tests/run --repeat N`, names every test that did not pass in
every run.

usage: flaky.py N RESULTS_DIR

Reads the reports tests/run kept of each run: pytest's junit files (RESULTS_DIR/*.xml.runK) and
meson's unit test logs (build-*/meson-logs/testlog.json.runK, one TAP line per test). A test that
failed in some runs and passed in others is flaky; one that failed in every run is broken; one
missing from some runs (its suite did not run) is said to be so. Prints one line per such test,
then a count. Exit 0: the failures are counted by the suites themselves.
"""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

TAP_LINE = re.compile(r"^(not )?ok\s+\d+\s*-?\s*(.*?)(\s+#.*)?$")


def junit_outcomes(path):
    """{test id: 'passed' | 'failed' | 'skipped'} of one pytest report."""
    out = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        out[name] = ("failed" if tags & {"failure", "error"}
                     else "skipped" if "skipped" in tags else "passed")
    return out


def meson_outcomes(path):
    """{test id: outcome} of one meson testlog (each TAP line of each test program)."""
    out = {}
    with open(path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            test = json.loads(line)
            for tap in (test.get("stdout") or "").splitlines():
                m = TAP_LINE.match(tap.strip())
                if m:
                    out[f"{test.get('name')}::{m.group(2)}"] = "failed" if m.group(1) else "passed"
            if test.get("result") in ("FAIL", "TIMEOUT", "ERROR"):
                out.setdefault(f"{test.get('name')}", "failed")
    return out


def main():
    runs, results = int(sys.argv[1]), sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    by_suite = {}  # suite -> {run: {test: outcome}}
    for path in glob.glob(os.path.join(results, "*.xml.run*")):
        suite, run = os.path.basename(path).split(".xml.run")
        try:
            by_suite.setdefault(suite, {})[int(run)] = junit_outcomes(path)
        except (ET.ParseError, OSError, ValueError) as err:
            print(f"flaky.py: {path}: {err}", file=sys.stderr)
    for path in glob.glob(os.path.join(root, "build-*", "meson-logs", "testlog.json.run*")):
        suite = "unit-" + path.split(os.sep)[-3].removeprefix("build-")
        run = int(path.rsplit(".run", 1)[1])
        by_suite.setdefault(suite, {})[run] = meson_outcomes(path)
    lines = []
    for suite, by_run in sorted(by_suite.items()):
        tests = sorted({t for outcomes in by_run.values() for t in outcomes})
        for test in tests:
            seen = [by_run.get(r, {}).get(test) for r in range(1, runs + 1)]
            failed = seen.count("failed")
            if failed == 0 and None not in seen:
                continue
            if failed == 0:
                missing = [str(r + 1) for r, s in enumerate(seen) if s is None]
                lines.append(f"  missing   {suite} {test} (not in run {', '.join(missing)})")
            elif failed == runs:
                lines.append(f"  broken    {suite} {test} (failed in all {runs} runs)")
            else:
                lines.append(f"  flaky     {suite} {test} (failed in {failed} of {runs} runs)")
    print(f"\n=== repeated {runs} times: {len(by_suite)} suites with per-test reports")
    print("\n".join(lines) if lines else "  every test had the same outcome in every run")
    flaky = sum(1 for line in lines if line.lstrip().startswith("flaky"))
    print(f"{flaky} flaky")
    return 0


if __name__ == "__main__":
    sys.exit(main())

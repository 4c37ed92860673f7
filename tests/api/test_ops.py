"""Operations endpoints: /healthz, /readyz, /metrics, /openapi.yaml, /docs and its script."""

import base64
import gzip
import hashlib
import json
import re
import time
import uuid

import pytest
import requests
import yaml

from client import parse_metrics
from conftest import needs_metrics, needs_server_process
from server import run_planmon
from settings import DB_POOL_SIZE, REPO_ROOT, SPEC_PATH


class NoDates(yaml.SafeLoader):
    """YAML as the build converts it to JSON (service/tools/yaml_to_json.py): dates stay strings."""


NoDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

ROUTE_TEMPLATE = "/v1/admin-units/{code}"


def test_healthz(api):
    r = api.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_reports_the_schema_versions(api, planmon_bin, base_env):
    body = api.json("/readyz")
    assert body["status"] == "ready"
    assert body["schema_version"] == body["expected_schema_version"]
    version = run_planmon(planmon_bin, ["version"], base_env, timeout=30)
    assert version.returncode == 0
    m = re.fullmatch(r"planmon (\S+) schema (\d+)( \(test clock\))?\n?", version.stdout)
    assert m, version.stdout
    assert int(m.group(2)) == body["expected_schema_version"]


def metric_samples(api):
    r = api.get("/metrics")
    assert r.status_code == 200
    assert "version=0.0.4" in r.headers["Content-Type"].replace(" ", ""), r.headers["Content-Type"]
    return r.text, parse_metrics(r.text)


def request_count(samples, route, method="GET", status="200"):
    return sum(v for name, labels, v in samples if name == "planmon_http_requests_total"
               and labels.get("route") == route and labels.get("method") == method
               and labels.get("status") == status)


@needs_metrics
def test_metrics_count_requests_by_route_template(api):
    api.get("/v1/admin-units/89")
    _, before = metric_samples(api)
    n = request_count(before, ROUTE_TEMPLATE)
    assert n >= 1, [s for s in before if s[0] == "planmon_http_requests_total"]
    for code in ("883", "30285", "89"):
        api.get(f"/v1/admin-units/{code}")
    _, after = metric_samples(api)
    assert request_count(after, ROUTE_TEMPLATE) >= n + 3
    assert not any(labels.get("route", "").startswith("/v1/admin-units/8")
                   for _, labels, _ in after), "a concrete path became a route label"


@needs_metrics
def test_metrics_count_errors_by_status(api):
    api.get("/v1/admin-units/99999")
    _, samples = metric_samples(api)
    assert request_count(samples, ROUTE_TEMPLATE, status="404") >= 1


@needs_metrics
def test_unknown_paths_do_not_create_route_labels(api, spec):
    marker = f"/v1/no-such-{uuid.uuid4().hex}"
    api.get(marker)
    text, samples = metric_samples(api)
    assert marker not in text
    routes = {labels["route"] for name, labels, _ in samples
              if name == "planmon_http_requests_total"}
    templates = {t for _, t in spec.operations()}
    assert len(routes - templates) <= 1, f"route labels beyond the route table: {routes - templates}"


@needs_metrics
def test_metrics_latency_histogram(api):
    _, samples = metric_samples(api)
    buckets = [(labels, v) for name, labels, v in samples
               if name == "planmon_http_request_duration_seconds_bucket"]
    assert buckets, "no planmon_http_request_duration_seconds_bucket"
    groups = {}
    for labels, v in buckets:
        key = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
        groups.setdefault(key, []).append((float(labels["le"]), v))
    counts = {tuple(sorted(labels.items())): v for name, labels, v in samples
              if name == "planmon_http_request_duration_seconds_count"}
    sums = {tuple(sorted(labels.items())) for name, labels, _ in samples
            if name == "planmon_http_request_duration_seconds_sum"}
    for key, series in groups.items():
        series.sort()
        values = [v for _, v in series]
        assert values == sorted(values), f"buckets of {key} are not cumulative: {series}"
        assert series[-1][0] == float("inf"), f"no +Inf bucket for {key}"
        assert counts.get(key) == series[-1][1], f"_count of {key} is not its +Inf bucket"
        assert key in sums, f"no _sum for {key}"


@needs_metrics
def test_metrics_database_pool(api):
    _, samples = metric_samples(api)
    values = {name: v for name, labels, v in samples if not labels}
    assert values.get("planmon_db_pool_size") == DB_POOL_SIZE
    assert 0 <= values["planmon_db_pool_in_use"] <= DB_POOL_SIZE
    assert values["planmon_db_pool_acquire_timeouts_total"] >= 0
    assert values["planmon_db_reconnects_total"] >= 0


def test_openapi_yaml_is_the_repository_document(api):
    r = api.get("/openapi.yaml")
    assert r.content == SPEC_PATH.read_bytes(), "the served document differs from api/openapi.yaml"
    assert yaml.safe_load(r.content)["openapi"].startswith("3.1")


def test_postman_json_is_the_repository_collection_without_a_token(api):
    r = api.anonymous().get("/postman.json")
    assert r.status_code == 200, r.text
    assert r.content == (REPO_ROOT / "api" / "postman.json").read_bytes(), \
        "the served collection differs from api/postman.json"
    collection = r.json()
    assert [folder["name"] for folder in collection["item"]] == ["Reads", "Writes"]
    assert {"baseUrl", "token"} <= {v["key"] for v in collection["variable"]}
    assert collection["auth"]["bearer"][0]["value"] == "{{token}}"


def test_docs_page_is_drawn_before_any_script_runs_and_loads_nothing_from_other_hosts(api):
    """/docs is drawn at build time (service/tools/prerender_docs.mjs): the document's title and
    every operation's section are in the HTML, and the Redoc script that hydrates it comes from
    this server."""
    r = api.get("/docs")
    html = r.text
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    spec = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=NoDates)
    assert re.search(r"<h1[^>]*>" + re.escape(spec["info"]["title"]), html), "no title heading"
    operations = [op["operationId"] for item in spec["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op]
    missing = [op for op in operations if f'/operation/{op}"' not in html]
    assert operations and not missing, f"operations not drawn in the HTML: {missing}"
    assert re.search(r"""<script[^>]+src=["']/docs/redoc\.standalone\.js["']""", html), html[:500]
    assert '<script type="application/json" id="redoc-state">' in html
    external = re.findall(r"""<(?:script|link|img|iframe)\b[^>]*(?:src|href)=["']?(?:https?:)?//[^"'> ]+""",
                          html)
    external += re.findall(r"""url\(\s*["']?(?:https?:)?//[^)]+""", html)
    assert not external, f"the page loads from other hosts: {external}"
    policy = {d.split()[0]: d.split()[1:] for d in r.headers["Content-Security-Policy"].split("; ")}
    assert policy["default-src"] == ["'none'"] and policy["img-src"] == ["'self'", "data:"], \
        "the script's own requests (Redoc's logo from its CDN) may only reach this server"


def test_the_docs_page_inline_script_is_the_one_its_policy_allows(api):
    """The page's one inline script (it hands Redoc the state the page was drawn from) runs only
    if its SHA-256 is in the Content-Security-Policy; the JSON data block is never run."""
    r = api.get("/docs")
    scripts = [body for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", r.text, re.S)
               if "src=" not in attrs and 'type="application/json"' not in attrs]
    assert len(scripts) == 1, [s[:80] for s in scripts]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in r.headers["Content-Security-Policy"].split("; ")[1]


def test_openapi_json_is_the_repository_document(api):
    r = api.get("/openapi.json")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert r.json() == yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=NoDates)


ASSETS = [("/openapi.yaml", lambda: SPEC_PATH.read_bytes(), "public, no-cache"),
          ("/openapi.json", None, "public, no-cache"),
          ("/docs", None, "public, no-cache"),
          ("/docs/redoc.standalone.js", None, "public, max-age=86400")]


@pytest.mark.parametrize("path,expected,cache", ASSETS)
def test_documents_and_script_are_gzipped_for_a_client_that_asks(api, path, expected, cache):
    plain = api.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    raw = requests.get(api.base_url + path, headers={"Accept-Encoding": "gzip"}, stream=True,
                       timeout=30)
    packed = raw.raw.read(decode_content=False)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed) == plain.content
    assert len(packed) < len(plain.content) / 3, (len(packed), len(plain.content))
    if expected:
        assert plain.content == expected()
    for r in (plain, raw):
        assert "accept-encoding" in r.headers["Vary"].lower()
        assert r.headers["Cache-Control"] == cache
    assert plain.headers["ETag"] != raw.headers["ETag"], "each form has its own ETag"
    assert raw.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'


@pytest.mark.parametrize("path", [a[0] for a in ASSETS])
def test_documents_and_script_answer_304_to_their_etag(api, path):
    for encoding in ("gzip", "identity"):
        first = api.get(path, headers={"Accept-Encoding": encoding})
        again = api.get(path, headers={"Accept-Encoding": encoding,
                                       "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b"", (encoding, again.headers)
        assert again.headers["ETag"] == first.headers["ETag"]
    other = api.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": '"0000000000000000"'})
    assert other.status_code == 200


@pytest.mark.parametrize("header,gzipped", [("gzip;q=0", False), ("br, gzip;q=0.5", True),
                                            ("*", True), ("*, gzip;q=0", False), ("deflate", False)])
def test_gzip_only_when_accept_encoding_allows_it(api, header, gzipped):
    r = requests.head(api.base_url + "/openapi.yaml", headers={"Accept-Encoding": header}, timeout=30)
    assert (r.headers.get("Content-Encoding") == "gzip") == gzipped, r.headers


def test_docs_script_is_served_as_javascript(api, docs_js_file):
    r = api.get("/docs/redoc.standalone.js")
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0].strip() in ("text/javascript",
                                                               "application/javascript")
    if not docs_js_file.is_file():
        pytest.fail(f"DOCS_JS_FILE {docs_js_file} does not exist: run npm ci")
    assert r.content == docs_js_file.read_bytes()
    assert len(r.content) > 100_000 and b"Redoc" in r.content


@needs_server_process
def test_one_json_log_line_per_request(api, server):
    rid = f"log-check-{uuid.uuid4().hex}"
    api.get("/v1/admin-units/30285", headers={"X-Request-Id": rid})
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in server.output().splitlines() if rid in line]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(lines) == 1, lines
    entry = json.loads(lines[0])
    assert entry["request_id"] == rid
    assert entry["method"] == "GET" and entry["status"] == 200
    assert entry["path"] == "/v1/admin-units/30285"

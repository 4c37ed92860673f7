# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# tests/lib/pg.sh: a private PostgreSQL 15 cluster driven with initdb and pg_ctl (never
# systemd), shared by tests/run (a throwaway cluster under /tmp) and deploy/run-local
# (a lasting one under .local/pg). As root the cluster belongs to user postgres, since
# initdb refuses root; otherwise to the calling user. Source tests/lib/common.sh first.

PG_BIN=/usr/lib/postgresql/15/bin

# The lasting cluster of deploy/run-local (deploy/stop-local stops it).
LOCAL_PG_DATA=$PLANMON_ROOT/.local/pg
LOCAL_PG_LOG=$LOCAL_PG_DATA/server.log
LOCAL_PG_PORT=54329

# pg_as_owner CMD...: runs CMD as the cluster's owner, from / so that an unreadable
# working directory does not matter.
pg_as_owner() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# pg_ctl_prefix DATA LOG: prints the shell command prefix that runs pg_ctl for the
# cluster in DATA as its owner, logging to LOG (callers append e.g. `restart -m fast -w`).
pg_ctl_prefix() {
  local cmd=("$PG_BIN/pg_ctl" -D "$1" -l "$2")
  [[ $EUID -eq 0 ]] && cmd=(runuser -u postgres -- "${cmd[@]}")
  printf '%q ' "${cmd[@]}"
}

# pg_make_owned_dir DIR: creates DIR (mode 700) owned by the cluster's owner and checks
# that the owner can reach it, which fails when a parent directory is not traversable.
pg_make_owned_dir() {
  mkdir -p "$1" && chmod 700 "$1" || return 1
  [[ $EUID -eq 0 ]] && { chown postgres:postgres "$1" || return 1; }
  pg_as_owner test -w "$1" -a -x "$1" && return 0
  printf 'error: user postgres cannot reach %s: make each parent directory traversable (chmod o+x) or use a checkout elsewhere\n' "$1" >&2
  return 1
}

# pg_port_in_use PORT: true when something listens on 127.0.0.1:PORT.
pg_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pg_free_port: prints a port on 127.0.0.1 that nothing listens on.
pg_free_port() {
  local port
  for _ in {1..100}; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range
    pg_port_in_use "$port" || { echo "$port"; return 0; }
  done
  echo "no free port found" >&2
  return 1
}

# pg_cluster_init DATA PORT SOCKET_DIR [SETTING...]: initdb a UTF-8 cluster in DATA
# (an empty directory made by pg_make_owned_dir) that listens on 127.0.0.1:PORT and
# on a unix socket in SOCKET_DIR ('' for none), trusting local connections; each
# SETTING is one more postgresql.conf line.
pg_cluster_init() {
  local data=$1 port=$2 sock=$3
  shift 3
  pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$data.initdb.log" 2>&1 || { cat "$data.initdb.log" >&2; return 1; }
  rm -f "$data.initdb.log"
  printf '%s\n' "" "# planmon" "listen_addresses = '127.0.0.1'" "port = $port" \
    "unix_socket_directories = '$sock'" "$@" >>"$data/postgresql.conf"
}

# pg_cluster_running DATA: true when the cluster in DATA is running.
pg_cluster_running() {
  [[ -f $1/PG_VERSION ]] && pg_as_owner "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# pg_cluster_start DATA LOG: starts the cluster and waits until it accepts connections.
pg_cluster_start() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$1" -l "$2" -w -t 60 start >/dev/null && return 0
  echo "PostgreSQL did not start; the end of $2:" >&2
  tail -n 20 "$2" >&2
  return 1
}

# pg_cluster_stop DATA MODE: stops the cluster if it runs (MODE: fast or immediate).
pg_cluster_stop() {
  pg_cluster_running "$1" || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$1" -m "$2" -w -t 60 stop >/dev/null
}

# pg_sql PORT DB PSQL_ARG...: psql as superuser postgres over TCP, stopping at the first error.
pg_sql() {
  local port=$1 db=$2
  shift 2
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# pg_ensure_database PORT ROLE DB: creates the login role ROLE (not a superuser) and
# the database DB owned by it, each unless it exists.
pg_ensure_database() {
  local port=$1 role=$2 db=$3
  pg_sql "$port" postgres -c "DO \$\$BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN CREATE ROLE \"$role\" LOGIN; END IF;
    END\$\$" || return 1
  [[ -n $(pg_sql "$port" postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$db'") ]] ||
    pg_sql "$port" postgres -c "CREATE DATABASE \"$db\" OWNER \"$role\""
}

# pg_recreate_database PORT ROLE DB: drops DB (closing its connections) and creates it empty.
pg_recreate_database() {
  pg_sql "$1" postgres -c "DROP DATABASE IF EXISTS \"$3\" WITH (FORCE)" &&
    pg_ensure_database "$@"
}

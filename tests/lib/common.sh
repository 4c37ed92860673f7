# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# tests/lib/common.sh: helpers shared by tests/run and deploy/run-local —
# messages, root privilege, Debian packages, the npm tooling and the meson builds.
# Source it; it only defines variables and functions.

PLANMON_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages, by what needs them (the contract of issue 2).
PKGS_BUILD=(build-essential meson ninja-build pkg-config libulfius-dev libjansson-dev libpq-dev
            libjwt-dev libmicrohttpd-dev libargon2-dev libssl-dev libcmocka-dev
            libglib2.0-dev libcairo2-dev libpango1.0-dev libzip-dev libxlsxwriter-dev
            libxml2-dev libcurl4-gnutls-dev python3-yaml)
# python3-yaml: api/openapi.yaml to JSON at build time. libcurl (webhooks, e-mail) in its GnuTLS
# flavour: libulfius-dev depends on it, and Debian 12 installs only one flavour of libcurl-dev.
PKGS_SERVER=(postgresql-15 postgresql-contrib openssl tzdata fonts-liberation2)
PKGS_TEST=(python3 python3-pytest python3-requests python3-jsonschema python3-yaml python3-psycopg
           python3-jwt python3-cryptography openssl curl poppler-utils python3-docx python3-pil
           python3-openpyxl python3-aiosmtpd)
# tests/static and tests/fuzz: the analysers and the libFuzzer toolchain.
PKGS_CHECK=(clang-format cppcheck clang-tidy clang libclang-rt-14-dev ninja-build)
# tests/deploy: the real load balancer and pooler, the image checks (ldd/objdump, apt-cache),
# the unit checks (systemd-analyze) and the system-call trace.
PKGS_DEPLOY=(nginx pgbouncer postgresql-client-15 binutils systemd strace)
# tests/browser: Debian's Chromium, driven by playwright-core from npm.
PKGS_BROWSER=(chromium chromium-driver)

# Meson options of the builds. build/ (deploy/run-local, tests/scale, the runners' default) is
# built as it is deployed; tests/run's two builds, build-test/ and build-asan/, add the test
# clock (PLANMON_TEST_TODAY, service/src/domain/clock.h), which no deployed binary honours.
BUILD_RELEASE_OPTS=(--buildtype=debugoptimized -Dwerror=true)
BUILD_TEST_OPTS=("${BUILD_RELEASE_OPTS[@]}" -Dtest_clock=true)
# shellcheck disable=SC2054 # the comma belongs to the option
BUILD_ASAN_OPTS=(--buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true
                 -Dtest_clock=true)

# The redoc bundle planmon serves at /docs (DOCS_JS_FILE).
DOCS_JS_FILE=$PLANMON_ROOT/node_modules/redoc/bundles/redoc.standalone.js

say() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# as_root CMD...: runs CMD as root, directly or through non-interactive sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n -- "$@"
  else
    printf 'error: need root or sudo to run: %s\n' "$*" >&2
    return 1
  fi
}

# ensure_packages PKG...: installs the Debian packages that are not installed yet;
# runs `apt-get update` once, and only when something is missing.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing Debian packages: ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
  as_root "${apt[@]}" update && as_root "${apt[@]}" install "${missing[@]}" || return 1
  # Installing the server creates and starts Debian's own cluster 15/main; we use
  # clusters of our own, so stop that one rather than leave it running.
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && command -v pg_ctlcluster >/dev/null; then
    as_root pg_ctlcluster 15 main stop 2>/dev/null || true
  fi
  # Likewise nginx and PgBouncer, where the package started Debian's own service: tests/deploy
  # runs its own, unprivileged, on ports of its own.
  if [[ " ${missing[*]} " == *" nginx "* && -s /run/nginx.pid ]]; then
    as_root /usr/sbin/nginx -s quit 2>/dev/null || true
  fi
  if [[ " ${missing[*]} " == *" pgbouncer "* && -s /run/postgresql/pgbouncer.pid ]]; then
    as_root kill "$(cat /run/postgresql/pgbouncer.pid)" 2>/dev/null || true
  fi
}

# ensure_node_modules: `npm ci` when node_modules is missing or package-lock.json
# changed since the last successful install (a checksum stamp in node_modules).
ensure_node_modules() {
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm || return 1
  local stamp=$PLANMON_ROOT/node_modules/.planmon-lock.sha256 sum
  sum=$(sha256sum <"$PLANMON_ROOT/package-lock.json") || return 1
  [[ -f $stamp && -f $DOCS_JS_FILE && $(<"$stamp") == "$sum" ]] && return 0
  say "npm ci"
  (cd "$PLANMON_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  printf '%s\n' "$sum" >"$stamp"
}

# meson_build DIR OPTION...: configures DIR (relative to the repo) with OPTIONs —
# reconfiguring a valid build directory, replacing one that fails to — then runs ninja.
meson_build() {
  local dir=$PLANMON_ROOT/$1
  shift
  if ! [[ -f $dir/build.ninja && -f $dir/meson-private/coredata.dat ]] ||
    ! meson setup --reconfigure "$dir" "$PLANMON_ROOT" "$@" >/dev/null; then
    rm -rf "$dir"
    meson setup "$dir" "$PLANMON_ROOT" "$@" || return 1
  fi
  ninja -C "$dir"
}


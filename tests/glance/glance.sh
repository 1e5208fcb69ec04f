#!/usr/bin/env bash
# A real OpenStack Glance (Debian's glance-api package, 25.1) for the test suite, behind the real
# Keystone of tests/keystone/keystone.sh.
#
#   tests/glance/glance.sh start <workdir> <keystone.env> <legacy|secure> [policy-file]
#        check that glance-api is installed, write <workdir>/glance-api.conf (SQLite database and file
#        store under <workdir>, keystonemiddleware toward the Keystone of keystone.env), db_sync,
#        serve glance-api on a free loopback port; writes <workdir>/glance.env and prints it
#   tests/glance/glance.sh stop <workdir>
#        stop what start started (idempotent)
#
# legacy: [DEFAULT] enforce_secure_rbac, [oslo_policy] enforce_new_defaults, enforce_scope all
# False (Glance 25's packaged defaults); secure: all three True. A policy file, when given, is
# [oslo_policy] policy_file. GLANCE_IMAGE_CACHE=1 in the environment gives Glance an image cache
# (image_cache_dir = <workdir>/image-cache, paste flavor keystone+caching: the cache API, downloads
# cached, API versions 2.14 and 2.16). Everything Glance writes lives under <workdir>. Every wait is bounded;
# a failure prints one line to stderr and exits 1. See tests/glance/README.md.
set -euo pipefail
shopt -s inherit_errexit

die() { printf 'glance.sh: %s\n' "$*" >&2; exit 1; }
log() { [ -n "${GLANCE_SH_QUIET:-}" ] || printf '[glance.sh +%ss] %s\n' "$SECONDS" "$*" >&2; }

# Glance's Python is Debian's, whatever python3 comes first on PATH.
PY=/usr/bin/python3
START_TIMEOUT=${GLANCE_START_TIMEOUT:-60}         # seconds for glance-api to answer GET /versions
PASTE_INI=/usr/share/glance-common/glance-api-paste.ini

usage() { die "usage: $0 start <workdir> <keystone.env> <legacy|secure> [policy-file] | stop <workdir>"; }

# ---------------------------------------------------------------------------------------------
# packages

packages_missing() {
  local p
  for p in glance-api glance-common python3-glance; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || return 0
  done
  [ -x /usr/bin/glance-api ] && [ -x /usr/bin/glance-manage ] && [ -r "$PASTE_INI" ] || return 0
  return 1
}

# The packages come from scripts/test.sh (scripts/test-packages.txt); this script installs nothing.
require_packages() {
  local p missing=()
  for p in glance-api glance-common python3-glance; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) ||
    die "missing Debian packages: ${missing[*]} (scripts/test.sh installs them; by hand: apt-get install ${missing[*]})"
  packages_missing && die "/usr/bin/glance-api, /usr/bin/glance-manage or $PASTE_INI not found although glance-api is installed"
  return 0
}

# ---------------------------------------------------------------------------------------------
# helpers

port_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# env_value FILE KEY -> the value of KEY=value in FILE (empty if absent)
env_value() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# Pids of the glance-api processes (parent and workers) serving WORKDIR: their command line has
# the arguments /usr/bin/glance-api and WORKDIR/glance-api.conf. Finds them even when the pid file
# was lost. One grep over every /proc/*/cmdline (NUL-separated arguments, hence -z); a process
# that exits meanwhile is skipped silently.
workdir_pids() {
  local files
  files=$(grep -lxzF -- "$1/glance-api.conf" /proc/[0-9]*/cmdline 2>/dev/null || true)
  [ -n "$files" ] || return 0
  # shellcheck disable=SC2086 # one path per word
  grep -lxzF -- /usr/bin/glance-api $files 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p' || true
}

# ---------------------------------------------------------------------------------------------
# stop

do_stop() {
  local wd=$1 pid pids i
  pids=$(workdir_pids "$wd")
  if [ -s "$wd/glance-api.pid" ]; then
    pid=$(cat "$wd/glance-api.pid")
    [[ "$pid" =~ ^[0-9]+$ ]] && printf '%s\n' "$pids" | grep -qx "$pid" || pid=""
  else
    pid=""
  fi
  # SIGTERM to the parent stops its workers too; then anything left of ours gets SIGTERM.
  [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    [ -n "$(workdir_pids "$wd")" ] || break
    sleep 0.1
  done
  for pid in $(workdir_pids "$wd"); do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 1 50); do
    [ -n "$(workdir_pids "$wd")" ] || break
    sleep 0.1
  done
  pids=$(workdir_pids "$wd")
  if [ -n "$pids" ]; then
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    for i in $(seq 1 50); do
      [ -n "$(workdir_pids "$wd")" ] || break
      sleep 0.1
    done
    [ -z "$(workdir_pids "$wd")" ] || die "glance-api ($(workdir_pids "$wd" | tr '\n' ' ')) did not exit"
  fi
  [ -d "$wd" ] || return 0
  rm -f "$wd/glance-api.pid"
  if [ -s "$wd/port" ] && port_listening "$(cat "$wd/port")"; then
    die "port $(cat "$wd/port") is still listening after stop"
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# start

write_conf() {
  local wd=$1 port=$2 ks_env=$3 mode=$4 policy=$5 secure
  local ks_url ks_user ks_password ks_project
  ks_url=$(env_value "$ks_env" KEYSTONE_URL)
  ks_user=$(env_value "$ks_env" KEYSTONE_SERVICE_USER)
  ks_password=$(env_value "$ks_env" KEYSTONE_SERVICE_PASSWORD)
  ks_project=$(env_value "$ks_env" KEYSTONE_SERVICE_PROJECT)
  [ -n "$ks_url" ] && [ -n "$ks_user" ] && [ -n "$ks_password" ] && [ -n "$ks_project" ] ||
    die "$ks_env lacks KEYSTONE_URL, KEYSTONE_SERVICE_USER, KEYSTONE_SERVICE_PASSWORD or KEYSTONE_SERVICE_PROJECT"
  if [ "$mode" = secure ]; then secure=True; else secure=False; fi
  local cache_line="" flavor=keystone
  if [ "${GLANCE_IMAGE_CACHE:-0}" = 1 ]; then
    cache_line="image_cache_dir = $wd/image-cache"
    flavor=keystone+caching
  fi
  [ -n "$policy" ] || policy=$wd/policy.yaml # absent: the defaults in code apply
  cat >"$wd/glance-api.conf.tmp" <<EOF
# Written by tests/glance/glance.sh ($mode mode).
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
# One worker process under the parent, as Glance runs them (eventlet).
workers = 1
enforce_secure_rbac = $secure
# Import (not used by the tests) stages here. One store: the API versions are v2.0-v2.7, v2.9 and
# v2.15, as CONFORMANCE.md describes (v2.14 and v2.16 too with an image cache).
node_staging_uri = file://$wd/staging
# GLANCE_IMAGE_CACHE=1: an image cache (v2.14 and v2.16 too, the cache API, downloads cached).
$cache_line

[database]
connection = sqlite:///$wd/glance.db

[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = $wd/images/

[keystone_authtoken]
www_authenticate_uri = $ks_url
auth_url = $ks_url
auth_type = password
user_domain_id = default
project_domain_id = default
project_name = $ks_project
username = $ks_user
password = $ks_password

[oslo_concurrency]
lock_path = $wd/lock

[oslo_policy]
enforce_new_defaults = $secure
enforce_scope = $secure
policy_file = $policy
# Not /etc/glance/policy.d: nothing outside the workdir decides.
policy_dirs = $wd/policy.d

[paste_deploy]
flavor = $flavor
config_file = $PASTE_INI
EOF
  mv "$wd/glance-api.conf.tmp" "$wd/glance-api.conf"
}

# launch WORKDIR PORT: glance-api in the background, parent pid in WORKDIR/glance-api.pid.
launch() {
  local wd=$1 port=$2 pid
  echo "$port" >"$wd/port"
  setsid /usr/bin/glance-api --config-file "$wd/glance-api.conf" --log-file "$wd/glance-api.log" \
    </dev/null >>"$wd/glance-api.out" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
  echo "$pid" >"$wd/glance-api.pid"
}

# wait_ready WORKDIR: until GET /versions answers 300 or 200 (0); 1 if glance-api exited because
# another process took the port; dies on anything else (bounded by GLANCE_START_TIMEOUT).
wait_ready() {
  local wd=$1 pid url deadline code
  pid=$(cat "$wd/glance-api.pid")
  url="http://127.0.0.1:$(cat "$wd/port")"
  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$wd/glance-api.pid"
      grep -q 'Could not bind to' "$wd/glance-api.out" "$wd/glance-api.log" 2>/dev/null && return 1
      die "glance-api exited at start: $(grep -h 'ERROR' "$wd/glance-api.out" "$wd/glance-api.log" 2>/dev/null | tail -n 1) (see $wd/glance-api.log, $wd/glance-api.out)"
    fi
    code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$url/versions" || true)
    case "$code" in 200 | 300) return 0 ;; esac
    [ "$SECONDS" -lt "$deadline" ] ||
      die "glance-api did not answer GET $url/versions within ${START_TIMEOUT}s (last HTTP ${code:-none}; see $wd/glance-api.log)"
    sleep 0.2
  done
}

do_start() {
  local wd=$1 ks_env=$2 mode=$3 policy=${4:-}
  case "$mode" in legacy | secure) ;; *) usage ;; esac
  command -v curl >/dev/null || die "curl is required"
  [ -r "$ks_env" ] || die "cannot read $ks_env (keystone.sh start writes it)"
  ks_env=$(realpath "$ks_env")
  if [ -n "$policy" ]; then
    [ -r "$policy" ] || die "cannot read policy file $policy"
    policy=$(realpath "$policy")
  fi
  require_packages

  mkdir -p "$wd"
  wd=$(cd "$wd" && pwd)
  do_stop "$wd"
  # A fresh Glance each start: drop what a previous start in this workdir left.
  rm -rf "$wd/glance.db" "$wd/glance.db-journal" "$wd/images" "$wd/staging" "$wd/lock" "$wd/policy.d" "$wd/image-cache" \
    "$wd/glance.env" "$wd/glance-api.log" "$wd/glance-api.out" "$wd/manage.log" "$wd/port"
  mkdir -p "$wd/images" "$wd/staging" "$wd/lock" "$wd/policy.d"

  local port
  port=$(free_port)
  write_conf "$wd" "$port" "$ks_env" "$mode" "$policy"
  log "glance-manage db_sync ($mode mode)"
  timeout 300 glance-manage --config-file "$wd/glance-api.conf" db_sync >"$wd/manage.log" 2>&1 ||
    die "glance-manage db_sync failed (see $wd/manage.log)"

  # From here on, a failure stops the glance-api we started.
  GL_WD=$wd
  trap 'rc=$?; [ "$rc" -eq 0 ] || do_stop "$GL_WD" >/dev/null 2>&1 || true' EXIT
  local attempt ready=""
  for attempt in 1 2 3; do
    if [ "$attempt" -gt 1 ]; then
      port=$(free_port)
      write_conf "$wd" "$port" "$ks_env" "$mode" "$policy"
    fi
    log "glance-api on 127.0.0.1:$port (attempt $attempt)"
    launch "$wd" "$port"
    if wait_ready "$wd"; then ready=1; break; fi
  done
  [ -n "$ready" ] || die "glance-api could not bind a free loopback port in 3 attempts (see $wd/glance-api.log)"

  local url="http://127.0.0.1:$port"
  cat >"$wd/glance.env.tmp" <<EOF
GLANCE_URL=$url
GLANCE_PORT=$port
GLANCE_PID=$(cat "$wd/glance-api.pid")
GLANCE_WORKDIR=$wd
GLANCE_MODE=$mode
GLANCE_CONF=$wd/glance-api.conf
GLANCE_POLICY_FILE=${policy}
GLANCE_IMAGE_CACHE=${GLANCE_IMAGE_CACHE:-0}
EOF
  mv "$wd/glance.env.tmp" "$wd/glance.env"
  trap - EXIT
  log "glance ready at $url (env: $wd/glance.env)"
  cat "$wd/glance.env"
}

# ---------------------------------------------------------------------------------------------

[ $# -ge 2 ] && [ -n "$2" ] || usage
case "$1" in
  start)
    [ $# -eq 4 ] || [ $# -eq 5 ] || usage
    do_start "$2" "$3" "$4" "${5:-}"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    if [ -d "$2" ]; then do_stop "$(cd "$2" && pwd)"; else do_stop "$(realpath -m "$2")"; fi
    ;;
  *) usage ;;
esac

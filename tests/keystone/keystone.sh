#!/usr/bin/env bash
# A real OpenStack Keystone (Debian's keystone package, 22.x) for the test suite.
#
#   tests/keystone/keystone.sh start <workdir>   check the packages, configure, bootstrap, serve on a
#                                                free loopback port, create the test users; writes
#                                                <workdir>/keystone.env and prints it
#   tests/keystone/keystone.sh stop <workdir>    stop what start started (idempotent)
#   tests/keystone/keystone.sh resume <workdir>  after stop: serve the same Keystone again on the
#                                                same port (same users, keys and tokens)
#
# Everything Keystone writes (config, SQLite database, fernet and credential keys, logs, pid file)
# lives under <workdir>. Every wait is bounded; a failure prints one line to stderr and exits 1.
# See tests/keystone/README.md.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { printf 'keystone.sh: %s\n' "$*" >&2; exit 1; }
log() { [ -n "${KEYSTONE_SH_QUIET:-}" ] || printf '[keystone.sh +%ss] %s\n' "$SECONDS" "$*" >&2; }

# Keystone's Python is Debian's, whatever python3 comes first on PATH.
PY=/usr/bin/python3
START_TIMEOUT=${KEYSTONE_START_TIMEOUT:-90}        # seconds for uwsgi to answer GET /v3

# Keystone under uwsgi, and the openstack CLI that the end-to-end suite runs against it (and
# against the gateway registered in its catalog).
PACKAGES="keystone uwsgi uwsgi-plugin-python3 python3-openstackclient"

usage() { die "usage: $0 start|stop|resume <workdir>"; }

# ---------------------------------------------------------------------------------------------
# packages

packages_missing() {
  local p
  # shellcheck disable=SC2086 # one package per word
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || return 0
  done
  [ -x /usr/bin/keystone-wsgi-public ] && [ -x /usr/bin/keystone-manage ] && command -v uwsgi >/dev/null || return 0
  [ -x /usr/bin/openstack ] || return 0
  return 1
}

# The packages come from scripts/test.sh (scripts/test-packages.txt); this script installs nothing.
require_packages() {
  local p missing=()
  # shellcheck disable=SC2086 # one package per word
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) ||
    die "missing Debian packages: ${missing[*]} (scripts/test.sh installs them; by hand: apt-get install ${missing[*]})"
  packages_missing && die "keystone-wsgi-public, keystone-manage, uwsgi or openstack not found although $PACKAGES are installed"
  return 0
}

# ---------------------------------------------------------------------------------------------
# helpers

port_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

gen_password() { "$PY" -c 'import secrets; print(secrets.token_hex(16))'; }

# True when the pid in <workdir>/uwsgi.pid is alive and is the uwsgi that serves this workdir.
running_pid() {
  local pidfile=$1/uwsgi.pid pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$1/uwsgi.log" || return 1
  echo "$pid"
}

# api METHOD PATH [JSON]  -> body on stdout; dies unless 2xx. Uses $URL and $ADMIN_TOKEN.
api() {
  local method=$1 path=$2 data=${3:-} resp code body
  local args=(-s --max-time 30 -X "$method" -H "X-Auth-Token: $ADMIN_TOKEN" -H 'Accept: application/json'
    -w '\n%{http_code}')
  [ -z "$data" ] || args+=(-H 'Content-Type: application/json' --data-binary "$data")
  local rc=0
  resp=$(curl "${args[@]}" "$URL$path") || rc=$?
  [ "$rc" -eq 0 ] || die "$method $path: curl failed (exit $rc; see $KS_LOGS)"
  code=${resp##*$'\n'}
  body=${resp%$'\n'*}
  [[ "$code" == 2* ]] || die "$method $path: HTTP $code: $(printf '%s' "$body" | tr -d '\n' | cut -c1-300)"
  printf '%s' "$body"
}

# token USER PASSWORD PROJECT -> project-scoped token id (password method, domain default)
token() {
  local body hdrs code tok
  body=$(jq -cn --arg u "$1" --arg p "$2" --arg pr "$3" '{auth: {identity: {methods: ["password"],
    password: {user: {name: $u, domain: {id: "default"}, password: $p}}},
    scope: {project: {name: $pr, domain: {id: "default"}}}}}')
  hdrs=$(mktemp)
  code=$(curl -s --max-time 30 -o /dev/null -D "$hdrs" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$body" "$URL/v3/auth/tokens?nocatalog") || { rm -f "$hdrs"; die "token for $1: curl failed (see $KS_LOGS)"; }
  tok=$(awk 'tolower($1)=="x-subject-token:" {print $2}' "$hdrs" | tr -d '\r')
  rm -f "$hdrs"
  [ "$code" = 201 ] && [ -n "$tok" ] || die "token for $1 on project $3: HTTP $code"
  printf '%s' "$tok"
}

# launch_uwsgi WORKDIR PORT: serve keystone from WORKDIR on 127.0.0.1:PORT in the background,
# pid in WORKDIR/uwsgi.pid. Returns once uwsgi has bound the port (0) or could not because the
# port is in use (1); dies on anything else. The application itself loads afterwards: wait_ready.
launch_uwsgi() {
  local wd=$1 port=$2 pid deadline
  # OS_KEYSTONE_CONFIG_DIR/OS_KEYSTONE_CONFIG_FILES: how keystone-wsgi-public finds its config
  # (keystone/server/flask/core.py); without them it reads /etc/keystone/keystone.conf.
  # --http-socket closes every connection after its response but answers HTTP/1.1 without saying
  # so: a client that reuses the connection (python-requests, .NET) has its next request reset
  # before Keystone reads it. "Connection: close" on every response tells clients not to reuse.
  OS_KEYSTONE_CONFIG_DIR="$wd" OS_KEYSTONE_CONFIG_FILES="$wd/keystone.conf" \
    setsid uwsgi --plugins python3 --http-socket "127.0.0.1:$port" --processes 1 --threads 1 \
    --add-header 'Connection: close' \
    --wsgi-file /usr/bin/keystone-wsgi-public --logto "$wd/uwsgi.log" \
    </dev/null >>"$wd/uwsgi.log" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
  echo "$pid" >"$wd/uwsgi.pid"
  echo "$port" >"$wd/port"
  # uwsgi binds before it loads the application and logs "bound to TCP address" when it has.
  deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$wd/uwsgi.pid"
      tail -n 30 "$wd/uwsgi.log" 2>/dev/null | grep -q 'Address already in use' && return 1
      die "uwsgi exited at start: $(grep -v '^\*\*\*' "$wd/uwsgi.log" 2>/dev/null | tail -n 1)"
    fi
    grep -q "bound to TCP address 127.0.0.1:$port " "$wd/uwsgi.log" 2>/dev/null && return 0
    sleep 0.1
  done
  do_stop "$wd" || true
  die "uwsgi did not bind 127.0.0.1:$port within 20s (see $wd/uwsgi.log)"
}

# wait_ready WORKDIR PID: wait until GET /v3 answers (bounded by KEYSTONE_START_TIMEOUT).
wait_ready() {
  local wd=$1 pid=$2 deadline url
  url="http://127.0.0.1:$(cat "$wd/port")"
  deadline=$((SECONDS + START_TIMEOUT))
  until curl -sf --max-time 2 -o /dev/null "$url/v3"; do
    kill -0 "$pid" 2>/dev/null ||
      die "uwsgi exited while loading keystone: $(grep -v '^\*\*\*' "$wd/uwsgi.log" | tail -n 1) (see $wd/uwsgi.log, $wd/keystone.log)"
    [ "$SECONDS" -lt "$deadline" ] ||
      die "keystone did not answer GET $url/v3 within ${START_TIMEOUT}s (see $wd/uwsgi.log, $wd/keystone.log)"
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------
# stop

# Pids of uwsgi processes serving WORKDIR (their command line names WORKDIR/uwsgi.log): finds them
# even when uwsgi.pid was lost, e.g. after the workdir was deleted without a stop.
workdir_pids() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- "--logto $1/uwsgi.log " && echo "$pid"
  done
  return 0
}

do_stop() {
  local wd=$1 pid pids i
  pids=$(running_pid "$wd" || true)
  pids=$(printf '%s\n%s\n' "$pids" "$(workdir_pids "$wd")" | sort -u | grep . || true)
  for pid in $pids; do
    kill -INT "$pid" 2>/dev/null || true # uwsgi without a master exits on SIGINT
  done
  for pid in $pids; do
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && die "uwsgi (pid $pid) did not exit"
    fi
  done
  [ -d "$wd" ] || return 0
  rm -f "$wd/uwsgi.pid"
  if [ -s "$wd/port" ] && port_listening "$(cat "$wd/port")"; then
    # Something still listens on our port: it is no longer ours to kill, but say so.
    die "port $(cat "$wd/port") is still listening after stop"
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# start

do_start() {
  local wd=$1
  command -v curl >/dev/null || die "curl is required"
  command -v jq >/dev/null || die "jq is required"
  require_packages

  mkdir -p "$wd"
  wd=$(cd "$wd" && pwd)
  do_stop "$wd"
  # A fresh Keystone each start: drop what a previous start in this workdir left.
  rm -rf "$wd/keystone.db" "$wd/keystone.db-wal" "$wd/keystone.db-shm" "$wd/fernet-keys" "$wd/credential-keys" "$wd/lock" "$wd/keystone.env" \
    "$wd/keystone.log" "$wd/uwsgi.log" "$wd/port"
  mkdir -p "$wd/lock"
  local conf=$wd/keystone.conf
  KS_LOGS="$wd/uwsgi.log, $wd/keystone.log"
  sed "s|@WORKDIR@|$wd|g" "$here/keystone.conf.in" >"$conf"
  # KEYSTONE_TOKEN_EXPIRATION (seconds): a Keystone of short-lived tokens, for the tests of
  # expired tokens (allow_expired); the others keep Keystone's default hour.
  if [ -n "${KEYSTONE_TOKEN_EXPIRATION:-}" ]; then
    sed -i "s|^# expiration: the default (3600 s) is kept.|expiration = ${KEYSTONE_TOKEN_EXPIRATION}|" "$conf"
    grep -q "^expiration = ${KEYSTONE_TOKEN_EXPIRATION}\$" "$conf" || die "could not set [token] expiration"
  fi

  local km=(keystone-manage --config-file "$conf")
  log "db_sync, fernet_setup, credential_setup"
  # The key set-ups touch only their key directories: run them beside db_sync (each command is
  # mostly Python start-up, ~2 s).
  timeout 60 "${km[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >"$wd/manage-fernet.log" 2>&1 &
  local fernet_job=$!
  timeout 60 "${km[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >"$wd/manage-credential.log" 2>&1 &
  local credential_job=$!
  timeout 300 "${km[@]}" db_sync >"$wd/manage.log" 2>&1 || die "keystone-manage db_sync failed (see $wd/manage.log, $wd/keystone.log)"
  wait "$fernet_job" || die "keystone-manage fernet_setup failed (see $wd/manage-fernet.log)"
  wait "$credential_job" || die "keystone-manage credential_setup failed (see $wd/manage-credential.log)"
  # Write-ahead logging: Keystone 22 on SQLite leaves a read open on a second connection during
  # some requests, and in the default rollback-journal mode that reader blocks the next write's
  # commit ("database is locked", HTTP 500 after 5 s) even with one process and one thread.
  # With WAL, readers never block the writer. The mode is stored in the database file.
  [ "$(timeout 30 sqlite3 "$wd/keystone.db" 'PRAGMA journal_mode=WAL;' 2>&1)" = wal ] ||
    die "could not switch $wd/keystone.db to WAL mode"

  # Serve on a free loopback port. Another process can take the port between the probe and
  # uwsgi's bind; then uwsgi exits at once and we try another port.
  local port pid attempt bound=""
  for attempt in 1 2 3; do
    port=$(free_port)
    URL="http://127.0.0.1:$port"
    log "uwsgi on 127.0.0.1:$port (attempt $attempt)"
    if launch_uwsgi "$wd" "$port"; then bound=1; break; fi
  done
  [ -n "$bound" ] || die "uwsgi could not bind a free loopback port in 3 attempts (see $wd/uwsgi.log)"
  pid=$(cat "$wd/uwsgi.pid")
  # From here on, a failure stops the uwsgi we started.
  KS_WD=$wd
  trap 'rc=$?; [ "$rc" -eq 0 ] || do_stop "$KS_WD" >/dev/null 2>&1 || true' EXIT

  local admin_pw service_pw owner_pw member_pw stranger_pw
  admin_pw=${KEYSTONE_ADMIN_PASSWORD:-$(gen_password)}
  service_pw=$(gen_password); owner_pw=$(gen_password); member_pw=$(gen_password); stranger_pw=$(gen_password)

  # Bootstrap while uwsgi loads the application (loading does not touch the database).
  log "bootstrap"
  timeout 120 "${km[@]}" bootstrap --bootstrap-username admin --bootstrap-password "$admin_pw" \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
    --bootstrap-public-url "$URL" --bootstrap-internal-url "$URL" --bootstrap-admin-url "$URL" \
    >>"$wd/manage.log" 2>&1 || die "keystone-manage bootstrap failed (see $wd/manage.log)"

  wait_ready "$wd" "$pid"

  log "projects, users and role assignments through the REST API"
  ADMIN_TOKEN=$(token admin "$admin_pw" admin)
  local admin_role member_role admin_uid admin_pid
  admin_role=$(api GET '/v3/roles?name=admin' | jq -r '.roles[0].id // empty')
  member_role=$(api GET '/v3/roles?name=member' | jq -r '.roles[0].id // empty')
  [ -n "$admin_role" ] && [ -n "$member_role" ] || die "bootstrap did not create the admin and member roles"
  admin_uid=$(api GET '/v3/users?name=admin&domain_id=default' | jq -r '.users[0].id // empty')
  admin_pid=$(api GET '/v3/projects?name=admin&domain_id=default' | jq -r '.projects[0].id // empty')
  [ -n "$admin_uid" ] && [ -n "$admin_pid" ] || die "bootstrap did not create the admin user and project"

  # make_account PROJECT USER PASSWORD ROLE_ID -> "project_id user_id"
  make_account() {
    local p u
    p=$(api POST /v3/projects "$(jq -cn --arg n "$1" '{project: {name: $n, domain_id: "default", enabled: true,
      description: "glance-gateway test project"}}')" | jq -r .project.id)
    u=$(api POST /v3/users "$(jq -cn --arg n "$2" --arg pw "$3" --arg p "$p" '{user: {name: $n,
      domain_id: "default", password: $pw, default_project_id: $p, enabled: true}}')" | jq -r .user.id)
    api PUT "/v3/projects/$p/users/$u/roles/$4" >/dev/null
    echo "$p $u"
  }
  local service_ids owner_ids member_ids stranger_ids
  service_ids=$(make_account service glance-gateway "$service_pw" "$admin_role")
  owner_ids=$(make_account owner owner-user "$owner_pw" "$member_role")
  member_ids=$(make_account member member-user "$member_pw" "$member_role")
  stranger_ids=$(make_account stranger stranger-user "$stranger_pw" "$member_role")

  # The service user must be able to validate a user's token.
  local svc_token own_token code
  svc_token=$(token glance-gateway "$service_pw" service)
  own_token=$(token owner-user "$owner_pw" owner)
  code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $svc_token" \
    -H "X-Subject-Token: $own_token" "$URL/v3/auth/tokens?nocatalog") || die "token validation: curl failed"
  [ "$code" = 200 ] || die "the service user cannot validate tokens: GET /v3/auth/tokens gave HTTP $code"

  local env_tmp=$wd/keystone.env.tmp
  cat >"$env_tmp" <<EOF
KEYSTONE_URL=$URL
KEYSTONE_AUTH_URL=$URL/v3
KEYSTONE_PORT=$port
KEYSTONE_PID=$pid
KEYSTONE_WORKDIR=$wd
KEYSTONE_REGION=RegionOne
KEYSTONE_DOMAIN_ID=default
KEYSTONE_ADMIN_ROLE_ID=$admin_role
KEYSTONE_MEMBER_ROLE_ID=$member_role
KEYSTONE_ADMIN_USER=admin
KEYSTONE_ADMIN_PASSWORD=$admin_pw
KEYSTONE_ADMIN_USER_ID=$admin_uid
KEYSTONE_ADMIN_PROJECT=admin
KEYSTONE_ADMIN_PROJECT_ID=$admin_pid
KEYSTONE_SERVICE_USER=glance-gateway
KEYSTONE_SERVICE_PASSWORD=$service_pw
KEYSTONE_SERVICE_USER_ID=${service_ids#* }
KEYSTONE_SERVICE_PROJECT=service
KEYSTONE_SERVICE_PROJECT_ID=${service_ids% *}
KEYSTONE_OWNER_USER=owner-user
KEYSTONE_OWNER_PASSWORD=$owner_pw
KEYSTONE_OWNER_USER_ID=${owner_ids#* }
KEYSTONE_OWNER_PROJECT=owner
KEYSTONE_OWNER_PROJECT_ID=${owner_ids% *}
KEYSTONE_MEMBER_USER=member-user
KEYSTONE_MEMBER_PASSWORD=$member_pw
KEYSTONE_MEMBER_USER_ID=${member_ids#* }
KEYSTONE_MEMBER_PROJECT=member
KEYSTONE_MEMBER_PROJECT_ID=${member_ids% *}
KEYSTONE_STRANGER_USER=stranger-user
KEYSTONE_STRANGER_PASSWORD=$stranger_pw
KEYSTONE_STRANGER_USER_ID=${stranger_ids#* }
KEYSTONE_STRANGER_PROJECT=stranger
KEYSTONE_STRANGER_PROJECT_ID=${stranger_ids% *}
EOF
  mv "$env_tmp" "$wd/keystone.env"
  trap - EXIT
  log "keystone ready at $URL (env: $wd/keystone.env)"
  cat "$wd/keystone.env"
}

# ---------------------------------------------------------------------------------------------
# resume: serve an existing workdir again, same port, same database and keys (tokens issued
# before the stop stay valid). For tests that stop Keystone and bring it back.

do_resume() {
  local wd=$1 port pid
  [ -s "$wd/keystone.env" ] || die "no $wd/keystone.env: run start first"
  if running_pid "$wd" >/dev/null; then cat "$wd/keystone.env"; return 0; fi
  port=$(sed -n 's/^KEYSTONE_PORT=//p' "$wd/keystone.env")
  [ -n "$port" ] || die "no KEYSTONE_PORT in $wd/keystone.env"
  log "resuming uwsgi on 127.0.0.1:$port"
  launch_uwsgi "$wd" "$port" || die "port $port is taken by another process: cannot resume keystone on it"
  pid=$(cat "$wd/uwsgi.pid")
  KS_WD=$wd
  trap 'rc=$?; [ "$rc" -eq 0 ] || do_stop "$KS_WD" >/dev/null 2>&1 || true' EXIT
  wait_ready "$wd" "$pid"
  sed -i "s/^KEYSTONE_PID=.*/KEYSTONE_PID=$pid/" "$wd/keystone.env"
  trap - EXIT
  log "keystone ready at http://127.0.0.1:$port"
  cat "$wd/keystone.env"
}

# ---------------------------------------------------------------------------------------------

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
case "$1" in
  start) do_start "$2" ;;
  stop)
    if [ -d "$2" ]; then do_stop "$(cd "$2" && pwd)"; else do_stop "$(realpath -m "$2")"; fi
    ;;
  resume)
    [ -d "$2" ] || die "no such workdir: $2"
    do_resume "$(cd "$2" && pwd)"
    ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# Runs every test of the repository, as CI does. It sets up what the tests need by itself:
# installs what is missing of the Debian packages the tests use (scripts/test-packages.txt, the one
# list) before any test starts, starts a Redis on a free loopback port for the test run, publishes the gateway once (Release: the native binary, as
# the README installs it), runs every test project of the solution, then runs the functional
# suite's HTTP tests again against that native binary as a process of its own, stops what it
# started, logs how long each phase and each test project took, and ends with one line:
# "tests: N passed, N failed" (both runs summed).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '[test.sh] %s\n' "$*" >&2; }
# phase NAME: logs how long the phase that just ended took (the run's timings, phase by phase).
phase_start=$SECONDS
phase() { log "phase: $1 took $((SECONDS - phase_start)) s"; phase_start=$SECONDS; }

# 1. Packages the tests use: every one, from the one list scripts/test-packages.txt, installed
#    here before any test starts (one apt-get update, one apt-get install, only when something is
#    missing). The helper scripts (tests/keystone, tests/glance) only check. Keystone's and
#    Glance's packages ask debconf questions (answered: no database, no admin, no endpoint) and
#    try to start their own services (a temporary policy-rc.d keeps them from it).
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$root/scripts/test-packages.txt")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
  log "installing ${missing[*]}"
  as_root debconf-set-selections <<'EOF' || { log "debconf-set-selections failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
keystone keystone/dbconfig-install boolean false
keystone keystone/dbconfig-upgrade boolean false
keystone keystone/dbconfig-remove boolean false
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
glance-common glance/configure_db boolean false
glance-common glance/configure_rabbit boolean false
glance-common glance/configure_ksat boolean false
glance-common glance-common/dbconfig-install boolean false
glance-common glance-common/dbconfig-upgrade boolean false
glance-common glance-common/dbconfig-remove boolean false
glance-api glance/configure_api-endpoint boolean false
EOF
  policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  apt_log=$(mktemp)
  apt_rc=0
  {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  } >"$apt_log" 2>&1 || apt_rc=$?
  [ -z "$policy_added" ] || as_root rm -f /usr/sbin/policy-rc.d
  if [ "$apt_rc" -ne 0 ]; then
    tail -n 20 "$apt_log" >&2
    rm -f "$apt_log"
    log "apt-get install failed (exit $apt_rc)"
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
  rm -f "$apt_log"
  # Where a real init started a package's own service anyway, stop it: it is not the tests'.
  for service in keystone glance-api redis-server; do
    [[ " ${missing[*]} " == *" $service "* ]] && [ -x "/etc/init.d/$service" ] &&
      as_root timeout 30 "/etc/init.d/$service" stop >/dev/null 2>&1 || true
  done
fi
phase "packages (${#missing[@]} installed)"

# 2. A Redis for the run, on a free loopback port, nothing persisted.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes >/dev/null 2>&1 &
redis_pid=$!
results=$(mktemp -d)
cleanup() {
  kill "$redis_pid" 2>/dev/null
  wait "$redis_pid" 2>/dev/null
  [ -z "${pg_dir:-}" ] || bash "$root/tests/postgres/cluster.sh" destroy "$pg_dir" >/dev/null 2>&1
  rm -rf "$results" "${publish:-}" "${publish:-/nonexistent}.log" "${publish:-/nonexistent}.store"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$port" ping >/dev/null 2>&1 || { log "redis-server did not start"; echo "tests: 0 passed, 1 failed"; exit 1; }
export GLANCE_TEST_REDIS="127.0.0.1:$port"
log "redis-server on 127.0.0.1:$port"

# --- PostgreSQL (issue 12): one private cluster for the run (initdb + pg_ctl as the postgres
#     user, in a temporary folder, loopback only, on a free port), stopped and removed at the end.
#     The tests give each store a database of its own in it (GLANCE_TEST_POSTGRES); tests that stop
#     PostgreSQL start a cluster of their own with the same script. A cluster that does not start
#     fails the run here, loudly.
pg_dir=$(mktemp -d /tmp/glance-test-pg-XXXXXX)
if ! pg_port=$(bash "$root/tests/postgres/cluster.sh" start "$pg_dir"); then
  log "PostgreSQL did not start"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
export GLANCE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Timeout=5"
log "postgresql on 127.0.0.1:$pg_port ($pg_dir)"
phase "redis and postgresql started"
# --- end PostgreSQL

# 3. The gateway as the README installs it (dotnet publish, Release: Native AOT, warnings as
#    errors, so a trim or AOT warning fails the run here); the deployment tests start this
#    published executable and step 5 runs the functional HTTP tests against it.
publish=$(mktemp -d)
if ! dotnet publish "$root/src/Glance.Gateway" -c Release -o "$publish" --nologo >"$publish.log" 2>&1; then
  cat "$publish.log" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
export GLANCE_GATEWAY_PUBLISHED="$publish"
log "published gateway in $publish"
phase "native publish of the gateway"
# The store on its own publishes native too, with no trim or AOT warning (checked, then dropped).
if ! dotnet publish "$root/src/Glance.ImageStore" -c Release -o "$publish.store" --nologo >"$publish.log" 2>&1; then
  cat "$publish.log" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
rm -rf "$publish.store"
phase "native publish of the store"

# 4. Every test project of the solution.
dotnet test "$root/Glance.Gateway.sln" --logger trx --results-directory "$results" "$@"
rc=$?
phase "test projects (solution)"

# 5. The functional suite's HTTP tests (classes marked Host=Any: every feature folder) against
#    the native binary, each test's gateway started as its own process from the same settings;
#    the tests that need the gateway in process (a fake clock, its services) are marked
#    Host=InProcess and left out. Results as "native-*.trx" beside the others. The script's own
#    arguments (a --filter, say) go to step 4 only: here they would replace this filter.
log "functional HTTP tests against the native gateway ($publish/Glance.Gateway)"
GLANCE_GATEWAY_UNDER_TEST="$publish/Glance.Gateway" dotnet test "$root/tests/Glance.Gateway.Tests" --no-build \
  --filter "Host=Any&Host!=InProcess" --logger "trx;LogFilePrefix=native" --results-directory "$results"
native_rc=$?
[ "$native_rc" -eq 0 ] || rc=$native_rc
phase "functional HTTP tests against the native gateway"

# Each test project's own wall time (they run in parallel under step 4), from its result file.
python3 - "$results" <<'TIMES' >&2
import glob, os, re, sys
from datetime import datetime
def when(text):  # 2026-12-07T11:50:01.1234567+00:00: at most 6 digits of fraction for Python
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d*", r"\1", text))
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.trx"))):
    text = open(path, encoding="utf-8").read()
    times = re.search(r'<Times [^>]*start="([^"]+)"[^>]*finish="([^"]+)"', text)
    storage = re.search(r'storage="([^"]+)"', text)
    if times and storage:
        name = os.path.splitext(os.path.basename(storage.group(1)))[0]
        native = " (native binary)" if os.path.basename(path).startswith("native") else ""
        seconds = (when(times.group(2)) - when(times.group(1))).total_seconds()
        print(f"[test.sh] project: {name}{native} took {seconds:.0f} s")
TIMES

# 6. One line of totals, summed over the test projects' result files.
read -r passed failed < <(
  cat "$results"/*.trx 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
passed = sum(int(m) for m in re.findall(r"<Counters [^>]*?passed=\"(\d+)\"", text))
failed = sum(int(m) for m in re.findall(r"<Counters [^>]*?failed=\"(\d+)\"", text))
print(passed, failed)'
)
passed=${passed:-0}
failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A project that did not build or whose test host crashed reports no failures of its own.
  failed=1
fi
echo "tests: $passed passed, $failed failed"
[ "$rc" -eq 0 ]

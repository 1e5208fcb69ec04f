#!/usr/bin/env bash
# Runs every test of the repository, as CI does. It sets up what the tests need by itself:
# installs what is missing with apt (redis-server, python3-glanceclient, postgresql, and clang and
# zlib1g-dev for the native publish), starts a Redis on a
# free loopback port for the test run, publishes the gateway once (Release: the native binary, as
# the README installs it), runs every test project of the solution, then runs the functional
# suite's HTTP tests again against that native binary as a process of its own, stops what it
# started, and ends with one line: "tests: N passed, N failed" (both runs summed).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '[test.sh] %s\n' "$*" >&2; }

# 1. Packages the tests use: a real Redis server and the real Glance CLI.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v glance >/dev/null 2>&1 || missing+=(python3-glanceclient)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The native (Native AOT) publish links with clang and zlib.
command -v clang >/dev/null 2>&1 || missing+=(clang)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
# --- PostgreSQL (issue 12): Debian's server package, for the store's PostgreSQL tests.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# --- end PostgreSQL
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null || { echo "tests: 0 passed, 1 failed"; exit 1; }
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "tests: 0 passed, 1 failed"; exit 1; }
fi

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
# The store on its own publishes native too, with no trim or AOT warning (checked, then dropped).
if ! dotnet publish "$root/src/Glance.ImageStore" -c Release -o "$publish.store" --nologo >"$publish.log" 2>&1; then
  cat "$publish.log" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
rm -rf "$publish.store"

# 4. Every test project of the solution.
dotnet test "$root/Glance.Gateway.sln" --logger trx --results-directory "$results" "$@"
rc=$?

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

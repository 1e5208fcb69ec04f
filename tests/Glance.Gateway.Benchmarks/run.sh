#!/usr/bin/env bash
# The gateway benchmark (issue 4). One command:
#   bash tests/Glance.Gateway.Benchmarks/run.sh [--micro]
# builds in Release, starts on loopback a real Redis, a Keystone stub that answers at once, and the
# gateway with its hosted store; seeds images and members through the API; runs each scenario
# interleaved (warm-up, then ROUNDS rounds of S-direct S-bare S-allow S-deny403 S-deny404 S-miss
# at c=32, then S-bare/S-allow at c=1); stops everything; prints one table and the ratios.
# --micro also runs the BenchmarkDotNet micro-benchmarks (token cache hit L1/Redis, decision
# function, error body). Settings: ROUNDS (3), BENCH_SECONDS (8 per run), CONNECTIONS (32), WARMUP (8),
# STORE: "hosted" (default: the store runs in the gateway's process, as the embedded default does)
# or "process" (the store runs as its own process and the gateway fronts it with
# ImageStore__Enabled=false, as it fronts a real Glance in production; both peaks are reported).
# POLICY: "legacy" (default: Glance 25 as packaged) or "secure" (enforce_new_defaults and
# enforce_scope on, OpenStack 2024.2's default), for the gateway and the store alike.
# TELEMETRY_COMPARE=1 (hosted store only) starts a second gateway, alike but with
# Telemetry__Enabled=false and a store of its own, and adds its S-bare and S-allow to every round
# (rows S-bare/otel-off, S-allow/otel-off), so that telemetry on and off are measured interleaved.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tests/Glance.Gateway.Benchmarks"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-8}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-8}
THREADS=2
STORE=${STORE:-hosted}
case "$STORE" in hosted|process) ;; *) echo "STORE must be hosted or process" >&2; exit 2 ;; esac
POLICY=${POLICY:-legacy}
case "$POLICY" in legacy|secure) ;; *) echo "POLICY must be legacy or secure" >&2; exit 2 ;; esac
micro=0
[ "${1:-}" = "--micro" ] && micro=1

log() { printf '[bench] %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log "building in Release"
dotnet build -c Release "$here/Glance.Gateway.Benchmarks.csproj" -v quiet -nologo >/dev/null || { log "build failed"; exit 1; }
bin="$here/bin/Release/net10.0"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port); keystone_port=$(free_port); gateway_port=$(free_port); store_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & pids+=($!)
dotnet "$bin/Glance.Gateway.Benchmarks.dll" keystone-stub "http://127.0.0.1:$keystone_port" >"$work/keystone.log" 2>&1 & pids+=($!)

# The operator config, the cluster pointed at the store.
mkdir -p "$work/config"
cp "$root/config/serilog.json" "$work/config/"
python3 - "$root/config/reverse-proxy.json" "$work/config/reverse-proxy.json" "$store_port" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
# The hosted store re-points the cluster at itself; a store of its own is found here.
config["ReverseProxy"]["Clusters"]["image-store"]["Destinations"] = {"primary": {"Address": f"http://127.0.0.1:{sys.argv[3]}/"}}
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY

for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
store_pid=""
if [ "$STORE" = process ]; then
  (
    cd "$work" || exit 1
    export ImageStore__Url="http://127.0.0.1:$store_port" ImageStore__DataPath="$work/data" Logging__LogLevel__Default=Warning
    [ "$POLICY" = secure ] && export ImageStore__Policy__EnforceNewDefaults=true ImageStore__Policy__EnforceScope=true
    exec dotnet "$bin/Glance.ImageStore.dll" >"$work/store.log" 2>&1
  ) & store_pid=$!; pids+=($store_pid)
  for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$store_port/versions" && break; sleep 0.1; done
fi
# start_gateway PORT STORE_PORT NAME [NAME=value...]: a gateway (in $work/NAME) and its pid in started_pid.
start_gateway() {
  local port=$1 sport=$2 name=$3
  shift 3
  mkdir -p "$work/$name"
  (
    cd "$work/$name" || exit 1
    export ASPNETCORE_URLS="http://127.0.0.1:$port" Gateway__ConfigPath="$work/config" \
      Keystone__Url="http://127.0.0.1:$keystone_port" Keystone__Username=bench Keystone__Password=bench Keystone__ProjectName=service \
      ConnectionStrings__Redis="127.0.0.1:$redis_port" ImageStore__Url="http://127.0.0.1:$sport" ImageStore__DataPath="$work/$name/data" \
      Serilog__MinimumLevel__Default=Warning
    [ "$STORE" = process ] && export ImageStore__Enabled=false
    [ "$POLICY" = secure ] && export Policy__EnforceNewDefaults=true Policy__EnforceScope=true
    for setting in "$@"; do export "${setting?}"; done
    exec dotnet "$bin/Glance.Gateway.dll" >"$work/$name.log" 2>&1
  ) & started_pid=$!; pids+=($started_pid)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { log "gateway $name did not start"; cat "$work/$name.log" >&2; exit 1; }
}
start_gateway "$gateway_port" "$store_port" gateway
gateway_pid=$started_pid
compare=${TELEMETRY_COMPARE:-0}
if [ "$compare" = 1 ]; then
  [ "$STORE" = hosted ] || { log "TELEMETRY_COMPARE needs STORE=hosted"; exit 2; }
  off_port=$(free_port); off_store_port=$(free_port)
  start_gateway "$off_port" "$off_store_port" gateway-otel-off Telemetry__Enabled=false
  off_pid=$started_pid
fi

G="http://127.0.0.1:$gateway_port"; S="http://127.0.0.1:$store_port"
OWNER=bench-member-owner-1; MEMBER=bench-member-memberp-1; STRANGER=bench-member-strangers-1
STORE_OWNER="X-Identity-Status: Confirmed|X-User-Id: user-owner|X-Project-Id: owner|X-Roles: member,reader"
STORE_MEMBER="X-Identity-Status: Confirmed|X-User-Id: user-memberp|X-Project-Id: memberp|X-Roles: member,reader|Content-Type: application/json"

new_image() {
  curl -sf -X POST "$G/v2/images" -H "X-Auth-Token: $OWNER" -H 'Content-Type: application/json' \
    -d '{"name": "bench", "visibility": "shared", "disk_format": "raw", "container_format": "bare"}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

# seed IMAGE THREADS PER_THREAD: members m<thread>-<n> through the store's API
seed() {
  local out
  out=$(dotnet "$bin/Glance.Gateway.Benchmarks.dll" seed "$S" "$1" "$2" "$3") || { log "seeding failed: $out"; exit 1; }
  log "$out"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$gateway_pid/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/${1:-$gateway_pid}/status"; }

# run NAME CONNECTIONS THREADS BASEURL PATH MEMBER TOKEN HEADERS EXPECT
results="$work/results.txt"
run() {
  local name=$1 c=$2 t=$3 base=$4 path=$5 member=$6 token=$7 headers=$8 expect=$9
  local line
  echo 5 >"/proc/$gateway_pid/clear_refs" 2>/dev/null  # restart the peak (VmHWM) for this run
  [ -n "$store_pid" ] && echo 5 >"/proc/$store_pid/clear_refs" 2>/dev/null
  line=$(BENCH_PATH="$path" BENCH_MEMBER="$member" BENCH_TOKEN="$token" BENCH_HEADERS="$headers" BENCH_EXPECT="$expect" \
    BENCH_METHOD="${BENCH_METHOD:-DELETE}" BENCH_BODY="${BENCH_BODY:-}" \
    wrk -t"$t" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$here/scenario.lua" "$base" | grep '^RESULT')
  line="$line peak_mib=$(( $(hwm_kib) / 1024 ))"
  [ -n "$store_pid" ] && line="$line store_peak_mib=$(( $(hwm_kib "$store_pid") / 1024 ))"
  echo "$name $line" >>"$results"
  log "$name c=$c: $line"
}


deny_image() {  # an image of the owner's, shared with memberp (the deny and S-bare scenarios' target)
  local image
  image=$(new_image)
  curl -sf -X POST "$S/v2/images/$image/members" -H 'Content-Type: application/json' -H 'X-Identity-Status: Confirmed' \
    -H 'X-Project-Id: owner' -H 'X-Roles: member,reader' -d '{"member": "memberp"}' >/dev/null || { log "could not add the deny member"; exit 1; }
  echo "$image"
}
DENY_IMAGE=$(deny_image)
# use_gateway on|off: the scenarios below address the gateway (and hosted store) named here.
G_ON=$G; S_ON=$S; DENY_ON=$DENY_IMAGE; PID_ON=$gateway_pid
if [ "$compare" = 1 ]; then
  G="http://127.0.0.1:$off_port"; S="http://127.0.0.1:$off_store_port"
  G_OFF=$G; S_OFF=$S; DENY_OFF=$(deny_image); PID_OFF=$off_pid
  G=$G_ON; S=$S_ON
fi
use_gateway() {
  if [ "$1" = off ]; then G=$G_OFF; S=$S_OFF; DENY_IMAGE=$DENY_OFF; gateway_pid=$PID_OFF
  else G=$G_ON; S=$S_ON; DENY_IMAGE=$DENY_ON; gateway_pid=$PID_ON; fi
}

# Fresh-member runs delete members seeded just before on an image of their own: the warm-up
# rate times the run's length, twice over (a run that outpaces its seed shows unexpected 404s).
declare -A rate
allowed_run() {  # allowed_run NAME C T BASE PREFIX HEADERS TOKEN EXPECTED_RPS
  local image per_thread
  image=$(new_image)
  per_thread=$(( $8 * SECONDS_PER_RUN * 2 / $3 + 200 ))
  seed "$image" "$3" "$per_thread"
  run "$1" "$2" "$3" "$4" "$5/v2/images/$image/members/" fresh "$7" "$6" 204
}
# S-bare: a member write the gateway forwards without a pre-check (every member DELETE is decided
# at the edge, whatever the route): the member's own status update, one UPDATE in the store where
# S-allow's DELETE is one DELETE, plus a 250-byte JSON answer.
bare_run() {  # bare_run NAME C T
  BENCH_METHOD=PUT BENCH_BODY='{"status": "accepted"}' \
    run "$1" "$2" "$3" "$G" "/v2/images/$DENY_IMAGE/members/" memberp "$MEMBER" "Content-Type: application/json" 200
}
# S-direct-put: S-bare's request sent to the store alone, so that both kinds of write have their
# backend's own ceiling beside them.
direct_put_run() {  # direct_put_run NAME C T
  BENCH_METHOD=PUT BENCH_BODY='{"status": "accepted"}' \
    run "$1" "$2" "$3" "$S" "/v2/images/$DENY_IMAGE/members/" memberp "" "$STORE_MEMBER" 200
}
deny_runs() {  # deny_runs C T
  run S-deny403 "$1" "$2" "$G" "/v2/images/$DENY_IMAGE/members/" memberp "$MEMBER" "" 403
  run S-deny404 "$1" "$2" "$G" "/v2/images/$DENY_IMAGE/members/" memberp "$STRANGER" "" 404
  run S-miss "$1" "$2" "$G" "/v2/images/$DENY_IMAGE/members/" memberp fresh "" 404
}
rate_of() { awk -v n="$1" '$1 == n {for (i = 2; i <= NF; i++) if ($i ~ /^rps=/) {split($i, a, "="); r = a[2]}} END {print int(r)}' "$results"; }

log "warm-up (${WARMUP}s-class runs)"
SECONDS_PER_RUN_SAVED=$SECONDS_PER_RUN; SECONDS_PER_RUN=$WARMUP
allowed_run warm-direct "$CONNECTIONS" "$THREADS" "$S" "" "$STORE_OWNER" "" 20000
bare_run warm-bare "$CONNECTIONS" "$THREADS"
allowed_run warm-allow "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" 10000
deny_runs "$CONNECTIONS" "$THREADS"
if [ "$compare" = 1 ]; then
  use_gateway off
  bare_run warm-bare-off "$CONNECTIONS" "$THREADS"
  allowed_run warm-allow-off "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" 10000
  use_gateway on
fi
SECONDS_PER_RUN=$SECONDS_PER_RUN_SAVED
for s in direct bare allow; do
  r=$(rate_of "warm-$s"); rate[$s]=$(( r > 0 ? r : 1000 ))
done
# S-allow seeds as if it ran as fast as S-bare, and c=1 as fast as c=32: too many seeds cost
# a little time, too few would end a run in 404s.
(( rate[allow] < rate[bare] )) && rate[allow]=${rate[bare]}
(( rate[bare] < rate[allow] )) && rate[bare]=${rate[allow]}
rate[c1]=${rate[bare]}
: >"$results"
rss_start=$(rss_kib)

for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  allowed_run S-direct "$CONNECTIONS" "$THREADS" "$S" "" "$STORE_OWNER" "" "${rate[direct]}"
  direct_put_run S-direct-put "$CONNECTIONS" "$THREADS"
  bare_run S-bare "$CONNECTIONS" "$THREADS"
  allowed_run S-allow "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" "${rate[allow]}"
  deny_runs "$CONNECTIONS" "$THREADS"
  if [ "$compare" = 1 ]; then
    use_gateway off
    bare_run S-bare/otel-off "$CONNECTIONS" "$THREADS"
    allowed_run S-allow/otel-off "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" "${rate[allow]}"
    use_gateway on
  fi
done
for round in $(seq 1 "$ROUNDS"); do
  bare_run S-bare@c1 1 1
  allowed_run S-allow@c1 1 1 "$G" "" "" "$OWNER" "${rate[c1]}"
done
rss_end=$(rss_kib)
hwm=$(awk '{for (i = 2; i <= NF; i++) if ($i ~ /^peak_mib=/) {split($i, a, "="); if (a[2] > m) m = a[2]}} END {print m * 1024}' "$results")
redis_keys=$(redis-cli -p "$redis_port" --scan --pattern '*' | wc -l)

python3 - "$results" "$rss_start" "$rss_end" "$hwm" "$redis_keys" "$ROUNDS" "$CONNECTIONS" <<'PY'
import statistics, sys
path, rss_start, rss_end, hwm, keys, rounds, conns = sys.argv[1:]
runs = {}
for line in open(path):
    name, _, *fields = line.split()
    values = dict(f.split("=") for f in fields)
    runs.setdefault(name, []).append({k: float(v) for k, v in values.items()})
order = ["S-direct", "S-direct-put", "S-bare", "S-allow", "S-deny403", "S-deny404", "S-miss", "S-bare/otel-off", "S-allow/otel-off", "S-bare@c1", "S-allow@c1"]
med = lambda name, key: statistics.median(r[key] for r in runs[name])
separate = any("store_peak_mib" in r for rs in runs.values() for r in rs)
store_col = f" {'store MiB':>9}" if separate else ""
print(f"\n{'scenario':<16} {'RPS':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'unexpected':>10} {'errors':>7} {'peak MiB':>9}{store_col}   (median of {rounds} rounds; c={conns} unless @c1; peak RSS: highest of the rounds)")
for name in order:
    if name not in runs: continue
    store = f" {max(r['store_peak_mib'] for r in runs[name]):>9.0f}" if separate else ""
    print(f"{name:<16} {med(name, 'rps'):>8.0f} {med(name, 'p50_ms'):>8.3f} {med(name, 'p99_ms'):>8.3f} "
          f"{sum(r['requests'] for r in runs[name]):>9.0f} {sum(r['unexpected'] for r in runs[name]):>10.0f} {sum(r['errors'] for r in runs[name]):>7.0f} {max(r['peak_mib'] for r in runs[name]):>9.0f}{store}")
shape = "the store in its own process, not counted; its peak is the 'store MiB' column" if separate else "hosted store included"
print(f"\ngateway RSS: {int(rss_start)/1024:.0f} MiB after warm-up, {int(rss_end)/1024:.0f} MiB at the end, peak {int(hwm)/1024:.0f} MiB over the measured runs (gateway process, {shape})")
print(f"redis keys at the end: {keys}")
bare = med("S-bare", "rps")
print("\nratios (same run):")
print(f"  S-allow / S-bare RPS   = {med('S-allow', 'rps') / bare:.2f}   (target >= 0.60)")
print(f"  S-deny403 / S-bare RPS = {med('S-deny403', 'rps') / bare:.2f}   (target >= 0.80)")
print(f"  S-deny404 / S-bare RPS = {med('S-deny404', 'rps') / bare:.2f}   (target >= 0.80)")
print(f"  S-bare / S-direct-put  = {bare / med('S-direct-put', 'rps'):.2f}   (the gateway's cost on a forwarded write: authentication + YARP)")
print(f"  S-allow / S-direct     = {med('S-allow', 'rps') / med('S-direct', 'rps'):.2f}   (the same, plus the member-DELETE pre-check)")
d = med("S-allow@c1", "p99_ms") - med("S-bare@c1", "p99_ms")
print(f"  p99 at c=1: S-allow - S-bare = {d:+.3f} ms   (target <= +1 ms)")
print(f"  peak RSS {int(hwm)/1024:.0f} MiB   (target <= 150 MiB)")
if "S-bare/otel-off" in runs:
    print(f"  telemetry on / off: S-bare RPS = {bare / med('S-bare/otel-off', 'rps'):.3f}, S-allow RPS = {med('S-allow', 'rps') / med('S-allow/otel-off', 'rps'):.3f}   (target >= 0.95)")
bad = sum(r["unexpected"] + r["errors"] for rs in runs.values() for r in rs)
print(f"  unexpected statuses + socket errors, all scenarios: {bad:.0f}   (target 0)")
PY

if [ "$micro" -eq 1 ]; then
  log "BenchmarkDotNet micro-benchmarks"
  ( cd "$work" && GLANCE_TEST_REDIS="127.0.0.1:$redis_port" dotnet "$bin/Glance.Gateway.Benchmarks.dll" --filter '*' --join --inProcess --job short 2>&1 | sed -n '/^| *Method/,/^$/p;/^|/p' | awk '!seen[$0]++' )
fi

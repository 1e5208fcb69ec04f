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
# NATIVE_COMPARE=1 (hosted store only; not with TELEMETRY_COMPARE) compares the two forms of the
# gateway in one run: the JIT one (the Release build's Glance.Gateway.dll, built with
# -p:PublishAot=false, run with dotnet: what every other mode runs) and the native one
# (`dotnet publish src/Glance.Gateway -c Release -r linux-x64 -p:PublishAot=true
# $NATIVE_PUBLISH_ARGS`, published once into the work dir, a few minutes; NATIVE_GATEWAY=PATH uses
# an executable published before instead). Both run at once, alike (same Redis, Keystone stub and
# settings, each its own port and hosted store, each seeded); every scenario runs against both,
# the two forms back to back per scenario, the order swapped every round (rows S-allow and
# S-allow/native, ...), warm-up included; the peak RSS is per form. Then both stop, and
# startup.sh measures the start-up to the first answered request of each form (STARTS, 5, per
# form and figure); the summary gives both forms side by side, native/JIT ratios and the issue's
# targets (native peak RSS <= 80 MiB, RPS native/JIT >= 0.95, start <= 200 ms) met or not.
# NATIVE_PUBLISH_ARGS: extra publish arguments (default none), e.g. -p:TreatWarningsAsErrors=false.
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
compare=${TELEMETRY_COMPARE:-0}
native=${NATIVE_COMPARE:-0}
if [ "$native" = 1 ]; then
  [ "$STORE" = hosted ] || { echo "NATIVE_COMPARE needs STORE=hosted" >&2; exit 2; }
  [ "$compare" = 1 ] && { echo "NATIVE_COMPARE and TELEMETRY_COMPARE are one at a time" >&2; exit 2; }
fi
STARTS=${STARTS:-5}
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
# The JIT form, framework-dependent, whether or not the gateway's project sets PublishAot.
dotnet build -c Release -p:PublishAot=false "$here/Glance.Gateway.Benchmarks.csproj" -v quiet -nologo >/dev/null || { log "build failed"; exit 1; }
bin="$here/bin/Release/net10.0"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
forget() { local pid kept=(); for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done; pids=("${kept[@]}"); }

native_exe=""
if [ "$native" = 1 ]; then
  native_exe=${NATIVE_GATEWAY:-}
  if [ -z "$native_exe" ]; then
    log "publishing the native gateway (Native AOT, a few minutes)"
    # shellcheck disable=SC2086  # NATIVE_PUBLISH_ARGS is a list of arguments
    dotnet publish "$root/src/Glance.Gateway" -c Release -r linux-x64 -p:PublishAot=true ${NATIVE_PUBLISH_ARGS:-} \
      -o "$work/native" -nologo >"$work/publish.log" 2>&1 || { log "native publish failed"; tail -30 "$work/publish.log" >&2; exit 1; }
    native_exe="$work/native/Glance.Gateway"
  fi
  [ -x "$native_exe" ] || { log "no native gateway at $native_exe"; exit 1; }
fi

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
# start_gateway PORT STORE_PORT NAME [NAME=value...]: a gateway (in $work/NAME) and its pid in started_pid;
# the JIT form, or the executable in GATEWAY_EXE.
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
    [ -n "${GATEWAY_EXE:-}" ] && exec "$GATEWAY_EXE" >"$work/$name.log" 2>&1
    exec dotnet "$bin/Glance.Gateway.dll" >"$work/$name.log" 2>&1
  ) & started_pid=$!; pids+=($started_pid)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { log "gateway $name did not start"; cat "$work/$name.log" >&2; exit 1; }
}
start_gateway "$gateway_port" "$store_port" gateway
gateway_pid=$started_pid
if [ "$compare" = 1 ]; then
  [ "$STORE" = hosted ] || { log "TELEMETRY_COMPARE needs STORE=hosted"; exit 2; }
  off_port=$(free_port); off_store_port=$(free_port)
  start_gateway "$off_port" "$off_store_port" gateway-otel-off Telemetry__Enabled=false
  off_pid=$started_pid
fi
if [ "$native" = 1 ]; then
  native_port=$(free_port); native_store_port=$(free_port)
  GATEWAY_EXE=$native_exe start_gateway "$native_port" "$native_store_port" gateway-native
  native_pid=$started_pid
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
# cpu_ticks PID...: user + system CPU time of these processes, in clock ticks
cpu_ticks() { local pid; for pid in "$@"; do cat "/proc/$pid/stat"; done | awk '{s += $14 + $15} END {print s + 0}'; }
CLK_TCK=$(getconf CLK_TCK)

# run NAME CONNECTIONS THREADS BASEURL PATH MEMBER TOKEN HEADERS EXPECT
results="$work/results.txt"
run() {
  local name=$1 c=$2 t=$3 base=$4 path=$5 member=$6 token=$7 headers=$8 expect=$9
  local line pid idle=() idle_before=0
  # The other gateways, idle meanwhile: what CPU they take from this run is reported (idle_cpu_ms).
  for pid in "${PID[@]}"; do [ "$pid" != "$gateway_pid" ] && idle+=("$pid"); done
  ((${#idle[@]})) && idle_before=$(cpu_ticks "${idle[@]}")
  echo 5 >"/proc/$gateway_pid/clear_refs" 2>/dev/null  # restart the peak (VmHWM) for this run
  [ -n "$store_pid" ] && echo 5 >"/proc/$store_pid/clear_refs" 2>/dev/null
  line=$(BENCH_PATH="$path" BENCH_MEMBER="$member" BENCH_TOKEN="$token" BENCH_HEADERS="$headers" BENCH_EXPECT="$expect" \
    BENCH_METHOD="${BENCH_METHOD:-DELETE}" BENCH_BODY="${BENCH_BODY:-}" \
    wrk -t"$t" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$here/scenario.lua" "$base" | grep '^RESULT')
  line="$line peak_mib=$(( $(hwm_kib) / 1024 ))"
  [ -n "$store_pid" ] && line="$line store_peak_mib=$(( $(hwm_kib "$store_pid") / 1024 ))"
  ((${#idle[@]})) && line="$line idle_cpu_ms=$(( ($(cpu_ticks "${idle[@]}") - idle_before) * 1000 / CLK_TCK ))"
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
# use_gateway on|off|native: the scenarios below address the gateway (and hosted store) named
# here, and name their rows with its suffix (sfx): "" for the gateway, /native for the native one.
declare -A GW_URL STORE_URL DENY PID SUFFIX
add_gateway() {  # add_gateway NAME PORT STORE_PORT PID SUFFIX: its URLs, pid, and an image to deny on
  GW_URL[$1]="http://127.0.0.1:$2"; STORE_URL[$1]="http://127.0.0.1:$3"; PID[$1]=$4; SUFFIX[$1]=$5
  G=${GW_URL[$1]}; S=${STORE_URL[$1]}
  DENY[$1]=$(deny_image)
}
use_gateway() { G=${GW_URL[$1]}; S=${STORE_URL[$1]}; DENY_IMAGE=${DENY[$1]}; gateway_pid=${PID[$1]}; sfx=${SUFFIX[$1]}; }
add_gateway on "$gateway_port" "$store_port" "$gateway_pid" ""
[ "$compare" = 1 ] && add_gateway off "$off_port" "$off_store_port" "$off_pid" /otel-off
[ "$native" = 1 ] && add_gateway native "$native_port" "$native_store_port" "$native_pid" /native
use_gateway on

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
deny_run() {  # deny_run NAME C T TOKEN STATUS
  run "$1" "$2" "$3" "$G" "/v2/images/$DENY_IMAGE/members/" memberp "$4" "" "$5"
}
deny_runs() {  # deny_runs C T: the three below against the gateway in use
  deny_run "S-deny403$sfx" "$1" "$2" "$MEMBER" 403
  deny_run "S-deny404$sfx" "$1" "$2" "$STRANGER" 404
  deny_run "S-miss$sfx" "$1" "$2" fresh 404
}
# scenario NAME: one measured run of the scenario against the gateway in use, row NAME$sfx.
scenario() {
  case "$1" in
    S-direct) allowed_run "S-direct$sfx" "$CONNECTIONS" "$THREADS" "$S" "" "$STORE_OWNER" "" "${rate[direct]}" ;;
    S-direct-put) direct_put_run "S-direct-put$sfx" "$CONNECTIONS" "$THREADS" ;;
    S-bare) bare_run "S-bare$sfx" "$CONNECTIONS" "$THREADS" ;;
    S-allow) allowed_run "S-allow$sfx" "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" "${rate[allow]}" ;;
    S-deny403) deny_run "S-deny403$sfx" "$CONNECTIONS" "$THREADS" "$MEMBER" 403 ;;
    S-deny404) deny_run "S-deny404$sfx" "$CONNECTIONS" "$THREADS" "$STRANGER" 404 ;;
    S-miss) deny_run "S-miss$sfx" "$CONNECTIONS" "$THREADS" fresh 404 ;;
    S-bare@c1) bare_run "S-bare@c1$sfx" 1 1 ;;
    S-allow@c1) allowed_run "S-allow@c1$sfx" 1 1 "$G" "" "" "$OWNER" "${rate[c1]}" ;;
  esac
}
# forms ROUND: the gateways every scenario of the round runs against, back to back; with
# NATIVE_COMPARE the order is swapped every round, so that neither form always runs second.
forms() {
  if [ "$native" != 1 ]; then echo on
  elif (( $1 % 2 )); then echo on native
  else echo native on; fi
}
rate_of() { awk -v n="$1" '$1 == n {for (i = 2; i <= NF; i++) if ($i ~ /^rps=/) {split($i, a, "="); r = a[2]}} END {print int(r)}' "$results"; }

log "warm-up (${WARMUP}s-class runs)"
SECONDS_PER_RUN_SAVED=$SECONDS_PER_RUN; SECONDS_PER_RUN=$WARMUP
for form in $(forms 1); do
  use_gateway "$form"
  allowed_run "warm-direct$sfx" "$CONNECTIONS" "$THREADS" "$S" "" "$STORE_OWNER" "" 20000
  bare_run "warm-bare$sfx" "$CONNECTIONS" "$THREADS"
  allowed_run "warm-allow$sfx" "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" 10000
  deny_runs "$CONNECTIONS" "$THREADS"
done
use_gateway on
if [ "$compare" = 1 ]; then
  use_gateway off
  bare_run warm-bare-off "$CONNECTIONS" "$THREADS"
  allowed_run warm-allow-off "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" 10000
  use_gateway on
fi
SECONDS_PER_RUN=$SECONDS_PER_RUN_SAVED
for s in direct bare allow; do  # the faster form's rate, where there are two
  r=$(rate_of "warm-$s"); r2=$(rate_of "warm-$s/native"); (( r2 > r )) && r=$r2
  rate[$s]=$(( r > 0 ? r : 1000 ))
done
# S-allow seeds as if it ran as fast as S-bare, and c=1 as fast as c=32: too many seeds cost
# a little time, too few would end a run in 404s.
(( rate[allow] < rate[bare] )) && rate[allow]=${rate[bare]}
(( rate[bare] < rate[allow] )) && rate[bare]=${rate[allow]}
rate[c1]=${rate[bare]}
: >"$results"
rss="$work/rss.txt"  # FORM RSS_AFTER_WARMUP_KIB RSS_AT_END_KIB
: >"$rss"
declare -A rss_start
for form in $(forms 1); do use_gateway "$form"; rss_start[$form]=$(rss_kib); done
use_gateway on

for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  for name in S-direct S-direct-put S-bare S-allow S-deny403 S-deny404 S-miss; do
    for form in $(forms "$round"); do use_gateway "$form"; scenario "$name"; done
  done
  use_gateway on
  if [ "$compare" = 1 ]; then
    use_gateway off
    bare_run S-bare/otel-off "$CONNECTIONS" "$THREADS"
    allowed_run S-allow/otel-off "$CONNECTIONS" "$THREADS" "$G" "" "" "$OWNER" "${rate[allow]}"
    use_gateway on
  fi
done
for round in $(seq 1 "$ROUNDS"); do
  for name in S-bare@c1 S-allow@c1; do
    for form in $(forms "$round"); do use_gateway "$form"; scenario "$name"; done
  done
done
for form in $(forms 1); do use_gateway "$form"; echo "$form ${rss_start[$form]} $(rss_kib)" >>"$rss"; done
use_gateway on
redis_keys=$(redis-cli -p "$redis_port" --scan --pattern '*' | wc -l)

startup="$work/startup.txt"
: >"$startup"
access_lines=""
if [ "$native" = 1 ]; then
  # Both stop (their logs flushed) before the start-up is measured on a machine without them.
  kill "$gateway_pid" "$native_pid" 2>/dev/null
  for pid in "$gateway_pid" "$native_pid"; do wait "$pid" 2>/dev/null; forget "$pid"; done
  # The same work for both? One access-log line per request, where the form writes its log.
  access_lines="$(cat "$work"/gateway/logs/access-* 2>/dev/null | wc -l) $(cat "$work"/gateway-native/logs/access-* 2>/dev/null | wc -l)"
  log "start-up: $STARTS per form and figure"
  STARTS=$STARTS POLICY=$POLICY STARTUP_RESULTS="$startup" JIT_GATEWAY="$bin/Glance.Gateway.dll" NATIVE_GATEWAY="$native_exe" \
    REDIS_PORT=$redis_port KEYSTONE_PORT=$keystone_port GATEWAY_CONFIG="$work/config" \
    bash "$here/startup.sh" >&2 & startup_pid=$!; pids+=($startup_pid)
  wait "$startup_pid" || { log "start-up measurement failed"; exit 1; }
  forget "$startup_pid"
fi

python3 - "$results" "$rss" "$redis_keys" "$ROUNDS" "$CONNECTIONS" "$startup" "$STARTS" "$access_lines" <<'PY'
import statistics, sys
path, rss_path, keys, rounds, conns, startup_path, starts, access_lines = sys.argv[1:]
runs = {}
for line in open(path):
    name, _, *fields = line.split()
    values = dict(f.split("=") for f in fields)
    runs.setdefault(name, []).append({k: float(v) for k, v in values.items()})
rss = {form: (int(a), int(b)) for form, a, b in (line.split() for line in open(rss_path))}
order = ["S-direct", "S-direct-put", "S-bare", "S-allow", "S-deny403", "S-deny404", "S-miss", "S-bare/otel-off", "S-allow/otel-off", "S-bare@c1", "S-allow@c1"]
med = lambda name, key: statistics.median(r[key] for r in runs[name])
peak = lambda names: max(r["peak_mib"] for n in names for r in runs[n])
bad = sum(r["unexpected"] + r["errors"] for rs in runs.values() for r in rs)
if any(name.endswith("/native") for name in runs):
    # NATIVE_COMPARE: the forms side by side, then the issue's targets, each from the numbers.
    mark = lambda ok: "met" if ok else "NOT MET"
    jit_names = [n for n in runs if not n.endswith("/native")]
    native_names = [n for n in runs if n.endswith("/native")]
    print(f"\n{'scenario':<13} {'JIT RPS':>8} {'native':>8} {'n/J':>5} {'JIT p50':>8} {'JIT p99':>8} {'nat p50':>8} {'nat p99':>8} "
          f"{'requests':>9} {'unexp':>6} {'errors':>6} {'JIT MiB':>7} {'nat MiB':>7}")
    ratios = {}
    for name in order:
        nat = name + "/native"
        if name not in runs or nat not in runs: continue
        ratios[name] = med(nat, "rps") / med(name, "rps")
        both = runs[name] + runs[nat]
        print(f"{name:<13} {med(name, 'rps'):>8.0f} {med(nat, 'rps'):>8.0f} {ratios[name]:>5.2f} "
              f"{med(name, 'p50_ms'):>8.3f} {med(name, 'p99_ms'):>8.3f} {med(nat, 'p50_ms'):>8.3f} {med(nat, 'p99_ms'):>8.3f} "
              f"{sum(r['requests'] for r in both):>9.0f} {sum(r['unexpected'] for r in both):>6.0f} {sum(r['errors'] for r in both):>6.0f} "
              f"{peak([name]):>7.0f} {peak([nat]):>7.0f}")
    print(f"(RPS, p50/p99: median of {rounds} rounds; c={conns} unless @c1; requests, unexpected, errors: both forms, all rounds;"
          f" MiB: the gateway process's peak RSS (VmHWM), hosted store included, highest of the rounds)")
    jit_peak, native_peak = peak(jit_names), peak(native_names)
    for form, label, p in (("on", "JIT   ", jit_peak), ("native", "native", native_peak)):
        a, b = rss[form]
        print(f"gateway RSS, {label}: {a/1024:.0f} MiB after warm-up, {b/1024:.0f} MiB at the end, peak {p:.0f} MiB over the measured runs")
    print(f"redis keys at the end: {keys}")
    idle = [r["idle_cpu_ms"] / (r["seconds"] * 1000) for rs in runs.values() for r in rs if "idle_cpu_ms" in r]
    if idle:
        print(f"the form not under load, meanwhile: {100 * statistics.median(idle):.1f} % of one core (median over the runs; highest {100 * max(idle):.1f} %)")
    jit_lines, native_lines = (int(x) for x in access_lines.split())
    print(f"access-log lines written: JIT {jit_lines}, native {native_lines}"
          + ("" if native_lines >= 0.9 * jit_lines else "   (the native gateway logs less: the forms do not do the same work)"))
    starts_ms = {}
    for line in open(startup_path):
        form, kind, ms, status = line.split()
        starts_ms.setdefault((form, kind), []).append(float(ms))
    bad_starts = sum(1 for line in open(startup_path)
                     if (line.split()[1], line.split()[3]) not in (("healthz", "200"), ("delete", "404")))
    fig = lambda form, kind: (f"{statistics.median(starts_ms[(form, kind)]):.0f} [{min(starts_ms[(form, kind)]):.0f}-{max(starts_ms[(form, kind)]):.0f}]"
                              if (form, kind) in starts_ms else "-")
    print(f"\nstart-up, ms from the spawn to the first answer (median [min-max] of {starts}, a spawn per figure; hosted store, fresh data dir)")
    print(f"  {'form':<8} {'GET /healthz 200':>18} {'member DELETE answered':>24}")
    for form in ("jit", "native"):
        print(f"  {form:<8} {fig(form, 'healthz'):>18} {fig(form, 'delete'):>24}")
    print("\nratios (same run):       JIT  native")
    bare, nbare = med("S-bare", "rps"), med("S-bare/native", "rps")
    two = lambda a, b: f"{med(a, 'rps') / med(b, 'rps'):.2f}  {med(a + '/native', 'rps') / med(b + '/native', 'rps'):>6.2f}"
    print(f"  S-allow / S-bare RPS   {two('S-allow', 'S-bare')}   (target >= 0.60)")
    print(f"  S-deny403 / S-bare RPS {two('S-deny403', 'S-bare')}   (target >= 0.80)")
    print(f"  S-deny404 / S-bare RPS {two('S-deny404', 'S-bare')}   (target >= 0.80)")
    print(f"  S-bare / S-direct-put  {two('S-bare', 'S-direct-put')}")
    print(f"  S-allow / S-direct     {two('S-allow', 'S-direct')}")
    d = lambda s: med("S-allow@c1" + s, "p99_ms") - med("S-bare@c1" + s, "p99_ms")
    print(f"  p99 at c=1, S-allow - S-bare: {d(''):+.3f} ms JIT, {d('/native'):+.3f} ms native   (target <= +1 ms)")
    print("\ntargets (Native AOT issue), from the numbers above:")
    print(f"  native peak RSS {native_peak:.0f} MiB <= 80 MiB: {mark(native_peak <= 80)}   (JIT: {jit_peak:.0f} MiB)")
    worst = min(ratios, key=ratios.get)
    below = [n for n in ratios if ratios[n] < 0.95]
    print(f"  RPS native / JIT >= 0.95 in every scenario: {mark(not below)}   (lowest {ratios[worst]:.2f}, {worst}"
          + (f"; below: {', '.join(below)}" if below else "") + ")")
    for kind, label in (("healthz", "the first GET /healthz 200"), ("delete", "the first answered member DELETE")):
        v = starts_ms.get(("native", kind))
        m = statistics.median(v) if v else float("inf")
        j = statistics.median(starts_ms[("jit", kind)]) if ("jit", kind) in starts_ms else float("nan")
        print(f"  native start-up to {label}: median {m:.0f} ms <= 200 ms: {mark(m <= 200)}   (JIT: {j:.0f} ms)")
    print(f"  unexpected statuses + socket errors, all scenarios: {bad:.0f}; start-up: {bad_starts}   (target 0)")
    sys.exit(0)
hwm = peak([n for n in runs])
rss_start, rss_end = rss["on"]
separate = any("store_peak_mib" in r for rs in runs.values() for r in rs)
store_col = f" {'store MiB':>9}" if separate else ""
print(f"\n{'scenario':<16} {'RPS':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'unexpected':>10} {'errors':>7} {'peak MiB':>9}{store_col}   (median of {rounds} rounds; c={conns} unless @c1; peak RSS: highest of the rounds)")
for name in order:
    if name not in runs: continue
    store = f" {max(r['store_peak_mib'] for r in runs[name]):>9.0f}" if separate else ""
    print(f"{name:<16} {med(name, 'rps'):>8.0f} {med(name, 'p50_ms'):>8.3f} {med(name, 'p99_ms'):>8.3f} "
          f"{sum(r['requests'] for r in runs[name]):>9.0f} {sum(r['unexpected'] for r in runs[name]):>10.0f} {sum(r['errors'] for r in runs[name]):>7.0f} {max(r['peak_mib'] for r in runs[name]):>9.0f}{store}")
shape = "the store in its own process, not counted; its peak is the 'store MiB' column" if separate else "hosted store included"
print(f"\ngateway RSS: {rss_start/1024:.0f} MiB after warm-up, {rss_end/1024:.0f} MiB at the end, peak {hwm:.0f} MiB over the measured runs (gateway process, {shape})")
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
print(f"  peak RSS {hwm:.0f} MiB   (target <= 150 MiB)")
if "S-bare/otel-off" in runs:
    print(f"  telemetry on / off: S-bare RPS = {bare / med('S-bare/otel-off', 'rps'):.3f}, S-allow RPS = {med('S-allow', 'rps') / med('S-allow/otel-off', 'rps'):.3f}   (target >= 0.95)")
print(f"  unexpected statuses + socket errors, all scenarios: {bad:.0f}   (target 0)")
PY

if [ "$micro" -eq 1 ]; then
  log "BenchmarkDotNet micro-benchmarks"
  ( cd "$work" && GLANCE_TEST_REDIS="127.0.0.1:$redis_port" dotnet "$bin/Glance.Gateway.Benchmarks.dll" --filter '*' --join --inProcess --job short 2>&1 | sed -n '/^| *Method/,/^$/p;/^|/p' | awk '!seen[$0]++' )
fi

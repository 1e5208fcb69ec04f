#!/usr/bin/env bash
# The edge-decision benchmark (issue 21, item 7): the same request with its operation Off and
# Enforce, on the same route, interleaved. One command:
#   bash tests/Glance.Gateway.Benchmarks/edge-modes.sh
# Starts on loopback a real Redis, the Keystone stub, and two gateways alike but for
# EdgePolicy__Operations (gateway "off": get_image=Off, delete_member=Off; gateway "enforce": the
# defaults). STORE=hosted (default): each gateway hosts its own store, facts read in process.
# STORE=process: one store runs as its own process (Glance's API over HTTP, as a real Glance is
# fronted) and both gateways front it with ImageStore__Enabled=false; CACHE_SECONDS (default 2,
# the default of Backend__MetadataCacheSeconds; 0 = every decision reads the backend) sets the
# facts cache. Scenarios, ROUNDS (3) rounds of BENCH_SECONDS (8) each, c=CONNECTIONS (32):
#   get-image      GET /v2/images/{id} by the owner (200)
#   delete-member  the owner deletes a seeded member per request (204)
# Prints the median rps per scenario and mode, Enforce/Off, and in front of the store process the
# backend reads the edge added per request (glance_gateway_metadata_request_duration_seconds_count
# over the requests served).
# CANDIDATE=1 (issue 22): the cost of a candidate policy instead. Both gateways enforce; gateway
# "off" has no candidate, gateway "enforce" has one in shadow (Glance's defaults under secure RBAC,
# the switch an operator previews), so "Enforce/Off" reads "with candidate / without".
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tests/Glance.Gateway.Benchmarks"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-8}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=2
STORE=${STORE:-hosted}
CACHE_SECONDS=${CACHE_SECONDS:-2}
case "$STORE" in hosted|process) ;; *) echo "STORE must be hosted or process" >&2; exit 2 ;; esac
log() { printf '[edge-bench] %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for tool in wrk redis-server redis-cli curl; do command -v "$tool" >/dev/null || { log "needs $tool (apt-get install wrk redis-server redis-tools curl)"; exit 2; }; done

log "building in Release"
dotnet build -c Release -p:PublishAot=false "$here/Glance.Gateway.Benchmarks.csproj" -v quiet -nologo >/dev/null || { log "build failed"; exit 1; }
bin="$here/bin/Release/net10.0"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

redis_port=$(free_port); keystone_port=$(free_port); shared_store_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & pids+=($!)
dotnet "$bin/Glance.Gateway.Benchmarks.dll" keystone-stub "http://127.0.0.1:$keystone_port" >"$work/keystone.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# config_for STORE_PORT DIR: the operator config with the cluster pointed at that store.
config_for() {
  mkdir -p "$2"
  cp "$root/config/serilog.json" "$2/"
  python3 - "$root/config/reverse-proxy.json" "$2/reverse-proxy.json" "$1" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["ReverseProxy"]["Clusters"]["image-store"]["Destinations"] = {"primary": {"Address": f"http://127.0.0.1:{sys.argv[3]}/"}}
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY
}

if [ "$STORE" = process ]; then
  ( cd "$work" && ImageStore__Url="http://127.0.0.1:$shared_store_port" ImageStore__DataPath="$work/data" Logging__LogLevel__Default=Warning \
      exec dotnet "$bin/Glance.ImageStore.dll" >"$work/store.log" 2>&1 ) & pids+=($!)
  for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$shared_store_port/versions" && break; sleep 0.1; done
fi

declare -A GW STORE_URL
# start NAME [NAME=value...]: a gateway (and, hosted, its store) in $work/NAME.
start() {
  local name=$1 port sport; shift
  port=$(free_port); sport=$([ "$STORE" = process ] && echo "$shared_store_port" || free_port)
  config_for "$sport" "$work/$name/config"
  (
    cd "$work/$name" || exit 1
    export ASPNETCORE_URLS="http://127.0.0.1:$port" Gateway__ConfigPath="$work/$name/config" \
      Keystone__Url="http://127.0.0.1:$keystone_port" Keystone__Username=bench Keystone__Password=bench Keystone__ProjectName=service \
      ConnectionStrings__Redis="127.0.0.1:$redis_port" ImageStore__Url="http://127.0.0.1:$sport" ImageStore__DataPath="$work/$name/data" \
      Serilog__MinimumLevel__Default=Warning Backend__MetadataCacheSeconds="$CACHE_SECONDS"
    [ "$STORE" = process ] && export ImageStore__Enabled=false
    for setting in "$@"; do export "${setting?}"; done
    exec dotnet "$bin/Glance.Gateway.dll" >"$work/$name.log" 2>&1
  ) & pids+=($!)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { log "gateway $name did not start"; cat "$work/$name.log" >&2; exit 1; }
  GW[$name]="http://127.0.0.1:$port"; STORE_URL[$name]="http://127.0.0.1:$sport"
}
if [ -n "${CANDIDATE:-}" ]; then
  start off
  start enforce Policy__Candidate__File="$work/candidate.yaml" Policy__Candidate__EnforceNewDefaults=true Policy__Candidate__EnforceScope=true
else
  start off EdgePolicy__Operations__get_image=Off EdgePolicy__Operations__delete_member=Off
  start enforce
fi

OWNER=bench-member-owner-1
declare -A IMAGE
for mode in off enforce; do
  IMAGE[$mode]=$(curl -sf -X POST "${GW[$mode]}/v2/images" -H "X-Auth-Token: $OWNER" -H 'Content-Type: application/json' \
    -d '{"name": "bench", "visibility": "shared", "disk_format": "raw", "container_format": "bare"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
done

results="$work/results.txt"; : >"$results"
metadata_reads() { curl -sf "$1/metrics" | awk '/^glance_gateway_metadata_request_duration_seconds_count/ {s += $2} END {print s + 0}'; }
# run NAME MODE PATH MEMBER METHOD EXPECT
run() {
  local name=$1 mode=$2 path=$3 member=$4 method=$5 expect=$6 before after line
  before=$(metadata_reads "${GW[$mode]}")
  line=$(BENCH_PATH="$path" BENCH_MEMBER="$member" BENCH_TOKEN="$OWNER" BENCH_HEADERS="" BENCH_EXPECT="$expect" BENCH_METHOD="$method" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$here/scenario.lua" "${GW[$mode]}" | grep '^RESULT')
  after=$(metadata_reads "${GW[$mode]}")
  echo "$name/$mode $line reads=$(( after - before ))" >>"$results"
  log "$name/$mode: $line reads=$(( after - before ))"
}
get_image() { run get-image "$1" "/v2/images/${IMAGE[$1]}" "" GET 200; }
delete_member() {  # a fresh image with members seeded for this run (twice the warm-up rate)
  local image
  image=$(curl -sf -X POST "${GW[$1]}/v2/images" -H "X-Auth-Token: $OWNER" -H 'Content-Type: application/json' \
    -d '{"name": "bench", "visibility": "shared"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  dotnet "$bin/Glance.Gateway.Benchmarks.dll" seed "${STORE_URL[$1]}" "$image" "$THREADS" "$(( ${2:-8000} * SECONDS_PER_RUN * 2 / THREADS + 200 ))" >/dev/null || { log "seeding failed"; exit 1; }
  run delete-member "$1" "/v2/images/$image/members/" fresh DELETE 204
}
rate_of() { awk -v n="$1" '$1 == n {for (i = 2; i <= NF; i++) if ($i ~ /^rps=/) {split($i, a, "="); r = a[2]}} END {print int(r)}' "$results"; }

log "warm-up"
for mode in off enforce; do get_image "$mode"; delete_member "$mode" 8000; done
seed_rate=$(( $(rate_of delete-member/off) > $(rate_of delete-member/enforce) ? $(rate_of delete-member/off) : $(rate_of delete-member/enforce) ))
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  order="off enforce"; (( round % 2 == 0 )) && order="enforce off"
  for mode in $order; do get_image "$mode"; done
  for mode in $order; do delete_member "$mode" "$seed_rate"; done
done

python3 - "$results" "$STORE" "$CACHE_SECONDS" "$ROUNDS" "$CONNECTIONS" "${CANDIDATE:-}" <<'PY'
import statistics, sys
path, store, cache, rounds, conns, candidate = sys.argv[1:]
runs = {}
for line in open(path):
    name, _, *fields = line.split()
    runs.setdefault(name, []).append({k: float(v) for k, v in (f.split("=") for f in fields)})
med = lambda n, k: statistics.median(r[k] for r in runs[n])
print(f"store={store} facts_cache_s={cache} rounds={rounds} c={conns}" + (" (off = no candidate, enforce = with a candidate)" if candidate else ""))
print(f"{'scenario':<24}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}{'reads/req':>11}{'bad':>6}")
for name in sorted(runs):
    reads = sum(r["reads"] for r in runs[name]) / max(1, sum(r["requests"] for r in runs[name]))
    bad = sum(r["unexpected"] + r["errors"] for r in runs[name])
    print(f"{name:<24}{med(name, 'rps'):>9.0f}{med(name, 'p50_ms'):>9.3f}{med(name, 'p99_ms'):>9.3f}{reads:>11.3f}{bad:>6.0f}")
for scenario in ("get-image", "delete-member"):
    off, enforce = f"{scenario}/off", f"{scenario}/enforce"
    if off in runs and enforce in runs:
        label = "with candidate / without" if candidate else "Enforce/Off"
        print(f"{scenario}: {label} = {med(enforce, 'rps') / med(off, 'rps'):.3f}")
PY

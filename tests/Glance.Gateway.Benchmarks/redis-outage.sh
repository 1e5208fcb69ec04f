#!/usr/bin/env bash
# What a Redis outage costs (issue 11, item 2). One command:
#   bash tests/Glance.Gateway.Benchmarks/redis-outage.sh
# builds in Release, starts on loopback a real Redis, the Keystone stub (answers at once) and the
# gateway with its hosted store, as run.sh does; then measures requests with a fresh token (one
# no cache has seen: an L1 miss, so the L2 is read, Keystone asked, the L2 written) with Redis
# up, stalled (kill -STOP: the connection stays up, nothing answers) and killed (kill -9), each
# at c=1 (fresh@c1: the latency of one such request) and at c=CONNECTIONS (S-miss, run.sh's
# scenario: a member DELETE by a stranger, 404). The stalled rows start right after the STOP, so
# they include the first timeout; wrk's timeout is raised to 10 s so that slow answers count as
# latency, not errors. Prints one table.
# Settings: BENCH_SECONDS (6 per row), CONNECTIONS (32), SOURCE (the repository to build and run,
# default this one; e.g. an export of main to measure the code before the Redis circuit),
# RETRY_SECONDS (Keystone:RedisRetrySeconds, unset = the gateway's default).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE=${SOURCE:-$(cd "$here/../.." && pwd)}
SECONDS_PER_RUN=${BENCH_SECONDS:-6}
CONNECTIONS=${CONNECTIONS:-32}

log() { printf '[outage] %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for tool in wrk redis-server redis-cli; do command -v "$tool" >/dev/null || { log "$tool is missing (apt-get install -y wrk redis-server redis-tools)"; exit 1; }; done

log "building $SOURCE in Release"
dotnet build -c Release "$SOURCE/tests/Glance.Gateway.Benchmarks/Glance.Gateway.Benchmarks.csproj" -v quiet -nologo >/dev/null || { log "build failed"; exit 1; }
bin="$SOURCE/tests/Glance.Gateway.Benchmarks/bin/Release/net10.0"

work=$(mktemp -d)
pids=()
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill -CONT "$redis_pid" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port); keystone_port=$(free_port); gateway_port=$(free_port); store_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & redis_pid=$!; pids+=($redis_pid)
dotnet "$bin/Glance.Gateway.Benchmarks.dll" keystone-stub "http://127.0.0.1:$keystone_port" >"$work/keystone.log" 2>&1 & pids+=($!)
mkdir -p "$work/config"
cp "$SOURCE/config/serilog.json" "$SOURCE/config/reverse-proxy.json" "$work/config/"
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
(
  cd "$work" || exit 1
  export ASPNETCORE_URLS="http://127.0.0.1:$gateway_port" Gateway__ConfigPath="$work/config" \
    Keystone__Url="http://127.0.0.1:$keystone_port" Keystone__Username=bench Keystone__Password=bench Keystone__ProjectName=service \
    ConnectionStrings__Redis="127.0.0.1:$redis_port" ImageStore__Url="http://127.0.0.1:$store_port" ImageStore__DataPath="$work/data" \
    Serilog__MinimumLevel__Default=Warning
  [ -n "${RETRY_SECONDS:-}" ] && export Keystone__RedisRetrySeconds="$RETRY_SECONDS"
  exec dotnet "$bin/Glance.Gateway.dll" >"$work/gateway.log" 2>&1
) & gateway_pid=$!; pids+=($gateway_pid)
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null || { log "gateway did not start"; cat "$work/gateway.log" >&2; exit 1; }

G="http://127.0.0.1:$gateway_port"
OWNER=bench-member-owner-1
IMAGE=$(curl -sf -X POST "$G/v2/images" -H "X-Auth-Token: $OWNER" -H 'Content-Type: application/json' \
  -d '{"name": "outage", "visibility": "shared", "disk_format": "raw", "container_format": "bare"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') || { log "could not create the image"; exit 1; }

results="$work/results.txt"
run() {  # run NAME STATE CONNECTIONS THREADS
  local line
  line=$(BENCH_PATH="/v2/images/$IMAGE/members/" BENCH_MEMBER=memberp BENCH_TOKEN=fresh BENCH_HEADERS="" BENCH_EXPECT=404 BENCH_METHOD=DELETE \
    wrk -t"$4" -c"$3" -d"${SECONDS_PER_RUN}s" --timeout 10s --latency -s "$here/scenario.lua" "$G" | grep '^RESULT')
  echo "$1 $2 $line" >>"$results"
  log "$1 redis=$2 c=$3: $line"
}
keys() { redis-cli -p "$redis_port" dbsize 2>/dev/null || echo 0; }

log "warm-up"
run warm up 8 2
: >"$results"

run fresh@c1 up 1 1
run S-miss up "$CONNECTIONS" 2

log "kill -STOP redis"
kill -STOP "$redis_pid"
run fresh@c1 stalled 1 1
run S-miss stalled "$CONNECTIONS" 2
kill -CONT "$redis_pid"

# Back: wait until a fresh token's validation lands in Redis again (the L2 in use), at most 60 s.
log "kill -CONT redis; waiting for the L2 to be used again"
start=$(date +%s.%N); recovered=no
for i in $(seq 1 600); do
  before=$(keys)
  curl -s -o /dev/null -X DELETE "$G/v2/images/$IMAGE/members/memberp" -H "X-Auth-Token: bench-member-strangers-back-$i-$RANDOM"
  [ "$(keys)" -gt "$before" ] && { recovered=yes; break; }
  sleep 0.1
done
back_after=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
log "L2 used again: $recovered, after ${back_after}s"

log "kill -9 redis"
kill -9 "$redis_pid"; wait "$redis_pid" 2>/dev/null; redis_pid=""
run fresh@c1 killed 1 1
run S-miss killed "$CONNECTIONS" 2

unavailable=$(grep -c "Redis token cache unavailable" "$work/gateway.log")
python3 - "$results" "$SECONDS_PER_RUN" "$CONNECTIONS" "$recovered" "$back_after" "$unavailable" "$SOURCE" <<'PY'
import sys
path, seconds, conns, recovered, back, unavailable, source = sys.argv[1:]
print(f"\n{'scenario':<10} {'redis':<8} {'RPS':>8} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'unexpected':>10} {'errors':>7}   ({seconds} s per row; c=1 or c={conns}; {source})")
for line in open(path):
    name, state, _, *fields = line.split()
    v = dict(f.split("=") for f in fields)
    print(f"{name:<10} {state:<8} {float(v['rps']):>8.0f} {float(v['p50_ms']):>9.3f} {float(v['p99_ms']):>9.3f} {int(v['requests']):>9} {int(v['unexpected']):>10} {int(v['errors']):>7}")
print(f"\nafter SIGCONT the L2 was used again: {recovered}, {back} s later; 'Redis token cache unavailable' lines in the gateway log: {unavailable}")
PY

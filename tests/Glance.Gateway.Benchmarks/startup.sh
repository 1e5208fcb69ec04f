#!/usr/bin/env bash
# Start-up time of the gateway, JIT and native (issue "Native AOT"). One command:
#   bash tests/Glance.Gateway.Benchmarks/startup.sh [JIT_GATEWAY [NATIVE_GATEWAY]]
# For each form, STARTS times (alternating jit/native, the order swapped every start) and after
# STARTUP_WARMUP spawns per form that are not counted (the page cache warm, as on a host that has
# run the gateway before), spawns the gateway with run.sh's settings (hosted store, a fresh data
# dir each time, Redis, the Keystone stub) and measures, with a monotonic clock in the program that
# spawns it, from the spawn to
#   healthz: the first GET /healthz answered 200;
#   delete:  the first member DELETE answered, with a valid token that no cache has seen (a
#            stranger's, bench-member-strangers-…, on an image that does not exist: the gateway
#            asks the Keystone stub, writes Redis, runs the pre-check and answers Glance's 404).
# Each figure comes from its own spawn (a DELETE is the first request that process sees), polled
# every millisecond (connection refused until Kestrel listens); the process is then killed (-9:
# its data dir is thrown away). Prints the median and min/max per form and figure.
# The forms: JIT_GATEWAY, a framework-dependent Glance.Gateway.dll (run with dotnet) or an
# executable; NATIVE_GATEWAY, the native executable. Unset, they are built: the Release build
# (-p:PublishAot=false) and `dotnet publish -r linux-x64 -p:PublishAot=true $NATIVE_PUBLISH_ARGS`.
# Settings: STARTS (5), STARTUP_WARMUP (1), POLICY (legacy|secure, as run.sh), NATIVE_PUBLISH_ARGS
# (extra publish arguments, default none). run.sh (NATIVE_COMPARE=1) passes its own Redis
# (REDIS_PORT), Keystone stub (KEYSTONE_PORT) and config dir (GATEWAY_CONFIG); without them this
# script starts its own. STARTUP_RESULTS names a file for one line per measured spawn
# ("FORM KIND MS STATUS"), which run.sh reads.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tests/Glance.Gateway.Benchmarks"
STARTS=${STARTS:-5}
STARTUP_WARMUP=${STARTUP_WARMUP:-1}
POLICY=${POLICY:-legacy}
case "$POLICY" in legacy|secure) ;; *) echo "POLICY must be legacy or secure" >&2; exit 2 ;; esac
JIT_GATEWAY=${1:-${JIT_GATEWAY:-}}
NATIVE_GATEWAY=${2:-${NATIVE_GATEWAY:-}}
REDIS_PORT=${REDIS_PORT:-}
KEYSTONE_PORT=${KEYSTONE_PORT:-}
GATEWAY_CONFIG=${GATEWAY_CONFIG:-}

log() { printf '[startup] %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
forget() { local pid kept=(); for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done; pids=("${kept[@]}"); }

bin="$here/bin/Release/net10.0"
if [ -z "$JIT_GATEWAY" ] || [ -z "$KEYSTONE_PORT" ]; then
  log "building in Release"
  dotnet build -c Release -p:PublishAot=false "$here/Glance.Gateway.Benchmarks.csproj" -v quiet -nologo >/dev/null || { log "build failed"; exit 1; }
  [ -n "$JIT_GATEWAY" ] || JIT_GATEWAY="$bin/Glance.Gateway.dll"
fi
if [ -z "$NATIVE_GATEWAY" ]; then
  log "publishing the native gateway (a few minutes)"
  # shellcheck disable=SC2086  # NATIVE_PUBLISH_ARGS is a list of arguments
  dotnet publish "$root/src/Glance.Gateway" -c Release -r linux-x64 -p:PublishAot=true ${NATIVE_PUBLISH_ARGS:-} \
    -o "$work/native" -nologo >"$work/publish.log" 2>&1 || { log "native publish failed"; tail -30 "$work/publish.log" >&2; exit 1; }
  NATIVE_GATEWAY="$work/native/Glance.Gateway"
fi
for f in "$JIT_GATEWAY" "$NATIVE_GATEWAY"; do [ -e "$f" ] || { log "no such gateway: $f"; exit 1; }; done

if [ -z "$REDIS_PORT" ]; then
  command -v redis-server >/dev/null || { log "redis-server is missing (apt-get install -y redis-server redis-tools)"; exit 1; }
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
if [ -z "$KEYSTONE_PORT" ]; then
  KEYSTONE_PORT=$(free_port)
  dotnet "$bin/Glance.Gateway.Benchmarks.dll" keystone-stub "http://127.0.0.1:$KEYSTONE_PORT" >"$work/keystone.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$KEYSTONE_PORT/v3" && break; sleep 0.1; done
fi
if [ -z "$GATEWAY_CONFIG" ]; then
  # The hosted store re-points the cluster at itself: the operator files as they are.
  GATEWAY_CONFIG="$work/config"
  mkdir -p "$GATEWAY_CONFIG"
  cp "$root/config/serilog.json" "$root/config/reverse-proxy.json" "$GATEWAY_CONFIG/"
fi

# The settings start_gateway in run.sh gives every gateway; the spawner adds the ports and data dir.
export Gateway__ConfigPath="$GATEWAY_CONFIG" \
  Keystone__Url="http://127.0.0.1:$KEYSTONE_PORT" Keystone__Username=bench Keystone__Password=bench Keystone__ProjectName=service \
  ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT" Serilog__MinimumLevel__Default=Warning
[ "$POLICY" = secure ] && export Policy__EnforceNewDefaults=true Policy__EnforceScope=true

log "$STARTS starts per form and figure (+$STARTUP_WARMUP not counted): jit=$JIT_GATEWAY native=$NATIVE_GATEWAY"
results=${STARTUP_RESULTS:-$work/startup.txt}
: >"$results"
cat >"$work/spawner.py" <<'PY'
import os, signal, socket, statistics, subprocess, sys, time, uuid

spawn_root, results, starts, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
forms = dict(arg.split("=", 1) for arg in sys.argv[5:])
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the finally below kills the child
DEADLINE_S = 60.0
POLL_S = 0.001


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def status_of(port, request):
    """The status of one answer, or None while nothing listens."""
    s = socket.socket()
    s.settimeout(30)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        s.close()
        return None
    try:
        s.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                return None  # closed before answering: not an answer
            data += chunk
        return int(data.split(b" ", 2)[1])
    except OSError:
        return None
    finally:
        s.close()


count = 0


def spawn(form, kind):
    """Milliseconds from the spawn to the first answer of this kind, and its status."""
    global count
    count += 1
    path = forms[form]
    directory = os.path.join(spawn_root, f"{count:03d}-{form}-{kind}")
    os.makedirs(directory)
    port, store_port = free_port(), free_port()
    env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}",
               ImageStore__Url=f"http://127.0.0.1:{store_port}", ImageStore__DataPath=os.path.join(directory, "data"))
    command = ["dotnet", path] if path.endswith(".dll") else [path]
    if kind == "healthz":
        request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        wanted = lambda status: status == 200
        expect = 200
    else:
        token = f"bench-member-strangers-start-{uuid.uuid4().hex}"
        request = (f"DELETE /v2/images/{uuid.uuid4()}/members/memberp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"X-Auth-Token: {token}\r\nConnection: close\r\n\r\n").encode()
        wanted = lambda status: status is not None
        expect = 404
    log = open(os.path.join(directory, "gateway.log"), "wb")
    started = time.monotonic_ns()
    child = subprocess.Popen(command, cwd=directory, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            status = status_of(port, request)
            elapsed = (time.monotonic_ns() - started) / 1e6
            if wanted(status):
                return elapsed, status, status == expect
            if child.poll() is not None:
                log.flush()
                sys.exit(f"{form} gateway exited ({child.returncode}) before answering; see its log:\n"
                         + open(os.path.join(directory, "gateway.log"), errors="replace").read()[-3000:])
            if elapsed > DEADLINE_S * 1000:
                sys.exit(f"{form} gateway did not answer {kind} within {DEADLINE_S:.0f} s")
            time.sleep(POLL_S)
    finally:
        child.kill()
        child.wait()
        log.close()


order = ["jit", "native"]
for i in range(warmup):
    for form in order:
        spawn(form, "healthz")
with open(results, "a") as out:
    for i in range(starts):
        for form in (order if i % 2 == 0 else order[::-1]):
            for kind in ("healthz", "delete"):
                ms, status, ok = spawn(form, kind)
                out.write(f"{form} {kind} {ms:.1f} {status}\n")
                out.flush()
                print(f"[startup] {form:<6} {kind:<7} {ms:7.1f} ms  status {status}" + ("" if ok else "  (UNEXPECTED)"),
                      file=sys.stderr, flush=True)
PY
python3 "$work/spawner.py" "$work/spawns" "$results" "$STARTS" "$STARTUP_WARMUP" "jit=$JIT_GATEWAY" "native=$NATIVE_GATEWAY" </dev/null &
spawner=$!; pids+=($spawner)
wait "$spawner"; rc=$?
forget "$spawner"
[ "$rc" -eq 0 ] || { log "start-up measurement failed"; exit 1; }

python3 - "$results" "$STARTS" <<'PY'
import statistics, sys
path, starts = sys.argv[1], sys.argv[2]
runs, bad = {}, 0
for line in open(path):
    form, kind, ms, status = line.split()
    runs.setdefault((form, kind), []).append(float(ms))
    bad += (kind == "healthz" and status != "200") or (kind == "delete" and status != "404")
print(f"\nstart-up, ms from spawn to the first answer (median [min-max] of {starts}; a spawn per figure)")
print(f"{'form':<8} {'GET /healthz 200':>22} {'member DELETE answered':>24}")
for form in ("jit", "native"):
    cells = []
    for kind in ("healthz", "delete"):
        v = runs.get((form, kind), [])
        cells.append(f"{statistics.median(v):.0f} [{min(v):.0f}-{max(v):.0f}]" if v else "-")
    print(f"{form:<8} {cells[0]:>22} {cells[1]:>24}")
print(f"unexpected statuses: {bad}")
PY

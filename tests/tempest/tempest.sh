#!/usr/bin/env bash
# OpenStack's Tempest image API tests (Debian's tempest 33, glance-tempest-plugin 0.5.0) against a
# Glance-compatible image endpoint behind the real Keystone of tests/keystone/keystone.sh.
#
#   tests/tempest/tempest.sh run <workdir> <keystone.env> <image-url> <legacy|secure> [api|rbac]
#
# Registers an "image" service with a public endpoint at <image-url> in that Keystone's catalog
# (removed again at the end), serves a small image over HTTP on a free loopback port (the
# [image] http_image), makes a Tempest workspace in <workdir>/workspace (tempest init) with the
# configuration of tempest.conf.in, and runs
#   api:  tempest run --regex '^tempest\.api\.image\.' --concurrency 2   (the default)
#   rbac: tempest run --regex '^glance_tempest_plugin\.tests\.rbac\.' --concurrency 2
# leaving out the one test that needs an outside host (EXCLUDE below). Writes
#   <workdir>/results.subunit  Tempest's subunit v2 stream
#   <workdir>/trace.txt        subunit-trace's rendering of it (failures with their tracebacks)
#   <workdir>/results.txt      one line per test: <id>\t<pass|skip|fail>[\t<reason>] (results.py)
# and prints a one-line summary with the wall time. Exit 0 when the run produced results (whatever
# the tests' outcome), 1 with one "tempest.sh: ..." line when it could not run.
# <legacy|secure> is the target's policy mode: [enforce_scope] glance = False | True.
# See tests/tempest/README.md.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
CONCURRENCY=${TEMPEST_CONCURRENCY:-2}
RUN_TIMEOUT=${TEMPEST_RUN_TIMEOUT:-1500}   # seconds for the whole tempest run

# tempest.api.image.v2.test_images_negative.ImageImportNegativeTest
# .test_image_web_download_import_with_bad_url imports from http://does-not.exist/...: a name
# resolution outside this machine.
EXCLUDE='test_image_web_download_import_with_bad_url'

die() { printf 'tempest.sh: %s\n' "$*" >&2; exit 1; }
log() { [ -n "${TEMPEST_SH_QUIET:-}" ] || printf '[tempest.sh +%ss] %s\n' "$SECONDS" "$*" >&2; }
usage() { die "usage: $0 run <workdir> <keystone.env> <image-url> <legacy|secure> [api|rbac]"; }

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# keystone_call METHOD PATH [JSON] -> body; dies unless 2xx (admin token in $ADMIN_TOKEN).
keystone_call() {
  local method=$1 path=$2 data=${3:-} resp code args
  args=(-s --max-time 30 -X "$method" -H "X-Auth-Token: $ADMIN_TOKEN" -H 'Accept: application/json' -w '\n%{http_code}')
  [ -z "$data" ] || args+=(-H 'Content-Type: application/json' --data-binary "$data")
  resp=$(curl "${args[@]}" "$KEYSTONE_URL$path") || die "keystone $method $path: curl failed"
  code=${resp##*$'\n'}
  [[ "$code" == 2* ]] || die "keystone $method $path: HTTP $code: ${resp%$'\n'*}"
  printf '%s' "${resp%$'\n'*}"
}

admin_token() {
  local body hdrs code
  body=$(jq -cn --arg u "$KEYSTONE_ADMIN_USER" --arg p "$KEYSTONE_ADMIN_PASSWORD" --arg pr "$KEYSTONE_ADMIN_PROJECT" \
    '{auth: {identity: {methods: ["password"], password: {user: {name: $u, domain: {id: "default"}, password: $p}}},
      scope: {project: {name: $pr, domain: {id: "default"}}}}}')
  hdrs=$(mktemp)
  code=$(curl -s --max-time 30 -o /dev/null -D "$hdrs" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$body" "$KEYSTONE_URL/v3/auth/tokens?nocatalog") || { rm -f "$hdrs"; die "admin token: curl failed"; }
  ADMIN_TOKEN=$(awk 'tolower($1)=="x-subject-token:" {print $2}' "$hdrs" | tr -d '\r')
  rm -f "$hdrs"
  [ "$code" = 201 ] && [ -n "$ADMIN_TOKEN" ] || die "admin token from $KEYSTONE_URL: HTTP $code"
}

SERVICE_ID=""
HTTP_PID=""
cleanup() {
  if [ -n "$HTTP_PID" ]; then kill "$HTTP_PID" 2>/dev/null || true; wait "$HTTP_PID" 2>/dev/null || true; fi
  if [ -n "$SERVICE_ID" ]; then
    # Deleting the service deletes its endpoints.
    curl -s --max-time 30 -o /dev/null -X DELETE -H "X-Auth-Token: $ADMIN_TOKEN" "$KEYSTONE_URL/v3/services/$SERVICE_ID" || true
  fi
}

# serve_image DIR -> starts python's http.server on a free loopback port serving DIR; sets HTTP_PORT.
serve_image() {
  local dir=$1 attempt deadline
  for attempt in 1 2 3; do
    HTTP_PORT=$(free_port)
    "$PY" -m http.server --bind 127.0.0.1 --directory "$dir" "$HTTP_PORT" >"$WD/http.log" 2>&1 &
    HTTP_PID=$!
    deadline=$((SECONDS + 10))
    while [ "$SECONDS" -lt "$deadline" ]; do
      kill -0 "$HTTP_PID" 2>/dev/null || break
      if curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$HTTP_PORT/image.img"; then return 0; fi
      sleep 0.1
    done
    kill "$HTTP_PID" 2>/dev/null || true; wait "$HTTP_PID" 2>/dev/null || true; HTTP_PID=""
  done
  die "the image HTTP server did not start (see $WD/http.log)"
}

do_run() {
  local env_file=$2 image_url=${3%/} mode=$4 suite=${5:-api} regex enforce
  WD=$1
  case "$mode" in legacy) enforce=False ;; secure) enforce=True ;; *) usage ;; esac
  case "$suite" in
    api) regex='^tempest\.api\.image\.' ;;
    rbac) regex='^glance_tempest_plugin\.tests\.rbac\.' ;;
    *) usage ;;
  esac
  command -v tempest >/dev/null || die "tempest not found (Debian package tempest; scripts/test.sh installs it)"
  command -v subunit-trace >/dev/null || die "subunit-trace not found (Debian package python3-os-testr or tempest's dependencies)"
  [ -r "$env_file" ] || die "no keystone.env at $env_file"
  mkdir -p "$WD"
  WD=$(cd "$WD" && pwd)
  rm -rf "$WD/workspace" "$WD/image" "$WD/results.subunit" "$WD/results.txt" "$WD/trace.txt"

  # keystone.env: KEY=value lines without shell characters.
  local line
  while IFS= read -r line; do
    [[ "$line" =~ ^(KEYSTONE_[A-Z_]+)=(.*)$ ]] && printf -v "${BASH_REMATCH[1]}" '%s' "${BASH_REMATCH[2]}"
  done <"$env_file"
  [ -n "${KEYSTONE_URL:-}" ] && [ -n "${KEYSTONE_ADMIN_PASSWORD:-}" ] || die "$env_file has no KEYSTONE_URL or KEYSTONE_ADMIN_PASSWORD"

  trap cleanup EXIT
  admin_token
  log "registering image service at $image_url in $KEYSTONE_URL's catalog"
  SERVICE_ID=$(keystone_call POST /v3/services \
    "$(jq -cn '{service: {type: "image", name: "glance", enabled: true, description: "tests/tempest/tempest.sh"}}')" | jq -r .service.id)
  keystone_call POST /v3/endpoints "$(jq -cn --arg s "$SERVICE_ID" --arg r "$KEYSTONE_REGION" --arg u "$image_url" \
    '{endpoint: {service_id: $s, interface: "public", region_id: $r, url: $u, enabled: true}}')" >/dev/null

  # A small image: 1 MiB of random bytes (the web-download import and location tests fetch it).
  mkdir -p "$WD/image"
  head -c 1048576 /dev/urandom >"$WD/image/image.img"
  serve_image "$WD/image"

  log "tempest init $WD/workspace"
  # From inside WD: tempest init reads /etc/tempest/tempest.conf and logs to ./tempest.log.
  (cd "$WD" && tempest init --workspace-path "$WD/workspaces.yaml" --name "tempest-$$" "$WD/workspace" >"$WD/init.log" 2>&1) ||
    die "tempest init failed (see $WD/init.log)"
  sed -e "s|@WORKSPACE@|$WD/workspace|g" \
    -e "s|@ADMIN_USER@|$KEYSTONE_ADMIN_USER|g" -e "s|@ADMIN_PASSWORD@|$KEYSTONE_ADMIN_PASSWORD|g" \
    -e "s|@ADMIN_PROJECT@|$KEYSTONE_ADMIN_PROJECT|g" -e "s|@KEYSTONE_AUTH_URL@|$KEYSTONE_AUTH_URL|g" \
    -e "s|@REGION@|$KEYSTONE_REGION|g" -e "s|@HTTP_IMAGE@|http://127.0.0.1:$HTTP_PORT/image.img|g" \
    -e "s|@ENFORCE_SCOPE@|$enforce|g" "$here/tempest.conf.in" >"$WD/workspace/etc/tempest.conf"

  log "tempest run --regex '$regex' --exclude-regex '$EXCLUDE' --concurrency $CONCURRENCY ($suite, $mode)"
  local started=$SECONDS rc=0
  (cd "$WD/workspace" && timeout "$RUN_TIMEOUT" tempest run --config-file "$WD/workspace/etc/tempest.conf" \
    --regex "$regex" --exclude-regex "$EXCLUDE" --concurrency "$CONCURRENCY" --subunit \
    >"$WD/results.subunit" 2>"$WD/run.log") || rc=$?
  local elapsed=$((SECONDS - started))
  [ "$rc" -ne 124 ] || die "tempest run did not finish within ${RUN_TIMEOUT}s (see $WD/run.log, $WD/workspace/tempest.log)"
  subunit-trace --no-summary <"$WD/results.subunit" >"$WD/trace.txt" 2>&1 || true
  "$PY" "$here/results.py" <"$WD/results.subunit" >"$WD/results.txt" || die "could not read $WD/results.subunit (tempest exit $rc; see $WD/run.log)"
  [ -s "$WD/results.txt" ] || die "tempest ran no test (exit $rc; see $WD/run.log, $WD/workspace/tempest.log)"
  echo "$elapsed" >"$WD/seconds"
  printf 'tempest.sh: %s %s: %s pass, %s skip, %s fail in %ss (results: %s)\n' "$suite" "$mode" \
    "$(awk -F'\t' '$2=="pass"' "$WD/results.txt" | wc -l)" "$(awk -F'\t' '$2=="skip"' "$WD/results.txt" | wc -l)" \
    "$(awk -F'\t' '$2=="fail"' "$WD/results.txt" | wc -l)" "$elapsed" "$WD/results.txt"
}

[ $# -ge 5 ] && [ $# -le 6 ] || usage
case "$1" in
  run) shift; do_run "$@" ;;
  *) usage ;;
esac

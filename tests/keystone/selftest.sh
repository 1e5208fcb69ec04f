#!/usr/bin/env bash
# Self-test of tests/keystone/keystone.sh: starts a Keystone in a temporary directory, checks what
# the gateway relies on with curl and python-glanceclient, stops it. Prints one line per check and
# ends with "keystone selftest: ok" (exit 0) or the first failure (exit 1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wd=$(mktemp -d /tmp/keystone-selftest.XXXXXX)
fail() { printf 'keystone selftest: FAIL: %s\n' "$*" >&2; exit 1; }
trap '"$here/keystone.sh" stop "$wd" >/dev/null 2>&1; rm -rf "$wd"' EXIT

t0=$SECONDS
"$here/keystone.sh" start "$wd" >/dev/null || fail "keystone.sh start"
echo "start: $((SECONDS - t0)) s"
# shellcheck disable=SC1091
. "$wd/keystone.env"

token() { # USER PASSWORD PROJECT -> token (empty on failure)
  curl -s --max-time 30 -o /dev/null -D - -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --arg u "$1" --arg p "$2" --arg pr "$3" '{auth: {identity: {methods: ["password"],
      password: {user: {name: $u, domain: {id: "default"}, password: $p}}},
      scope: {project: {name: $pr, domain: {id: "default"}}}}}')" \
    "$KEYSTONE_URL/v3/auth/tokens?nocatalog" | awk 'tolower($1)=="x-subject-token:" {print $2}' | tr -d '\r'
}
validate() { # SERVICE_TOKEN SUBJECT_TOKEN -> "HTTP_CODE BODY"
  curl -s --max-time 30 -w '\n%{http_code}' -H "X-Auth-Token: $1" -H "X-Subject-Token: $2" \
    "$KEYSTONE_URL/v3/auth/tokens?nocatalog"
}

owner=$(token "$KEYSTONE_OWNER_USER" "$KEYSTONE_OWNER_PASSWORD" "$KEYSTONE_OWNER_PROJECT")
[ -n "$owner" ] || fail "no token for $KEYSTONE_OWNER_USER"
service=$(token "$KEYSTONE_SERVICE_USER" "$KEYSTONE_SERVICE_PASSWORD" "$KEYSTONE_SERVICE_PROJECT")
[ -n "$service" ] || fail "no token for $KEYSTONE_SERVICE_USER"
echo "tokens: owner-user on owner, glance-gateway on service"

resp=$(validate "$service" "$owner")
code=${resp##*$'\n'}; body=${resp%$'\n'*}
[ "$code" = 200 ] || fail "validation of the owner token: HTTP $code"
[ "$(jq -r .token.project.id <<<"$body")" = "$KEYSTONE_OWNER_PROJECT_ID" ] || fail "validated token has the wrong project"
[ "$(jq -r .token.user.id <<<"$body")" = "$KEYSTONE_OWNER_USER_ID" ] || fail "validated token has the wrong user"
roles=$(jq -r '[.token.roles[].name] | sort | join(",")' <<<"$body")
[[ ",$roles," == *,member,* ]] || fail "validated token lacks the member role: $roles"
echo "validate owner token: 200, project $KEYSTONE_OWNER_PROJECT_ID, roles $roles"

resp=$(validate "$service" "gAAAAABnot-a-token")
[ "${resp##*$'\n'}" = 404 ] || fail "validation of an invalid token: HTTP ${resp##*$'\n'} (want 404)"
echo "validate invalid token: 404"
resp=$(validate "not-a-token" "$owner")
[ "${resp##*$'\n'}" = 401 ] || fail "validation with an invalid service token: HTTP ${resp##*$'\n'} (want 401)"
echo "validate with invalid service token: 401"

[ -z "$(token "$KEYSTONE_OWNER_USER" "$KEYSTONE_OWNER_PASSWORD" "$KEYSTONE_STRANGER_PROJECT")" ] ||
  fail "owner-user got a token on the stranger project"
echo "owner-user on stranger project: refused"

if command -v glance >/dev/null; then
  out=$(timeout 60 glance --os-auth-url "$KEYSTONE_AUTH_URL" --os-username "$KEYSTONE_OWNER_USER" \
    --os-password "$KEYSTONE_OWNER_PASSWORD" --os-project-name "$KEYSTONE_OWNER_PROJECT" \
    --os-user-domain-id default --os-project-domain-id default --os-image-url http://127.0.0.1:1 image-list 2>&1)
  # Authenticated: the client gets as far as the (unreachable) image service.
  grep -q 'http://127.0.0.1:1/' <<<"$out" || fail "glance image-list did not reach the image URL: $out"
  echo "glance image-list: authenticated, then: $(head -c 100 <<<"$out")..."
fi

"$here/keystone.sh" stop "$wd" || fail "keystone.sh stop"
curl -s --max-time 5 -o /dev/null "$KEYSTONE_URL/v3" && fail "keystone still answers after stop"
t0=$SECONDS
"$here/keystone.sh" resume "$wd" >/dev/null 2>&1 || fail "keystone.sh resume"
resp=$(validate "$service" "$owner")
[ "${resp##*$'\n'}" = 200 ] || fail "after stop + resume, the owner token no longer validates: HTTP ${resp##*$'\n'}"
echo "stop, resume ($((SECONDS - t0)) s): same port, tokens issued before the stop still validate"

"$here/keystone.sh" stop "$wd" || fail "keystone.sh stop"
ss -Hltn "sport = :$KEYSTONE_PORT" | grep -q . && fail "port $KEYSTONE_PORT still listening after stop"
echo "stop: nothing listening on $KEYSTONE_PORT"
echo "keystone selftest: ok"

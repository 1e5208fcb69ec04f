#!/usr/bin/python3
"""Sends the same metadef requests to a real Glance and to the store and compares the answers.

usage: compare.py GLANCE_URL STORE_URL KEYSTONE_ENV CASES_FILE

Each line of CASES_FILE is `WHO METHOD PATH [H:Name=value] [JSON BODY]`, WHO being `admin` (project
admin, roles admin/member/reader) or `owner` (project owner, roles member/reader) of the Keystone of
tests/keystone/keystone.sh. Glance gets their tokens; the store (run with no DevIdentity) gets the
same identity as keystonemiddleware's headers. Answers are compared on status, Content-Type,
Location (host left out) and body, with timestamps replaced by TIME. A 400 whose body is Glance's
first line followed by jsonschema's report counts as SAME-BUT-REPORT (the store writes the first line).
With COMPARE_STORE_AUTH=token in the environment, the store gets the tokens too (a gateway hosting the
store, in front of the same Keystone: RealGlance/MetadefsParityTests.cs).
Both databases must hold the shipped definitions loaded in the same order: for Glance,
`glance-manage db_load_metadefs FILE` once per file of /etc/glance/metadefs in `LC_ALL=C sort` order.
"""
import json, os, re, sys, urllib.request, urllib.error

glance_url, store_url, keystone_env, cases_file = sys.argv[1:5]
env = dict(l.strip().split('=', 1) for l in open(keystone_env) if '=' in l)

def token(user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": env[user], "domain": {"id": "default"}, "password": env[password]}}},
                     "scope": {"project": {"name": env[project], "domain": {"id": "default"}}}}}
    req = urllib.request.Request(env['KEYSTONE_AUTH_URL'] + '/auth/tokens', data=json.dumps(body).encode(), headers={'Content-Type': 'application/json'})
    return urllib.request.urlopen(req).headers['X-Subject-Token']

tokens = {'admin': token('KEYSTONE_ADMIN_USER', 'KEYSTONE_ADMIN_PASSWORD', 'KEYSTONE_ADMIN_PROJECT'),
          'owner': token('KEYSTONE_OWNER_USER', 'KEYSTONE_OWNER_PASSWORD', 'KEYSTONE_OWNER_PROJECT')}
identity = {
    'admin': {'X-Identity-Status': 'Confirmed', 'X-User-Id': env['KEYSTONE_ADMIN_USER_ID'], 'X-Project-Id': env['KEYSTONE_ADMIN_PROJECT_ID'], 'X-Roles': 'admin,member,reader'},
    'owner': {'X-Identity-Status': 'Confirmed', 'X-User-Id': env['KEYSTONE_OWNER_USER_ID'], 'X-Project-Id': env['KEYSTONE_OWNER_PROJECT_ID'], 'X-Roles': 'member,reader'},
}

def call(base, who, method, path, body, headers, to_glance):
    h = dict(headers)
    by_token = to_glance or os.environ.get('COMPARE_STORE_AUTH') == 'token'
    h.update({'X-Auth-Token': tokens[who]} if by_token else identity[who])
    data = None
    if body is not None:
        data = body.encode()
        h['Content-Type'] = 'application/json'
    try:
        r = urllib.request.urlopen(urllib.request.Request(base + path, data=data, method=method, headers=h))
    except urllib.error.HTTPError as e:
        r = e
    text = re.sub(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', 'TIME', r.read().decode())
    location = r.headers.get('Location')
    return r.status, r.headers.get('Content-Type'), location and re.sub(r'^http://[^/]+', '', location), text

same = diff = 0
norm = lambda t: ' '.join(t.split())
for line in open(cases_file):
    if not line.strip() or line.startswith('#'):
        continue
    parts = line.rstrip('\n').split(' ', 3)
    who, method, path = parts[:3]
    rest = parts[3] if len(parts) > 3 else None
    headers = {}
    if rest and rest.startswith('H:'):
        header, _, rest = rest[2:].partition(' ')
        name, _, value = header.partition('=')
        headers[name] = value
        rest = rest or None
    a = call(glance_url, who, method, path, rest, headers, True)
    b = call(store_url, who, method, path, rest, headers, False)
    if a == b:
        same += 1; print('SAME', who, method, path, a[0])
    elif a[:3] == b[:3] and 'Failed validating' in a[3] and norm(a[3].split('Failed validating')[0]) == norm(b[3]):
        same += 1; print('SAME-BUT-REPORT', who, method, path, a[0])
    else:
        diff += 1; print('DIFF', who, method, path); print('  glance:', a[:3], a[3][:2000]); print('  store: ', b[:3], b[3][:2000])
print(f'{same} same, {diff} different')
sys.exit(1 if diff else 0)

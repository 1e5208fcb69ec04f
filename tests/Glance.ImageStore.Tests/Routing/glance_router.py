"""Glance 25.1's own routing, for the store's routing tests (run by /usr/bin/python3).

Reads one JSON document on stdin, {"mode": ..., "cases": [...]}, prints one JSON document:
  table     every route of glance.api.v2.router.API as its mapper holds it (routes.Mapper.matchlist)
  pipeline  each request {method, target, headers, body} through Glance's own paste pipeline
            (/etc/glance/glance-api-paste.ini, pipeline glance-api: cors, healthcheck,
            http_proxy_to_wsgi, versionnegotiation, osprofiler, unauthenticated-context, rootapp),
            with the environ eventlet's wsgi server builds from a raw request target. Only
            wsgi.Router._dispatch is replaced: a matched reject route still raises Glance's own 405,
            no match still answers Glance's own 404/501, and a matched operation answers 299 with
            the route (controller module, action, arguments, REQUEST_METHOD) instead of running it.
  override  the REQUEST_METHOD routes.middleware.RoutesMiddleware matches with, per query string
  unquote   webob.compat.unquote over byte strings (hex in, hex out)
  json      glance.common.wsgi.JSONRequestDeserializer.from_json over bodies (hex): None or the 400's explanation
  upper     the non-ASCII code points whose str.upper() holds an ASCII character
"""
import io
import json
import logging
import sys
import urllib.parse
import warnings

warnings.simplefilter('ignore')
logging.disable(logging.CRITICAL)

try:
    import routes
    import routes.middleware
    import webob
    import webob.compat
    import webob.dec
    import webob.exc
    from oslo_config import cfg
    cfg.CONF([], project='glance', default_config_files=[])
    import glance.api.v2.router as v2router
    from glance.common import wsgi
    from paste.deploy import loadapp
except ImportError as e:
    sys.stderr.write('MISSING: Glance 25 is not importable by /usr/bin/python3 '
                     '(apt-get install python3-glance glance-api): %s\n' % e)
    sys.exit(3)

data = json.load(sys.stdin)
mode = data['mode']


def controller_module(resource):
    return type(resource.controller).__module__.rsplit('.', 1)[1]


def table():
    api = v2router.API(wsgi.APIMapper())
    api.map.routematch('/images', {'REQUEST_METHOD': 'GET'})  # compiles every route's regexp
    out = []
    for route in api.map.matchlist:
        d = route.defaults
        entry = {'path': route.routepath, 'regexp': route.regexp, 'methods': None, 'controller': None,
                 'action': d.get('action'), 'allowed_methods': d.get('allowed_methods'),
                 'body_reject': bool(d.get('body_reject')), 'redirect': bool(route.redirect),
                 'conditions': None}
        if route.conditions:
            entry['conditions'] = sorted(route.conditions.keys())
            entry['methods'] = list(route.conditions.get('method') or [])
        if d.get('controller') is not None and d.get('action') != 'reject':
            entry['controller'] = controller_module(d['controller'])
        if route.redirect:
            entry['redirect_to'] = api.map._routenames['_redirect_%s' % id(route)].routepath
            entry['redirect_status'] = route.redirect_status
        out.append(entry)
    return {'routes': out}


def pipeline(cases):
    original = wsgi.Router._dispatch

    @webob.dec.wsgify
    def recorder(req):
        match = req.environ['wsgiorg.routing_args'][1]
        if not match or match.get('action') == 'reject':
            return original(req)
        resp = webob.Response(status=299)
        args = {k: v for k, v in match.items() if k not in ('controller', 'action', 'body_reject')}
        # Routes hands the controller PATH_INFO's latin-1 text; report the UTF-8 it stands for.
        args = {k: v.encode('latin-1').decode('utf-8', 'replace') for k, v in args.items()}
        resp.headers['X-Route'] = json.dumps({
            'controller': controller_module(match['controller']),
            'action': match['action'],
            'args': args,
            'method': req.environ['REQUEST_METHOD'],
            'body_reject': bool(match.get('body_reject')),
        })
        return resp

    wsgi.Router._dispatch = staticmethod(recorder)
    app = loadapp('config:/etc/glance/glance-api-paste.ini', name='glance-api')
    out = []
    for case in cases:
        target = case['target']
        path, _, query = target.partition('?')
        body = case.get('body', '').encode('utf-8')
        environ = webob.Request.blank('/').environ
        environ.update({
            'REQUEST_METHOD': case['method'],
            'SCRIPT_NAME': '',
            'RAW_PATH_INFO': path,
            'PATH_INFO': urllib.parse.unquote(path, encoding='latin1'),
            'QUERY_STRING': query,
            'SERVER_NAME': 'store.test',
            'SERVER_PORT': '9292',
            'HTTP_HOST': 'store.test:9292',
            'wsgi.input': io.BytesIO(body),
            'CONTENT_LENGTH': str(len(body)) if body else '',
        })
        for name, value in (case.get('headers') or {}).items():
            key = name.upper().replace('-', '_')
            environ[key if key in ('CONTENT_TYPE', 'CONTENT_LENGTH') else 'HTTP_' + key] = value
        if 'HTTP_TRANSFER_ENCODING' in environ:
            environ['CONTENT_LENGTH'] = ''  # eventlet: a chunked body has no length
        has_body = wsgi.JSONRequestDeserializer().has_body(webob.Request(dict(environ)))
        resp = webob.Request(environ).get_response(app)
        headers = {k.lower(): v for k, v in resp.headerlist}
        out.append({
            'status': resp.status_int,
            'allow': headers.get('allow'),
            'location': headers.get('location'),
            'content_type': headers.get('content-type'),
            'request_id': 'x-openstack-request-id' in headers,
            'has_body': has_body,
            'route': json.loads(headers['x-route']) if 'x-route' in headers else None,
            'body': resp.body.decode('utf-8', 'replace'),
        })
    return {'results': out}


def override(cases):
    seen = []

    class Recording(routes.Mapper):
        def routematch(self, url=None, environ=None):
            seen.append(environ['REQUEST_METHOD'])
            return None

    middleware = routes.middleware.RoutesMiddleware(lambda e, s: [], Recording(), singleton=False)
    out = []
    for case in cases:
        environ = webob.Request.blank('/').environ
        environ.update({'REQUEST_METHOD': case['method'], 'QUERY_STRING': case['query'],
                        'PATH_INFO': '/images'})
        seen.clear()
        middleware(environ, lambda status, headers: None)
        out.append(seen[0])
    return {'methods': out}


def unquote(cases):
    return {'results': [webob.compat.unquote(bytes.fromhex(c)).hex() for c in cases]}


def from_json(cases):
    deserializer = wsgi.JSONRequestDeserializer()
    out = []
    for case in cases:
        try:
            deserializer.from_json(bytes.fromhex(case))
            out.append(None)
        except webob.exc.HTTPBadRequest as e:
            out.append(e.explanation)
        except RecursionError:
            out.append('RecursionError')
    return {'results': out}


def upper():
    found = []
    for c in range(0x80, 0x110000):
        if 0xD800 <= c < 0xE000:
            continue
        u = chr(c).upper()
        if any(ord(x) < 0x80 for x in u):
            found.append([c, u])
    return {'characters': found}


if mode == 'table':
    result = table()
elif mode == 'pipeline':
    result = pipeline(data['cases'])
elif mode == 'override':
    result = override(data['cases'])
elif mode == 'unquote':
    result = unquote(data['cases'])
elif mode == 'json':
    result = from_json(data['cases'])
elif mode == 'upper':
    result = upper()
else:
    sys.stderr.write('unknown mode %r\n' % mode)
    sys.exit(2)
sys.stdout.write(json.dumps(result))

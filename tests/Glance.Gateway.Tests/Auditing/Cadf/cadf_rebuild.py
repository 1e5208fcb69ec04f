"""The gateway's CADF events against pycadf and keystonemiddleware (Debian's python3-pycadf and
python3-keystonemiddleware, /usr/lib/python3/dist-packages).

stdin: {"cases": [{"event": <a CADF event as the gateway wrote it>,
                   "request": {"method", "path", "status", "user_id", "project_id",
                               "address", "agent", "request_id"}}]}
stdout: {"results": [{"valid": is_valid() of the event rebuilt with pycadf's constructors,
                      "rebuilt": its as_dict(),
                      "keys": the rebuilt event's keys in order,
                      "keystonemiddleware": the audit.http.response event keystonemiddleware's
                                            audit middleware builds for the same request}]}

The rebuild passes each field of the event to the pycadf constructor that takes it (and the
initiator's to keystonemiddleware's ClientResource, the type its middleware uses): a field no
constructor takes fails with TypeError, a value pycadf refuses fails with ValueError.
"""
import json
import logging
import sys
import tempfile
import warnings

warnings.simplefilter('ignore')  # pycadf warns of identifiers that are not UUIDs, as keystonemiddleware's own 'glance'
logging.disable(logging.CRITICAL)
try:
    import webob
    import webob.dec
    from keystonemiddleware import audit
    from keystonemiddleware.audit import _api
    from pycadf import event as cadf_event
    from pycadf import host as cadf_host
    from pycadf import reason as cadf_reason
    from pycadf import reporterstep as cadf_reporterstep
    from pycadf import resource as cadf_resource
except ImportError as e:
    sys.stderr.write('MISSING: pycadf or keystonemiddleware is not importable by /usr/bin/python3 '
                     '(apt-get install python3-pycadf python3-keystonemiddleware): %s\n' % e)
    sys.exit(3)

# Glance's audit map as pycadf ships it (etc/pycadf/glance_api_audit_map.conf).
GLANCE_AUDIT_MAP = """[DEFAULT]
target_endpoint_type = image

[path_keywords]
detail = None
file = None
images = image
members = member
tags = tag

[service_endpoints]
image = service/storage/image
"""

# A catalog whose image service is named glance and whose endpoint has no id (keystonemiddleware
# then takes the name for the id), found by its type as the map's target_endpoint_type says.
CATALOG = [{"type": "image", "name": "glance",
            "endpoints": [{"publicURL": "http://glance.example:9292"}]}]


def rebuild(data):
    data = dict(data)
    initiator_data = dict(data.pop('initiator'))
    host = cadf_host.Host(**initiator_data.pop('host'))
    initiator = _api.ClientResource(host=host, **initiator_data)
    target = cadf_resource.Resource(**data.pop('target'))
    observer = cadf_resource.Resource(**data.pop('observer'))
    reason = cadf_reason.Reason(**data.pop('reason'))
    data.pop('typeURI')  # the constructor sets it
    request_path = data.pop('requestPath')
    tags = data.pop('tags')
    chain = data.pop('reporterchain')
    # In keystonemiddleware's order: the event, its path and tags with the request, the reason
    # and the reporter step with the response.
    event = cadf_event.Event(initiator=initiator, target=target, observer=observer, **data)
    event.requestPath = request_path
    for tag in tags:
        event.add_tag(tag)
    event.reason = reason
    for step in chain:
        step = dict(step)
        reporter = cadf_resource.Resource(**step.pop('reporter'))
        event.add_reporterstep(cadf_reporterstep.Reporterstep(reporter=reporter, **step))
    valid = (event.is_valid() and initiator.is_valid() and target.is_valid()
             and observer.is_valid() and reason.is_valid())
    return event, valid


def keystonemiddleware_event(request, map_file):
    status = request['status']

    @webob.dec.wsgify
    def backend(req):
        return webob.Response(status=status)

    middleware = audit.AuditMiddleware(backend, audit_map_file=map_file, service_name='glance',
                                       use_oslo_messaging=False)
    sent = []

    class Capture(object):
        def notify(self, context, event_type, payload):
            sent.append((event_type, payload))

    middleware._notifier = Capture()
    environ = {'REQUEST_METHOD': request['method'],
               'HTTP_X_SERVICE_CATALOG': json.dumps(CATALOG),
               'openstack.request_id': request['request_id']}
    for key, name in (('user_id', 'HTTP_X_USER_ID'), ('project_id', 'HTTP_X_PROJECT_ID'),
                      ('address', 'REMOTE_ADDR'), ('agent', 'HTTP_USER_AGENT')):
        if request.get(key) is not None:
            environ[name] = request[key]
    webob.Request.blank(request['path'], environ=environ).get_response(middleware)
    return [payload for event_type, payload in sent if event_type == 'audit.http.response'][-1]


def main():
    cases = json.load(sys.stdin)['cases']
    with tempfile.NamedTemporaryFile('w', suffix='.conf') as audit_map:
        audit_map.write(GLANCE_AUDIT_MAP)
        audit_map.flush()
        results = []
        for case in cases:
            event, valid = rebuild(case['event'])
            rebuilt = event.as_dict()
            results.append({'valid': valid, 'rebuilt': rebuilt, 'keys': list(rebuilt.keys()),
                            'keystonemiddleware': keystonemiddleware_event(case['request'], audit_map.name)})
    json.dump({'results': results}, sys.stdout)


main()

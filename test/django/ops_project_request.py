"""One HTTP request through the whole test project (middleware, URLs, DRF and SimpleJWT views) with
Django's test client, a frozen clock and per-request SimpleJWT settings. Project mode only.

Request: {"method": "GET", "path": "/jwt/me/", "headers": {"Authorization": "..."}, "json": {...},
"now": epoch seconds, "jwt": {SIMPLE_JWT overrides}}. Answer: {"status", "body" (JSON or text),
"headers": {lower-case name: value}}.
"""
import json

from oracle_context import request_context, require_project


def header_meta(headers):
    """Header names as WSGI puts them in META (HTTP_X_Y), values as latin-1 text like a real server."""
    meta = {}
    for name, value in (headers or {}).items():
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).decode('latin-1')
        key = name.upper().replace('-', '_')
        meta[key if key in ('CONTENT_TYPE', 'CONTENT_LENGTH') else 'HTTP_' + key] = value
    return meta


def render(response):
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = response.content.decode('utf-8', 'replace')
    headers = {name.lower(): value for name, value in response.items()}
    return {'status': response.status_code, 'body': body, 'headers': headers}


def project_request(req):
    require_project('project_request')
    import rest_framework_simplejwt.views  # noqa: F401 - loaded before the clock and settings are patched
    from django.test import Client

    with request_context(req):
        client = Client()
        method = req.get('method', 'GET').lower()
        kwargs = header_meta(req.get('headers'))
        if 'json' in req:
            response = getattr(client, method)(req['path'], data=json.dumps(req['json']), content_type='application/json', **kwargs)
        else:
            response = getattr(client, method)(req['path'], **kwargs)
        return render(response)


OPS = {'project_request': project_request}

"""Ground-truth oracle: runs a real Django (any installed line) on requests from the TS tests.

Reads one JSON document on stdin: a list of requests {"op": name, ...}. Writes a JSON list of
results in the same order. Each result is {"ok": value} or {"error": "ExceptionClass: message"}.
Bytes travel as {"$b64": "..."} so that non-UTF-8 data survives the trip.

Ops live in ops_*.py modules beside this file; each exports OPS = {name: function(req)}.
Started by oracle.ts with the runner of test/django/django-line.ts (DJANGO_LINE picks the line).
With DJANGO_BRIDGE_ORACLE_PROJECT=1 it runs on the test project's settings and database instead
(oracle.ts djangoProjectBatch): the DRF, SimpleJWT and password-reset ops read and write real tables.
"""
import base64
import importlib
import json
import os
import pkgutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django
from django.conf import settings
from django.contrib.auth import hashers as hasher_module  # reads no setting at import time

# Every built-in hasher, preferred first; a line enables those it still ships (sha1 and the
# unsalted ones went in 5.0, crypt in 5.1, scrypt came in 4.0).
HASHER_CLASSES = [
    'PBKDF2PasswordHasher',
    'PBKDF2SHA1PasswordHasher',
    'Argon2PasswordHasher',
    'BCryptSHA256PasswordHasher',
    'BCryptPasswordHasher',
    'ScryptPasswordHasher',
    'SHA1PasswordHasher',
    'MD5PasswordHasher',
    'UnsaltedSHA1PasswordHasher',
    'UnsaltedMD5PasswordHasher',
    'CryptPasswordHasher',
]

PROJECT_MODE = os.environ.get('DJANGO_BRIDGE_ORACLE_PROJECT') == '1'
if PROJECT_MODE:
    # Project mode (oracle.ts djangoProjectBatch): the test project's settings and database, from its
    # DJANGO_* environment, with DRF and SimpleJWT installed; ops that need tables run here.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'project'))
    os.environ['DJANGO_SETTINGS_MODULE'] = 'bridge_site.settings'
    from bridge_site import settings as project_settings

    if project_settings.BRIDGE_REFUSED:
        raise SystemExit('Django %s cannot run this configuration: %s' % (django.get_version(), '; '.join(project_settings.BRIDGE_REFUSED)))
else:
    settings.configure(
        SECRET_KEY='oracle-default-secret-key',
        INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions'],
        DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
        USE_TZ=True,
        PASSWORD_HASHERS=['django.contrib.auth.hashers.' + name for name in HASHER_CLASSES if hasattr(hasher_module, name)],
    )
django.setup()


def to_wire(value):
    if isinstance(value, (bytes, bytearray)):
        return {'$b64': base64.b64encode(bytes(value)).decode('ascii')}
    if isinstance(value, dict):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    return value


def from_wire(value):
    if isinstance(value, dict):
        if set(value) == {'$b64'}:
            return base64.b64decode(value['$b64'])
        return {k: from_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    return value


def load_ops():
    ops = {}
    here = os.path.dirname(os.path.abspath(__file__))
    for info in pkgutil.iter_modules([here]):
        if info.name.startswith('ops_'):
            ops.update(importlib.import_module(info.name).OPS)
    return ops


def main():
    ops = load_ops()
    requests = from_wire(json.load(sys.stdin))
    results = []
    for req in requests:
        try:
            results.append({'ok': to_wire(ops[req['op']](req))})
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # reported to the test; pyo3's PanicException (pyca/bcrypt 4+) is a BaseException
            results.append({'error': '%s: %s' % (type(exc).__name__, exc)})
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()

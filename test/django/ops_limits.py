"""Ground truth for the decoders' limits: how the line's Python and Django refuse hostile input.

- base64.b64decode as Django 3.1/3.2's pre-3.1 session decoder calls it (lenient, no validate);
- Django 3.2's SessionBase.decode on a legacy session, genuine or tampered;
- int_max_str_digits: json.loads / json.dumps, int(), the text pickle opcodes, and the limits
  sys.set_int_max_str_digits accepts. A request may carry 'limit' to run under another limit.

Large ints come back as their decimal text (computed with the limit lifted) so the TS side can
compare them; failures as 'ExceptionClass: message', like every oracle error.
"""
import base64
import json
import pickle
import sys
from contextlib import contextmanager

from django.contrib.sessions.backends.db import SessionStore
from django.test.utils import override_settings


@contextmanager
def int_limit(req):
    """Runs under req['limit'] digits (when given), restoring the line's own limit afterwards."""
    saved = sys.get_int_max_str_digits()
    if req.get('limit') is not None:
        sys.set_int_max_str_digits(req['limit'])
    try:
        yield
    finally:
        sys.set_int_max_str_digits(saved)


def describe(value):
    """A JSON-safe view of a loaded value: ints as {'$int': text} (limit lifted to write them),
    floats as {'$float': their json.dumps text} (inf and nan cannot cross as JSON)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return {'$float': json.dumps(value)}
    if isinstance(value, int):
        saved = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            return {'$int': str(value)}
        finally:
            sys.set_int_max_str_digits(saved)
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    return repr(value)


def attempt(fn):
    try:
        return {'value': fn()}
    except Exception as exc:  # the refusal is the answer
        return {'raised': '%s: %s' % (type(exc).__name__, exc)}


def b64decode(req):
    """Each text through base64.b64decode(text.encode('ascii')): bytes, or the error raised."""
    return [attempt(lambda t=t: base64.b64decode(t.encode('ascii'))) for t in req['texts']]


def legacy_encode(req):
    """SessionBase._legacy_encode (3.1/3.2 only): base64(sha1 hmac ':' JSON)."""
    with override_settings(SECRET_KEY=req['key']):
        return SessionStore()._legacy_encode(req['session'])


def legacy_decode(req):
    """SessionStore().decode(text) for each text: what Django 3.2 hands the view ({} when corrupted)."""
    with override_settings(SECRET_KEY=req['key']):
        return [describe(SessionStore().decode(t)) for t in req['texts']]


def json_loads(req):
    with int_limit(req):
        return [attempt(lambda t=t: describe(json.loads(t))) for t in req['texts']]


def json_dumps_int(req):
    """json.dumps(int(text)) for each decimal text: the digits written, or the error raised."""
    results = []
    for text in req['texts']:
        saved = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        value = int(text)
        sys.set_int_max_str_digits(saved)
        with int_limit(req):
            results.append(attempt(lambda v=value: json.dumps(v)))
    return results


def int_parse(req):
    """int(data) for each byte string."""
    with int_limit(req):
        return [attempt(lambda d=d: describe(int(d))) for d in req['data']]


def pickle_loads(req):
    """pickle.loads(data) (the C unpickler, as Django uses it) for each byte string."""
    with int_limit(req):
        return [attempt(lambda d=d: describe(pickle.loads(d))) for d in req['data']]


def set_limit(req):
    """Which limits sys.set_int_max_str_digits accepts."""
    results = []
    for limit in req['limits']:
        saved = sys.get_int_max_str_digits()
        try:
            sys.set_int_max_str_digits(limit)
            results.append({'value': sys.get_int_max_str_digits()})
        except Exception as exc:
            results.append({'raised': '%s: %s' % (type(exc).__name__, exc)})
        finally:
            sys.set_int_max_str_digits(saved)
    return results


def int_limits_info(req):
    return {'default': sys.get_int_max_str_digits(), 'threshold': sys.int_info.str_digits_check_threshold}


OPS = {
    'limits_b64decode': b64decode,
    'limits_legacy_encode': legacy_encode,
    'limits_legacy_decode': legacy_decode,
    'limits_json_loads': json_loads,
    'limits_json_dumps_int': json_dumps_int,
    'limits_int_parse': int_parse,
    'limits_pickle_loads': pickle_loads,
    'limits_set_limit': set_limit,
    'limits_int_info': int_limits_info,
}

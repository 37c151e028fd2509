"""PHP serialize (phpserialize 1.3, what django-php-bridge uses) and pickle ground truth."""
import datetime
import json
import pickle

import phpserialize
import pytz
from django.contrib.sessions.serializers import PickleSerializer
from django.utils import timezone


def php_dumps(req):
    return phpserialize.dumps(json.loads(req['json']))


def php_loads(req):
    value = phpserialize.loads(req['data'], decode_strings=True)
    return normalize(value)


def normalize(value):
    # phpserialize returns every array as a dict; JSON carries str keys only.
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def bytes_repr(req):
    return str(req['data'])


EXTRA = {
    'utc': datetime.datetime(2026, 12, 6, 8, 1, 52, 469616, tzinfo=datetime.timezone.utc),
    'offset': datetime.datetime(2026, 6, 1, 12, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))),
    'pytz_utc': datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=pytz.utc),
    'paris': pytz.timezone('Europe/Paris').localize(datetime.datetime(2026, 7, 14, 10, 30)),
    'naive': datetime.datetime(2026, 12, 6, 2, 1, 53, 778659),
    'date': datetime.date(2026, 2, 28),
    'bytes': b'\x00\xffbinary',
    'empty_bytes': b'',
    'tuple': (1, 'two', 3.5),
    'big': 2 ** 80,
    'neg': -(2 ** 70),
    'floats': [float('inf'), float('-inf'), 1.5, -0.0],
    'nested': {'a': [{'b': (None, True, False)}]},
}


def pickle_dumps(req):
    value = json.loads(req['json'])
    if req.get('extra'):
        value = dict(value, **EXTRA)
        try:
            import zoneinfo
            if True:
                value['zoneinfo'] = datetime.datetime(2026, 3, 29, 3, 30, tzinfo=zoneinfo.ZoneInfo('Europe/Berlin'))
        except ImportError:
            pass
    return pickle.dumps(value, protocol=req['protocol'])


def django_pickle_session(req):
    session = json.loads(req['json'])
    session['_session_expiry'] = timezone.now()
    return {'data': PickleSerializer().dumps(session), 'expiry': session['_session_expiry'].isoformat()}


def pickle_expected_extra(req):
    """How the EXTRA values look once converted: datetimes as ISO strings in UTC (aware) or naive."""
    out = {}
    for key, value in EXTRA.items():
        out[key] = describe(value)
    try:
        import zoneinfo
        out['zoneinfo'] = describe(datetime.datetime(2026, 3, 29, 3, 30, tzinfo=zoneinfo.ZoneInfo('Europe/Berlin')))
    except ImportError:
        pass
    return out


def describe(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            return {'aware': value.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds')}
        return {'naive': value.isoformat()}
    if isinstance(value, datetime.date):
        return {'date': value.isoformat()}
    if isinstance(value, bytes):
        return {'bytes': value.hex()}
    if isinstance(value, tuple):
        return [describe(v) for v in value]
    if isinstance(value, list):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {k: describe(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool):
        return {'int': str(value)}
    if isinstance(value, float):
        return {'float': repr(value)}
    return value


class Evil:
    def __reduce__(self):
        import os
        return (os.system, ('echo pwned',))


def malicious_pickles(req):
    import builtins
    import os
    import subprocess
    return [
        pickle.dumps(Evil(), protocol=2),
        pickle.dumps(Evil(), protocol=5),
        b"cos\nsystem\n(S'echo pwned'\ntR.",
        b"cbuiltins\neval\n(V1+1\ntR.",
        pickle.dumps({'x': {1, 2}}, protocol=4),
        pickle.dumps({'x': frozenset([1])}, protocol=4),
        pickle.dumps(subprocess.Popen, protocol=4),
        pickle.dumps(datetime.time(1, 2), protocol=4),
        pickle.dumps(builtins.set, protocol=2),
        pickle.dumps(Evil, protocol=0) if False else b"c__main__\nEvil\n)\x81.",
        pickle.dumps(os.getcwd, protocol=3),
        pickle.dumps(datetime.timedelta(1), protocol=4),
        pickle.dumps(bytearray(b'x'), protocol=2),
        b"\x80\x04\x8c\x08builtins\x8c\x07getattr\x93\x8c\x02os\x8c\x06system\x93\x8c\x06system\x86R.",
        b"\x80\x04\x8c\x08zoneinfo\x8c\x08ZoneInfo\x93\x8c\x03UTC\x85R.",
    ]


OPS = {
    'php_dumps': php_dumps,
    'php_loads': php_loads,
    'bytes_repr': bytes_repr,
    'pickle_dumps': pickle_dumps,
    'django_pickle_session': django_pickle_session,
    'pickle_expected_extra': pickle_expected_extra,
    'malicious_pickles': malicious_pickles,
}

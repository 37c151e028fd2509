"""Pickle ground truth: CPython's pickle and Django's PickleSerializer.

Values cross from TS in a tagged form (see pickle.interop.spec.ts): {"$int": "..."}, {"$float": "..."},
{"$tuple": [...]}, {"$dict": [[k, v], ...]}, {"$date": [y, m, d]},
{"$dt": [y, m, d, H, M, S, us], "tz": None | "utc" | "pytz_utc" | {"offset_us": n} | {"pytz": zone} |
{"zoneinfo": zone} | {"pytz_static": zone}, "fold": 0|1}; bytes as {"$b64"} (the oracle decodes them).
`describe` says what each value is, as the TS reader must return it: aware datetimes as the
exact instant in milliseconds (floored), numbers as IEEE bytes, ints beyond 2^53 as text.
pytz values need pytz, which the Python of a line may lack (the spec asks django_info first).
"""
import datetime
import pickle
import struct
import zoneinfo

from django.contrib.sessions import serializers
from django.utils import timezone

try:
    import pytz
except ImportError:
    pytz = None

if hasattr(serializers, 'PickleSerializer'):
    PickleSerializer = serializers.PickleSerializer
    PICKLE_SERIALIZER_PATH = 'django.contrib.sessions.serializers.PickleSerializer'
else:
    class PickleSerializer:
        """Django 4.2's PickleSerializer (removed in 5.0), for sites that keep it: the highest protocol."""

        def dumps(self, obj):
            return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)

        def loads(self, data):
            return pickle.loads(data)

    PICKLE_SERIALIZER_PATH = 'ops_pickle.PickleSerializer'

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MAX_SAFE = 2 ** 53 - 1


def build_tz(spec):
    if spec == 'utc':
        return datetime.timezone.utc
    if spec == 'pytz_utc':
        return pytz.utc
    if 'offset_us' in spec:
        return datetime.timezone(datetime.timedelta(microseconds=spec['offset_us']))
    if 'zoneinfo' in spec:
        return zoneinfo.ZoneInfo(spec['zoneinfo'])
    if 'pytz_static' in spec:
        return pytz.timezone(spec['pytz_static'])
    raise ValueError(spec)


def build(value):
    if isinstance(value, dict):
        keys = set(value)
        if keys == {'$int'}:
            return int(value['$int'])
        if keys == {'$float'}:
            return float(value['$float'])
        if keys == {'$tuple'}:
            return tuple(build(v) for v in value['$tuple'])
        if keys == {'$dict'}:
            return {build(k): build(v) for k, v in value['$dict']}
        if keys == {'$date'}:
            return datetime.date(*value['$date'])
        if '$dt' in value:
            naive = datetime.datetime(*value['$dt'], fold=value.get('fold', 0))
            tz = value.get('tz')
            if tz is None:
                return naive
            if isinstance(tz, dict) and 'pytz' in tz:
                # pytz zones must be localized, never attached with tzinfo=.
                return pytz.timezone(tz['pytz']).localize(naive, is_dst=not value.get('fold', 0))
            return naive.replace(tzinfo=build_tz(tz))
        return {k: build(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build(v) for v in value]
    return value


def describe(value):
    if value is None or isinstance(value, (bool, str, bytes)):
        return value
    if isinstance(value, int):
        return {'$num': struct.pack('>d', value).hex()} if abs(value) <= MAX_SAFE else {'$int': str(value)}
    if isinstance(value, float):
        return {'$num': struct.pack('>d', value).hex()}
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            return {'$naive': value.isoformat()}
        micros = (value - EPOCH) // datetime.timedelta(microseconds=1)
        return {'$aware': micros // 1000}
    if isinstance(value, datetime.date):
        return {'$date': value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    raise TypeError('unexpected %r' % type(value))


def pickle_protocols(req):
    value = build(req['value'])
    pickles = [pickle.dumps(value, protocol=p) for p in range(pickle.HIGHEST_PROTOCOL + 1)]
    # Python's own reading of each pickle is the truth (protocols 0-3 drop PEP 495's fold, for one).
    return {'pickles': pickles, 'expected': [describe(pickle.loads(b)) for b in pickles]}


def pickle_django_session(req):
    """PickleSerializer, raw and as the signed db/cache session text (SessionStore.encode)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings
    session = build(req['value'])
    session['_session_expiry'] = timezone.now()  # pytz.utc-aware on 3.2, datetime.timezone.utc on 4.0+
    with override_settings(SESSION_SERIALIZER=PICKLE_SERIALIZER_PATH):
        encoded = SessionStore().encode(session)
    return {'raw': PickleSerializer().dumps(session), 'encoded': encoded, 'expected': describe(session), 'tz_class': type(session['_session_expiry'].tzinfo).__module__}


class Evil:
    def __reduce__(self):
        import os
        return (os.system, ('echo pwned > /tmp/pwned',))


class EvilEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('echo pwned')",))


class Plain:
    def __init__(self):
        self.x = 1


def pickle_malicious(req):
    import builtins
    import collections
    import decimal
    import os
    import subprocess
    out = {}
    for p in range(pickle.HIGHEST_PROTOCOL + 1):
        out['os.system __reduce__ p%d' % p] = pickle.dumps(Evil(), protocol=p)
        out['eval __reduce__ p%d' % p] = pickle.dumps(EvilEval(), protocol=p)
        out['instance with __dict__ p%d' % p] = pickle.dumps(Plain(), protocol=p)
        out['set p%d' % p] = pickle.dumps({'x': {1, 2}}, protocol=p)
    out.update({
        'subprocess.Popen (class)': pickle.dumps(subprocess.Popen, protocol=4),
        'subprocess.Popen call': pickle.dumps(subprocess.Popen, protocol=4)[:-1] + b'(V/bin/true\ntR.',
        'builtins.set (class)': pickle.dumps(builtins.set, protocol=2),
        'builtins.eval (function)': pickle.dumps(builtins.eval, protocol=4),
        'os.getcwd (function)': pickle.dumps(os.getcwd, protocol=3),
        'hand-written os.system': b"cos\nsystem\n(S'echo pwned'\ntR.",
        'hand-written builtins.eval': b"cbuiltins\neval\n(V1+1\ntR.",
        'getattr(builtins, eval)': b"cbuiltins\ngetattr\n(cbuiltins\n__dict__\nVeval\ntR(V1\ntR.",
        'frozenset': pickle.dumps(frozenset([1]), protocol=4),
        'bytearray p2': pickle.dumps(bytearray(b'x'), protocol=2),
        'bytearray p5': pickle.dumps(bytearray(b'x'), protocol=5),
        'datetime.time': pickle.dumps(datetime.time(1, 2), protocol=4),
        'bare timedelta': pickle.dumps(datetime.timedelta(1), protocol=4),
        'bare timezone': pickle.dumps(datetime.timezone.utc, protocol=4),
        'OrderedDict': pickle.dumps(collections.OrderedDict(a=1), protocol=4),
        'defaultdict': pickle.dumps(collections.defaultdict(int), protocol=4),
        'Decimal': pickle.dumps(decimal.Decimal('1.5'), protocol=4),
        'complex': pickle.dumps(1j, protocol=4),
        'datetime subclass state in a dict': pickle.dumps({'d': datetime.datetime(2026, 1, 1), 'e': Plain()}, protocol=5),
        'bare zoneinfo zone': pickle.dumps(zoneinfo.ZoneInfo('Europe/Paris'), protocol=4),
    })
    if pytz is not None:
        out['bare pytz zone'] = pickle.dumps(pytz.timezone('Europe/Paris'), protocol=4)
    return out


OPS = {
    'pickle_protocols': pickle_protocols,
    'pickle_django_session': pickle_django_session,
    'pickle_malicious': pickle_malicious,
}

"""Ground truth for pickleDumps: CPython's pickle.dumps of the same value, and pickle.loads of ours.

Values cross from pickle-writer.interop.spec.ts as a tagged tree that keeps object identity:
JSON str, int, true/false/null; {"$int": "..."} (any int), {"$float": "<IEEE 754 hex>"},
{"$bytes": base64, "id"}, {"$list": [...], "id"}, {"$tuple": [...], "id"}, {"$dict": [[k, v], ...], "id"},
{"$dt": [y, m, d, H, M, S, us], "utc": bool, "id"}, {"$date": [y, m, d], "id"}, and {"$ref": id} for an
object seen before. Strings are built as the writer's shareStrings option says: one interned object
per text (shared), or a new object per occurrence, which CPython caches for '' and one Latin-1 character.
Only pickle, datetime and (when the spec has checked it exists) pytz are used.
"""
import base64
import datetime
import io
import pickle
import pickletools
import struct
import sys


def fresh_str(text):
    """A str object of its own, as run-time code makes one (CPython returns its cached '' and 1-char Latin-1)."""
    return (text + '\0')[:-1]


class Builder:
    def __init__(self, share_strings, tzinfo):
        self.share = share_strings
        self.utc = datetime.timezone.utc
        if tzinfo == 'pytz.utc':
            import pytz
            self.utc = pytz.utc
        self.objects = {}
        self.strings = {}

    def text(self, value):
        if not self.share:
            return fresh_str(value)
        if value not in self.strings:
            # Interned like CPython's module names; 0/1-character texts as CPython caches them.
            self.strings[value] = sys.intern(value) if len(value) > 1 else fresh_str(value)
        return self.strings[value]

    def build(self, node):
        if isinstance(node, str):
            return self.text(node)
        if node is None or isinstance(node, (bool, int)):
            return node
        if '$ref' in node:
            return self.objects[node['$ref']]
        if '$int' in node:
            return int(node['$int'])
        if '$float' in node:
            return struct.unpack('>d', bytes.fromhex(node['$float']))[0]
        if '$bytes' in node:
            value = bytes(bytearray(base64.b64decode(node['$bytes'])))
        elif '$list' in node:
            value = [self.build(v) for v in node['$list']]
        elif '$tuple' in node:
            value = tuple(self.build(v) for v in node['$tuple'])
        elif '$dict' in node:
            value = {self.build(k): self.build(v) for k, v in node['$dict']}
        elif '$dt' in node:
            value = datetime.datetime(*node['$dt'], tzinfo=self.utc if node.get('utc') else None)
        elif '$date' in node:
            value = datetime.date(*node['$date'])
        else:
            raise ValueError('unknown node %r' % sorted(node))
        self.objects[node['id']] = value
        return value


SHARED_TYPES = (list, tuple, dict, bytes, datetime.date)


def difference(ours, theirs, path='value', pairs=None):
    """Where two values differ in type, value, order or in which objects they share; None if nowhere."""
    pairs = {} if pairs is None else pairs
    if type(ours) is not type(theirs):
        return '%s: %s, expected %s' % (path, type(ours).__name__, type(theirs).__name__)
    # One object of ours for each object of theirs, both ways; CPython's loads may hand out its
    # cached one-byte bytes (protocol 2's codecs.encode does), so those are left out.
    if isinstance(ours, SHARED_TYPES) and not (isinstance(ours, bytes) and len(ours) <= 1):
        if pairs.setdefault(('o', id(ours)), id(theirs)) != id(theirs) or pairs.setdefault(('t', id(theirs)), id(ours)) != id(ours):
            return '%s: shared differently' % path
    if isinstance(ours, float):
        return None if struct.pack('>d', ours) == struct.pack('>d', theirs) else '%s: %r != %r' % (path, ours, theirs)
    if isinstance(ours, datetime.datetime):
        same = ours == theirs and ours.replace(tzinfo=None) == theirs.replace(tzinfo=None) and ours.fold == theirs.fold and type(ours.tzinfo) is type(theirs.tzinfo)
        return None if same else '%s: %r != %r' % (path, ours, theirs)
    if isinstance(ours, (list, tuple)):
        if len(ours) != len(theirs):
            return '%s: length %d != %d' % (path, len(ours), len(theirs))
        for i, (a, b) in enumerate(zip(ours, theirs)):
            found = difference(a, b, '%s[%d]' % (path, i), pairs)
            if found:
                return found
        return None
    if isinstance(ours, dict):
        if len(ours) != len(theirs):
            return '%s: %d items != %d' % (path, len(ours), len(theirs))
        for (ka, va), (kb, vb) in zip(ours.items(), theirs.items()):
            found = difference(ka, kb, '%s key' % path, pairs) or difference(va, vb, '%s[%r]' % (path, kb), pairs)
            if found:
                return found
        return None
    return None if ours == theirs else '%s: %r != %r' % (path, ours, theirs)


def disassembly(data):
    out = io.StringIO()
    try:
        pickletools.dis(data, out=out)
    except Exception as exc:  # ours may be broken; show what was read
        out.write('!! %s: %s\n' % (type(exc).__name__, exc))
    return out.getvalue().splitlines()


def first_difference(ours, theirs):
    """The byte offset where the two pickles part, and each one's disassembly around it."""
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    near = lambda data: [line for line in disassembly(data) if _offset(line) is None or at - 40 <= _offset(line) <= at + 40]
    return {'offset': at, 'ours': near(ours)[:40], 'theirs': near(theirs)[:40]}


def _offset(line):
    head = line.split(':', 1)[0].strip()
    return int(head) if head.isdigit() else None


def pickle_write_check(req):
    """CPython's pickle.dumps of the value for each protocol, and what pickle.loads makes of ours."""
    value = Builder(req.get('share_strings', True), req.get('tzinfo', 'timezone.utc')).build(req['value'])
    results = []
    for i, protocol in enumerate(req['protocols']):
        theirs = pickle.dumps(value, protocol)
        result = {'theirs': theirs}
        ours = req['ours'][i] if i < len(req['ours']) else None  # none: the bridge refused the value
        if ours is not None:
            if ours != theirs:
                result['where'] = first_difference(ours, theirs)
            try:
                result['loads'] = difference(pickle.loads(ours), value)
            except Exception as exc:
                result['loads'] = 'pickle.loads raised %s: %s' % (type(exc).__name__, exc)
        results.append(result)
    return results


def pickle_write_cache_session(req):
    """Django's cache session engine (locmem) loading our pickle, and Django 4.0+'s RedisSerializer."""
    from django.conf import settings
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.cache import caches
    expected = Builder(True, req.get('tzinfo', 'timezone.utc')).build(req['value'])
    store = SessionStore()
    cache = caches[settings.SESSION_CACHE_ALIAS]
    key = cache.make_key(store.cache_key)  # makes the session key, which reads the cache: not under its lock
    with cache._lock:  # as LocMemCache.set stores a value, minus its own pickle.dumps
        cache._set(key, req['ours'])
    result = {'session': difference(SessionStore(store.session_key).load(), expected)}
    try:
        from django.core.cache.backends.redis import RedisSerializer
    except ImportError:  # Django 3.2 has no Redis backend
        result['redis'] = 'absent'
    else:
        result['redis'] = difference(RedisSerializer().loads(req['ours']), expected)
    return result


OPS = {
    'pickle_write_check': pickle_write_check,
    'pickle_write_cache_session': pickle_write_cache_session,
}

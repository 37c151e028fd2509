"""Ground truth for the bridge's PyMemcacheCache: a real Django PyMemcacheCache(location, params)
against the private memcached servers memcached-cache.interop.spec.ts starts.

Values cross as tagged JSON so that every Python type survives: str, true/false/null as they are;
{"$int": "digits"}, {"$float": "<IEEE 754 hex>"}, {"$bytes": base64}, {"$list": [...]},
{"$tuple": [...]}, {"$dict": [[key, value], ...]}. Strings are interned, so equal strings are one
object, as the bridge's pickle writer assumes by default (shareStrings).
"""
import base64
import struct
import sys

from django.core.cache.backends.memcached import PyMemcacheCache

MISSING = object()


def build(node):
    if isinstance(node, str):
        return sys.intern(node)
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, list):
        raise ValueError('untagged list')
    if '$int' in node:
        return int(node['$int'])
    if '$float' in node:
        return struct.unpack('>d', bytes.fromhex(node['$float']))[0]
    if '$bytes' in node:
        return base64.b64decode(node['$bytes'])
    if '$list' in node:
        return [build(v) for v in node['$list']]
    if '$tuple' in node:
        return tuple(build(v) for v in node['$tuple'])
    if '$dict' in node:
        return {build(k): build(v) for k, v in node['$dict']}
    raise ValueError('unknown node %r' % sorted(node))


def tag(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {'$int': str(value)}
    if isinstance(value, float):
        return {'$float': struct.pack('>d', value).hex()}
    if isinstance(value, bytes):
        return {'$bytes': base64.b64encode(value).decode('ascii')}
    if isinstance(value, list):
        return {'$list': [tag(v) for v in value]}
    if isinstance(value, tuple):
        return {'$tuple': [tag(v) for v in value]}
    if isinstance(value, dict):
        return {'$dict': [[tag(k), tag(v)] for k, v in value.items()]}
    return {'$repr': repr(value), 'type': type(value).__name__}


def reversed_key_func(key, key_prefix, version):
    """A KEY_FUNCTION for the spec (the bridge is given the same one)."""
    return '%s|%s|%s' % (key[::-1], version, key_prefix)


def step(cache, s):
    do = s['do']
    key = s.get('key')
    if do == 'set':
        return cache.set(key, build(s['value']), s['timeout'])
    if do == 'add':
        return cache.add(key, build(s['value']), s['timeout'])
    if do == 'get':
        value = cache.get(key, MISSING)
        return {'found': False} if value is MISSING else {'found': True, 'value': tag(value)}
    if do == 'delete':
        return cache.delete(key)
    if do == 'has_key':
        return cache.has_key(key)
    if do == 'make_key':
        return cache.make_key(key)
    if do == 'server':
        # The server pymemcache's HashClient sends this key to.
        return cache._cache.hasher.get_node(cache.make_key(key))
    raise ValueError('unknown step %r' % do)


def memcached_cache(req):
    params = dict(req.get('params') or {})
    cache = PyMemcacheCache(req['location'], params)
    results = []
    try:
        for s in req['steps']:
            try:
                results.append({'ok': step(cache, s)})
            except Exception as exc:
                results.append({'error': '%s: %s' % (type(exc).__name__, exc)})
    finally:
        cache.close()
    return results


def memcached_murmur3(req):
    from pymemcache.client.murmur3 import murmur3_32
    return [murmur3_32(text) for text in req['texts']]


def memcached_rendezvous(req):
    from pymemcache.client.rendezvous import RendezvousHash
    ring = RendezvousHash()
    for node in req['nodes']:
        ring.add_node(node)
    return [ring.get_node(key) for key in req['keys']]


OPS = {
    'memcached_cache': memcached_cache,
    'memcached_murmur3': memcached_murmur3,
    'memcached_rendezvous': memcached_rendezvous,
}

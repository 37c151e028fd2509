"""Ground truth for the bridge's Redis caches: real Django RedisCache (4.0+) and django-redis objects.

The caches are built directly, `RedisCache(location, params)` as Django's `caches` handler does,
so no setting changes. Values cross as the tagged tree of ops_pickle_write.py (Builder); what a
cache reads back returns in the same tagged form (to_node), so the spec can compare it with the
bridge. Used by test/interop/redis-cache.interop.spec.ts against a redis-server it started.
"""
import base64
import datetime
import struct

from ops_pickle_write import Builder, difference


def custom_key(key, key_prefix, version):
    """A KEY_FUNCTION of a site's own (the spec's bridge side mirrors it)."""
    return 'custom|%s|%s|%s' % (version, key_prefix, key)


def cluster_client_class():
    """Django's RedisCacheClient on redis-py's RedisCluster: how a site puts its RedisCache on a Cluster."""
    from django.core.cache.backends.redis import RedisCacheClient
    from redis.cluster import RedisCluster

    class ClusterCacheClient(RedisCacheClient):
        def get_client(self, key=None, *, write=False):
            if not hasattr(self, '_cluster'):
                self._cluster = RedisCluster.from_url(self._servers[0])
            return self._cluster

    return ClusterCacheClient


def make_cache(req):
    params = dict(req.get('params') or {})
    if req['backend'] == 'builtin':
        from django.core.cache.backends.redis import RedisCache
    else:
        from django_redis.cache import RedisCache
    cache = RedisCache(req['location'], params)
    if req.get('cluster'):
        cache._class = cluster_client_class()
    return cache


def raw_client(req):
    import redis
    location = req['location']
    first = location[0] if isinstance(location, list) else location.split(',')[0]
    if req.get('cluster'):
        from redis.cluster import RedisCluster
        return RedisCluster.from_url(first)
    return redis.Redis.from_url(first)


def to_node(value):
    """The tagged tree of a Python value, the inverse of Builder (identity is not kept)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2 ** 53 else {'$int': str(value)}
    if isinstance(value, float):
        return {'$float': struct.pack('>d', value).hex()}
    if isinstance(value, bytes):
        return {'$bytes': base64.b64encode(value).decode('ascii')}
    if isinstance(value, list):
        return {'$list': [to_node(v) for v in value]}
    if isinstance(value, tuple):
        return {'$tuple': [to_node(v) for v in value]}
    if isinstance(value, dict):
        return {'$dict': [[to_node(k), to_node(v)] for k, v in value.items()]}
    if isinstance(value, datetime.datetime):
        return {'$dt': [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond], 'utc': value.tzinfo is not None}
    if isinstance(value, datetime.date):
        return {'$date': [value.year, value.month, value.day]}
    return {'$other': '%s: %r' % (type(value).__name__, value)}


MISSING = object()


def req_is_builtin(cache):
    return type(cache).__module__ == 'django.core.cache.backends.redis'


def run_call(cache, raw, call):
    op = call['op']
    key = call.get('key')
    if op == 'make_key':
        return cache.make_key(key)
    if op == 'set':
        value = Builder(True, call.get('tzinfo', 'timezone.utc')).build(call['value'])
        return cache.set(key, value, call['timeout'])
    if op == 'add':
        value = Builder(True, call.get('tzinfo', 'timezone.utc')).build(call['value'])
        return cache.add(key, value, call['timeout'])
    if op == 'get':
        value = cache.get(key, MISSING)
        return {'missing': True} if value is MISSING else {'value': to_node(value)}
    if op == 'same':
        # Django reads `key` exactly as it reads its own entry under `other`.
        ours, theirs = cache.get(key, MISSING), cache.get(call['other'], MISSING)
        if ours is MISSING or theirs is MISSING:
            return 'missing: %s' % ('bridge entry' if ours is MISSING else 'Django entry')
        return difference(ours, theirs)
    if op == 'has_key':
        return cache.has_key(key)
    if op == 'delete':
        return cache.delete(key)
    if op == 'raw':
        return raw.get(cache.make_key(key))
    if op == 'raw_set':
        return raw.set(cache.make_key(key), call['data'])
    if op == 'ttl':
        made = cache.make_key(key)
        answer = {'ttl': raw.ttl(made), 'pttl': raw.pttl(made)}
        if not req_is_builtin(cache):
            answer['django_ttl'] = cache.ttl(key)  # django-redis's own: None for no expiry
        return answer
    if op == 'encode':
        value = Builder(True, call.get('tzinfo', 'timezone.utc')).build(call['value'])
        # What redis-py sends: bytes as they are, an int as repr(value).encode().
        encoded = cache._cache._serializer.dumps(value) if req_is_builtin(cache) else cache.client.encode(value)
        return encoded if isinstance(encoded, bytes) else repr(encoded).encode()
    if op == 'decode':
        if req_is_builtin(cache):
            return {'value': to_node(cache._cache._serializer.loads(call['data']))}
        return {'value': to_node(cache.client.decode(call['data']))}
    raise ValueError('unknown call %r' % op)


def redis_cache_calls(req):
    """Runs the calls in order on one cache; each result is {"ok": ...} or {"raised": "Class: message"}."""
    cache = make_cache(req)
    raw = raw_client(req)
    results = []
    for call in req['calls']:
        try:
            results.append({'ok': run_call(cache, raw, call)})
        except Exception as exc:  # reported per call: a refusal is an answer too
            results.append({'raised': '%s: %s' % (type(exc).__name__, exc)})
    return results


OPS = {
    'redis_cache_calls': redis_cache_calls,
}

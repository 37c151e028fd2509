import { describe, expect, it } from '@jest/globals';
import { SampleConfigError } from './sample-config-error.js';
import { loadSessionSettings } from './session-engine-settings.js';

const REDIS = 'django.core.cache.backends.redis.RedisCache';
const DJANGO_REDIS = 'django_redis.cache.RedisCache';
const MEMCACHED = 'django.core.cache.backends.memcached.PyMemcacheCache';

/**
 * What the bridge's own cache builder (createDjangoCache, which opens no connection) refuses stops
 * the sample's start-up as a SampleConfigError naming the variable behind the setting.
 */
function load(env: NodeJS.ProcessEnv) {
  return loadSessionSettings({ DJANGO_SESSION_ENGINE: 'cache', ...env }, 'json');
}

function refusal(env: NodeJS.ProcessEnv): SampleConfigError {
  try {
    load(env);
  } catch (err) {
    if (err instanceof SampleConfigError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('the cache settings, checked by the bridge before start-up', () => {
  it.each([
    [REDIS, 'redis://127.0.0.1:6380/2', {}],
    [REDIS, 'redis://primary:6379/0;redis://replica:6379/0', {}],
    [REDIS, 'unix:///run/redis/redis.sock?db=1', {}],
    [DJANGO_REDIS, 'rediss://user:pw@cache.example.com:6380/0?ssl_cert_reqs=none', { DJANGO_REDIS_SERIALIZER: 'msgpack', DJANGO_REDIS_COMPRESSOR: 'zlib' }],
    [DJANGO_REDIS, 'redis+sentinel://s1:26379/mymaster/0,redis+sentinel://s2:26379/mymaster/0', {}],
    [REDIS, 'redis://node-1:7000,redis://node-2:7000', { DJANGO_CACHE_CLUSTER: 'true' }],
    [MEMCACHED, 'cache-1:11211;cache-2:11211,[::1]:11211,unix:/run/memcached.sock', {}],
  ])('%s accepts %p', (backend, url, extra) => {
    expect(load({ DJANGO_CACHE_BACKEND: backend, DJANGO_CACHE_URL: url, ...extra }).cache).toMatchObject({ backend, location: url });
  });

  it.each([
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h:99999/0' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h:6379/zero' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h:6379/0?timeout=5' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://a,,redis://b' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://a, 127.0.0.1:6379' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: DJANGO_REDIS, DJANGO_CACHE_URL: 'redis+sentinel://s1:26379' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: DJANGO_REDIS, DJANGO_CACHE_URL: 'redis+sentinel://s1:26379/a,redis+sentinel://s2:26379/b' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://node-1:7000/3', DJANGO_CACHE_CLUSTER: 'true' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis+sentinel://s1:26379/m', DJANGO_CACHE_CLUSTER: 'true' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'cache-1:port' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'two words:11211' }, 'DJANGO_CACHE_URL'],
  ])('%j stops start-up naming %s', (env, variable) => {
    const err = refusal(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toMatch(new RegExp(`^${variable} is not usable: `));
    expect(err.message).not.toMatch(/caches\.default/);
  });

  it("masks a password in the bridge's refusal", () => {
    const err = refusal({ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://:s3cret@h:6379/zero' });
    expect(err.variable).toBe('DJANGO_CACHE_URL');
    expect(err.message).not.toContain('s3cret');
  });
});

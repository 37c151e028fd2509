/**
 * createPyMemcacheCache against private memcached servers and a listener that never answers: the
 * settings it refuses, bounded failures (CacheUnavailable), unreadable entries (SerializationError),
 * values too large, recovery, close. Timing bounds are loose on purpose (a shared 2-core machine).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CacheUnavailable, CacheValueTooLarge, ImproperlyConfigured, SerializationError, type PyMemcacheDjangoCache } from '@django-bridge/core';
import { freePort } from '../../../../../test/support/free-port.js';
import { rawGet, rawSet, startMemcached, startSilentServer, type MemcachedProcess } from '../../../../../test/support/memcached-server.js';
import type { DjangoCacheSettings } from '../django-cache-settings.js';
import { createPyMemcacheCache } from './create-pymemcache-cache.js';
import { parsePymemcacheOptions } from './pymemcache-options.js';

const BACKEND = 'django.core.cache.backends.memcached.PyMemcacheCache';
const opened: PyMemcacheDjangoCache[] = [];

function cache(location: string | string[], settings: Partial<DjangoCacheSettings> = {}): PyMemcacheDjangoCache {
  const made = createPyMemcacheCache('default', { backend: BACKEND, location, ...settings });
  opened.push(made);
  return made;
}

async function timed<T>(run: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await run();
    return { error: null, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

let server: MemcachedProcess;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await server.stop();
});

describe('createPyMemcacheCache settings', () => {
  it('refuses an unknown OPTIONS entry, naming it (and the pymemcache name for a camelCase one)', () => {
    expect(() => cache('127.0.0.1:1', { options: { MAX_ENTRIES: 10 } })).toThrow(/caches\.default\.options\.MAX_ENTRIES is not an option/);
    expect(() => cache('127.0.0.1:1', { options: { connectTimeout: 1 } })).toThrow(/did you mean connect_timeout\?/);
  });

  it.each([
    [{ tls_context: {} }, /tls_context cannot be used: TLS/],
    [{ serializer: 'x' }, /serializer cannot be used/],
    [{ default_noreply: true }, /default_noreply must be false/],
    [{ serde: 'pymemcache.serde.compressed_serde' }, /serde must be/],
    [{ hasher: 'my.Hasher' }, /hasher: only pymemcache\.client\.rendezvous\.RendezvousHash/],
    [{ timeout: 0 }, /timeout must be a positive number of seconds/],
    [{ allow_unicode_keys: 'yes' }, /allow_unicode_keys must be true or false/],
    [{ retry_attempts: 'x' }, /retry_attempts must be a number/],
  ])('refuses OPTIONS %j', (options, message) => {
    expect(() => cache('127.0.0.1:1', { options })).toThrow(ImproperlyConfigured);
    expect(() => cache('127.0.0.1:1', { options })).toThrow(message);
  });

  it("reads pymemcache's OPTIONS: timeouts in seconds, key_prefix, serde's pickle_version, keep-alive", () => {
    expect(parsePymemcacheOptions({ connect_timeout: 0.5, timeout: 2, key_prefix: 'a.', serde: { pickle_version: 4 }, socket_keepalive: { idle: 30, intvl: 5, cnt: 3 }, no_delay: true, ignore_exc: true, retry_attempts: 3, encoding: 'utf8' }, 'caches.x')).toEqual({
      allowUnicodeKeys: true,
      clientKeyPrefix: Buffer.from('a.'),
      pickleProtocol: 4,
      connectTimeout: 500,
      commandTimeout: 2000,
      noDelay: true,
      keepAliveDelay: 30_000,
    });
    expect(parsePymemcacheOptions(undefined, 'caches.x')).toEqual({ allowUnicodeKeys: true, clientKeyPrefix: Buffer.alloc(0), pickleProtocol: 5, noDelay: false, keepAliveDelay: null });
  });

  it('refuses a bad LOCATION, naming the cache', () => {
    expect(() => cache('127.0.0.1:notaport')).toThrow(/caches\.default\.location: Memcached server "127\.0\.0\.1:notaport" has no valid port/);
    expect(() => cache([])).toThrow(/at least one server/);
    expect(() => cache('127.0.0.1:1', { commandTimeout: -1 })).toThrow(/commandTimeout must be a positive number/);
  });

  it('opens no connection before the first command', async () => {
    const port = await freePort();
    const lazy = cache(`127.0.0.1:${port}`);
    expect(lazy).toBeDefined(); // nothing listens there, and nothing failed
    await expect(lazy.get('k')).rejects.toThrow(CacheUnavailable);
  });

  it('writes at the pickle_version of OPTIONS serde', async () => {
    const c = cache(server.location, { keyPrefix: 'pv', options: { serde: { pickle_version: 2 } } });
    await c.set('k', [], 60);
    expect(await rawGet(server, 'pv:1:k')).toEqual({ flags: 1, value: Buffer.from('80025d71002e', 'hex') });
  });
});

describe('createPyMemcacheCache under load', () => {
  it('gives each of many concurrent commands its own answer, over one connection per server', async () => {
    const c = cache(server.location, { keyPrefix: 'load' });
    const values = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? { i, pad: 'x'.repeat(i * 37) } : i % 3 === 1 ? `text ${i} é` : i));
    await Promise.all(values.map((value, i) => c.set(`k${i}`, value, 60)));
    const read = await Promise.all(values.map((_, i) => c.get(`k${i}`)));
    expect(read).toEqual(values);
    const added = await Promise.all(values.map((_, i) => c.add(`k${i % 2 ? i : i + 1000}`, 'new', 60)));
    expect(added).toEqual(values.map((_, i) => i % 2 === 0));
  });
});

describe('createPyMemcacheCache failures', () => {
  it('throws CacheUnavailable within connectTimeout when the server is down', async () => {
    const port = await freePort();
    const down = cache(`127.0.0.1:${port}`, { connectTimeout: 1_000, commandTimeout: 500 });
    for (const op of [() => down.get('k'), () => down.set('k', 1, 60), () => down.add('k', 1, 60), () => down.delete('k'), () => down.has('k')]) {
      const { error, ms } = await timed(op);
      expect(error).toBeInstanceOf(CacheUnavailable);
      expect((error as Error).message).toMatch(/caches\.default: memcached 127\.0\.0\.1:\d+ is unavailable/);
      expect(ms).toBeLessThan(1_500);
    }
  });

  it('throws CacheUnavailable within commandTimeout when the server accepts and never answers', async () => {
    const silent = await startSilentServer();
    try {
      const mute = cache(silent.location, { connectTimeout: 1_000, commandTimeout: 300 });
      const first = await timed(() => mute.get('k'));
      expect(first.error).toBeInstanceOf(CacheUnavailable);
      expect(first.ms).toBeGreaterThanOrEqual(250);
      expect(first.ms).toBeLessThan(1_000); // the reply's 300 ms (connecting is instant here), with slack
      // Many at once: each one bounded, none left hanging.
      const many = await Promise.all(Array.from({ length: 5 }, (_, i) => timed(() => (i % 2 ? mute.set(`k${i}`, 'v', 60) : mute.get(`k${i}`)))));
      for (const { error, ms } of many) {
        expect(error).toBeInstanceOf(CacheUnavailable);
        expect(ms).toBeLessThan(1_000);
      }
    } finally {
      await silent.close();
    }
  });

  it('throws SerializationError for an entry that does not decode, which has() still sees', async () => {
    const c = cache(server.location, { keyPrefix: 'g' });
    expect(await rawSet(server, 'g:1:pickle', 1, 0, Buffer.from('\x80\x05garbage'))).toBe('STORED');
    expect(await rawSet(server, 'g:1:text', 16, 0, Buffer.from([0xc3, 0x28]))).toBe('STORED');
    expect(await rawSet(server, 'g:1:int', 2, 0, Buffer.from('12abc'))).toBe('STORED');
    expect(await rawSet(server, 'g:1:evil', 1, 0, Buffer.from('8005636f730a73797374656d0a2e', 'hex'))).toBe('STORED');
    for (const key of ['pickle', 'text', 'int', 'evil']) {
      await expect(c.get(key)).rejects.toThrow(SerializationError);
      expect(await c.has(key)).toBe(true);
    }
    // The connection is fine afterwards.
    await c.set('ok', 'fine', 60);
    expect(await c.get('ok')).toBe('fine');
  });

  it('throws CacheValueTooLarge for a value beyond the item size, and leaves no old value (as memcached does for Django)', async () => {
    const c = cache(server.location, { keyPrefix: 'big' });
    await c.set('k', 'old', 60);
    const { error } = await timed(() => c.set('k', Buffer.alloc(2 * 1024 * 1024, 1), 60));
    expect(error).toBeInstanceOf(CacheValueTooLarge);
    expect(await c.get('k')).toBeUndefined();
    await expect(c.add('k2', 'x'.repeat(2 * 1024 * 1024), 60)).rejects.toThrow(CacheValueTooLarge);
    // Just under the 1 MiB default limit still goes.
    await c.set('k3', Buffer.alloc(1000 * 1000, 2), 60);
    expect(((await c.get('k3')) as Buffer).length).toBe(1000 * 1000);
  });

  it('recovers when the server comes back', async () => {
    const flaky = await startMemcached();
    try {
      const c = cache(flaky.location, { connectTimeout: 1_000, commandTimeout: 500 });
      await c.set('k', 'before', 60);
      expect(await c.get('k')).toBe('before');
      await flaky.stop();
      const down = await timed(() => c.get('k'));
      expect(down.error).toBeInstanceOf(CacheUnavailable);
      expect(down.ms).toBeLessThan(1_500);
      await flaky.start();
      expect(await c.get('k')).toBeUndefined(); // a new, empty server
      await c.set('k', 'after', 60);
      expect(await c.get('k')).toBe('after');
    } finally {
      await flaky.stop();
    }
  });

  it('ignores SASL credentials memjs would read from the environment (pymemcache never authenticates)', async () => {
    const saved = { ...process.env };
    process.env.MEMCACHIER_USERNAME = 'user';
    process.env.MEMCACHIER_PASSWORD = 'secret';
    process.env.MEMCACHE_USERNAME = 'user';
    process.env.MEMCACHE_PASSWORD = 'secret';
    try {
      const c = cache(server.location, { keyPrefix: 'env' });
      await c.set('k', 1, 60);
      expect(await c.get('k')).toBe(1);
    } finally {
      for (const name of ['MEMCACHIER_USERNAME', 'MEMCACHIER_PASSWORD', 'MEMCACHE_USERNAME', 'MEMCACHE_PASSWORD']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('close() fails pending commands at once and makes the cache unusable', async () => {
    const silent = await startSilentServer();
    try {
      const c = createPyMemcacheCache('closing', { backend: BACKEND, location: silent.location, commandTimeout: 5_000 });
      const pending = timed(() => c.get('k'));
      await new Promise((r) => setTimeout(r, 100));
      await c.close();
      const { error, ms } = await pending;
      expect(error).toBeInstanceOf(CacheUnavailable);
      expect(ms).toBeLessThan(2_000);
      await expect(c.get('k')).rejects.toThrow(/closed/);
      await c.close(); // twice is fine
    } finally {
      await silent.close();
    }
  });
});

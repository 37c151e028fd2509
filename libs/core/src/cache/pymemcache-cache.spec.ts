/**
 * PyMemcacheDjangoCache over in-memory connections that act like memcached's text protocol: the
 * Django semantics (make_key, server choice, timeouts, add/set/delete/has) without a network.
 */
import { describe, expect, it } from '@jest/globals';
import { CacheUnavailable, ImproperlyConfigured, PicklingError, SerializationError } from '../errors.js';
import { InvalidCacheKey } from './cache-errors.js';
import { type MemcachedConnection } from './memcached-connection.js';
import { PyMemcacheDjangoCache } from './pymemcache-cache.js';
import { type MemcachedEntry } from './pymemcache-serde.js';
import { RendezvousHash } from './rendezvous-hash.js';

class FakeMemcached implements MemcachedConnection {
  readonly items = new Map<string, { entry: MemcachedEntry; expiresAt: number | null }>();
  readonly log: string[] = [];
  storeAnswer: boolean | null = null;
  closed = false;

  constructor(private readonly now: () => number) {}

  private live(key: Buffer) {
    const item = this.items.get(key.toString('latin1'));
    if (item && item.expiresAt !== null && item.expiresAt <= this.now() / 1000) return undefined;
    return item;
  }

  async get(key: Buffer) {
    this.log.push(`get ${key.toString()}`);
    return this.live(key)?.entry ?? null;
  }

  async store(command: 'set' | 'add', key: Buffer, entry: MemcachedEntry, exptime: number) {
    this.log.push(`${command} ${key.toString()} ${entry.flags} ${exptime}`);
    if (this.storeAnswer !== null) return this.storeAnswer;
    if (command === 'add' && this.live(key)) return false;
    const seconds = this.now() / 1000;
    const expiresAt = exptime === 0 ? null : exptime < 0 ? seconds : exptime > 2_592_000 ? exptime : seconds + exptime;
    this.items.set(key.toString('latin1'), { entry, expiresAt });
    return true;
  }

  async delete(key: Buffer) {
    this.log.push(`delete ${key.toString()}`);
    const had = !!this.live(key);
    this.items.delete(key.toString('latin1'));
    return had;
  }

  async close() {
    this.closed = true;
  }
}

function setup(names = ['a:11211'], extra: Partial<ConstructorParameters<typeof PyMemcacheDjangoCache>[0]> = {}) {
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const servers = names.map((node) => ({ node, connection: new FakeMemcached(now) }));
  const cache = new PyMemcacheDjangoCache({ servers, now, ...extra });
  return { cache, servers, tick: (ms: number) => (clock += ms) };
}

describe('PyMemcacheDjangoCache', () => {
  it('makes keys as Django does and round-trips values', async () => {
    const { cache, servers } = setup(['a:11211'], { keyPrefix: 'site', version: 3 });
    await cache.set('k', { user: 'é', n: [1, 2.5, null, true] }, 60);
    expect(servers[0].connection.log).toEqual(['set site:3:k 1 60']);
    expect(await cache.get('k')).toEqual({ user: 'é', n: [1, 2.5, null, true] });
    expect(await cache.get('other')).toBeUndefined();
  });

  it('uses KEY_FUNCTION', async () => {
    const { cache, servers } = setup(['a:1'], { keyFunction: (key, prefix, version) => `${version}|${prefix}|${key}` });
    await cache.set('k', 1, null);
    expect(servers[0].connection.log).toEqual(['set 1||k 2 0']);
  });

  it('stores each key on the server RendezvousHash picks for the made key', async () => {
    const names = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
    const { cache, servers } = setup(names);
    const ring = new RendezvousHash(names);
    for (let i = 0; i < 30; i++) {
      const key = `django.contrib.sessions.cache${i}`;
      await cache.set(key, i, 60);
      expect(cache.serverFor(key)).toBe(ring.getNode(`:1:${key}`));
      const holder = servers.find((s) => s.connection.items.has(`:1:${key}`))!;
      expect(holder.node).toBe(ring.getNode(`:1:${key}`));
      expect(await cache.get(key)).toBe(i);
    }
    expect(servers.every((s) => s.connection.items.size > 0)).toBe(true);
  });

  it("follows Django's timeouts: 0 stores expired, add then answers True and the key stays free", async () => {
    const { cache, servers } = setup();
    expect(await cache.add('k', 'v', 0)).toBe(true);
    expect(await cache.add('k', 'v', 0)).toBe(true);
    expect(await cache.has('k')).toBe(false);
    await cache.set('k', 'v', 10);
    expect(await cache.add('k', 'w', 10)).toBe(false);
    await cache.set('k', 'gone', 0);
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('long', 'v', 40 * 86400);
    expect(servers[0].connection.log.at(-1)).toBe(`set :1:long 16 ${1_700_000_000 + 40 * 86400}`);
  });

  it('expires entries', async () => {
    const { cache, tick } = setup();
    await cache.set('k', 'v', 2);
    expect(await cache.has('k')).toBe(true);
    tick(2_000);
    expect(await cache.has('k')).toBe(false);
  });

  it('deletes, answering whether something went', async () => {
    const { cache } = setup();
    await cache.set('k', 1, null);
    expect(await cache.delete('k')).toBe(true);
    expect(await cache.delete('k')).toBe(false);
  });

  it('deletes the key when set does not store, as Django does', async () => {
    const { cache, servers } = setup();
    servers[0].connection.storeAnswer = false;
    await cache.set('k', 1, 5);
    expect(servers[0].connection.log).toEqual(['set :1:k 2 5', 'delete :1:k']);
  });

  it('throws SerializationError for an entry that does not decode; has() still sees it, as has_key does', async () => {
    const { cache, servers } = setup();
    servers[0].connection.items.set(':1:bad', { entry: { value: Buffer.from('not a pickle'), flags: 1 }, expiresAt: null });
    await expect(cache.get('bad')).rejects.toThrow(SerializationError);
    expect(await cache.has('bad')).toBe(true);
  });

  it('refuses bad keys and unpicklable values before sending anything', async () => {
    const { cache, servers } = setup();
    await expect(cache.get('a b')).rejects.toThrow(InvalidCacheKey);
    await expect(cache.set('k'.repeat(250), 1, 1)).rejects.toThrow(InvalidCacheKey);
    await expect(cache.set('k', new Set(), 1)).rejects.toThrow(PicklingError);
    expect(servers[0].connection.log).toEqual([]);
  });

  it('closes its connections and is unusable afterwards', async () => {
    const { cache, servers } = setup(['a:1', 'b:1']);
    await cache.close();
    expect(servers.every((s) => s.connection.closed)).toBe(true);
    await expect(cache.get('k')).rejects.toThrow(CacheUnavailable);
  });

  it('needs a server and a valid pickle protocol', () => {
    expect(() => new PyMemcacheDjangoCache({ servers: [] })).toThrow(ImproperlyConfigured);
    expect(() => setup(['a:1'], { pickleProtocol: 6 })).toThrow(ImproperlyConfigured);
  });
});

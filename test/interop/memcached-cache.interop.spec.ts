/**
 * The bridge's PyMemcacheCache against a real Django PyMemcacheCache(location, params) on private
 * memcached servers: entries either side writes are read by the other, with the same flags and
 * bytes, on the same server (RendezvousHash), with the same TTLs. On the line of DJANGO_LINE.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CacheValueTooLarge, murmur3_32, PyFloat, PyTuple, SerializationError, type PyMemcacheDjangoCache } from '@django-bridge/core';
import { createPyMemcacheCache } from '../../libs/nest/src/cache/memcached/create-pymemcache-cache.js';
import type { DjangoCacheSettings } from '../../libs/nest/src/cache/django-cache-settings.js';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { rawGet, rawSet, rawTtl, startMemcached, startMemcachedServers, type MemcachedProcess } from '../support/memcached-server.js';
import { randomInt, randomSession, randomText } from '../support/random.js';

const info = djangoInfo();
const BACKEND = 'django.core.cache.backends.memcached.PyMemcacheCache';

// ---- values as tagged JSON (see ops_memcached_cache.py) ----
type Tag = null | boolean | string | { [k: string]: unknown };

function floatHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

/** The Python value the bridge writes for a JS value (pymemcache's serde and pickleDumps' rules). */
function toTag(value: unknown): Tag {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return { $int: String(value) };
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? { $int: String(value) } : { $float: floatHex(value) };
  if (value instanceof PyFloat) return { $float: floatHex(value.value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { $list: value.map(toTag) };
  if (value instanceof PyTuple) return { $tuple: value.items.map(toTag) };
  if (value instanceof Map) return { $dict: [...value].map(([k, v]) => [toTag(k), toTag(v)]) };
  return { $dict: Object.entries(value as object).map(([k, v]) => [k, toTag(v)]) };
}

/** What the bridge reads for a Python value: unpickle's shapes (tuple -> array, float -> number). */
function fromTag(tag: Tag): unknown {
  if (tag === null || typeof tag !== 'object') return tag;
  if ('$int' in tag) {
    const big = BigInt(tag.$int as string);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  if ('$float' in tag) return Buffer.from(tag.$float as string, 'hex').readDoubleBE(0);
  if ('$bytes' in tag) return Buffer.from(tag.$bytes as string, 'base64');
  if ('$list' in tag) return (tag.$list as Tag[]).map(fromTag);
  if ('$tuple' in tag) return (tag.$tuple as Tag[]).map(fromTag);
  if ('$dict' in tag) return Object.fromEntries((tag.$dict as [Tag, Tag][]).map(([k, v]) => [String(fromTag(k)), fromTag(v)]));
  throw new Error(`unknown tag ${JSON.stringify(tag)}`);
}

// ---- Django's side ----
interface Params { KEY_PREFIX?: string; VERSION?: number; KEY_FUNCTION?: string; OPTIONS?: Record<string, unknown> }
type Step = { do: 'set' | 'add'; key: string; value: Tag; timeout: number | null } | { do: 'get' | 'delete' | 'has_key' | 'make_key' | 'server'; key: string };
type StepResult = { ok?: unknown; error?: string };

function django(location: string | string[], params: Params, steps: Step[]): unknown[] {
  const [results] = djangoAll<StepResult[]>([{ op: 'memcached_cache', location, params, steps }]);
  return results.map((r, i) => {
    if (r.error !== undefined) throw new Error(`Django raised on step ${i} (${JSON.stringify(steps[i]).slice(0, 200)}): ${r.error}`);
    return r.ok;
  });
}

function bridge(location: string | string[], settings: Partial<DjangoCacheSettings> = {}): PyMemcacheDjangoCache {
  const cache = createPyMemcacheCache('default', { backend: BACKEND, location, ...settings });
  opened.push(cache);
  return cache;
}

const opened: PyMemcacheDjangoCache[] = [];
let servers: MemcachedProcess[] = [];
let one: MemcachedProcess;

beforeAll(async () => {
  servers = await startMemcachedServers(3);
  one = servers[0];
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.stop()));
});

const unique = () => `${Date.now().toString(36)}${randomInt(1e9).toString(36)}`;

const VALUES: [string, unknown][] = [
  ['an int', 12],
  ['a negative int', -7],
  ['zero', 0],
  ['an int beyond 2^53', 2n ** 70n],
  ['a str', 'héllo wörld 中文 😀'],
  ['an empty str', ''],
  ['bytes', Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a])],
  ['empty bytes', Buffer.alloc(0)],
  ['None', null],
  ['True', true],
  ['False', false],
  ['a float', 2.5],
  ['a whole float', new PyFloat(3)],
  ['a list', [1, 'two', 3.5, null, [true]]],
  ['a tuple', new PyTuple([1, 'x'])],
  [
    'a session-like dict',
    {
      _auth_user_id: '42',
      _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
      _auth_user_hash: 'a'.repeat(64),
      _session_expiry: 1209600,
      cart: { items: [{ sku: 'é-1', qty: 2, price: 9.99 }], coupon: null, gift: false },
      greeting: 'Grüß Gott 👋',
      nested: { deep: { deeper: [1, 2.5, '文'] } },
      big: 2n ** 64n,
    },
  ],
];

describe(`PyMemcacheCache on Django ${info.line} (pymemcache's HashClient)`, () => {
  it('reads what Django sets, every type, with KEY_PREFIX and VERSION', () => {
    const prefix = `site-${unique()}`;
    const params = { KEY_PREFIX: prefix, VERSION: 3 };
    django(one.location, params, VALUES.map(([, value], i) => ({ do: 'set', key: `v${i}`, value: toTag(value), timeout: 300 })));
    const cache = bridge(one.location, { keyPrefix: prefix, version: 3 });
    return Promise.all(
      VALUES.map(async ([name, value], i) => {
        const read = await cache.get(`v${i}`);
        expect({ name, read }).toEqual({ name, read: fromTag(toTag(value)) });
      }),
    );
  });

  it('writes what Django gets, every type, and with the flags Django writes', async () => {
    const prefix = `w-${unique()}`;
    const cache = bridge(one.location, { keyPrefix: prefix, version: 2 });
    for (const [i, [, value]] of VALUES.entries()) await cache.set(`v${i}`, value, 300);
    const read = django(one.location, { KEY_PREFIX: prefix, VERSION: 2 }, VALUES.map((_, i) => ({ do: 'get', key: `v${i}` })));
    VALUES.forEach(([name, value], i) => expect({ name, read: read[i] }).toEqual({ name, read: { found: true, value: toTag(value) } }));
    const flags = await Promise.all(VALUES.map(async (_, i) => (await rawGet(one, `${prefix}:2:v${i}`))!.flags));
    // pymemcache: bytes 0, pickle 1, int 2, text 16.
    expect(flags).toEqual([2, 2, 2, 2, 16, 16, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('stores the same bytes and flags as Django for the same value (Django set vs bridge set)', async () => {
    const prefix = `b-${unique()}`;
    const values: unknown[] = [...VALUES.map(([, v]) => v), ...Array.from({ length: 12 }, () => randomSession()), ...Array.from({ length: 6 }, () => randomText(40))];
    django(one.location, { KEY_PREFIX: prefix }, values.map((value, i) => ({ do: 'set', key: `dj${i}`, value: toTag(value), timeout: null })));
    const cache = bridge(one.location, { keyPrefix: prefix });
    for (const [i, value] of values.entries()) await cache.set(`br${i}`, value, null);
    for (const [i, value] of values.entries()) {
      const theirs = await rawGet(one, `${prefix}:1:dj${i}`);
      const ours = await rawGet(one, `${prefix}:1:br${i}`);
      expect(theirs).not.toBeNull();
      expect({ value: toTag(value), flags: ours?.flags, bytes: ours?.value.toString('hex') }).toEqual({ value: toTag(value), flags: theirs?.flags, bytes: theirs?.value.toString('hex') });
    }
  });

  it('add: stores only a free key, on both sides', async () => {
    const prefix = `a-${unique()}`;
    const cache = bridge(one.location, { keyPrefix: prefix });
    django(one.location, { KEY_PREFIX: prefix }, [{ do: 'set', key: 'taken', value: 'django', timeout: 300 }]);
    expect(await cache.add('taken', 'bridge', 300)).toBe(false);
    expect(await cache.add('free', { by: 'bridge' }, 300)).toBe(true);
    const [taken, free, addAgain] = django(one.location, { KEY_PREFIX: prefix }, [
      { do: 'get', key: 'taken' },
      { do: 'get', key: 'free' },
      { do: 'add', key: 'free', value: 'django', timeout: 300 },
    ]);
    expect(taken).toEqual({ found: true, value: 'django' });
    expect(free).toEqual({ found: true, value: toTag({ by: 'bridge' }) });
    expect(addAgain).toBe(false);
  });

  it('has_key and delete agree across the two sides', async () => {
    const prefix = `d-${unique()}`;
    const cache = bridge(one.location, { keyPrefix: prefix });
    await cache.set('mine', 1, 300);
    django(one.location, { KEY_PREFIX: prefix }, [{ do: 'set', key: 'theirs', value: { $int: '2' }, timeout: 300 }]);
    expect(await cache.has('theirs')).toBe(true);
    expect(await cache.has('nothing')).toBe(false);
    const [hasMine, deleted, deletedAgain] = django(one.location, { KEY_PREFIX: prefix }, [{ do: 'has_key', key: 'mine' }, { do: 'delete', key: 'mine' }, { do: 'delete', key: 'mine' }]);
    expect([hasMine, deleted, deletedAgain]).toEqual([true, true, false]);
    expect(await cache.delete('theirs')).toBe(true);
    expect(await cache.delete('theirs')).toBe(false);
    expect(django(one.location, { KEY_PREFIX: prefix }, [{ do: 'has_key', key: 'theirs' }])).toEqual([false]);
  });

  it('sets the TTLs Django sets: seconds, None (never), 0 (expired) and beyond 30 days (absolute)', async () => {
    const prefix = `t-${unique()}`;
    const timeouts: (number | null)[] = [60, 2_592_000, 40 * 86_400, 400 * 86_400, null, 0, -5, 0.5];
    const results = django(one.location, { KEY_PREFIX: prefix }, [
      ...timeouts.map((timeout, i): Step => ({ do: 'set', key: `dj${i}`, value: 'v', timeout })),
      { do: 'add', key: 'dj-add0', value: 'v', timeout: 0 },
      { do: 'add', key: 'dj-add0', value: 'v', timeout: 0 },
    ]);
    const cache = bridge(one.location, { keyPrefix: prefix });
    for (const [i, timeout] of timeouts.entries()) await cache.set(`br${i}`, 'v', timeout);
    const bridgeAdds = [await cache.add('br-add0', 'v', 0), await cache.add('br-add0', 'v', 0)];
    expect(bridgeAdds).toEqual(results.slice(-2)); // [True, True]: stored already expired
    expect(bridgeAdds).toEqual([true, true]);
    for (const [i, timeout] of timeouts.entries()) {
      const theirs = await rawTtl(one, `${prefix}:1:dj${i}`);
      const ours = await rawTtl(one, `${prefix}:1:br${i}`);
      expect({ timeout, stored: theirs !== null }).toEqual({ timeout, stored: timeout === null || timeout >= 1 });
      if (theirs === null || ours === null || theirs < 0) expect({ timeout, ours }).toEqual({ timeout, ours: theirs });
      else expect({ timeout, off: Math.abs(ours - theirs) <= 2 }).toEqual({ timeout, off: true });
    }
    expect(await rawTtl(one, `${prefix}:1:br4`)).toBe(-1);
    expect(Math.abs((await rawTtl(one, `${prefix}:1:br2`))! - 40 * 86_400)).toBeLessThanOrEqual(2);
    expect(await cache.has('br5')).toBe(false);
    expect(await cache.has('br-add0')).toBe(false);
  });

  it("honours KEY_FUNCTION and pymemcache's OPTIONS key_prefix and allow_unicode_keys", async () => {
    const prefix = `k-${unique()}`;
    const keyFunction = (key: string, keyPrefix: string, version: number) => `${[...key].reverse().join('')}|${version}|${keyPrefix}`;
    const params: Params = { KEY_PREFIX: prefix, KEY_FUNCTION: 'ops_memcached_cache.reversed_key_func', OPTIONS: { key_prefix: Buffer.from('app.'), allow_unicode_keys: true } };
    const [made] = django(one.location, params, [{ do: 'make_key', key: 'clé' }, { do: 'set', key: 'clé', value: 'from django', timeout: 300 }]);
    expect(made).toBe(`élc|1|${prefix}`);
    expect(await rawGet(one, `app.élc|1|${prefix}`)).toEqual({ flags: 16, value: Buffer.from('from django') });
    const cache = bridge(one.location, { keyPrefix: prefix, keyFunction, options: { key_prefix: new Uint8Array(Buffer.from('app.')), allow_unicode_keys: true } });
    expect(await cache.get('clé')).toBe('from django');
    await cache.set('ключ', 'from the bridge', 300);
    expect(django(one.location, params, [{ do: 'get', key: 'ключ' }])).toEqual([{ found: true, value: 'from the bridge' }]);
  });

  it('refuses the keys Django refuses, without sending them', async () => {
    const cache = bridge(one.location);
    const [long, space] = djangoAll<StepResult[]>([{ op: 'memcached_cache', location: one.location, params: {}, steps: [{ do: 'get', key: 'k'.repeat(250) }, { do: 'get', key: 'a b' }] }])[0];
    expect(long.error).toMatch(/^InvalidCacheKey/);
    expect(space.error).toMatch(/^InvalidCacheKey/);
    await expect(cache.get('k'.repeat(250))).rejects.toThrow('longer than 250');
    await expect(cache.get('a b')).rejects.toThrow('control character, a space or DEL');
  });

  it('refuses a value too large for an item, as Django does, and no old value outlives it', async () => {
    const prefix = `big-${unique()}`;
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    const [results] = djangoAll<StepResult[]>([
      {
        op: 'memcached_cache',
        location: one.location,
        params: { KEY_PREFIX: prefix },
        steps: [{ do: 'set', key: 'k', value: 'old', timeout: 300 }, { do: 'set', key: 'k', value: toTag(big), timeout: 300 }, { do: 'get', key: 'k' }],
      },
    ]);
    expect(results[1].error).toMatch(/^MemcacheServerError: .*too large/);
    expect(results[2].ok).toEqual({ found: false });
    const cache = bridge(one.location, { keyPrefix: prefix });
    await cache.set('b', 'old', 300);
    await expect(cache.set('b', big, 300)).rejects.toThrow(CacheValueTooLarge);
    expect(await cache.get('b')).toBeUndefined();
  });

  it('an undecodable pickle: Django gets None, the bridge throws SerializationError; both see the key', async () => {
    const prefix = `bad-${unique()}`;
    expect(await rawSet(one, `${prefix}:1:k`, 1, 0, Buffer.from('\x80\x05not a pickle', 'latin1'))).toBe('STORED');
    expect(django(one.location, { KEY_PREFIX: prefix }, [{ do: 'get', key: 'k' }, { do: 'has_key', key: 'k' }])).toEqual([{ found: true, value: null }, true]);
    const cache = bridge(one.location, { keyPrefix: prefix });
    await expect(cache.get('k')).rejects.toThrow(SerializationError);
    expect(await cache.has('k')).toBe(true);
  });

  it.each([
    ['two servers as a list', 2, 'list'],
    ['three servers as a list', 3, 'list'],
    ['three servers in one string split on ";" and ","', 3, 'string'],
  ] as const)('finds every key on the server Django uses: %s', async (_name, count, form) => {
    const chosen = servers.slice(0, count);
    const location = form === 'list' ? chosen.map((s) => s.location) : `${chosen[0].location};${chosen[1].location},${chosen[2].location}`;
    const prefix = `h-${unique()}`;
    const keys = Array.from({ length: 40 }, (_, i) => `django.contrib.sessions.cache${unique()}${i}`);
    const results = django(location, { KEY_PREFIX: prefix }, [
      ...keys.map((key, i): Step => ({ do: 'set', key, value: { $int: String(i) }, timeout: 300 })),
      ...keys.map((key): Step => ({ do: 'server', key })),
    ]);
    const djangoServers = results.slice(keys.length) as string[];
    const cache = bridge(location, { keyPrefix: prefix });
    expect(keys.map((key) => cache.serverFor(key))).toEqual(djangoServers);
    expect(new Set(djangoServers).size).toBe(count); // 40 keys spread over every server
    for (const [i, key] of keys.entries()) {
      expect(await cache.get(key)).toBe(i);
      // Only on the server both chose.
      const holders = await Promise.all(chosen.map(async (s) => ((await rawGet(s, `${prefix}:1:${key}`)) ? s.location : null)));
      expect(holders.filter(Boolean)).toEqual([djangoServers[i]]);
    }
    const back = keys.map((key) => `${key}-b`);
    for (const [i, key] of back.entries()) await cache.set(key, { i }, 300);
    const read = django(location, { KEY_PREFIX: prefix }, back.map((key): Step => ({ do: 'get', key })));
    read.forEach((r, i) => expect(r).toEqual({ found: true, value: toTag({ i }) }));
  });

  it("ranks servers as pymemcache's RendezvousHash and murmur3_32 do, for random keys and names", () => {
    const nodes = Array.from({ length: 5 }, (_, i) => `10.1.${randomInt(256)}.${i}:${randomInt(1, 65536)}`);
    const keys = Array.from({ length: 200 }, () => `:${randomInt(10)}:${randomText(30)}`);
    const texts = Array.from({ length: 200 }, () => randomText(40));
    const [chosen, hashes] = djangoAll<unknown[]>([
      { op: 'memcached_rendezvous', nodes, keys },
      { op: 'memcached_murmur3', texts },
    ]);
    // serverFor applies make_key: an identity KEY_FUNCTION hands it the key as it is.
    const cache = bridge(nodes, { keyFunction: (key) => key });
    expect(keys.map((key) => cache.serverFor(key))).toEqual(chosen);
    expect(texts.map((t) => murmur3_32(t))).toEqual(hashes);
  });

  it('talks to a server on a Unix socket ("unix:/path")', async () => {
    const socketServer = await startMemcached({ unixSocket: true });
    try {
      const prefix = `u-${unique()}`;
      django(socketServer.location, { KEY_PREFIX: prefix }, [{ do: 'set', key: 'k', value: toTag({ via: 'socket' }), timeout: 300 }]);
      const cache = bridge(socketServer.location, { keyPrefix: prefix });
      expect(await cache.get('k')).toEqual({ via: 'socket' });
      await cache.set('k2', 'back', 300);
      expect(django(socketServer.location, { KEY_PREFIX: prefix }, [{ do: 'get', key: 'k2' }])).toEqual([{ found: true, value: 'back' }]);
      await cache.close();
    } finally {
      await socketServer.stop();
    }
  });
});

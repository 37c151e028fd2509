/**
 * The bridge's Redis caches against real Django cache objects (ops_redis_cache.py) on one private
 * redis-server: Django's RedisCache (4.0+) and django-redis with every serializer and compressor.
 * An entry Django writes is read by the bridge as Django reads it; an entry the bridge writes has
 * Django's bytes, Django reads it as its own, and carries the same TTL. add/set/delete answers and
 * non-positive timeouts behave alike on both sides. Random session dicts every run (seed printed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NaiveDateTime, PyDate, PyFloat, PyTuple, SerializationError, type CacheKeyFunction, type DjangoCache } from '@django-bridge/core';
import { createRedisCache } from '../../libs/nest/src/cache/redis/create-redis-cache.js';
import type { DjangoCacheSettings } from '../../libs/nest/src/cache/django-cache-settings.js';
import { djangoInfo } from '../django/django-info.js';
import { django } from '../django/oracle.js';
import { pick, randomBytes, randomInt, randomSession, randomText, randomToken } from '../support/random.js';
import { startCluster, startRedis, type RedisProcess } from '../support/redis-servers.js';

const info = djangoInfo();
/** Django's own RedisCache came in 4.0. */
const HAS_BUILTIN = Number(info.line.split('.')[0]) >= 4;

type Backend = 'builtin' | 'django_redis';
interface Config {
  name: string;
  backend: Backend;
  serializer?: 'pickle' | 'json' | 'msgpack';
  compressor?: 'none' | 'zlib';
  keyPrefix?: string;
  version?: number;
  customKey?: boolean;
}

const SERIALIZER_PATHS = { pickle: 'django_redis.serializers.pickle.PickleSerializer', json: 'django_redis.serializers.json.JSONSerializer', msgpack: 'django_redis.serializers.msgpack.MSGPackSerializer' };
const COMPRESSOR_PATHS = { none: 'django_redis.compressors.identity.IdentityCompressor', zlib: 'django_redis.compressors.zlib.ZlibCompressor' };
/** ops_redis_cache.custom_key, mirrored. */
const customKey: CacheKeyFunction = (key, prefix, version) => `custom|${version}|${prefix}|${key}`;

const CONFIGS: Config[] = [
  ...(HAS_BUILTIN ? [{ name: 'RedisCache', backend: 'builtin' as const }, { name: 'RedisCache, KEY_PREFIX and VERSION', backend: 'builtin' as const, keyPrefix: 'site€', version: 7 }, { name: 'RedisCache, KEY_FUNCTION', backend: 'builtin' as const, keyPrefix: 'kf', version: 3, customKey: true }] : []),
  ...(['pickle', 'json', 'msgpack'] as const).flatMap((serializer) =>
    (['none', 'zlib'] as const).map((compressor): Config => ({ name: `django-redis ${serializer}+${compressor}`, backend: 'django_redis', serializer, compressor })),
  ),
  { name: 'django-redis, KEY_PREFIX and VERSION', backend: 'django_redis', keyPrefix: 'p:x', version: -2 },
  { name: 'django-redis zlib, KEY_FUNCTION', backend: 'django_redis', serializer: 'pickle', compressor: 'zlib', customKey: true, keyPrefix: 'kf' },
];

let server: RedisProcess;
let db = 0;
const opened: DjangoCache[] = [];

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await server?.destroy();
});

/** Each config on a database of its own, so that the same keys never meet. */
function setUp(config: Config): { bridge: DjangoCache; calls: (calls: Record<string, unknown>[]) => { ok?: unknown; raised?: string }[] } {
  const location = server.url(++db % 16);
  const options: Record<string, unknown> = {};
  if (config.serializer) options.serializer = config.serializer;
  if (config.compressor) options.compressor = config.compressor;
  const settings: DjangoCacheSettings = {
    backend: config.backend === 'builtin' ? 'django.core.cache.backends.redis.RedisCache' : 'django_redis.cache.RedisCache',
    location,
    keyPrefix: config.keyPrefix,
    version: config.version,
    keyFunction: config.customKey ? customKey : undefined,
    options,
  };
  const bridge = createRedisCache('default', settings);
  opened.push(bridge);
  const params: Record<string, unknown> = { OPTIONS: {} };
  if (config.keyPrefix !== undefined) params.KEY_PREFIX = config.keyPrefix;
  if (config.version !== undefined) params.VERSION = config.version;
  if (config.customKey) params.KEY_FUNCTION = 'ops_redis_cache.custom_key';
  if (config.serializer) (params.OPTIONS as Record<string, string>).SERIALIZER = SERIALIZER_PATHS[config.serializer];
  if (config.compressor) (params.OPTIONS as Record<string, string>).COMPRESSOR = COMPRESSOR_PATHS[config.compressor];
  return { bridge, calls: (calls) => django({ op: 'redis_cache_calls', backend: config.backend, location, params, calls }) };
}

// ------------------------------------------------------------------ values, both ways

function floatHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

/** A JS value as ops_pickle_write.Builder rebuilds it in Python (no shared objects here). */
function toNode(value: unknown): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : { $float: floatHex(value) };
  if (typeof value === 'bigint') return { $int: String(value) };
  if (value instanceof PyFloat) return { $float: floatHex(value.value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64'), id: -1 };
  if (value instanceof NaiveDateTime) return { $dt: [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond], id: -1 };
  if (value instanceof Date) return { $dt: [value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate(), value.getUTCHours(), value.getUTCMinutes(), value.getUTCSeconds(), value.getUTCMilliseconds() * 1000], utc: true, id: -1 };
  if (value instanceof PyDate) return { $date: [value.year, value.month, value.day], id: -1 };
  if (Array.isArray(value)) return { $list: value.map(toNode), id: -1 };
  if (value instanceof PyTuple) return { $tuple: value.items.map(toNode), id: -1 };
  return { $dict: Object.entries(value as object).map(([k, v]) => [k, toNode(v)]), id: -1 };
}

/** What the bridge's readers make of the value ops_redis_cache.to_node describes. */
function fromNode(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  if ('$int' in n) return BigInt(n.$int as string);
  if ('$float' in n) return Buffer.from(n.$float as string, 'hex').readDoubleBE(0);
  if ('$bytes' in n) return Buffer.from(n.$bytes as string, 'base64');
  if ('$list' in n) return (n.$list as unknown[]).map(fromNode);
  if ('$tuple' in n) return (n.$tuple as unknown[]).map(fromNode);
  if ('$dict' in n) return Object.fromEntries((n.$dict as [unknown, unknown][]).map(([k, v]) => [String(fromNode(k)), fromNode(v)]));
  if ('$dt' in n) {
    const [y, mo, d, h, mi, s, us] = n.$dt as number[];
    return n.utc ? new Date(Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(us / 1000))) : new NaiveDateTime(y, mo, d, h, mi, s, us);
  }
  if ('$date' in n) return new PyDate(...(n.$date as [number, number, number]));
  throw new Error(`Django read a value the bridge cannot represent: ${JSON.stringify(n)}`);
}

/** Python values (nodes) for each serializer: what it can hold. */
function valuesFor(config: Config): unknown[] {
  const serializer = config.backend === 'builtin' ? 'pickle' : config.serializer ?? 'pickle';
  const plain = (): Record<string, unknown> => ({
    ...randomSession(),
    unicode: 'é€😀\u2028' + randomText(40),
    nested: { list: [1, -2.5, null, true, false, [randomText(8), {}]], deeper: { a: { b: { c: randomInt(-1e9, 1e9) } } } },
    none: null,
    float: pick([0.1, 1e-7, 123456.789, 1e300, -0.0001]),
    whole: new PyFloat(3),
    big: 2n ** 62n + BigInt(randomInt(1000)),
    tuple: new PyTuple([1, 'two', null]),
    _session_expiry: randomInt(60, 1209600),
  });
  const values: unknown[] = [plain(), plain(), 0, 42, -7, 2n ** 70n, 'text only', true, null, new PyFloat(2), [1, 'a']];
  if (serializer !== 'json') values.push({ ...plain(), bytes: randomBytes(randomInt(1, 40)) }, randomBytes(64));
  if (serializer !== 'msgpack') values.push({ ...plain(), when: new Date(Date.UTC(2024, 1, 29, 13, 5, 9, randomInt(1000))), naive: new NaiveDateTime(2025, 12, 31, 23, 59, 59, randomInt(1_000_000)), day: new PyDate(2000, 2, 29) });
  // A long, compressible text so that zlib really compresses.
  values.push({ ...plain(), long: 'abc'.repeat(500) + randomToken(20) });
  return values;
}

const TIMEOUTS = [null, 3600, 86400.5, 1209600];

describe.each(CONFIGS)('$name', (config) => {
  it('Django reads what the bridge wrote as its own (same bytes, same TTL); the bridge reads what Django wrote', async () => {
    const { bridge, calls } = setUp(config);
    const values = valuesFor(config);
    const cases = values.map((value, i) => ({ value, timeout: TIMEOUTS[i % TIMEOUTS.length], bridgeKey: `django.contrib.sessions.cache${randomToken(32)}`, djangoKey: `django.contrib.sessions.cache${randomToken(32)}` }));
    // Half through add (a new session's first save), half through set.
    for (const [i, c] of cases.entries()) {
      if (i % 2) expect(await bridge.add(c.bridgeKey, c.value, c.timeout)).toBe(true);
      else await bridge.set(c.bridgeKey, c.value, c.timeout);
    }
    const results = calls(
      cases.flatMap((c) => [
        { op: 'set', key: c.djangoKey, value: toNode(c.value), timeout: c.timeout },
        { op: 'raw', key: c.djangoKey },
        { op: 'raw', key: c.bridgeKey },
        { op: 'same', key: c.bridgeKey, other: c.djangoKey },
        { op: 'get', key: c.djangoKey },
        { op: 'ttl', key: c.djangoKey },
        { op: 'ttl', key: c.bridgeKey },
      ]),
    );
    for (const [i, c] of cases.entries()) {
      const [set, rawDjango, rawBridge, same, get, ttlDjango, ttlBridge] = results.slice(i * 7, i * 7 + 7);
      expect({ i, set: set.raised }).toEqual({ i, set: undefined });
      expect({ i, same: same.raised ?? same.ok }).toEqual({ i, same: null });
      expect({ i, bytes: (rawBridge.ok as Buffer).toString('hex') }).toEqual({ i, bytes: (rawDjango.ok as Buffer).toString('hex') });
      const djangoView = fromNode((get.ok as { value: unknown }).value);
      expect(normalize(await bridge.get(c.djangoKey))).toEqual(normalize(djangoView));
      expect(normalize(await bridge.get(c.bridgeKey))).toEqual(normalize(djangoView));
      const [td, tb] = [ttlDjango.ok, ttlBridge.ok] as { ttl: number; pttl: number; django_ttl?: number | null }[];
      if (config.backend === 'django_redis') {
        // django-redis's own cache.ttl(): None for an entry without expiry.
        if (c.timeout === null) expect([td.django_ttl, tb.django_ttl]).toEqual([null, null]);
        else expect(Math.abs((tb.django_ttl as number) - (td.django_ttl as number))).toBeLessThanOrEqual(1);
      }
      if (c.timeout === null) {
        expect([td.ttl, tb.ttl]).toEqual([-1, -1]);
      } else {
        // Whole seconds for Django's RedisCache (EX int(timeout)), milliseconds for django-redis (PX).
        const limit = config.backend === 'builtin' ? Math.trunc(c.timeout) * 1000 : Math.trunc(c.timeout * 1000);
        for (const t of [td, tb]) {
          expect(t.pttl).toBeLessThanOrEqual(limit);
          expect(t.pttl).toBeGreaterThan(limit - 10_000);
        }
        expect(Math.abs(td.ttl - tb.ttl)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('add, set, has and delete answer alike, non-positive and fractional timeouts included', async () => {
    const { bridge, calls } = setUp(config);
    const script: [string, string, unknown?, (number | null)?][] = [
      ['set', 'x', { a: 1 }, 60],
      ['add', 'x', { a: 2 }, 60],
      ['get', 'x'],
      ['add', 'y', 'v', 0],
      ['has_key', 'y'],
      ['add', 'z', 'v', -1],
      ['has_key', 'z'],
      ['set', 'x', 'v', 0],
      ['has_key', 'x'],
      ['set', 'x', 'v', 60],
      ['add', 'x', 'w', -1],
      ['get', 'x'],
      ['set', 'x', 'v', -1],
      ['has_key', 'x'],
      ['add', 'x', 'w', 0.5],
      ['has_key', 'x'],
      ['set', 'x', 5, 0.4],
      ['has_key', 'x'],
      ['set', 'x', 5, null],
      ['get', 'x'],
      ['delete', 'x'],
      ['delete', 'x'],
      ['get', 'x'],
    ];
    const theirs = calls(script.map(([op, key, value, timeout]) => ({ op, key: `dj-${key}`, value: value === undefined ? undefined : toNode(value), timeout }))).map((r, i) => {
      if (r.raised) return `raised ${r.raised}`;
      // DjangoCache.set answers nothing (django-redis's set returns a bool, Django's None).
      if (script[i][0] === 'set') return undefined;
      const v = r.ok as { missing?: true; value?: unknown } | boolean | null;
      if (v && typeof v === 'object') return v.missing ? undefined : fromNode(v.value);
      return v ?? undefined;
    });
    const ours: unknown[] = [];
    for (const [op, key, value, timeout] of script) {
      const k = `br-${key}`;
      if (op === 'set') ours.push(await bridge.set(k, value, timeout ?? null));
      else if (op === 'add') ours.push(await bridge.add(k, value, timeout ?? null));
      else if (op === 'get') ours.push(await bridge.get(k));
      else if (op === 'has_key') ours.push(await bridge.has(k));
      else ours.push(await bridge.delete(k));
    }
    expect(ours).toEqual(theirs);
  });

  it('entries of the other side: add refuses them, set overwrites them; garbage is refused by both', async () => {
    const { bridge, calls } = setUp(config);
    await bridge.set('from-bridge', { who: 'bridge' }, 600);
    const [add, set, garbage, djangoGarbage] = calls([
      { op: 'add', key: 'from-bridge', value: toNode({ who: 'django' }), timeout: 600 },
      { op: 'set', key: 'from-django', value: toNode({ who: 'django' }), timeout: 600 },
      { op: 'raw_set', key: 'garbage', data: Buffer.from('\x80\x05garbage') },
      { op: 'get', key: 'garbage' },
    ]);
    expect([add.ok, set.raised, garbage.ok]).toEqual([false, undefined, true]);
    expect(djangoGarbage.raised).toBeDefined();
    expect(await bridge.add('from-django', { who: 'bridge' }, 600)).toBe(false);
    expect(await bridge.get('from-django')).toEqual({ who: 'django' });
    await expect(bridge.get('garbage')).rejects.toBeInstanceOf(SerializationError);
    await bridge.set('from-django', { who: 'bridge' }, 600);
    const [after] = calls([{ op: 'get', key: 'from-django' }]);
    expect(fromNode((after.ok as { value: unknown }).value)).toEqual({ who: 'bridge' });
  });

  it('writes nothing it cannot write as Django would', async () => {
    const { bridge, calls } = setUp(config);
    await bridge.set('k', 'before', 600);
    await expect(bridge.set('k', new Set([1]), 600)).rejects.toBeInstanceOf(SerializationError);
    await expect(bridge.add('k2', { fn: () => 1 }, 600)).rejects.toBeInstanceOf(SerializationError);
    const [k, k2] = calls([{ op: 'get', key: 'k' }, { op: 'has_key', key: 'k2' }]);
    expect([fromNode((k.ok as { value: unknown }).value), k2.ok]).toEqual(['before', false]);
  });
});

if (!HAS_BUILTIN) {
  it(`Django ${info.line} has no built-in RedisCache (django-redis only)`, () => {
    expect(() => django({ op: 'redis_cache_calls', backend: 'builtin', location: server.url(0), params: {}, calls: [] })).toThrow(/No module named 'django.core.cache.backends.redis'/);
  });
}

// Django 3.2 has no RedisCache to put on a Cluster (the test above proves it absent there).
if (HAS_BUILTIN) {
  describe('Cluster: a RedisCache on redis-py\'s RedisCluster and the bridge with options.cluster share keys and bytes', () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    beforeAll(async () => {
      cluster = await startCluster(3);
    }, 90_000);
    afterAll(() => cluster?.destroy());

    it('sessions written on either side are read on the other, over every master', async () => {
      const location = cluster.nodes.map((n) => n.url());
      const bridge = createRedisCache('default', { backend: 'django.core.cache.backends.redis.RedisCache', location, keyPrefix: 'c', options: { cluster: true } });
      opened.push(bridge);
      const cases = Array.from({ length: 24 }, () => ({ session: randomSession(), bridgeKey: `django.contrib.sessions.cache${randomToken(32)}`, djangoKey: `django.contrib.sessions.cache${randomToken(32)}` }));
      for (const c of cases) await bridge.set(c.bridgeKey, c.session, 3600);
      const results = django<{ ok?: unknown; raised?: string }[]>({
        op: 'redis_cache_calls',
        backend: 'builtin',
        cluster: true,
        location: location[0],
        params: { KEY_PREFIX: 'c' },
        calls: cases.flatMap((c) => [
          { op: 'set', key: c.djangoKey, value: toNode(c.session), timeout: 3600 },
          { op: 'same', key: c.bridgeKey, other: c.djangoKey },
          { op: 'raw', key: c.bridgeKey },
          { op: 'raw', key: c.djangoKey },
        ]),
      });
      for (const [i, c] of cases.entries()) {
        const [set, same, rawBridge, rawDjango] = results.slice(i * 4, i * 4 + 4);
        expect({ i, set: set.raised, same: same.raised ?? same.ok }).toEqual({ i, set: undefined, same: null });
        expect((rawBridge.ok as Buffer).equals(rawDjango.ok as Buffer)).toBe(true);
        expect(await bridge.get(c.djangoKey)).toEqual(c.session);
      }
      for (const node of cluster.nodes) expect(Number(node.must(['DBSIZE']))).toBeGreaterThan(0);
    });
  });
}

/** Both readers give ints as number or BigInt by size; compare them as BigInt-free JSON-ish shapes. */
function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : `${value}n`;
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Date || value instanceof NaiveDateTime || value instanceof PyDate || Buffer.isBuffer(value)) return value;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

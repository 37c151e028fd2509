/**
 * The module's maxExpandedBytes and intMaxStrDigits reach every decode the bridge does: session rows
 * (json, pickle, php), signed cookies (json, pickle), and cache values (Django's RedisCache,
 * django-redis with each serializer, PyMemcacheCache) under the cache and cached_db engines. A
 * module configured small refuses an over-budget session (no session, never a throw); one on the
 * defaults reads the same bytes. The caches are real servers: Redis on 127.0.0.1:6379 and a
 * memcached this spec starts. test/e2e/decode-limits.e2e.spec.ts does the same over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { CACHE_SESSION_KEY_PREFIX, DEFAULT_MAX_EXPANDED_BYTES, encodeSessionData, getIntMaxStrDigits, JSONSerializer, newSessionKey, pickleDumps, signing, SIGNED_COOKIE_SESSION_SALT, SerializationError, type DjangoCache, type SessionBackend, type Serializer } from '@django-bridge/core';
import { DataSource } from 'typeorm';
import { startMemcached, type MemcachedProcess } from '../../../../test/support/memcached-server.js';
import { createDjangoCache } from '../cache/create-django-cache.js';
import type { DjangoCacheSettings } from '../cache/django-cache-settings.js';
import { DjangoCaches } from '../cache/django-caches.js';
import { resolveBridgeOptions, type DjangoBridgeOptions } from '../django-bridge.options.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { createSessionStore } from './session-engine.js';
import { TypeOrmSessionStore } from './typeorm-session.store.js';

const secretKey = 'limits-spec-secret-key-'.padEnd(50, 'k');
const SMALL = { maxExpandedBytes: 2_000, intMaxStrDigits: 640 };
const auth = { _auth_user_id: '1', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'h' };
/** Within every default, over SMALL's 2000 bytes once written as JSON or PHP. */
const wide = () => ({ ...auth, note: 'x'.repeat(5_000) });
/** Within the 4300-digit default, over SMALL's 640. */
const longInt = () => ({ ...auth, n: BigInt('7'.repeat(1_000)) });
/** 200 references to one 100-character string: a 5 KB pickle that is 21 KB written as JSON. */
const referenced = () => ({ ...auth, items: new Array(200).fill('r'.repeat(100)) });

describe('module options maxExpandedBytes and intMaxStrDigits', () => {
  const base: DjangoBridgeOptions = { secretKey, userStore: new MemoryUserStore(), sessionEngine: 'signed_cookies' };

  it('default to the core defaults, and take Infinity and 0 for no limit', () => {
    expect(resolveBridgeOptions(base)).toMatchObject({ maxExpandedBytes: DEFAULT_MAX_EXPANDED_BYTES, intMaxStrDigits: getIntMaxStrDigits() });
    expect(DEFAULT_MAX_EXPANDED_BYTES).toBe(16 * 1024 * 1024);
    expect(getIntMaxStrDigits()).toBe(4300);
    expect(resolveBridgeOptions({ ...base, maxExpandedBytes: Infinity, intMaxStrDigits: 0 })).toMatchObject({ maxExpandedBytes: Infinity, intMaxStrDigits: 0 });
    expect(resolveBridgeOptions({ ...base, ...SMALL })).toMatchObject(SMALL);
  });

  it.each([
    [{ maxExpandedBytes: 0 }, 'maxExpandedBytes'],
    [{ maxExpandedBytes: -1 }, 'maxExpandedBytes'],
    [{ maxExpandedBytes: NaN }, 'maxExpandedBytes'],
    [{ maxExpandedBytes: 1.5 }, 'maxExpandedBytes'],
    [{ maxExpandedBytes: '16MB' }, 'maxExpandedBytes'],
    [{ intMaxStrDigits: 639 }, 'intMaxStrDigits'],
    [{ intMaxStrDigits: -1 }, 'intMaxStrDigits'],
    [{ intMaxStrDigits: Infinity }, 'intMaxStrDigits'],
    [{ intMaxStrDigits: '4300' }, 'intMaxStrDigits'],
  ])('refuse %j at start-up, naming the option', (bad, option) => {
    expect(() => resolveBridgeOptions({ ...base, ...(bad as object) })).toThrow(`DjangoBridgeModule option "${option}" must be`);
  });
});

const cacheSets: DjangoCaches[] = [];
beforeAll(() => {
  // Each refusal is logged (warn for stored data, debug for cookies); the assertions are on the results.
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await Promise.all(cacheSets.map((c) => c.onApplicationShutdown()));
});

/** The session engine of resolved options over the caches they name. */
function storeOf(options: DjangoBridgeOptions): SessionBackend {
  const resolved = resolveBridgeOptions(options);
  const caches = new DjangoCaches(resolved);
  cacheSets.push(caches);
  return createSessionStore(resolved, caches);
}

describe('db engine (SQLite rows as Django writes them)', () => {
  let ds: DataSource;
  const future = new Date(Date.now() + 3_600_000);

  beforeAll(async () => {
    ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await ds.initialize();
    await ds.query('CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date datetime NOT NULL)');
  });
  afterAll(async () => {
    await ds.destroy();
  });

  /** Plants a row (written with no limit, as a site with PYTHONINTMAXSTRDIGITS=0 would). */
  async function row(data: string): Promise<string> {
    const key = newSessionKey();
    await new TypeOrmSessionStore(ds).createRow(key, data, future);
    return key;
  }

  it.each([
    ['json, a long string', 'json', () => encodeSessionData(wide(), { secretKey })],
    ['json, a long integer', 'json', () => encodeSessionData(longInt(), { secretKey, intMaxStrDigits: 0 })],
    ['pickle, memo references', 'pickle', () => signing.dumps(null, { key: secretKey, salt: 'django.contrib.sessions.SessionStore', compress: true, serializer: { dumps: () => pickleDumps(referenced(), { protocol: 4 }), loads: () => null } })],
    ['php, a long string', 'php', () => encodeSessionData(wide(), { secretKey, serializer: 'php' })],
  ] as const)('%s: refused (empty session) when small, read on the defaults', async (_name, serializer, encode) => {
    const key = await row(encode());
    const small = storeOf({ secretKey, dataSource: ds, sessionSerializer: serializer, ...SMALL });
    const open = storeOf({ secretKey, dataSource: ds, sessionSerializer: serializer });
    // SessionCodec's answer to corrupted data (as Django's): the key is kept, the session is empty.
    expect(await small.load(key)).toEqual({});
    expect(await open.load(key)).toMatchObject({ _auth_user_id: '1' });
  });

  it('writes integers within intMaxStrDigits, so that what it reads it can save', async () => {
    const store = storeOf({ secretKey, dataSource: ds, intMaxStrDigits: 0 });
    const key = await row(encodeSessionData({ ...auth, n: BigInt('9'.repeat(5_000)) }, { secretKey, intMaxStrDigits: 0 }));
    const session = (await store.load(key))!;
    expect(session.n).toBe(BigInt('9'.repeat(5_000)));
    await expect(store.update(key, session, { expireDate: future, age: 3600 })).resolves.toBe(key);
    // On the default 4300 the same row is refused, as the site's Python refuses it.
    expect(await storeOf({ secretKey, dataSource: ds }).load(key)).toEqual({});
  });
});

describe('signed_cookies engine', () => {
  const cookie = (session: Record<string, unknown>, serializer?: Serializer) => signing.dumps(session, { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT, compress: true, ...(serializer ? { serializer } : {}) });
  const encodeJson = (v: unknown) => Buffer.from(JSONSerializer.dumps(v)).toString('latin1');

  it('refuses a JSON cookie over the budget or with a long integer, and reads both on the defaults', async () => {
    const small = storeOf({ secretKey, userStore: new MemoryUserStore(), sessionEngine: 'signed_cookies', ...SMALL });
    const open = storeOf({ secretKey, userStore: new MemoryUserStore(), sessionEngine: 'signed_cookies' });
    const wideCookie = cookie(wide());
    expect(wideCookie.length).toBeLessThan(4096);
    const digits = '7'.repeat(1_000);
    const intCookie = cookie({ ...auth }, { dumps: () => Buffer.from(encodeJson({ ...auth }).replace(/}$/, `,"n":${digits}}`)), loads: () => null });
    for (const value of [wideCookie, intCookie]) {
      expect(await small.load(value)).toBeNull();
      expect(await open.load(value)).toMatchObject({ _auth_user_id: '1' });
    }
  });

  it('refuses a pickled cookie whose references expand past the budget (Django 4.2 PickleSerializer)', async () => {
    const pickled = cookie(referenced(), { dumps: (v) => pickleDumps(v, { protocol: 5 }), loads: () => null });
    const opts = { secretKey, userStore: new MemoryUserStore(), sessionEngine: 'signed_cookies', sessionSerializer: 'pickle', djangoVersion: '4.2' } as const;
    expect(await storeOf({ ...opts, ...SMALL }).load(pickled)).toBeNull();
    expect(await storeOf(opts).load(pickled)).toMatchObject({ _auth_user_id: '1' });
  });
});

describe('cache engines over real servers', () => {
  let memcached: MemcachedProcess;
  const opened: DjangoCache[] = [];
  const prefix = `limits-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    memcached = await startMemcached();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await memcached?.stop();
  });

  const redis = (backend: DjangoCacheSettings['backend'], serializer?: string): DjangoCacheSettings => ({ backend, location: 'redis://127.0.0.1:6379/0', keyPrefix: prefix, ...(serializer ? { options: { serializer } } : {}) });
  const settings: [string, () => DjangoCacheSettings][] = [
    ['RedisCache (pickle)', () => redis('django.core.cache.backends.redis.RedisCache')],
    ['django-redis pickle', () => redis('django_redis.cache.RedisCache', 'pickle')],
    ['django-redis json', () => redis('django_redis.cache.RedisCache', 'json')],
    ['django-redis msgpack', () => redis('django_redis.cache.RedisCache', 'msgpack')],
    ['PyMemcacheCache', () => ({ backend: 'django.core.cache.backends.memcached.PyMemcacheCache', location: memcached.location, keyPrefix: prefix })],
  ];

  it.each(settings)('%s: the cache engine refuses an over-budget session and reads it on the defaults', async (name, make) => {
    const writer = createDjangoCache('writer', make(), { maxExpandedBytes: Infinity, intMaxStrDigits: 0 });
    opened.push(writer);
    const key = newSessionKey();
    // Pickle carries memo references; JSON a long integer; msgpack (no big integers, no references) a long string.
    const session = name.includes('msgpack') ? wide() : name.includes('json') ? longInt() : referenced();
    await writer.set(`${CACHE_SESSION_KEY_PREFIX}${key}`, session, 60);
    const small = storeOf({ secretKey, userStore: new MemoryUserStore(), sessionEngine: 'cache', caches: { default: make() }, ...SMALL });
    const open = storeOf({ secretKey, userStore: new MemoryUserStore(), sessionEngine: 'cache', caches: { default: make() } });
    expect(await small.load(key)).toBeNull();
    expect(await open.load(key)).toMatchObject({ _auth_user_id: '1' });
    await writer.delete(`${CACHE_SESSION_KEY_PREFIX}${key}`);
  });

  it('reads ints stored as digits within intMaxStrDigits, on Redis and memcached', async () => {
    for (const [, make] of settings) {
      const writer = createDjangoCache('writer', make(), { intMaxStrDigits: 0 });
      const small = createDjangoCache('small', make(), SMALL);
      const open = createDjangoCache('open', make());
      opened.push(writer, small, open);
      const big = BigInt('3'.repeat(1_000));
      await writer.set('counter', big, 60);
      // Python's int() refuses the digits, then pickle.loads refuses them too: unreadable, never a value.
      await expect(small.get('counter')).rejects.toBeInstanceOf(SerializationError);
      await expect(open.get('counter')).resolves.toBe(big);
      await writer.delete('counter');
    }
  });
});

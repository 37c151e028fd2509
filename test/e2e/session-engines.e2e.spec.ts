/**
 * Every session engine besides db, live and both ways: a real Django (its own views, through the
 * test client) and a Nest app on the bridge share one database and one cache server that this spec
 * starts (Redis, Memcached) and configure SESSION_ENGINE, CACHES and SESSION_COOKIE_AGE alike.
 *
 * Per scenario: a Django login is a Nest login and the reverse; logout on either side ends the
 * session on the other (cached_db: the cached copy goes too, checked in the server); a login on an
 * anonymous session cycles its key on either side and the old key is dead on the other (a second
 * login of the same user keeps it, as Django's login does); the expiry each side writes (cache TTL,
 * row expire_date, refill after a miss, cookie Max-Age and Expires, signing timestamp) is the same
 * to the second; a password change on either side ends the sessions on the other. Then failures
 * over HTTP: a garbled cache value and one that decodes to no dict, a tampered, foreign or stale
 * signed cookie, a cache that refuses writes, a cache that is down (Django's answer is taken from
 * the running Django each time), and a cache that never answers (503 within the timeouts).
 *
 * The line of each scenario is fixed here (not DJANGO_LINE): django-redis scenarios on 3.2, the
 * built-in RedisCache on 5.2 (it does not exist on 3.2), Memcached and signed_cookies on both.
 * One migrated database per line and database serves all its scenarios (withSettings), and
 * Django is driven in batches. Passwords use the MD5 hasher on both sides: hashers are proven
 * elsewhere, and a PBKDF2 login per step would cost most of the run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makePassword, PasswordHashers, signing, SIGNED_COOKIE_SESSION_SALT } from '@django-bridge/core';
import { DjangoAuthService, type DjangoBridgeOptions } from '@django-bridge/nest';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject, type Cookies, type DjangoCacheBackend, type DjangoEngine, type DjangoProjectEnv, type DjangoSessionEngine } from '../django/django-project.js';
import { bridgeVersionFor, type DjangoLine } from '../django/django-line.js';
import { randomEnvSecret, randomInt } from '../support/random.js';
import { startSilentListener } from '../support/redis-servers.js';
import { MemcachedProbe, RedisProbe, startCacheServer, type StartedCacheServer } from './support/cache-probes.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';

const REDIS_BUILTIN: DjangoCacheBackend = 'django.core.cache.backends.redis.RedisCache';
const DJANGO_REDIS: DjangoCacheBackend = 'django_redis.cache.RedisCache';
const PYMEMCACHE: DjangoCacheBackend = 'django.core.cache.backends.memcached.PyMemcacheCache';
const DJANGO_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher'];
const NEST_HASHERS = ['md5'];
/** Bounds on every cache I/O of the Nest apps here, in milliseconds. */
const CONNECT_TIMEOUT = 400;
const COMMAND_TIMEOUT = 400;
/** What Django's cache clients raise for a server that is gone (redis-py, pymemcache). */
const DOWN = /Connection|refused|Error 111|servers seem to be down|cache is unavailable/i;
/** The skew allowed between an expiry and the instant it was written plus the age. */
const SKEW_MS = 1_000;

type CacheKind = 'redis' | 'memcached';
type Engine = Exclude<DjangoSessionEngine, 'db'>;

interface CacheChoice {
  kind: CacheKind;
  backend: DjangoCacheBackend;
  redisSerializer?: 'pickle' | 'json' | 'msgpack';
  redisCompressor?: 'none' | 'zlib';
  keyPrefix?: string;
  version?: number;
}

interface Scenario {
  /** Short and unique: names the scenario's users. */
  id: string;
  title: string;
  engine: Engine;
  cache?: CacheChoice;
  /** SESSION_COOKIE_AGE; above 30 days Memcached takes an absolute expiry instead of seconds. */
  age: number;
}

interface Site {
  line: DjangoLine;
  db: DjangoEngine;
  scenarios: Scenario[];
}

const TWO_DAYS = 172_800;
const age = () => randomInt(TWO_DAYS, 4 * TWO_DAYS);

const SITES: Site[] = [
  {
    line: '3.2',
    db: 'sqlite',
    scenarios: [
      { id: 'a', title: 'cache on django-redis, pickle', engine: 'cache', cache: { kind: 'redis', backend: DJANGO_REDIS, redisSerializer: 'pickle', keyPrefix: 'site32', version: 2 }, age: age() },
      { id: 'b', title: 'cache on django-redis, JSON', engine: 'cache', cache: { kind: 'redis', backend: DJANGO_REDIS, redisSerializer: 'json' }, age: age() },
      { id: 'k', title: 'cache on django-redis, msgpack + zlib', engine: 'cache', cache: { kind: 'redis', backend: DJANGO_REDIS, redisSerializer: 'msgpack', redisCompressor: 'zlib' }, age: age() },
      { id: 'c', title: 'cached_db on django-redis, JSON + zlib', engine: 'cached_db', cache: { kind: 'redis', backend: DJANGO_REDIS, redisSerializer: 'json', redisCompressor: 'zlib', keyPrefix: 'cdb' }, age: age() },
      { id: 'd', title: 'cache on PyMemcacheCache', engine: 'cache', cache: { kind: 'memcached', backend: PYMEMCACHE }, age: age() },
      { id: 'e', title: 'signed_cookies', engine: 'signed_cookies', age: age() },
    ],
  },
  {
    line: '5.2',
    db: 'sqlite',
    scenarios: [
      { id: 'f', title: 'cache on the built-in RedisCache', engine: 'cache', cache: { kind: 'redis', backend: REDIS_BUILTIN, keyPrefix: 'p52', version: 3 }, age: age() },
      // Over 30 days: Django hands Memcached an absolute Unix time instead of seconds.
      { id: 'g', title: 'cache on PyMemcacheCache (age over 30 days)', engine: 'cache', cache: { kind: 'memcached', backend: PYMEMCACHE, keyPrefix: 'mc' }, age: 2_592_000 + randomInt(1, 864_000) },
      { id: 'h', title: 'cached_db on the built-in RedisCache', engine: 'cached_db', cache: { kind: 'redis', backend: REDIS_BUILTIN }, age: age() },
      { id: 'i', title: 'signed_cookies', engine: 'signed_cookies', age: age() },
    ],
  },
  {
    line: '5.2',
    db: 'mysql',
    scenarios: [{ id: 'j', title: 'cached_db on the built-in RedisCache', engine: 'cached_db', cache: { kind: 'redis', backend: REDIS_BUILTIN, keyPrefix: 'maria' }, age: age() }],
  },
];

// ---- HTTP and cookies ---------------------------------------------------------------------------

interface SetCookie {
  value: string;
  maxAge?: number;
  /** Expires, in ms since the epoch. */
  expires?: number;
}

/** Set-Cookie header values (Nest's or Django's) by cookie name; a deleted cookie has value "". */
function parseSetCookies(headers: string[] | string | undefined): Record<string, SetCookie> {
  const out: Record<string, SetCookie> = {};
  for (const header of Array.isArray(headers) ? headers : headers ? [headers] : []) {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const raw = pair.slice(eq + 1);
    const cookie: SetCookie = { value: raw === '""' ? '' : raw };
    for (const attribute of attributes) {
      const [name, value = ''] = attribute.split('=');
      if (name.toLowerCase() === 'max-age') cookie.maxAge = Number(value);
      if (name.toLowerCase() === 'expires') cookie.expires = Date.parse(value);
    }
    out[pair.slice(0, eq)] = cookie;
  }
  return out;
}

interface NestAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  /** The request's cookies with the response's Set-Cookie applied (deleted ones removed). */
  cookies: Cookies;
  setCookies: Record<string, SetCookie>;
  ms: number;
}

async function nest(t: TestApp, method: 'get' | 'post', path: string, cookies: Cookies = {}, body?: object): Promise<NestAnswer> {
  const started = Date.now();
  let req = request(t.url)[method](path).timeout(15_000);
  if (Object.keys(cookies).length) req = req.set('Cookie', cookieHeader(cookies));
  const res = body ? await req.send(body) : await req;
  const setCookies = parseSetCookies(res.headers['set-cookie']);
  const jar: Cookies = { ...cookies };
  for (const [name, cookie] of Object.entries(setCookies)) {
    if (cookie.value === '') delete jar[name];
    else jar[name] = cookie.value;
  }
  return { status: res.status, body: (res.body ?? {}) as Record<string, unknown>, text: res.text, cookies: jar, setCookies, ms: Date.now() - started };
}

const nestLogin = (t: TestApp, username: string, cookies: Cookies = {}) => nest(t, 'post', '/login', cookies, { username, password: passwordOf(username) });
const nestMe = (t: TestApp, cookies: Cookies) => nest(t, 'get', '/me', cookies);
const nestLogout = (t: TestApp, cookies: Cookies) => nest(t, 'post', '/logout', cookies);

function passwordOf(username: string): string {
  return `${username}-pw`;
}

/** Nest's 503 for a store failure: the bridge's fixed message, nothing of the error behind it. */
function expectUnavailable(answer: NestAnswer, what: string): void {
  if (answer.status !== 503) throw new Error(`${what}: expected 503, got ${answer.status} ${answer.text}`);
  expect(answer.body).toEqual({ statusCode: 503, message: 'Session store unavailable; try again later', error: 'Service Unavailable' });
  expect(answer.text).not.toMatch(/\bat \S+ \(|\.ts:\d+|\.js:\d+|Error:|ECONNREFUSED|ETIMEDOUT/);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An expiry written between `from` and `to` with this age, within SKEW_MS. */
function expectExpiry(actualMs: number | null | undefined, fromMs: number, toMs: number, ageSeconds: number, what: string, grainMs = 0): void {
  if (actualMs === null || actualMs === undefined || Number.isNaN(actualMs)) throw new Error(`${what}: no expiry`);
  const lo = fromMs + ageSeconds * 1000 - SKEW_MS - grainMs;
  const hi = toMs + ageSeconds * 1000 + SKEW_MS + grainMs;
  if (actualMs < lo || actualMs > hi) throw new Error(`${what}: expires ${iso(actualMs)}, not within ${SKEW_MS + grainMs} ms of [${iso(fromMs + ageSeconds * 1000)}, ${iso(toMs + ageSeconds * 1000)}] (written in [${iso(fromMs)}, ${iso(toMs)}] with age ${ageSeconds} s)`);
}

/** Django's isoformat() (microseconds, offset) as ms since the epoch. */
function parseIso(text: string): number {
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
}

/** The signing timestamp (seconds) inside a signed_cookies value: base62 between the last two colons. */
function signedTimestamp(value: string): number {
  const parts = value.split(':');
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...parts[parts.length - 2]].reduce((n, ch) => n * 62 + digits.indexOf(ch), 0);
}

// ---- the caches, seen from outside ----------------------------------------------------------------

/** What the spec reads and plants in a cache server, by the key the server stores (Django's make_key). */
interface CacheView {
  /** The instant the entry expires (ms); null when it is missing. */
  expiresAt(madeKey: string): Promise<number | null>;
  exists(madeKey: string): Promise<boolean>;
  /** Replaces the value with bytes no serializer reads, keeping the expiry. */
  garble(madeKey: string): Promise<void>;
  /** Replaces the value with the integer 12345 as the backend stores integers (it decodes, but is no session). */
  plantInteger(madeKey: string): Promise<void>;
  del(madeKey: string): Promise<void>;
}

/** Not a pickle (truncated frame), not JSON (invalid UTF-8), not zlib, not an integer. */
const GARBAGE = Buffer.from([0x80, 0x05, 0x95, 0xff, 0xff, 0x00, 0x67, 0x61, 0x72, 0x62, 0x6c, 0x65, 0x64]);

function cacheView(kind: CacheKind, port: number): CacheView {
  if (kind === 'redis') {
    const redis = new RedisProbe(port);
    const plant = async (key: string, value: Buffer) => {
      if (!(await redis.exists(key))) throw new Error(`Redis ${key} is missing`);
      await redis.overwrite(key, value);
    };
    return {
      expiresAt: (key) => redis.expiresAt(key),
      exists: (key) => redis.exists(key),
      garble: (key) => plant(key, GARBAGE),
      // Both Redis backends store ints as their digits.
      plantInteger: (key) => plant(key, Buffer.from('12345')),
      del: (key) => redis.del(key),
    };
  }
  const memcached = new MemcachedProbe(port);
  /** Rewrites the item with the time it has left (over 30 days memcached wants a Unix time), and checks it is there. */
  const replace = async (key: string, value: Buffer, flags: number) => {
    const ttl = await memcached.ttl(key);
    if (ttl === null) throw new Error(`Memcached ${key} is missing`);
    await memcached.set(key, value, flags, ttl > 2_592_000 ? Math.floor(Date.now() / 1000) + ttl : ttl);
    if (!(await memcached.exists(key))) throw new Error(`Memcached ${key} did not keep the planted value`);
  };
  return {
    async expiresAt(key) {
      const before = Date.now();
      const ttl = await memcached.ttl(key);
      if (ttl === null) return null;
      if (ttl < 0) throw new Error(`Memcached ${key} never expires`);
      return before + ttl * 1000;
    },
    exists: (key) => memcached.exists(key),
    // Flag 1: pymemcache's "pickled"; the bytes are not a pickle.
    garble: (key) => replace(key, GARBAGE, 1),
    // Flag 2: pymemcache's "int".
    plantInteger: (key) => replace(key, Buffer.from('12345'), 2),
    del: (key) => memcached.del(key),
  };
}

function location(kind: CacheKind, port: number): string {
  return kind === 'redis' ? `redis://127.0.0.1:${port}/0` : `127.0.0.1:${port}`;
}

/** The bridge's CACHES entry for the same cache Django uses. */
function nestCache(choice: CacheChoice, port: number): NonNullable<DjangoBridgeOptions['caches']>[string] {
  const options: Record<string, unknown> = {};
  if (choice.redisSerializer) options.serializer = choice.redisSerializer;
  if (choice.redisCompressor) options.compressor = choice.redisCompressor;
  return {
    backend: choice.backend,
    location: location(choice.kind, port),
    ...(choice.keyPrefix === undefined ? {} : { keyPrefix: choice.keyPrefix }),
    ...(choice.version === undefined ? {} : { version: choice.version }),
    ...(Object.keys(options).length ? { options } : {}),
    connectTimeout: CONNECT_TIMEOUT,
    commandTimeout: COMMAND_TIMEOUT,
  };
}

function djangoCacheEnv(choice: CacheChoice, port: number): Partial<DjangoProjectEnv> {
  return {
    cacheBackend: choice.backend,
    cacheLocation: location(choice.kind, port),
    cacheKeyPrefix: choice.keyPrefix,
    cacheVersion: choice.version,
    redisSerializer: choice.redisSerializer,
    redisCompressor: choice.redisCompressor,
  };
}

function nestOptions(line: DjangoLine, secretKey: string, scenario: Scenario, cachePort?: number): Omit<DjangoBridgeOptions, 'dataSource'> {
  return {
    secretKey,
    djangoVersion: bridgeVersionFor(line),
    passwordHashers: NEST_HASHERS,
    sessionEngine: scenario.engine,
    sessionCookieAge: scenario.age,
    ...(scenario.cache && cachePort !== undefined ? { caches: { default: nestCache(scenario.cache, cachePort) } } : {}),
  };
}

/** The user names a scenario works with (created once per site). */
function usersOf(scenario: Scenario): Record<'a' | 'b' | 'cycle' | 'out' | 'pwDjango' | 'pwNest' | 'fail', string> {
  const u = (name: string) => `${scenario.id}_${name}`;
  return { a: u('ann'), b: u('ben'), cycle: u('cyc'), out: u('out'), pwDjango: u('pwd'), pwNest: u('pwn'), fail: u('fail') };
}

/** Seconds per scenario, printed at the end. */
const timings: string[] = [];
afterAll(() => {
  if (timings.length) console.log(`session-engines timings:\n${timings.join('\n')}`);
});

describe.each(SITES)('Django $line on $db', (site) => {
  const secretKey = randomEnvSecret();
  let base: DjangoProject;

  beforeAll(() => {
    const started = Date.now();
    base = DjangoProject.throwaway(site.db, { line: site.line, secretKey, hashers: DJANGO_HASHERS });
    const users = site.scenarios.flatMap((s) => Object.values(usersOf(s)));
    base.batch([c.migrate(), ...users.map((username) => c.createUser({ username, password: passwordOf(username) }))]);
    timings.push(`  Django ${site.line} on ${site.db}: migrate and ${users.length} users ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);
  afterAll(() => {
    base?.dropDatabase();
  });

  if (site.line === '3.2') {
    it('refuses the built-in RedisCache, which Django 3.2 does not have, with a clear error', () => {
      const refused = base.withSettings({ sessionEngine: 'cache', cacheBackend: REDIS_BUILTIN, cacheLocation: 'redis://127.0.0.1:1/0' });
      expect(() => refused.whoami({})).toThrow(/NotSupportedByThisDjango: Django 3\.2\.\d+ cannot run this configuration: DJANGO_CACHE_BACKEND: django\.core\.cache\.backends\.redis\.RedisCache exists from Django 4\.0 on/);
    });
  }

  describe.each(site.scenarios)('$title', (scenario) => {
    const users = usersOf(scenario);
    const isCached = scenario.engine !== 'signed_cookies';
    let server: StartedCacheServer | undefined;
    let view: CacheView;
    let django: DjangoProject;
    let t: TestApp;
    let started: number;

    beforeAll(async () => {
      started = Date.now();
      if (scenario.cache) {
        server = await startCacheServer(scenario.cache.kind);
        view = cacheView(scenario.cache.kind, server.port);
      }
      django = base.withSettings({ sessionEngine: scenario.engine, sessionCookieAge: scenario.age, ...(scenario.cache && server ? djangoCacheEnv(scenario.cache, server.port) : {}) });
      t = await startTestApp('express', base.connection(), nestOptions(site.line, secretKey, scenario, server?.port));
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await server?.stop();
      timings.push(`  Django ${site.line} on ${site.db}, ${scenario.title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, 30_000);

    /** Django's make_key for each session key (one process for all). */
    const madeKeys = (...keys: string[]): string[] =>
      django.batch(keys.map((k) => c.sessionCacheKey(k))).map((k, i) => {
        if (!k) throw new Error(`Django keeps no cache entry for ${keys[i]}`);
        return k.made_key;
      });

    it('a Django login is a Nest login, and a Nest login a Django one, with the same session data', async () => {
      const fromDjango = django.login(users.a, passwordOf(users.a));
      expect(fromDjango.status).toBe(200);
      const me = await nestMe(t, fromDjango.cookies);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ username: users.a });

      const fromNest = await nestLogin(t, users.b);
      expect(fromNest.status).toBe(200);
      const nestKey = fromNest.cookies.sessionid;
      const [who, decoded, djangoDecoded, cacheKey] = django.batch([c.whoami(fromNest.cookies), c.decodeSession(nestKey), c.decodeSession(fromDjango.cookies.sessionid), c.sessionCacheKey(nestKey)]);
      expect(who).toMatchObject({ authenticated: true, username: users.b, session_exists: isCached });
      // Django reads back the three auth keys Nest wrote, as it writes them itself.
      expect(Object.keys(decoded).sort()).toEqual(Object.keys(djangoDecoded).sort());
      expect(decoded).toMatchObject({ _auth_user_id: String(who.id), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
      const keys = await nest(t, 'get', '/session-keys', fromDjango.cookies);
      expect(keys.body.keys).toEqual(Object.keys(djangoDecoded).sort());
      if (isCached) {
        // Nest's entry sits exactly where Django's make_key puts it.
        expect(cacheKey).not.toBeNull();
        expect(await view.exists(cacheKey!.made_key)).toBe(true);
      } else {
        expect(cacheKey).toBeNull();
      }
    }, 60_000);

    it('writes the same expiry as Django, to the second', async () => {
      const t0 = Date.now();
      const fromDjango = django.login(users.a, passwordOf(users.a));
      const t1 = Date.now();
      const fromNest = await nestLogin(t, users.a);
      const t2 = Date.now();
      const djangoCookie = parseSetCookies(fromDjango.setCookie).sessionid;
      const nestCookie = fromNest.setCookies.sessionid;
      // The cookie: Max-Age equal to the age on both sides, Expires from the same instant.
      expect(djangoCookie.maxAge).toBe(scenario.age);
      expect(nestCookie.maxAge).toBe(scenario.age);
      // Expires has whole seconds: allow the truncation on top of the skew.
      expectExpiry(djangoCookie.expires, t0 - 1000, t1, scenario.age, 'Django cookie Expires');
      expectExpiry(nestCookie.expires, t1 - 1000, t2, scenario.age, 'Nest cookie Expires');
      const dKey = fromDjango.cookies.sessionid;
      const nKey = fromNest.cookies.sessionid;

      if (scenario.engine === 'signed_cookies') {
        expectExpiry(signedTimestamp(dKey) * 1000, t0 - 1000, t1, 0, 'Django signing timestamp');
        expectExpiry(signedTimestamp(nKey) * 1000, t1 - 1000, t2, 0, 'Nest signing timestamp');
        // max_age is SESSION_COOKIE_AGE on both sides: a cookie signed age+2 s ago is dead, age-5 s ago alive.
        const session = signing.loads(dKey, { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT, maxAge: scenario.age });
        const signedAgo = (seconds: number) => signing.dumps(session, { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT, compress: true, clock: () => Math.floor(Date.now() / 1000) - seconds });
        const stale = { sessionid: signedAgo(scenario.age + 2) };
        const fresh = { sessionid: signedAgo(scenario.age - 5) };
        const [staleWho, freshWho] = django.batch([c.whoami(stale), c.whoami(fresh)]);
        expect(staleWho.authenticated).toBe(false);
        expect(freshWho).toMatchObject({ authenticated: true, username: users.a });
        expect((await nestMe(t, stale)).status).toBe(401);
        expect((await nestMe(t, fresh)).status).toBe(200);
        return;
      }

      const [dMade, nMade] = madeKeys(dKey, nKey);
      // Memcached keeps time in whole seconds of its own clock, and `mg t` reads whole seconds left:
      // its entries are placed to a second on top of the skew. Both entries are read back to back,
      // so their difference is exact to the second.
      const grain = scenario.cache!.kind === 'memcached' ? 1000 : 0;
      const dExpires = await view.expiresAt(dMade);
      const nExpires = await view.expiresAt(nMade);
      expectExpiry(dExpires, t0, t1, scenario.age, `Django's cache entry ${dMade}`, grain);
      expectExpiry(nExpires, t1, t2, scenario.age, `Nest's cache entry ${nMade}`, grain);
      // Same age on both sides: the two expiries are as far apart as the two writes, to the second.
      expect(Math.abs(nExpires! - dExpires! - ((t1 + t2) / 2 - (t0 + t1) / 2))).toBeLessThanOrEqual(SKEW_MS + (t2 - t0) / 2);
      if (scenario.engine === 'cached_db') {
        const [dRow, nRow] = django.batch([c.sessionRow(dKey), c.sessionRow(nKey)]);
        const dExpire = parseIso(dRow!.expire_date_orm);
        const nExpire = parseIso(nRow!.expire_date_orm);
        expectExpiry(dExpire, t0, t1, scenario.age, "Django's expire_date");
        expectExpiry(nExpire, t1, t2, scenario.age, "Nest's expire_date");
        // A cache miss refills the cache for what is left of expire_date (get_expiry_age(expiry=expire_date)).
        await view.del(dMade);
        await view.del(nMade);
        const r0 = Date.now();
        expect((await nestMe(t, fromDjango.cookies)).status).toBe(200);
        expect(django.whoami(fromNest.cookies)).toMatchObject({ authenticated: true, username: users.a });
        const nestRefill = await view.expiresAt(dMade);
        const djangoRefill = await view.expiresAt(nMade);
        // Whole seconds left, counted at the refill: at most one second short of expire_date.
        for (const [refill, expire, who] of [[nestRefill, dExpire, 'Nest'], [djangoRefill, nExpire, 'Django']] as const) {
          if (refill === null || refill > expire + SKEW_MS || refill < expire - 1000 - SKEW_MS) throw new Error(`${who}'s refill expires ${refill === null ? 'never' : iso(refill)}, expire_date is ${iso(expire)} (refilled after ${iso(r0)})`);
        }
      }
    }, 60_000);

    it('login cycles the key of an anonymous session on either side, and the old key is dead on the other', async () => {
      // An anonymous Nest session with data, then a Django login with it: Django cycles the key, keeping the data.
      const cart = await nest(t, 'post', '/cart', {}, { item: 'from-nest' });
      expect(cart.status).toBe(200);
      const nestAnon = cart.cookies.sessionid;
      // An anonymous Django session with data too (made now, used below); and where Nest's sits.
      const [djangoAnon, nestAnonKey] = django.batch([c.createSession({ cart: ['from-django'] }), c.sessionCacheKey(nestAnon)]);
      if (isCached) expect(await view.exists(nestAnonKey!.made_key)).toBe(true);
      const djangoLogin = django.login(users.cycle, passwordOf(users.cycle), cart.cookies);
      expect(djangoLogin.status).toBe(200);
      const cycledByDjango = djangoLogin.cookies.sessionid;
      expect(cycledByDjango).not.toBe(nestAnon);
      // The anonymous Django session, then a Nest login with it: Nest cycles the key.
      const nestLoginAnswer = await nestLogin(t, users.cycle, { sessionid: djangoAnon });
      expect(nestLoginAnswer.status).toBe(200);
      const cycledByNest = nestLoginAnswer.cookies.sessionid;
      expect(cycledByNest).not.toBe(djangoAnon);

      const [whoCycledByNest, dataCycledByNest, whoOldDjango, dataOldDjango] = django.batch([c.whoami({ sessionid: cycledByNest }), c.decodeSession(cycledByNest), c.whoami({ sessionid: djangoAnon }), c.decodeSession(djangoAnon)]);
      expect(whoCycledByNest).toMatchObject({ authenticated: true, username: users.cycle });
      expect(dataCycledByNest.cart).toEqual(['from-django']);
      const meCycledByDjango = await nestMe(t, { sessionid: cycledByDjango });
      expect(meCycledByDjango.status).toBe(200);
      expect((await nest(t, 'get', '/session-keys', { sessionid: cycledByDjango })).body.keys).toContain('cart');
      const oldNest = await nest(t, 'get', '/session-keys', { sessionid: nestAnon });
      if (scenario.engine === 'signed_cookies') {
        // Nothing is stored: an old cookie keeps its (anonymous) data until it expires, on both sides.
        expect(dataOldDjango).toEqual({ cart: ['from-django'] });
        expect(oldNest.body).toEqual({ key: nestAnon, keys: ['cart'] });
        return;
      }
      expect(whoOldDjango).toMatchObject({ authenticated: false, session_exists: false });
      expect(dataOldDjango).toEqual({});
      expect(oldNest.body).toEqual({ key: null, keys: [] });
      const [nestOld, djangoOld] = [nestAnonKey!.made_key, madeKeys(djangoAnon)[0]];
      expect(await view.exists(nestOld)).toBe(false);
      expect(await view.exists(djangoOld)).toBe(false);
    }, 60_000);

    it("a second login of the same user keeps the key on either side, as Django's login does", async () => {
      const djangoFirst = django.login(users.cycle, passwordOf(users.cycle));
      const nestAgain = await nestLogin(t, users.cycle, djangoFirst.cookies);
      expect(nestAgain.status).toBe(200);
      const nestFirst = await nestLogin(t, users.cycle);
      const djangoAgain = django.login(users.cycle, passwordOf(users.cycle), nestFirst.cookies);
      expect(djangoAgain.status).toBe(200);
      if (isCached) {
        expect(nestAgain.cookies.sessionid).toBe(djangoFirst.cookies.sessionid);
        expect(djangoAgain.cookies.sessionid).toBe(nestFirst.cookies.sessionid);
      }
      expect(django.whoami(nestAgain.cookies)).toMatchObject({ authenticated: true, username: users.cycle });
      expect((await nestMe(t, djangoAgain.cookies)).status).toBe(200);
    }, 60_000);

    it('logout on Nest ends the session in Django, and logout on Django ends it in Nest', async () => {
      const fromDjango = django.login(users.out, passwordOf(users.out));
      const fromNest = await nestLogin(t, users.out);
      const [dMade, nMade] = isCached ? madeKeys(fromDjango.cookies.sessionid, fromNest.cookies.sessionid) : [];
      if (isCached) expect([await view.exists(dMade), await view.exists(nMade)]).toEqual([true, true]);
      const nestOut = await nestLogout(t, fromDjango.cookies);
      expect(nestOut.status).toBe(200);
      // The cookie is deleted, as Django deletes it.
      expect(nestOut.setCookies.sessionid?.value).toBe('');
      const djangoOut = django.logout(fromNest.cookies);
      expect(djangoOut.status).toBe(200);
      expect(djangoOut.cookies.sessionid ?? '').toBe('');
      const [afterNestLogout, jarAfterNestLogout] = django.batch([c.whoami(fromDjango.cookies), c.whoami(nestOut.cookies)]);
      expect(jarAfterNestLogout.authenticated).toBe(false);
      expect((await nestMe(t, djangoOut.cookies)).status).toBe(401);
      const replayed = await nestMe(t, fromNest.cookies);
      if (scenario.engine === 'signed_cookies') {
        // A replayed signed cookie outlives logout on both sides (Django's documented limitation).
        expect(afterNestLogout).toMatchObject({ authenticated: true, username: users.out });
        expect(replayed.status).toBe(200);
        return;
      }
      expect(afterNestLogout).toMatchObject({ authenticated: false, session_exists: false });
      expect(replayed.status).toBe(401);
      // Gone from the cache (cached_db: the cached copy too, not only the row).
      expect(await view.exists(dMade)).toBe(false);
      expect(await view.exists(nMade)).toBe(false);
      if (scenario.engine === 'cached_db') {
        expect(django.batch([c.sessionRow(fromDjango.cookies.sessionid), c.sessionRow(fromNest.cookies.sessionid)])).toEqual([null, null]);
      }
    }, 60_000);

    it('a password change on Django ends the sessions in Nest, and one in Nest ends them in Django', async () => {
      // Changed on Django: both the Django-made and the Nest-made session die in Nest.
      const dSession = django.login(users.pwDjango, passwordOf(users.pwDjango));
      const nSession = await nestLogin(t, users.pwDjango);
      expect((await nestMe(t, dSession.cookies)).status).toBe(200);
      const [dMade, nMade] = isCached ? madeKeys(dSession.cookies.sessionid, nSession.cookies.sessionid) : [];
      if (isCached) expect([await view.exists(dMade), await view.exists(nMade)]).toEqual([true, true]);
      django.setPassword(users.pwDjango, 'changed-on-django');
      const afterD = await nestMe(t, dSession.cookies);
      const afterN = await nestMe(t, nSession.cookies);
      expect([afterD.status, afterN.status]).toEqual([401, 401]);
      // Nest flushes what Django's get_user flushes: the stored session goes, the cookie is deleted.
      expect(afterD.setCookies.sessionid?.value).toBe('');
      if (isCached) expect([await view.exists(dMade), await view.exists(nMade)]).toEqual([false, false]);

      // Changed in Nest (its user store, as a password-change view would): Django refuses both sessions.
      const dSession2 = django.login(users.pwNest, passwordOf(users.pwNest));
      const nSession2 = await nestLogin(t, users.pwNest);
      const auth = t.app.get(DjangoAuthService);
      const user = await auth.users.findByUsername(users.pwNest);
      await auth.users.setPassword(user!, await makePassword('changed-in-nest', { hashers: new PasswordHashers({ hashers: NEST_HASHERS }) }));
      const [whoD, whoN, relogin] = django.batch([c.whoami(dSession2.cookies), c.whoami(nSession2.cookies), c.login(users.pwNest, 'changed-in-nest')]);
      expect([whoD.authenticated, whoN.authenticated]).toEqual([false, false]);
      expect(relogin.status).toBe(200);
      expect((await nest(t, 'post', '/login', {}, { username: users.pwDjango, password: 'changed-on-django' })).status).toBe(200);
    }, 60_000);

    if (scenario.engine === 'signed_cookies') {
      it('refuses a forged or tampered cookie (401), as Django does', async () => {
        const good = django.login(users.fail, passwordOf(users.fail)).cookies.sessionid;
        const [payload, stamp, signature] = [good.slice(0, good.indexOf(':')), ...good.slice(good.indexOf(':') + 1).split(':')];
        const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
        const session = signing.loads(good, { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT, maxAge: scenario.age });
        const forged = [
          `${flip(payload, 3)}:${stamp}:${signature}`,
          `${payload}:${stamp}:${flip(signature, 5)}`,
          `${payload}:${flip(stamp, 0)}:${signature}`,
          signing.dumps(session, { key: 'not-the-secret-key', salt: SIGNED_COOKIE_SESSION_SALT, compress: true }),
          signing.dumps(session, { key: secretKey, salt: 'another.salt', compress: true }),
          good.slice(0, -1),
          'x'.repeat(40),
        ];
        const whos = django.batch(forged.map((sessionid) => c.whoami({ sessionid })));
        expect(whos.map((w) => w.authenticated)).toEqual(forged.map(() => false));
        for (const sessionid of forged) {
          const me = await nestMe(t, { sessionid });
          expect([sessionid, me.status]).toEqual([sessionid, 401]);
        }
        expect((await nestMe(t, { sessionid: good })).status).toBe(200);
      }, 60_000);
      return;
    }

    it(scenario.engine === 'cache' ? 'takes a garbled cache value for no session (401), as Django does' : 'reads the database behind a garbled cache value and refills the cache, as Django does', async () => {
      const fromDjango = django.login(users.fail, passwordOf(users.fail));
      const fromNest = await nestLogin(t, users.fail);
      const [dMade, nMade] = madeKeys(fromDjango.cookies.sessionid, fromNest.cookies.sessionid);
      await view.garble(dMade);
      await view.garble(nMade);
      const me = await nestMe(t, fromDjango.cookies);
      const who = django.whoami(fromNest.cookies);
      if (scenario.engine === 'cache') {
        expect(me.status).toBe(401);
        expect(who.authenticated).toBe(false);
      } else {
        // cached_db: the database answers and each side rewrites the entry the other then reads.
        expect(me.status).toBe(200);
        expect(who).toMatchObject({ authenticated: true, username: users.fail });
        expect(django.whoami(fromDjango.cookies)).toMatchObject({ authenticated: true, username: users.fail });
        expect((await nestMe(t, fromNest.cookies)).status).toBe(200);
      }

      // A value that decodes but is no dict: Django takes it for the session and fails on it (a
      // 500); the bridge never does: no session (cache), or the database's (cached_db).
      const another = django.login(users.fail, passwordOf(users.fail));
      const [anotherMade] = madeKeys(another.cookies.sessionid);
      await view.plantInteger(anotherMade);
      const [djangoOnInteger] = django.batch([c.attempt(c.whoami(another.cookies))]);
      expect(djangoOnInteger.raised).toMatch(/TypeError|AttributeError/);
      expect((await nestMe(t, another.cookies)).status).toBe(scenario.engine === 'cache' ? 401 : 200);
    }, 60_000);

    if (scenario.cache?.kind === 'redis') {
      it('when the cache refuses writes: fails where Django fails, succeeds where Django succeeds', async () => {
        const before = await nestLogin(t, users.fail);
        const redis = new RedisProbe(server!.port);
        await redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        await redis.command('CONFIG', 'SET', 'maxmemory', '1');
        try {
          const [djangoLogin, djangoWho] = django.batch([c.attempt(c.login(users.fail, passwordOf(users.fail))), c.attempt(c.whoami(before.cookies))]);
          const nestLoginAnswer = await nestLogin(t, users.fail);
          const nestMeAnswer = await nestMe(t, before.cookies);
          // Django: the cache engine's add() fails the login everywhere; cached_db logs a failed
          // cache write after saving the row from 5.1 on (and fails before).
          const djangoLoginOk = djangoLogin.ok !== undefined;
          expect(djangoLoginOk).toBe(scenario.engine === 'cached_db' && site.line !== '3.2');
          if (djangoLoginOk) expect(nestLoginAnswer.status).toBe(200);
          else expectUnavailable(nestLoginAnswer, 'Nest login while the cache refuses writes');
          if (djangoLoginOk) {
            // The row is there: Django's next read needs the cache refill and fails, as Nest's does.
            const [next] = django.batch([c.attempt(c.whoami(djangoLogin.ok!.cookies))]);
            expect(next.raised).toMatch(/OOM|maxmemory/);
            expectUnavailable(await nestMe(t, nestLoginAnswer.cookies), "Nest reading a session it could not cache");
          }
          // A session already in the cache reads on both sides (reads are not writes).
          expect(djangoWho.ok).toMatchObject({ authenticated: true, username: users.fail });
          expect(nestMeAnswer.status).toBe(200);
        } finally {
          await redis.command('CONFIG', 'SET', 'maxmemory', '0');
        }
      }, 60_000);
    }

    it('when the cache is down: 503 with no trace, where Django logs out (cache) or fails (cached_db)', async () => {
      const fromDjango = django.login(users.fail, passwordOf(users.fail));
      await server!.stop();
      const [djangoWho, djangoLogin] = django.batch([c.attempt(c.whoami(fromDjango.cookies)), c.attempt(c.login(users.fail, passwordOf(users.fail)))]);
      if (scenario.engine === 'cache') {
        // Django's cache engine takes a dead cache for "no session" (and would hand out new keys):
        // the bridge answers 503 instead, so an outage never looks like a logout.
        expect(djangoWho.ok).toMatchObject({ authenticated: false });
        // exists() raises too (redis-py), or misses silently: pymemcache's HashClient raises a
        // server's first failure, then answers defaults while it waits to retry it.
        expect(djangoWho.ok!.session_exists).not.toBe(true);
      } else {
        // cached_db: the row is read, then refilling the cache raises.
        expect(djangoWho.raised).toMatch(DOWN);
      }
      expect(djangoLogin.raised).toMatch(DOWN);
      expectUnavailable(await nestMe(t, fromDjango.cookies), 'Nest /me with the cache down');
      expectUnavailable(await nestLogin(t, users.fail), 'Nest login with the cache down');
      // Routes that never touch the session do not care.
      expect((await nest(t, 'get', '/public')).status).toBe(200);
    }, 60_000);
  });

  if (site.line === '5.2' && site.db === 'sqlite') {
    describe('a cache that never answers', () => {
      let silent: { port: number; close(): Promise<void> };
      beforeAll(async () => {
        silent = await startSilentListener();
      });
      afterAll(async () => {
        await silent?.close();
      });
      // Each request makes at most two cache calls (cached_db: the read, then the refill or the
      // key check); each is bounded by the connect and command timeouts.
      const budget = 2 * (CONNECT_TIMEOUT + COMMAND_TIMEOUT) + 1_000;
      const silentScenarios: Scenario[] = [
        { id: 's1', title: 'cache on the built-in RedisCache', engine: 'cache', cache: { kind: 'redis', backend: REDIS_BUILTIN }, age: TWO_DAYS },
        { id: 's2', title: 'cache on PyMemcacheCache', engine: 'cache', cache: { kind: 'memcached', backend: PYMEMCACHE }, age: TWO_DAYS },
        { id: 's3', title: 'cached_db on the built-in RedisCache', engine: 'cached_db', cache: { kind: 'redis', backend: REDIS_BUILTIN }, age: TWO_DAYS },
      ];
      it.each(silentScenarios)(`$title: 503 within ${budget} ms, never a hang`, async (scenario) => {
        // A live row (the db engine writes what cached_db reads), so cached_db gets past its cache
        // read to the refill; for the cache engine any key is a cache read.
        const cookie = base.login(usersOf(site.scenarios[0]).a, passwordOf(usersOf(site.scenarios[0]).a)).cookies;
        const app = await startTestApp('express', base.connection(), nestOptions(site.line, secretKey, scenario, silent.port));
        try {
          for (const answer of [await nestMe(app, cookie), await nestLogin(app, usersOf(site.scenarios[0]).a), await nestMe(app, cookie)]) {
            expectUnavailable(answer, `${scenario.title} on a silent cache`);
            // It waited for the cache (a timeout, not some instant failure) and then gave up.
            expect(answer.ms).toBeGreaterThanOrEqual(Math.min(CONNECT_TIMEOUT, COMMAND_TIMEOUT) - 50);
            expect(answer.ms).toBeLessThan(budget);
          }
        } finally {
          await app.close();
        }
      }, 60_000);
    });
  }
});

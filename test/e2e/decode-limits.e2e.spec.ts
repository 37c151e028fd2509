/**
 * maxExpandedBytes and intMaxStrDigits over HTTP, against a real Django on MariaDB (db engine) and
 * on a Redis server this spec starts (cache engine). Django logs a user in; the test then rewrites
 * that session as an over-budget one (a long string, a long integer, pickle memo references). A
 * Nest app configured small answers a guarded route with 401 (the session is no session), never a
 * 500; one on the defaults reads the same session (200). The running Django is asked each time, so
 * the defaults are shown to refuse what Django refuses (an integer past 4300 digits) and to accept
 * what it accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeSessionData, pickleDumps } from '@django-bridge/core';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject, type Cookies } from '../django/django-project.js';
import { randomEnvSecret } from '../support/random.js';
import { RedisProbe, startCacheServer, type StartedCacheServer } from './support/cache-probes.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';
import { atLeast, BRIDGE_VERSION } from './support/django-line.js';

const SMALL = { maxExpandedBytes: 2_000, intMaxStrDigits: 640 };
const DJANGO_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher'];
const NEST_HASHERS = ['md5'];

async function status(app: TestApp, cookies: Cookies): Promise<number> {
  return (await request(app.url).get('/me').set('Cookie', cookieHeader(cookies))).status;
}

describe('decode limits over HTTP', () => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  let redis: StartedCacheServer;
  const apps: Record<string, TestApp> = {};

  beforeAll(async () => {
    redis = await startCacheServer('redis');
    django = DjangoProject.throwaway('mysql', { secretKey, hashers: DJANGO_HASHERS });
    django.batch([c.migrate(), c.createUser({ username: 'lim', password: 'lim-pw' })]);
    const common = { secretKey, djangoVersion: BRIDGE_VERSION, passwordHashers: NEST_HASHERS };
    const cache = { sessionEngine: 'cache' as const, caches: { default: { backend: cacheBackend(), location: `redis://127.0.0.1:${redis.port}/0` } } };
    apps.dbSmall = await startTestApp('express', django.connection(), { ...common, ...SMALL });
    apps.dbOpen = await startTestApp('fastify', django.connection(), common);
    apps.cacheSmall = await startTestApp('express', django.connection(), { ...common, ...cache, ...SMALL });
    apps.cacheOpen = await startTestApp('fastify', django.connection(), { ...common, ...cache });
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
    django?.dropDatabase();
    await redis?.stop();
  });

  const cacheBackend = () => (atLeast(4, 0) ? 'django.core.cache.backends.redis.RedisCache' : 'django_redis.cache.RedisCache') as 'django.core.cache.backends.redis.RedisCache';

  /** A Django login whose row is then rewritten to hold `extra` too (encoded with no int limit, as PYTHONINTMAXSTRDIGITS=0 writes). */
  function dbSession(extra: Record<string, unknown>): Cookies {
    const login = django.login('lim', 'lim-pw');
    expect(login.status).toBe(200);
    const key = login.cookies.sessionid;
    const data = encodeSessionData({ ...django.decodeSession(key), ...extra }, { secretKey, intMaxStrDigits: 0 });
    expect(django.sql('UPDATE django_session SET session_data = %s WHERE session_key = %s', [data, key]).rowcount).toBe(1);
    return login.cookies;
  }

  it('db engine, a 5000-character string: 401 when small, 200 on the defaults, as Django', async () => {
    const cookies = dbSession({ note: 'x'.repeat(5_000) });
    expect(await status(apps.dbSmall, cookies)).toBe(401);
    expect(await status(apps.dbOpen, cookies)).toBe(200);
    expect(django.whoami(cookies).authenticated).toBe(true);
  });

  it('db engine, a 1000-digit integer: 401 under intMaxStrDigits 640, 200 on the default 4300, as Django', async () => {
    const cookies = dbSession({ n: BigInt('7'.repeat(1_000)) });
    expect(await status(apps.dbSmall, cookies)).toBe(401);
    expect(await status(apps.dbOpen, cookies)).toBe(200);
    expect(django.whoami(cookies).authenticated).toBe(true);
  });

  it('db engine, a 5000-digit integer: refused on the defaults, as Django refuses it (3.2: sometimes with a 500)', async () => {
    const cookies = dbSession({ n: BigInt('7'.repeat(5_000)) });
    expect(await status(apps.dbOpen, cookies)).toBe(401);
    // 4.0+ log "Session data corrupted" and give {}. 3.2 retries the pre-3.1 format on the ValueError; its
    // base64.b64decode raises binascii.Error outside the try (a 500) unless the signed text happens to decode
    // as base64, and then gives {}. Either way Django lets no user in; the bridge answers anonymous every time.
    let djangoAnswer: string;
    try {
      djangoAnswer = django.whoami(cookies).authenticated ? 'user' : 'anonymous';
    } catch (err) {
      expect(atLeast(4, 0)).toBe(false);
      expect(String(err)).toMatch(/Invalid base64-encoded string|Incorrect padding/);
      djangoAnswer = 'error';
    }
    expect(djangoAnswer).not.toBe('user');
  });

  it('cache engine on Redis, a pickle of 200 references to one string: 401 when small, 200 on the defaults, as Django', async () => {
    const cached = django.withSettings({ sessionEngine: 'cache', cacheBackend: cacheBackend(), cacheLocation: `redis://127.0.0.1:${redis.port}/0` });
    const login = cached.login('lim', 'lim-pw');
    expect(login.status).toBe(200);
    const where = cached.sessionCacheKey(login.cookies.sessionid)!;
    const probe = new RedisProbe(redis.port);
    const session = { ...cached.decodeSession(login.cookies.sessionid), items: new Array(200).fill('r'.repeat(100)) };
    // Django's RedisSerializer: pickle protocol 5; equal strings written once and referenced.
    await probe.overwrite(where.made_key, pickleDumps(session, { protocol: 5 }));
    expect((await probe.get(where.made_key))!.length).toBeLessThan(2_000);
    expect(await status(apps.cacheSmall, login.cookies)).toBe(401);
    expect(await status(apps.cacheOpen, login.cookies)).toBe(200);
    expect(cached.whoami(login.cookies).authenticated).toBe(true);
  });
});

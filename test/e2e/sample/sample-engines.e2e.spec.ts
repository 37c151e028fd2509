import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SECRET_KEY } from '../../../apps/sample/src/config/sample.config.js';
import { DEMO_ACCOUNTS } from '../../../apps/sample/src/database/demo-data.js';
import { DjangoProject, type DjangoProjectEnv } from '../../django/django-project.js';
import { BRIDGE_VERSION, LINE } from '../support/django-line.js';
import { freePort, runSampleExpectingFailure, startSampleProcess, type SampleProcess } from './sample-process.js';

/**
 * The built sample (what `npm start` runs) under DJANGO_SESSION_ENGINE: signed cookies, and the
 * cache and cached_db engines on a private redis-server, each next to a real Django of the run's
 * line (DJANGO_LINE) configured with the same SESSION_ENGINE and CACHES on the same SQLite file
 * and the same Redis. Logins on either side are accepted by the other; the Redis keys are where
 * Django puts them.
 */

const { demo, admin } = DEMO_ACCOUNTS;
const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';

type Cookies = Record<string, string>;

function cookiesOf(res: Response): Cookies {
  return Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';', 1)[0]).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

function header(cookies: Cookies): string {
  return Object.entries(cookies)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** Every request has a deadline: a hung sample fails the test instead of Jest's timeout. */
function get(url: string, cookies: Cookies = {}): Promise<Response> {
  return fetch(url, { headers: { Cookie: header(cookies) }, signal: AbortSignal.timeout(15_000) });
}

/** CSRF cookie and token, then POST /api/login (or /admin/api/login), as a browser does. */
async function sampleLogin(base: string, username: string, password: string, prefix = ''): Promise<{ status: number; cookies: Cookies }> {
  const csrf = await get(`${base}${prefix}/api/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = cookiesOf(csrf);
  const res = await fetch(`${base}${prefix}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken, Cookie: header(cookies) },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, cookies: { ...cookies, ...cookiesOf(res) } };
}

async function sampleLogout(base: string, cookies: Cookies): Promise<Response> {
  return fetch(`${base}/api/logout`, { method: 'POST', headers: { Cookie: header(cookies), 'X-CSRFToken': cookies.csrftoken }, signal: AbortSignal.timeout(15_000) });
}

async function me(base: string, cookies: Cookies, prefix = ''): Promise<{ status: number; username?: string }> {
  const res = await get(`${base}${prefix}/api/me`, cookies);
  const body = (await res.json().catch(() => ({}))) as { username?: string };
  return { status: res.status, username: body.username };
}

/** A redis-server of this spec's own: free port, temp dir, nothing persisted. Never the machine's 6379. */
interface PrivateRedis {
  port: number;
  child: ChildProcess;
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  if (port === 6379) throw new Error('freePort gave 6379, the machine Redis');
  const dir = mkdtempSync(join(tmpdir(), 'djb-redis-'));
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const cli = (...args: string[]) => {
    const run = spawnSync(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 5_000 });
    if (run.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${run.error?.message ?? run.stderr}`);
    return run.stdout.trim();
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${out}`);
    const ping = spawnSync(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8', timeout: 2_000 });
    if (ping.stdout?.trim() === 'PONG') break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on ${port} did not answer PING in 10 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => (rmSync(dir, { recursive: true, force: true }), resolve());
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
  return { port, child, cli, stop };
}

/** Waits (briefly) for a start-up line: the banner follows the "listening on" line the harness waits for. */
async function printed(app: SampleProcess, text: string): Promise<void> {
  for (let i = 0; i < 50 && !app.output().includes(text); i++) await new Promise((r) => setTimeout(r, 100));
  expect(app.output()).toContain(text);
}

/**
 * The admin exception under an engine that is no database: the /admin session sits in the same
 * cookie or cache, and its auth hash (of the local admin's password) keeps it from signing in the
 * shared table's user with the same id, on the sample and on Django.
 */
async function adminSessionStaysAdmin(app: SampleProcess, django: DjangoProject): Promise<void> {
  const { status, cookies } = await sampleLogin(app.url, admin.username, admin.password, '/admin');
  expect(status).toBe(200);
  expect(await me(app.url, { sessionid: cookies.sessionid }, '/admin')).toEqual({ status: 200, username: admin.username });
  expect((await me(app.url, { sessionid: cookies.sessionid })).status).toBe(401);
  expect(django.whoami({ sessionid: cookies.sessionid }).authenticated).toBe(false);
}

function sessionRows(django: DjangoProject): number {
  return Number(django.sql('SELECT COUNT(*) AS n FROM django_session').rows![0].n);
}

describe('the built sample with DJANGO_SESSION_ENGINE=signed_cookies', () => {
  let dir: string;
  let app: SampleProcess;
  let django: DjangoProject;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'djb-engines-'));
    // The embedded SQLite databases under ./var, and Django's dotted path as settings.py has it.
    app = await startSampleProcess(dir, { DJANGO_VERSION: BRIDGE_VERSION, DJANGO_SESSION_ENGINE: 'django.contrib.sessions.backends.signed_cookies' });
    django = new DjangoProject({ engine: 'sqlite', name: join(dir, 'var', 'django.sqlite3'), secretKey: DEMO_SECRET_KEY, sessionEngine: 'signed_cookies' });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says where sessions live at start-up', async () => {
    await printed(app, 'Sessions (SESSION_ENGINE signed_cookies): the signed cookie itself');
  });

  it('logs in: the session is the signed cookie (no row), and Django reads it', async () => {
    const { status, cookies } = await sampleLogin(app.url, demo.username, demo.password);
    expect(status).toBe(200);
    // signing.dumps(compress=True): [.]base64 payload, timestamp, signature.
    expect(cookies.sessionid).toMatch(/^\.?[A-Za-z0-9_-]+:[A-Za-z0-9]+:[A-Za-z0-9_-]+$/);
    expect(sessionRows(django)).toBe(0);
    expect(await me(app.url, cookies)).toEqual({ status: 200, username: demo.username });
    expect(django.whoami({ sessionid: cookies.sessionid })).toMatchObject({ authenticated: true, username: demo.username });
  });

  it("accepts Django's own signed cookie", async () => {
    const login = django.login(demo.username, demo.password);
    expect(login.status).toBe(200);
    expect(await me(app.url, { sessionid: login.cookies.sessionid })).toEqual({ status: 200, username: demo.username });
  });

  it('logout clears the cookie; a copy kept from before still works on both sides, as in Django', async () => {
    const { cookies } = await sampleLogin(app.url, demo.username, demo.password);
    const logout = await sampleLogout(app.url, cookies);
    expect(logout.status).toBe(204);
    // Deleted as Django deletes it: an empty quoted value that expires at once.
    expect(logout.headers.getSetCookie().find((c) => c.startsWith('sessionid='))).toMatch(/^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\//);
    const { sessionid: _dropped, ...browser } = cookies;
    expect((await me(app.url, browser)).status).toBe(401);
    // Django's documented limit of this engine: nothing server-side to delete.
    expect(django.whoami({ sessionid: cookies.sessionid }).authenticated).toBe(true);
    expect((await me(app.url, { sessionid: cookies.sessionid })).status).toBe(200);
  });

  it('refuses a tampered cookie with 401, never a login', async () => {
    const { cookies } = await sampleLogin(app.url, demo.username, demo.password);
    const [payload, stamp, signature] = cookies.sessionid.split(':');
    const flipped = `${payload}:${stamp}:${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect((await me(app.url, { sessionid: flipped })).status).toBe(401);
    expect(django.whoami({ sessionid: flipped }).authenticated).toBe(false);
  });

  it('an /admin session never signs in a user of the shared tables', async () => {
    await adminSessionStaysAdmin(app, django);
  });

  it('a password change in Django ends every signed session on both sides', async () => {
    const { cookies } = await sampleLogin(app.url, demo.username, demo.password);
    django.setPassword(demo.username, 'a-brand-new-password');
    expect((await me(app.url, cookies)).status).toBe(401);
    expect(django.whoami({ sessionid: cookies.sessionid }).authenticated).toBe(false);
  });
});

interface RedisCase {
  title: string;
  engine: 'cache' | 'cached_db';
  backend: NonNullable<DjangoProjectEnv['cacheBackend']>;
  db: number;
  keyPrefix?: string;
  version?: number;
  serializer?: 'pickle' | 'json' | 'msgpack';
  compressor?: 'none' | 'zlib';
}

// Django's own RedisCache exists from 4.0 on; on 3.2 the first case runs on django-redis.
const BUILTIN_REDIS = LINE === '3.2' ? 'django_redis.cache.RedisCache' : 'django.core.cache.backends.redis.RedisCache';
const REDIS_CASES: RedisCase[] = [
  { title: `cache engine, ${BUILTIN_REDIS}`, engine: 'cache', backend: BUILTIN_REDIS, db: 0 },
  { title: 'cached_db engine, django-redis (json, zlib, KEY_PREFIX, VERSION 2, db 3)', engine: 'cached_db', backend: 'django_redis.cache.RedisCache', db: 3, keyPrefix: 'sample', version: 2, serializer: 'json', compressor: 'zlib' },
];

describe.each(REDIS_CASES)('the built sample with sessions in a private redis-server: $title', (c) => {
  let dir: string;
  let redis: PrivateRedis;
  let app: SampleProcess;
  let django: DjangoProject;
  const madeKey = (sessionKey: string) => `${c.keyPrefix ?? ''}:${c.version ?? 1}:django.contrib.sessions.${c.engine}${sessionKey}`;

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'djb-engines-'));
    const location = `redis://127.0.0.1:${redis.port}/${c.db}`;
    const env: Record<string, string> = {
      DJANGO_VERSION: BRIDGE_VERSION,
      DJANGO_SESSION_ENGINE: c.engine,
      DJANGO_CACHE_BACKEND: c.backend,
      DJANGO_CACHE_URL: location,
      DJANGO_CACHE_CONNECT_TIMEOUT_MS: '1000',
      DJANGO_CACHE_COMMAND_TIMEOUT_MS: '500',
    };
    if (c.keyPrefix !== undefined) env.DJANGO_CACHE_KEY_PREFIX = c.keyPrefix;
    if (c.version !== undefined) env.DJANGO_CACHE_VERSION = String(c.version);
    if (c.serializer !== undefined) env.DJANGO_REDIS_SERIALIZER = c.serializer;
    if (c.compressor !== undefined) env.DJANGO_REDIS_COMPRESSOR = c.compressor;
    app = await startSampleProcess(dir, env);
    django = new DjangoProject({
      engine: 'sqlite',
      name: join(dir, 'var', 'django.sqlite3'),
      secretKey: DEMO_SECRET_KEY,
      sessionEngine: c.engine,
      cacheBackend: c.backend,
      cacheLocation: location,
      cacheKeyPrefix: c.keyPrefix,
      cacheVersion: c.version,
      redisSerializer: c.serializer,
      redisCompressor: c.compressor,
    });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says where sessions live at start-up, naming the variable rather than the URL', async () => {
    await printed(app, `Sessions (SESSION_ENGINE ${c.engine})`);
    expect(app.output()).toContain(`Cache "default": ${c.backend} at DJANGO_CACHE_URL`);
    expect(app.output()).not.toContain(`127.0.0.1:${redis.port}`);
  });

  it('logs in: the session is in Redis under the key Django uses, with its expiry, and Django reads it', async () => {
    const { status, cookies } = await sampleLogin(app.url, demo.username, demo.password);
    expect(status).toBe(200);
    const key = cookies.sessionid;
    expect(key).toMatch(/^[a-z0-9]{32}$/);
    expect(django.sessionCacheKey(key)?.made_key).toBe(madeKey(key));
    expect(redis.cli('-n', String(c.db), 'EXISTS', madeKey(key))).toBe('1');
    const ttl = Number(redis.cli('-n', String(c.db), 'TTL', madeKey(key)));
    expect(ttl).toBeGreaterThan(1_209_600 - 30);
    expect(ttl).toBeLessThanOrEqual(1_209_600);
    // cache keeps no row; cached_db writes through to the table.
    expect(django.sessionRow(key) !== null).toBe(c.engine === 'cached_db');
    expect(django.whoami({ sessionid: key })).toMatchObject({ authenticated: true, username: demo.username });
    expect(await me(app.url, cookies)).toEqual({ status: 200, username: demo.username });
  });

  it("accepts a session Django's login put in the cache", async () => {
    const login = django.login(demo.username, demo.password);
    expect(login.status).toBe(200);
    expect(redis.cli('-n', String(c.db), 'EXISTS', madeKey(login.cookies.sessionid))).toBe('1');
    expect(await me(app.url, { sessionid: login.cookies.sessionid })).toEqual({ status: 200, username: demo.username });
  });

  it('logout deletes the key: Django no longer finds the session', async () => {
    const { cookies } = await sampleLogin(app.url, demo.username, demo.password);
    expect((await sampleLogout(app.url, cookies)).status).toBe(204);
    expect(redis.cli('-n', String(c.db), 'EXISTS', madeKey(cookies.sessionid))).toBe('0');
    expect(django.whoami({ sessionid: cookies.sessionid }).authenticated).toBe(false);
    expect((await me(app.url, { sessionid: cookies.sessionid })).status).toBe(401);
  });

  it('an /admin session never signs in a user of the shared tables', async () => {
    await adminSessionStaysAdmin(app, django);
  });

  if (c.engine === 'cache') {
    it('a stalled Redis is a 503 within the command timeout, never a login or a hang; then it recovers', async () => {
      const { cookies } = await sampleLogin(app.url, demo.username, demo.password);
      redis.child.kill('SIGSTOP');
      try {
        const started = Date.now();
        const stalled = await me(app.url, cookies);
        expect(stalled.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        redis.child.kill('SIGCONT');
      }
      let again = await me(app.url, cookies);
      for (let i = 0; i < 50 && again.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await me(app.url, cookies);
      }
      expect(again).toEqual({ status: 200, username: demo.username });
    });
  }
});

describe('start-up refusals of the session engine and cache variables (built sample)', () => {
  it.each([
    [{ DJANGO_SESSION_ENGINE: 'file' }, 'DJANGO_SESSION_ENGINE'],
    [{ DJANGO_SESSION_ENGINE: 'cache' }, 'DJANGO_CACHE_BACKEND'],
    [{ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: 'django.core.cache.backends.redis.RedisCache', DJANGO_CACHE_URL: '127.0.0.1:6390' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_SESSION_ENGINE: 'cached_db', DJANGO_CACHE_BACKEND: 'django.core.cache.backends.memcached.PyMemcacheCache', DJANGO_CACHE_URL: 'redis://127.0.0.1:6390/0' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_CACHE_BACKEND: 'django.core.cache.backends.redis.RedisCache', DJANGO_CACHE_URL: 'redis://127.0.0.1:1/0', DJANGO_REDIS_SERIALIZER: 'json' }, 'DJANGO_REDIS_SERIALIZER'],
    [{ DJANGO_CACHE_URL: 'redis://127.0.0.1:1/0' }, 'DJANGO_CACHE_URL'],
    // Refused by the bridge's own cache builder, before any database is opened.
    [{ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: 'django_redis.cache.RedisCache', DJANGO_CACHE_URL: 'redis://:s3cret@127.0.0.1:1/zero' }, 'DJANGO_CACHE_URL'],
    [{ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: 'django.core.cache.backends.memcached.PyMemcacheCache', DJANGO_CACHE_URL: '127.0.0.1:1, 127.0.0.1:2' }, 'DJANGO_CACHE_URL'],
  ])('%j: exit 1 naming %s, no stack trace', async (env, variable) => {
    const dir = mkdtempSync(join(tmpdir(), 'djb-start-'));
    try {
      const { code, output } = await runSampleExpectingFailure(dir, env);
      expect(code).toBe(1);
      expect(output).toMatch(new RegExp(`^Configuration error: ${variable} `, 'm'));
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain('s3cret');
      // Nothing was opened: the embedded databases were never created.
      expect(existsSync(join(dir, 'var'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

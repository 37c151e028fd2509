/**
 * DjangoSessionInterceptor's failure paths through a real Nest app (Express and Fastify) over an
 * in-memory engine: a session deleted during the request is Django's SessionInterrupted (400), and
 * a store that fails, whatever it throws, is a 503 with the bridge's fixed body (no message, no
 * stack), on load and on save, never a 401 or an anonymous answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CacheUnavailable } from '@django-bridge/core';
import { cookieValue, loginCookie, plantSession, setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { RecordingSessionBackend, type SessionOperation } from '../../../../test/support/recording-session-backend.js';
import { randomEnvSecret } from '../../../../test/support/random.js';

const UNAVAILABLE = { statusCode: 503, message: 'Session store unavailable; try again later', error: 'Service Unavailable' };
const INTERRUPTED = { statusCode: 400, message: 'The session was deleted before the request completed. The user may have logged out in a concurrent request.', error: 'Bad Request' };

/** What failing stores throw: the cache's own error, any Error, and something that is no Error at all. */
const FAILURES: [string, () => unknown][] = [
  ['CacheUnavailable', () => new CacheUnavailable('Redis 10.0.0.7:6379 timed out after 500 ms (secret-token)')],
  ['a random Error', () => Object.assign(new Error('ECONNRESET 10.0.0.7:6379 secret-token'), { stack: 'Error: ECONNRESET\n    at Socket.onData (/srv/app/node_modules/redis/secret.js:1:1)' })],
  ['a thrown string', () => 'secret-token'],
];

describe.each(['express', 'fastify'] as AdapterName[])('session interceptor through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  const engine = new RecordingSessionBackend();
  let t: MemoryBridgeApp;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ adapter, secretKey, sessions: engine });
    await t.users.addUser({ username: 'alice', password: 'alice-pw' });
  });
  afterEach(() => engine.failures.clear());
  afterAll(async () => {
    await t.close();
  });

  /** A 503 that says nothing of the failure behind it and sets no session cookie. */
  const expectUnavailable = (res: { status: number; body: unknown; text: string; headers: Record<string, unknown> }) => {
    expect([res.status, res.body]).toEqual([503, UNAVAILABLE]);
    expect(res.text).not.toMatch(/secret|ECONNRESET|Redis|\bat /);
    expect(setCookies(res).sessionid).toBeUndefined();
  };

  it('a session deleted while the request ran is SessionInterrupted: 400, nothing written back', async () => {
    const key = await plantSession(engine.inner, { cart: ['apple'] });
    const res = await t.http().post('/interrupted').set('Cookie', `sessionid=${key}`);
    expect([res.status, res.body]).toEqual([400, INTERRUPTED]);
    expect(setCookies(res)).toEqual({});
    expect(await engine.row(key)).toBeNull();
    // Not re-created under a new key either (Django raises instead of saving elsewhere).
    expect([...engine.inner.rows.values()].some((row) => JSON.stringify(row.session).includes('late'))).toBe(false);
  });

  it.each(FAILURES)('a load that throws %s is a 503 on every route that reads the session, never a 401', async (_, failure) => {
    const cookie = await loginCookie(t, 'alice', 'alice-pw');
    engine.failures.set('load', failure);
    for (const path of ['/me', '/maybe', '/session/read', '/session-keys']) expectUnavailable(await t.http().get(path).set('Cookie', cookie));
    expectUnavailable(await t.http().post('/login').set('Cookie', cookie).send({ username: 'alice', password: 'alice-pw' }));
    // A route that never reads the session does not need the store, cookie or not (lazy, as Django).
    expect([(await t.http().get('/open').set('Cookie', cookie)).status, (await t.http().get('/open')).status]).toEqual([200, 200]);
    // Without a cookie nothing is read, so nothing fails.
    expect((await t.http().get('/maybe')).body).toEqual({ user: null });
    engine.failures.clear();
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
  });

  it.each(FAILURES)('a save that throws %s is a 503: no cookie, the stored session unchanged', async (_, failure) => {
    for (const op of ['exists', 'create'] as SessionOperation[]) {
      engine.failures.set(op, failure);
      const rows = engine.inner.rows.size;
      expectUnavailable(await t.http().post('/cart').send({ item: 'apple' }));
      expectUnavailable(await t.http().post('/login').send({ username: 'alice', password: 'alice-pw' }));
      expect(engine.inner.rows.size).toBe(rows);
      engine.failures.clear();
    }
    const key = await plantSession(engine.inner, { cart: ['apple'] });
    engine.failures.set('update', failure);
    expectUnavailable(await t.http().post('/cart').set('Cookie', `sessionid=${key}`).send({ item: 'pear' }));
    expect(await engine.row(key)).toEqual({ cart: ['apple'] });
    engine.failures.clear();
    const saved = await t.http().post('/cart').set('Cookie', `sessionid=${key}`).send({ item: 'pear' });
    expect(cookieValue(setCookies(saved).sessionid)).toBe(key);
    expect(await engine.row(key)).toEqual({ cart: ['apple', 'pear'] });
  });

  it.each(FAILURES)('a logout whose delete throws %s is a 503, and the session still stands', async (_, failure) => {
    const cookie = await loginCookie(t, 'alice', 'alice-pw');
    engine.failures.set('delete', failure);
    expectUnavailable(await t.http().post('/logout').set('Cookie', cookie));
    engine.failures.clear();
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
  });

  it('reads the session lazily: only routes that use it query the store, each once', async () => {
    const cookie = await loginCookie(t, 'alice', 'alice-pw');
    const loads = async (path: string) => {
      const before = engine.of('load').length;
      const res = await t.http().get(path).set('Cookie', cookie);
      expect(res.status).toBe(200);
      return engine.of('load').length - before;
    };
    expect(await loads('/open')).toBe(0);
    expect(await loads('/me')).toBe(1);
    expect(await loads('/session-keys')).toBe(1);
    expect(await loads('/session/read')).toBe(1);
    // Untouched, the cookie is neither refreshed nor deleted and the response does not vary on it.
    const open = await t.http().get('/open').set('Cookie', cookie);
    expect(setCookies(open)).toEqual({});
    expect(String(open.headers.vary ?? '')).not.toMatch(/cookie/i);
  });
});

describe.each(['express', 'fastify'] as AdapterName[])('sessionLoading through %s', (adapter) => {
  const secretKey = randomEnvSecret();

  it.each([
    ['eager', { sessionLoading: 'eager' as const }, 1],
    ['lazy with SESSION_SAVE_EVERY_REQUEST', { sessionSaveEveryRequest: true }, 1],
    ['lazy (the default)', {}, 0],
  ])('%s: an unguarded route with a cookie loads the session %s time(s)', async (_, options, expected) => {
    const engine = new RecordingSessionBackend();
    const t = await startMemoryBridgeApp({ adapter, secretKey, sessions: engine, options });
    try {
      await t.users.addUser({ username: 'bob', password: 'bob-pw' });
      const cookie = await loginCookie(t, 'bob', 'bob-pw');
      const key = cookie.slice('sessionid='.length);
      const before = engine.of('load').length;
      const res = await t.http().get('/open').set('Cookie', cookie);
      expect(res.status).toBe(200);
      expect(engine.of('load').length - before).toBe(expected);
      // Saved on every request, it is saved with what it held, never emptied.
      if ('sessionSaveEveryRequest' in options) expect(Object.keys((await engine.row(key)) ?? {})).toContain('_auth_user_id');
    } finally {
      await t.close();
    }
  });

  it('refuses a sessionLoading it does not know', async () => {
    await expect(startMemoryBridgeApp({ adapter, secretKey, options: { sessionLoading: 'sometimes' as never } })).rejects.toThrow(/sessionLoading/);
  });
});

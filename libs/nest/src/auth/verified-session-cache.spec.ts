/**
 * The verified-session cache: its bounds (size, age) on their own, and through a real Nest app
 * (Express and Fastify) over in-memory stores: a hit skips the session and user reads, changes
 * made elsewhere (a deleted row, a deactivated user, a new password) are seen once the TTL passes,
 * and what the bridge itself does (logout, login) is seen at once. Off by default.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { makePassword, PasswordHashers } from '@django-bridge/core';
import { VerifiedSessionCache, resolveVerifiedSessionCache } from './verified-session-cache.js';
import { DjangoUser } from '../users/django-user.js';
import { CHEAP_ITERATIONS, loginCookie, setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { RecordingSessionBackend } from '../../../../test/support/recording-session-backend.js';
import { randomEnvSecret } from '../../../../test/support/random.js';

const user = (id: number) => new DjangoUser({ id, username: `u${id}`, isActive: true, isStaff: false, isSuperuser: false, lastLogin: null, fields: { email: `u${id}@example.com` } }, { password: `pbkdf2_sha256$1$salt$hash${id}` });

describe('VerifiedSessionCache', () => {
  it('forgets an entry once its ttl (or a shorter session lifetime) has passed', () => {
    let now = 1000;
    const cache = new VerifiedSessionCache({ ttl: 100, maxEntries: 10 }, () => now);
    cache.set('a', user(1));
    cache.set('b', user(2), 30);
    now += 29;
    expect([cache.get('a')?.id, cache.get('b')?.id]).toEqual([1, 2]);
    now += 1;
    expect(cache.get('b')).toBeUndefined();
    now += 70;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('c', user(3), 0);
    expect(cache.get('c')).toBeUndefined();
  });

  it('hands each hit its own copy: a change one request makes to its user reaches no other', () => {
    const cache = new VerifiedSessionCache({ ttl: 60_000, maxEntries: 10 });
    const verified = user(7);
    cache.set('a', verified);
    verified.fields.email = 'changed-by-the-first-request@example.com';
    const first = cache.get('a')!;
    first.isStaff = true;
    (first.fields as Record<string, unknown>).email = 'changed-by-a-handler@example.com';
    const second = cache.get('a')!;
    expect(second).not.toBe(first);
    expect([second.isStaff, second.fields.email]).toEqual([false, 'u7@example.com']);
    expect(DjangoUser.passwordOf(second)).toBe('pbkdf2_sha256$1$salt$hash7');
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new VerifiedSessionCache({ ttl: 60_000, maxEntries: 2 });
    cache.set('a', user(1));
    cache.set('b', user(2));
    cache.get('a');
    cache.set('c', user(3));
    expect([cache.get('a')?.id, cache.get('b'), cache.get('c')?.id]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('forgets one session, or every session of a user', () => {
    const cache = new VerifiedSessionCache({ ttl: 60_000, maxEntries: 10 });
    cache.set('a', user(1));
    cache.set('b', user(1));
    cache.set('c', user(2));
    cache.forget('c');
    cache.forget(null);
    expect(cache.get('c')).toBeUndefined();
    cache.forgetUser('1');
    expect(cache.size).toBe(0);
  });

  it.each([
    [{ ttl: 0, maxEntries: 1 }, /ttl/],
    [{ ttl: 1000 }, /maxEntries/],
    [{ ttl: 1.5, maxEntries: 1 }, /ttl/],
    [{ ttl: 1000, maxEntries: Infinity }, /maxEntries/],
    [{ ttl: 1000, maxEntries: 10, size: 3 }, /unknown field/],
    [true, /false or/],
  ])('refuses %j', (value, message) => {
    expect(() => resolveVerifiedSessionCache(value)).toThrow(message);
  });

  it('is off unless asked for', () => {
    expect([resolveVerifiedSessionCache(undefined), resolveVerifiedSessionCache(false)]).toEqual([false, false]);
  });
});

const TTL = 400;

describe.each(['express', 'fastify'] as AdapterName[])('verifiedSessionCache through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  let t: MemoryBridgeApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(cache: boolean) {
    const engine = new RecordingSessionBackend();
    t = await startMemoryBridgeApp({ adapter, secretKey, sessions: engine, options: cache ? { verifiedSessionCache: { ttl: TTL, maxEntries: 100 } } : {} });
    const alice = await t.users.addUser({ username: 'alice', password: 'alice-pw', permissions: [] });
    const findById = jest.spyOn(t.users, 'findById');
    const cookie = await loginCookie(t, 'alice', 'alice-pw');
    const reads = async (path = '/me') => {
      const [loads, finds] = [engine.of('load').length, findById.mock.calls.length];
      const res = await t!.http().get(path).set('Cookie', cookie);
      return { status: res.status, loads: engine.of('load').length - loads, finds: findById.mock.calls.length - finds, vary: String(res.headers.vary ?? ''), cookies: setCookies(res) };
    };
    return { engine, alice, cookie, reads, key: cookie.slice('sessionid='.length) };
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('is off by default: every guarded request reads the session and the user', async () => {
    const { reads } = await start(false);
    for (let i = 0; i < 3; i++) expect(await reads()).toMatchObject({ status: 200, loads: 1, finds: 1 });
  });

  it('a verified session skips both reads until the TTL, and the answer still varies on Cookie', async () => {
    const { reads } = await start(true);
    expect(await reads()).toMatchObject({ status: 200, loads: 1, finds: 1 });
    const hit = await reads();
    expect(hit).toMatchObject({ status: 200, loads: 0, finds: 0, cookies: {} });
    expect(hit.vary).toMatch(/cookie/i);
    await pause(TTL + 50);
    expect(await reads()).toMatchObject({ status: 200, loads: 1, finds: 1 });
  });

  type Started = Awaited<ReturnType<typeof start>>;
  const CHANGES: [string, (s: Started) => Promise<unknown>][] = [
    ['the session row deleted (a logout in Django)', (s) => s.engine.inner.delete(s.key)],
    ['the user deactivated', async (s) => t!.users.updateUser(s.alice.id, { isActive: false })],
    ['the password changed', async (s) => t!.users.setPassword(s.alice, await makePassword('new-pw', { hashers: new PasswordHashers({ iterations: CHEAP_ITERATIONS }) }))],
  ];

  it.each(CHANGES)('%s elsewhere is honoured no later than the TTL', async (_, change) => {
    const s = await start(true);
    expect((await s.reads()).status).toBe(200);
    await change(s);
    const changed = Date.now();
    // The bound is on when a stale answer may still be given: no request sent more than the TTL
    // after the change gets one. (Timed on sending, so a slow machine cannot fail it.)
    let lastStaleSent = -Infinity;
    let status: number;
    for (;;) {
      const sent = Date.now();
      status = (await s.reads()).status;
      if (status !== 200 || sent - changed > TTL + 500) break;
      lastStaleSent = sent;
      await pause(25);
    }
    expect(status).toBe(401);
    expect(lastStaleSent - changed).toBeLessThanOrEqual(TTL);
  });

  it('a logout through the bridge is honoured at once', async () => {
    const s = await start(true);
    expect((await s.reads()).status).toBe(200);
    expect((await s.reads()).loads).toBe(0);
    expect((await t!.http().post('/logout').set('Cookie', s.cookie)).status).toBe(200);
    expect((await s.reads()).status).toBe(401);
  });

  it('a login on the same cookie forgets what the old session proved', async () => {
    const s = await start(true);
    await t!.users.addUser({ username: 'bob', password: 'bob-pw' });
    expect((await s.reads()).status).toBe(200);
    const again = await t!.http().post('/login').set('Cookie', s.cookie).send({ username: 'bob', password: 'bob-pw' });
    expect(again.status).toBe(200);
    const me = await t!.http().get('/me').set('Cookie', s.cookie);
    expect(me.status).toBe(401);
  });
});

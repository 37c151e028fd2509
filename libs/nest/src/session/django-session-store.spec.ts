/**
 * What a store given as `sessionEngine` receives: Django's session dicts (`_auth_user_id` as text,
 * `_auth_user_backend`, `_auth_user_hash`, `_session_expiry` as Django stores it), a SessionExpiry
 * whose two forms agree (expireDate = now + age), and Django's order of calls for login (cycle_key,
 * flush) and logout, so an engine of the application's own can be written against Django's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sessionAuthHash } from '@django-bridge/core';
import { cheapHashers, cookieValue, setCookies, startMemoryBridgeApp, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { RecordingSessionBackend, type RecordedCall } from '../../../../test/support/recording-session-backend.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import { DjangoUser } from '../users/django-user.js';
import { MemoryUserStore } from '../users/memory-user.store.js';

const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';
const DAY = 86_400;

/**
 * The two forms of the expiry describe one instant, taken while the request ran: expireDate is
 * that instant plus `age` seconds (a given age), or `age` is the whole seconds left until a given
 * date (get_expiry_age drops the fraction, so up to a second less).
 */
function expectConsistentExpiry(call: RecordedCall, started: number, age?: number): void {
  const { expireDate, age: given } = call.expiry!;
  expect(expireDate).toBeInstanceOf(Date);
  expect(Number.isInteger(given)).toBe(true);
  if (age !== undefined) expect(given).toBe(age);
  const modification = expireDate.getTime() - given * 1000;
  expect(modification).toBeGreaterThanOrEqual(started);
  expect(modification).toBeLessThan(call.at + (age === undefined ? 1000 : 1));
}

describe('a session engine of the application\'s own', () => {
  const secretKey = randomEnvSecret();
  const engine = new RecordingSessionBackend();
  const users = new MemoryUserStore({ hashers: cheapHashers() });
  const uuidEngine = new RecordingSessionBackend();
  let t: MemoryBridgeApp;
  let uuids: MemoryBridgeApp;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ secretKey, sessions: engine, users, options: { sessionCookieAge: 7 * DAY } });
    await users.addUser({ username: 'alice', password: 'alice-pw' });
    await users.addUser({ username: 'bob', password: 'bob-pw', id: 9_007_199_254_740_993n.toString() });
    const uuidUsers = new MemoryUserStore({ hashers: cheapHashers(), pkType: 'uuid' });
    await uuidUsers.addUser({ username: 'uma', password: 'uma-pw', id: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' });
    uuids = await startMemoryBridgeApp({ secretKey, sessions: uuidEngine, users: uuidUsers });
  });
  afterAll(async () => {
    await t?.close();
    await uuids?.close();
  });

  const hashOf = async (name: string) => sessionAuthHash(DjangoUser.passwordOf((await users.findByUsername(name))!), secretKey);

  it("login hands the store Django's three keys, the user id as text, and the cookie age as expiry", async () => {
    engine.calls.length = 0;
    const started = Date.now();
    const res = await t.http().post('/login').send({ username: 'alice', password: 'alice-pw' });
    const key = cookieValue(setCookies(res).sessionid)!;
    // cycle_key of an empty session: a free key is drawn and the (empty) data stored; then the
    // middleware saves the logged-in session under it.
    expect(engine.calls.map((c) => [c.op, c.key === key])).toEqual([['exists', true], ['create', true], ['update', true]]);
    const [, create, update] = engine.calls;
    expect(create.session).toEqual({});
    expect(update.session).toStrictEqual({ _auth_user_id: '1', _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('alice') });
    expect(update.session!._auth_user_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const call of [create, update]) expectConsistentExpiry(call, started, 7 * DAY);
  });

  it('keeps primary keys as Django writes them: big integers and hyphenated UUIDs, always text', async () => {
    engine.calls.length = 0;
    await t.http().post('/login').send({ username: 'bob', password: 'bob-pw' });
    expect(engine.of('update')[0].session!._auth_user_id).toBe('9007199254740993');
    await uuids.http().post('/login').send({ username: 'uma', password: 'uma-pw' });
    expect(uuidEngine.of('update')[0].session!._auth_user_id).toBe('a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90');
  });

  it('logging in over an anonymous session: exists, create under the new key, delete the old, then save', async () => {
    const anonymous = await t.http().post('/cart').send({ item: 'é€😀' });
    const old = cookieValue(setCookies(anonymous).sessionid)!;
    engine.calls.length = 0;
    const res = await t.http().post('/login').set('Cookie', `sessionid=${old}`).send({ username: 'alice', password: 'alice-pw' });
    const key = cookieValue(setCookies(res).sessionid)!;
    expect(engine.calls.map((c) => [c.op, c.key === key ? 'new' : c.key === old ? 'old' : c.key])).toEqual([['load', 'old'], ['exists', 'new'], ['create', 'new'], ['delete', 'old'], ['update', 'new']]);
    expect(engine.calls[2].session).toStrictEqual({ cart: ['é€😀'] });
    expect(engine.calls[4].session).toStrictEqual({ cart: ['é€😀'], _auth_user_id: '1', _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('alice') });
  });

  it("another user's login flushes: delete the old row, create a new one holding only the new user", async () => {
    const alice = cookieValue(setCookies(await t.http().post('/login').send({ username: 'alice', password: 'alice-pw' })).sessionid)!;
    engine.calls.length = 0;
    const res = await t.http().post('/login').set('Cookie', `sessionid=${alice}`).send({ username: 'bob', password: 'bob-pw' });
    const key = cookieValue(setCookies(res).sessionid)!;
    expect(engine.calls.map((c) => [c.op, c.key === key ? 'new' : c.key === alice ? 'old' : c.key])).toEqual([['load', 'old'], ['delete', 'old'], ['exists', 'new'], ['create', 'new']]);
    expect(engine.calls[3].session).toStrictEqual({ _auth_user_id: '9007199254740993', _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('bob') });
    engine.calls.length = 0;
    await t.http().post('/logout').set('Cookie', `sessionid=${key}`);
    expect(engine.calls.map((c) => [c.op, c.key === key])).toEqual([['load', true], ['delete', true]]);
  });

  it('set_expiry: seconds and 0 are stored as numbers, a date as Django\'s ISO text; each expiry agrees with itself', async () => {
    const res = await t.http().post('/cart').send({ item: 'x' });
    const cookie = `sessionid=${cookieValue(setCookies(res).sessionid)}`;
    const cases: [object, unknown, number | undefined][] = [
      [{ seconds: 300 }, 300, 300],
      [{ seconds: 0 }, 0, 7 * DAY],
      [{ date: '2099-01-02T03:04:05.678Z' }, '2099-01-02T03:04:05.678000+00:00', undefined],
      [{ date: '2099-01-02T03:04:05.000Z' }, '2099-01-02T03:04:05+00:00', undefined],
      [{ reset: true }, undefined, 7 * DAY],
    ];
    for (const [body, stored, age] of cases) {
      engine.calls.length = 0;
      const started = Date.now();
      expect((await t.http().post('/expiry').set('Cookie', cookie).send(body)).status).toBe(200);
      const [update] = engine.of('update');
      expect([body, update.session!._session_expiry]).toEqual([body, stored]);
      expectConsistentExpiry(update, started, age);
      if (typeof stored === 'string') expect(update.expiry!.expireDate.toISOString()).toBe((body as { date: string }).date);
    }
  });

  it('session values reach the store as the JSON Django would decode: nested, Unicode, numbers', async () => {
    engine.calls.length = 0;
    await t.http().post('/cart').send({ item: { nested: [1, 2.5, -3, null, true, 'ü\u0000\u2028'] } });
    expect(engine.of('create')[0].session).toStrictEqual({ cart: [{ nested: [1, 2.5, -3, null, true, 'ü\u0000\u2028'] }] });
  });
});

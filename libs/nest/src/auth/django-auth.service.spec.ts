/**
 * DjangoAuthService through a real Nest app (Express and Fastify) over in-memory stores:
 * `login` (cycle_key, flush on another user or a stale hash, CSRF rotation, last_login), `logout`,
 * `get_user`'s session auth hash (a password change ends the session and flushes it) and the
 * re-keying of sessions signed with a SECRET_KEY_FALLBACKS key. The e2e suites prove the same
 * against a real Django; this proves the Nest layer's part of it in milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sessionAuthHash } from '@django-bridge/core';
import { cookieValue, loginCookie, plantSession, setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { RecordingSessionBackend } from '../../../../test/support/recording-session-backend.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import { DjangoUser } from '../users/django-user.js';

const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';
const DELETED = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
const UNAUTHENTICATED = { statusCode: 401, message: 'Authentication credentials were not provided or are invalid', error: 'Unauthorized' };

describe.each(['express', 'fastify'] as AdapterName[])('login, logout and get_user through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  const engine = new RecordingSessionBackend();
  let t: MemoryBridgeApp;
  let ids: Record<string, number | string>;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ adapter, secretKey, sessions: engine });
    ids = {};
    for (const name of ['alice', 'bob', 'carol', 'dave']) ids[name] = (await t.users.addUser({ username: name, password: `${name}-pw` })).id;
    await t.users.addUser({ username: 'sleepy', password: 'sleepy-pw', isActive: false });
  });
  afterAll(async () => {
    await t.close();
  });

  const hashOf = async (name: string, key = secretKey) => sessionAuthHash(DjangoUser.passwordOf((await t.users.findByUsername(name))!), key);
  const login = (name: string, cookie = '') => t.http().post('/login').set('Cookie', cookie).send({ username: name, password: `${name}-pw` });

  it("stores Django's three keys under a new key, keeping the anonymous session's data (cycle_key)", async () => {
    const anonymous = await t.http().post('/cart').send({ item: 'apple' });
    const before = cookieValue(setCookies(anonymous).sessionid)!;
    const res = await login('alice', `sessionid=${before}`);
    expect([res.status, res.body]).toEqual([200, { id: ids.alice, username: 'alice', isStaff: false, isSuperuser: false }]);
    const after = cookieValue(setCookies(res).sessionid)!;
    expect(after).toMatch(/^[a-z0-9]{32}$/);
    expect(after).not.toBe(before);
    expect(await engine.row(before)).toBeNull();
    expect(await engine.row(after)).toEqual({ cart: ['apple'], _auth_user_id: String(ids.alice), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('alice') });
    expect((await t.http().get('/me').set('Cookie', `sessionid=${after}`)).body).toMatchObject({ username: 'alice' });
    // With no session at all, a fresh one holds only the three keys.
    const fresh = cookieValue(setCookies(await login('alice')).sessionid)!;
    expect(Object.keys((await engine.row(fresh))!).sort()).toEqual(['_auth_user_backend', '_auth_user_hash', '_auth_user_id']);
  });

  it('logging in again as the same user keeps the key and the data; as another user flushes both', async () => {
    const cookie = await loginCookie(t, 'bob', 'bob-pw');
    const key = cookieValue(cookie)!;
    await t.http().post('/cart').set('Cookie', cookie).send({ item: 'pear' });
    // Django: the session already holds this user with a current hash, so neither flush nor cycle_key.
    const again = await login('bob', cookie);
    expect(cookieValue(setCookies(again).sessionid)).toBe(key);
    expect((await engine.row(key))!.cart).toEqual(['pear']);
    // Another user never inherits this session: the row is deleted, the data gone.
    const other = await login('carol', cookie);
    const otherKey = cookieValue(setCookies(other).sessionid)!;
    expect(otherKey).not.toBe(key);
    expect(await engine.row(key)).toBeNull();
    expect(await engine.row(otherKey)).toEqual({ _auth_user_id: String(ids.carol), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('carol') });
  });

  it("the same user with a stale hash (the password changed since) gets a flushed session", async () => {
    const cookie = await loginCookie(t, 'dave', 'dave-pw');
    const key = cookieValue(cookie)!;
    await t.http().post('/cart').set('Cookie', cookie).send({ item: 'fig' });
    await t.users.changePassword(ids.dave, 'dave-pw');
    const res = await login('dave', cookie);
    const newKey = cookieValue(setCookies(res).sessionid)!;
    expect(newKey).not.toBe(key);
    expect(await engine.row(key)).toBeNull();
    expect(await engine.row(newKey)).toEqual({ _auth_user_id: String(ids.dave), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('dave') });
  });

  it('rotates the CSRF secret and updates last_login', async () => {
    const name = `frank-${adapter}`;
    await t.users.addUser({ username: name, password: `${name}-pw` });
    expect((await t.users.findByUsername(name))!.lastLogin).toBeNull();
    const before = Date.now();
    const res = await login(name, 'csrftoken=abcdefghijklmnopqrstuvwxyzABCDEF');
    const csrf = cookieValue(setCookies(res).csrftoken)!;
    expect(csrf).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(csrf).not.toBe('abcdefghijklmnopqrstuvwxyzABCDEF');
    expect(setCookies(res).csrftoken).toMatch(/; Max-Age=31449600; Path=\/; SameSite=Lax$/);
    const lastLogin = (await t.users.findByUsername(name))!.lastLogin!;
    expect(lastLogin.getTime()).toBeGreaterThanOrEqual(before);
    expect(lastLogin.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('refuses wrong, unknown and inactive logins alike, leaving no session and no last_login', async () => {
    for (const body of [{ username: 'alice', password: 'nope' }, { username: 'nobody', password: 'x' }, { username: 'sleepy', password: 'sleepy-pw' }, { username: ['alice'], password: 'alice-pw' }, {}]) {
      const res = await t.http().post('/login').send(body);
      expect([res.status, res.body, setCookies(res).sessionid]).toEqual([401, { statusCode: 401, message: 'Invalid credentials', error: 'Unauthorized' }, undefined]);
    }
    expect((await t.users.findByUsername('sleepy'))!.lastLogin).toBeNull();
  });

  it('logout deletes the stored session and the cookie; an anonymous logout sets no cookie', async () => {
    const cookie = await loginCookie(t, 'alice', 'alice-pw');
    const res = await t.http().post('/logout').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(setCookies(res).sessionid).toBe(DELETED);
    expect(await engine.row(cookieValue(cookie)!)).toBeNull();
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(401);
    const anonymous = await t.http().post('/logout');
    expect([anonymous.status, setCookies(anonymous)]).toEqual([200, {}]);
  });

  it('a password change ends the session: 401, the row flushed, the cookie deleted', async () => {
    await t.users.addUser({ username: `erin-${adapter}`, password: 'erin-pw' });
    const cookie = await loginCookie(t, `erin-${adapter}`, 'erin-pw');
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
    await t.users.changePassword((await t.users.findByUsername(`erin-${adapter}`))!.id, 'changed-pw');
    const res = await t.http().get('/me').set('Cookie', cookie);
    expect([res.status, res.body]).toEqual([401, UNAUTHENTICATED]);
    expect(setCookies(res).sessionid).toBe(DELETED);
    expect(await engine.row(cookieValue(cookie)!)).toBeNull();
    // On an optional route the user is simply anonymous, and the session goes the same way.
    const again = await loginCookie(t, `erin-${adapter}`, 'changed-pw');
    await t.users.changePassword((await t.users.findByUsername(`erin-${adapter}`))!.id, 'erin-pw');
    const maybe = await t.http().get('/maybe').set('Cookie', again);
    expect([maybe.status, maybe.body, setCookies(maybe).sessionid]).toEqual([200, { user: null }, DELETED]);
    expect(await engine.row(cookieValue(again)!)).toBeNull();
  });

  it('a session without a hash, or with a hash of another password, is no login and is flushed', async () => {
    for (const hash of [undefined, '', 'f'.repeat(64), await hashOf('bob')]) {
      const data: Record<string, unknown> = { _auth_user_id: String(ids.alice), _auth_user_backend: MODEL_BACKEND };
      if (hash !== undefined) data._auth_user_hash = hash;
      const key = await plantSession(engine.inner, data);
      const res = await t.http().get('/me').set('Cookie', `sessionid=${key}`);
      expect([hash, res.status, setCookies(res).sessionid]).toEqual([hash, 401, DELETED]);
      expect(await engine.row(key)).toBeNull();
    }
  });

  describe('SECRET_KEY rotation (SECRET_KEY_FALLBACKS)', () => {
    const newKey = randomEnvSecret();
    let rotated: MemoryBridgeApp;
    let strict: MemoryBridgeApp;
    beforeAll(async () => {
      rotated = await startMemoryBridgeApp({ adapter, secretKey: newKey, sessions: engine, users: t.users, options: { secretKeyFallbacks: [secretKey] } });
      strict = await startMemoryBridgeApp({ adapter, secretKey: newKey, sessions: engine, users: t.users });
    });
    afterAll(async () => {
      await rotated.close();
      await strict.close();
    });
    const oldSession = async (name: string) => plantSession(engine.inner, { _auth_user_id: String(ids[name]), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf(name), cart: ['kept'] });

    it('a session hashed with a fallback key is accepted and re-keyed with the hash under the new key', async () => {
      const key = await oldSession('bob');
      const res = await rotated.http().get('/me').set('Cookie', `sessionid=${key}`);
      expect([res.status, res.body.username]).toEqual([200, 'bob']);
      const rekeyed = cookieValue(setCookies(res).sessionid)!;
      expect(rekeyed).toMatch(/^[a-z0-9]{32}$/);
      expect(rekeyed).not.toBe(key);
      expect(await engine.row(key)).toBeNull();
      expect(await engine.row(rekeyed)).toEqual({ _auth_user_id: String(ids.bob), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: await hashOf('bob', newKey), cart: ['kept'] });
      // The next request is an ordinary one: no new key.
      const next = await rotated.http().get('/me').set('Cookie', `sessionid=${rekeyed}`);
      expect([next.status, setCookies(next).sessionid]).toEqual([200, undefined]);
    });

    it('a refused route (403) still sends the re-keyed cookie, or the user would be logged out by it', async () => {
      const key = await oldSession('bob');
      const res = await rotated.http().get('/staff').set('Cookie', `sessionid=${key}`);
      expect(res.status).toBe(403);
      const rekeyed = cookieValue(setCookies(res).sessionid)!;
      expect(rekeyed).not.toBe(key);
      expect((await rotated.http().get('/me').set('Cookie', `sessionid=${rekeyed}`)).status).toBe(200);
    });

    it('without the fallback, the old session is refused and flushed', async () => {
      const key = await oldSession('bob');
      const res = await strict.http().get('/me').set('Cookie', `sessionid=${key}`);
      expect([res.status, setCookies(res).sessionid]).toEqual([401, DELETED]);
      expect(await engine.row(key)).toBeNull();
    });
  });
});

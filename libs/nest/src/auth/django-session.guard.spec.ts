/**
 * DjangoSessionGuard through a real Nest app over in-memory stores: who is authenticated (get_user's
 * rules: the backend must be configured, the user must exist and may log in), @OptionalAuth() and
 * @Public() as route and as global guard, and a user store that fails (503, never 401 or 500).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sessionAuthHash } from '@django-bridge/core';
import { cheapHashers, loginCookie, plantSession, setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import { DjangoUser } from '../users/django-user.js';
import { MemoryUserStore } from '../users/memory-user.store.js';

const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';
const ALLOW_ALL = 'django.contrib.auth.backends.AllowAllUsersModelBackend';
const UNAUTHENTICATED = { statusCode: 401, message: 'Authentication credentials were not provided or are invalid', error: 'Unauthorized' };
const UNAVAILABLE = { statusCode: 503, message: 'Session store unavailable; try again later', error: 'Service Unavailable' };

type UserMethod = 'findById' | 'findByUsername' | 'allPermissions' | 'groupNames' | 'updateLastLogin';

/** A user store of the application's own that fails on demand, with a message that must never reach a client. */
class FlakyUserStore extends MemoryUserStore {
  readonly failing = new Set<UserMethod>();
  private check(method: UserMethod): void {
    if (this.failing.has(method)) throw new Error(`user API at 10.0.0.9 refused ${method} (secret-token)`);
  }
  override async findById(id: number | string) {
    this.check('findById');
    return super.findById(id);
  }
  override async findByUsername(username: string) {
    this.check('findByUsername');
    return super.findByUsername(username);
  }
  override async allPermissions(user: DjangoUser) {
    this.check('allPermissions');
    return super.allPermissions(user);
  }
  override async groupNames(user: DjangoUser) {
    this.check('groupNames');
    return super.groupNames(user);
  }
  override async updateLastLogin(user: DjangoUser, now?: Date) {
    this.check('updateLastLogin');
    return super.updateLastLogin(user, now);
  }
}

describe.each(['express', 'fastify'] as AdapterName[])('DjangoSessionGuard through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  const users = new FlakyUserStore({ hashers: cheapHashers(), permissions: ['notes.add_note'] });
  let t: MemoryBridgeApp;
  let global: MemoryBridgeApp;
  let allowAll: MemoryBridgeApp;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ adapter, secretKey, users });
    global = await startMemoryBridgeApp({ adapter, secretKey, users, sessions: t.sessions, globalGuard: true });
    allowAll = await startMemoryBridgeApp({ adapter, secretKey, users, sessions: t.sessions, options: { authenticationBackends: [MODEL_BACKEND, ALLOW_ALL] } });
    await users.addUser({ username: 'alice', password: 'alice-pw' });
    await users.addUser({ username: 'sleepy', password: 'sleepy-pw', isActive: false, permissions: ['notes.add_note'] });
  });
  afterAll(async () => {
    for (const app of [t, global, allowAll]) await app?.close();
  });

  /** A session as Django's login() leaves it, with parts replaced. */
  const session = async (username: string, changes: Record<string, unknown> = {}) => {
    const user = (await users.findByUsername(username))!;
    const data: Record<string, unknown> = { _auth_user_id: String(user.id), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: sessionAuthHash(DjangoUser.passwordOf(user), secretKey), ...changes };
    for (const [k, v] of Object.entries(data)) if (v === undefined) delete data[k];
    return `sessionid=${await plantSession(t.sessions, data)}`;
  };

  it('401 without a session, with the bridge body; the user with one', async () => {
    for (const cookie of ['', 'sessionid=', 'sessionid=nosuchsession000000000000000000', 'sessionid=x']) {
      const res = await t.http().get('/me').set('Cookie', cookie);
      expect([cookie, res.status, res.body]).toEqual([cookie, 401, UNAUTHENTICATED]);
    }
    const res = await t.http().get('/me').set('Cookie', await session('alice'));
    expect([res.status, res.body.username]).toEqual([200, 'alice']);
  });

  it('@OptionalAuth() lets anonymous requests through with a null user, and still finds a real one', async () => {
    expect((await t.http().get('/maybe')).body).toEqual({ user: null });
    expect((await t.http().get('/maybe').set('Cookie', await session('alice'))).body.user).toMatchObject({ username: 'alice' });
  });

  it('as a global guard: every route needs a user, but @Public() and @OptionalAuth() routes', async () => {
    expect((await global.http().get('/public')).status).toBe(200);
    expect((await global.http().get('/maybe')).body).toEqual({ user: null });
    expect([(await global.http().get('/open')).status, (await global.http().get('/open')).body]).toEqual([401, UNAUTHENTICATED]);
    // Even login is guarded there unless the application marks it @Public().
    expect((await global.http().post('/login').send({ username: 'alice', password: 'alice-pw' })).status).toBe(401);
    expect((await global.http().get('/open').set('Cookie', await session('alice'))).status).toBe(200);
  });

  it("inactive users are nobody under ModelBackend (the session stays, as Django's get_user leaves it)", async () => {
    const cookie = await session('sleepy');
    const res = await t.http().get('/me').set('Cookie', cookie);
    expect([res.status, setCookies(res).sessionid]).toEqual([401, undefined]);
    expect(await t.sessions.load(cookie.slice('sessionid='.length))).not.toBeNull();
    // Deactivated after logging in: the next request is anonymous.
    const alice = await loginCookie(t, 'alice', 'alice-pw');
    users.updateUser((await users.findByUsername('alice'))!.id, { isActive: false });
    try {
      expect((await t.http().get('/me').set('Cookie', alice)).status).toBe(401);
    } finally {
      users.updateUser((await users.findByUsername('alice'))!.id, { isActive: true });
    }
    expect((await t.http().get('/me').set('Cookie', alice)).status).toBe(200);
  });

  it('AllowAllUsersModelBackend admits an inactive user, who still has no permission', async () => {
    const cookie = await session('sleepy', { _auth_user_backend: ALLOW_ALL });
    const res = await allowAll.http().get('/me').set('Cookie', cookie);
    expect([res.status, res.body.username, res.body.permissions]).toEqual([200, 'sleepy', []]);
    expect((await allowAll.http().get('/can-add-note').set('Cookie', cookie)).status).toBe(403);
    // The same session under ModelBackend only: refused.
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('a backend the site does not list, or no backend, is no login', async () => {
    for (const backend of ['evil.Backend', ALLOW_ALL, `${MODEL_BACKEND} `, '', ['x'], 1, null, undefined]) {
      const res = await t.http().get('/me').set('Cookie', await session('alice', { _auth_user_backend: backend }));
      expect([backend, res.status]).toEqual([backend, 401]);
    }
  });

  it('`_auth_user_id` is read as the primary key: text or number; anything else, or a deleted user, is nobody', async () => {
    const id = (await users.findByUsername('alice'))!.id as number;
    for (const [value, status] of [[String(id), 200], [id, 200], [` ${id} `, 200], [`0${id}`, 200], [`${id}.0`, 401], ['abc', 401], [[String(id)], 401], [null, 401], [{ id }, 401], [true, 401], ['999999', 401]] as const) {
      const res = await t.http().get('/me').set('Cookie', await session('alice', { _auth_user_id: value }));
      expect([value, res.status]).toEqual([value, status]);
    }
    const gone = await users.addUser({ username: `gone-${adapter}`, password: 'x' });
    const cookie = await session(`gone-${adapter}`);
    users.deleteUser(gone.id);
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('a user store that fails is a 503 with nothing of its error, never a 401, a 500 or an anonymous answer', async () => {
    const cookie = await session('alice');
    users.failing.add('findById');
    try {
      for (const path of ['/me', '/maybe']) {
        const res = await t.http().get(path).set('Cookie', cookie);
        expect([path, res.status, res.body]).toEqual([path, 503, UNAVAILABLE]);
        expect(res.text).not.toMatch(/secret|10\.0\.0\.9|\bat /);
      }
    } finally {
      users.failing.clear();
    }
    for (const method of ['findByUsername', 'updateLastLogin'] as const) {
      users.failing.add(method);
      try {
        const res = await t.http().post('/login').send({ username: 'alice', password: 'alice-pw' });
        expect([method, res.status, res.body, setCookies(res).sessionid]).toEqual([method, 503, UNAVAILABLE, undefined]);
      } finally {
        users.failing.clear();
      }
    }
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
  });
});

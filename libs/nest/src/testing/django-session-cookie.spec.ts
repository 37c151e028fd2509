/**
 * The testing helper over the in-memory stores (MemorySessionBackend, MemoryUserStore), on Express
 * and Fastify: the cookie it returns is accepted by the app's own guard, holds what login() stores,
 * follows the configured cookie name and engine, and refuses users Django would not log in.
 * That Django accepts it too is proven in test/e2e/nest-ecosystem.e2e.spec.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { MemorySessionBackend, sessionAuthHash } from '@django-bridge/core';
import { createDjangoSessionCookie, loginAs } from '@django-bridge/nest/testing';
import { cheapHashers, startMemoryBridgeApp, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import { DjangoUser } from '../users/django-user.js';
import { MemoryUserStore } from '../users/memory-user.store.js';

const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';
const started: MemoryBridgeApp[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.close()));
});

async function start(adapter: 'express' | 'fastify', options: Record<string, unknown> = {}, sessions = new MemorySessionBackend()) {
  const secretKey = randomEnvSecret();
  const users = new MemoryUserStore({ hashers: cheapHashers() });
  const alice = await users.addUser({ username: 'alice', password: 'wonderland', permissions: ['notes.add_note'] });
  await users.addUser({ username: 'bob', password: 'builder', isActive: false });
  const t = await startMemoryBridgeApp({ secretKey, adapter, sessions, users, options });
  started.push(t);
  return { t, secretKey, alice, sessions, users };
}

describe.each(['express', 'fastify'] as const)('%s', (adapter) => {
  it('logs a user in by username: the app accepts the cookie and the session holds what login() stores', async () => {
    const { t, secretKey, alice, sessions } = await start(adapter);
    const cookie = await createDjangoSessionCookie(t.app, { username: 'alice', extra: { cart: [1, 2] } });
    expect(cookie.name).toBe('sessionid');
    expect(cookie.header).toBe(`sessionid=${cookie.value}`);
    expect(cookie.value).toMatch(/^[a-z0-9]{32}$/);
    expect(cookie.setCookie).toMatch(new RegExp(`^sessionid=${cookie.value}; expires=.+; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax$`));
    expect(cookie.user.id).toBe(alice.id);

    const res = await t.http().get('/me').set('Cookie', cookie.header);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: alice.id, username: 'alice', permissions: ['notes.add_note'] });
    const stored = await sessions.load(cookie.value);
    expect(stored).toEqual({ cart: [1, 2], _auth_user_id: String(alice.id), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: sessionAuthHash(DjangoUser.passwordOf(alice), secretKey) });
  });

  it('loginAs by primary key gives headers for supertest, and updates last_login', async () => {
    const { t, alice, users } = await start(adapter);
    expect((await users.findById(alice.id))!.lastLogin).toBeNull();
    const res = await t.http().get('/me').set(await loginAs(t.app, { userId: alice.id }));
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
    expect((await users.findById(alice.id))!.lastLogin).toBeInstanceOf(Date);
  });

  it('the session is bound to the password: a password change logs it out, as in Django', async () => {
    const { t, alice, users } = await start(adapter);
    const headers = await loginAs(t.app, { user: alice, updateLastLogin: false });
    await users.changePassword(alice.id, 'changed');
    expect((await t.http().get('/me').set(headers)).status).toBe(401);
  });

  it('uses the configured cookie name and session engine (signed_cookies)', async () => {
    const secretKey = randomEnvSecret();
    const users = new MemoryUserStore({ hashers: cheapHashers() });
    await users.addUser({ username: 'alice', password: 'wonderland' });
    const t = await startMemoryBridgeApp({ secretKey, adapter, users, options: { sessionEngine: 'signed_cookies', sessionCookieName: 'PHPSESSID' } });
    started.push(t);
    const cookie = await createDjangoSessionCookie(t.app, { username: 'alice' });
    expect(cookie.name).toBe('PHPSESSID');
    // signed_cookies: the value is the signed session itself, not a key.
    expect(cookie.value).toMatch(/^\.?[\w-]+:[\w-]+:[\w-]+$/);
    const res = await t.http().get('/me').set('Cookie', cookie.header);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
  });
});

describe('refusals, each one clear line', () => {
  it('an unknown user, an inactive one, a backend that is not configured, no target', async () => {
    const { t } = await start('express');
    await expect(createDjangoSessionCookie(t.app, { username: 'nobody' })).rejects.toThrow('createDjangoSessionCookie: no user with username "nobody"');
    await expect(createDjangoSessionCookie(t.app, { userId: 999 })).rejects.toThrow('createDjangoSessionCookie: no user with primary key 999');
    await expect(createDjangoSessionCookie(t.app, { userId: 'x' })).rejects.toThrow('createDjangoSessionCookie: no user with primary key "x"');
    await expect(createDjangoSessionCookie(t.app, { username: 'bob' })).rejects.toThrow(/user \d+ is inactive; django\.contrib\.auth\.backends\.ModelBackend does not log inactive users in/);
    await expect(createDjangoSessionCookie(t.app, { username: 'alice', backend: 'my.Backend' })).rejects.toThrow('createDjangoSessionCookie: backend "my.Backend" is not in authenticationBackends (django.contrib.auth.backends.ModelBackend)');
    await expect(createDjangoSessionCookie(t.app, {} as never)).rejects.toThrow('createDjangoSessionCookie: give userId, username or user');
    await expect(createDjangoSessionCookie({} as never, { username: 'alice' })).rejects.toThrow('createDjangoSessionCookie: give the Nest application or testing module');
  });

  it('an inactive user is fine under AllowAllUsersModelBackend', async () => {
    const allowAll = 'django.contrib.auth.backends.AllowAllUsersModelBackend';
    const { t } = await start('express', { authenticationBackends: [allowAll] });
    const res = await t.http().get('/me').set(await loginAs(t.app, { username: 'bob' }));
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('bob');
  });
});

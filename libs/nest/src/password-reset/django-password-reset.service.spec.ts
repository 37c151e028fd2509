import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ImproperlyConfigured } from '@django-bridge/core';
import { cheapHashers, loginCookie, startMemoryBridgeApp, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { resolvePasswordResetOptions } from './password-reset-options.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { DjangoPasswordResetService } from './django-password-reset.service.js';
import { DjangoInvalidResetLink } from './invalid-reset-link.js';

const secretKey = 'unit-reset-key';
let app: MemoryBridgeApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options = {}) {
  const users = new MemoryUserStore({ hashers: cheapHashers() });
  app = await startMemoryBridgeApp({ secretKey, users, options });
  const user = await users.addUser({ username: 'ann', password: 'ann-pw', fields: { email: 'ann@example.com' } });
  return { users, user, resets: app.app.get(DjangoPasswordResetService), auth: app.app.get(DjangoAuthService) };
}

describe('DjangoPasswordResetService', () => {
  it('makes links that check, once: setPassword ends them, through the hashing limiter', async () => {
    const { user, resets, auth } = await start();
    const { uidb64, token } = resets.makeLink(user);
    expect(await resets.userForLink(uidb64, token)).toMatchObject({ username: 'ann' });
    const run = jest.spyOn(auth.passwordHashing, 'run');
    const changed = await resets.confirm(uidb64, token, 'new-pw');
    expect(run).toHaveBeenCalledTimes(1);
    expect(await auth.authenticate('ann', 'new-pw')).toMatchObject({ id: changed.id });
    expect(await resets.userForLink(uidb64, token)).toBeNull();
    await expect(resets.confirm(uidb64, token, 'again')).rejects.toBeInstanceOf(DjangoInvalidResetLink);
  });

  it('a login after the link ends it (last_login is in the hash)', async () => {
    const { user, resets, users } = await start();
    const token = resets.makeToken(user);
    await users.updateLastLogin(user, new Date(Date.now() + 2000));
    expect(resets.checkToken(await users.findById(user.id), token)).toBe(false);
  });

  it.each([[undefined, 'x'], ['!!', 'x'], ['OTk5', '1-1'], [{}, 'a-b'], ['MQ', 42], ['MQ', ''], ['MQ', 'x'.repeat(10_000)]])('refuses (%p, %p) with a typed 400', async (uidb64, token) => {
    const { resets } = await start();
    expect(await resets.userForLink(uidb64, token)).toBeNull();
    const err = await resets.verifyLink(uidb64, token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DjangoInvalidResetLink);
    expect((err as DjangoInvalidResetLink).getStatus()).toBe(400);
  });

  it('needs the e-mail column loaded, or emailField null', async () => {
    const { resets, users } = await start();
    const bare = await users.addUser({ username: 'bob', password: 'x' });
    expect(() => resets.makeToken(bare)).toThrow(ImproperlyConfigured);
    await app!.close();
    const second = await start({ passwordReset: { emailField: null } });
    expect(second.resets.checkToken(second.user, second.resets.makeToken(second.user))).toBe(true);
  });

  it('setPassword with the request keeps that session logged in under a new key', async () => {
    const { resets, users } = await start();
    const cookie = await loginCookie(app!, 'ann', 'ann-pw');
    const other = await loginCookie(app!, 'ann', 'ann-pw');
    const before = await app!.http().get('/me').set('Cookie', cookie);
    expect(before.status).toBe(200);
    // Through the real request pipeline: a tiny route is not needed, the service takes any request the bridge knows.
    const user = (await users.findByUsername('ann'))!;
    const fakeReq = { headers: { cookie } };
    const { DjangoSessionService } = await import('../session/django-session.service.js');
    const sessions = app!.app.get(DjangoSessionService);
    await resets.setPassword(user, 'changed', { request: fakeReq });
    const session = await sessions.load(fakeReq);
    expect(session.modified).toBe(true);
    await session.save();
    expect(`sessionid=${session.key}`).not.toBe(cookie);
    expect((await app!.http().get('/me').set('Cookie', `sessionid=${session.key}`)).status).toBe(200);
    expect((await app!.http().get('/me').set('Cookie', other)).status).toBe(401);
    expect((await app!.http().get('/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('checks its options at start-up', () => {
    expect(() => resolvePasswordResetOptions({ algorithm: 'sha1' }, '5.2')).toThrow(/passwordReset.algorithm/);
    expect(resolvePasswordResetOptions({ algorithm: 'sha1' }, '3.2')).toEqual({ timeout: 259_200, emailField: 'email', algorithm: 'sha1' });
    expect(() => resolvePasswordResetOptions({ timeout: -1 }, '5.2')).toThrow(/passwordReset.timeout/);
    expect(() => resolvePasswordResetOptions({ emailField: '' }, '5.2')).toThrow(/passwordReset.emailField/);
  });
});

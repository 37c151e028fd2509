/**
 * The CSRF testing helper over the in-memory stores, on Express and Fastify: its headers pass the
 * app's DjangoCsrfGuard with the cookie (masked on 3.2, as that line writes it) and with
 * CSRF_USE_SESSIONS (the secret in the session, signed_cookies included); without them the guard
 * refuses. That Django's CsrfViewMiddleware accepts it too is proven in
 * test/e2e/nest-ecosystem.e2e.spec.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { CSRF_SESSION_KEY, MemorySessionBackend, SignedCookieSessionBackend, unmaskCipherToken } from '@django-bridge/core';
import request from 'supertest';
import { createDjangoCsrfToken, createDjangoSessionCookie } from '@django-bridge/nest/testing';
import { cheapHashers, startMemoryBridgeApp, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import { MemoryUserStore } from '../users/memory-user.store.js';

const started: MemoryBridgeApp[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.close()));
});

async function start(adapter: 'express' | 'fastify', options: Record<string, unknown> = {}, sessions: MemorySessionBackend | SignedCookieSessionBackend = new MemorySessionBackend()) {
  const users = new MemoryUserStore({ hashers: cheapHashers() });
  await users.addUser({ username: 'alice', password: 'wonderland' });
  const t = await startMemoryBridgeApp({ secretKey: randomEnvSecret(), adapter, sessions, users, options });
  started.push(t);
  return t;
}

describe.each(['express', 'fastify'] as const)('%s', (adapter) => {
  it('cookie: the headers pass DjangoCsrfGuard; the cookie alone does not', async () => {
    const t = await start(adapter);
    const csrf = await createDjangoCsrfToken(t.app);
    expect(csrf.cookie).toMatch(/^csrftoken=[A-Za-z0-9]{32}$/);
    expect(csrf.token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(unmaskCipherToken(csrf.token)).toBe(csrf.cookie!.slice('csrftoken='.length));
    expect(csrf.setCookie).toMatch(/^csrftoken=[A-Za-z0-9]{32}; expires=.+; Max-Age=31449600; Path=\/; SameSite=Lax$/);
    expect(csrf.headers).toEqual({ Cookie: csrf.cookie, 'X-CSRFToken': csrf.token });
    expect((await request(t.app.getHttpServer()).post('/csrf/post').set(csrf.headers)).status).toBe(200);
    expect((await request(t.app.getHttpServer()).post('/csrf/post').set('Cookie', csrf.cookie!)).status).toBe(403);
  });

  it('follows csrfCookieName, csrfHeaderName and the 3.2 line (a masked cookie)', async () => {
    const t = await start(adapter, { csrfCookieName: 'xsrf', csrfHeaderName: 'X-Xsrf', djangoVersion: '3.2' });
    const csrf = await createDjangoCsrfToken(t.app);
    expect(csrf.cookie).toMatch(/^xsrf=[A-Za-z0-9]{64}$/);
    expect(csrf.headerName).toBe('X-Xsrf');
    expect((await request(t.app.getHttpServer()).post('/csrf/post').set(csrf.headers)).status).toBe(200);
  });

  it('csrfUseSessions: the secret goes into the session; a session is required', async () => {
    const sessions = new MemorySessionBackend();
    const t = await start(adapter, { csrfUseSessions: true }, sessions);
    await expect(createDjangoCsrfToken(t.app)).rejects.toThrow(/pass \{ session \}/);
    const session = await createDjangoSessionCookie(t.app, { username: 'alice' });
    const csrf = await createDjangoCsrfToken(t.app, { session });
    expect(csrf.cookie).toBeNull();
    expect(csrf.session?.value).toBe(session.value);
    expect((await sessions.load(session.value))?.[CSRF_SESSION_KEY]).toBe(unmaskCipherToken(csrf.token));
    expect(csrf.headers).toEqual({ Cookie: session.header, 'X-CSRFToken': csrf.token });
    expect((await request(t.app.getHttpServer()).post('/csrf/post').set(csrf.headers)).status).toBe(200);
    expect((await request(t.app.getHttpServer()).post('/csrf/post').set('Cookie', session.header)).status).toBe(403);
  });

  it('csrfUseSessions with signed_cookies: the returned session cookie carries the secret', async () => {
    const secretKey = randomEnvSecret();
    const users = new MemoryUserStore({ hashers: cheapHashers() });
    await users.addUser({ username: 'alice', password: 'wonderland' });
    const t = await startMemoryBridgeApp({ secretKey, adapter, sessions: new SignedCookieSessionBackend({ secretKey, cookieAge: 1_209_600 }), users, options: { csrfUseSessions: true } });
    started.push(t);
    const session = await createDjangoSessionCookie(t.app, { username: 'alice' });
    const csrf = await createDjangoCsrfToken(t.app, { session });
    expect(csrf.session?.value).not.toBe(session.value);
    expect((await request(t.app.getHttpServer()).post('/csrf/post').set(csrf.headers)).status).toBe(200);
  });
});

it('refuses what is not an application', async () => {
  await expect(createDjangoCsrfToken({} as never)).rejects.toThrow(TypeError);
});

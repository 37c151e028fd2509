/**
 * Password-reset links and signed cookies between a real Django project and a Nest app on Express
 * and Fastify, over one database: a link Django e-mails works in Nest and the reverse; a used link,
 * one made before a login, or a malformed one is refused (400, never a 500); a password changed in
 * Nest keeps that session logged in and ends every other; a signed cookie set by either side reads
 * on the other. The project runs in a non-UTC TIME_ZONE, whose wall clock stamps the tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeUidb64, parseCookieHeader, quoteCookieValue } from '@django-bridge/core';
import request from 'supertest';
import { cookieHeader, DjangoProject } from '../django/django-project.js';
import { bridgeVersionFor } from '../django/django-line.js';
import { django, djangoProject } from '../django/oracle.js';
import { randomEnvSecret, randomInt } from '../support/random.js';
import type { AdapterName } from './support/bridge-test-app.js';
import { startLinksApp } from './support/credential-links-app.js';
import type { ListeningApp } from './support/listening-app.js';

const TIME_ZONE = 'America/Chicago';

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const value = res.headers['set-cookie'];
  return Array.isArray(value) ? value : value ? [String(value)] : [];
}
function cookieFrom(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const header = setCookies(res).find((c) => c.startsWith(`${name}=`));
  return header === undefined ? undefined : header.slice(name.length + 1, header.indexOf(';') < 0 ? undefined : header.indexOf(';'));
}

describe.each<AdapterName>(['express', 'fastify'])('password-reset links and signed cookies on %s', (adapter) => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  let t: ListeningApp;
  let n = 0;
  const newUser = () => {
    const username = `u${++n}_${randomInt(1e6)}`;
    project.createUser({ username, password: `${username}-pw`, email: `${username}@example.com` });
    return username;
  };
  const djangoLink = (path: string, method = 'GET', json?: unknown) => djangoProject<{ status: number; body: { valid?: boolean; username?: string | null } }>(project, { op: 'project_request', method, path, ...(json ? { json } : {}) });
  const nestLogin = async (username: string, password = `${username}-pw`) => {
    const res = await request(t.url).post('/login').send({ username, password });
    expect(res.status).toBe(200);
    return cookieFrom(res, 'sessionid')!;
  };

  beforeAll(async () => {
    project = DjangoProject.throwaway('sqlite', { secretKey, timeZone: TIME_ZONE });
    project.migrate();
    t = await startLinksApp(adapter, project.connection(), { secretKey, djangoVersion: bridgeVersionFor(project.line), timeZone: TIME_ZONE });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    project?.dropDatabase();
  });

  it("a link from Django's e-mail works in Nest once, and Django then refuses it too", async () => {
    const username = newUser();
    const { uidb64, token } = djangoProject<{ uidb64: string; token: string }>(project, { op: 'password_reset_make', username });
    expect((await request(t.url).get(`/reset/${uidb64}/${token}`)).body).toEqual({ valid: true, username });
    const done = await request(t.url).post(`/reset/${uidb64}/${token}`).send({ password: 'brand-new-pw' });
    expect(done.status).toBe(200);
    expect((await request(t.url).get(`/reset/${uidb64}/${token}`)).body).toEqual({ valid: false, username: null });
    expect((await request(t.url).post(`/reset/${uidb64}/${token}`).send({ password: 'again' })).status).toBe(400);
    expect(djangoLink(`/reset/${uidb64}/${token}/`).body.valid).toBe(false);
    expect(project.login(username, 'brand-new-pw').status).toBe(200);
  });

  it('a link made in Nest works in Django once, and Nest then refuses it', async () => {
    const username = newUser();
    const { uidb64, token } = (await request(t.url).get(`/reset-link/${username}`)).body as { uidb64: string; token: string };
    expect(djangoLink(`/reset/${uidb64}/${token}/`).body).toMatchObject({ valid: true, username });
    expect(djangoLink(`/reset/${uidb64}/${token}/`, 'POST', { password: 'set-by-django' }).status).toBe(200);
    expect((await request(t.url).get(`/reset/${uidb64}/${token}`)).body.valid).toBe(false);
    await nestLogin(username, 'set-by-django');
  });

  it('a link made before a login (on either side) is refused by both', async () => {
    const first = newUser();
    const nestMade = (await request(t.url).get(`/reset-link/${first}`)).body as { uidb64: string; token: string };
    // Tokens hash last_login to the second: make sure the login lands in a later second.
    await new Promise((r) => setTimeout(r, 1100));
    expect(project.login(first, `${first}-pw`).status).toBe(200);
    expect((await request(t.url).get(`/reset/${nestMade.uidb64}/${nestMade.token}`)).body.valid).toBe(false);
    expect(djangoLink(`/reset/${nestMade.uidb64}/${nestMade.token}/`).body.valid).toBe(false);

    const second = newUser();
    const djangoMade = djangoProject<{ uidb64: string; token: string }>(project, { op: 'password_reset_make', username: second });
    await new Promise((r) => setTimeout(r, 1100));
    await nestLogin(second);
    expect(djangoLink(`/reset/${djangoMade.uidb64}/${djangoMade.token}/`).body.valid).toBe(false);
    expect((await request(t.url).get(`/reset/${djangoMade.uidb64}/${djangoMade.token}`)).body.valid).toBe(false);
  }, 30_000);

  it.each([
    ['a uidb64 that is no base64', '!!!', 'x-y'],
    ['an unknown user', encodeUidb64(987654321), '1-2'],
    ['a uidb64 that is no integer', encodeUidb64('abc'), 'abc-def'],
    ['bytes that are not UTF-8', '_w', 'a-b'],
    ['a garbage token', '', 'zzzzzzzzzzzzzzzzzzzz-0'],
    // Fastify refuses path parameters over 100 characters itself (404); 90 reaches the service.
    ['a long token', '', 'a'.repeat(90)],
  ])('refuses %s with 400, never a 500', async (_, uidb64, token) => {
    const username = newUser();
    const uid = uidb64 || (await request(t.url).get(`/reset-link/${username}`)).body.uidb64;
    expect((await request(t.url).get(`/reset/${encodeURIComponent(uid)}/${token}`)).body.valid).toBe(false);
    const res = await request(t.url).post(`/reset/${encodeURIComponent(uid)}/${token}`).send({ password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/invalid/);
  });

  it("setPassword with the request: this session stays logged in under a new key, every other session of the user ends (update_session_auth_hash)", async () => {
    const username = newUser();
    const mine = await nestLogin(username);
    const otherNest = await nestLogin(username);
    const otherDjango = project.login(username, `${username}-pw`).cookies;
    const changed = await request(t.url).post('/password').set('Cookie', `sessionid=${mine}`).send({ password: 'changed-in-nest' });
    expect(changed.status).toBe(200);
    const cycled = cookieFrom(changed, 'sessionid');
    expect(cycled).toBeDefined();
    expect(cycled).not.toBe(mine);
    expect((await request(t.url).get('/me').set('Cookie', `sessionid=${cycled}`)).status).toBe(200);
    expect(project.whoami({ sessionid: cycled! })).toMatchObject({ authenticated: true, username });
    expect((await request(t.url).get('/me').set('Cookie', `sessionid=${mine}`)).status).toBe(401);
    expect((await request(t.url).get('/me').set('Cookie', `sessionid=${otherNest}`)).status).toBe(401);
    expect(project.whoami(otherDjango)).toMatchObject({ authenticated: false });
    expect(project.login(username, 'changed-in-nest').status).toBe(200);
  });

  describe('signed cookies', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('a cookie Nest sets is what Django reads with get_signed_cookie, and the reverse', async () => {
      const value = `hello "world"; é ${randomInt(1e9)}`;
      const set = await request(t.url).get('/cookie/set').query({ value, salt: 'hello', maxAge: '600' });
      const header = setCookies(set).find((c) => c.startsWith('greeting='))!;
      expect(header).toMatch(/; HttpOnly; Max-Age=600; Path=\/; SameSite=Lax$/);
      const cookie = header.slice(0, header.indexOf(';'));
      const theirs = django<{ value?: string; raised?: string }>({ op: 'get_signed_cookie', name: 'greeting', cookie, salt: 'hello', max_age: 600, key: secretKey, now: now() }, project.line);
      expect(theirs).toEqual({ value });
      expect((await request(t.url).get('/cookie/get').set('Cookie', cookie)).body).toEqual({ value });

      const made = django<{ header: string; value: string; coded: string }>({ op: 'set_signed_cookie', name: 'greeting', value: `from django ${value}`, salt: 'hello', kwargs: { max_age: 600 }, key: secretKey, now: now() }, project.line);
      expect(made.coded).toBe(quoteCookieValue(made.value));
      expect(parseCookieHeader(`greeting=${made.coded}`).greeting).toBe(made.value);
      expect((await request(t.url).get('/cookie/get').set('Cookie', `greeting=${made.coded}`)).body).toEqual({ value: `from django ${value}` });
    });

    it('a tampered, wrongly salted, expired or missing cookie: 400 without a default, the default with one', async () => {
      const good = django<{ header: string; value: string; coded: string }>({ op: 'set_signed_cookie', name: 'greeting', value: 'hi', salt: 'hello', key: secretKey, now: now() }, project.line).value;
      const expired = django<{ header: string; value: string }>({ op: 'set_signed_cookie', name: 'greeting', value: 'hi', salt: 'hello', key: secretKey, now: now() - 7200 }, project.line).value;
      const otherSalt = django<{ header: string; value: string }>({ op: 'set_signed_cookie', name: 'greeting', value: 'hi', salt: 'other', key: secretKey, now: now() }, project.line).value;
      for (const cookie of [`greeting=${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`, `greeting=${expired}`, `greeting=${otherSalt}`, 'greeting=plain', 'unrelated=1']) {
        const strict = await request(t.url).get('/cookie/get').set('Cookie', cookie);
        expect(strict.status).toBe(400);
        expect((await request(t.url).get('/cookie/get-or-default').set('Cookie', cookie)).body).toEqual({ value: null });
        const theirs = django<{ value?: string; raised?: string }>({ op: 'get_signed_cookie', name: 'greeting', cookie, salt: 'hello', max_age: 3600, key: secretKey, now: now() }, project.line);
        expect(theirs.raised).toMatch(/^(BadSignature|SignatureExpired|KeyError)$/);
      }
      expect((await request(t.url).get('/cookie/get').set('Cookie', `greeting=${good}`)).body).toEqual({ value: 'hi' });
    });
  });
});

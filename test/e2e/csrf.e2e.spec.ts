/** Django's CSRF protection through the Nest guard, on Express and Fastify, cookie and session storage. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkCsrfToken, csrfSecretFromCookie, getCsrfToken, getNewCsrfSecret } from '@django-bridge/core';
import request from 'supertest';
import { cookieHeader, DjangoProject } from '../django/django-project.js';
import { randomEnvSecret as randomSecret } from '../support/random.js';
import { startTestApp, type AdapterName, type TestApp } from './support/bridge-test-app.js';

function cookiesFrom(setCookie: string[] | string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

describe.each(['express', 'fastify'] as AdapterName[])('CSRF through %s', (adapter) => {
  const secretKey = randomSecret();
  let django: DjangoProject;
  const apps: Record<string, TestApp> = {};

  beforeAll(async () => {
    django = DjangoProject.throwaway('sqlite', { secretKey });
    django.migrate();
    django.createUser({ username: 'dana', password: 'dana-pw' });
    apps.cookie = await startTestApp(adapter, django.connection(), { secretKey, djangoVersion: '4.2', csrfTrustedOrigins: ['https://*.trusted.example'] });
    apps.legacy = await startTestApp(adapter, django.connection(), { secretKey, djangoVersion: '3.2' });
    apps.sessions = await startTestApp(adapter, django.connection(), { secretKey, djangoVersion: '4.2', csrfUseSessions: true });
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
    django?.dropDatabase();
  });

  it('hands out masked tokens and a Django-format cookie (32-char secret on 4.1+, masked on 3.2)', async () => {
    const res = await request(apps.cookie.url).get('/csrf');
    const cookie = cookiesFrom(res.headers['set-cookie']).csrftoken;
    expect(cookie).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(res.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(/^csrftoken=\w{32}; expires=.*; Max-Age=31449600; Path=\/; SameSite=Lax$/)]));
    expect(res.body.csrfToken).toMatch(/^[a-zA-Z0-9]{64}$/);
    expect(checkCsrfToken(cookie, res.body.csrfToken)).toBe(true);
    const legacy = await request(apps.legacy.url).get('/csrf');
    expect(cookiesFrom(legacy.headers['set-cookie']).csrftoken).toMatch(/^[a-zA-Z0-9]{64}$/);
  });

  it('takes csrfmiddlewaretoken from form bodies only, as Django reads it from request.POST', async () => {
    const login = django.login('dana', 'dana-pw');
    const secret = getNewCsrfSecret();
    const cookie = cookieHeader({ ...login.cookies, csrftoken: secret });
    const token = getCsrfToken(secret);
    const json = await request(apps.cookie.url).post('/csrf/post').set('Cookie', cookie).send({ csrfmiddlewaretoken: token });
    expect(json.status).toBe(403);
    expect(json.body.message).toBe('CSRF verification failed. CSRF token missing.');
    const form = await request(apps.cookie.url).post('/csrf/post').set('Cookie', cookie).type('form').send({ csrfmiddlewaretoken: token });
    expect(form.status).toBe(200);
  });

  it('guards unsafe methods: 403 with Django\'s reason, 200 with a matching token', async () => {
    const t = apps.cookie;
    const login = django.login('dana', 'dana-pw');
    const secret = getNewCsrfSecret();
    const cookies = cookieHeader({ ...login.cookies, csrftoken: secret });
    const post = (headers: Record<string, string>, cookie = cookies) => request(t.url).post('/csrf/post').set('Cookie', cookie).set(headers).send({});
    expect((await post({})).body.message).toBe('CSRF verification failed. CSRF token missing.');
    // Django names the header as HttpHeaders.parse_header_name does: 'X-Csrftoken'.
    expect((await post({ 'X-CSRFToken': 'short' })).body.message).toBe("CSRF verification failed. CSRF token from the 'X-Csrftoken' HTTP header has incorrect length.");
    expect((await post({ 'X-CSRFToken': getCsrfToken(getNewCsrfSecret()) })).status).toBe(403);
    expect((await post({ 'X-CSRFToken': getCsrfToken(secret) }, cookieHeader({ sessionid: login.cookies.sessionid }))).body.message).toBe('CSRF verification failed. CSRF cookie not set.');
    // Django's own csrftoken cookie (set by its login) works with a token for its secret.
    expect((await post({ 'X-CSRFToken': login.cookies.csrftoken }, cookieHeader(login.cookies))).status).toBe(200);
    expect((await post({ 'X-CSRFToken': getCsrfToken(secret) })).body).toEqual({ ok: true, username: 'dana' });
    expect((await post({ 'X-CSRFToken': secret })).status).toBe(200);
    // Origin rules (Django 4.0+).
    expect((await post({ 'X-CSRFToken': secret, Origin: 'http://evil.example' })).body.message).toMatch(/Origin checking failed - http:\/\/evil.example/);
    expect((await post({ 'X-CSRFToken': secret, Origin: 'https://app.trusted.example' })).status).toBe(200);
    // Exempt routes pass; GET is safe.
    expect((await request(t.url).post('/csrf/exempt').send({})).status).toBe(200);
  });

  it('rotates the token on login', async () => {
    const t = apps.cookie;
    const secret = getNewCsrfSecret();
    const res = await request(t.url).post('/csrf/login').set('Cookie', `csrftoken=${secret}`).set('X-CSRFToken', getCsrfToken(secret)).send({ username: 'dana', password: 'dana-pw' });
    expect(res.status).toBe(200);
    const cookies = cookiesFrom(res.headers['set-cookie']);
    expect(cookies.sessionid).toMatch(/^[a-z0-9]{32}$/);
    expect(cookies.csrftoken).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(cookies.csrftoken).not.toBe(secret);
    expect(django.whoami({ sessionid: cookies.sessionid }).username).toBe('dana');
    expect((await request(t.url).post('/csrf/login').send({ username: 'dana', password: 'dana-pw' })).status).toBe(403);
  });

  it('keeps the secret in the session with CSRF_USE_SESSIONS', async () => {
    const t = apps.sessions;
    const login = django.login('dana', 'dana-pw');
    const first = await request(t.url).get('/csrf').set('Cookie', cookieHeader(login.cookies));
    expect(cookiesFrom(first.headers['set-cookie']).csrftoken).toBeUndefined();
    const stored = django.decodeSession(login.cookies.sessionid)._csrftoken as string;
    expect(csrfSecretFromCookie(stored)).not.toBeNull();
    const ok = await request(t.url).post('/csrf/post').set('Cookie', cookieHeader(login.cookies)).set('X-CSRFToken', first.body.csrfToken).send({});
    expect(ok.status).toBe(200);
    const bad = await request(t.url).post('/csrf/post').set('Cookie', cookieHeader(login.cookies)).set('X-CSRFToken', getCsrfToken(getNewCsrfSecret())).send({});
    expect(bad.status).toBe(403);
  });
});

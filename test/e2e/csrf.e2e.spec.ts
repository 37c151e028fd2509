/**
 * Django's CSRF protection through the Nest guard, on Express and Fastify, cookie and session
 * storage, the bridge configured for the run's Django line (DJANGO_LINE, default 5.2). The cookie
 * form and every refusal reason are those the real Django of that line writes and gives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkCsrfToken, csrfSecretFromCookie, getCsrfToken, getNewCsrfSecret } from '@django-bridge/core';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { startTestApp, type AdapterName, type TestApp } from './support/bridge-test-app.js';
import { atLeast, BRIDGE_VERSION, csrfCookiePattern, djangoCsrfReasons, lineInfo, nestCsrfMessage, type DjangoCsrfReasons } from './support/django-line.js';
import { randomEnvSecret as randomSecret } from '../support/random.js';

const info = lineInfo();
const TRUSTED_ORIGINS = ['https://*.trusted.example'];

/** A Set-Cookie header with its value and date taken out, to compare attributes and their order. */
function cookieShape(header: string | undefined): string | undefined {
  return header?.replace(/^([^=]+)=[^;]*/, '$1=<value>').replace(/expires=[^;]+/, 'expires=<date>');
}

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
  let reasons: DjangoCsrfReasons;
  /** GET /csrf/ on Django: the cookie it sets and its Set-Cookie header. */
  let djangoCsrf: { cookie: string; header: string | undefined };
  const apps: Record<string, TestApp> = {};

  beforeAll(async () => {
    django = DjangoProject.throwaway('sqlite', { secretKey, csrfTrustedOrigins: TRUSTED_ORIGINS });
    const [, , fromDjango] = django.batch([c.migrate(), c.createUser({ username: 'dana', password: 'dana-pw' }), c.csrfToken()]);
    djangoCsrf = { cookie: fromDjango.cookies.csrftoken, header: fromDjango.setCookie.find((h) => h.startsWith('csrftoken=')) };
    reasons = djangoCsrfReasons(django);
    apps.cookie = await startTestApp(adapter, django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, csrfTrustedOrigins: TRUSTED_ORIGINS });
    apps.sessions = await startTestApp(adapter, django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, csrfUseSessions: true });
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
    django?.dropDatabase();
  });

  it("hands out masked tokens and the cookie this Django writes (64-char masked before 4.1, the 32-char secret after)", async () => {
    expect(djangoCsrf.cookie).toMatch(csrfCookiePattern(info));
    const res = await request(apps.cookie.url).get('/csrf');
    const cookie = cookiesFrom(res.headers['set-cookie']).csrftoken;
    expect(cookie).toMatch(csrfCookiePattern(info));
    const header = (res.headers['set-cookie'] as unknown as string[]).find((h) => h.startsWith('csrftoken='));
    expect(header).toMatch(/^csrftoken=\w+; expires=.*; Max-Age=31449600; Path=\/; SameSite=Lax$/);
    // Attribute for attribute, in Django's order.
    expect(cookieShape(header)).toBe(cookieShape(djangoCsrf.header));
    expect(res.body.csrfToken).toMatch(/^[a-zA-Z0-9]{64}$/);
    expect(checkCsrfToken(cookie, res.body.csrfToken)).toBe(true);
    // Each side's cookie and token pass the other's check.
    expect(django.csrfPost({ csrftoken: cookie }, { token: res.body.csrfToken }).status).toBe(200);
    const login = django.login('dana', 'dana-pw');
    expect((await request(apps.cookie.url).post('/csrf/post').set('Cookie', cookieHeader({ ...login.cookies, csrftoken: djangoCsrf.cookie })).set('X-CSRFToken', getCsrfToken(csrfSecretFromCookie(djangoCsrf.cookie)!)).send({})).status).toBe(200);
  });

  it('takes csrfmiddlewaretoken from form bodies only, as Django reads it from request.POST', async () => {
    const login = django.login('dana', 'dana-pw');
    const secret = getNewCsrfSecret();
    const cookie = cookieHeader({ ...login.cookies, csrftoken: secret });
    const token = getCsrfToken(secret);
    const json = await request(apps.cookie.url).post('/csrf/post').set('Cookie', cookie).send({ csrfmiddlewaretoken: token });
    expect(json.status).toBe(403);
    expect(json.body.message).toBe(nestCsrfMessage(reasons.missing));
    const form = await request(apps.cookie.url).post('/csrf/post').set('Cookie', cookie).type('form').send({ csrfmiddlewaretoken: token });
    expect(form.status).toBe(200);
  });

  it('guards unsafe methods: 403 with Django\'s reason, 200 with a matching token', async () => {
    const t = apps.cookie;
    const login = django.login('dana', 'dana-pw');
    const secret = getNewCsrfSecret();
    const cookies = cookieHeader({ ...login.cookies, csrftoken: secret });
    const post = (headers: Record<string, string>, cookie = cookies) => request(t.url).post('/csrf/post').set('Cookie', cookie).set(headers).send({});
    expect((await post({})).body.message).toBe(nestCsrfMessage(reasons.missing));
    // Django names the header as HttpHeaders.parse_header_name does: 'X-Csrftoken' (4.0+; 3.2 has one reason for all).
    expect((await post({ 'X-CSRFToken': 'short' })).body.message).toBe(nestCsrfMessage(reasons.headerBadLength));
    const wrong = await post({ 'X-CSRFToken': getCsrfToken(getNewCsrfSecret()) });
    expect([wrong.status, wrong.body.message]).toEqual([403, nestCsrfMessage(reasons.headerIncorrect)]);
    const wrongForm = await request(t.url).post('/csrf/post').set('Cookie', cookies).type('form').send({ csrfmiddlewaretoken: getCsrfToken(getNewCsrfSecret()) });
    expect([wrongForm.status, wrongForm.body.message]).toEqual([403, nestCsrfMessage(reasons.formIncorrect)]);
    expect((await post({ 'X-CSRFToken': getCsrfToken(secret) }, cookieHeader({ sessionid: login.cookies.sessionid }))).body.message).toBe(nestCsrfMessage(reasons.noCookie));
    // Django's own csrftoken cookie (set by its login) works with a token for its secret.
    expect((await post({ 'X-CSRFToken': login.cookies.csrftoken }, cookieHeader(login.cookies))).status).toBe(200);
    expect((await post({ 'X-CSRFToken': getCsrfToken(secret) })).body).toEqual({ ok: true, username: 'dana' });
    expect((await post({ 'X-CSRFToken': secret })).status).toBe(200);
    // Origin rules: Django's own reason on 4.0+. The bridge applies them on every line (README);
    // Django 3.2 checked no Origin at all, so it lets this one through.
    const evil = { 'X-CSRFToken': secret, Origin: 'http://evil.example' };
    const [djangoEvil, djangoTrusted] = django.batch([c.csrfPost({ csrftoken: secret }, { headers: evil }), c.csrfPost({ csrftoken: secret }, { token: secret, headers: { Origin: 'https://app.trusted.example' } })]);
    const originReason = 'Origin checking failed - http://evil.example does not match any trusted origins.';
    expect((await post(evil)).body.message).toBe(nestCsrfMessage(originReason));
    expect([djangoEvil.status, djangoEvil.status === 403 ? (djangoEvil.body as { reason: string }).reason : null]).toEqual(atLeast(4, 0) ? [403, originReason] : [200, null]);
    expect((await post({ 'X-CSRFToken': secret, Origin: 'https://app.trusted.example' })).status).toBe(200);
    expect(djangoTrusted.status).toBe(200);
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
    expect(cookies.csrftoken).toMatch(csrfCookiePattern(info));
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
    // The session holds what the cookie would: this line's form.
    expect(stored).toMatch(csrfCookiePattern(info));
    expect(csrfSecretFromCookie(stored)).not.toBeNull();
    const ok = await request(t.url).post('/csrf/post').set('Cookie', cookieHeader(login.cookies)).set('X-CSRFToken', first.body.csrfToken).send({});
    expect(ok.status).toBe(200);
    const bad = await request(t.url).post('/csrf/post').set('Cookie', cookieHeader(login.cookies)).set('X-CSRFToken', getCsrfToken(getNewCsrfSecret())).send({});
    expect(bad.status).toBe(403);
  });
});

/**
 * DjangoCsrfGuard and DjangoCsrfService basics through a real Nest app (Express and Fastify) over
 * in-memory stores: the token and cookie get_token hands out, CsrfViewMiddleware's refusals with
 * Django's reasons, form and header tokens, Origin checks, @CsrfExempt(), a custom header name and
 * CSRF_USE_SESSIONS. The e2e suite checks every reason and cookie byte against a running Django.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkCsrfToken, CSRF_SESSION_KEY, getCsrfToken, getNewCsrfSecret, REASON_BAD_ORIGIN, REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE } from '@django-bridge/core';
import { cookieValue, loginCookie, setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';

const refused = (reason: string) => ({ statusCode: 403, message: `CSRF verification failed. ${reason}`, error: 'Forbidden' });

describe.each(['express', 'fastify'] as AdapterName[])('CSRF through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  let t: MemoryBridgeApp;
  let sessions: MemoryBridgeApp;
  let header: MemoryBridgeApp;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ adapter, secretKey, options: { csrfTrustedOrigins: ['https://*.trusted.example'] } });
    sessions = await startMemoryBridgeApp({ adapter, secretKey, options: { csrfUseSessions: true } });
    header = await startMemoryBridgeApp({ adapter, secretKey, options: { csrfHeaderName: 'X-XSRF-TOKEN' } });
    await sessions.users.addUser({ username: 'dana', password: 'dana-pw' });
  });
  afterAll(async () => {
    for (const app of [t, sessions, header]) await app?.close();
  });

  const post = (app: MemoryBridgeApp, cookie: string, headers: Record<string, string> = {}) => app.http().post('/csrf/post').set('Cookie', cookie).set(headers).send({});

  it('get_token: a masked 64-character token for the secret in the csrftoken cookie', async () => {
    const res = await t.http().get('/csrf');
    const cookieHeader = setCookies(res).csrftoken;
    expect(cookieHeader).toMatch(/^csrftoken=[a-zA-Z0-9]{32}; expires=[^;]+; Max-Age=31449600; Path=\/; SameSite=Lax$/);
    expect(res.headers.vary).toBe('Cookie');
    expect(res.body.csrfToken).toMatch(/^[a-zA-Z0-9]{64}$/);
    const secret = cookieValue(cookieHeader)!;
    expect(checkCsrfToken(secret, res.body.csrfToken)).toBe(true);
    // The same secret again when the request brings it: a new mask, no new cookie.
    const again = await t.http().get('/csrf').set('Cookie', `csrftoken=${secret}`);
    expect(again.body.csrfToken).not.toBe(res.body.csrfToken);
    expect(checkCsrfToken(secret, again.body.csrfToken)).toBe(true);
    expect(cookieValue(setCookies(again).csrftoken)).toBe(secret);
  });

  it("refuses unsafe requests without a cookie or a token, with Django's reasons", async () => {
    expect((await post(t, '')).body).toEqual(refused(REASON_NO_CSRF_COOKIE));
    const secret = getNewCsrfSecret();
    expect((await post(t, `csrftoken=${secret}`)).body).toEqual(refused(REASON_CSRF_TOKEN_MISSING));
    const wrong = await post(t, `csrftoken=${secret}`, { 'X-CSRFToken': getCsrfToken(getNewCsrfSecret()) });
    expect([wrong.status, wrong.body.message]).toEqual([403, expect.stringMatching(/^CSRF verification failed\. CSRF token from the 'X-Csrftoken' HTTP header incorrect\.$/)]);
    expect((await post(t, `csrftoken=${secret}`, { 'X-CSRFToken': 'short' })).status).toBe(403);
  });

  it('accepts a masked token or the bare secret in the header, and a form field, but not a JSON field', async () => {
    const secret = getNewCsrfSecret();
    const cookie = `csrftoken=${secret}`;
    expect((await post(t, cookie, { 'X-CSRFToken': getCsrfToken(secret) })).body).toEqual({ ok: true });
    expect((await post(t, cookie, { 'X-CSRFToken': secret })).status).toBe(200);
    const form = await t.http().post('/csrf/post').set('Cookie', cookie).type('form').send({ csrfmiddlewaretoken: getCsrfToken(secret) });
    expect(form.status).toBe(200);
    const json = await t.http().post('/csrf/post').set('Cookie', cookie).send({ csrfmiddlewaretoken: getCsrfToken(secret) });
    expect(json.body).toEqual(refused(REASON_CSRF_TOKEN_MISSING));
  });

  it('checks the Origin: this site and CSRF_TRUSTED_ORIGINS pass, any other is refused', async () => {
    const secret = getNewCsrfSecret();
    const ok = { 'X-CSRFToken': secret };
    const cookie = `csrftoken=${secret}`;
    expect((await post(t, cookie, { ...ok, Origin: 'http://evil.example' })).body).toEqual(refused(REASON_BAD_ORIGIN('http://evil.example')));
    expect((await post(t, cookie, { ...ok, Origin: 'https://app.trusted.example' })).status).toBe(200);
    expect((await post(t, cookie, { ...ok, Host: 'site.example', Origin: 'http://site.example' })).status).toBe(200);
    expect((await post(t, cookie, { ...ok, Host: 'site.example', Origin: 'https://site.example' })).status).toBe(403);
  });

  it('lets safe methods and @CsrfExempt() routes through', async () => {
    expect((await t.http().get('/csrf/get')).status).toBe(200);
    expect((await t.http().post('/csrf/exempt').send({})).status).toBe(200);
  });

  it('CSRF_HEADER_NAME: the token is read from the configured header only', async () => {
    const secret = getNewCsrfSecret();
    expect((await post(header, `csrftoken=${secret}`, { 'X-XSRF-TOKEN': getCsrfToken(secret) })).status).toBe(200);
    expect((await post(header, `csrftoken=${secret}`, { 'X-CSRFToken': getCsrfToken(secret) })).body).toEqual(refused(REASON_CSRF_TOKEN_MISSING));
  });

  it('CSRF_USE_SESSIONS: the secret lives in the session, no csrftoken cookie is written or read', async () => {
    const cookie = await loginCookie(sessions, 'dana', 'dana-pw');
    const first = await sessions.http().get('/csrf').set('Cookie', cookie);
    expect(setCookies(first).csrftoken).toBeUndefined();
    const stored = (await sessions.sessions.load(cookieValue(cookie)!))![CSRF_SESSION_KEY] as string;
    expect(stored).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(checkCsrfToken(stored, first.body.csrfToken)).toBe(true);
    expect((await post(sessions, cookie, { 'X-CSRFToken': first.body.csrfToken })).status).toBe(200);
    // A cookie secret means nothing here.
    const planted = getNewCsrfSecret();
    expect((await post(sessions, `${cookie}; csrftoken=${planted}`, { 'X-CSRFToken': getCsrfToken(planted) })).status).toBe(403);
    expect((await post(sessions, '', { 'X-CSRFToken': first.body.csrfToken })).body).toEqual(refused(REASON_NO_CSRF_COOKIE));
  });
});

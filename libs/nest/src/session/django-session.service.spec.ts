/**
 * DjangoSessionService.commit is Django's SessionMiddleware.process_response: what is saved when,
 * and the Set-Cookie and Vary headers it writes, through a real Nest app on Express and Fastify
 * over an in-memory engine. The header texts are Django's (SimpleCookie order: Domain, expires,
 * HttpOnly, Max-Age, Path, SameSite, Secure), as the e2e suites check against a running Django.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cookieValue, plantSession, setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { RecordingSessionBackend } from '../../../../test/support/recording-session-backend.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import type { DjangoBridgeOptions } from '../django-bridge.options.js';

const DELETED = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';

/** A Set-Cookie header with its value and date replaced, to compare the attributes and their order. */
function shape(header: string | undefined): string | undefined {
  return header?.replace(/^([^=]+)=[a-z0-9]{32};/, '$1=<key>;').replace(/expires=[^;]+/, 'expires=<date>');
}

/** Seconds from now to a cookie's `expires`. */
function expiresIn(header: string): number {
  return (Date.parse(/expires=([^;]+)/.exec(header)![1]) - Date.now()) / 1000;
}

describe.each(['express', 'fastify'] as AdapterName[])('session middleware through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  const apps: Record<string, MemoryBridgeApp & { engine: RecordingSessionBackend }> = {};
  const start = async (name: string, options: Partial<DjangoBridgeOptions> = {}) => {
    const engine = new RecordingSessionBackend();
    apps[name] = Object.assign(await startMemoryBridgeApp({ adapter, secretKey, sessions: engine, options }), { engine });
  };

  beforeAll(async () => {
    await start('plain');
    await start('custom', { sessionCookieName: 'sid', sessionCookieAge: 600, sessionCookieDomain: '.example.com', sessionCookiePath: '/app', sessionCookieSecure: true, sessionCookieHttpOnly: false, sessionCookieSameSite: 'None' });
    await start('noSameSite', { sessionCookieSameSite: false });
    await start('browserClose', { sessionExpireAtBrowserClose: true });
    await start('everyRequest', { sessionSaveEveryRequest: true, sessionCookieAge: 600 });
    await start('django41', { djangoVersion: '4.1' });
  });
  afterAll(async () => {
    for (const t of Object.values(apps)) await t.close();
  });

  it('reads the store only when the request has a session cookie, once per request', async () => {
    const t = apps.plain;
    t.engine.calls.length = 0;
    const anonymous = await t.http().get('/session/read');
    expect(anonymous.body).toEqual({ key: null, cart: null });
    expect(t.engine.calls).toEqual([]);
    // Read, but nothing to keep: no cookie, and Vary because the response depends on the (absent) cookie.
    expect(setCookies(anonymous)).toEqual({});
    expect(anonymous.headers.vary).toBe('Cookie');
    const key = await plantSession(t.engine.inner, { cart: ['apple'] });
    const res = await t.http().get('/session/read').set('Cookie', `sessionid=${key}`);
    expect(res.body).toEqual({ key, cart: ['apple'] });
    expect(t.engine.calls.map((c) => [c.op, c.key])).toEqual([['load', key]]);
    // Not modified: no Set-Cookie, nothing written.
    expect(setCookies(res)).toEqual({});
    expect(res.headers.vary).toBe('Cookie');
  });

  it('a request that never touches the session leaves the cookie alone and adds no Vary', async () => {
    const t = apps.plain;
    const key = await plantSession(t.engine.inner, { cart: ['apple'] });
    for (const cookie of [`sessionid=${key}`, 'sessionid=stale0000000000000000000000000000', 'sessionid=short']) {
      const res = await t.http().get('/open').set('Cookie', cookie);
      expect([cookie, res.status, setCookies(res), res.headers.vary]).toEqual([cookie, 200, {}, undefined]);
    }
  });

  it('saves a modified session after the handler: a new key for a new session, the same key after', async () => {
    const t = apps.plain;
    t.engine.calls.length = 0;
    const first = await t.http().post('/cart').send({ item: 'apple' });
    expect(first.status).toBe(200);
    const header = setCookies(first).sessionid;
    const key = cookieValue(header)!;
    expect(key).toMatch(/^[a-z0-9]{32}$/);
    expect(first.body).toEqual({ key: null, cart: ['apple'] });
    expect(shape(header)).toBe('sessionid=<key>; expires=<date>; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax');
    expect(Math.abs(expiresIn(header) - 1209600)).toBeLessThan(5);
    expect(first.headers.vary).toBe('Cookie');
    expect(t.engine.calls.map((c) => c.op)).toEqual(['exists', 'create']);
    expect(await t.engine.row(key)).toEqual({ cart: ['apple'] });

    const second = await t.http().post('/cart').set('Cookie', `sessionid=${key}`).send({ item: 'pear' });
    expect(cookieValue(setCookies(second).sessionid)).toBe(key);
    expect(await t.engine.row(key)).toEqual({ cart: ['apple', 'pear'] });
    expect(t.engine.of('update').map((c) => c.key)).toEqual([key]);
  });

  it('never saves after a 500 (and shows nothing of the error), but does after a 4xx', async () => {
    const t = apps.plain;
    const key = await plantSession(t.engine.inner, { cart: ['apple'] });
    const failed = await t.http().post('/cart-then-fail').set('Cookie', `sessionid=${key}`);
    expect(failed.status).toBe(500);
    expect(failed.text).not.toMatch(/boom|secret\.ts|\bat /);
    expect(setCookies(failed)).toEqual({});
    expect(await t.engine.row(key)).toEqual({ cart: ['apple'] });
    const anonymousFail = await t.http().post('/cart-then-fail');
    expect([anonymousFail.status, setCookies(anonymousFail)]).toEqual([500, {}]);

    const notFound = await t.http().post('/cart-then/404').set('Cookie', `sessionid=${key}`);
    expect(notFound.status).toBe(404);
    expect(cookieValue(setCookies(notFound).sessionid)).toBe(key);
    expect(await t.engine.row(key)).toEqual({ cart: ['after 404'] });
  });

  it('other 5xx answers: Django 4.2+ saves after none of them, 3.2 to 4.1 after all but a 500', async () => {
    const key = await plantSession(apps.plain.engine.inner, { cart: ['apple'] });
    for (const status of [502, 504, 599]) {
      const res = await apps.plain.http().post(`/cart-then/${status}`).set('Cookie', `sessionid=${key}`);
      expect([res.status, setCookies(res)]).toEqual([status, {}]);
    }
    expect(await apps.plain.engine.row(key)).toEqual({ cart: ['apple'] });
    const old = apps.django41;
    const oldKey = await plantSession(old.engine.inner, { cart: ['apple'] });
    const res = await old.http().post('/cart-then/502').set('Cookie', `sessionid=${oldKey}`);
    expect([res.status, cookieValue(setCookies(res).sessionid)]).toEqual([502, oldKey]);
    expect(await old.engine.row(oldKey)).toEqual({ cart: ['after 502'] });
  });

  it('writes the configured cookie attributes, and deletes with the same domain, path and SameSite', async () => {
    const t = apps.custom;
    const res = await t.http().post('/cart').send({ item: 'apple' });
    const header = setCookies(res).sid;
    expect(shape(header)).toBe('sid=<key>; Domain=.example.com; expires=<date>; Max-Age=600; Path=/app; SameSite=None; Secure');
    expect(Math.abs(expiresIn(header) - 600)).toBeLessThan(5);
    const out = await t.http().post('/flush').set('Cookie', `sid=${cookieValue(header)}`);
    expect(setCookies(out).sid).toBe('sid=""; Domain=.example.com; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/app; SameSite=None; Secure');
    // Another app's default cookie name means nothing here.
    const other = await t.http().get('/session/read').set('Cookie', `sessionid=${cookieValue(header)}`);
    expect(other.body).toEqual({ key: null, cart: null });

    const plain = await apps.noSameSite.http().post('/cart').send({ item: 'apple' });
    expect(shape(setCookies(plain).sessionid)).toBe('sessionid=<key>; expires=<date>; HttpOnly; Max-Age=1209600; Path=/');
  });

  it("takes Max-Age from the session's expiry: seconds, a date, 0 for browser close, null for the policy", async () => {
    const t = apps.plain;
    const post = async (body: object, key?: string) => {
      const res = await t.http().post('/expiry').set('Cookie', key ? `sessionid=${key}` : '').send(body);
      expect(res.status).toBe(200);
      return setCookies(res).sessionid;
    };
    const seconds = await post({ seconds: 300 });
    expect(shape(seconds)).toBe('sessionid=<key>; expires=<date>; HttpOnly; Max-Age=300; Path=/; SameSite=Lax');
    const key = cookieValue(seconds)!;
    expect(t.engine.inner.rows.get(key)!.expireDate.getTime() - Date.now()).toBeGreaterThan(295_000);
    const inAnHour = new Date(Date.now() + 3_600_000);
    const dated = await post({ date: inAnHour.toISOString() }, key);
    // get_expiry_age: whole seconds left until the date.
    expect(Number(/Max-Age=(\d+)/.exec(dated)![1])).toBeGreaterThanOrEqual(3598);
    expect(Number(/Max-Age=(\d+)/.exec(dated)![1])).toBeLessThanOrEqual(3600);
    expect(t.engine.inner.rows.get(key)!.expireDate).toEqual(inAnHour);
    expect(shape(await post({ seconds: 0 }, key))).toBe('sessionid=<key>; HttpOnly; Path=/; SameSite=Lax');
    expect(shape(await post({ reset: true }, key))).toBe('sessionid=<key>; expires=<date>; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax');
  });

  it('SESSION_EXPIRE_AT_BROWSER_CLOSE: no Max-Age unless the session sets its own expiry', async () => {
    const t = apps.browserClose;
    const res = await t.http().post('/cart').send({ item: 'apple' });
    expect(shape(setCookies(res).sessionid)).toBe('sessionid=<key>; HttpOnly; Path=/; SameSite=Lax');
    // The row still expires after SESSION_COOKIE_AGE.
    const key = cookieValue(setCookies(res).sessionid)!;
    expect(Math.abs(t.engine.inner.rows.get(key)!.expireDate.getTime() - Date.now() - 1_209_600_000)).toBeLessThan(5000);
    const own = await t.http().post('/expiry').set('Cookie', `sessionid=${key}`).send({ seconds: 120 });
    expect(shape(setCookies(own).sessionid)).toBe('sessionid=<key>; expires=<date>; HttpOnly; Max-Age=120; Path=/; SameSite=Lax');
  });

  it('deletes the cookie when the session it names is gone or emptied, only if the request used it', async () => {
    const t = apps.plain;
    const stale = await t.http().get('/session/read').set('Cookie', 'sessionid=stale0000000000000000000000000000');
    expect(setCookies(stale).sessionid).toBe(DELETED);
    expect(stale.headers.vary).toBe('Cookie');
    const key = await plantSession(t.engine.inner, { cart: ['apple'] });
    const flushed = await t.http().post('/flush').set('Cookie', `sessionid=${key}`);
    expect(setCookies(flushed).sessionid).toBe(DELETED);
    expect(await t.engine.row(key)).toBeNull();
    // Flushing with no cookie has no cookie to delete, and saves nothing.
    t.engine.calls.length = 0;
    const anonymous = await t.http().post('/flush');
    expect([setCookies(anonymous), t.engine.calls.filter((c) => c.op !== 'delete')]).toEqual([{}, []]);
  });

  it('SESSION_SAVE_EVERY_REQUEST: every request with a live session saves it once and refreshes the cookie', async () => {
    const t = apps.everyRequest;
    const key = await plantSession(t.engine.inner, { cart: ['apple'] }, 60);
    t.engine.calls.length = 0;
    // Even a request that never reads the session (Django saves a session it never loaded).
    for (const path of ['/open', '/session/read']) {
      const res = await t.http().get(path).set('Cookie', `sessionid=${key}`);
      expect(shape(setCookies(res).sessionid)).toBe('sessionid=<key>; expires=<date>; HttpOnly; Max-Age=600; Path=/; SameSite=Lax');
      expect(cookieValue(setCookies(res).sessionid)).toBe(key);
      // A response that sets the session cookie varies on Cookie even when the session was never read
      // (CVE-2026-35192, fixed in Django 5.2.14 and 6.0.5): a shared cache must not hand it to others.
      expect([path, res.headers.vary]).toEqual([path, 'Cookie']);
    }
    expect(t.engine.of('update').length).toBe(2);
    // The row slid forward to SESSION_COOKIE_AGE from now.
    expect(Math.abs(t.engine.inner.rows.get(key)!.expireDate.getTime() - Date.now() - 600_000)).toBeLessThan(5000);
    expect(await t.engine.row(key)).toEqual({ cart: ['apple'] });
    // An anonymous request has nothing to save; a 500 saves nothing.
    t.engine.calls.length = 0;
    expect(setCookies(await t.http().get('/open'))).toEqual({});
    const failed = await t.http().post('/cart-then-fail').set('Cookie', `sessionid=${key}`);
    expect([failed.status, setCookies(failed)]).toEqual([500, {}]);
    expect(t.engine.calls.map((c) => c.op)).toEqual(['load']);
  });
});

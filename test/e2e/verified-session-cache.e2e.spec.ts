/**
 * verifiedSessionCache against a real Django on MariaDB (the run's line): what Django does to a
 * session the bridge trusts from its cache (logout, password change, deactivation) is honoured
 * within the TTL, and a logout through the bridge at once, also for a session Django made.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';
import { BRIDGE_VERSION } from './support/django-line.js';
import { randomEnvSecret } from '../support/random.js';

// Longer than one Django call (a Python start-up), so the cached answer is seen before it ages out.
const TTL = 4000;

describe('verifiedSessionCache with Django on MariaDB', () => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  let t: TestApp;
  const me = (cookie: string) => request(t.url).get('/me').set('Cookie', cookie);

  beforeAll(async () => {
    django = DjangoProject.throwaway('mysql', { secretKey });
    django.batch([c.migrate(), ...['ann', 'ben', 'cat', 'dan'].map((u) => c.createUser({ username: u, password: `${u}-pw` }))]);
    t = await startTestApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, verifiedSessionCache: { ttl: TTL, maxEntries: 100 } });
  });
  afterAll(async () => {
    await t?.close();
    django?.dropDatabase();
  });

  /** Polls /me until it stops answering 200; when that was. */
  async function refusedAt(cookie: string, started: number): Promise<number> {
    for (;;) {
      const res = await me(cookie);
      if (res.status !== 200) {
        expect(res.status).toBe(401);
        return Date.now();
      }
      if (Date.now() - started > TTL * 3) throw new Error('still accepted three TTLs after the change');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it.each([
    ['a logout in Django', 'ann', (cookies: Record<string, string>) => void django.logout(cookies)],
    ['a password change in Django', 'ben', () => void django.setPassword('ben', 'ben-new-pw')],
    ['a deactivation in Django', 'cat', () => void django.setActive('cat', false)],
  ])('%s is honoured no later than the TTL', async (_, username, change) => {
    const login = django.login(username, `${username}-pw`);
    const cookie = cookieHeader(login.cookies);
    const verifiedAt = Date.now();
    expect((await me(cookie)).status).toBe(200); // verified: now cached
    change(login.cookies);
    // Still trusted from the cache (stale, within the bound), then refused once the TTL since the verification passed.
    expect((await me(cookie)).status).toBe(200);
    expect((await refusedAt(cookie, verifiedAt)) - verifiedAt).toBeLessThanOrEqual(TTL + 250);
  });

  it('a logout through the bridge is honoured at once, in Nest and in Django', async () => {
    const login = django.login('dan', 'dan-pw');
    const cookie = cookieHeader(login.cookies);
    expect((await me(cookie)).status).toBe(200);
    expect((await me(cookie)).status).toBe(200);
    expect((await request(t.url).post('/logout').set('Cookie', cookie).send({})).status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect(django.whoami(login.cookies).authenticated).toBe(false);
  });
});

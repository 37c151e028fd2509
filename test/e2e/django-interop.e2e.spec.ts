/**
 * The bridge against a real Django of the run's line (DJANGO_LINE, default 5.2) sharing one
 * database, on SQLite, MariaDB and PostgreSQL, through Express and Fastify, the bridge configured
 * for that line: sessions made by Django work in Nest and the reverse, password changes and
 * deactivation end sessions, rotation with fallback keys (4.1+), permissions equal Django's, and
 * bad input never gets a 500 or a login.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeSessionData, sessionAuthHash } from '@django-bridge/core';
import { resolveBridgeOptions } from '@django-bridge/nest';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { startTestApp, type AdapterName, type TestApp } from './support/bridge-test-app.js';
import { BRIDGE_VERSION, LINE, lineInfo } from './support/django-line.js';
import { randomEnvSecret as randomSecret, randomToken } from '../support/random.js';

const ENGINES: DjangoEngine[] = ['sqlite', 'mysql', 'postgres'];
const ADAPTERS: AdapterName[] = ['express', 'fastify'];
const info = lineInfo();

function sessionCookieFrom(setCookie: string[] | string | undefined, name = 'sessionid'): { value: string; header: string } | null {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const header = list.find((c) => c.startsWith(`${name}=`));
  if (!header) return null;
  return { value: header.slice(name.length + 1, header.indexOf(';')), header };
}

describe.each(ENGINES)('on %s', (engine) => {
  const secretKey = randomSecret();
  let django: DjangoProject;

  beforeAll(() => {
    django = DjangoProject.throwaway(engine, { secretKey });
    // One Python start-up for the schema and the users.
    django.batch([
      c.migrate(),
      c.createGroup('secret-agents', ['notes.delete_note']),
      c.createUser({ username: 'alice', password: 'alice-pw-ü', email: 'a@example.com', isStaff: true, groups: ['secret-agents'], permissions: ['notes.add_note', 'auth.view_user'] }),
      c.createUser({ username: 'bob', password: 'bob-pw' }),
      c.createUser({ username: 'root', password: 'root-pw', isStaff: true, isSuperuser: true }),
      c.createUser({ username: 'sleepy', password: 'sleepy-pw', isActive: false }),
    ]);
  });

  afterAll(() => {
    django?.dropDatabase();
  });

  describe.each(ADAPTERS)('through %s', (adapter) => {
    let t: TestApp;
    const get = (path: string, cookie?: string) => request(t.url).get(path).set('Cookie', cookie ?? '');
    const post = (path: string, body: object, cookie?: string) => request(t.url).post(path).set('Cookie', cookie ?? '').send(body);

    beforeAll(async () => {
      t = await startTestApp(adapter, django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('accepts a session made by Django, with Django\'s permissions and groups', async () => {
      const login = django.login('alice', 'alice-pw-ü');
      expect(login.status).toBe(200);
      const res = await get('/me', cookieHeader(login.cookies));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ username: 'alice', isStaff: true, isSuperuser: false, groups: ['secret-agents'] });
      expect(res.body.permissions).toEqual(django.permissions('alice'));
      const root = django.login('root', 'root-pw');
      const rootRes = await get('/me', cookieHeader(root.cookies));
      expect(rootRes.body.permissions).toEqual(django.permissions('root'));
      expect((await get('/passport/me', cookieHeader(login.cookies))).body).toMatchObject({ username: 'alice' });
    });

    it('a returned user carries no password hash, and its dates are Dates on every database', async () => {
      const login = django.login('alice', 'alice-pw-ü');
      const res = await get('/me/raw', cookieHeader(login.cookies));
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/password|pbkdf2/);
      const row = django.getUser('alice');
      expect(res.body).toEqual({
        id: row.id,
        username: 'alice',
        isActive: true,
        isStaff: true,
        isSuperuser: false,
        lastLogin: new Date(row.last_login!).toISOString(),
        fields: { first_name: '', last_name: '', email: 'a@example.com', date_joined: new Date(row.date_joined).toISOString() },
      });
    });

    it('logs in so that Django accepts the session and the hash, and logs out for Django too', async () => {
      const res = await post('/login', { username: 'bob', password: 'bob-pw' });
      expect(res.status).toBe(200);
      // The login left Django's hash as it was (passwordUpgrade 'django'), and Django would not rewrite it.
      expect(django.checkPassword('bob', 'bob-pw')).toMatchObject({ ok: true, algorithm: info.password_hashers[0], must_update: false });
      const cookie = sessionCookieFrom(res.headers['set-cookie']);
      expect(cookie?.value).toMatch(/^[a-z0-9]{32}$/);
      expect(cookie?.header).toMatch(/; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
      const who = django.whoami({ sessionid: cookie!.value });
      expect(who).toMatchObject({ authenticated: true, username: 'bob', session_exists: true });
      expect(django.decodeSession(cookie!.value)).toMatchObject({ _auth_user_id: String(who.id), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
      expect(django.getUser('bob').last_login).not.toBeNull();

      const out = await post('/logout', {}, `sessionid=${cookie!.value}`);
      expect(out.status).toBe(200);
      expect(sessionCookieFrom(out.headers['set-cookie'])?.header).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');
      expect(django.whoami({ sessionid: cookie!.value })).toMatchObject({ authenticated: false, session_exists: false });
    });

    it('Nest logs out a session Django made; Django logout ends the Nest session', async () => {
      const a = django.login('bob', 'bob-pw');
      expect((await post('/logout', {}, cookieHeader(a.cookies))).status).toBe(200);
      expect(django.whoami(a.cookies).authenticated).toBe(false);
      const b = django.login('bob', 'bob-pw');
      expect((await get('/me', cookieHeader(b.cookies))).status).toBe(200);
      django.logout(b.cookies);
      expect((await get('/me', cookieHeader(b.cookies))).status).toBe(401);
    });

    it('refuses wrong, unknown and inactive logins alike', async () => {
      for (const body of [{ username: 'bob', password: 'nope' }, { username: 'nobody', password: 'x' }, { username: 'sleepy', password: 'sleepy-pw' }, { username: ['bob'], password: 'bob-pw' }, {}]) {
        const res = await post('/login', body);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ statusCode: 401, message: 'Invalid credentials', error: 'Unauthorized' });
      }
      expect((await post('/passport/login', { username: 'bob', password: 'nope' })).status).toBe(401);
      const ok = await post('/passport/login', { username: 'bob', password: 'bob-pw' });
      expect(ok.status).toBe(200);
      expect(django.whoami({ sessionid: sessionCookieFrom(ok.headers['set-cookie'])!.value }).username).toBe('bob');
    });

    it('a password change or deactivation in Django ends the Nest session (and flushes it)', async () => {
      django.createUser({ username: `carol-${adapter}`, password: 'carol-pw' });
      const login = django.login(`carol-${adapter}`, 'carol-pw');
      expect((await get('/me', cookieHeader(login.cookies))).status).toBe(200);
      django.setPassword(`carol-${adapter}`, 'changed-pw');
      const res = await get('/me', cookieHeader(login.cookies));
      expect(res.status).toBe(401);
      expect(django.sessionRow(login.cookies.sessionid)).toBeNull();

      const again = django.login(`carol-${adapter}`, 'changed-pw');
      django.setActive(`carol-${adapter}`, false);
      expect((await get('/me', cookieHeader(again.cookies))).status).toBe(401);
      django.setActive(`carol-${adapter}`, true);
      django.deleteUser(`carol-${adapter}`);
      expect((await get('/me', cookieHeader(again.cookies))).status).toBe(401);
    });

    it('answers 403 to authenticated users who lack what the route requires', async () => {
      const bob = cookieHeader(django.login('bob', 'bob-pw').cookies);
      const alice = cookieHeader(django.login('alice', 'alice-pw-ü').cookies);
      const root = cookieHeader(django.login('root', 'root-pw').cookies);
      for (const [path, who, status] of [
        ['/can-add-note', bob, 403], ['/can-add-note', alice, 200], ['/can-add-note', root, 200],
        ['/agents', bob, 403], ['/agents', alice, 200],
        ['/staff', bob, 403], ['/staff', alice, 200],
        ['/superuser', alice, 403], ['/superuser', root, 200],
        ['/can-add-note', '', 401], ['/maybe', '', 200],
      ] as const) {
        expect([path, who.slice(0, 12), (await get(path, who)).status]).toEqual([path, who.slice(0, 12), status]);
      }
      expect((await get('/maybe', bob)).body.user).toMatchObject({ username: 'bob' });
      // The request's session, as handlers see it.
      expect((await get('/session-keys', bob)).body.keys).toEqual(['_auth_user_backend', '_auth_user_hash', '_auth_user_id']);
      expect((await get('/session-keys')).body).toEqual({ key: null, keys: [] });
    });

    it('saves modified sessions like SessionMiddleware, but never after a 500', async () => {
      const login = django.login('bob', 'bob-pw');
      const res = await post('/cart', { item: 'apple' }, cookieHeader(login.cookies));
      expect(res.status).toBe(200);
      expect(sessionCookieFrom(res.headers['set-cookie'])?.value).toBe(login.cookies.sessionid);
      expect(res.headers.vary).toMatch(/Cookie/);
      expect(django.decodeSession(login.cookies.sessionid).cart).toEqual(['apple']);
      const failed = await post('/cart-then-fail', {}, cookieHeader(login.cookies));
      expect(failed.status).toBe(500);
      expect(failed.text).not.toMatch(/boom|at .*\.ts/);
      expect(django.decodeSession(login.cookies.sessionid).cart).toEqual(['apple']);
      expect(django.whoami(login.cookies).username).toBe('bob');
    });

    it('HTTP Basic against Django users', async () => {
      expect((await get('/basic').auth('alice', 'alice-pw-ü')).body).toMatchObject({ username: 'alice' });
      expect((await get('/basic').auth('alice', 'wrong')).status).toBe(401);
      expect((await get('/basic').auth('sleepy', 'sleepy-pw')).status).toBe(401);
      expect((await get('/basic').set('Authorization', 'Basic !!!')).status).toBe(401);
      // groups_for_user-style checks on top of Basic.
      expect((await get('/basic/agents').auth('alice', 'alice-pw-ü')).body).toEqual({ username: 'alice' });
      expect((await get('/basic/agents').auth('bob', 'bob-pw')).status).toBe(403);
      expect((await get('/basic/agents').auth('bob', 'nope')).status).toBe(401);
    });

    it('never lets bad cookies in, and never answers 500', async () => {
      const login = django.login('bob', 'bob-pw');
      const key = login.cookies.sessionid;
      const row = django.sessionRow(key)!;
      const forged = (data: Record<string, unknown>, secret = secretKey) => {
        const k = `forged${randomToken(26).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
        const expire = new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
        django.sql('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)', [k, encodeSessionData(data, { secretKey: secret }), expire]);
        return k;
      };
      const bobHash = sessionAuthHash(django.getUser('bob').password, secretKey);
      const bobId = String(django.getUser('bob').id);
      const cases = [
        key.slice(0, 7), key.slice(0, -1), key + 'x', 'x'.repeat(5000), "' OR '1'='1", 'abc"; DROP TABLE django_session; --', '%00%00%00%00%00%00%00%00', '../../../../etc/passwd',
        forged({ _auth_user_id: bobId, _auth_user_backend: 'evil.Backend', _auth_user_hash: bobHash }),
        forged({ _auth_user_id: bobId, _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: bobHash }, 'wrong-secret'),
        forged({ _auth_user_id: bobId, _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'f'.repeat(64) }),
        forged({ _auth_user_id: 'not-a-number', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: bobHash }),
        forged({ _auth_user_id: ['1'], _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: bobHash }),
      ];
      for (const value of cases) {
        const res = await get('/me', `sessionid=${value}`);
        expect([value.slice(0, 20), res.status]).toEqual([value.slice(0, 20), 401]);
      }
      // A tampered row (Django's own data, altered) and an expired one.
      django.sql('UPDATE django_session SET session_data = %s WHERE session_key = %s', [row.session_data.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), key]);
      expect((await get('/me', cookieHeader(login.cookies))).status).toBe(401);
      const fresh = django.login('bob', 'bob-pw');
      django.sql('UPDATE django_session SET expire_date = %s WHERE session_key = %s', ['2000-01-01 00:00:00', fresh.cookies.sessionid]);
      expect((await get('/me', cookieHeader(fresh.cookies))).status).toBe(401);
      // A forged row with the right secret and hash is exactly what Django itself would accept.
      expect((await get('/me', `sessionid=${forged({ _auth_user_id: bobId, _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: bobHash })}`)).status).toBe(200);
    });

    it('answers 503 while the database is down and recovers', async () => {
      const login = django.login('bob', 'bob-pw');
      await t.dataSource.destroy();
      for (const path of ['/me', '/maybe']) {
        const res = await get(path, cookieHeader(login.cookies));
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ statusCode: 503, message: 'Session store unavailable; try again later', error: 'Service Unavailable' });
      }
      const loginDown = await post('/login', { username: 'bob', password: 'bob-pw' });
      expect(loginDown.status).toBe(503);
      await t.dataSource.initialize();
      expect((await get('/me', cookieHeader(login.cookies))).status).toBe(200);
    });
  });

  if (info.features.secret_key_fallbacks) {
    it('keeps sessions working across SECRET_KEY rotation through fallback keys', async () => {
      const login = django.login('bob', 'bob-pw');
      const newKey = randomSecret();
      const t = await startTestApp('express', django.connection(), { secretKey: newKey, secretKeyFallbacks: [secretKey], djangoVersion: BRIDGE_VERSION });
      try {
        const res = await request(t.url).get('/me').set('Cookie', cookieHeader(login.cookies));
        expect(res.status).toBe(200);
        // Django 4.1.8+ re-keys the session and stores the hash under the new key.
        const rekeyed = sessionCookieFrom(res.headers['set-cookie']);
        expect(rekeyed?.value).toMatch(/^[a-z0-9]{32}$/);
        expect(rekeyed?.value).not.toBe(login.cookies.sessionid);
        const rotated = new DjangoProject({ ...django.env, secretKey: newKey });
        expect(rotated.whoami({ sessionid: rekeyed!.value })).toMatchObject({ authenticated: true, username: 'bob' });
        // Django itself, rotated the same way, accepts an old-key session too.
        const rotatedWithFallback = new DjangoProject({ ...django.env, secretKey: newKey, secretKeyFallbacks: [secretKey] });
        expect(rotatedWithFallback.whoami(django.login('bob', 'bob-pw').cookies)).toMatchObject({ authenticated: true, username: 'bob' });
        // Without the fallback, the old session is refused.
        const strict = await startTestApp('express', django.connection(), { secretKey: newKey, djangoVersion: BRIDGE_VERSION });
        try {
          expect((await request(strict.url).get('/me').set('Cookie', cookieHeader(django.login('bob', 'bob-pw').cookies))).status).toBe(401);
        } finally {
          await strict.close();
        }
      } finally {
        await t.close();
      }
    });
  } else {
    // Django 3.2 has no SECRET_KEY_FALLBACKS: there is no rotation to share, and both sides refuse the setting.
    it(`SECRET_KEY_FALLBACKS: Django ${LINE} has none, and both sides refuse it`, () => {
      expect(() => resolveBridgeOptions({ secretKey: randomSecret(), secretKeyFallbacks: [secretKey], djangoVersion: BRIDGE_VERSION, dataSource: {} as never })).toThrow(new RegExp(`secretKeyFallbacks" is not supported by Django ${LINE.replace('.', '\\.')}`));
      expect(() => new DjangoProject({ ...django.env, secretKeyFallbacks: [secretKey] }).whoami({})).toThrow(/NotSupportedByThisDjango: .*SECRET_KEY_FALLBACKS exists from Django 4\.1 on/);
    });
  }
});

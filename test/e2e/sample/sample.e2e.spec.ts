import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basic, cookieHeader, SAMPLE_ADAPTERS, setCookies, startSample, startSampleAgain, type SampleAdapter, type SampleEngine, type SampleHarness } from './sample-harness.js';
import { loadSampleConfig } from '../../../apps/sample/src/config/sample.config.js';
import { djangoCalls as c, DjangoProject } from '../../django/django-project.js';
import { BRIDGE_VERSION, csrfCookiePattern, LINE, lineInfo } from '../support/django-line.js';

const PASSWORD = 'correct horse battery staple';
const info = lineInfo();
const ENGINES_AND_ADAPTERS = SAMPLE_ADAPTERS.flatMap((adapter) => (['sqlite', 'mysql'] as const).map((engine): [SampleEngine, SampleAdapter] => [engine, adapter]));

/**
 * The sample's HTTP contract (README), over real HTTP, on SQLite (schema created by the sample) and
 * on MariaDB (schema created by Django's migrate), with a real Django of the run's line
 * (DJANGO_LINE, default 5.2) on the same Django database, the sample's DJANGO_VERSION naming that
 * line; on Express and on Fastify, with the same answers.
 */
describe.each(ENGINES_AND_ADAPTERS)('sample app on %s, %s', (engine, adapter) => {
  let h: SampleHarness;
  const cookieName = 'sessionid';

  beforeAll(async () => {
    h = await startSample(engine, {}, adapter);
    h.django.batch([
      c.createGroup('editors', ['notes.add_note', 'notes.delete_note']),
      c.createGroup('secret-agents'),
      c.createUser({ username: 'agent', password: PASSWORD, email: 'agent@example.com', isStaff: true, groups: ['editors', 'secret-agents'] }),
      c.createUser({ username: 'plain', password: PASSWORD, email: 'plain@example.com' }),
      c.createUser({ username: 'gone', password: PASSWORD, isActive: false, groups: ['secret-agents'] }),
      c.createUser({ username: 'boss', password: PASSWORD, isSuperuser: true, isStaff: true }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  /** A CSRF cookie and token, as a browser gets them. */
  async function csrf(prefix = ''): Promise<{ token: string; cookies: Record<string, string> }> {
    const res = await h.http().get(`${prefix}/api/csrf`).expect(200);
    return { token: res.body.csrfToken, cookies: setCookies(res) };
  }

  async function login(username: string, password = PASSWORD, prefix = ''): Promise<{ status: number; body: any; cookies: Record<string, string> }> {
    const { token, cookies } = await csrf(prefix);
    const res = await h.http().post(`${prefix}/api/login`).set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', token).send({ username, password });
    return { status: res.status, body: res.body, cookies: { ...cookies, ...setCookies(res) } };
  }

  it('GET /health is 200', async () => {
    await h.http().get('/health').expect(200);
    expect(h.sample.app.getHttpAdapter().getType()).toBe(adapter);
  });

  it("GET /api/csrf sets the csrftoken cookie this Django writes and returns a masked token", async () => {
    const res = await h.http().get('/api/csrf').expect(200);
    expect(res.body).toEqual({ csrfToken: expect.stringMatching(/^[A-Za-z0-9]{64}$/) });
    // 64-char masked before 4.1, the 32-char secret after; Django's own cookie has the same form.
    expect(setCookies(res).csrftoken).toMatch(csrfCookiePattern(info));
    expect(h.django.csrfToken().cookies.csrftoken).toMatch(csrfCookiePattern(info));
    expect(String(res.headers['set-cookie'])).toMatch(/csrftoken=\w+; expires=.*; Max-Age=31449600; Path=\/; SameSite=Lax/);
    // And Django's CsrfViewMiddleware accepts the pair.
    expect(h.django.csrfPost({ csrftoken: setCookies(res).csrftoken }, { token: res.body.csrfToken }).status).toBe(200);
  });

  it('POST /api/login logs in: 200 with the user, a Django session cookie Django accepts', async () => {
    const { status, body, cookies } = await login('agent');
    expect(status).toBe(200);
    expect(body).toEqual({
      id: expect.any(Number),
      username: 'agent',
      email: 'agent@example.com',
      isStaff: true,
      isSuperuser: false,
      groups: ['editors', 'secret-agents'],
      permissions: ['notes.add_note', 'notes.delete_note'],
    });
    expect(cookies[cookieName]).toMatch(/^[a-z0-9]{32}$/);
    const who = h.django.whoami({ [cookieName]: cookies[cookieName] });
    expect(who).toMatchObject({ authenticated: true, username: 'agent' });
  });

  it('401 with one body for a wrong password, an unknown user and an inactive user', async () => {
    const bodies = [];
    for (const [user, pass] of [['agent', 'wrong'], ['nobody', PASSWORD], ['gone', PASSWORD]]) {
      const { status, body, cookies } = await login(user, pass);
      expect(status).toBe(401);
      expect(cookies[cookieName]).toBeUndefined();
      bodies.push(body);
    }
    expect(bodies[0]).toEqual({ statusCode: 401, message: 'Invalid username or password.', error: 'Unauthorized' });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('403 without a valid CSRF token, 400 for a malformed body', async () => {
    await h.http().post('/api/login').send({ username: 'agent', password: PASSWORD }).expect(403);
    const { token, cookies } = await csrf();
    await h.http().post('/api/login').set('Cookie', cookieHeader(cookies)).send({ username: 'agent', password: PASSWORD }).expect(403);
    await h.http().post('/api/login').set('X-CSRFToken', token).send({ username: 'agent', password: PASSWORD }).expect(403);
    await h.http().post('/api/login').set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))).send({ username: 'agent', password: PASSWORD }).expect(403);
    await h.http().post('/api/login').set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', token).send({ username: 'agent' }).expect(400);
  });

  it('reads request bodies as Express does: JSON (empty is {}), forms, other types unread, 400 and 413 alike', async () => {
    const { token, cookies } = await csrf();
    const post = (path: string, type: string, body: string) => h.http().post(path).set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', token).set('Content-Type', type).send(body);
    const sendJson = { statusCode: 400, message: 'Send JSON {"username": "...", "password": "..."}.', error: 'Bad Request' };
    expect((await post('/api/login', 'application/x-www-form-urlencoded', `username=plain&password=${encodeURIComponent(PASSWORD)}`).expect(200)).body.username).toBe('plain');
    expect((await post('/api/login', 'application/json', '').expect(400)).body).toEqual(sendJson);
    expect((await post('/api/login', 'text/plain', JSON.stringify({ username: 'plain', password: PASSWORD })).expect(400)).body).toEqual(sendJson);
    expect((await post('/api/login', 'application/json', '{"username": "plain"').expect(400)).body).toEqual({ statusCode: 400, message: expect.stringContaining('JSON'), error: 'Bad Request' });
    expect((await post('/api/login', 'application/json', 'null').expect(400)).body).toEqual({ statusCode: 400, message: expect.stringContaining('is not valid JSON'), error: 'Bad Request' });
    expect((await post('/api/login', 'application/json', JSON.stringify({ username: 'x'.repeat(101 * 1024) })).expect(413)).body).toEqual({ statusCode: 413, message: 'request entity too large' });
    await post('/api/logout', 'application/json', '').expect(204);
  });

  it('GET /api/me: the user for a Nest or Django session, 401 otherwise', async () => {
    await h.http().get('/api/me').expect(401);
    await h.http().get('/api/me').set('Cookie', `${cookieName}=${'x'.repeat(32)}`).expect(401);
    const fromDjango = h.django.login('boss', PASSWORD);
    expect(fromDjango.status).toBe(200);
    const res = await h.http().get('/api/me').set('Cookie', cookieHeader({ [cookieName]: fromDjango.cookies[cookieName] })).expect(200);
    expect(res.body).toMatchObject({ username: 'boss', isStaff: true, isSuperuser: true, groups: [] });
    expect(res.body.permissions).toEqual(h.django.permissions('boss').sort());
  });

  it('GET /api/session: id and username only, for the same sessions; 401 otherwise', async () => {
    await h.http().get('/api/session').expect(401);
    const fromDjango = h.django.login('boss', PASSWORD);
    const res = await h.http().get('/api/session').set('Cookie', cookieHeader({ [cookieName]: fromDjango.cookies[cookieName] })).expect(200);
    expect(res.body).toEqual({ id: h.django.getUser('boss').id, username: 'boss' });
  });

  it('POST /api/logout needs CSRF, deletes the session row and the cookie; Django sees it ended', async () => {
    const { cookies } = await login('plain');
    const session = cookies[cookieName];
    expect(h.django.sessionRow(session)).not.toBeNull();
    await h.http().post('/api/logout').set('Cookie', cookieHeader(cookies)).expect(403);
    const res = await h.http().post('/api/logout').set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', cookies.csrftoken).expect(204);
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`${cookieName}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`));
    expect(h.django.sessionRow(session)).toBeNull();
    expect(h.django.whoami({ [cookieName]: session }).authenticated).toBe(false);
    await h.http().get('/api/me').set('Cookie', cookieHeader(cookies)).expect(401);
  });

  describe('notes (app database, Django permissions)', () => {
    it('needs a session, notes.add_note to create and notes.delete_note to delete', async () => {
      await h.http().get('/api/notes').expect(401);
      const agent = (await login('agent')).cookies;
      const plain = (await login('plain')).cookies;
      const send = (cookies: Record<string, string>, method: 'post' | 'delete', path: string) => h.http()[method](path).set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', cookies.csrftoken);

      await h.http().post('/api/notes').set('Cookie', cookieHeader(agent)).send({ text: 'no csrf' }).expect(403);
      const created = await send(agent, 'post', '/api/notes').send({ text: 'Bring the plans' }).expect(201);
      expect(created.body).toEqual({ id: expect.any(Number), text: 'Bring the plans', createdAt: expect.any(String) });
      await send(agent, 'post', '/api/notes').send({ text: '' }).expect(400);
      await send(plain, 'post', '/api/notes').send({ text: 'not allowed' }).expect(403);

      const listed = await h.http().get('/api/notes').set('Cookie', cookieHeader(agent)).expect(200);
      expect(listed.body).toEqual([created.body]);
      expect((await h.http().get('/api/notes').set('Cookie', cookieHeader(plain)).expect(200)).body).toEqual([]);

      // Notes are the app's data: in the default database, not in Django's.
      const rows = await h.sample.databases.app.query('SELECT owner_id, text FROM sample_note');
      expect(rows).toEqual([{ owner_id: String(h.django.getUser('agent').id), text: 'Bring the plans' }]);

      await send(plain, 'delete', `/api/notes/${created.body.id}`).expect(403);
      await send(agent, 'delete', '/api/notes/999999').expect(404);
      await send(agent, 'delete', '/api/notes/99999999999999999999').expect(404);
      await send(agent, 'delete', '/api/notes/-1').expect(404);
      await send(agent, 'delete', '/api/notes/not-a-number').expect(400);
      await send(agent, 'delete', `/api/notes/${created.body.id}`).expect(204);
      expect((await h.http().get('/api/notes').set('Cookie', cookieHeader(agent)).expect(200)).body).toEqual([]);
    });
  });

  describe('GET /auth/check (forward auth)', () => {
    it('401 with a Basic challenge when unauthenticated or the credentials are wrong', async () => {
      for (const auth of [undefined, basic('agent', 'wrong'), basic('nobody', PASSWORD), basic('gone', PASSWORD), 'Basic !!!', 'Bearer abc']) {
        const req = h.http().get('/auth/check');
        const res = await (auth ? req.set('Authorization', auth) : req).expect(401);
        expect(res.headers['www-authenticate']).toBe('Basic realm="Django", charset="UTF-8"');
        expect(res.headers['x-remote-user']).toBeUndefined();
      }
    });

    it('200 with X-Remote-User and groups for a session cookie or Basic credentials', async () => {
      const agent = (await login('agent')).cookies;
      const bySession = await h.http().get('/auth/check').set('Cookie', cookieHeader(agent)).expect(200);
      expect(bySession.headers['x-remote-user']).toBe('agent');
      expect(bySession.headers['x-remote-groups']).toBe('editors,secret-agents');
      const byBasic = await h.http().get('/auth/check').set('Authorization', basic('plain', PASSWORD)).expect(200);
      expect(byBasic.headers['x-remote-user']).toBe('plain');
      expect(byBasic.headers['x-remote-groups']).toBe('');
      // Explicit credentials decide, even next to a valid session.
      await h.http().get('/auth/check').set('Cookie', cookieHeader(agent)).set('Authorization', basic('agent', 'wrong')).expect(401);
    });

    it.each([
      ['staff=1', { agent: 200, plain: 403, boss: 200 }],
      ['superuser=1', { agent: 403, plain: 403, boss: 200 }],
      ['permission=notes.add_note', { agent: 200, plain: 403, boss: 200 }],
      ['permission=notes.add_note&permission=notes.view_note', { agent: 403, plain: 403, boss: 200 }],
      ['group=secret-agents', { agent: 200, plain: 403, boss: 403 }],
      ['group=nobody&group=editors', { agent: 200, plain: 403, boss: 403 }],
      ['staff=1&group=secret-agents&realm=Top%20Secret', { agent: 200, plain: 403, boss: 403 }],
    ])('?%s is enforced per location', async (query, expected) => {
      for (const [user, status] of Object.entries(expected)) {
        await h.http().get(`/auth/check?${query}`).set('Authorization', basic(user, PASSWORD)).expect(status);
      }
    });

    it('400 for a location rule it cannot read (fails closed)', async () => {
      for (const query of ['staf=1', 'staff=perhaps', 'permission=add_note', 'realm=%0D%0Ainjected']) {
        await h.http().get(`/auth/check?${query}`).set('Authorization', basic('boss', PASSWORD)).expect(400);
      }
    });
  });

  describe('/secret/ (HTTP Basic, group secret-agents)', () => {
    it('200 and the files for members, 403 for other users, 401 otherwise', async () => {
      const page = await h.http().get('/secret/').set('Authorization', basic('agent', PASSWORD)).expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('Top Secret');
      await h.http().get('/secret').set('Authorization', basic('agent', PASSWORD)).expect(200);
      const file = await h.http().get('/secret/plans.txt').set('Authorization', basic('agent', PASSWORD)).expect(200);
      expect(file.text).toBe('The plans are in the usual place.\n');
      await h.http().get('/secret/').set('Authorization', basic('plain', PASSWORD)).expect(403);
      await h.http().get('/secret/plans.txt').set('Authorization', basic('boss', PASSWORD)).expect(403);
      for (const auth of [basic('gone', PASSWORD), basic('agent', 'wrong')]) {
        const res = await h.http().get('/secret/plans.txt').set('Authorization', auth).expect(401);
        expect(res.headers['www-authenticate']).toBe('Basic realm="Top Secret", charset="UTF-8"');
      }
      const anonymous = await h.http().get('/secret/').expect(401);
      expect(anonymous.text).not.toContain('Top Secret</h1>');
      // A session is not HTTP Basic: the Apache example takes credentials only.
      const agent = (await login('agent')).cookies;
      await h.http().get('/secret/').set('Cookie', cookieHeader(agent)).expect(401);
    });

    it('serves nothing outside its folder', async () => {
      for (const path of ['/secret/missing.txt', '/secret/..%2f..%2fpackage.json', '/secret/%2e%2e/pages/login.html', '/secret/plans.txt%00.html']) {
        await h.http().get(path).set('Authorization', basic('agent', PASSWORD)).expect(404);
      }
    });
  });

  describe('the router recipe’s admin exception', () => {
    it('under /admin the same API works on the app’s local auth and session tables', async () => {
      const local = h.sample.databases.app;
      // Shared users do not exist locally; the local admin does not exist in Django's database.
      expect((await login('agent', PASSWORD, '/admin')).status).toBe(401);
      const admin = await login('admin', 'admin-password', '/admin');
      expect(admin.status).toBe(200);
      expect(admin.body).toMatchObject({ username: 'admin', isSuperuser: true });
      const key = admin.cookies[cookieName];
      expect(await local.query(`SELECT session_key FROM django_session WHERE session_key = '${key}'`)).toHaveLength(1);
      expect(h.django.sessionRow(key)).toBeNull();
      await h.http().get('/admin/api/me').set('Cookie', cookieHeader(admin.cookies)).expect(200);
      // The decision follows the route, whatever the spelling of the path.
      await h.http().get('/ADMIN/api/me').set('Cookie', cookieHeader(admin.cookies)).expect(200);
      // A request outside /admin that never reads the session (a stylesheet) leaves the admin's
      // cookie alone. One that reads it finds no such session in Django's table and, as Django's
      // SessionMiddleware does for any response but a 500, deletes the cookie along with its 401:
      // the one-cookie-per-host limit of the recipe (README). The admin's row itself stays.
      const css = await h.http().get('/static/sample.css').set('Cookie', cookieHeader(admin.cookies)).expect(200);
      expect(css.headers['set-cookie']).toBeUndefined();
      const shared = await h.http().get('/api/me').set('Cookie', cookieHeader(admin.cookies)).expect(401);
      expect(shared.headers['set-cookie']).toEqual([`${cookieName}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax`]);
      await h.http().get('/admin/api/me').set('Cookie', cookieHeader(admin.cookies)).expect(200);
      const agent = (await login('agent')).cookies;
      await h.http().get('/admin/api/me').set('Cookie', cookieHeader(agent)).expect(401);
    });
  });

  it('serves the login and who-am-I pages', async () => {
    expect((await h.http().get('/').expect(200)).text).toContain('<form id="login">');
    expect((await h.http().get('/whoami').expect(200)).text).toContain('Who am I?');
    expect((await h.http().get('/admin/').expect(200)).text).toContain('<form id="login">');
  });
});

describe.each(SAMPLE_ADAPTERS)('sample settings shared with Django on %s: PHP sessions under PHPSESSID, rotated secret keys', (adapter) => {
  it('DJANGO_SESSION_SERIALIZER=php and DJANGO_SESSION_COOKIE_NAME=PHPSESSID interoperate with a django-php-bridge Django', async () => {
    const h = await startSample('sqlite', { DJANGO_SESSION_SERIALIZER: 'php', DJANGO_SESSION_COOKIE_NAME: 'PHPSESSID' }, adapter);
    try {
      const django = new DjangoProject({ ...h.django.env, sessionSerializer: 'php', sessionCookieName: 'PHPSESSID' });
      django.createUser({ username: 'php-user', password: PASSWORD });
      const fromDjango = django.login('php-user', PASSWORD);
      expect(fromDjango.status).toBe(200);
      expect(django.sessionRow(fromDjango.cookies.PHPSESSID)?.session_data).toMatch(/^a:\d+:\{/);
      const me = await h.http().get('/api/me').set('Cookie', `PHPSESSID=${fromDjango.cookies.PHPSESSID}`).expect(200);
      expect(me.body.username).toBe('php-user');

      const csrf = await h.http().get('/api/csrf').expect(200);
      const login = await h.http().post('/api/login').set('Cookie', cookieHeader(setCookies(csrf))).set('X-CSRFToken', csrf.body.csrfToken).send({ username: 'php-user', password: PASSWORD }).expect(200);
      const key = setCookies(login).PHPSESSID;
      expect(django.sessionRow(key)?.session_data).toMatch(/^a:3:\{s:13:"_auth_user_id";s:\d+:"\d+";/);
      expect(django.whoami({ PHPSESSID: key })).toMatchObject({ authenticated: true, username: 'php-user' });
    } finally {
      await h.close();
    }
  });

  if (info.features.secret_key_fallbacks) {
    it('DJANGO_SECRET_KEY_FALLBACKS keeps sessions signed with the old key (Django 4.1+ rotation)', async () => {
      const h = await startSample('sqlite', {}, adapter);
      try {
        const oldKey = h.django.env.secretKey;
        await h.sample.close();
        // Restart on the same databases with a new key; the old one becomes a fallback.
        const django = new DjangoProject({ ...h.django.env, secretKey: oldKey });
        django.createUser({ username: 'rotated', password: PASSWORD });
        const oldSession = django.login('rotated', PASSWORD).cookies.sessionid;
        const env = { ...h.env, DJANGO_SECRET_KEY: `${oldKey}-new`, DJANGO_SECRET_KEY_FALLBACKS: oldKey };
        const restarted = await startSampleAgain(env);
        try {
          await restarted.http().get('/api/me').set('Cookie', `sessionid=${oldSession}`).expect(200);
          const without = await startSampleAgain({ ...env, DJANGO_SECRET_KEY_FALLBACKS: '' });
          try {
            await without.http().get('/api/me').set('Cookie', `sessionid=${django.login('rotated', PASSWORD).cookies.sessionid}`).expect(401);
          } finally {
            await without.close();
          }
        } finally {
          await restarted.close();
        }
      } finally {
        await h.close().catch(() => undefined);
      }
    });
  } else {
    // SECRET_KEY_FALLBACKS exists from Django 4.1: the sample refuses it for this line at start-up, as Django does.
    it(`DJANGO_SECRET_KEY_FALLBACKS is refused for Django ${LINE}, by the sample and by Django`, () => {
      expect(() => loadSampleConfig({ DJANGO_SECRET_KEY: 'a-long-secret-key-for-the-test', DJANGO_SECRET_KEY_FALLBACKS: 'old-key', DJANGO_VERSION: BRIDGE_VERSION })).toThrow(/DJANGO_SECRET_KEY_FALLBACKS/);
      expect(() => new DjangoProject({ engine: 'sqlite', name: join(tmpdir(), 'djb-never-created.sqlite3'), secretKey: 'a-long-secret-key-for-the-test', secretKeyFallbacks: ['old-key'] }).version()).toThrow(/SECRET_KEY_FALLBACKS exists from Django 4\.1 on/);
    });
  }
});

describe.each(SAMPLE_ADAPTERS)('sample on %s with a database down', (adapter) => {
  it('answers 503 with a short JSON body, never a trace or an accepted login', async () => {
    const h = await startSample('sqlite', {}, adapter);
    try {
      h.django.createUser({ username: 'downer', password: PASSWORD, groups: ['secret-agents'] });
      const csrf = await h.http().get('/api/csrf').expect(200);
      const login = await h.http().post('/api/login').set('Cookie', cookieHeader(setCookies(csrf))).set('X-CSRFToken', csrf.body.csrfToken).send({ username: 'downer', password: PASSWORD }).expect(200);
      const cookies = { ...setCookies(csrf), ...setCookies(login) };

      await h.sample.databases.app.destroy();
      const notes = await h.http().get('/api/notes').set('Cookie', cookieHeader(cookies)).expect(503);
      expect(notes.body).toEqual({ statusCode: 503, message: 'The notes database is unavailable; try again later.', error: 'Service Unavailable' });

      await h.sample.databases.django.destroy();
      for (const res of [
        await h.http().get('/api/me').set('Cookie', cookieHeader(cookies)),
        await h.http().get('/auth/check').set('Cookie', cookieHeader(cookies)),
        await h.http().get('/auth/check').set('Authorization', basic('downer', PASSWORD)),
        await h.http().get('/secret/').set('Authorization', basic('downer', PASSWORD)),
        await h.http().post('/api/login').set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', cookies.csrftoken).send({ username: 'downer', password: PASSWORD }),
      ]) {
        expect(res.status).toBe(503);
        expect(res.headers['x-remote-user']).toBeUndefined();
        expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
      }
    } finally {
      await h.close();
    }
  });
});

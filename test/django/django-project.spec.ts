/**
 * Proves the Django test project works on every database the bridge supports, on the line of the
 * run (DJANGO_LINE, default 5.2): Django's own migrate, users/groups/permissions, logging in
 * through Django, and Django reading the cookie. Expectations come from that Django's `version`.
 * No skips: an unreachable MariaDB or PostgreSQL fails these tests.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { defaultDjangoLine } from './django-line.js';
import { djangoCalls, DjangoProject, djangoVersionInfo, type DjangoEngine } from './django-project.js';

const ENGINES: DjangoEngine[] = ['sqlite', 'mysql', 'postgres'];
const LINE = defaultDjangoLine();

describe(`Django ${LINE}`, () => {
  it('is the line DJANGO_LINE names, running its own default PASSWORD_HASHERS', () => {
    const info = djangoVersionInfo();
    expect(info.line).toBe(LINE);
    expect(info.version.startsWith(`${LINE}.`)).toBe(true);
    expect(info.password_hashers).toEqual(info.default_password_hashers);
    expect(info.password_hashers[0]).toBe('pbkdf2_sha256');
  });
});

describe.each(ENGINES)('Django test project on %s', (engine) => {
  const django = DjangoProject.throwaway(engine);
  let userId = 0;
  let sessionKey = '';

  beforeAll(() => {
    const migrated = django.migrate();
    expect(migrated.output).toContain('Applying sessions.0001_initial... OK');
    expect(migrated.output).toContain('Applying notes.0001_initial... OK');
  });

  afterAll(() => {
    django.dropDatabase();
  });

  it('created the Django tables', () => {
    expect(django.columns('django_session').map((c) => c.name).sort()).toEqual(['expire_date', 'session_data', 'session_key']);
    expect(django.columns('auth_user').map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'password', 'last_login', 'date_joined']));
  });

  it('creates a user with a group and permissions', () => {
    django.createGroup('editors', ['notes.delete_note', 'notes.view_note']);
    const user = django.createUser({
      username: 'alice',
      password: 'correct horse',
      email: 'alice@example.com',
      isStaff: true,
      groups: ['editors'],
      permissions: ['notes.add_note'],
    });
    userId = user.id;
    // The line's own preferred hasher and work factor (3.2: 260,000 ... 6.1: 1,500,000 iterations).
    const info = djangoVersionInfo();
    expect(user.passwordHash.startsWith(`${info.password_hashers[0]}$${info.pbkdf2_iterations}$`)).toBe(true);
    expect(django.checkPassword('alice', 'correct horse')).toEqual({ ok: true, algorithm: info.password_hashers[0], must_update: false, password_hash: user.passwordHash });
    expect(django.permissions('alice')).toEqual(['notes.add_note', 'notes.delete_note', 'notes.view_note']);
  });

  it('logs in through Django and returns the session cookie', () => {
    const res = django.login('alice', 'correct horse');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authenticated: true, id: userId, username: 'alice', is_staff: true });
    sessionKey = res.cookies.sessionid;
    expect(sessionKey).toMatch(/^[a-z0-9]{32}$/);
    expect(res.setCookie.some((c) => c.startsWith(`sessionid=${sessionKey};`) && c.includes('HttpOnly'))).toBe(true);

    expect(django.decodeSession(sessionKey)).toMatchObject({
      _auth_user_id: String(userId),
      _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    });
    const row = django.sessionRow(sessionKey);
    expect(row?.session_key).toBe(sessionKey);
    expect(row?.expire_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });

  it('whoami with the cookie is that user', () => {
    expect(django.whoami({ sessionid: sessionKey })).toEqual({
      authenticated: true,
      id: userId,
      username: 'alice',
      is_staff: true,
      is_superuser: false,
      permissions: ['notes.add_note', 'notes.delete_note', 'notes.view_note'],
      groups: ['editors'],
      session_exists: true,
    });
    expect(django.whoami({}).authenticated).toBe(false);
    expect(django.whoami({ sessionid: 'x'.repeat(32) })).toMatchObject({ authenticated: false, session_exists: false });
  });

  it('a wrong password is 401 without a session', () => {
    const res = django.login('alice', 'wrong');
    expect(res.status).toBe(401);
    expect(res.cookies.sessionid).toBeUndefined();
    django.createUser({ username: 'bob', password: 'pw', isActive: false });
    expect(django.login('bob', 'pw').status).toBe(401);
  });

  it('logout ends the session', () => {
    const res = django.logout({ sessionid: sessionKey });
    expect(res.status).toBe(200);
    expect(res.cookies.sessionid).toBe('');
    expect(django.sessionRow(sessionKey)).toBeNull();
    expect(django.whoami({ sessionid: sessionKey })).toMatchObject({ authenticated: false, session_exists: false });
  });
});

describe('Django test project settings from the environment', () => {
  const django = DjangoProject.throwaway('sqlite', {
    sessionSerializer: 'php',
    sessionCookieName: 'bridge_sid',
    useTz: false,
    timeZone: 'Europe/Paris',
    hashers: ['django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher', 'django.contrib.auth.hashers.PBKDF2PasswordHasher'],
  });

  beforeAll(() => {
    django.migrate();
  });

  afterAll(() => {
    django.dropDatabase();
  });

  it('uses the cookie name, php session rows and the hasher list', () => {
    const { id, passwordHash } = django.createUser({ username: 'carol', password: 'pw' });
    expect(passwordHash).toMatch(/^pbkdf2_sha1\$/);
    const res = django.login('carol', 'pw');
    expect(res.status).toBe(200);
    const key = res.cookies.bridge_sid;
    expect(key).toMatch(/^[a-z0-9]{32}$/);
    expect(res.cookies.sessionid).toBeUndefined();

    const row = django.sessionRow(key);
    expect(row?.session_data).toMatch(/^a:3:\{s:13:"_auth_user_id";s:\d+:"\d+";/);
    expect(row?.expire_date_orm).not.toMatch(/\+00:00$/); // USE_TZ false: naive local time
    expect(django.decodeSession(key)).toMatchObject({ _auth_user_id: String(id) });
    expect(django.whoami({ bridge_sid: key })).toMatchObject({ authenticated: true, id, session_exists: true });
    expect(django.whoami({ sessionid: key }).authenticated).toBe(false);
  });

  it('runs CsrfViewMiddleware with CSRF_TRUSTED_ORIGINS from the environment (Origin checked from 4.0)', () => {
    const trusting = new DjangoProject({ ...django.env, csrfTrustedOrigins: ['https://*.trusted.example'] });
    const [got] = trusting.batch([djangoCalls.csrfToken()]);
    const cookies = { csrftoken: got.cookies.csrftoken };
    const [trusted, foreign, missing] = trusting.batch([
      djangoCalls.csrfPost(cookies, { token: got.body.token, headers: { Origin: 'https://app.trusted.example' } }),
      djangoCalls.csrfPost(cookies, { token: got.body.token, headers: { Origin: 'https://evil.example' } }),
      djangoCalls.csrfPost(cookies),
    ]);
    expect(trusted.status).toBe(200);
    const [major] = djangoVersionInfo().version.split('.').map(Number);
    // 3.2 checked no Origin (only the Referer, on HTTPS).
    expect([foreign.status, (foreign.body as { reason?: string }).reason]).toEqual(major >= 4 ? [403, 'Origin checking failed - https://evil.example does not match any trusted origins.'] : [200, undefined]);
    expect(missing.status).toBe(403);
  });

  it('throws with Django\'s error on a bad request', () => {
    expect(() => django.run('no_such_command')).toThrow(/unknown command 'no_such_command'/);
    expect(() => django.permissions('nobody')).toThrow(/DoesNotExist/);
  });
});

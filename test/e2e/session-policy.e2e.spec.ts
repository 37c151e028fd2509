/**
 * SessionMiddleware policies (save every request, expire at browser close) and a custom user
 * model table, on SQLite shared with the run's Django line (DJANGO_LINE, default 5.2), the bridge
 * configured for that line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TypeOrmUserStore } from '@django-bridge/nest';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { cookieHeader, djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';
import { BRIDGE_VERSION } from './support/django-line.js';
import { randomEnvSecret } from '../support/random.js';

describe('session policies', () => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  const apps: Record<string, TestApp> = {};

  beforeAll(async () => {
    django = DjangoProject.throwaway('sqlite', { secretKey });
    django.batch([c.migrate(), c.createUser({ username: 'fay', password: 'fay-pw' })]);
    apps.every = await startTestApp('fastify', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, sessionSaveEveryRequest: true, sessionCookieAge: 600 });
    apps.global = await startTestApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION }, 'sync', true);
    apps.close = await startTestApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, sessionExpireAtBrowserClose: true, sessionCookieSecure: true, sessionCookieSameSite: 'Strict', sessionCookieDomain: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
    django?.dropDatabase();
  });

  it('SESSION_SAVE_EVERY_REQUEST refreshes the cookie and slides expire_date', async () => {
    const login = django.login('fay', 'fay-pw');
    const res = await request(apps.every.url).get('/me').set('Cookie', cookieHeader(login.cookies));
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`sessionid=${login.cookies.sessionid}; expires=.*; HttpOnly; Max-Age=600; Path=/; SameSite=Lax`));
    const expire = new Date(`${django.sessionRow(login.cookies.sessionid)!.expire_date}Z`.replace(' ', 'T')).getTime();
    expect(Math.abs(expire - (Date.now() + 600_000))).toBeLessThan(30_000);
  });

  it('works as a global guard with @Public() and @OptionalAuth() opt-outs', async () => {
    const t = apps.global.url;
    expect((await request(t).get('/public')).status).toBe(200);
    expect((await request(t).get('/maybe')).body).toEqual({ user: null });
    expect((await request(t).get('/staff')).status).toBe(401);
    expect((await request(t).post('/login').send({ username: 'fay', password: 'fay-pw' })).status).toBe(401);
    const login = django.login('fay', 'fay-pw');
    expect((await request(t).get('/staff').set('Cookie', cookieHeader(login.cookies))).status).toBe(403);
    expect((await request(t).get('/me').set('Cookie', cookieHeader(login.cookies))).body).toMatchObject({ username: 'fay' });
  });

  it('refuses a planted hash with an absurd work factor with a 401, without hashing it', async () => {
    django.createUser({ username: 'hal', password: 'hal-pw' });
    django.sql('UPDATE auth_user SET password = %s WHERE username = %s', ['pbkdf2_sha256$999999999$salt$aGFzaA==', 'hal']);
    const started = Date.now();
    for (const t of [apps.every, apps.close]) {
      expect((await request(t.url).post('/login').send({ username: 'hal', password: 'hal-pw' })).status).toBe(401);
      expect((await request(t.url).get('/basic').auth('hal', 'hal-pw')).status).toBe(401);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('SESSION_EXPIRE_AT_BROWSER_CLOSE writes a cookie without Max-Age, with the configured attributes', async () => {
    const res = await request(apps.close.url).post('/login').send({ username: 'fay', password: 'fay-pw' });
    expect(res.status).toBe(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sessionid='))!;
    expect(cookie).toMatch(/^sessionid=[a-z0-9]{32}; Domain=127\.0\.0\.1; HttpOnly; Path=\/; SameSite=Strict; Secure$/);
  });
});

describe('custom user model table', () => {
  it('reads users, groups and permissions of an AUTH_USER_MODEL with its own table and email as USERNAME_FIELD', async () => {
    const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await ds.initialize();
    try {
      for (const sql of [
        'CREATE TABLE django_content_type (id integer primary key, app_label varchar(100), model varchar(100))',
        'CREATE TABLE auth_permission (id integer primary key, name varchar(255), content_type_id integer, codename varchar(100))',
        'CREATE TABLE auth_group (id integer primary key, name varchar(150))',
        'CREATE TABLE auth_group_permissions (id integer primary key, group_id integer, permission_id integer)',
        'CREATE TABLE accounts_member (uid char(32) primary key, password varchar(128), last_login datetime null, email varchar(254), is_active bool, is_superuser bool, nickname varchar(50))',
        'CREATE TABLE accounts_member_groups (id integer primary key, member_id char(32), group_id integer)',
        'CREATE TABLE accounts_member_user_permissions (id integer primary key, member_id char(32), permission_id integer)',
        "INSERT INTO django_content_type VALUES (1, 'notes', 'note')",
        "INSERT INTO auth_permission VALUES (1, 'Can add note', 1, 'add_note'), (2, 'Can delete note', 1, 'delete_note')",
        "INSERT INTO auth_group VALUES (1, 'editors')",
        'INSERT INTO auth_group_permissions VALUES (1, 1, 2)',
        "INSERT INTO accounts_member VALUES ('0123456789abcdef0123456789abcdef', 'x', '2026-01-02 03:04:05.600000', 'm@example.com', 1, 0, 'mem')",
        "INSERT INTO accounts_member_groups VALUES (1, '0123456789abcdef0123456789abcdef', 1)",
        "INSERT INTO accounts_member_user_permissions VALUES (1, '0123456789abcdef0123456789abcdef', 1)",
      ]) await ds.query(sql);
      const store = new TypeOrmUserStore(ds, { userModel: { table: 'accounts_member', pkColumn: 'uid', pkType: 'uuid', usernameField: 'email', isStaffColumn: null, extraColumns: ['nickname'] } });
      const member = (await store.findByUsername('m@example.com'))!;
      expect(member).toMatchObject({ id: '01234567-89ab-cdef-0123-456789abcdef', username: 'm@example.com', isActive: true, isStaff: false, fields: { nickname: 'mem' } });
      expect(member.lastLogin?.toISOString()).toBe('2026-01-02T03:04:05.600Z');
      expect([...(await store.allPermissions(member))].sort()).toEqual(['notes.add_note', 'notes.delete_note']);
      expect(await store.groupNames(member)).toEqual(['editors']);
      // _auth_user_id holds the hyphenated form (value_to_string); SQLite stores 32 hex digits.
      expect((await store.findById('01234567-89ab-cdef-0123-456789abcdef'))?.username).toBe('m@example.com');
      await store.updateLastLogin(member, new Date(Date.UTC(2026, 5, 1)));
      expect((await ds.query('SELECT last_login FROM accounts_member'))[0].last_login).toBe('2026-06-01 00:00:00');
      expect(store.parsePk('01234567-89ab-cdef-0123-456789abcdef')).toBe('01234567-89ab-cdef-0123-456789abcdef');
      expect(store.parsePk("1' OR '1'='1")).toBeNull();
    } finally {
      await ds.destroy();
    }
  });
});

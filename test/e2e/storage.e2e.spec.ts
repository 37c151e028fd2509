/**
 * Storage conventions against Django's own schema on each database: the TypeORM entities,
 * forRootAsync wiring, USE_TZ = False sites (naive local expire_date), clearsessions, and the
 * legacy sha1 session hash that only Django 3.2 accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeSessionData, instantToWallTime, sessionAuthHash } from '@django-bridge/core';
import { AuthGroupEntity, AuthPermissionEntity, clearExpiredSessions, createUserEntities, DjangoSessionEntity, TypeOrmSessionStore } from '@django-bridge/nest';
import request from 'supertest';
import { cookieHeader, DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { randomEnvSecret as randomSecret } from '../support/random.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';

const ZONE = 'Europe/Paris';

function naive(instantMs: number, zone: string | null): string {
  const wall = new Date(zone ? instantToWallTime(zone, instantMs) : instantMs);
  return wall.toISOString().replace('T', ' ').replace('Z', '');
}

describe.each(['sqlite', 'mysql', 'postgres'] as DjangoEngine[])('storage on %s', (engine) => {
  const secretKey = randomSecret();
  let django: DjangoProject;
  let t: TestApp;

  beforeAll(async () => {
    django = DjangoProject.throwaway(engine, { secretKey, useTz: false, timeZone: ZONE });
    django.migrate();
    django.createGroup('editors', ['notes.change_note']);
    django.createUser({ username: 'eve', password: 'eve-pw', groups: ['editors'] });
    t = await startTestApp('express', django.connection(), { secretKey, djangoVersion: '3.2', useTz: false, timeZone: ZONE }, 'async');
  });
  afterAll(async () => {
    await t?.close();
    django?.dropDatabase();
  });

  it('maps Django\'s tables with the TypeORM entities', async () => {
    const { user } = createUserEntities();
    const eve = await t.dataSource.getRepository(user).findOneByOrFail({ username: 'eve' });
    expect(eve).toMatchObject({ id: django.getUser('eve').id, username: 'eve', is_active: true });
    expect(await t.dataSource.getRepository(AuthGroupEntity).findOneBy({ name: 'editors' })).toMatchObject({ name: 'editors' });
    expect(await t.dataSource.getRepository(AuthPermissionEntity).countBy({ codename: 'add_note' })).toBe(1);
    const login = django.login('eve', 'eve-pw');
    const row = await t.dataSource.getRepository(DjangoSessionEntity).findOneByOrFail({ session_key: login.cookies.sessionid });
    expect(row.session_data).toBe(django.sessionRow(login.cookies.sessionid)!.session_data);
  });

  it('writes expire_date the way a USE_TZ = False site does, and Django reads it', async () => {
    const before = Date.now();
    const res = await request(t.url).post('/login').send({ username: 'eve', password: 'eve-pw' });
    expect(res.status).toBe(200);
    const key = /sessionid=(\w+)/.exec(String(res.headers['set-cookie']))![1];
    expect(django.whoami({ sessionid: key })).toMatchObject({ authenticated: true, username: 'eve' });
    const stored = django.sessionRow(key)!;
    if (engine !== 'postgres') {
      // Naive Paris wall time, two weeks ahead, in Django's text format.
      const expected = naive(before + 1_209_600_000, ZONE).slice(0, 16);
      expect(String(stored.expire_date).slice(0, 16)).toBe(expected);
    }
  });

  it('reads naive local expiry correctly: expired a minute ago is expired, a minute ahead is live', async () => {
    const login = django.login('eve', 'eve-pw');
    const key = login.cookies.sessionid;
    const at = (offsetMs: number) => (engine === 'postgres' ? new Date(Date.now() + offsetMs).toISOString() : naive(Date.now() + offsetMs, ZONE));
    django.sql('UPDATE django_session SET expire_date = %s WHERE session_key = %s', [at(-60_000), key]);
    expect((await request(t.url).get('/me').set('Cookie', cookieHeader(login.cookies))).status).toBe(401);
    django.sql('UPDATE django_session SET expire_date = %s WHERE session_key = %s', [at(60_000), key]);
    expect((await request(t.url).get('/me').set('Cookie', cookieHeader(login.cookies))).status).toBe(200);
  });

  it('clearsessions deletes expired rows only', async () => {
    const live = django.login('eve', 'eve-pw').cookies.sessionid;
    const dead = django.login('eve', 'eve-pw').cookies.sessionid;
    django.sql('UPDATE django_session SET expire_date = %s WHERE session_key = %s', ['2001-01-01 00:00:00', dead]);
    const url = engine === 'sqlite' ? `sqlite:${django.connection().database}` : `${engine}://${django.connection().username}@127.0.0.1/${django.connection().database}`;
    expect(await clearExpiredSessions({ url, useTz: false, timeZone: ZONE, table: 'django_session' })).toBeGreaterThanOrEqual(1);
    expect(django.sessionRow(dead)).toBeNull();
    expect(django.sessionRow(live)).not.toBeNull();
  });

  it('creates rows with free keys only (a taken key is a collision, not an error)', async () => {
    const store = new TypeOrmSessionStore(t.dataSource, { useTz: false, timeZone: ZONE });
    const key = `collide${Date.now()}`.padEnd(32, 'x');
    expect(await store.create(key, 'data', new Date(Date.now() + 60_000))).toBe(true);
    expect(await store.create(key, 'other', new Date(Date.now() + 60_000))).toBe(false);
    expect(await store.load(key)).toBe('data');
    expect(await store.update(key, 'data', new Date(Date.now() + 60_000))).toBe(true);
    await store.delete(key);
    expect(await store.update(key, 'data', new Date(Date.now() + 60_000))).toBe(false);
  });

  it('rewrites an outdated password hash at login only as passwordUpgrade says, and Django still accepts the password', async () => {
    django.createUser({ username: 'gus', password: 'gus-pw' });
    const old = django.getUser('gus').password;
    expect(old).toMatch(/^pbkdf2_sha256\$260000\$/);
    const login = async (passwordUpgrade: 'django' | 'stronger' | 'always', djangoVersion: '3.2' | '4.2') => {
      const app = await startTestApp('express', django.connection(), { secretKey, djangoVersion, useTz: false, timeZone: ZONE, passwordUpgrade });
      try {
        expect((await request(app.url).post('/login').send({ username: 'gus', password: 'gus-pw' })).status).toBe(200);
      } finally {
        await app.close();
      }
      return django.getUser('gus').password;
    };
    // The default leaves upgrades to Django (a 3.2 site would rewrite a 600,000 hash back to 260,000).
    expect(await login('django', '4.2')).toBe(old);
    const raised = await login('always', '4.2');
    expect(raised).toMatch(/^pbkdf2_sha256\$600000\$/);
    // 'stronger' never lowers: a bridge set to 3.2 leaves the 600,000 hash alone; 'always' lowers it as Django would.
    expect(await login('stronger', '3.2')).toBe(raised);
    expect(await login('always', '3.2')).toMatch(/^pbkdf2_sha256\$260000\$/);
    expect(django.login('gus', 'gus-pw').status).toBe(200);
  });

  it('accepts the legacy sha1 session hash only when configured for Django 3.2', async () => {
    const eve = django.getUser('eve');
    const key = `legacy${Date.now()}${Math.random().toString(36).slice(2)}`.slice(0, 32);
    const data = encodeSessionData({ _auth_user_id: String(eve.id), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: sessionAuthHash(eve.password, secretKey, 'sha1') }, { secretKey });
    const expire = engine === 'postgres' ? new Date(Date.now() + 3_600_000).toISOString() : naive(Date.now() + 3_600_000, ZONE);
    django.sql('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)', [key, data, expire]);
    expect(django.whoami({ sessionid: key }).authenticated).toBe(true);
    expect((await request(t.url).get('/me').set('Cookie', `sessionid=${key}`)).status).toBe(200);
    const modern = await startTestApp('fastify', django.connection(), { secretKey, djangoVersion: '4.2', useTz: false, timeZone: ZONE });
    try {
      expect((await request(modern.url).get('/me').set('Cookie', `sessionid=${key}`)).status).toBe(401);
    } finally {
      await modern.close();
    }
  });
});

/**
 * Storage conventions against Django's own schema on each database, as the run's Django line
 * (DJANGO_LINE, default 5.2) migrates it, the bridge configured for that line: the TypeORM
 * entities, forRootAsync wiring, USE_TZ = False sites (naive local expire_date), clearsessions,
 * password rehashing at login by policy, and the legacy sha1 session hash that only Django 3.2 accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeSessionData, instantToWallTime, sessionAuthHash } from '@django-bridge/core';
import { AuthGroupEntity, AuthPermissionEntity, clearExpiredSessions, createUserEntities, DjangoSessionEntity, TypeOrmSessionStore } from '@django-bridge/nest';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';
import { BRIDGE_VERSION, lineInfo } from './support/django-line.js';
import { randomEnvSecret as randomSecret, randomToken } from '../support/random.js';

const ZONE = 'Europe/Paris';
const info = lineInfo();

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
    django.batch([c.migrate(), c.createGroup('editors', ['notes.change_note']), c.createUser({ username: 'eve', password: 'eve-pw', groups: ['editors'] })]);
    t = await startTestApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, useTz: false, timeZone: ZONE }, 'async');
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
    const store = new TypeOrmSessionStore(t.dataSource, { useTz: false, timeZone: ZONE, codec: { secretKey } });
    const key = `collide${Date.now()}`.padEnd(32, 'x');
    const expiry = () => ({ expireDate: new Date(Date.now() + 60_000), age: 60 });
    expect(await store.create(key, { a: 1 }, expiry())).toBe(key);
    expect(await store.create(key, { a: 2 }, expiry())).toBeNull();
    expect(await store.load(key)).toEqual({ a: 1 });
    expect(await store.update(key, { a: 1 }, expiry())).toBe(key);
    await store.delete(key);
    expect(await store.update(key, { a: 1 }, expiry())).toBeNull();
  });

  it("rewrites an outdated password hash at login only as passwordUpgrade says, to exactly what this Django writes", async () => {
    const own = `pbkdf2_sha256$${info.pbkdf2_iterations}$`;
    // Below the line's work factor (an old site's hash), and above it (a hasher subclass's).
    const [low, high] = django.batch([
      c.createUser({ username: 'gus', password: 'gus-pw', hasher: 'pbkdf2_sha256', iterations: 1000 }),
      c.createUser({ username: 'ida', password: 'ida-pw', hasher: 'pbkdf2_sha256', iterations: info.pbkdf2_iterations + 1 }),
    ]);
    const login = async (username: string, passwordUpgrade: 'django' | 'stronger' | 'always') => {
      const app = await startTestApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, useTz: false, timeZone: ZONE, passwordUpgrade });
      try {
        expect((await request(app.url).post('/login').send({ username, password: `${username}-pw` })).status).toBe(200);
      } finally {
        await app.close();
      }
      return django.checkPassword(username, `${username}-pw`);
    };
    // Django itself would rewrite both at its next login.
    expect(django.checkPassword('gus', 'gus-pw')).toMatchObject({ ok: true, must_update: true });
    expect(django.checkPassword('ida', 'ida-pw')).toMatchObject({ ok: true, must_update: true });
    // The default leaves upgrades to Django.
    expect((await login('gus', 'django')).password_hash).toBe(low.passwordHash);
    // 'stronger' raises gus to the line's own factor, and never lowers ida.
    const raised = await login('gus', 'stronger');
    expect(raised).toMatchObject({ ok: true, must_update: false });
    expect(raised.password_hash.startsWith(own)).toBe(true);
    expect((await login('ida', 'stronger')).password_hash).toBe(high.passwordHash);
    // 'always' does what Django's must_update says: ida comes down to the line's factor; gus stays.
    const lowered = await login('ida', 'always');
    expect(lowered).toMatchObject({ ok: true, must_update: false });
    expect(lowered.password_hash.startsWith(own)).toBe(true);
    expect((await login('gus', 'always')).password_hash).toBe(raised.password_hash);
    expect(django.batch([c.login('gus', 'gus-pw'), c.login('ida', 'ida-pw')]).map((r) => r.status)).toEqual([200, 200]);
  });

  // The legacy sha1 _auth_user_hash: 3.1/3.2 accept it (DEFAULT_HASHING_ALGORITHM transition), 4.0+ refuse it.
  const acceptsSha1 = info.features.default_hashing_algorithm;
  it(`${acceptsSha1 ? 'accepts' : 'refuses'} the legacy sha1 session hash, as Django ${info.line} does`, async () => {
    const eve = django.getUser('eve');
    const data = encodeSessionData({ _auth_user_id: String(eve.id), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: sessionAuthHash(eve.password, secretKey, 'sha1') }, { secretKey });
    const expire = engine === 'postgres' ? new Date(Date.now() + 3_600_000).toISOString() : naive(Date.now() + 3_600_000, ZONE);
    // One row each: a refusal flushes the row it read.
    const [forDjango, forNest] = ['a', 'b'].map((side) => `legacy${side}${randomToken(25).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`);
    django.batch([forDjango, forNest].map((key) => c.sql('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)', [key, data, expire])));
    expect(django.whoami({ sessionid: forDjango }).authenticated).toBe(acceptsSha1);
    expect((await request(t.url).get('/me').set('Cookie', `sessionid=${forNest}`)).status).toBe(acceptsSha1 ? 200 : 401);
  });
});

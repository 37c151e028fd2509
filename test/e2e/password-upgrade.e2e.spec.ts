/**
 * No password ping-pong, live: a real Django of one line and the bridge configured for another,
 * logging the same user in by turns. With the default passwordUpgrade ('django') the stored hash is
 * rewritten at most once (by Django, to its own preferred form), and no login on one side ends a
 * session made on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DjangoVersion } from '@django-bridge/core';
import request from 'supertest';
import { cookieHeader, DjangoProject } from '../django/django-project.js';
import type { DjangoLine } from '../django/django-line.js';
import { randomEnvSecret } from '../support/random.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';

const PAIRS: [DjangoLine, DjangoVersion][] = [
  ['6.1', '5.2'],
  ['5.2', '6.1'],
];

function sessionCookie(setCookie: string[] | string | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const header = list.find((c) => c.startsWith('sessionid='));
  if (!header) throw new Error('no session cookie');
  return header.slice('sessionid='.length, header.indexOf(';'));
}

describe.each(PAIRS)('Django %s with the bridge configured for %s', (line, bridgeVersion) => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  let t: TestApp;

  beforeAll(async () => {
    django = DjangoProject.throwaway('sqlite', { secretKey, line });
    django.migrate();
    t = await startTestApp('express', django.connection(), { secretKey, djangoVersion: bridgeVersion });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    django?.dropDatabase();
  });

  /** Logins by turns (20 by default); every hash the row held, and every session made, still checked at the end. */
  async function alternate(username: string, password: string, site = django, logins = 20) {
    const hashes = [django.getUser(username).password];
    const djangoSessions: Record<string, string>[] = [];
    const nestSessions: string[] = [];
    for (let i = 0; i < logins; i++) {
      if (i % 2 === 0) {
        const login = site.login(username, password);
        expect(login.status).toBe(200);
        djangoSessions.push(login.cookies);
      } else {
        const login = await request(t.url).post('/login').send({ username, password });
        expect(login.status).toBe(200);
        nestSessions.push(sessionCookie(login.headers['set-cookie']));
      }
      hashes.push(django.getUser(username).password);
    }
    return { hashes, djangoSessions, nestSessions };
  }

  function rewrites(hashes: string[]): number {
    return hashes.filter((h, i) => i > 0 && h !== hashes[i - 1]).length;
  }

  it("Django's default hasher: at most one rewrite, and every session of either side still works", async () => {
    django.createUser({ username: 'pat', password: 'pat-pw' });
    const { hashes, djangoSessions, nestSessions } = await alternate('pat', 'pat-pw');
    expect(rewrites(hashes)).toBeLessThanOrEqual(1);
    for (const cookies of djangoSessions) expect((await request(t.url).get('/me').set('Cookie', cookieHeader(cookies))).status).toBe(200);
    for (const key of nestSessions) expect(django.whoami({ sessionid: key })).toMatchObject({ authenticated: true, username: 'pat' });
  }, 180_000);

  it('argon2 preferred by Django (its argon2-cffi makes 16-byte hashes, the bridge 32): never rewritten, never turned into PBKDF2', async () => {
    const argon2First = new DjangoProject({ ...django.env, hashers: ['django.contrib.auth.hashers.Argon2PasswordHasher', 'django.contrib.auth.hashers.PBKDF2PasswordHasher'] });
    argon2First.createUser({ username: 'ari', password: 'ari-pw' });
    const { hashes, djangoSessions, nestSessions } = await alternate('ari', 'ari-pw', argon2First, 10);
    expect(hashes[0]).toMatch(/^argon2\$argon2id\$/);
    // 16 bytes: 22 characters of unpadded base64.
    expect(hashes[0].split('$').pop()).toHaveLength(22);
    expect(rewrites(hashes)).toBe(0);
    for (const cookies of djangoSessions) expect((await request(t.url).get('/me').set('Cookie', cookieHeader(cookies))).status).toBe(200);
    for (const key of nestSessions) expect(argon2First.whoami({ sessionid: key })).toMatchObject({ authenticated: true, username: 'ari' });
  }, 180_000);
});

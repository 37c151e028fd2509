/**
 * SimpleJWT through a Nest app (DjangoAuthGuard with authentication ['session', 'jwt']) on Express
 * and Fastify, next to the real Django of the line on the same database: tokens from either side
 * open either side, SimpleJWT's views answer as Django's do, rotation with the blacklist holds
 * across, @RequirePermissions holds for a JWT user, and every bad token is a 401 with the Bearer
 * challenge, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { defaultDjangoLine } from '../django/django-line.js';
import { DjangoProject, djangoCalls, type DjangoEngine } from '../django/django-project.js';
import { djangoProject } from '../django/oracle.js';
import { randomEnvSecret } from '../support/random.js';
import type { AdapterName } from './support/bridge-test-app.js';
import type { ListeningApp } from './support/listening-app.js';
import { startJwtApp } from './support/simple-jwt-app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const line = defaultDjangoLine();
/** The SimpleJWT each line's suite ships (test/interop/drf-simplejwt-provisioning.interop.spec.ts checks it). */
const RELEASE = { '3.2': '5.2.2', '4.2': '5.5.0', '5.2': '5.5.1', '6.1': '5.5.0' }[line];
const ROTATION = { ROTATE_REFRESH_TOKENS: true, BLACKLIST_AFTER_ROTATION: true };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A raw request, so headers with any bytes reach the server as sent. */
function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; body: Json | null }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(`${base}${path}`, { method, agent: false, headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Json | null = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

describe.each<[AdapterName, DjangoEngine]>([
  ['express', 'mysql'],
  ['fastify', 'postgres'],
])(`SimpleJWT e2e on %s over %s, Django ${line}`, (adapter, engine) => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  let app: ListeningApp;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  beforeAll(async () => {
    project = DjangoProject.throwaway(engine, { secretKey, line });
    project.batch([
      djangoCalls.migrate(),
      djangoCalls.createUser({ username: 'alice', password: 'pw-alice', permissions: ['notes.view_note'] }),
      djangoCalls.createUser({ username: 'bob', password: 'pw-bob' }),
      djangoCalls.createUser({ username: 'eve', password: 'pw-eve', isActive: false }),
    ]);
    app = await startJwtApp(adapter, project.connection(), {
      secretKey,
      djangoVersion: line,
      authentication: ['session', 'jwt'],
      simpleJwt: { release: RELEASE, blacklist: true, rotateRefreshTokens: true, blacklistAfterRotation: true, updateLastLogin: true },
      startupChecks: false,
    });
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    project?.dropDatabase();
  });

  it("Nest's POST /api/token answers as TokenObtainPairView; its tokens open Nest and Django, Django's open Nest", async () => {
    const wrong = await call(app.url, 'POST', '/api/token', {}, { username: 'alice', password: 'nope' });
    const djangoWrong = djangoProject<Json>(project, { op: 'project_request', method: 'POST', path: '/jwt/token/', json: { username: 'alice', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(djangoWrong.body);
    expect(wrong.headers['www-authenticate']).toBe(djangoWrong.headers['www-authenticate']);
    const pair = await call(app.url, 'POST', '/api/token', {}, { username: 'alice', password: 'pw-alice' });
    expect(pair).toMatchObject({ status: 200, body: { refresh: expect.any(String), access: expect.any(String) } });
    expect(project.getUser('alice').last_login).not.toBeNull();
    expect(await call(app.url, 'GET', '/me', bearer(pair.body!.access))).toMatchObject({ status: 200, body: { username: 'alice', credential: 'jwt' } });
    expect(djangoProject<Json>(project, { op: 'project_request', path: '/jwt/me/', headers: { Authorization: `Bearer ${pair.body!.access}` } })).toMatchObject({ status: 200, body: { username: 'alice', auth: 'jwt' } });
    const theirs = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'bob' });
    expect(await call(app.url, 'GET', '/jwt-only', bearer(theirs.access))).toMatchObject({ status: 200, body: { username: 'bob' } });
  });

  it('@RequirePermissions holds for a JWT user: 403 without the permission, 200 with it', async () => {
    const alice = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'alice' });
    const bob = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'bob' });
    expect(await call(app.url, 'GET', '/notes', bearer(alice.access))).toMatchObject({ status: 200, body: { username: 'alice' } });
    expect((await call(app.url, 'GET', '/notes', bearer(bob.access))).status).toBe(403);
    expect((await call(app.url, 'GET', '/notes')).status).toBe(401);
  });

  it('rotation with the blacklist across: a refresh token rotated by Nest is refused by both, and one rotated by Django by Nest', async () => {
    const pair = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'alice' });
    const rotated = await call(app.url, 'POST', '/api/token/refresh', {}, { refresh: pair.refresh });
    expect(rotated).toMatchObject({ status: 200, body: { access: expect.any(String), refresh: expect.any(String) } });
    const again = await call(app.url, 'POST', '/api/token/refresh', {}, { refresh: pair.refresh });
    const djangoAgain = djangoProject<Json>(project, { op: 'jwt_refresh', refresh: pair.refresh, jwt: ROTATION });
    expect(again.status).toBe(401);
    expect(again.body).toEqual(djangoAgain.body);
    expect(again.body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    const djangoRotated = djangoProject<Json>(project, { op: 'jwt_refresh', refresh: rotated.body!.refresh, jwt: ROTATION });
    expect(djangoRotated.status).toBe(200);
    expect(await call(app.url, 'POST', '/api/token/refresh', {}, { refresh: rotated.body!.refresh })).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted' } });
    expect(await call(app.url, 'POST', '/api/token/refresh', {}, { refresh: djangoRotated.body.refresh })).toMatchObject({ status: 200 });
  });

  it('every bad token or header is a 401 with the Bearer challenge, never a 500', async () => {
    const t = now();
    const pair = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'alice', now: t });
    const old = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'alice', now: t - 86_401 });
    const eve = djangoProject<Json>(project, { op: 'jwt_obtain_pair', username: 'eve', now: t });
    const [h, p, s] = pair.access.split('.');
    const claims = pair.access_payload;
    const { user_id: _u, ...anonymous } = claims;
    const sign = (payload: object, key = secretKey) => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    const headers: [string, string][] = [
      ['tampered', `Bearer ${h}.${b64({ ...claims, user_id: '2' })}.${s}`],
      ['bad signature', `Bearer ${h}.${p}.${s.slice(0, -4)}AAAA`],
      ['expired', `Bearer ${old.access}`],
      ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${p}.`],
      ['another key', `Bearer ${sign(claims, 'another key')}`],
      ['refresh as access', `Bearer ${pair.refresh}`],
      ['no user claim', `Bearer ${sign(anonymous)}`],
      ['unknown user', `Bearer ${sign({ ...claims, user_id: '987654' })}`],
      ['user id not a key', `Bearer ${sign({ ...claims, user_id: 'x'.repeat(40) })}`],
      ['user id an object', `Bearer ${sign({ ...claims, user_id: { id: 1 } })}`],
      ['inactive user', `Bearer ${eve.access}`],
      ['garbage', 'Bearer abc'],
      ['no value', 'Bearer'],
      ['two values', `Bearer ${pair.access} more`],
      ['long', `Bearer ${'a'.repeat(12_000)}`],
      ['non-ASCII', `Bearer ${h}.\u00ff\u00fe.${s}`],
    ];
    for (const [name, value] of headers) {
      const res = await call(app.url, 'GET', '/me', { authorization: value }).catch((e: Error) => ({ status: e.message, headers: {} as Record<string, unknown> }));
      expect([name, res.status, res.headers['www-authenticate']]).toEqual([name, 401, 'Bearer realm="api"']);
    }
    // Past Node's header limit the server itself answers 431, before any handler.
    // (Fastify's client-error handler may close the connection instead.)
    const oversize = await call(app.url, 'GET', '/me', { authorization: `Bearer ${'a'.repeat(20_000)}` }).then((r) => r.status, (e: Error) => e.message);
    expect([431, 'socket hang up']).toContain(oversize);
    // Another scheme is not this credential: no user, still a 401, never a 500.
    expect((await call(app.url, 'GET', '/me', { authorization: 'Basic Zm9vOmJhcg==' })).status).toBe(401);
    for (const refresh of [pair.access, 'garbage', 42, null, old.refresh]) {
      const res = await call(app.url, 'POST', '/api/token/refresh', {}, { refresh });
      expect([refresh, res.status]).toEqual([refresh, 401]);
    }
  });
});

/**
 * The line of this run has Debian's Django REST framework and SimpleJWT, wired into the test project,
 * and the oracle ops the credential specs build on answer as those packages do: DRF tokens, SimpleJWT
 * pairs (HS and RS, frozen clocks, the blacklist), password-reset links, and the project's views over
 * HTTP through the whole middleware stack. Nest code is not involved here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { DjangoProject, djangoCalls, type DjangoEngine } from '../django/django-project.js';
import { defaultDjangoLine } from '../django/django-line.js';
import { startDjangoServer } from '../django/django-server.js';
import { django, djangoProject, djangoProjectAll, djangoProjectBatch } from '../django/oracle.js';
import { randomEnvSecret, randomInt } from '../support/random.js';

const line = defaultDjangoLine();
const NOW = 1_700_000_000 + randomInt(100_000_000);

/** What each line's suite ships (scripts/django-lines.mjs pins; 3.2 is Debian 12's own). */
// 6.1's root has sid's DRF: trixie's 3.16 does not run on Django 6.x.
const PACKAGES = {
  '3.2': { djangorestframework: '3.14.0', simplejwt: '5.2.2', pyjwt: '2.6.0' },
  '4.2': { djangorestframework: '3.16.0', simplejwt: '5.5.0', pyjwt: '2.10.1' },
  '5.2': { djangorestframework: '3.18.3', simplejwt: '5.5.1', pyjwt: '2.15.1' },
  '6.1': { djangorestframework: '3.18.3', simplejwt: '5.5.0', pyjwt: '2.10.1' },
}[line];
const HAS_REVOKE = line !== '3.2';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

it(`Django ${line} has DRF ${PACKAGES.djangorestframework}, SimpleJWT ${PACKAGES.simplejwt} and PyJWT ${PACKAGES.pyjwt} with cryptography`, () => {
  const packages = django<Json>({ op: 'credential_packages' });
  expect(packages).toMatchObject({ ...PACKAGES, pyjwt_has_crypto: true });
});

// MariaDB and PostgreSQL: django-schema.interop.spec.ts migrates every line on both, token apps included.
describe.each<DjangoEngine>(['sqlite'])('migrate on %s', (engine) => {
  let project: DjangoProject;
  beforeAll(() => {
    project = DjangoProject.throwaway(engine, { secretKey: randomEnvSecret(), line });
    project.batch([djangoCalls.migrate(), djangoCalls.createUser({ username: 'carol', password: 'pw-carol' })]);
  }, 180_000);
  afterAll(() => {
    project?.dropDatabase();
  });

  it('creates the authtoken and blacklist tables, and the ops write to them', () => {
    for (const table of ['authtoken_token', 'token_blacklist_outstandingtoken', 'token_blacklist_blacklistedtoken']) {
      expect(project.columns(table).length).toBeGreaterThan(2);
    }
    const [token, pair] = djangoProjectAll<Json>(project, [
      { op: 'drf_token_create', username: 'carol' },
      { op: 'jwt_obtain_pair', username: 'carol', now: NOW },
    ]);
    const [blacklisted, state, refreshed] = djangoProjectAll<Json>(project, [
      { op: 'jwt_blacklist', refresh: pair.refresh, now: NOW + 1 },
      { op: 'jwt_blacklist_state', jti: pair.refresh_payload.jti },
      { op: 'jwt_refresh', refresh: pair.refresh, now: NOW + 2 },
    ]);
    expect(project.sql('SELECT COUNT(*) AS n FROM authtoken_token').rows?.[0]).toEqual({ n: 1 });
    expect(token.key).toMatch(/^[0-9a-f]{40}$/);
    expect(blacklisted).toEqual({ blacklisted: true });
    expect(state).toMatchObject({ blacklisted: true, outstanding: { token: pair.refresh } });
    expect(refreshed).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted', code: 'token_not_valid' } });
  });
});

describe('on SQLite', () => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  beforeAll(() => {
    project = DjangoProject.throwaway('sqlite', { secretKey, line, passwordResetTimeout: 3600 });
    project.batch([
      djangoCalls.migrate(),
      djangoCalls.createUser({ username: 'alice', password: 'pw-alice', email: 'alice@example.com' }),
      djangoCalls.createUser({ username: 'bob', password: 'pw-bob', isActive: false }),
    ]);
  }, 120_000);
  afterAll(() => {
    project?.dropDatabase();
  });

  it('DRF TokenAuthentication: a key, its refusals and its header, as DRF answers them', () => {
    const [created, again, inactive] = djangoProjectAll<Json>(project, [
      { op: 'drf_token_create', username: 'alice' },
      { op: 'drf_token_create', username: 'alice' },
      { op: 'drf_token_create', username: 'bob' },
    ]);
    expect(created.key).toMatch(/^[0-9a-f]{40}$/);
    expect(again).toEqual({ key: created.key, created: false });
    const refused = (detail: string) => ({ user: null, error: { detail, code: 'authentication_failed', status: 401 }, www_authenticate: 'Token' });
    const answers = djangoProjectAll<Json>(project, [
      { op: 'drf_authenticate', header: `Token ${created.key}` },
      { op: 'drf_authenticate', header: `token ${created.key}` },
      { op: 'drf_authenticate', header: `Token ${'0'.repeat(40)}` },
      { op: 'drf_authenticate', header: 'Token' },
      { op: 'drf_authenticate', header: `Token ${created.key} extra` },
      { op: 'drf_authenticate', header: new Uint8Array([...Buffer.from('Token '), 0xff, 0xfe]) },
      { op: 'drf_authenticate', header: `Token ${inactive.key}` },
      { op: 'drf_authenticate', header: `Bearer ${created.key}` },
      { op: 'drf_authenticate', header: `Api-Key ${created.key}`, keyword: 'Api-Key' },
    ]);
    expect(answers).toEqual([
      { user: 'alice', key: created.key },
      { user: 'alice', key: created.key },
      refused('Invalid token.'),
      refused('Invalid token header. No credentials provided.'),
      refused('Invalid token header. Token string should not contain spaces.'),
      refused('Invalid token header. Token string should not contain invalid characters.'),
      refused('User inactive or deleted.'),
      { user: null, www_authenticate: 'Token' },
      { user: 'alice', key: created.key },
    ]);
    const [rotated, old, fresh, me] = djangoProjectAll<Json>(project, [
      { op: 'drf_token_rotate', username: 'alice' },
      { op: 'drf_authenticate', header: `Token ${created.key}` },
      { op: 'drf_token_get', username: 'alice' },
      { op: 'project_request', path: '/drf/me/', headers: { Authorization: `Token ${created.key}` } },
    ]);
    expect(rotated.old).toBe(created.key);
    expect(old.error.detail).toBe('Invalid token.');
    expect(fresh).toBe(rotated.key);
    expect(me).toMatchObject({ status: 401, body: { detail: 'Invalid token.' }, headers: { 'www-authenticate': 'Token' } });
    expect(djangoProject<Json>(project, { op: 'project_request', path: '/drf/me/', headers: { Authorization: `Token ${rotated.key}` } })).toMatchObject({ status: 200, body: { username: 'alice', auth: 'token' } });
  });

  it('SimpleJWT: a pair at a frozen instant, accepted until exp, refreshed by the view, refused when expired or of the wrong type', () => {
    const [pair] = djangoProjectAll<Json>(project, [{ op: 'jwt_obtain_pair', username: 'alice', now: NOW }]);
    expect(pair.access_payload).toMatchObject({ token_type: 'access', iat: NOW, exp: NOW + 300 });
    expect(pair.refresh_payload).toMatchObject({ token_type: 'refresh', iat: NOW, exp: NOW + 86_400 });
    // SimpleJWT 5.5.1 writes the user id as text; 5.2.2 and 5.5.0 keep an integer pk an integer.
    const id = project.getUser('alice').id;
    expect(pair.access_payload.user_id).toBe(PACKAGES.simplejwt === '5.5.1' ? String(id) : id);
    const [ok, last, expired, wrongType, refreshed, viaView] = djangoProjectAll<Json>(project, [
      { op: 'jwt_authenticate', header: `Bearer ${pair.access}`, now: NOW + 10 },
      { op: 'jwt_authenticate', header: `Bearer ${pair.access}`, now: NOW + 299 },
      { op: 'jwt_authenticate', header: `Bearer ${pair.access}`, now: NOW + 301 },
      { op: 'jwt_authenticate', header: `Bearer ${pair.refresh}`, now: NOW + 10 },
      { op: 'jwt_refresh', refresh: pair.refresh, now: NOW + 60 },
      { op: 'project_request', path: '/jwt/me/', headers: { Authorization: `Bearer ${pair.access}` }, now: NOW + 10 },
    ]);
    expect(ok).toMatchObject({ user: 'alice', claims: { jti: pair.access_payload.jti } });
    expect(last.user).toBe('alice');
    expect(expired).toMatchObject({ user: null, error: { status: 401, body: { code: 'token_not_valid' } }, www_authenticate: 'Bearer realm="api"' });
    expect(wrongType.error.body.messages[0]).toMatchObject({ token_type: 'access', message: 'Token has wrong type' });
    expect(refreshed).toMatchObject({ status: 200, body: { access: expect.any(String) } });
    expect(viaView).toMatchObject({ status: 200, body: { username: 'alice', auth: 'jwt' } });
    const decoded = djangoProject<Json>(project, { op: 'jwt_decode', token: refreshed.body.access, now: NOW + 60 });
    // SimpleJWT 5.5.1 stopped copying the refresh token's iat into the access token it makes.
    expect(decoded.payload).toMatchObject({ iat: PACKAGES.simplejwt === '5.5.1' ? NOW + 60 : NOW, exp: NOW + 360 });
  });

  it("SimpleJWT's views over HTTP: obtain with a password, wrong password, rotation with blacklisting", () => {
    const settings = { ROTATE_REFRESH_TOKENS: true, BLACKLIST_AFTER_ROTATION: true, UPDATE_LAST_LOGIN: true };
    const [obtained, wrong] = djangoProjectAll<Json>(project, [
      { op: 'project_request', method: 'POST', path: '/jwt/token/', json: { username: 'alice', password: 'pw-alice' }, now: NOW, jwt: settings },
      { op: 'project_request', method: 'POST', path: '/jwt/token/', json: { username: 'alice', password: 'nope' }, now: NOW, jwt: settings },
    ]);
    expect(obtained).toMatchObject({ status: 200, body: { access: expect.any(String), refresh: expect.any(String) } });
    expect(wrong).toMatchObject({ status: 401, body: { detail: 'No active account found with the given credentials' } });
    expect(project.getUser('alice').last_login).toMatch(new RegExp(`^${new Date(NOW * 1000).toISOString().slice(0, 16)}`));
    const [rotated, reused] = djangoProjectAll<Json>(project, [
      { op: 'jwt_refresh', refresh: obtained.body.refresh, now: NOW + 5, jwt: settings },
      { op: 'jwt_refresh', refresh: obtained.body.refresh, now: NOW + 6, jwt: settings },
    ]);
    expect(rotated).toMatchObject({ status: 200, body: { access: expect.any(String), refresh: expect.any(String) } });
    expect(reused).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted' } });
  });

  it('SimpleJWT claim names and header types: per request, and from the DJANGO_JWT_* environment', () => {
    const names = { USER_ID_CLAIM: 'uid', TOKEN_TYPE_CLAIM: 'kind', JTI_CLAIM: 'token_id', AUTH_HEADER_TYPES: ['JWT'] };
    const [pair] = djangoProjectAll<Json>(project, [{ op: 'jwt_obtain_pair', username: 'alice', now: NOW, jwt: names }]);
    expect(Object.keys(pair.access_payload).sort()).toEqual(['exp', 'iat', 'kind', 'token_id', 'uid']);
    const [ok, other, refreshed] = djangoProjectAll<Json>(project, [
      { op: 'jwt_authenticate', header: `JWT ${pair.access}`, now: NOW + 1, jwt: names },
      { op: 'jwt_authenticate', header: `Bearer ${pair.access}`, now: NOW + 1, jwt: names },
      { op: 'jwt_refresh', refresh: pair.refresh, now: NOW + 1, jwt: names },
    ]);
    expect(ok.user).toBe('alice');
    expect(other).toEqual({ user: null, www_authenticate: 'JWT realm="api"' });
    const access = djangoProject<Json>(project, { op: 'jwt_decode', token: refreshed.body.access, now: NOW + 1, jwt: names }).payload;
    expect(access.token_id).not.toBe(pair.refresh_payload.token_id);
    expect(access.kind).toBe('access');

    const configured = project.withSettings({ jwt: { algorithm: 'HS384', accessLifetime: 120, authHeaderTypes: ['JWT', 'Bearer'], signingKey: 'jwt-only-key' } });
    const [envPair] = djangoProjectAll<Json>(configured, [{ op: 'jwt_obtain_pair', username: 'alice', now: NOW }]);
    expect(JSON.parse(Buffer.from(envPair.access.split('.')[0], 'base64url').toString()).alg).toBe('HS384');
    expect(envPair.access_payload.exp).toBe(NOW + 120);
    const [viaEnv, withoutKey] = [
      djangoProject<Json>(configured, { op: 'project_request', path: '/jwt/me/', headers: { Authorization: `Bearer ${envPair.access}` }, now: NOW + 1 }),
      djangoProject<Json>(project, { op: 'jwt_authenticate', header: `Bearer ${envPair.access}`, now: NOW + 1 }),
    ];
    expect(viaEnv).toMatchObject({ status: 200, body: { username: 'alice' } });
    expect(withoutKey.error.status).toBe(401);
  });

  it('SimpleJWT with RS256, an audience and an issuer set per request; an HS256 token forged with the public key is refused', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const rs = { ALGORITHM: 'RS256', SIGNING_KEY: privateKey, VERIFYING_KEY: publicKey, AUDIENCE: 'api', ISSUER: 'django' };
    const [pair] = djangoProjectAll<Json>(project, [{ op: 'jwt_obtain_pair', username: 'alice', now: NOW, jwt: rs }]);
    expect(JSON.parse(Buffer.from(pair.access.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'RS256' });
    expect(pair.access_payload).toMatchObject({ aud: 'api', iss: 'django' });
    const results = djangoProjectBatch(project, [
      { op: 'jwt_authenticate', header: `Bearer ${pair.access}`, now: NOW + 1, jwt: rs },
      { op: 'jwt_authenticate', header: `Bearer ${pair.access}`, now: NOW + 1, jwt: { ...rs, AUDIENCE: 'other' } },
      { op: 'jwt_encode', payload: pair.access_payload, jwt: { ALGORITHM: 'HS256', SIGNING_KEY: publicKey } },
    ]);
    expect(results[0].ok).toMatchObject({ user: 'alice' });
    expect((results[1].ok as Json).error.status).toBe(401);
    // PyJWT itself refuses to HMAC-sign with a PEM key: the algorithm confusion cannot even be made here.
    expect(results[2].error ?? '').toMatch(/InvalidKeyError|asymmetric key|PEM/);
  });

  it(`revocation on password change ${HAS_REVOKE ? 'exists' : 'does not exist'} in SimpleJWT ${PACKAGES.simplejwt}`, () => {
    const [result] = djangoProjectBatch(project, [{ op: 'jwt_obtain_pair', username: 'alice', now: NOW, jwt: { CHECK_REVOKE_TOKEN: true } }]);
    if (HAS_REVOKE) expect((result.ok as Json).access_payload).toHaveProperty('hash_password');
    else expect(result.error).toMatch(/has no setting CHECK_REVOKE_TOKEN/);
  });

  it('password-reset links: made and checked as Django does, on the database and standalone, until PASSWORD_RESET_TIMEOUT', () => {
    const made = djangoProject<Json>(project, { op: 'password_reset_make', username: 'alice', now: NOW });
    const [again, valid, expired, uid, user] = djangoProjectAll<Json>(project, [
      { op: 'password_reset_make', username: 'alice', now: NOW },
      { op: 'password_reset_check', username: 'alice', token: made.token, now: NOW + 3600 },
      { op: 'password_reset_check', username: 'alice', token: made.token, now: NOW + 3601 },
      { op: 'password_reset_uidb64', pk: project.getUser('alice').id },
      { op: 'password_reset_user', uidb64: made.uidb64 },
    ]);
    expect(made).toMatchObject({ uidb64: uid, token: expect.stringMatching(/^[0-9a-z]+-[0-9a-f]{20,40}$/) });
    expect(again.token).toBe(made.token);
    expect([valid, expired, user]).toEqual([true, false, project.getUser('alice').id]);
    const view = djangoProject<Json>(project, { op: 'project_request', path: `/reset/${made.uidb64}/${made.token}/`, now: NOW + 1 });
    expect(view).toMatchObject({ status: 200, body: { valid: true, username: 'alice' } });

    const standalone = { pk: 42, password: 'pbkdf2_sha256$1$salt$hash', last_login: (NOW - 86_400) * 1000, email: 'x@example.com' };
    const settings = { SECRET_KEY: secretKey, ...(line === '3.2' ? { DEFAULT_HASHING_ALGORITHM: 'sha1' } : { SECRET_KEY_FALLBACKS: ['older-secret'] }) };
    const token = django<Json>({ op: 'password_reset_make', user: standalone, now: NOW, settings }).token;
    expect(django({ op: 'password_reset_check', user: standalone, token, now: NOW + 10, settings })).toBe(true);
    expect(django({ op: 'password_reset_check', user: { ...standalone, password: 'changed' }, token, now: NOW + 10, settings })).toBe(false);
  });

  it("over real HTTP (manage.py runserver): DRF's and SimpleJWT's views and the reset link answer on a socket", async () => {
    const server = await startDjangoServer(project);
    try {
      const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) }).then(async (r) => ({ status: r.status, body: await r.json() as Json, www: r.headers.get('www-authenticate') }));
      const key = djangoProject<Json>(project, { op: 'drf_token_create', username: 'alice' }).key;
      expect(await call('/drf/me/', { headers: { Authorization: `Token ${key}` } })).toMatchObject({ status: 200, body: { username: 'alice', auth: 'token' } });
      expect(await call('/drf/me/', { headers: { Authorization: 'Token wrong' } })).toMatchObject({ status: 401, body: { detail: 'Invalid token.' }, www: 'Token' });
      const obtained = await call('/jwt/token/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'pw-alice' }) });
      expect(obtained.status).toBe(200);
      expect(await call('/jwt/me/', { headers: { Authorization: `Bearer ${obtained.body.access}` } })).toMatchObject({ status: 200, body: { username: 'alice', auth: 'jwt' } });
      expect(await call('/jwt/me/', { headers: { Authorization: `Bearer ${obtained.body.refresh}` } })).toMatchObject({ status: 401, www: 'Bearer realm="api"' });
      const link = djangoProject<Json>(project, { op: 'password_reset_make', username: 'alice' });
      expect(await call(`/reset/${link.uidb64}/${link.token}/`)).toEqual({ status: 200, body: { valid: true, username: 'alice' }, www: null });
    } finally {
      await server.stop();
    }
  });
});

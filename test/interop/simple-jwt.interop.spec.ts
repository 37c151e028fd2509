/**
 * SimpleJWT both ways against the real rest_framework_simplejwt of the line (5.2.2 on 3.2, 5.5.x
 * later), on the test project's database: pairs made by Django verify and refresh in Nest, pairs
 * made in Nest authenticate in Django's JWTAuthentication and refresh in its TokenRefreshView,
 * every bad token is refused by both with the same body, and rotation with the blacklist is
 * honoured both ways through the shared token_blacklist tables on SQLite, MariaDB and PostgreSQL.
 * The Nest side is SimpleJwtService over the bridge's TypeORM stores (no Nest app: see the e2e).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DjangoAuthService } from '../../libs/nest/src/auth/django-auth.service.js';
import type { ResolvedBridgeOptions } from '../../libs/nest/src/django-bridge.options.js';
import { SimpleJwtAuthenticationFailed } from '../../libs/nest/src/simple-jwt/simple-jwt-errors.js';
import { resolveSimpleJwtOptions, type SimpleJwtOptions } from '../../libs/nest/src/simple-jwt/simple-jwt.options.js';
import { SimpleJwtService } from '../../libs/nest/src/simple-jwt/simple-jwt.service.js';
import { TypeOrmTokenBlacklistStore } from '../../libs/nest/src/simple-jwt/typeorm-token-blacklist.store.js';
import { TypeOrmUserStore } from '../../libs/nest/src/users/typeorm-user.store.js';
import { resolveUserModel } from '../../libs/nest/src/users/user-model.js';
import { defaultDjangoLine } from '../django/django-line.js';
import { DjangoProject, djangoCalls, type DjangoEngine } from '../django/django-project.js';
import { djangoProject, djangoProjectAll } from '../django/oracle.js';
import { randomEnvSecret, randomInt } from '../support/random.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const line = defaultDjangoLine();
/** The SimpleJWT each line's suite ships (test/interop/drf-simplejwt-provisioning.interop.spec.ts checks it). */
const RELEASE = { '3.2': '5.2.2', '4.2': '5.5.0', '5.2': '5.5.1', '6.1': '5.5.0' }[line];
const NOW = 1_700_000_000 + randomInt(100_000_000);
const HAS_REVOKE = line !== '3.2';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString());

/** SimpleJWT's names for the Nest options used here (the oracle's per-request `jwt`). */
function djangoSettings(o: SimpleJwtOptions): Record<string, unknown> {
  const names: Record<string, string> = { algorithm: 'ALGORITHM', signingKey: 'SIGNING_KEY', verifyingKey: 'VERIFYING_KEY', audience: 'AUDIENCE', issuer: 'ISSUER', leeway: 'LEEWAY', rotateRefreshTokens: 'ROTATE_REFRESH_TOKENS', blacklistAfterRotation: 'BLACKLIST_AFTER_ROTATION', updateLastLogin: 'UPDATE_LAST_LOGIN', checkRevokeToken: 'CHECK_REVOKE_TOKEN' };
  return Object.fromEntries(Object.entries(o).filter(([k]) => k in names).map(([k, v]) => [names[k], v]));
}

class Side {
  readonly jwt: SimpleJwtService;
  constructor(
    readonly project: DjangoProject,
    dataSource: DataSource,
    readonly settings: SimpleJwtOptions,
    secretKey: string,
  ) {
    const userModel = resolveUserModel();
    const options = { userModel, simpleJwt: resolveSimpleJwtOptions({ blacklist: true, release: RELEASE, ...settings }, { secretKey, djangoVersion: line, userModel }) } as unknown as ResolvedBridgeOptions;
    const users = new TypeOrmUserStore(dataSource, { userModel });
    this.jwt = new SimpleJwtService(options, users, new TypeOrmTokenBlacklistStore(dataSource), { authenticate: async () => null } as unknown as DjangoAuthService);
  }

  /** Django's answer to one op, with these settings. */
  django(op: { op: string } & Json): Json {
    return djangoProject<Json>(this.project, { ...op, op: op.op, jwt: djangoSettings(this.settings) });
  }

  djangoAll(ops: ({ op: string } & Json)[]): Json[] {
    return djangoProjectAll<Json>(this.project, ops.map((op) => ({ ...op, op: op.op, jwt: djangoSettings(this.settings) })));
  }

  /** Nest's refusal of an access token, as JWTAuthentication's answer reads. */
  async nestRefusal(token: string, now: number): Promise<Json> {
    try {
      const { user } = await this.jwt.verifyAccess(token, now);
      return { user: user.username };
    } catch (err) {
      if (!(err instanceof SimpleJwtAuthenticationFailed)) throw err;
      return { user: null, error: { status: err.getStatus(), body: err.body }, www_authenticate: err.challenge };
    }
  }
}

async function dataSourceFor(project: DjangoProject): Promise<DataSource> {
  return new DataSource({ ...project.connection(), synchronize: false, logging: false, entities: [] } as never).initialize();
}

function hs256(payload: object, key: string): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

describe(`SimpleJWT on Django ${line}, SQLite`, () => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  let dataSource: DataSource;
  let side: Side;
  beforeAll(async () => {
    project = DjangoProject.throwaway('sqlite', { secretKey, line });
    project.batch([
      djangoCalls.migrate(),
      djangoCalls.createUser({ username: 'alice', password: 'pw-alice' }),
      djangoCalls.createUser({ username: 'bob', password: 'pw-bob', isActive: false }),
      djangoCalls.createUser({ username: 'carol', password: 'pw-carol' }),
    ]);
    dataSource = await dataSourceFor(project);
    side = new Side(project, dataSource, {}, secretKey);
  }, 180_000);
  afterAll(async () => {
    await dataSource?.destroy();
    project?.dropDatabase();
  });

  it('a pair made by Django verifies and refreshes in Nest; the refreshed access token authenticates in Django', async () => {
    const pair = side.django({ op: 'jwt_obtain_pair', username: 'alice', now: NOW });
    const { user, token } = await side.jwt.verifyAccess(pair.access, NOW + 5);
    expect(user.username).toBe('alice');
    expect(token.payload).toEqual(pair.access_payload);
    const refreshed = await side.jwt.refresh(pair.refresh, NOW + 60);
    expect(refreshed.refresh).toBeUndefined();
    const answer = side.django({ op: 'jwt_authenticate', header: `Bearer ${refreshed.access}`, now: NOW + 61 });
    expect(answer).toMatchObject({ user: 'alice', claims: { token_type: 'access', exp: NOW + 60 + 300 } });
  });

  it('a pair made in Nest has the structure Django writes, authenticates in JWTAuthentication and refreshes in TokenRefreshView', async () => {
    const alice = (await new TypeOrmUserStore(dataSource).findByUsername('alice'))!;
    const nest = await side.jwt.obtainPair(alice, NOW);
    const django = side.django({ op: 'jwt_obtain_pair', username: 'alice', now: NOW });
    for (const kind of ['access', 'refresh'] as const) {
      expect(part(nest[kind], 0)).toEqual(part(django[kind], 0));
      const ours = part(nest[kind], 1);
      const theirs = django[`${kind}_payload`];
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      expect(Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, typeof v]))).toEqual(Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, typeof v])));
      expect({ ...ours, jti: null }).toEqual({ ...theirs, jti: null });
    }
    const [auth, refreshed, viaView] = side.djangoAll([
      { op: 'jwt_authenticate', header: `Bearer ${nest.access}`, now: NOW + 1 },
      { op: 'jwt_refresh', refresh: nest.refresh, now: NOW + 30 },
      { op: 'project_request', path: '/jwt/me/', headers: { Authorization: `Bearer ${nest.access}` }, now: NOW + 2 },
    ]);
    expect(auth).toMatchObject({ user: 'alice', claims: part(nest.access, 1) });
    expect(refreshed).toMatchObject({ status: 200, body: { access: expect.any(String) } });
    expect(viaView).toMatchObject({ status: 200, body: { username: 'alice', auth: 'jwt' } });
    await expect(side.jwt.verifyAccess(refreshed.body.access, NOW + 31)).resolves.toMatchObject({ user: { username: 'alice' } });
  });

  it('every bad access token is refused by Nest with the body and challenge Django answers', async () => {
    const pair = side.django({ op: 'jwt_obtain_pair', username: 'alice', now: NOW });
    const bobs = side.django({ op: 'jwt_obtain_pair', username: 'bob', now: NOW });
    const [h, p, s] = pair.access.split('.');
    const claims = pair.access_payload;
    const { user_id: _u, ...anonymous } = claims;
    const crafted = side.djangoAll([
      { op: 'jwt_encode', payload: anonymous },
      { op: 'jwt_encode', payload: { ...claims, user_id: '999999' } },
      { op: 'jwt_encode', payload: { ...claims, user_id: 'not-a-number-x' } },
    ]);
    const bad: [string, string, number][] = [
      ['tampered claims', `${h}.${b64({ ...claims, user_id: '3' })}.${s}`, NOW + 1],
      ['tampered signature', `${h}.${p}.${s.slice(0, -4)}AAAA`, NOW + 1],
      ['expired', pair.access, NOW + 301],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, NOW + 1],
      ['another key', hs256(claims, 'not the secret key'), NOW + 1],
      ['refresh used as access', pair.refresh, NOW + 1],
      ['garbage', 'abc.def.ghi', NOW + 1],
      ['no user claim', crafted[0] as unknown as string, NOW + 1],
      ['unknown user', crafted[1] as unknown as string, NOW + 1],
      ['inactive user', bobs.access, NOW + 1],
    ];
    for (const [name, token, now] of bad) {
      const django = side.django({ op: 'jwt_authenticate', header: `Bearer ${token}`, now });
      const { codes: _c, ...error } = django.error;
      expect([name, await side.nestRefusal(token, now)]).toEqual([name, { ...django, error }]);
    }
    // A user id that is not a key: Django's ORM raises ValueError there (a 500); Nest answers 401.
    expect(await side.nestRefusal(crafted[2] as unknown as string, NOW + 1)).toMatchObject({ error: { status: 401, body: { detail: 'User not found' } } });
  });

  it('an audience and an issuer, and RS256 keys: accepted across, and an HS256 token made with the public key refused by both', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const rs = new Side(project, dataSource, { algorithm: 'RS256', signingKey: privateKey, verifyingKey: publicKey, audience: 'api', issuer: 'django' }, secretKey);
    const alice = (await new TypeOrmUserStore(dataSource).findByUsername('alice'))!;
    const nest = await rs.jwt.obtainPair(alice, NOW);
    const django = rs.django({ op: 'jwt_obtain_pair', username: 'alice', now: NOW });
    expect(part(nest.access, 0)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(rs.django({ op: 'jwt_authenticate', header: `Bearer ${nest.access}`, now: NOW + 1 })).toMatchObject({ user: 'alice', claims: { aud: 'api', iss: 'django' } });
    await expect(rs.jwt.verifyAccess(django.access, NOW + 1)).resolves.toMatchObject({ user: { username: 'alice' } });
    const forged = hs256(django.access_payload, publicKey);
    const refusedThere = rs.django({ op: 'jwt_authenticate', header: `Bearer ${forged}`, now: NOW + 1 });
    const { codes: _c, ...error } = refusedThere.error;
    expect(await rs.nestRefusal(forged, NOW + 1)).toEqual({ ...refusedThere, error });
    // Another audience, or none: refused on both sides alike.
    const other = new Side(project, dataSource, { algorithm: 'RS256', signingKey: privateKey, verifyingKey: publicKey, audience: 'other', issuer: 'django' }, secretKey);
    const wrongAud = other.django({ op: 'jwt_authenticate', header: `Bearer ${nest.access}`, now: NOW + 1 });
    expect(await other.nestRefusal(nest.access, NOW + 1)).toEqual({ ...wrongAud, error: { status: 401, body: wrongAud.error.body } });
    const plain = await side.jwt.obtainPair(alice, NOW);
    const hsAud = new Side(project, dataSource, { audience: 'api' }, secretKey);
    const noAud = hsAud.django({ op: 'jwt_authenticate', header: `Bearer ${plain.access}`, now: NOW + 1 });
    expect(await hsAud.nestRefusal(plain.access, NOW + 1)).toEqual({ ...noAud, error: { status: 401, body: noAud.error.body } });
  });

  it('ES256 and HS512: tokens from either side verify on the other', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const alice = (await new TypeOrmUserStore(dataSource).findByUsername('alice'))!;
    for (const settings of [{ algorithm: 'ES256', signingKey: privateKey, verifyingKey: publicKey }, { algorithm: 'HS512', leeway: 30 }] as SimpleJwtOptions[]) {
      const other = new Side(project, dataSource, settings, secretKey);
      const nest = await other.jwt.obtainPair(alice, NOW);
      const django = other.django({ op: 'jwt_obtain_pair', username: 'alice', now: NOW });
      expect(part(nest.access, 0)).toEqual(part(django.access, 0));
      expect(other.django({ op: 'jwt_authenticate', header: `Bearer ${nest.access}`, now: NOW + 1 })).toMatchObject({ user: 'alice' });
      await expect(other.jwt.verifyAccess(django.access, NOW + 1)).resolves.toMatchObject({ user: { username: 'alice' } });
      // Within LEEWAY (HS512 case) both still accept a token past its exp; past it both refuse.
      const late = NOW + 300 + (settings.leeway ?? 0) - 1;
      expect((await other.nestRefusal(django.access, late)).user).toBe(other.django({ op: 'jwt_authenticate', header: `Bearer ${django.access}`, now: late }).user);
      const later = NOW + 300 + (settings.leeway ?? 0) + 1;
      const refused = other.django({ op: 'jwt_authenticate', header: `Bearer ${nest.access}`, now: later });
      const { codes: _c, ...error } = refused.error;
      expect(await other.nestRefusal(nest.access, later)).toEqual({ ...refused, error });
    }
  });

  (HAS_REVOKE ? it : it.skip)('CHECK_REVOKE_TOKEN: a password change in Django revokes tokens made on either side, with the same answer', async () => {
    const revoke = new Side(project, dataSource, { checkRevokeToken: true }, secretKey);
    const carol = (await new TypeOrmUserStore(dataSource).findByUsername('carol'))!;
    const nest = await revoke.jwt.obtainPair(carol, NOW);
    const django = revoke.django({ op: 'jwt_obtain_pair', username: 'carol', now: NOW });
    expect(part(nest.access, 1).hash_password).toBe(django.access_payload.hash_password);
    expect(revoke.django({ op: 'jwt_authenticate', header: `Bearer ${nest.access}`, now: NOW + 1 })).toMatchObject({ user: 'carol' });
    project.setPassword('carol', 'a new password');
    for (const token of [nest.access, django.access]) {
      const answer = revoke.django({ op: 'jwt_authenticate', header: `Bearer ${token}`, now: NOW + 2 });
      expect(answer.error.body).toEqual({ detail: "The user's password has been changed.", code: 'password_changed' });
      expect(await revoke.nestRefusal(token, NOW + 2)).toEqual({ user: null, error: { status: 401, body: answer.error.body }, www_authenticate: answer.www_authenticate });
    }
  });
});

describe.each<DjangoEngine>(['sqlite', 'mysql', 'postgres'])(`SimpleJWT rotation and blacklist on Django ${line}, %s`, (engine) => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  let dataSource: DataSource;
  let side: Side;
  beforeAll(async () => {
    project = DjangoProject.throwaway(engine, { secretKey, line });
    project.batch([djangoCalls.migrate(), djangoCalls.createUser({ username: 'dave', password: 'pw-dave' })]);
    dataSource = await dataSourceFor(project);
    side = new Side(project, dataSource, { rotateRefreshTokens: true, blacklistAfterRotation: true }, secretKey);
  }, 180_000);
  afterAll(async () => {
    await dataSource?.destroy();
    project?.dropDatabase();
  });

  it('Nest rotates a refresh token Django issued: Django then refuses the old one as blacklisted', async () => {
    const pair = side.django({ op: 'jwt_obtain_pair', username: 'dave', now: NOW });
    const rotated = await side.jwt.refresh(pair.refresh, NOW + 10);
    expect(rotated.refresh).toEqual(expect.any(String));
    const [reused, state, next] = side.djangoAll([
      { op: 'jwt_refresh', refresh: pair.refresh, now: NOW + 11 },
      { op: 'jwt_blacklist_state', jti: pair.refresh_payload.jti },
      { op: 'jwt_refresh', refresh: rotated.refresh, now: NOW + 12 },
    ]);
    expect(reused).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted', code: 'token_not_valid' } });
    expect(state).toMatchObject({ blacklisted: true, outstanding: { token: pair.refresh } });
    expect(next).toMatchObject({ status: 200, body: { access: expect.any(String), refresh: expect.any(String) } });
    // Django rotated (and blacklisted) Nest's token in turn.
    expect((await side.nestRefusal(next.body.access, NOW + 13)).user).toBe('dave');
    const err = await side.jwt.refresh(rotated.refresh!, NOW + 14).then(() => null, (e: unknown) => e as SimpleJwtAuthenticationFailed);
    expect(err?.body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  it('Nest records its refresh tokens as Django does; Django rotates one and Nest refuses the old one; Nest blacklists what Django issued', async () => {
    const dave = (await new TypeOrmUserStore(dataSource).findByUsername('dave'))!;
    const pair = await side.jwt.obtainPair(dave, NOW);
    const jti = part(pair.refresh, 1).jti;
    const state = side.django({ op: 'jwt_blacklist_state', jti });
    expect(state).toMatchObject({ blacklisted: false, outstanding: { user_id: dave.id, token: pair.refresh } });
    expect(new Date(state.outstanding.expires_at).getTime()).toBe((NOW + 86_400) * 1000);
    expect(new Date(state.outstanding.created_at).getTime()).toBe(NOW * 1000);
    const rotated = side.django({ op: 'jwt_refresh', refresh: pair.refresh, now: NOW + 5 });
    expect(rotated.status).toBe(200);
    const err = await side.jwt.refresh(pair.refresh, NOW + 6).then(() => null, (e: unknown) => e as SimpleJwtAuthenticationFailed);
    expect(err?.body.detail).toBe('Token is blacklisted');
    await side.jwt.blacklist(rotated.body.refresh, NOW + 7);
    expect(side.django({ op: 'jwt_refresh', refresh: rotated.body.refresh, now: NOW + 8 })).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted' } });
    expect(side.django({ op: 'jwt_blacklist_state', jti: part(rotated.body.refresh, 1).jti })).toMatchObject({ blacklisted: true });
  });
});

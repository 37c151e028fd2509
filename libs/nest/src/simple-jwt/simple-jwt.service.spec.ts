import { describe, expect, it } from '@jest/globals';
import type { DjangoAuthService } from '../auth/django-auth.service.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { resolveUserModel } from '../users/user-model.js';
import { SimpleJwtCredential } from './simple-jwt-credential.js';
import { SimpleJwtAuthenticationFailed } from './simple-jwt-errors.js';
import { parseSimpleJwtHeader } from './simple-jwt-header.js';
import { resolveSimpleJwtOptions, type SimpleJwtOptions } from './simple-jwt.options.js';
import { SimpleJwtService } from './simple-jwt.service.js';
import { MemoryTokenBlacklistStore } from './memory-token-blacklist.store.js';

const SECRET = 'unit-secret-key';
const NOW = 1_800_000_000;
const HASH = 'pbkdf2_sha256$1$salt$6X2vbXnGfv2jDlLMYsVlNFpx1GW9S3bqxWfsUJaLbOU=';

async function setup(simpleJwt: SimpleJwtOptions = {}, djangoVersion = '5.2') {
  const users = new MemoryUserStore();
  const alice = await users.addUser({ id: 1, username: 'alice', encodedPassword: HASH });
  await users.addUser({ id: 2, username: 'bob', encodedPassword: HASH, isActive: false });
  const store = new MemoryTokenBlacklistStore();
  const userModel = resolveUserModel();
  const options = { userModel, simpleJwt: resolveSimpleJwtOptions(simpleJwt, { secretKey: SECRET, djangoVersion, userModel }) } as unknown as ResolvedBridgeOptions;
  const auth = { authenticate: async (u: unknown, p: unknown) => (u === 'alice' && p === 'pw' ? alice : null) } as unknown as DjangoAuthService;
  const jwt = new SimpleJwtService(options, users, store, auth);
  return { users, alice, store, jwt, credential: new SimpleJwtCredential(jwt) };
}

async function refused(promise: Promise<unknown>): Promise<SimpleJwtAuthenticationFailed> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SimpleJwtAuthenticationFailed);
  expect((err as SimpleJwtAuthenticationFailed).getStatus()).toBe(401);
  return err as SimpleJwtAuthenticationFailed;
}

const header = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('SimpleJwtService', () => {
  it('obtains a pair that verifies, records the refresh token as outstanding, and updates last_login', async () => {
    const { jwt, alice, store, users } = await setup({ blacklist: true, updateLastLogin: true });
    const pair = await jwt.obtainPair(alice, NOW);
    const { user, token } = await jwt.verifyAccess(pair.access, NOW + 1);
    expect(user.username).toBe('alice');
    expect(token.payload.user_id).toBe('1');
    const [row] = store.rows();
    expect(row).toMatchObject({ userId: 1, token: pair.refresh, createdAt: new Date(NOW * 1000), expiresAt: new Date((NOW + 86_400) * 1000) });
    expect((await users.findById(1))!.lastLogin).not.toBeNull();
    await expect(jwt.obtainPairWithPassword('alice', 'pw', NOW)).resolves.toHaveProperty('access');
    expect((await refused(jwt.obtainPairWithPassword('alice', 'wrong', NOW))).body).toEqual({ detail: 'No active account found with the given credentials' });
  });

  it('refreshes; under rotation with the blacklist the old refresh token is refused afterwards', async () => {
    const { jwt, alice, store } = await setup({ blacklist: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    const pair = await jwt.obtainPair(alice, NOW);
    const next = await jwt.refresh(pair.refresh, NOW + 60);
    expect(next.refresh).toBeDefined();
    await expect(jwt.verifyAccess(next.access, NOW + 61)).resolves.toHaveProperty('user');
    expect((await refused(jwt.refresh(pair.refresh, NOW + 62))).body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    // 5.3+ records the rotated token at once.
    expect(store.rows().map((r) => r.token)).toEqual([pair.refresh, next.refresh]);
    await jwt.blacklist(next.refresh!, NOW + 63);
    await refused(jwt.refresh(next.refresh!, NOW + 64));
  });

  it('on 5.2 a rotated refresh token is recorded only when blacklisted, and integer ids stay numbers', async () => {
    const { jwt, alice, store } = await setup({ blacklist: true, rotateRefreshTokens: true, blacklistAfterRotation: true }, '3.2');
    const pair = await jwt.obtainPair(alice, NOW);
    expect(JSON.parse(Buffer.from(pair.access.split('.')[1], 'base64url').toString()).user_id).toBe(1);
    const next = await jwt.refresh(pair.refresh, NOW + 60);
    expect(store.rows()).toHaveLength(1);
    expect((await refused(jwt.refresh(pair.refresh, NOW + 61))).body.detail).toBe('Token is blacklisted');
    await expect(jwt.refresh(next.refresh!, NOW + 62)).resolves.toHaveProperty('access');
  });

  it('refuses every bad access token with SimpleJWT bodies', async () => {
    const { jwt, alice, users } = await setup({ checkRevokeToken: true });
    const pair = await jwt.obtainPair(alice, NOW);
    const [h, p, s] = pair.access.split('.');
    const invalid = (message: string) => ({ detail: 'Given token not valid for any token type', code: 'token_not_valid', messages: [{ token_class: 'AccessToken', token_type: 'access', message }] });
    expect((await refused(jwt.verifyAccess(`${h}.${p}.${s.slice(0, -3)}xyz`, NOW))).body).toEqual(invalid('Token is invalid'));
    expect((await refused(jwt.verifyAccess(pair.access, NOW + 301))).body).toEqual(invalid('Token is expired'));
    expect((await refused(jwt.verifyAccess(pair.refresh, NOW))).body).toEqual(invalid('Token has wrong type'));
    const bob = (await users.findById(2))!;
    const bobs = await jwt.obtainPair(bob, NOW);
    expect((await refused(jwt.verifyAccess(bobs.access, NOW))).body).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
    expect((await refused(jwt.refresh(bobs.refresh, NOW))).body).toEqual({ detail: 'No active account found for the given token.' });
    users.deleteUser(2);
    expect((await refused(jwt.verifyAccess(bobs.access, NOW))).body).toEqual({ detail: 'User not found', code: 'user_not_found' });
    await users.changePassword(1, 'new password');
    const err = await refused(jwt.verifyAccess(pair.access, NOW));
    expect(err.body).toEqual({ detail: "The user's password has been changed.", code: 'password_changed' });
    expect(err.challenge).toBe('Bearer realm="api"');
  });

  it('refuses a token without a usable user claim', async () => {
    const { jwt } = await setup({ userIdClaim: 'uid' });
    const other = await setup();
    const token = await other.jwt.obtainPair(other.alice, NOW);
    expect((await refused(jwt.verifyAccess(token.access, NOW))).body).toEqual({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
  });
});

describe('SimpleJwtCredential', () => {
  it('reads AUTH_HEADER_TYPES exactly, as JWTAuthentication.get_raw_token', () => {
    expect(parseSimpleJwtHeader(undefined, ['Bearer'])).toEqual({ kind: 'absent' });
    expect(parseSimpleJwtHeader('   ', ['Bearer'])).toEqual({ kind: 'absent' });
    expect(parseSimpleJwtHeader('Token abc', ['Bearer'])).toEqual({ kind: 'absent' });
    expect(parseSimpleJwtHeader('bearer abc', ['Bearer'])).toEqual({ kind: 'absent' });
    expect(parseSimpleJwtHeader('Bearer', ['Bearer'])).toEqual({ kind: 'invalid' });
    expect(parseSimpleJwtHeader('Bearer a b', ['Bearer'])).toEqual({ kind: 'invalid' });
    expect(parseSimpleJwtHeader('JWT\tabc ', ['Bearer', 'JWT'])).toEqual({ kind: 'token', token: 'abc' });
  });

  it('authenticates, passes over other schemes, and refuses malformed headers with 401', async () => {
    const { jwt, alice, credential } = await setup();
    const pair = await jwt.obtainPair(alice);
    const match = await credential.authenticate(header(pair.access));
    expect(match).toMatchObject({ credential: 'jwt', user: { username: 'alice' }, auth: { token_type: 'access' } });
    await expect(credential.authenticate({ headers: {} })).resolves.toBeNull();
    await expect(credential.authenticate({ headers: { authorization: 'Token abc' } })).resolves.toBeNull();
    expect((await refused(credential.authenticate({ headers: { authorization: 'Bearer' } }))).body).toEqual({ detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' });
    await refused(credential.authenticate(header('garbage')));
    expect(credential.challenge()).toBe('Bearer realm="api"');
  });

  it('reads AUTH_HEADER_NAME and names the first AUTH_HEADER_TYPES in the challenge', async () => {
    const { jwt, alice, credential } = await setup({ authHeaderName: 'HTTP_X_API_TOKEN', authHeaderTypes: ['JWT', 'Bearer'] });
    const pair = await jwt.obtainPair(alice);
    await expect(credential.authenticate({ headers: { 'x-api-token': `Bearer ${pair.access}` } })).resolves.toMatchObject({ user: { username: 'alice' } });
    await expect(credential.authenticate(header(pair.access))).resolves.toBeNull();
    expect(credential.challenge()).toBe('JWT realm="api"');
  });
});

import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '../errors.js';
import { JwtBackend } from './jwt-backend.js';
import { resolveSimpleJwtSettings, type SimpleJwtSettings } from './simple-jwt-settings.js';
import { passwordHashClaim, SimpleJwtToken } from './simple-jwt-token.js';
import { TokenError } from './token-error.js';

const SECRET = 'django-insecure-test-secret-key';
const NOW = 1_800_000_000;
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function backend(settings: SimpleJwtSettings = {}, djangoVersion = '5.2') {
  return new JwtBackend(resolveSimpleJwtSettings(settings, { secretKey: SECRET, djangoVersion }));
}

/** A token signed by hand: header and payload exactly as given. */
function hs(header: object, payload: object, key: string | Buffer = SECRET, alg = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`;
}

async function refusal(promise: Promise<unknown>): Promise<TokenError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TokenError);
  return err as TokenError;
}

describe('SimpleJWT settings', () => {
  it("has SimpleJWT's defaults", () => {
    const s = resolveSimpleJwtSettings(undefined, { secretKey: SECRET });
    expect(s).toMatchObject({ signingKey: SECRET, algorithm: 'HS256', accessTokenLifetime: 300, refreshTokenLifetime: 86_400, userIdField: 'id', userIdClaim: 'user_id', tokenTypeClaim: 'token_type', jtiClaim: 'jti', leeway: 0, audience: null, issuer: null, release: '5.5.1' });
    expect(resolveSimpleJwtSettings({}, { secretKey: SECRET, djangoVersion: '3.2' }).release).toBe('5.2');
    const release = (v: string) => resolveSimpleJwtSettings({ release: v }, { secretKey: SECRET }).release;
    expect(['5.2.2', '5.3.1', '5.4.0', '5.5.0', '5.5', '5.5.1', '6.0.0'].map(release)).toEqual(['5.2', '5.5.0', '5.5.0', '5.5.0', '5.5.0', '5.5.1', '5.5.1']);
    expect(() => release('4.9')).toThrow(/release/);
  });

  it.each<[SimpleJwtSettings, RegExp]>([
    [{ algorithm: 'none' as never }, /not one of/],
    [{ algorithm: 'RS256' }, /verifyingKey/],
    [{ signingKey: '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----' }, /asymmetric/],
    [{ leeway: -1 }, /leeway/],
    [{ accessTokenLifetime: 0 }, /accessTokenLifetime/],
    [{ audience: [] }, /audience/],
    [{ userIdClaim: 'has space' }, /userIdClaim/],
    [{ checkRevokeToken: true, release: '5.2' }, /5\.3/],
  ])('refuses %j', (settings, message) => {
    expect(() => resolveSimpleJwtSettings(settings, { secretKey: SECRET })).toThrow(ImproperlyConfigured);
    expect(() => resolveSimpleJwtSettings(settings, { secretKey: SECRET })).toThrow(message);
  });
});

describe('JwtBackend and SimpleJwtToken', () => {
  it('writes what PyJWT writes: sorted header, claims in SimpleJWT order, aud and iss last', async () => {
    const b = backend({ audience: 'api', issuer: 'https://issuer' });
    const refresh = SimpleJwtToken.forUser('refresh', b, { userId: 7 }, NOW + 0.25);
    const [header, payload] = (await refresh.sign()).split('.');
    expect(Buffer.from(header, 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}');
    const text = Buffer.from(payload, 'base64url').toString();
    expect(text).toMatch(/^\{"token_type":"refresh","exp":1800086400,"iat":1800000000,"jti":"[0-9a-f]{32}","user_id":"7","aud":"api","iss":"https:\/\/issuer"\}$/);
    const access = refresh.accessToken(NOW + 0.5);
    expect(Object.keys(access.payload)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    expect(access.payload).toMatchObject({ token_type: 'access', exp: NOW + 300, user_id: '7' });
    expect(access.jti).not.toBe(refresh.jti);
  });

  it('keeps an integer id a number up to 5.5.0, and copies the refresh iat into access tokens there', async () => {
    const b = backend({ release: '5.5.0' });
    const refresh = SimpleJwtToken.forUser('refresh', b, { userId: 7 }, NOW);
    expect(refresh.payload.user_id).toBe(7);
    expect(refresh.accessToken(NOW + 5).payload.iat).toBe(NOW);
    expect(SimpleJwtToken.forUser('refresh', backend(), { userId: 7 }, NOW).accessToken(NOW + 5).payload.iat).toBe(NOW + 5);
  });

  it('keeps an integer id a number on 5.2, as 5.2.2 did', async () => {
    const token = SimpleJwtToken.forUser('access', backend({}, '3.2'), { userId: 7 }, NOW);
    expect(token.payload.user_id).toBe(7);
    expect(SimpleJwtToken.forUser('access', backend({}, '3.2'), { userId: 'a-b' }, NOW).payload.user_id).toBe('a-b');
  });

  it('round-trips, and writes the password hash claim under checkRevokeToken', async () => {
    const b = backend({ checkRevokeToken: true });
    const token = SimpleJwtToken.forUser('access', b, { userId: 1, password: 'pbkdf2_sha256$1$x$y' }, NOW);
    expect(token.payload.hash_password).toBe(passwordHashClaim('pbkdf2_sha256$1$x$y'));
    expect(passwordHashClaim('abc')).toBe('900150983CD24FB0D6963F7D28E17F72');
    const read = await SimpleJwtToken.decode('access', b, await token.sign(), { now: NOW + 10 });
    expect(read.payload).toEqual(token.payload);
  });

  it('refuses tampered, expired, wrong-type, alg none and foreign-key tokens with the release messages', async () => {
    const b = backend();
    const good = await SimpleJwtToken.forUser('access', b, { userId: 1 }, NOW).sign();
    const [h, p, sig] = good.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const cases: [string, unknown][] = [
      ['tampered payload', `${h}.${b64({ ...payload, user_id: '2' })}.${sig}`],
      ['tampered signature', `${h}.${p}.${sig.slice(0, -2)}AA`],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`],
      ['HS512 when HS256 is configured', hs({ alg: 'HS512', typ: 'JWT' }, payload, SECRET, 'sha512')],
      ['another key', hs({ alg: 'HS256', typ: 'JWT' }, payload, 'other')],
      ['garbage', 'not.a.jwt'],
      ['empty', ''],
      ['not a string', 42],
      ['a JSON array payload', hs({ alg: 'HS256', typ: 'JWT' }, [1, 2])],
      ['a string exp', hs({ alg: 'HS256', typ: 'JWT' }, { ...payload, exp: '1900000000' })],
      ['a future iat', hs({ alg: 'HS256', typ: 'JWT' }, { ...payload, iat: NOW + 100 })],
      ['a future nbf', hs({ alg: 'HS256', typ: 'JWT' }, { ...payload, nbf: NOW + 100 })],
      ['a numeric jti', hs({ alg: 'HS256', typ: 'JWT' }, { ...payload, jti: 5 })],
      ['too long', 'a'.repeat(20_000)],
    ];
    for (const [name, token] of cases) {
      const err = await refusal(SimpleJwtToken.decode('access', b, token, { now: NOW + 1 }));
      expect([name, err.message]).toEqual([name, 'Token is invalid']);
    }
    const old = backend({}, '3.2');
    expect((await refusal(SimpleJwtToken.decode('access', old, `${b64({ alg: 'none' })}.${p}.`, { now: NOW }))).message).toBe('Token is invalid or expired');
    expect((await refusal(SimpleJwtToken.decode('access', b, good, { now: NOW + 300 }))).message).toBe('Token is expired');
    expect((await refusal(SimpleJwtToken.decode('access', old, good, { now: NOW + 300 }))).message).toBe('Token is invalid or expired');
    // Within LEEWAY an expired token still passes both PyJWT's and SimpleJWT's checks.
    await expect(SimpleJwtToken.decode('access', backend({ leeway: 10 }), good, { now: NOW + 305 })).resolves.toBeInstanceOf(SimpleJwtToken);
    const refresh = await SimpleJwtToken.forUser('refresh', b, { userId: 1 }, NOW).sign();
    expect((await refusal(SimpleJwtToken.decode('access', b, refresh, { now: NOW }))).message).toBe('Token has wrong type');
    expect((await refusal(SimpleJwtToken.decode('refresh', b, good, { now: NOW }))).message).toBe('Token has wrong type');
    const { token_type: _t, ...untyped } = payload;
    expect((await refusal(SimpleJwtToken.decode('access', b, hs({ alg: 'HS256', typ: 'JWT' }, untyped), { now: NOW }))).message).toBe('Token has no type');
    const { jti: _j, ...noId } = payload;
    expect((await refusal(SimpleJwtToken.decode('access', b, hs({ alg: 'HS256', typ: 'JWT' }, noId), { now: NOW }))).message).toBe('Token has no id');
    const { exp: _e, ...noExp } = payload;
    expect((await refusal(SimpleJwtToken.decode('access', b, hs({ alg: 'HS256', typ: 'JWT' }, noExp), { now: NOW }))).message).toBe("Token has no 'exp' claim");
  });

  it('checks audience and issuer only when set, and then requires them', async () => {
    const plain = await SimpleJwtToken.forUser('access', backend(), { userId: 1 }, NOW).sign();
    const aud = backend({ audience: ['a', 'b'], issuer: 'me' });
    expect((await refusal(SimpleJwtToken.decode('access', aud, plain, { now: NOW }))).message).toBe('Token is invalid');
    const other = await SimpleJwtToken.forUser('access', backend({ audience: 'c', issuer: 'me' }), { userId: 1 }, NOW).sign();
    expect((await refusal(SimpleJwtToken.decode('access', aud, other, { now: NOW }))).message).toBe('Token is invalid');
    const wrongIss = await SimpleJwtToken.forUser('access', backend({ audience: 'a', issuer: 'you' }), { userId: 1 }, NOW).sign();
    expect((await refusal(SimpleJwtToken.decode('access', aud, wrongIss, { now: NOW }))).message).toBe('Token is invalid');
    const right = await SimpleJwtToken.forUser('access', backend({ audience: 'b', issuer: 'me' }), { userId: 1 }, NOW).sign();
    await expect(SimpleJwtToken.decode('access', aud, right, { now: NOW })).resolves.toBeInstanceOf(SimpleJwtToken);
    // Without AUDIENCE a token's aud is not looked at (PyJWT's verify_aud off).
    await expect(SimpleJwtToken.decode('access', backend({ issuer: 'me' }), right, { now: NOW })).resolves.toBeInstanceOf(SimpleJwtToken);
  });

  it.each(['RS256', 'ES256', 'ES384'] as const)('signs and verifies %s, and refuses an HS256 token made with the public key', async (algorithm) => {
    const pair = algorithm === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: algorithm === 'ES256' ? 'P-256' : 'P-384' });
    const signingKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const verifyingKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const b = backend({ algorithm, signingKey, verifyingKey });
    const token = SimpleJwtToken.forUser('access', b, { userId: 3 }, NOW);
    const signed = await token.sign();
    expect(JSON.parse(Buffer.from(signed.split('.')[0], 'base64url').toString())).toEqual({ alg: algorithm, typ: 'JWT' });
    expect((await SimpleJwtToken.decode('access', b, signed, { now: NOW })).payload).toEqual(token.payload);
    // Algorithm confusion: the public key (known to all) as an HMAC secret.
    const forged = hs({ alg: 'HS256', typ: 'JWT' }, token.payload, verifyingKey);
    expect((await refusal(SimpleJwtToken.decode('access', b, forged, { now: NOW }))).message).toBe('Token is invalid');
    // A verify-only setup (public key alone) reads tokens and cannot issue.
    const verifyOnly = backend({ algorithm, verifyingKey });
    await expect(SimpleJwtToken.decode('access', verifyOnly, signed, { now: NOW })).resolves.toBeInstanceOf(SimpleJwtToken);
    await expect(SimpleJwtToken.forUser('access', verifyOnly, { userId: 1 }, NOW).sign()).rejects.toThrow(ImproperlyConfigured);
  });
});

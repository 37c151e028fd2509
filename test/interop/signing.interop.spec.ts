/**
 * django.core.signing and session encoding held against Django 3.2 itself, both ways, with a
 * frozen clock, random secrets and random data on every run.
 */
import { describe, expect, it } from '@jest/globals';
import { decodeSessionData, encodeSessionData, sessionAuthHash, signing, TimestampSigner, Signer, getCookieSigner, pythonJsonDumps } from '@django-bridge/core';
import { djangoAll, djangoBatch } from '../django/oracle.js';
import { randomDict, randomJsonValue, randomSecret, randomSession, randomText } from '../support/random.js';

const NOW = 1_700_000_000 + Math.floor(Math.random() * 100_000_000);
const clock = () => NOW;

describe('JSON serializer', () => {
  it('writes exactly what json.dumps(separators=(",", ":")) writes', () => {
    const values = [...Array.from({ length: 60 }, () => randomJsonValue()), NaN, Infinity, -Infinity, -0, 1e16 + 0.5, 1e-5, 0.0001, 1e22, 5e-324, 2 ** 53 + 2, 123456789012345678901234567890n];
    const ours = values.map((v) => pythonJsonDumps(v));
    const theirs = djangoAll<string>(ours.map((json) => ({ op: 'json_dumps', json })));
    expect(ours).toEqual(theirs);
  });
});

describe('signing.dumps / loads', () => {
  const cases = Array.from({ length: 40 }, (_, i) => ({
    obj: i % 3 === 0 ? randomJsonValue() : randomDict(),
    key: randomSecret(),
    salt: i % 2 ? 'django.core.signing' : randomText(10),
    compress: i % 2 === 0,
    algorithm: (i % 4 === 1 ? 'sha1' : 'sha256') as 'sha1' | 'sha256',
  }));
  // Long, repetitive payloads exercise the compress-or-not threshold.
  for (let n = 0; n < 30; n++) cases.push({ obj: { k: 'ab'.repeat(n) + randomText(3) }, key: randomSecret(), salt: 'django.core.signing', compress: true, algorithm: 'sha256' });

  it('makes byte-identical signed values (sign_object, frozen clock)', () => {
    const theirs = djangoAll<string>(cases.map((c) => ({ op: 'sign_object', now: NOW, ...c })));
    const ours = cases.map((c) => new TimestampSigner({ key: c.key, salt: c.salt, algorithm: c.algorithm, clock }).signObject(c.obj, { compress: c.compress }));
    expect(ours).toEqual(theirs);
  });

  it('Django loads what we dump, and we load what Django dumps', () => {
    const sha256 = cases.filter((c) => c.algorithm === 'sha256');
    const ours = sha256.map((c) => signing.dumps(c.obj, { key: c.key, salt: c.salt, compress: c.compress, clock }));
    const loaded = djangoAll(sha256.map((c, i) => ({ op: 'loads', now: NOW + 5, text: ours[i], key: c.key, salt: c.salt, max_age: 10 })));
    expect(loaded).toEqual(sha256.map((c) => JSON.parse(JSON.stringify(c.obj))));
    for (const [i, c] of sha256.entries()) {
      expect(signing.loads(ours[i], { key: c.key, salt: c.salt, maxAge: 10, clock: () => NOW + 5 })).toEqual(loaded[i]);
    }
  });

  it('agrees with Django on expiry and on tampering', () => {
    const key = randomSecret();
    const text = signing.dumps({ a: randomText() }, { key, clock });
    const tampered = text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');
    const results = djangoBatch([
      { op: 'loads', now: NOW + 11, text, key, max_age: 10 },
      { op: 'loads', now: NOW + 10, text, key, max_age: 10 },
      { op: 'loads', now: NOW, text: tampered, key },
      { op: 'loads', now: NOW, text, key: key + 'x' },
    ]);
    expect(results.map((r) => r.error?.split(':')[0] ?? 'ok')).toEqual(['SignatureExpired', 'ok', 'BadSignature', 'BadSignature']);
    expect(() => signing.loads(text, { key, maxAge: 10, clock: () => NOW + 11 })).toThrow(signing.SignatureExpired);
    expect(signing.loads(text, { key, maxAge: 10, clock: () => NOW + 10 })).toEqual(results[1].ok);
    expect(() => signing.loads(tampered, { key, clock })).toThrow(signing.BadSignature);
    expect(() => signing.loads(text, { key: key + 'x', clock })).toThrow(signing.BadSignature);
  });

  it('Signer and TimestampSigner match on plain strings, default salts included', () => {
    const reqs = Array.from({ length: 10 }, (_, i) => ({ op: 'signer_sign', now: NOW, key: randomSecret(), value: randomText(30), timestamp: i % 2 === 0, salt: i % 3 ? null : randomText(8) }));
    const theirs = djangoAll<string>(reqs);
    const ours = reqs.map((r) => {
      const opts = { key: r.key, salt: r.salt ?? undefined, clock };
      return (r.timestamp ? new TimestampSigner(opts) : new Signer(opts)).sign(r.value);
    });
    expect(ours).toEqual(theirs);
  });

  it('signs cookies like set_signed_cookie', () => {
    const key = randomSecret();
    const value = randomText(20);
    const [theirs] = djangoAll<string>([{ op: 'cookie_sign', now: NOW, key, name: 'pref', salt: 'x', value }]);
    expect(getCookieSigner({ key, salt: 'prefx', clock }).sign(value)).toBe(theirs);
    expect(getCookieSigner({ key: 'rotated', fallbackKeys: [key], salt: 'prefx', clock }).unsign(theirs)).toBe(value);
  });
});

describe('session data', () => {
  const sessions = Array.from({ length: 25 }, (_, i) => ({ session: i % 5 === 0 ? randomDict() : randomSession(), key: randomSecret() }));

  it('encodes byte-identically to SessionStore.encode (sha256, compressed or not)', () => {
    const theirs = djangoAll<string>(sessions.map((s) => ({ op: 'session_encode', now: NOW, key: s.key, session: s.session })));
    const ours = sessions.map((s) => encodeSessionData(s.session, { secretKey: s.key, clock }));
    expect(ours).toEqual(theirs);
    expect(theirs.some((t) => t.startsWith('.'))).toBe(true);
  });

  it('encodes the pre-3.1 format like a DEFAULT_HASHING_ALGORITHM = "sha1" site', () => {
    const theirs = djangoAll<string>(sessions.map((s) => ({ op: 'session_encode', key: s.key, session: s.session, algorithm: 'sha1' })));
    const ours = sessions.map((s) => encodeSessionData(s.session, { secretKey: s.key, algorithm: 'sha1' }));
    expect(ours).toEqual(theirs);
    // 3.2 reads it back; so do we, but only when asked to accept legacy data.
    for (const [i, s] of sessions.entries()) {
      expect(decodeSessionData(theirs[i], { secretKey: s.key, acceptLegacy: true })).toEqual(s.session);
      expect(() => decodeSessionData(theirs[i], { secretKey: s.key })).toThrow('Session data corrupted');
    }
  });

  it('Django decodes what we encode, with the current key', () => {
    const ours = sessions.map((s) => encodeSessionData(s.session, { secretKey: s.key }));
    const decoded = djangoAll(sessions.map((s, i) => ({ op: 'session_decode', key: s.key, text: ours[i] })));
    expect(decoded).toEqual(sessions.map((s) => s.session));
    // ...and rejects it (empty session) under another key.
    const wrong = djangoAll(sessions.slice(0, 3).map((s, i) => ({ op: 'session_decode', key: s.key + '!', text: ours[i] })));
    expect(wrong).toEqual([{}, {}, {}]);
  });

  it('reads Django sessions after key rotation through fallback keys', () => {
    const [s] = sessions;
    const [theirs] = djangoAll<string>([{ op: 'session_encode', key: s.key, session: s.session }]);
    const newKey = randomSecret();
    expect(decodeSessionData(theirs, { secretKey: newKey, fallbackKeys: ['other', s.key] })).toEqual(s.session);
    expect(() => decodeSessionData(theirs, { secretKey: newKey })).toThrow('Session data corrupted');
  });

  it('computes _auth_user_hash as get_session_auth_hash does (sha256 and 3.2 sha1)', () => {
    const reqs = Array.from({ length: 10 }, (_, i) => ({ op: 'session_auth_hash', key: randomSecret(), password_hash: `pbkdf2_sha256$260000$${randomText(22)}$${randomText(44)}`, algorithm: i % 2 ? 'sha1' : 'sha256' }));
    const theirs = djangoAll<string>(reqs);
    expect(reqs.map((r) => sessionAuthHash(r.password_hash, r.key, r.algorithm as 'sha1' | 'sha256'))).toEqual(theirs);
  });
});

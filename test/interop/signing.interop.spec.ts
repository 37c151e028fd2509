/**
 * django.core.signing and session encoding held against the running Django, both ways, with a
 * frozen clock, random (seeded) secrets and data on every run. DEFAULT_HASHING_ALGORITHM = 'sha1'
 * and the pre-3.1 session format exist on 3.1/3.2 only; SECRET_KEY_FALLBACKS on 4.1+.
 */
import { describe, expect, it } from '@jest/globals';
import { decodeSessionData, encodeSessionData, sessionAuthHash, signing, TimestampSigner, Signer, getCookieSigner, pythonJsonDumps } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll, djangoBatch } from '../django/oracle.js';
import { randomDict, randomInt, randomJsonValue, randomSecret, randomSession, randomText } from '../support/random.js';

const info = djangoInfo();
const { features } = info;
const NOW = 1_700_000_000 + randomInt(100_000_000);
const clock = () => NOW;

describe('JSON serializer', () => {
  it('writes exactly what json.dumps(separators=(",", ":")) writes', () => {
    const values = [...Array.from({ length: 60 }, () => randomJsonValue()), NaN, Infinity, -Infinity, -0, 1e16 + 0.5, 1e-5, 0.0001, 1e22, 5e-324, 2 ** 53 + 2, 123456789012345678901234567890n];
    const ours = values.map((v) => pythonJsonDumps(v));
    const theirs = djangoAll<string>(ours.map((json) => ({ op: 'json_dumps', json })));
    expect(ours).toEqual(theirs);
  });
});

describe(`signing.dumps / loads (Django ${info.version})`, () => {
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

  it('signs cookies like set_signed_cookie, and Django reads ours', () => {
    const key = randomSecret();
    const value = randomText(20);
    const [theirs] = djangoAll<string>([{ op: 'cookie_sign', now: NOW, key, name: 'pref', salt: 'x', value }]);
    expect(getCookieSigner({ key, salt: 'prefx', clock }).sign(value)).toBe(theirs);
    expect(getCookieSigner({ key: 'rotated', fallbackKeys: [key], salt: 'prefx', clock }).unsign(theirs)).toBe(value);
    const ours = getCookieSigner({ key, salt: 'prefx', clock }).sign(value);
    expect(djangoBatch([
      { op: 'cookie_unsign', now: NOW + 5, key, name: 'pref', salt: 'x', value: ours, max_age: 10 },
      { op: 'cookie_unsign', now: NOW + 11, key, name: 'pref', salt: 'x', value: ours, max_age: 10 },
    ]).map((r) => r.ok ?? r.error?.split(':')[0])).toEqual([value, 'SignatureExpired']);
  });

  // SECRET_KEY_FALLBACKS (4.1+): Django verifies with old keys too; before 4.1 an old key's signature is bad.
  it(features.secret_key_fallbacks ? 'Django loads what we signed with a key now in SECRET_KEY_FALLBACKS' : 'Django 3.2 refuses what an old key signed (no SECRET_KEY_FALLBACKS yet)', () => {
    const [oldKey, newKey] = [randomSecret(), randomSecret()];
    const obj = randomDict();
    const text = signing.dumps(obj, { key: oldKey, clock });
    const [result] = djangoBatch([{ op: 'loads', now: NOW, text, key: newKey, ...(features.secret_key_fallbacks ? { fallbacks: ['other', oldKey] } : {}) }]);
    if (features.secret_key_fallbacks) expect(result.ok).toEqual(JSON.parse(JSON.stringify(obj)));
    else expect(result.error).toMatch(/^BadSignature/);
    expect(signing.loads(text, { key: newKey, fallbackKeys: ['other', oldKey], clock })).toEqual(JSON.parse(JSON.stringify(obj)));
  });
});

describe(`session data (Django ${info.version})`, () => {
  const sessions = Array.from({ length: 25 }, (_, i) => ({ session: i % 5 === 0 ? randomDict() : randomSession(), key: randomSecret() }));

  it('encodes byte-identically to SessionStore.encode (sha256, compressed or not)', () => {
    const theirs = djangoAll<string>(sessions.map((s) => ({ op: 'session_encode', now: NOW, key: s.key, session: s.session })));
    const ours = sessions.map((s) => encodeSessionData(s.session, { secretKey: s.key, clock }));
    expect(ours).toEqual(theirs);
    expect(theirs.some((t) => t.startsWith('.'))).toBe(true);
  });

  // DEFAULT_HASHING_ALGORITHM exists on 3.1/3.2 only: there, 'sha1' writes the pre-3.1 format.
  if (features.default_hashing_algorithm) {
    it('encodes the pre-3.1 format like a DEFAULT_HASHING_ALGORITHM = "sha1" site', () => {
      const theirs = djangoAll<string>(sessions.map((s) => ({ op: 'session_encode', key: s.key, session: s.session, algorithm: 'sha1' })));
      const ours = sessions.map((s) => encodeSessionData(s.session, { secretKey: s.key, algorithm: 'sha1' }));
      expect(ours).toEqual(theirs);
      // Django reads it back; so do we, but only when asked to accept legacy data.
      for (const [i, s] of sessions.entries()) {
        expect(decodeSessionData(theirs[i], { secretKey: s.key, acceptLegacy: true })).toEqual(s.session);
        expect(() => decodeSessionData(theirs[i], { secretKey: s.key })).toThrow('Session data corrupted');
      }
    });
  }

  it(features.legacy_session_decode ? 'Django reads the pre-3.1 format we write for legacy sites' : 'Django refuses the pre-3.1 format (gone in 4.0), as we do unless asked to accept it', () => {
    const legacy = sessions.map((s) => encodeSessionData(s.session, { secretKey: s.key, algorithm: 'sha1' }));
    const decoded = djangoAll(sessions.map((s, i) => ({ op: 'session_decode', key: s.key, text: legacy[i] })));
    // 3.1/3.2 fall back to the old format; 4.0+ log "Session data corrupted" and return {}.
    expect(decoded).toEqual(sessions.map((s) => (features.legacy_session_decode ? s.session : {})));
    for (const [i, s] of sessions.entries()) expect(() => decodeSessionData(legacy[i], { secretKey: s.key })).toThrow('Session data corrupted');
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
    // And Django reads ours after rotation where it has SECRET_KEY_FALLBACKS (4.1+); 3.2 can only drop the session.
    const ours = encodeSessionData(s.session, { secretKey: s.key });
    const [decoded] = djangoAll([{ op: 'session_decode', key: newKey, text: ours, ...(features.secret_key_fallbacks ? { fallbacks: [s.key] } : {}) }]);
    expect(decoded).toEqual(features.secret_key_fallbacks ? s.session : {});
  });

  it(`computes _auth_user_hash as get_session_auth_hash does (sha256${features.default_hashing_algorithm ? ", and sha1 with DEFAULT_HASHING_ALGORITHM = 'sha1'" : ''})`, () => {
    // Only 3.1/3.2 can hash with sha1 (DEFAULT_HASHING_ALGORITHM); 4.0+ always use sha256.
    const reqs = Array.from({ length: 10 }, (_, i) => ({ op: 'session_auth_hash', key: randomSecret(), password_hash: `pbkdf2_sha256$${info.pbkdf2_iterations}$${randomText(22)}$${randomText(44)}`, ...(features.default_hashing_algorithm && i % 2 ? { algorithm: 'sha1' } : {}) }));
    const theirs = djangoAll<string>(reqs);
    expect(reqs.map((r) => sessionAuthHash(r.password_hash, r.key, ('algorithm' in r ? r.algorithm : 'sha256') as 'sha1' | 'sha256'))).toEqual(theirs);
  });
});

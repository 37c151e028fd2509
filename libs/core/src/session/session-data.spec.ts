import { describe, expect, it } from '@jest/globals';
import { SuspiciousSession } from '../errors.js';
import { dumps } from '../signing/dumps.js';
import { decodeSessionData, DEFAULT_SESSION_SALT, encodeSessionData } from './session-data.js';
import { sessionAuthHash, verifySessionAuthHash } from './session-auth-hash.js';

const secretKey = 'django-insecure-test-key';
const clock = () => 1_700_000_000;

describe('known Django 3.2 outputs (../shared/docs/django-compat.md §4.3, §5.2)', () => {
  it('encodes sessions', () => {
    expect(encodeSessionData({ foo: 'bar' }, { secretKey, clock })).toBe('eyJmb28iOiJiYXIifQ:1r31eq:7WGwVzzEufhFT5dQ4R-DkAywyDU4c6pTxIp-PC5ck1c');
    const auth = { _auth_user_id: '1', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'x'.repeat(64) };
    expect(encodeSessionData(auth, { secretKey, clock })).toBe(
      '.eJyrVopPLC3JiC8tTi2Kz0xRslIyVNJBFktKTM5OzQNJpGQl5qXn6yXn55UUZSbpgZToQWWL9XzzU1JznKBqUQzISCzOAOquoBAo1QIAkBRETQ:1r31eq:7jlp3U8U9bOg2hM1PDbxmJYQLkysIlEBrFqdNRzfE2U',
    );
  });
  it('reads the pre-3.1 format only when asked', () => {
    const legacy = 'ZDYwOTc4MTVjNmZkN2VjMWZhYjcwNWM3NTM3OWIxZTI5M2JkMDhhZTp7ImZvbyI6ImJhciJ9';
    expect(decodeSessionData(legacy, { secretKey, acceptLegacy: true })).toEqual({ foo: 'bar' });
    expect(() => decodeSessionData(legacy, { secretKey })).toThrow(SuspiciousSession);
    expect(() => decodeSessionData(legacy, { secretKey: 'other', acceptLegacy: true })).toThrow(SuspiciousSession);
    expect(decodeSessionData(legacy, { secretKey, djangoVersion: '3.2' })).toEqual({ foo: 'bar' });
    expect(() => decodeSessionData(legacy, { secretKey, djangoVersion: '4.0' })).toThrow(SuspiciousSession);
  });
  it('session auth hash', () => {
    const pw = 'pbkdf2_sha256$1000$seasaltseasaltseasalt1$fK1wWGQoUbQaFrvmzab0h0I82ylQ+fbxaq7nmUgjB1I=';
    expect(sessionAuthHash(pw, secretKey)).toBe('a396c39cdfb08c6d52456d603bc637e12109a50f9940dd5e28bde74e5409ca76');
    expect(sessionAuthHash(pw, secretKey, 'sha1')).toBe('67fb33857ae6959861b0818ac572739ca31e1fec');
  });
});

describe('decodeSessionData fails closed', () => {
  const good = encodeSessionData({ a: 1 }, { secretKey });

  it.each([
    ['empty', ''],
    ['garbage', 'garbage'],
    ['truncated', good.slice(0, 10)],
    ['tampered', good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    ['base64 noise', '!!!!:%%%%:$$$$'],
    ['SQL-looking', "' OR 1=1 --"],
  ])('%s -> SuspiciousSession', (_, text) => {
    expect(() => decodeSessionData(text, { secretKey })).toThrow(SuspiciousSession);
    expect(() => decodeSessionData(text, { secretKey, acceptLegacy: true })).toThrow(SuspiciousSession);
  });

  it('wrong key, unless it is a fallback', () => {
    expect(() => decodeSessionData(good, { secretKey: 'rotated' })).toThrow(SuspiciousSession);
    expect(decodeSessionData(good, { secretKey: 'rotated', fallbackKeys: [secretKey] })).toEqual({ a: 1 });
  });

  it.each([[[1, 2]], ['text'], [42], [null], [true]])('non-dict payload %p', (payload) => {
    const text = dumps(payload, { key: secretKey, salt: DEFAULT_SESSION_SALT, compress: true });
    expect(() => decodeSessionData(text, { secretKey })).toThrow(/not a dict|list/);
  });

  it('a value signed for another purpose (salt) is refused', () => {
    const text = dumps({ a: 1 }, { key: secretKey, salt: 'django.core.signing' });
    expect(() => decodeSessionData(text, { secretKey })).toThrow(SuspiciousSession);
    expect(decodeSessionData(encodeSessionData({ a: 1 }, { secretKey, salt: 'django.contrib.sessions.MyStore' }), { secretKey, salt: 'django.contrib.sessions.MyStore' })).toEqual({ a: 1 });
  });

  it('oversized input and zip bombs', () => {
    expect(() => decodeSessionData('a'.repeat(2000), { secretKey, maxSize: 1000 })).toThrow(SuspiciousSession);
    const big = encodeSessionData({ a: 'x'.repeat(2_000_000) }, { secretKey });
    expect(big.length).toBeLessThan(10_000);
    expect(() => decodeSessionData(big, { secretKey, maxDecompressedSize: 100_000 })).toThrow(/exceeds/);
  });

  it('keeps the cause', () => {
    try {
      decodeSessionData('nope', { secretKey });
    } catch (err) {
      expect((err as SuspiciousSession).cause).toBeDefined();
    }
  });

  it('pickle is read-only and unknown serializers are refused', () => {
    expect(() => encodeSessionData({ a: 1 }, { secretKey, serializer: 'pickle' })).toThrow(/read-only/);
    expect(() => encodeSessionData({ a: 1 }, { secretKey, serializer: 'yaml' as 'json' })).toThrow(/not one of/);
  });
});

describe('verifySessionAuthHash', () => {
  const pw = 'argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA';
  it('current, fallback and invalid', () => {
    expect(verifySessionAuthHash(sessionAuthHash(pw, secretKey), pw, { secretKey })).toBe('current');
    expect(verifySessionAuthHash(sessionAuthHash(pw, 'old'), pw, { secretKey, fallbackKeys: ['older', 'old'] })).toBe('fallback');
    expect(verifySessionAuthHash(sessionAuthHash(pw, 'old'), pw, { secretKey })).toBe('invalid');
    expect(verifySessionAuthHash(sessionAuthHash(pw + 'x', secretKey), pw, { secretKey })).toBe('invalid');
    expect(verifySessionAuthHash(undefined, pw, { secretKey })).toBe('invalid');
    expect(verifySessionAuthHash('', pw, { secretKey })).toBe('invalid');
    expect(verifySessionAuthHash(42, pw, { secretKey })).toBe('invalid');
    expect(verifySessionAuthHash(sessionAuthHash(pw, ''), pw, { secretKey, fallbackKeys: [''] })).toBe('invalid');
  });
  it('3.2 legacy sha1 hashes only when accepted', () => {
    const legacy = sessionAuthHash(pw, secretKey, 'sha1');
    expect(verifySessionAuthHash(legacy, pw, { secretKey })).toBe('invalid');
    expect(verifySessionAuthHash(legacy, pw, { secretKey, acceptLegacySha1: true })).toBe('current');
    expect(verifySessionAuthHash(legacy, pw, { secretKey, djangoVersion: '3.2' })).toBe('current');
    expect(verifySessionAuthHash(legacy, pw, { secretKey, djangoVersion: '4.2' })).toBe('invalid');
  });
});

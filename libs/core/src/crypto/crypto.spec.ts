import { describe, expect, it } from '@jest/globals';
import { BadSignature, SerializationError } from '../errors.js';
import { b62Decode, b62Encode } from './base62.js';
import { b64Decode, b64Encode, b64UrlDecode, b64UrlEncode } from './base64.js';
import { constantTimeCompare } from './constant-time-compare.js';
import { getRandomString, RANDOM_STRING_CHARS } from './random-string.js';
import { saltedHmac } from './salted-hmac.js';

describe('base64 dialects are strict', () => {
  it('round-trips', () => {
    const bytes = Buffer.from([0, 255, 254, 62, 63]);
    expect(b64UrlDecode(b64UrlEncode(bytes))).toEqual(bytes);
    expect(b64Decode(b64Encode(bytes))).toEqual(bytes);
    expect(b64UrlEncode(bytes)).not.toContain('=');
  });
  it.each(['a', 'ab=c', 'ab+c', 'ab/c', 'ab c', 'ab\n', 'é'])('url-safe refuses %p', (text) => {
    expect(() => b64UrlDecode(text)).toThrow(SerializationError);
  });
  it.each(['a', 'ab-c', 'ab_c', 'abc==', 'ab=c', 'a===', 'ab c'])('standard refuses %p', (text) => {
    expect(() => b64Decode(text)).toThrow(SerializationError);
  });
  it('standard accepts unpadded (argon2) and padded (pbkdf2) forms', () => {
    expect(b64Decode('YWI')).toEqual(Buffer.from('ab'));
    expect(b64Decode('YWI=')).toEqual(Buffer.from('ab'));
  });
});

describe('base62', () => {
  it('round-trips and refuses bad digits', () => {
    for (const n of [0, 1, 61, 62, 1_700_000_000, -42]) expect(b62Decode(b62Encode(n))).toBe(n);
    expect(() => b62Decode('')).toThrow(BadSignature);
    expect(() => b62Decode('-')).toThrow(BadSignature);
    expect(() => b62Decode('ab!')).toThrow(BadSignature);
    expect(() => b62Decode('zzzzzzzzzz')).toThrow(BadSignature);
  });
});

describe('constantTimeCompare and random strings', () => {
  it('compares', () => {
    expect(constantTimeCompare('abc', 'abc')).toBe(true);
    expect(constantTimeCompare('abc', 'abd')).toBe(false);
    expect(constantTimeCompare('abc', 'abcd')).toBe(false);
    expect(constantTimeCompare(Buffer.from('é'), 'é')).toBe(true);
  });
  it('draws from the alphabet', () => {
    const s = getRandomString(500);
    expect(s).toHaveLength(500);
    expect([...s].every((c) => RANDOM_STRING_CHARS.includes(c))).toBe(true);
    expect(getRandomString(10, 'ab')).toMatch(/^[ab]{10}$/);
    expect(() => getRandomString(-1)).toThrow(RangeError);
    expect(() => getRandomString(3, '')).toThrow(RangeError);
  });
  it('salted HMAC refuses unknown algorithms', () => {
    expect(() => saltedHmac('s', 'v', 'k', 'md5' as 'sha1')).toThrow(/Unsupported HMAC algorithm/);
  });
});

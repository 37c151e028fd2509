import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, InvalidCsrfTokenFormat } from '../errors.js';
import { csrfCookieValue, csrfSecretFromCookie, rotateCsrfSecret } from './csrf-cookie.js';
import { maskCipherSecret, unmaskCipherToken } from './csrf-mask.js';
import { getCsrfToken, getNewCsrfSecret } from './csrf-secret.js';
import { checkCsrfTokenFormat, isCsrfString } from './csrf-token-format.js';
import { checkCsrfToken } from './csrf-token-match.js';

describe('checkCsrfTokenFormat', () => {
  it.each([
    ['', 'has incorrect length'], ['a'.repeat(31), 'has incorrect length'], ['a'.repeat(33), 'has incorrect length'],
    ['a'.repeat(63), 'has incorrect length'], ['a'.repeat(65), 'has incorrect length'],
    ['a'.repeat(31) + '!', 'has invalid characters'], ['a'.repeat(63) + ' ', 'has invalid characters'],
    ['é'.repeat(32), 'has invalid characters'], ['٣'.repeat(64), 'has invalid characters'],
    // Length is judged first, as in Django: 33 bad characters are a length problem.
    ['!'.repeat(33), 'has incorrect length'],
    [null, 'has incorrect length'], [undefined, 'has incorrect length'], [42, 'has incorrect length'], [['a'.repeat(32)], 'has incorrect length'],
  ])('%p: %s', (token, reason) => {
    expect(() => checkCsrfTokenFormat(token)).toThrow(InvalidCsrfTokenFormat);
    expect(() => checkCsrfTokenFormat(token)).toThrow(new InvalidCsrfTokenFormat(reason));
  });
  it('passes 32 and 64 alphanumerics', () => {
    expect(() => checkCsrfTokenFormat('aZ09'.repeat(8))).not.toThrow();
    expect(() => checkCsrfTokenFormat('aZ09'.repeat(16))).not.toThrow();
    expect(isCsrfString('a'.repeat(32), 32)).toBe(true);
    expect(isCsrfString('a'.repeat(32), 64)).toBe(false);
    expect(isCsrfString(5, 32)).toBe(false);
  });
});

describe('cookie values', () => {
  const secret = getNewCsrfSecret();
  it('reads the secret from every form Django 3.2 to 6.0 writes', () => {
    expect(csrfSecretFromCookie(secret)).toBe(secret);
    expect(csrfSecretFromCookie(getCsrfToken(secret))).toBe(secret);
  });
  it.each([undefined, null, 42, '', 'x'.repeat(40), '-'.repeat(32), 'é'.repeat(64), `${secret} `])('resets %p (null)', (value) => {
    expect(csrfSecretFromCookie(value)).toBeNull();
  });
  it('writes the secret by default and per Django line', () => {
    expect(csrfCookieValue(secret)).toBe(secret);
    expect(unmaskCipherToken(csrfCookieValue(secret, { masked: true }))).toBe(secret);
    for (const v of ['3.2', '4.0'] as const) expect(unmaskCipherToken(csrfCookieValue(secret, { djangoVersion: v }))).toBe(secret);
    for (const v of ['4.1', '4.2', '5.0', '5.1', '5.2', '6.0'] as const) expect(csrfCookieValue(secret, { djangoVersion: v })).toBe(secret);
    // CSRF_COOKIE_MASKED=True on 4.1/4.2.
    expect(csrfCookieValue(secret, { djangoVersion: '4.2', masked: true })).toHaveLength(64);
    expect(csrfCookieValue(secret, { djangoVersion: '3.2', masked: false })).toBe(secret);
  });
  it('refuses to write anything but a secret', () => {
    expect(() => csrfCookieValue(getCsrfToken(secret))).toThrow('CSRF secret has incorrect length');
    expect(() => csrfCookieValue('#'.repeat(32))).toThrow('CSRF secret has invalid characters');
    expect(() => csrfCookieValue(secret, { djangoVersion: '2.2' as '3.2' })).toThrow(ImproperlyConfigured);
  });
  it('rotates to a new secret', () => {
    const a = rotateCsrfSecret();
    const b = rotateCsrfSecret({ djangoVersion: '3.2' });
    expect(a.cookieValue).toBe(a.secret);
    expect(a.secret).not.toBe(b.secret);
    expect(unmaskCipherToken(b.cookieValue)).toBe(b.secret);
    expect(checkCsrfToken(b.cookieValue, getCsrfToken(b.secret))).toBe(true);
  });
});

describe('checkCsrfToken', () => {
  const s = getNewCsrfSecret();
  it('accepts 32 or 64 on both sides', () => {
    for (const cookie of [s, getCsrfToken(s)]) for (const token of [s, getCsrfToken(s)]) expect(checkCsrfToken(cookie, token)).toBe(true);
  });
  it('refuses another secret, a tampered token, and swapped halves', () => {
    const token = getCsrfToken(s);
    expect(checkCsrfToken(s, getCsrfToken(getNewCsrfSecret()))).toBe(false);
    expect(checkCsrfToken(s, getNewCsrfSecret())).toBe(false);
    const flipped = token.slice(0, 63) + (token[63] === 'a' ? 'b' : 'a');
    expect(checkCsrfToken(s, flipped)).toBe(false);
    expect(checkCsrfToken(s, token.slice(32) + token.slice(0, 32))).toBe(false);
    // Changing the mask alone changes the secret it decodes to.
    expect(checkCsrfToken(s, maskCipherSecret(s, 'a'.repeat(32)).replace(/^a/, 'b'))).toBe(false);
  });
  it('is false, never throwing, for malformed input on either side', () => {
    for (const bad of [undefined, null, '', 'x', 7, {}, [], 'é'.repeat(64), '!'.repeat(32), `${s}${s}x`]) {
      expect(checkCsrfToken(bad, s)).toBe(false);
      expect(checkCsrfToken(s, bad)).toBe(false);
    }
  });
});

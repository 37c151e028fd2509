import { describe, expect, it } from '@jest/globals';
import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_ALLOWED_CHARS } from './csrf-constants.js';
import { maskCipherSecret, unmaskCipherToken } from './csrf-mask.js';
import { getNewCsrfString } from './csrf-random-string.js';
import { getCsrfToken, getNewCsrfSecret, getNewCsrfToken } from './csrf-secret.js';

describe('mask / unmask', () => {
  it('matches the worked example of django-compat.md §9.2', () => {
    const token = maskCipherSecret('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz', 'abcdefghijklmnopqrstuvwxyzABCDEF');
    expect(token).toBe('abcdefghijklmnopqrstuvwxyzABCDEFABCDEFGHIJKLMNOPQRSTUVWXYZ012344');
    expect(unmaskCipherToken(token)).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz');
  });
  it('wraps around the alphabet both ways (lower case first)', () => {
    const last = '9'.repeat(32);
    expect(maskCipherSecret(last, 'b'.repeat(32))).toBe('b'.repeat(32) + 'a'.repeat(32));
    expect(unmaskCipherToken('9'.repeat(32) + 'a'.repeat(32))).toBe('b'.repeat(32));
    expect(CSRF_ALLOWED_CHARS).toHaveLength(62);
    expect(CSRF_ALLOWED_CHARS.startsWith('abc')).toBe(true);
  });
  it('masks freshly each time and always unmasks back', () => {
    const secret = getNewCsrfSecret();
    const tokens = Array.from({ length: 50 }, () => getCsrfToken(secret));
    expect(new Set(tokens).size).toBe(50);
    for (const t of tokens) expect(unmaskCipherToken(t)).toBe(secret);
  });
  it('makes secrets and tokens of the right shape', () => {
    expect(getNewCsrfString()).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(getNewCsrfSecret()).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(getNewCsrfToken()).toMatch(/^[a-zA-Z0-9]{64}$/);
    expect(getCsrfToken()).toMatch(/^[a-zA-Z0-9]{64}$/);
  });
  it.each([
    ['secret too short', () => maskCipherSecret('a'.repeat(31)), 'CSRF secret has incorrect length'],
    ['secret with a bad character', () => maskCipherSecret('a'.repeat(31) + '-'), 'CSRF secret has invalid characters'],
    ['secret with non-ASCII letters', () => maskCipherSecret('é'.repeat(32)), 'CSRF secret has invalid characters'],
    ['mask too long', () => maskCipherSecret('a'.repeat(32), 'a'.repeat(33)), 'CSRF mask has incorrect length'],
    ['mask with a bad character', () => maskCipherSecret('a'.repeat(32), ' '.repeat(32)), 'CSRF mask has invalid characters'],
    ['token of secret length', () => unmaskCipherToken('a'.repeat(32)), 'CSRF token has incorrect length'],
    ['token with a bad character', () => unmaskCipherToken('a'.repeat(63) + '/'), 'CSRF token has invalid characters'],
  ])('refuses a %s', (_name, run, message) => {
    expect(run).toThrow(InvalidCsrfTokenFormat);
    expect(run).toThrow(message);
  });
});

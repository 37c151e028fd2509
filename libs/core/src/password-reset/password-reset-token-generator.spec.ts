import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '../errors.js';
import { base36ToInt, intToBase36 } from './base36.js';
import { PasswordResetTokenGenerator, type PasswordResetUser } from './password-reset-token-generator.js';
import { decodeUidb64, encodeUidb64 } from './uidb64.js';

// Read off Django 5.2 (a PasswordResetTokenGenerator whose _now() is 2026-12-04 18:00:05.123456).
const NOW = Date.UTC(2026, 11, 4, 18, 0, 5, 123);
const user: PasswordResetUser = { pk: 42, password: 'pbkdf2_sha256$x$y$z', email: 'a@b.c', lastLogin: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) };
const generator = (options: Partial<ConstructorParameters<typeof PasswordResetTokenGenerator>[0]> = {}) =>
  new PasswordResetTokenGenerator({ secretKey: 'probe-key', djangoVersion: '5.2', clock: () => NOW, ...options });

describe('PasswordResetTokenGenerator: known Django outputs', () => {
  it('makes the token Django makes', () => {
    expect(generator().makeToken(user)).toBe('dj2q05-7a5dc5364f7ceb9b6726ec99b0b68239');
    expect(generator().makeToken({ ...user, lastLogin: null, email: '' })).toBe('dj2q05-c034b4cdb511fa0b947669d1e48f17db');
    expect(generator().makeToken({ ...user, lastLogin: null, email: null })).toBe('dj2q05-c034b4cdb511fa0b947669d1e48f17db');
  });
  it('hashes the same text as _make_hash_value (microseconds and tzinfo dropped)', () => {
    expect(generator().hashValue(user, 123n)).toBe('42pbkdf2_sha256$x$y$z2026-01-02 03:04:05123a@b.c');
  });
  it('hashes last_login as TIME_ZONE wall time when USE_TZ is off', () => {
    const g = generator({ useTz: false, timeZone: 'Europe/Paris' });
    expect(g.hashValue(user, 1n)).toBe('42pbkdf2_sha256$x$y$z2026-01-02 04:04:051a@b.c');
  });
  it('stamps with the wall clock of TIME_ZONE, as datetime.now() under TZ=TIME_ZONE', () => {
    const paris = generator({ timeZone: 'Europe/Paris' }).makeToken(user).split('-')[0];
    expect(base36ToInt(paris)! - base36ToInt('dj2q05')!).toBe(3600n);
  });
});

describe('checkToken', () => {
  const token = generator().makeToken(user);
  it('accepts its own token until the timeout, then refuses it', () => {
    expect(generator().checkToken(user, token)).toBe(true);
    expect(generator({ clock: () => NOW + 259_200_000 }).checkToken(user, token)).toBe(true);
    expect(generator({ clock: () => NOW + 259_201_000 }).checkToken(user, token)).toBe(false);
    expect(generator({ timeout: 60, clock: () => NOW + 61_000 }).checkToken(user, token)).toBe(false);
  });
  it('refuses after a password change, a login, an e-mail change, for another user or key', () => {
    expect(generator().checkToken({ ...user, password: 'other' }, token)).toBe(false);
    expect(generator().checkToken({ ...user, lastLogin: new Date(NOW) }, token)).toBe(false);
    expect(generator().checkToken({ ...user, email: 'x@y.z' }, token)).toBe(false);
    expect(generator().checkToken({ ...user, pk: 43 }, token)).toBe(false);
    expect(generator({ secretKey: 'other' }).checkToken(user, token)).toBe(false);
  });
  it('accepts a token of a fallback key (4.1+) and refuses fallbacks on 4.0 and 3.2', () => {
    expect(generator({ secretKey: 'new', secretKeyFallbacks: ['probe-key'] }).checkToken(user, token)).toBe(true);
    expect(() => generator({ djangoVersion: '4.0', secretKeyFallbacks: ['x'] })).toThrow(ImproperlyConfigured);
    expect(() => generator({ djangoVersion: '3.2', secretKeyFallbacks: ['x'] })).toThrow(ImproperlyConfigured);
  });
  it('takes sha1 tokens on 3.2 only', () => {
    const sha1 = generator({ djangoVersion: '3.2', algorithm: 'sha1' }).makeToken(user);
    expect(sha1.split('-')[1]).toHaveLength(20);
    expect(generator({ djangoVersion: '3.2' }).checkToken(user, sha1)).toBe(true);
    expect(generator({ djangoVersion: '4.2' }).checkToken(user, sha1)).toBe(false);
    expect(() => generator({ djangoVersion: '4.2', algorithm: 'sha1' })).toThrow(ImproperlyConfigured);
  });
  it.each([
    ['empty', ''],
    ['no dash', 'dj2q057a5dc5'],
    ['two dashes', `${token}-x`],
    ['upper case', token.toUpperCase()],
    ['leading zero', `0${token}`],
    ['signed', `+${token}`],
    ['too long a timestamp', `${'z'.repeat(14)}-${token.split('-')[1]}`],
    ['tampered hash', token.slice(0, -1) + (token.endsWith('0') ? '1' : '0')],
    ['huge', 'a'.repeat(100_000)],
    ['a number', 12345],
    ['null', null],
  ])('refuses %s', (_, bad) => {
    expect(generator().checkToken(user, bad)).toBe(false);
  });
  it('refuses without a user', () => {
    expect(generator().checkToken(null, token)).toBe(false);
  });
});

describe('uidb64', () => {
  it('encodes as urlsafe_base64_encode(force_bytes(pk))', () => {
    expect(encodeUidb64(42)).toBe('NDI');
    expect(encodeUidb64(123456)).toBe('MTIzNDU2');
    expect(decodeUidb64('NDI')).toBe('42');
    expect(decodeUidb64(encodeUidb64('3b241101-e2bb-4255-8caf-4136c566a962'))).toBe('3b241101-e2bb-4255-8caf-4136c566a962');
  });
  it.each([['one digit', 'N'], ['a lone surrogate', '\uD800NDI'], ['over-long', ''.padEnd(2000, 'A')], ['a number', 42], ['bytes that are not UTF-8', '_w']])('gives no pk for %s', (_, bad) => {
    expect(decodeUidb64(bad)).toBeNull();
  });
  it('base36 round trips past 2^53', () => {
    expect(intToBase36(2n ** 64n)).toBe('3w5e11264sgsg');
    expect(base36ToInt('3w5e11264sgsg')).toBe(2n ** 64n);
  });
});

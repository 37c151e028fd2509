import { describe, expect, it } from '@jest/globals';
import { InvalidCsrfTokenFormat } from '../errors.js';
import { checkCsrfOrigin, checkCsrfReferer, checkCsrfToken, checkCsrfTokenFormat, csrfCookieValue, csrfSecretFromCookie, getCsrfToken, getNewCsrfSecret, isSameDomain, maskCipherSecret, unmaskCipherToken, verifyCsrfRequest } from './index.js';

describe('tokens', () => {
  it('matches the documented example (../shared/docs/django-compat.md §9.2)', () => {
    const token = maskCipherSecret('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz', 'abcdefghijklmnopqrstuvwxyzABCDEF');
    expect(token).toBe('abcdefghijklmnopqrstuvwxyzABCDEFABCDEFGHIJKLMNOPQRSTUVWXYZ012344');
    expect(unmaskCipherToken(token)).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz');
  });
  it('masks freshly every time and unmasks back', () => {
    const secret = getNewCsrfSecret();
    const a = getCsrfToken(secret);
    const b = getCsrfToken(secret);
    expect(a).not.toBe(b);
    expect(unmaskCipherToken(a)).toBe(secret);
    expect(unmaskCipherToken(b)).toBe(secret);
  });
  it.each([
    ['', 'has incorrect length'], ['a'.repeat(31), 'has incorrect length'], ['a'.repeat(65), 'has incorrect length'],
    ['a'.repeat(31) + '!', 'has invalid characters'], ['é'.repeat(32), 'has invalid characters'], [null, 'has incorrect length'], [42, 'has incorrect length'],
  ])('format of %p: %s', (token, reason) => {
    expect(() => checkCsrfTokenFormat(token)).toThrow(InvalidCsrfTokenFormat);
    expect(() => checkCsrfTokenFormat(token)).toThrow(reason);
  });
  it('reads cookies of every Django line, resets anything else', () => {
    const secret = getNewCsrfSecret();
    expect(csrfSecretFromCookie(secret)).toBe(secret);
    expect(csrfSecretFromCookie(getCsrfToken(secret))).toBe(secret);
    expect(csrfSecretFromCookie('x'.repeat(40))).toBeNull();
    expect(csrfSecretFromCookie(undefined)).toBeNull();
    expect(csrfCookieValue(secret)).toBe(secret);
    expect(unmaskCipherToken(csrfCookieValue(secret, { masked: true }))).toBe(secret);
    expect(csrfCookieValue(secret, { djangoVersion: '3.2' })).toHaveLength(64);
    expect(csrfCookieValue(secret, { djangoVersion: '4.0' })).toHaveLength(64);
    expect(csrfCookieValue(secret, { djangoVersion: '4.1' })).toBe(secret);
    expect(() => csrfCookieValue(getCsrfToken(secret))).toThrow(InvalidCsrfTokenFormat);
  });
  it('checkCsrfToken accepts 32/64 on both sides and never throws', () => {
    const s = getNewCsrfSecret();
    for (const cookie of [s, getCsrfToken(s)]) for (const token of [s, getCsrfToken(s)]) expect(checkCsrfToken(cookie, token)).toBe(true);
    expect(checkCsrfToken(s, getCsrfToken(getNewCsrfSecret()))).toBe(false);
    for (const bad of [undefined, null, '', 'x', {}, 'é'.repeat(64)]) {
      expect(checkCsrfToken(bad, s)).toBe(false);
      expect(checkCsrfToken(s, bad)).toBe(false);
    }
  });
});

describe('Origin (Django 4.0+)', () => {
  const base = { host: 'example.com', isSecure: true };
  it.each([
    ['https://example.com', [], true],
    ['http://example.com', [], false],
    ['https://example.com:443', [], false],
    ['https://EXAMPLE.com', [], false],
    ['https://evil.com', [], false],
    ['null', [], false],
    ['https://other.com', ['https://other.com'], true],
    ['http://other.com', ['https://other.com'], false],
    ['https://a.other.com', ['https://*.other.com'], true],
    ['https://other.com', ['https://*.other.com'], true],
    ['http://a.other.com', ['https://*.other.com'], false],
    ['https://a.other.com.evil', ['https://*.other.com'], false],
    ['https://[::1', ['https://*.other.com'], false],
  ])('%s with trusted %p -> %p', (origin, trustedOrigins, ok) => {
    const result = checkCsrfOrigin({ ...base, origin, trustedOrigins });
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.reason).toBe(`Origin checking failed - ${origin} does not match any trusted origins.`);
  });
  it('refuses when ALLOWED_HOSTS refused the host', () => {
    expect(checkCsrfOrigin({ origin: 'https://example.com', host: null, isSecure: true }).ok).toBe(false);
  });
});

describe('Referer (HTTPS without Origin)', () => {
  it.each([
    [undefined, {}, 'Referer checking failed - no Referer.'],
    ['https://', {}, 'Referer checking failed - Referer is malformed.'],
    ['//example.com/x', {}, 'Referer checking failed - Referer is malformed.'],
    ['https://[::1/x', {}, 'Referer checking failed - Referer is malformed.'],
    ['http://example.com/x', {}, 'Referer checking failed - Referer is insecure while host is secure.'],
    ['https://evil.com/x', {}, 'Referer checking failed - https://evil.com/x does not match any trusted origins.'],
    ['https://example.com/x', {}, null],
    ['https://sub.example.com/x', { cookieDomain: '.example.com' }, null],
    ['https://sub.example.com/x', { cookieDomain: '.example.com', serverPort: '8443' }, 'Referer checking failed - https://sub.example.com/x does not match any trusted origins.'],
    ['https://sub.example.com:8443/x', { cookieDomain: '.example.com', serverPort: '8443' }, null],
    ['https://partner.com/x', { trustedOrigins: ['https://partner.com'] }, null],
    ['https://a.partner.com/x', { trustedOrigins: ['https://*.partner.com'] }, null],
  ])('%s %p', (referer, extra, reason) => {
    const result = checkCsrfReferer({ referer, host: 'example.com', ...extra });
    expect(result.ok ? null : result.reason).toBe(reason);
  });
  it('is_same_domain', () => {
    expect(isSameDomain('example.com', '.example.com')).toBe(true);
    expect(isSameDomain('a.example.com', '.EXAMPLE.com')).toBe(true);
    expect(isSameDomain('badexample.com', '.example.com')).toBe(false);
    expect(isSameDomain('example.com', '')).toBe(false);
  });
});

describe('verifyCsrfRequest', () => {
  const secret = getNewCsrfSecret();
  const req = { method: 'POST', storedToken: secret, isSecure: false, host: 'example.com' };
  it('lets safe methods through and checks unsafe ones with Django reasons', () => {
    expect(verifyCsrfRequest({ ...req, method: 'GET', storedToken: null }).ok).toBe(true);
    expect(verifyCsrfRequest({ ...req, headerToken: getCsrfToken(secret) }).ok).toBe(true);
    expect(verifyCsrfRequest({ ...req, method: 'DELETE', headerToken: secret }).ok).toBe(true);
    expect(verifyCsrfRequest({ ...req, storedToken: null, headerToken: secret })).toEqual({ ok: false, reason: 'CSRF cookie not set.' });
    expect(verifyCsrfRequest({ ...req, storedToken: 'abc', headerToken: secret })).toEqual({ ok: false, reason: 'CSRF cookie has incorrect length.' });
    expect(verifyCsrfRequest(req)).toEqual({ ok: false, reason: 'CSRF token missing.' });
    expect(verifyCsrfRequest({ ...req, headerToken: 'abc' })).toEqual({ ok: false, reason: "CSRF token from the 'X-CSRFToken' HTTP header has incorrect length." });
    expect(verifyCsrfRequest({ ...req, formToken: getCsrfToken(getNewCsrfSecret()) })).toEqual({ ok: false, reason: 'CSRF token from POST incorrect.' });
    expect(verifyCsrfRequest({ ...req, headerToken: secret, origin: 'http://evil.com' })).toEqual({ ok: false, reason: 'Origin checking failed - http://evil.com does not match any trusted origins.' });
    expect(verifyCsrfRequest({ ...req, headerToken: secret, origin: 'http://example.com' }).ok).toBe(true);
    expect(verifyCsrfRequest({ ...req, isSecure: true, headerToken: secret })).toEqual({ ok: false, reason: 'Referer checking failed - no Referer.' });
  });
  it('trusts a session-stored secret (CSRF_USE_SESSIONS) and reads a masked legacy one', () => {
    expect(verifyCsrfRequest({ ...req, useSessions: true, storedToken: getCsrfToken(secret), headerToken: secret }).ok).toBe(true);
  });
});

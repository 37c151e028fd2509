import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '../errors.js';
import { checkCsrfOrigin } from './csrf-origin.js';
import { parseCsrfTrustedOrigins } from './csrf-trusted-origins.js';

const bad = (origin: string) => ({ ok: false, reason: `Origin checking failed - ${origin} does not match any trusted origins.` });

describe('CSRF_TRUSTED_ORIGINS parsing', () => {
  it('splits exact entries, wildcard subdomains by scheme, and referer hosts', () => {
    const t = parseCsrfTrustedOrigins(['https://a.com', 'https://*.b.com', 'http://**.c.com:8000', 'HTTPS://*.d.com', 'https://*e.com']);
    expect([...t.exact]).toEqual(['https://a.com']);
    expect(Object.fromEntries(t.subdomains)).toEqual({ https: ['.b.com', '.d.com', 'e.com'], http: ['.c.com:8000'] });
    expect(t.refererHosts).toEqual(['a.com', '.b.com', '.c.com:8000', '.d.com', 'e.com']);
    expect(parseCsrfTrustedOrigins(t)).toBe(t);
    expect(parseCsrfTrustedOrigins().exact.size).toBe(0);
  });
  it.each([['example.com'], ['.example.com'], ['*.example.com'], ['null'], ['https://[::1'], ['https://[1.2.3.4]']])('refuses %p at configuration time', (entry) => {
    expect(() => parseCsrfTrustedOrigins([entry])).toThrow(ImproperlyConfigured);
  });
});

describe('Origin (Django 4.0+ _origin_verified)', () => {
  it.each([
    // Same origin: scheme from isSecure, host exactly as request.get_host() returned it.
    ['https://example.com', 'example.com', true, [], true],
    ['http://example.com', 'example.com', false, [], true],
    ['http://example.com', 'example.com', true, [], false],
    ['https://example.com', 'example.com', false, [], false],
    ['https://example.com:8443', 'example.com:8443', true, [], true],
    ['https://example.com:443', 'example.com', true, [], false],
    ['https://example.com', 'example.com:443', true, [], false],
    ['https://EXAMPLE.com', 'example.com', true, [], false],
    ['https://example.com/', 'example.com', true, [], false],
    ['https://evil.com', 'example.com', true, [], false],
    ['null', 'example.com', true, [], false],
    ['null', 'example.com', false, ['https://*.example.com', 'http://*.example.com'], false],
    ['', 'example.com', true, [], false],
    // Exact trusted entries: raw string equality, scheme included.
    ['https://other.com', 'example.com', true, ['https://other.com'], true],
    ['https://other.com', 'example.com', false, ['https://other.com'], true],
    ['http://other.com', 'example.com', true, ['https://other.com'], false],
    ['https://other.com:8443', 'example.com', true, ['https://other.com'], false],
    ['https://other.com', 'example.com', true, ['https://other.com:443'], false],
    ['https://a.other.com', 'example.com', true, ['https://other.com'], false],
    // Wildcards: same scheme, the domain itself and any depth of subdomain.
    ['https://a.other.com', 'example.com', true, ['https://*.other.com'], true],
    ['https://a.b.other.com', 'example.com', true, ['https://*.other.com'], true],
    ['https://other.com', 'example.com', true, ['https://*.other.com'], true],
    ['HTTPS://A.other.com', 'example.com', true, ['https://*.other.com'], true],
    ['http://a.other.com', 'example.com', true, ['https://*.other.com'], false],
    ['https://a.other.com.evil', 'example.com', true, ['https://*.other.com'], false],
    ['https://aother.com', 'example.com', true, ['https://*.other.com'], false],
    ['https://a.other.com:8443', 'example.com', true, ['https://*.other.com'], false],
    ['https://a.other.com:8443', 'example.com', true, ['https://*.other.com:8443'], true],
    ['https://a.other.com', 'example.com', true, ['https://*.other.com:8443'], false],
    ['https://x.y.other.com/', 'example.com', true, ['https://*.other.com'], true],
    // urllib refuses it (ValueError): no match rather than an exception.
    ['https://[::1', 'example.com', true, ['https://*.other.com'], false],
    ['https://a.other.com]', 'example.com', true, ['https://*.other.com'], false],
  ])('%s (host %s, secure %p, trusted %j) -> %p', (origin, host, isSecure, trustedOrigins, ok) => {
    expect(checkCsrfOrigin({ origin, host, isSecure, trustedOrigins })).toEqual(ok ? { ok: true } : bad(origin));
  });
  it('without an allowed host only trusted origins can pass', () => {
    expect(checkCsrfOrigin({ origin: 'https://example.com', host: null, isSecure: true })).toEqual(bad('https://example.com'));
    expect(checkCsrfOrigin({ origin: 'https://example.com', host: null, isSecure: true, trustedOrigins: ['https://example.com'] })).toEqual({ ok: true });
  });
  it('takes a pre-parsed setting', () => {
    const trustedOrigins = parseCsrfTrustedOrigins(['https://*.other.com']);
    expect(checkCsrfOrigin({ origin: 'https://a.other.com', host: 'example.com', isSecure: true, trustedOrigins }).ok).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { checkCsrfReferer, type CsrfRefererOptions } from './csrf-referer.js';

const NO = 'Referer checking failed - no Referer.';
const MALFORMED = 'Referer checking failed - Referer is malformed.';
const INSECURE = 'Referer checking failed - Referer is insecure while host is secure.';
const BAD = (url: string) => `Referer checking failed - ${url} does not match any trusted origins.`;

describe('Referer (Django 4.0+ _check_referer)', () => {
  it.each<[string | undefined | null, Partial<CsrfRefererOptions>, string | null]>([
    [undefined, {}, NO],
    [null, {}, NO],
    ['', {}, MALFORMED],
    ['https://', {}, MALFORMED],
    ['https:/example.com/x', {}, MALFORMED],
    ['//example.com/x', {}, MALFORMED],
    ['example.com/x', {}, MALFORMED],
    ['null', {}, MALFORMED],
    ['https://[::1/x', {}, MALFORMED],
    ['https://[1.2.3.4]/x', {}, MALFORMED],
    ['https://ex\u2100.com/', {}, MALFORMED],
    ['http://example.com/x', {}, INSECURE],
    ['ftp://example.com/x', {}, INSECURE],
    ['http://partner.com/x', { trustedOrigins: ['http://partner.com'] }, INSECURE],
    ['https://example.com/x', {}, null],
    ['HTTPS://example.com/x', {}, null],
    [' https://example.com/x', {}, null],
    ['https://example.com:443/x', {}, BAD('https://example.com:443/x')],
    ['https://EXAMPLE.com/x', {}, BAD('https://EXAMPLE.com/x')],
    ['https://sub.example.com/x', {}, BAD('https://sub.example.com/x')],
    ['https://evil.com/x', {}, BAD('https://evil.com/x')],
    // The reason shows the URL re-assembled by urllib, not the raw header.
    ['HTTPS://evil.com/a;?#', {}, BAD('https://evil.com/a')],
    ['https://evil.com/a;p?q#f', {}, BAD('https://evil.com/a;p?q#f')],
    ['https://evil\t.com/x', {}, BAD('https://evil.com/x')],
    // Host with a port must match host:port exactly.
    ['https://example.com:8443/x', { host: 'example.com:8443' }, null],
    ['https://example.com/x', { host: 'example.com:8443' }, BAD('https://example.com/x')],
    // Host refused by ALLOWED_HOSTS: only trusted origins or the cookie domain can pass.
    ['https://example.com/x', { host: null }, BAD('https://example.com/x')],
    ['https://example.com/x', { host: null, cookieDomain: '.example.com' }, null],
    // Cookie domain replaces the host, with the server port unless 80/443.
    ['https://sub.example.com/x', { cookieDomain: '.example.com' }, null],
    ['https://example.com/x', { cookieDomain: '.example.com', serverPort: 80 }, null],
    ['https://example.com/x', { cookieDomain: 'example.com' }, null],
    ['https://sub.example.com/x', { cookieDomain: 'example.com' }, BAD('https://sub.example.com/x')],
    ['https://sub.example.com/x', { cookieDomain: '.example.com', serverPort: '8443' }, BAD('https://sub.example.com/x')],
    ['https://sub.example.com:8443/x', { cookieDomain: '.example.com', serverPort: '8443' }, null],
    ['https://other.org/x', { cookieDomain: '.example.com' }, BAD('https://other.org/x')],
    ['https://example.com/x', { cookieDomain: '' }, BAD('https://example.com/x')],
    // Trusted origins: their host counts whatever their scheme; wildcards cover subdomains.
    ['https://partner.com/x', { trustedOrigins: ['https://partner.com'] }, null],
    ['https://partner.com/x', { trustedOrigins: ['http://partner.com'] }, null],
    ['https://a.partner.com/x', { trustedOrigins: ['https://partner.com'] }, BAD('https://a.partner.com/x')],
    ['https://a.partner.com/x', { trustedOrigins: ['https://*.partner.com'] }, null],
    ['https://partner.com/x', { trustedOrigins: ['https://*.partner.com'] }, null],
    ['https://partner.com:8443/x', { trustedOrigins: ['https://partner.com'] }, BAD('https://partner.com:8443/x')],
    ['https://partner.com:8443/x', { trustedOrigins: ['https://partner.com:8443'] }, null],
  ])('%j %j', (referer, extra, reason) => {
    const result = checkCsrfReferer({ referer, isSecure: true, host: 'example.com', ...extra });
    expect(result.ok ? null : result.reason).toBe(reason);
  });
  it('words the reason with urlsplit().geturl() when asked (Django 5.2+), keeping an empty ";" params part', () => {
    for (const [referer, split, parsed] of [['HTTPS://evil.com/a;?#', 'https://evil.com/a;', 'https://evil.com/a'], ['https://evil.com/p;x/q;', 'https://evil.com/p;x/q;', 'https://evil.com/p;x/q'], ['https://evil.com/a;p?q#f', 'https://evil.com/a;p?q#f', 'https://evil.com/a;p?q#f']]) {
      expect(checkCsrfReferer({ referer, isSecure: true, host: 'example.com', refererAsSplit: true })).toEqual({ ok: false, reason: BAD(split) });
      expect(checkCsrfReferer({ referer, isSecure: true, host: 'example.com' })).toEqual({ ok: false, reason: BAD(parsed) });
    }
  });
  it('does not apply to plain HTTP', () => {
    expect(checkCsrfReferer({ referer: undefined, isSecure: false, host: 'example.com' })).toEqual({ ok: true });
    expect(checkCsrfReferer({ referer: 'https://evil.com/', isSecure: false, host: 'example.com' })).toEqual({ ok: true });
  });
});

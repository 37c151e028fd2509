import { describe, expect, it } from '@jest/globals';
import { getCsrfToken, getNewCsrfSecret } from './csrf-secret.js';
import { verifyCsrfRequest } from './verify-csrf-request.js';

describe('verifyCsrfRequest (process_view, 4.1+ wording)', () => {
  const secret = getNewCsrfSecret();
  const req = { method: 'POST', storedToken: secret, isSecure: false, host: 'example.com' };
  const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

  it('lets safe methods through unchecked', () => {
    for (const method of ['GET', 'head', 'OPTIONS', 'TRACE']) expect(verifyCsrfRequest({ ...req, method, storedToken: null, origin: 'https://evil.com' }).ok).toBe(true);
  });
  it.each([
    ['masked header', { headerToken: getCsrfToken(secret) }, 'ok'],
    ['secret header', { headerToken: secret }, 'ok'],
    ['masked form field', { formToken: getCsrfToken(secret) }, 'ok'],
    ['form field wins over header', { formToken: getCsrfToken(secret), headerToken: 'junk' }, 'ok'],
    ['empty form field falls back to the header', { formToken: '', headerToken: secret }, 'ok'],
    ['masked legacy cookie', { storedToken: getCsrfToken(secret), headerToken: secret }, 'ok'],
    ['DELETE with header', { method: 'DELETE', headerToken: secret }, 'ok'],
    ['PUT ignores a form field', { method: 'PUT', formToken: secret }, 'CSRF token missing.'],
    ['no cookie', { storedToken: null, headerToken: secret }, 'CSRF cookie not set.'],
    ['short cookie', { storedToken: 'abc', headerToken: secret }, 'CSRF cookie has incorrect length.'],
    ['empty cookie', { storedToken: '', headerToken: secret }, 'CSRF cookie has incorrect length.'],
    ['cookie with bad characters', { storedToken: '-'.repeat(32), headerToken: secret }, 'CSRF cookie has invalid characters.'],
    ['no token', {}, 'CSRF token missing.'],
    ['empty header', { headerToken: '' }, "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."],
    ['short header', { headerToken: 'abc' }, "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."],
    ['header with bad characters', { headerToken: '!'.repeat(64) }, "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters."],
    ['custom header name', { headerToken: 'abc', headerName: 'HTTP_X_XSRF_TOKEN' }, "CSRF token from the 'X-Xsrf-Token' HTTP header has incorrect length."],
    ['wrong header token', { headerToken: getNewCsrfSecret() }, "CSRF token from the 'X-Csrftoken' HTTP header incorrect."],
    ['short form field', { formToken: 'abc' }, 'CSRF token from POST has incorrect length.'],
    ['wrong form field', { formToken: getCsrfToken(getNewCsrfSecret()) }, 'CSRF token from POST incorrect.'],
    ['bad origin', { headerToken: secret, origin: 'http://evil.com' }, 'Origin checking failed - http://evil.com does not match any trusted origins.'],
    ['null origin', { headerToken: secret, origin: 'null' }, 'Origin checking failed - null does not match any trusted origins.'],
    ['same origin', { headerToken: secret, origin: 'http://example.com' }, 'ok'],
    ['origin is checked before the token', { origin: 'http://evil.com' }, 'Origin checking failed - http://evil.com does not match any trusted origins.'],
    ['trusted origin', { headerToken: secret, origin: 'https://app.example.org', trustedOrigins: ['https://*.example.org'] }, 'ok'],
    ['HTTP ignores the Referer', { headerToken: secret, referer: 'https://evil.com/' }, 'ok'],
    ['HTTPS needs a Referer', { isSecure: true, headerToken: secret }, 'Referer checking failed - no Referer.'],
    ['HTTPS with same-host Referer', { isSecure: true, headerToken: secret, referer: 'https://example.com/form' }, 'ok'],
    ['HTTPS with Origin skips the Referer', { isSecure: true, headerToken: secret, origin: 'https://example.com', referer: 'http://evil.com/' }, 'ok'],
    ['HTTPS Referer checked before the token', { isSecure: true, referer: 'http://example.com/' }, 'Referer checking failed - Referer is insecure while host is secure.'],
  ])('%s', (_name, extra, expected) => {
    expect(reason(verifyCsrfRequest({ ...req, ...extra }))).toBe(expected);
  });
  it('trusts a session-stored value (CSRF_USE_SESSIONS): no format check, legacy masked form unmasked', () => {
    expect(verifyCsrfRequest({ ...req, useSessions: true, storedToken: getCsrfToken(secret), headerToken: secret }).ok).toBe(true);
    expect(reason(verifyCsrfRequest({ ...req, useSessions: true, storedToken: 'abc', headerToken: secret }))).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
    expect(reason(verifyCsrfRequest({ ...req, useSessions: true, storedToken: '!'.repeat(64), headerToken: secret }))).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
  });
});

describe('verifyCsrfRequest with legacyTokenReason (Django 3.2 wording)', () => {
  const secret = getNewCsrfSecret();
  const req = { method: 'POST', storedToken: secret, isSecure: false, host: 'example.com', legacyTokenReason: true };
  const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

  it.each([
    ['right token', { headerToken: getCsrfToken(secret) }, 'ok'],
    ['no cookie keeps its own reason', { storedToken: null, headerToken: secret }, 'CSRF cookie not set.'],
    ['malformed cookie', { storedToken: 'abc', headerToken: secret }, 'CSRF token missing or incorrect.'],
    ['no token', {}, 'CSRF token missing or incorrect.'],
    ['malformed header', { headerToken: 'abc' }, 'CSRF token missing or incorrect.'],
    ['wrong header token', { headerToken: getNewCsrfSecret() }, 'CSRF token missing or incorrect.'],
    ['wrong form field', { formToken: getCsrfToken(getNewCsrfSecret()) }, 'CSRF token missing or incorrect.'],
    ['Referer reasons are unchanged', { isSecure: true, headerToken: secret }, 'Referer checking failed - no Referer.'],
  ])('%s', (_name, extra, expected) => {
    expect(reason(verifyCsrfRequest({ ...req, ...extra }))).toBe(expected);
  });
});

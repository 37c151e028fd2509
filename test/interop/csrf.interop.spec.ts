/** CSRF tokens against Django 3.2's CsrfViewMiddleware, random secrets every run. */
import { describe, expect, it } from '@jest/globals';
import { checkCsrfToken, csrfCookieValue, getCsrfToken, getNewCsrfSecret, maskCipherSecret, unmaskCipherToken, verifyCsrfRequest } from '@django-bridge/core';
import { djangoAll } from '../django/oracle.js';

describe('mask / unmask', () => {
  it('masks byte-identically with the same mask, both ways', () => {
    const cases = Array.from({ length: 30 }, () => ({ secret: getNewCsrfSecret(), mask: getNewCsrfSecret() }));
    const theirs = djangoAll<string>(cases.map((c) => ({ op: 'csrf_mask', ...c })));
    expect(cases.map((c) => maskCipherSecret(c.secret, c.mask))).toEqual(theirs);
    const unmasked = djangoAll<string>(cases.map((c) => ({ op: 'csrf_unmask', token: maskCipherSecret(c.secret) })));
    expect(unmasked).toEqual(cases.map((c) => c.secret));
    const djangoTokens = djangoAll<string>(cases.slice(0, 5).map(() => ({ op: 'csrf_new_token' })));
    for (const t of djangoTokens) expect(maskCipherSecret(unmaskCipherToken(t), t.slice(0, 32))).toBe(t);
  });
});

describe('Django accepts what we accept and refuses what we refuse', () => {
  const secret = getNewCsrfSecret();
  const other = getNewCsrfSecret();
  const cases = [
    { name: 'masked cookie, masked header', cookie: csrfCookieValue(secret, { masked: true }), header: getCsrfToken(secret) },
    { name: 'secret cookie (4.1+), masked header', cookie: csrfCookieValue(secret), header: getCsrfToken(secret) },
    { name: 'secret cookie, secret header', cookie: secret, header: secret },
    { name: 'masked cookie, form field', cookie: getCsrfToken(secret), form: getCsrfToken(secret) },
    { name: 'other secret', cookie: secret, header: getCsrfToken(other) },
    { name: 'tampered token', cookie: secret, header: getCsrfToken(secret).replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) },
    { name: 'bad characters', cookie: secret, header: getCsrfToken(secret).replace(/^./, '!') },
    { name: 'bad length', cookie: secret, header: getCsrfToken(secret).slice(1) },
    { name: 'no cookie', header: getCsrfToken(secret) },
    { name: 'malformed cookie', cookie: 'x'.repeat(40), header: getCsrfToken(secret) },
    { name: 'no token', cookie: secret },
  ];

  it.each(cases)('$name', (c) => {
    const [theirs] = djangoAll<string>([{ op: 'csrf_process_view', ...c }]);
    const ours = verifyCsrfRequest({ method: 'POST', storedToken: c.cookie, headerToken: c.header, formToken: c.form, isSecure: false, host: 'testserver' });
    expect(ours.ok).toBe(theirs === 'accepted');
    expect(checkCsrfToken(c.cookie, c.header ?? c.form)).toBe(theirs === 'accepted');
  });

  it('HTTPS without Origin needs a same-host https Referer in both', () => {
    const token = getCsrfToken(secret);
    const reqs = [
      { referer: 'https://testserver/form' },
      { referer: 'http://testserver/form' },
      { referer: 'https://evil.example/form' },
      { referer: 'not a url' },
      {},
    ].map((r) => ({ op: 'csrf_process_view', secure: true, cookie: secret, header: token, ...r }));
    const theirs = djangoAll<string>(reqs);
    const ours = reqs.map((r) => verifyCsrfRequest({ method: 'POST', storedToken: secret, headerToken: token, isSecure: true, host: 'testserver', serverPort: '443', referer: (r as { referer?: string }).referer }));
    expect(ours.map((o) => (o.ok ? 'accepted' : o.reason))).toEqual(theirs);
  });
});

/**
 * CSRF against Django 3.2's django.middleware.csrf and the urllib it parses with; random secrets,
 * tokens and URLs every run. Imports the csrf barrel directly so this suite only depends on CSRF code.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomInt } from 'node:crypto';
import {
  checkCsrfReferer, checkCsrfToken, csrfCookieValue, csrfSecretFromCookie, getCsrfToken, getNewCsrfSecret, getNewCsrfToken, isSameDomain,
  maskCipherSecret, parseCsrfTrustedOrigins, unmaskCipherToken, urlParse, urlUnparse, verifyCsrfRequest, REASON_BAD_TOKEN,
} from '../../libs/core/src/csrf/index.js';
import { djangoAll } from '../django/oracle.js';

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)];

/** One character changed to another allowed one: same length and alphabet, different value. */
function tamper(token: string): string {
  const i = randomInt(token.length);
  const c = token[i] === 'a' ? 'b' : 'a';
  return token.slice(0, i) + c + token.slice(i + 1);
}

/** Cookie or token values of every shape Django may meet, good and bad. */
function randomCandidate(secret: string): string {
  return pick([
    () => secret,
    () => getCsrfToken(secret),
    () => getNewCsrfSecret(),
    () => getNewCsrfToken(),
    () => tamper(getCsrfToken(secret)),
    () => tamper(secret),
    () => getCsrfToken(secret).slice(0, randomInt(64)),
    () => secret + 'a',
    () => secret.slice(0, 31) + pick(['-', '_', ' ', 'é', '=', '%']),
    () => getCsrfToken(secret).slice(0, 63) + pick(['-', '+', '/', '\u0660']),
    () => '',
  ])();
}

describe('mask / unmask / new token', () => {
  it('masks byte-identically with the same mask, and each side unmasks the other', () => {
    const cases = Array.from({ length: 40 }, () => ({ secret: getNewCsrfSecret(), mask: getNewCsrfSecret() }));
    const theirs = djangoAll<string>(cases.map((c) => ({ op: 'csrf_mask', ...c })));
    expect(cases.map((c) => maskCipherSecret(c.secret, c.mask))).toEqual(theirs);
    const ours = cases.map((c) => maskCipherSecret(c.secret));
    expect(djangoAll<string>(ours.map((token) => ({ op: 'csrf_unmask', token })))).toEqual(cases.map((c) => c.secret));
    expect(theirs.map(unmaskCipherToken)).toEqual(cases.map((c) => c.secret));
  });
  it('reads tokens Django made', () => {
    const tokens = djangoAll<string>(Array.from({ length: 20 }, () => ({ op: 'csrf_new_token' })));
    for (const t of tokens) {
      expect(t).toMatch(/^[a-zA-Z0-9]{64}$/);
      const secret = unmaskCipherToken(t);
      expect(maskCipherSecret(secret, t.slice(0, 32))).toBe(t);
      expect(csrfSecretFromCookie(t)).toBe(secret);
      expect(checkCsrfToken(t, getCsrfToken(secret))).toBe(true);
    }
  });
});

describe('_sanitize_token and _compare_masked_tokens', () => {
  it('csrfSecretFromCookie keeps what 3.2 keeps and resets what it replaces', () => {
    const secret = getNewCsrfSecret();
    const values = Array.from({ length: 80 }, () => randomCandidate(secret));
    const theirs = djangoAll<{ token: string; secret: string }>(values.map((token) => ({ op: 'csrf_sanitize', token })));
    values.forEach((value, i) => {
      const ours = csrfSecretFromCookie(value);
      // 3.2 keeps a 64-char value, masks a 32-char one (same secret), and swaps anything else for a random token.
      const kept = theirs[i].token === value || theirs[i].secret === value;
      expect({ value, ours: ours ?? 'reset' }).toEqual({ value, ours: kept ? theirs[i].secret : 'reset' });
    });
  });
  it('checkCsrfToken agrees with 3.2 on random cookie/token pairs', () => {
    const secret = getNewCsrfSecret();
    // Random pairs, plus pairs that must match, so the run never leans on luck for positives.
    const matching = Array.from({ length: 20 }, (_, i) => ({ cookie: i % 2 ? secret : getCsrfToken(secret), request: getCsrfToken(secret) }));
    const pairs = [...matching, ...Array.from({ length: 120 }, () => ({ cookie: pick([secret, getCsrfToken(secret), randomCandidate(secret)]), request: randomCandidate(secret) }))];
    const theirs = djangoAll<boolean>(pairs.map((p) => ({ op: 'csrf_compare', ...p })));
    expect(pairs.map((p) => ({ ...p, ok: checkCsrfToken(p.cookie, p.request) }))).toEqual(pairs.map((p, i) => ({ ...p, ok: theirs[i] })));
    expect(theirs.filter(Boolean).length).toBeGreaterThanOrEqual(matching.length);
  });
});

/** URL-ish strings built from the pieces urllib treats specially. */
function randomUrl(): string {
  const scheme = pick(['https', 'HTTPS', 'http', 'ftp', 'Https', '', '1x', 'a+b.c', 'ht%tp']);
  const sep = pick(['://', '://', '://', ':/', ':', '//', '', ':///']);
  const user = pick(['', '', 'u@', 'u:p@', 'u[x]@', '@']);
  const host = pick(['example.com', 'EXAMPLE.com', 'a.example.com', 'testserver', '[::1]', '[fe80::1%eth0]', '[::ffff:1.2.3.4]', '[1.2.3.4]', '[v1.x]', '[V1.x]',
    '[::1', '::1]', '[::1]x', 'a[::1]', '[1::2::3]', '[::01.2.3.4]', 'ex\u2100.com', 'exämple.com', 'ex\uff03ample.com', '', '*.example.com', 'e\txample.com']);
  const port = pick(['', '', ':443', ':8443', ':', ':x']);
  const path = pick(['', '/', '/a', '/a;b', '/a;', '/p;x/q', ';p', '/a/b;c/d;e']);
  const query = pick(['', '', '?', '?q=1', '?a#b']);
  const fragment = pick(['', '', '#', '#f']);
  const lead = pick(['', '', '', ' ', '\u0000', '\t', '\n ']);
  return lead + scheme + sep + user + host + port + path + query + fragment;
}

describe('Python urllib and is_same_domain', () => {
  it('urlParse / urlUnparse equal urlparse and geturl() on random URLs', () => {
    const urls = Array.from({ length: 300 }, randomUrl);
    const theirs = djangoAll<{ fields: string[]; geturl: string } | null>(urls.map((url) => ({ op: 'py_urlparse', url })));
    urls.forEach((url, i) => {
      let ours: { fields: string[]; geturl?: string } | null;
      try {
        const p = urlParse(url);
        ours = { fields: [p.scheme, p.netloc, p.path, p.params, p.query, p.fragment], geturl: p.scheme && p.netloc ? urlUnparse(p) : undefined };
      } catch {
        ours = null;
      }
      const expected = theirs[i] && { fields: theirs[i]!.fields, geturl: ours?.geturl === undefined ? undefined : theirs[i]!.geturl };
      expect({ url, ours }).toEqual({ url, ours: expected });
    });
  });
  it('isSameDomain equals is_same_domain', () => {
    const hosts = ['example.com', 'a.example.com', 'EXAMPLE.com', 'badexample.com', 'example.com:8443', 'a.example.com:8443', ''];
    const patterns = ['example.com', '.example.com', '.EXAMPLE.COM', 'Example.com', '.example.com:8443', 'example.com:8443', '.', ''];
    const reqs = hosts.flatMap((host) => patterns.map((pattern) => ({ op: 'is_same_domain', host, pattern })));
    expect(reqs.map((r) => isSameDomain(r.host, r.pattern))).toEqual(djangoAll<boolean>(reqs));
  });
});

/** Our 4.0+ reasons in 3.2's words: 3.2 has one reason for every token failure (and resets bad cookies first). */
function as32(reason: string): string {
  return reason.startsWith('CSRF token') || reason.startsWith('CSRF cookie has') ? REASON_BAD_TOKEN : reason;
}

type Case = { name?: string; method?: string; cookie?: string; header?: string; form?: string; secure?: boolean; referer?: string; host?: string; port?: number; trusted?: string[]; cookie_domain?: string };

function ours(c: Case) {
  // Without a Host header Django builds one from SERVER_NAME plus any non-default SERVER_PORT.
  const port = c.port ?? (c.secure ? 443 : 80);
  const host = c.host ?? (port === (c.secure ? 443 : 80) ? 'testserver' : `testserver:${port}`);
  const allowed = host === 'testserver' || host === 'testserver:8443' || isSameDomain(host.replace(/:\d+$/, ''), '.example.com');
  const result = verifyCsrfRequest({
    method: c.method ?? 'POST', storedToken: c.cookie, headerToken: c.header, formToken: c.form, isSecure: c.secure ?? false,
    host: allowed ? host : null, referer: c.referer, trustedOrigins: c.trusted, cookieDomain: c.cookie_domain, serverPort: port,
  });
  return result.ok ? 'accepted' : as32(result.reason);
}

function theirs(cases: Case[]): string[] {
  const results = djangoAll<string>(cases.map(({ name: _name, trusted, ...c }) => ({ op: 'csrf_process_view', ...c, trusted: parseCsrfTrustedOrigins(trusted).refererHosts })));
  // Where 3.2 crashes on an unparsable Referer, 4.0+ (and we) reject it as malformed.
  return results.map((r) => (r === 'ValueError' ? 'Referer checking failed - Referer is malformed.' : r));
}

describe('CsrfViewMiddleware.process_view accepts what we accept and refuses what we refuse', () => {
  const secret = getNewCsrfSecret();
  const other = getNewCsrfSecret();
  const named: Case[] = [
    { name: 'masked cookie (3.2/4.0), masked header', cookie: csrfCookieValue(secret, { masked: true }), header: getCsrfToken(secret) },
    { name: 'secret cookie (4.1+), masked header', cookie: csrfCookieValue(secret), header: getCsrfToken(secret) },
    { name: 'secret cookie, secret header', cookie: secret, header: secret },
    { name: 'masked cookie, secret header', cookie: getCsrfToken(secret), header: secret },
    { name: 'masked cookie, masked form field', cookie: getCsrfToken(secret), form: getCsrfToken(secret) },
    { name: 'secret cookie, secret form field', cookie: secret, form: secret },
    { name: 'form field first, then header', cookie: secret, form: getCsrfToken(other), header: secret },
    { name: 'PUT with header', method: 'PUT', cookie: secret, header: getCsrfToken(secret) },
    { name: 'DELETE without token', method: 'DELETE', cookie: secret },
    { name: 'GET needs nothing', method: 'GET' },
    { name: 'other secret', cookie: secret, header: getCsrfToken(other) },
    { name: 'tampered token', cookie: secret, header: tamper(getCsrfToken(secret)) },
    { name: 'tampered cookie', cookie: tamper(getCsrfToken(secret)), header: getCsrfToken(secret) },
    { name: 'bad characters', cookie: secret, header: '!' + getCsrfToken(secret).slice(1) },
    { name: 'bad length', cookie: secret, header: getCsrfToken(secret).slice(1) },
    { name: 'empty header', cookie: secret, header: '' },
    { name: 'no cookie', header: getCsrfToken(secret) },
    { name: 'malformed cookie', cookie: 'x'.repeat(40), header: getCsrfToken(secret) },
    { name: 'no token', cookie: secret },
    { name: 'HTTPS, same-host Referer', secure: true, cookie: secret, header: secret, referer: 'https://testserver/form' },
    { name: 'HTTPS, http Referer', secure: true, cookie: secret, header: secret, referer: 'http://testserver/form' },
    { name: 'HTTPS, no Referer', secure: true, cookie: secret, header: secret },
    { name: 'HTTPS, foreign Referer shown as geturl()', secure: true, cookie: secret, header: secret, referer: 'HTTPS://evil.example/a;?#' },
    { name: 'HTTPS, Referer without host', secure: true, cookie: secret, header: secret, referer: 'https:/testserver' },
    { name: 'HTTPS, bracketed IPv4 Referer', secure: true, cookie: secret, header: secret, referer: 'https://[1.2.3.4]/' },
    { name: 'HTTPS, trusted wildcard', secure: true, cookie: secret, header: secret, referer: 'https://a.partner.org/', trusted: ['https://*.partner.org'] },
    { name: 'HTTPS, trusted exact, other scheme', secure: true, cookie: secret, header: secret, referer: 'https://partner.org/', trusted: ['http://partner.org'] },
    { name: 'HTTPS, cookie domain', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com/', cookie_domain: '.example.com' },
    { name: 'HTTPS, cookie domain on port 8443', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com/', cookie_domain: '.example.com', port: 8443 },
    { name: 'HTTPS, cookie domain with port in Referer', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com:8443/', cookie_domain: '.example.com', port: 8443 },
    { name: 'HTTPS, host with port', secure: true, cookie: secret, header: secret, referer: 'https://testserver:8443/', host: 'testserver:8443' },
    { name: 'HTTPS, disallowed host', secure: true, cookie: secret, header: secret, referer: 'https://evil.test/', host: 'evil.test' },
    { name: 'HTTPS, disallowed host but cookie domain', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com/', host: 'evil.test', cookie_domain: '.example.com' },
  ];

  // One Python run for all the named cases.
  let expectedNamed: string[] = [];
  beforeAll(() => {
    expectedNamed = theirs(named);
  });
  it.each(named.map((c, i) => ({ ...c, i })))('$name', ({ i, ...c }) => {
    expect(ours(c)).toBe(expectedNamed[i]);
  });

  it('agrees on random requests (tokens, cookies, Referers, trusted origins)', () => {
    const cases: Case[] = Array.from({ length: 150 }, () => ({
      method: pick(['POST', 'POST', 'PUT', 'DELETE', 'PATCH']),
      cookie: pick([undefined, secret, getCsrfToken(secret), randomCandidate(secret)]),
      header: pick([undefined, randomCandidate(secret), getCsrfToken(secret)]),
      form: pick([undefined, undefined, randomCandidate(secret)]),
      secure: pick([true, false]),
      referer: pick([undefined, randomUrl(), 'https://testserver/x', 'https://a.example.com/x', 'https://a.partner.org/']),
      host: pick([undefined, 'testserver:8443', 'a.example.com', 'evil.test']),
      trusted: pick([undefined, ['https://*.partner.org'], ['https://example.com', 'http://*.example.com']]),
      cookie_domain: pick([undefined, undefined, '.example.com']),
      port: pick([undefined, 8443]),
    }));
    const expected = theirs(cases);
    expect(cases.map((c) => ({ c, result: ours(c) }))).toEqual(cases.map((c, i) => ({ c, result: expected[i] })));
    expect(expected.filter((r) => r === 'accepted').length).toBeGreaterThan(0);
  });

  it('checkCsrfReferer gives 3.2\'s exact reasons for random Referers on HTTPS', () => {
    const referers = Array.from({ length: 150 }, randomUrl);
    const cases = referers.map((referer) => ({ secure: true, cookie: secret, header: secret, referer }));
    const expected = theirs(cases);
    const got = referers.map((referer) => {
      const r = checkCsrfReferer({ referer, isSecure: true, host: 'testserver', serverPort: '443' });
      return r.ok ? 'accepted' : r.reason;
    });
    expect(referers.map((referer, i) => ({ referer, result: got[i] }))).toEqual(referers.map((referer, i) => ({ referer, result: expected[i] })));
  });
});

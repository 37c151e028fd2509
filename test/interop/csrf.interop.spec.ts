/**
 * CSRF against the running Django's django.middleware.csrf and the urllib it parses with; random
 * secrets, tokens and URLs every run (seeded). Each line is held to its own behaviour: 3.2's single
 * token reason and masked cookies, 4.0+'s precise reasons and Origin check, 4.1+'s bare-secret cookies.
 * Imports the csrf barrel directly so this suite only depends on CSRF code.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { djangoDefaults, InvalidCsrfTokenFormat } from '@django-bridge/core';
import {
  checkCsrfReferer, checkCsrfToken, checkCsrfTokenFormat, csrfCookieValue, csrfSecretFromCookie, getCsrfToken, getNewCsrfSecret, getNewCsrfToken, isSameDomain,
  maskCipherSecret, parseCsrfTrustedOrigins, unmaskCipherToken, urlParse, urlUnparse, verifyCsrfRequest, CSRF_ALLOWED_CHARS, REASON_MALFORMED_REFERER,
} from '../../libs/core/src/csrf/index.js';
import { bridgeVersion, djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { pick, randomInt, randomString } from '../support/random.js';

const info = djangoInfo();
const features = info.features;
const version = bridgeVersion(info);

/** A secret and a masked token from the seeded generator, so a run can be replayed. */
const newSecret = () => randomString(CSRF_ALLOWED_CHARS, 32);
const tokenFor = (secret: string) => maskCipherSecret(secret, newSecret());

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
    () => tokenFor(secret),
    () => newSecret(),
    () => tokenFor(newSecret()),
    () => tamper(tokenFor(secret)),
    () => tamper(secret),
    () => tokenFor(secret).slice(0, randomInt(64)),
    () => secret + 'a',
    () => secret.slice(0, 31) + pick(['-', '_', ' ', 'é', '=', '%']),
    () => tokenFor(secret).slice(0, 63) + pick(['-', '+', '/', '\u0660']),
    () => '',
  ])();
}

describe(`mask / unmask / new token (Django ${info.version})`, () => {
  it('masks byte-identically with the same mask, and each side unmasks the other', () => {
    const cases = Array.from({ length: 40 }, () => ({ secret: newSecret(), mask: newSecret() }));
    const theirs = djangoAll<string>(cases.map((c) => ({ op: 'csrf_mask', ...c })));
    expect(cases.map((c) => maskCipherSecret(c.secret, c.mask))).toEqual(theirs);
    const ours = cases.map((c) => maskCipherSecret(c.secret));
    expect(djangoAll<string>(ours.map((token) => ({ op: 'csrf_unmask', token })))).toEqual(cases.map((c) => c.secret));
    expect(theirs.map(unmaskCipherToken)).toEqual(cases.map((c) => c.secret));
  });

  it("reads the tokens and cookies get_token() makes, and writes this line's cookie form", () => {
    const made = djangoAll<{ token: string; cookie: string }>(Array.from({ length: 20 }, () => ({ op: 'csrf_new_token' })));
    // 3.2 and 4.0 store a masked token in the cookie, 4.1+ the bare secret: the core's table must say which.
    const cookieLength = djangoDefaults(version).csrfCookieIsSecret ? 32 : 64;
    for (const { token, cookie } of made) {
      expect(token).toMatch(/^[a-zA-Z0-9]{64}$/);
      expect(cookie).toMatch(new RegExp(`^[a-zA-Z0-9]{${cookieLength}}$`));
      const secret = unmaskCipherToken(token);
      expect(maskCipherSecret(secret, token.slice(0, 32))).toBe(token);
      expect(csrfSecretFromCookie(cookie)).toBe(secret);
      expect(checkCsrfToken(cookie, getCsrfToken(secret))).toBe(true);
      expect(csrfCookieValue(secret, { djangoVersion: version })).toHaveLength(cookie.length);
    }
  });

  // CSRF_COOKIE_MASKED exists on 4.1 and 4.2 only (the way back to masked cookies during an upgrade).
  if (features.csrf_cookie_masked_setting) {
    it('with CSRF_COOKIE_MASKED = True writes masked cookies, as csrfCookieValue({ masked: true }) does', () => {
      const made = djangoAll<{ token: string; cookie: string }>(Array.from({ length: 5 }, () => ({ op: 'csrf_new_token', masked: true })));
      for (const { token, cookie } of made) {
        expect(cookie).toHaveLength(64);
        expect(csrfSecretFromCookie(cookie)).toBe(unmaskCipherToken(token));
        expect(csrfCookieValue(unmaskCipherToken(cookie), { masked: true })).toHaveLength(64);
      }
    });
  }

  it("Django accepts the core's own random secrets and tokens", () => {
    const secret = getNewCsrfSecret();
    const pairs = [{ cookie: secret, request: getCsrfToken(secret) }, { cookie: getCsrfToken(secret), request: getCsrfToken(secret) }, { cookie: unmaskCipherToken(getNewCsrfToken()), request: secret }];
    expect(djangoAll<boolean>(pairs.map((p) => ({ op: 'csrf_compare', ...p })))).toEqual([true, true, false]);
  });
});

const cookieReader = features.csrf_token_format ? 'CsrfViewMiddleware._get_secret' : '_sanitize_token';
describe(`reading cookies (${cookieReader}) and matching tokens`, () => {
  it(`csrfSecretFromCookie keeps what ${cookieReader} keeps and resets what it replaces`, () => {
    const secret = newSecret();
    const values = Array.from({ length: 80 }, () => randomCandidate(secret));
    const theirs = djangoAll<{ secret: string | null; reason: string | null }>(values.map((value) => ({ op: 'csrf_cookie_secret', value })));
    expect(values.map((value) => ({ value, secret: csrfSecretFromCookie(value) }))).toEqual(values.map((value, i) => ({ value, secret: theirs[i].secret })));
    expect(theirs.some((t) => t.secret === null) && theirs.some((t) => t.secret !== null)).toBe(true);
    // 4.0+ says why a value was refused (InvalidTokenFormat.reason); so does the core, in the same words.
    if (features.csrf_token_format) {
      const reasonOf = (value: string) => {
        try {
          checkCsrfTokenFormat(value);
          return null;
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidCsrfTokenFormat);
          return (err as Error).message;
        }
      };
      expect(values.map((value) => ({ value, reason: reasonOf(value) }))).toEqual(values.map((value, i) => ({ value, reason: theirs[i].reason })));
    }
  });

  it('checkCsrfToken agrees with Django on random cookie/token pairs', () => {
    const secret = newSecret();
    // Random pairs, plus pairs that must match, so the run never leans on luck for positives.
    const matching = Array.from({ length: 20 }, (_, i) => ({ cookie: i % 2 ? secret : tokenFor(secret), request: i % 3 ? tokenFor(secret) : secret }));
    const pairs = [...matching, ...Array.from({ length: 120 }, () => ({ cookie: pick([secret, tokenFor(secret), randomCandidate(secret)]), request: randomCandidate(secret) }))];
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

describe(`Python ${info.python} urllib and is_same_domain`, () => {
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

type Case = { name?: string; method?: string; cookie?: string; header?: string; form?: string; secure?: boolean; referer?: string; origin?: string; host?: string; port?: number; trusted?: string[]; cookie_domain?: string };

function ours(c: Case) {
  // Without a Host header Django builds one from SERVER_NAME plus any non-default SERVER_PORT.
  const port = c.port ?? (c.secure ? 443 : 80);
  const host = c.host ?? (port === (c.secure ? 443 : 80) ? 'testserver' : `testserver:${port}`);
  const allowed = host === 'testserver' || host === 'testserver:8443' || isSameDomain(host.replace(/:\d+$/, ''), '.example.com');
  const result = verifyCsrfRequest({
    method: c.method ?? 'POST', storedToken: c.cookie, headerToken: c.header, formToken: c.form, isSecure: c.secure ?? false,
    host: allowed ? host : null, referer: c.referer, origin: c.origin, trustedOrigins: c.trusted, cookieDomain: c.cookie_domain, serverPort: port,
    // 3.2 words every token failure but a missing cookie as one reason.
    legacyTokenReason: !features.csrf_precise_reasons,
    // Lines that parse with urlsplit show a Referer's empty ";" params part in the reason.
    refererAsSplit: features.csrf_urlsplit,
  });
  return result.ok ? 'accepted' : result.reason;
}

function theirs(cases: Case[]): string[] {
  const results = djangoAll<string>(cases.map(({ name: _name, trusted, ...c }) => ({
    op: 'csrf_process_view',
    ...c,
    // 4.0+ takes origins with a scheme; 3.2 takes the bare hosts our 4.0-style parser derives from them.
    trusted: features.csrf_trusted_origins_have_scheme ? trusted ?? [] : parseCsrfTrustedOrigins(trusted).refererHosts,
  })));
  // Where 3.2 crashes on an unparsable Referer (a 500), 4.0+ and we reject it as malformed. No other line may raise.
  return results.map((r) => (r === 'ValueError' && features.csrf_referer_value_error_escapes ? REASON_MALFORMED_REFERER : r));
}

describe(`CsrfViewMiddleware.process_view (Django ${info.version}) accepts what we accept and refuses what we refuse`, () => {
  const secret = newSecret();
  const other = newSecret();
  const named: Case[] = [
    { name: 'masked cookie (3.2/4.0), masked header', cookie: csrfCookieValue(secret, { masked: true }), header: tokenFor(secret) },
    { name: 'secret cookie (4.1+), masked header', cookie: csrfCookieValue(secret), header: tokenFor(secret) },
    { name: 'secret cookie, secret header', cookie: secret, header: secret },
    { name: 'masked cookie, secret header', cookie: tokenFor(secret), header: secret },
    { name: 'masked cookie, masked form field', cookie: tokenFor(secret), form: tokenFor(secret) },
    { name: 'secret cookie, secret form field', cookie: secret, form: secret },
    { name: 'form field first, then header', cookie: secret, form: tokenFor(other), header: secret },
    { name: 'PUT with header', method: 'PUT', cookie: secret, header: tokenFor(secret) },
    { name: 'DELETE without token', method: 'DELETE', cookie: secret },
    { name: 'GET needs nothing', method: 'GET' },
    { name: 'other secret', cookie: secret, header: tokenFor(other) },
    { name: 'tampered token', cookie: secret, header: tamper(tokenFor(secret)) },
    { name: 'tampered cookie', cookie: tamper(tokenFor(secret)), header: tokenFor(secret) },
    { name: 'bad characters', cookie: secret, header: '!' + tokenFor(secret).slice(1) },
    { name: 'bad length', cookie: secret, header: tokenFor(secret).slice(1) },
    { name: 'empty header', cookie: secret, header: '' },
    { name: 'no cookie', header: tokenFor(secret) },
    { name: 'malformed cookie', cookie: 'x'.repeat(40), header: tokenFor(secret) },
    { name: 'no token', cookie: secret },
    { name: 'HTTPS, same-host Referer', secure: true, cookie: secret, header: secret, referer: 'https://testserver/form' },
    { name: 'HTTPS, http Referer', secure: true, cookie: secret, header: secret, referer: 'http://testserver/form' },
    { name: 'HTTPS, no Referer', secure: true, cookie: secret, header: secret },
    { name: 'HTTPS, foreign Referer shown as geturl()', secure: true, cookie: secret, header: secret, referer: 'HTTPS://evil.example/a;?#' },
    { name: 'HTTPS, foreign Referer with params in two segments', secure: true, cookie: secret, header: secret, referer: 'https://evil.example/p;x/q;' },
    { name: 'HTTPS, Referer without host', secure: true, cookie: secret, header: secret, referer: 'https:/testserver' },
    { name: 'HTTPS, bracketed IPv4 Referer', secure: true, cookie: secret, header: secret, referer: 'https://[1.2.3.4]/' },
    { name: 'HTTPS, unparsable Referer', secure: true, cookie: secret, header: secret, referer: 'https://[::1/' },
    { name: 'HTTPS, trusted wildcard', secure: true, cookie: secret, header: secret, referer: 'https://a.partner.org/', trusted: ['https://*.partner.org'] },
    { name: 'HTTPS, trusted exact, other scheme', secure: true, cookie: secret, header: secret, referer: 'https://partner.org/', trusted: ['http://partner.org'] },
    { name: 'HTTPS, cookie domain', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com/', cookie_domain: '.example.com' },
    { name: 'HTTPS, cookie domain on port 8443', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com/', cookie_domain: '.example.com', port: 8443 },
    { name: 'HTTPS, cookie domain with port in Referer', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com:8443/', cookie_domain: '.example.com', port: 8443 },
    { name: 'HTTPS, host with port', secure: true, cookie: secret, header: secret, referer: 'https://testserver:8443/', host: 'testserver:8443' },
    { name: 'HTTPS, disallowed host', secure: true, cookie: secret, header: secret, referer: 'https://evil.test/', host: 'evil.test' },
    { name: 'HTTPS, disallowed host but cookie domain', secure: true, cookie: secret, header: secret, referer: 'https://a.example.com/', host: 'evil.test', cookie_domain: '.example.com' },
  ];
  // 3.2 ignores the Origin header (the core checks it whenever it is given), so Origin cases exist on 4.0+ only.
  if (features.csrf_origin_check) {
    named.push(
      { name: 'Origin of the host (HTTPS)', secure: true, cookie: secret, header: secret, origin: 'https://testserver' },
      { name: 'Origin of the host (HTTP)', cookie: secret, header: secret, origin: 'http://testserver' },
      { name: 'Origin with the other scheme', secure: true, cookie: secret, header: secret, origin: 'http://testserver' },
      { name: 'Origin null', cookie: secret, header: secret, origin: 'null' },
      { name: 'Origin with a port', secure: true, cookie: secret, header: secret, origin: 'https://testserver:8443', host: 'testserver:8443' },
      { name: 'Origin checked instead of a foreign Referer', secure: true, cookie: secret, header: secret, origin: 'https://testserver', referer: 'https://evil.example/' },
      { name: 'Origin foreign, Referer fine', secure: true, cookie: secret, header: secret, origin: 'https://evil.example', referer: 'https://testserver/' },
      { name: 'Origin trusted exactly', secure: true, cookie: secret, header: secret, origin: 'https://partner.org', trusted: ['https://partner.org'] },
      { name: 'Origin trusted with the other scheme', secure: true, cookie: secret, header: secret, origin: 'https://partner.org', trusted: ['http://partner.org'] },
      { name: 'Origin under a trusted wildcard', secure: true, cookie: secret, header: secret, origin: 'https://a.b.partner.org', trusted: ['https://*.partner.org'] },
      { name: 'Origin of a disallowed host', secure: true, cookie: secret, header: secret, origin: 'https://evil.test', host: 'evil.test' },
      { name: 'Origin fine, token wrong', secure: true, cookie: secret, header: tokenFor(other), origin: 'https://testserver' },
      { name: 'Origin unparsable', secure: true, cookie: secret, header: secret, origin: 'https://[::1', trusted: ['https://*.partner.org'] },
    );
  }

  // One Python run for all the named cases.
  let expectedNamed: string[] = [];
  beforeAll(() => {
    expectedNamed = theirs(named);
  });
  it.each(named.map((c, i) => ({ ...c, i })))('$name', ({ i, ...c }) => {
    expect(ours(c)).toBe(expectedNamed[i]);
  });

  it('agrees on random requests (tokens, cookies, Referers, Origins where checked, trusted origins)', () => {
    const cases: Case[] = Array.from({ length: 150 }, () => ({
      method: pick(['POST', 'POST', 'PUT', 'DELETE', 'PATCH']),
      cookie: pick([undefined, secret, tokenFor(secret), randomCandidate(secret)]),
      header: pick([undefined, randomCandidate(secret), tokenFor(secret)]),
      form: pick([undefined, undefined, randomCandidate(secret)]),
      secure: pick([true, false]),
      referer: pick([undefined, randomUrl(), 'https://testserver/x', 'https://a.example.com/x', 'https://a.partner.org/']),
      origin: features.csrf_origin_check ? pick([undefined, undefined, randomUrl(), 'https://testserver', 'http://testserver:8443', 'https://a.partner.org', 'null']) : undefined,
      host: pick([undefined, 'testserver:8443', 'a.example.com', 'evil.test']),
      trusted: pick([undefined, ['https://*.partner.org'], ['https://example.com', 'http://*.example.com']]),
      cookie_domain: pick([undefined, undefined, '.example.com']),
      port: pick([undefined, 8443]),
    }));
    const expected = theirs(cases);
    expect(cases.map((c) => ({ c, result: ours(c) }))).toEqual(cases.map((c, i) => ({ c, result: expected[i] })));
    expect(expected.filter((r) => r === 'accepted').length).toBeGreaterThan(0);
  });

  it("checkCsrfReferer gives Django's exact reasons for random Referers on HTTPS", () => {
    const referers = Array.from({ length: 150 }, randomUrl);
    const cases = referers.map((referer) => ({ secure: true, cookie: secret, header: secret, referer }));
    const expected = theirs(cases);
    const got = referers.map((referer) => {
      const r = checkCsrfReferer({ referer, isSecure: true, host: 'testserver', serverPort: '443', refererAsSplit: features.csrf_urlsplit });
      return r.ok ? 'accepted' : r.reason;
    });
    expect(referers.map((referer, i) => ({ referer, result: got[i] }))).toEqual(referers.map((referer, i) => ({ referer, result: expected[i] })));
  });
});

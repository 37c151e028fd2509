import { describe, expect, it } from '@jest/globals';
import { csrfHeaderDisplayName } from './csrf-header-name.js';
import { isSameDomain } from './is-same-domain.js';
import { isPythonIPv4, isPythonIPv6 } from './python-ip-address.js';
import { UrlParseError, urlParse, urlUnparse } from './python-urlparse.js';

/** [input, Python 3.11 urlparse() fields or null for ValueError, geturl()], produced by /usr/bin/python3. */
const PYTHON: [string, string[] | null, string | null][] = [
  ["https://example.com/x", ["https", "example.com", "/x", "", "", ""], "https://example.com/x"],
  ["HTTPS://Example.COM:8443/a;b?c#d", ["https", "Example.COM:8443", "/a", "b", "c", "d"], "https://Example.COM:8443/a;b?c#d"],
  [" \u0000https://e.com/x", ["https", "e.com", "/x", "", "", ""], "https://e.com/x"],
  ["https://e\t.com/a", ["https", "e.com", "/a", "", "", ""], "https://e.com/a"],
  ["//e.com/x", ["", "e.com", "/x", "", "", ""], "//e.com/x"],
  ["e.com/x", ["", "", "e.com/x", "", "", ""], "e.com/x"],
  ["https:/e.com", ["https", "", "/e.com", "", "", ""], "https:///e.com"],
  ["https:", ["https", "", "", "", "", ""], "https://"],
  ["https://", ["https", "", "", "", "", ""], "https://"],
  ["mailto:a@b", ["mailto", "", "a@b", "", "", ""], "mailto:a@b"],
  ["1http://e.com", ["", "", "1http://e.com", "", "", ""], "1http://e.com"],
  ["ht%tp://e.com", ["", "", "ht%tp://e.com", "", "", ""], "ht%tp://e.com"],
  ["https://e.com?q", ["https", "e.com", "", "", "q", ""], "https://e.com?q"],
  ["https://e.com#f", ["https", "e.com", "", "", "", "f"], "https://e.com#f"],
  ["https://e.com/a;", ["https", "e.com", "/a", "", "", ""], "https://e.com/a"],
  ["https://e.com/p;x/q", ["https", "e.com", "/p;x/q", "", "", ""], "https://e.com/p;x/q"],
  ["https://u:p@e.com:1/", ["https", "u:p@e.com:1", "/", "", "", ""], "https://u:p@e.com:1/"],
  ["https://[::1]:8443/", ["https", "[::1]:8443", "/", "", "", ""], "https://[::1]:8443/"],
  ["https://[v7.abc]/", ["https", "[v7.abc]", "/", "", "", ""], "https://[v7.abc]/"],
  ["https://[V7.abc]/", null, null],
  ["https://[::ffff:1.2.3.4]/", ["https", "[::ffff:1.2.3.4]", "/", "", "", ""], "https://[::ffff:1.2.3.4]/"],
  ["https://[::ffff:01.2.3.4]/", null, null],
  ["https://[1.2.3.4]/", null, null],
  ["https://[::1", null, null],
  ["https://::1]/", null, null],
  ["https://[::1]x/", null, null],
  ["https://a[::1]/", null, null],
  ["https://[fe80::1%eth0]/", ["https", "[fe80::1%eth0]", "/", "", "", ""], "https://[fe80::1%eth0]/"],
  ["https://[fe80::1%]/", null, null],
  ["https://[1:2:3:4:5:6:7:8:9]/", null, null],
  ["https://[1::2::3]/", null, null],
  ["https://[:1:2:3:4:5:6:7]/", null, null],
  ["https://[12345::]/", null, null],
  ["https://[::]/", ["https", "[::]", "/", "", "", ""], "https://[::]/"],
  ["https://ex\u2100.com/", null, null],
  ["https://ex\u00e4mple.com/", ["https", "ex\u00e4mple.com", "/", "", "", ""], "https://ex\u00e4mple.com/"],
  ["null", ["", "", "null", "", "", ""], "null"],
  ["file:///etc/passwd", ["file", "", "/etc/passwd", "", "", ""], "file:///etc/passwd"],
  ["javascript:alert(1)", ["javascript", "", "alert(1)", "", "", ""], "javascript:alert(1)"],
  ["https://u[x]@v1.x/", ["https", "u[x]@v1.x", "/", "", "", ""], "https://u[x]@v1.x/"],
  ["https://[::1]]/", null, null],
  ["HTTPS://EVIL.com/a;?#", ["https", "EVIL.com", "/a", "", "", ""], "https://EVIL.com/a"],
];

describe('urlParse mirrors Python urllib.parse.urlparse', () => {
  it.each(PYTHON)('%j', (input, fields, geturl) => {
    if (fields === null) {
      expect(() => urlParse(input)).toThrow(UrlParseError);
      return;
    }
    const p = urlParse(input);
    expect([p.scheme, p.netloc, p.path, p.params, p.query, p.fragment]).toEqual(fields);
    if (p.scheme && p.netloc) expect(urlUnparse(p)).toBe(geturl);
  });
});

describe('Python ipaddress rules', () => {
  it.each([
    ['::', true], ['::1', true], ['1::', true], ['1:2:3:4:5:6:7:8', true], ['1:2:3:4:5:6:7::', true], ['::2:3:4:5:6:7:8', true],
    ['::ffff:1.2.3.4', true], ['fe80::1%eth0', true], ['ABCD::ef', true],
    ['', false], ['1', false], ['1:2', false], [':1::', false], ['::1:', false], ['1::2::3', false], ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7', false], ['12345::', false], ['g::', false], ['::1.2.3', false], ['::01.2.3.4', false], ['::256.1.1.1', false],
    ['fe80::1%', false], ['fe80::1%a%b', false], ['1:2:3:4:5:6:7:8::', false],
  ])('IPv6 %p -> %p', (text, ok) => {
    expect(isPythonIPv6(text)).toBe(ok);
  });
  it('IPv4', () => {
    expect(isPythonIPv4('1.2.3.4')).toBe(true);
    expect(isPythonIPv4('0.0.0.0')).toBe(true);
    expect(isPythonIPv4('01.2.3.4')).toBe(false);
    expect(isPythonIPv4('1.2.3')).toBe(false);
    expect(isPythonIPv4('1.2.3.256')).toBe(false);
    expect(isPythonIPv4('1.2.3.٣')).toBe(false);
  });
});

describe('is_same_domain', () => {
  it.each([
    ['example.com', '.example.com', true], ['a.b.example.com', '.example.com', true], ['a.example.com', '.EXAMPLE.com', true],
    ['example.com', 'example.com', true], ['example.com', 'EXAMPLE.COM', true], ['EXAMPLE.com', 'example.com', false],
    ['badexample.com', '.example.com', false], ['a.example.com', 'example.com', false], ['example.com:8000', '.example.com', false],
    ['a.example.com:8000', '.example.com:8000', true], ['example.com', '', false], ['example.com', null, false],
  ])('%p vs %p -> %p', (host, pattern, ok) => {
    expect(isSameDomain(host, pattern)).toBe(ok);
  });
});

describe('header name in reasons', () => {
  it.each([['X-CSRFToken', 'X-Csrftoken'], ['HTTP_X_CSRFTOKEN', 'X-Csrftoken'], ['HTTP_X_MY_CSRF2TOKEN', 'X-My-Csrf2Token'], ['x-xsrf-token', 'X-Xsrf-Token']])('%s -> %s', (name, shown) => {
    expect(csrfHeaderDisplayName(name)).toBe(shown);
  });
});

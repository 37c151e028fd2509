import { describe, expect, it } from '@jest/globals';
import { deleteCookie, parseCookieHeader, serializeCookie } from './cookies.js';

const now = Date.UTC(2026, 10, 25, 1, 14, 8);

describe('cookies as Django writes them (outputs of HttpResponse.set_cookie on 3.2)', () => {
  it('set_cookie', () => {
    expect(serializeCookie('sessionid', 'abc', { maxAge: 100, domain: '.x.com', secure: true, httpOnly: true, sameSite: 'Lax', now })).toBe(
      'sessionid=abc; Domain=.x.com; expires=Wed, 25 Nov 2026 01:15:48 GMT; HttpOnly; Max-Age=100; Path=/; SameSite=Lax; Secure',
    );
    expect(serializeCookie('csrftoken', 'abc', { maxAge: 31449600, sameSite: 'Lax', now })).toBe('csrftoken=abc; expires=Wed, 24 Nov 2027 01:14:08 GMT; Max-Age=31449600; Path=/; SameSite=Lax');
    expect(serializeCookie('sessionid', 'abc', { httpOnly: true, sameSite: 'Lax' })).toBe('sessionid=abc; HttpOnly; Path=/; SameSite=Lax');
  });
  it('delete_cookie', () => {
    expect(deleteCookie('sessionid', { path: '/', sameSite: 'Lax' })).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');
    expect(deleteCookie('__Host-s', { sameSite: 'None' })).toMatch(/; Secure$/);
  });
  it('refuses values that would need quoting or could inject attributes', () => {
    expect(() => serializeCookie('a', 'x; Domain=evil')).toThrow(TypeError);
    expect(() => serializeCookie('a b', 'x')).toThrow(TypeError);
  });
  it('parses like parse_cookie', () => {
    expect(parseCookieHeader('sessionid=abc; csrftoken=def;  x = "q\\"d" ; sessionid=last; novalue')).toEqual(Object.assign(Object.create(null), { sessionid: 'last', csrftoken: 'def', x: 'q"d', '': 'novalue' }));
    expect(parseCookieHeader(undefined)).toEqual(Object.create(null));
    expect(parseCookieHeader('__proto__=x').__proto__).toBe('x');
  });
});

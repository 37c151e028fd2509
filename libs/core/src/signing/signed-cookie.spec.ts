import { describe, expect, it } from '@jest/globals';
import { BadSignature, SignatureExpired } from '../errors.js';
import { quoteCookieValue } from '../http/cookie-value-quote.js';
import { setCookieHeader } from '../http/set-cookie.js';
import { defaultLegacySaltFallback, defaultSignedCookieSaltFormat, signCookieValue, signedCookieSalt, unsignCookieValue } from './signed-cookie.js';

const key = 'probe-key';
const clock = () => 1_700_000_000;

describe('set_signed_cookie: known Django 5.2.18 output', () => {
  it('signs with the v2 salt and writes the Set-Cookie line Django writes', () => {
    const signed = signCookieValue('greeting', 'hi "there"; é', { key, salt: 'hello', clock });
    expect(setCookieHeader('greeting', signed, { maxAge: 600, httpOnly: true, sameSite: 'Lax', now: clock() * 1000 })).toBe(
      'greeting="hi \\"there\\"\\073 \\351:1r31eq:aJsLVAii-tMrIQMhMZSDXgyM1Td1m3kjmTijStbIhYY"; expires=Tue, 14 Nov 2023 22:23:20 GMT; HttpOnly; Max-Age=600; Path=/; SameSite=Lax',
    );
    expect(setCookieHeader('g', signCookieValue('g', 'v', { key, clock }))).toBe('g=v:1r31eq:uvHCleyjoClzigkHGi7SBu3kj5CdebOf6kxkWUWCsgc; Path=/');
  });
});

describe('salts', () => {
  it('derives both formats; the v2 one counts code points as len() does', () => {
    expect(signedCookieSalt('name', 'salt', 'legacy')).toBe('namesalt');
    expect(signedCookieSalt('name', 'salt')).toBe('django.http.cookies.v2:4:saltname');
    expect(signedCookieSalt('n', '😀')).toBe('django.http.cookies.v2:1:😀n');
  });
  it('keeps ("ab", "c") and ("a", "bc") apart in v2, not in legacy', () => {
    const legacy = signCookieValue('ab', 'v', { key, salt: 'c', saltFormat: 'legacy', clock });
    expect(unsignCookieValue('a', legacy, { key, salt: 'bc', saltFormat: 'legacy', clock })).toBe('v');
    const v2 = signCookieValue('ab', 'v', { key, salt: 'c', clock });
    expect(() => unsignCookieValue('a', v2, { key, salt: 'bc', clock, legacySaltFallback: false })).toThrow(BadSignature);
  });
  it('per line defaults', () => {
    expect(defaultSignedCookieSaltFormat('4.2')).toBe('legacy');
    expect(defaultSignedCookieSaltFormat('5.2')).toBe('v2');
    expect(defaultLegacySaltFallback('5.2')).toBe(true);
    expect(defaultLegacySaltFallback('6.1')).toBe(false);
  });
});

describe('get_signed_cookie refusals', () => {
  const signed = signCookieValue('g', 'v', { key, salt: 's', clock });
  it('expired is SignatureExpired, and is not retried under the legacy salt', () => {
    expect(() => unsignCookieValue('g', signed, { key, salt: 's', maxAge: 10, clock: () => clock() + 11 })).toThrow(SignatureExpired);
  });
  it.each([['tampered', signed.slice(0, -1) + 'A'], ['unsigned', 'v'], ['empty', ''], ['wrong key', signCookieValue('g', 'v', { key: 'other', salt: 's', clock })]])('%s is BadSignature', (_, value) => {
    expect(() => unsignCookieValue('g', value, { key, salt: 's', clock })).toThrow(BadSignature);
  });
});

describe('quoteCookieValue and setCookieHeader', () => {
  it('quotes as http.cookies._quote', () => {
    expect(quoteCookieValue('abc:1-_.')).toBe('abc:1-_.');
    expect(quoteCookieValue('')).toBe('""');
    expect(quoteCookieValue('a b,c;d\\e"f\xff/')).toBe('"a b\\054c\\073d\\\\e\\"f\\377/"');
    expect(() => quoteCookieValue('€')).toThrow(TypeError);
    expect(() => quoteCookieValue('a\x7f')).toThrow(/Control characters/);
    expect(() => quoteCookieValue('a\nb')).toThrow(/Control characters/);
  });
  it('turns a Date expires into Max-Age as Django does, and refuses both together or a bad samesite', () => {
    const now = 1_700_000_000_500;
    expect(setCookieHeader('a', 'b', { expires: new Date(now + 60_000), now })).toBe('a=b; expires=Tue, 14 Nov 2023 22:14:21 GMT; Max-Age=61; Path=/');
    expect(setCookieHeader('a', 'b', { expires: 'Thu, 01 Jan 2037 00:00:00 GMT' })).toBe('a=b; expires=Thu, 01 Jan 2037 00:00:00 GMT; Path=/');
    expect(() => setCookieHeader('a', 'b', { expires: new Date(), maxAge: 1 })).toThrow(TypeError);
    expect(() => setCookieHeader('a', 'b', { sameSite: 'sometimes' })).toThrow(TypeError);
    expect(() => setCookieHeader('a b', 'c')).toThrow(TypeError);
    expect(() => setCookieHeader('a', 'b', { path: '/x\r\nSet-Cookie: evil=1' })).toThrow(/Control characters/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { decodeAscii, decodeQuotedString, decodeRawUnicodeEscape, decodeUtf8 } from './pickle-text.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('pickle text decoders', () => {
  it('decodes UTF-8 strictly and keeps a leading BOM', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFé😀'))).toBe('\uFEFFé😀');
    expect(decodeUtf8(Buffer.from([0xc3]))).toBeNull();
  });

  it('decodes raw-unicode-escape with the odd-backslash rule', () => {
    expect(decodeRawUnicodeEscape(b('caf\xe9'))).toBe('café');
    expect(decodeRawUnicodeEscape(b('\\u005c\\u000a'))).toBe('\\\n');
    expect(decodeRawUnicodeEscape(b('\\U0001F600'))).toBe('😀');
    expect(decodeRawUnicodeEscape(b('\\\\u0041'))).toBe('\\\\u0041');
    expect(decodeRawUnicodeEscape(b('\\\\\\u0041'))).toBe('\\\\A');
    expect(decodeRawUnicodeEscape(b('a\\b'))).toBe('a\\b');
    expect(decodeRawUnicodeEscape(b('\\ud800'))).toBeNull(); // Python str may hold a lone surrogate; it could not be written back, so it is refused
    expect(decodeRawUnicodeEscape(b('\\u12'))).toBeNull();
    expect(decodeRawUnicodeEscape(b('\\U00110000'))).toBeNull();
  });

  it('decodes STRING like codecs.escape_decode, then ASCII', () => {
    expect(decodeQuotedString(b("'a\\tb\\\\c\\'d\\\"'"))).toBe('a\tb\\c\'d"');
    expect(decodeQuotedString(b("'\\a\\b\\f\\v\\0\\12\\101\\x41'"))).toBe('\x07\b\f\v\0\nAA');
    expect(decodeQuotedString(b("'a\\\nb'"))).toBe('ab');
    expect(decodeQuotedString(b("'\\z'"))).toBe('\\z');
    expect(decodeQuotedString(b("'\\xe9'"))).toBeNull(); // not ASCII
    expect(decodeQuotedString(b("'abc\""))).toBeNull();
    expect(decodeQuotedString(b("'"))).toBeNull();
  });

  it('decodes Python 2 binary str as ASCII only', () => {
    expect(decodeAscii(b('abc'))).toBe('abc');
    expect(decodeAscii(b('\x80'))).toBeNull();
  });
});

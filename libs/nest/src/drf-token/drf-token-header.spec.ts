import { describe, expect, it } from '@jest/globals';
import { DRF_TOKEN_MESSAGES as M, parseDrfTokenHeader, type DrfTokenHeader } from './drf-token-header.js';

/** Header bytes (latin-1, as Node hands them over) and what DRF 3.14-3.18's TokenAuthentication does with them. */
const TABLE: [string, DrfTokenHeader, string?][] = [
  ['', { kind: 'absent' }],
  ['   ', { kind: 'absent' }],
  ['Token', { kind: 'invalid', message: M.noCredentials }],
  ['token', { kind: 'invalid', message: M.noCredentials }],
  ['TOKEN abc', { kind: 'key', key: 'abc' }],
  ['Token  abc ', { kind: 'key', key: 'abc' }],
  [' Token abc', { kind: 'key', key: 'abc' }],
  ['Token a b', { kind: 'invalid', message: M.spaces }],
  ['Token\tabc', { kind: 'key', key: 'abc' }],
  ['Token\x0babc\x0c', { kind: 'key', key: 'abc' }],
  // Not Python bytes whitespace: one word, another scheme.
  ['Token\x1cabc', { kind: 'absent' }],
  ['Token\xa0abc', { kind: 'absent' }],
  ['Bearer abc', { kind: 'absent' }],
  ['Tokenabc', { kind: 'absent' }],
  ['Token \xff', { kind: 'invalid', message: M.invalidCharacters }],
  // UTF-8 é: decodes, then the lookup says "Invalid token."
  ['Token \xc3\xa9', { kind: 'key', key: 'é' }],
  // A BOM is kept (Python's 'utf-8', not 'utf-8-sig'): never the bare key after it.
  ['Token \xef\xbb\xbfabc', { kind: 'key', key: '\ufeffabc' }],
  ['Token \xed\xa0\x80', { kind: 'invalid', message: M.invalidCharacters }, 'a surrogate'],
  ['Token \xc0\xaf', { kind: 'invalid', message: M.invalidCharacters }, 'an overlong form'],
  ['Token \xf4\x90\x80\x80', { kind: 'invalid', message: M.invalidCharacters }, 'past U+10FFFF'],
];

describe('parseDrfTokenHeader (DRF TokenAuthentication.authenticate)', () => {
  it.each(TABLE)('%j', (header, expected) => {
    expect(parseDrfTokenHeader(header, 'Token')).toEqual(expected);
  });

  it('absent without a header', () => {
    expect(parseDrfTokenHeader(undefined, 'Token')).toEqual({ kind: 'absent' });
  });

  it('takes the configured keyword, compared case-insensitively as DRF does', () => {
    expect(parseDrfTokenHeader('bearer abc', 'Bearer')).toEqual({ kind: 'key', key: 'abc' });
    expect(parseDrfTokenHeader('Token abc', 'Bearer')).toEqual({ kind: 'absent' });
  });

  it('treats characters no wire can carry as invalid bytes (DRF would crash with a 500)', () => {
    expect(parseDrfTokenHeader('Token \u20ac', 'Token')).toEqual({ kind: 'invalid', message: M.invalidCharacters });
    expect(parseDrfTokenHeader('T\u20acken abc', 'Token')).toEqual({ kind: 'absent' });
  });

  it('stops counting words at three, however long the header', () => {
    const huge = `Token a ${'b '.repeat(500_000)}`;
    const started = performance.now();
    expect(parseDrfTokenHeader(huge, 'Token')).toEqual({ kind: 'invalid', message: M.spaces });
    expect(performance.now() - started).toBeLessThan(200);
  });
});

/**
 * The `Authorization` header as DRF's real TokenAuthentication reads it (ops_drf_header: the
 * running line's rest_framework, its lookup replaced), against parseDrfTokenHeader: a table of
 * edge cases and random byte strings built from the pieces that matter (keyword case, Python's
 * whitespace and its look-alikes, UTF-8 good and bad). Seeded; replay with TEST_SEED.
 */
import { describe, expect, it } from '@jest/globals';
import { DRF_TOKEN_MESSAGES, parseDrfTokenHeader, type DrfTokenHeader } from '../../libs/nest/src/drf-token/drf-token-header.js';
import { djangoAll } from '../django/oracle.js';
import { pick, randomBytes, randomInt } from '../support/random.js';

type DrfAnswer = { absent: true } | { key: string } | { error: string; status: number; www_authenticate: string };

/** DRF's answer in parseDrfTokenHeader's terms. */
function asHeader(answer: DrfAnswer, keyword: string): DrfTokenHeader {
  if ('absent' in answer) return { kind: 'absent' };
  if ('key' in answer) return { kind: 'key', key: answer.key };
  expect([answer.status, answer.www_authenticate]).toEqual([401, keyword]);
  return { kind: 'invalid', message: answer.error };
}

function drf(headers: Buffer[], keyword: string): DrfTokenHeader[] {
  return djangoAll<DrfAnswer>(headers.map((header) => ({ op: 'drf_token_header', header, keyword }))).map((a) => asHeader(a, keyword));
}

const ours = (headers: Buffer[], keyword: string) => headers.map((h) => parseDrfTokenHeader(h.toString('latin1'), keyword));

const latin1 = (text: string) => Buffer.from(text, 'latin1');

const EDGES = [
  '', ' ', 'Token', 'token', 'TOKEN', 'ToKeN abc', 'Token abc', 'Token  abc  ', ' \tToken\tabc\t', 'Token a b', 'Token a b c d',
  'Token\x0babc', 'Token\x0cabc', 'Token\rabc', 'Token\nabc', 'Token\x1cabc', 'Token\x1fabc', 'Token\x85abc', 'Token\xa0abc',
  'Bearer abc', 'Tokenabc', 'Tokens abc', 'Toke abc', 'Token \xff', 'Token \xc3\xa9', 'Token \xef\xbb\xbfabc', 'Token \xed\xa0\x80',
  'Token \xc0\xaf', 'Token \xe0\x80\xaf', 'Token \xf4\x8f\xbf\xbf', 'Token \xf4\x90\x80\x80', 'Token \xf8\x88\x80\x80\x80', 'Token \xc3',
  'Token \x00', 'Token \x7f', `Token ${'a'.repeat(41)}`, 'T\xc3\xb6ken abc', 'Token, abc',
];

const PIECES = ['Token', 'token', 'TOKEN', 'Bearer', ' ', '  ', '\t', '\x0b', '\x0c', '\r', '\n', '\x1c', '\xa0', '\x85', 'a', '0123456789abcdef', '\xc3\xa9', '\xff', '\xef\xbb\xbf', '\xed\xa0\x80', '\xc3', '\xe2\x82\xac', '\xf0\x9f\x98\x80', '\xf4\x90\x80\x80', '\x00'];

function randomHeader(): Buffer {
  if (randomInt(5) === 0) return Buffer.concat([latin1(pick(['Token ', 'token\t', ''])), randomBytes(randomInt(12))]);
  return latin1(Array.from({ length: 1 + randomInt(6) }, () => pick(PIECES)).join(''));
}

describe('parseDrfTokenHeader against DRF TokenAuthentication.authenticate', () => {
  it('agrees on the edge cases', () => {
    const headers = EDGES.map(latin1);
    expect(ours(headers, 'Token')).toEqual(drf(headers, 'Token'));
  });

  it('agrees on random headers', () => {
    const headers = Array.from({ length: 400 }, randomHeader);
    const theirs = drf(headers, 'Token');
    expect(ours(headers, 'Token')).toEqual(theirs);
    // The sample reached every outcome.
    expect(new Set(theirs.map((h) => (h.kind === 'invalid' ? h.message : h.kind)))).toEqual(new Set(['absent', 'key', DRF_TOKEN_MESSAGES.noCredentials, DRF_TOKEN_MESSAGES.spaces, DRF_TOKEN_MESSAGES.invalidCharacters]));
  });

  it('agrees with another keyword, compared as DRF lower-cases it', () => {
    const headers = ['Bearer abc', 'bearer abc', 'BEARER', 'Token abc', 'Api-Key x', 'api-key x y'].map(latin1);
    expect(ours(headers, 'Bearer')).toEqual(drf(headers, 'Bearer'));
    expect(ours(headers, 'Api-Key')).toEqual(drf(headers, 'Api-Key'));
  });
});

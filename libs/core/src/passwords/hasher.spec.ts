import { describe, expect, it } from '@jest/globals';
import { defaultSalt, maskHash, mustUpdateSalt, parseCanonicalInt, splitMax } from './hasher.js';
import { desCrypt } from './des-crypt.js';

describe('hasher helpers', () => {
  it('splitMax behaves like Python str.split(sep, maxsplit)', () => {
    expect(splitMax('a$b$c$d', '$', 2)).toEqual(['a', 'b', 'c$d']);
    expect(splitMax('a', '$', 3)).toEqual(['a']);
    expect(splitMax('a$$', '$', 4)).toEqual(['a', '', '']);
  });

  it('maskHash keeps the first characters', () => {
    expect(maskHash('abcdefghij')).toBe('abcdef****');
    expect(maskHash('abcdefghij', 2)).toBe('ab********');
    expect(maskHash('ab', 6)).toBe('ab');
  });

  it('salts: 22 chars by default, 21 or fewer ask for an update', () => {
    expect(defaultSalt()).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(mustUpdateSalt('a'.repeat(21))).toBe(true);
    expect(mustUpdateSalt('a'.repeat(22))).toBe(false);
  });

  it('parseCanonicalInt accepts only what %d writes', () => {
    expect(parseCanonicalInt('260000')).toBe(260000);
    for (const bad of ['', '-1', '+1', '01', '1_000', ' 1', '1e3', '1.0', '99999999999999999']) expect(parseCanonicalInt(bad)).toBeUndefined();
  });
});

describe('desCrypt', () => {
  it('matches crypt(3) vectors from Python', () => {
    expect(desCrypt(Buffer.from('hello'), 'ab')).toBe('abl0JrMf6tlhw');
    expect(desCrypt(Buffer.from('héllo wörld', 'utf8'), 'xy')).toBe('xyRl/5BV5qqRU');
  });

  it('uses only the first 8 bytes and drops the top bit of each', () => {
    expect(desCrypt(Buffer.from('password123'), 'zz')).toBe(desCrypt(Buffer.from('password'), 'zz'));
    expect(desCrypt(Buffer.from([0xe1]), 'zz')).toBe(desCrypt(Buffer.from('a'), 'zz'));
  });

  it('refuses a bad salt', () => {
    expect(() => desCrypt(Buffer.from('x'), 'a$')).toThrow(RangeError);
  });
});

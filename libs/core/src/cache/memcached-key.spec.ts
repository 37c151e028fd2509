/** Django's memcached key checks (validate_key) and pymemcache's (check_key_helper). */
import { describe, expect, it } from '@jest/globals';
import { InvalidCacheKey } from './cache-errors.js';
import { memcachedKey } from './memcached-key.js';

const plain = { allowUnicodeKeys: true, clientKeyPrefix: new Uint8Array(0) };

describe('memcachedKey', () => {
  it('sends the key as UTF-8, after pymemcache key_prefix', () => {
    expect(memcachedKey(':1:é', plain)).toEqual(Buffer.from(':1:é', 'utf8'));
    expect(memcachedKey(':1:k', { ...plain, clientKeyPrefix: Buffer.from('app.') })).toEqual(Buffer.from('app.:1:k'));
  });

  it('takes 250 characters and refuses 251 (Django counts characters)', () => {
    expect(memcachedKey('k'.repeat(250), plain)).toHaveLength(250);
    expect(() => memcachedKey('k'.repeat(251), plain)).toThrow(InvalidCacheKey);
  });

  it('refuses more than 250 bytes with key_prefix, in UTF-8 (pymemcache counts bytes)', () => {
    expect(() => memcachedKey('é'.repeat(126), plain)).toThrow(/250 bytes/);
    expect(memcachedKey('é'.repeat(125), plain)).toHaveLength(250);
    expect(() => memcachedKey('k'.repeat(248), { ...plain, clientKeyPrefix: Buffer.from('abc') })).toThrow(InvalidCacheKey);
  });

  it.each(['a b', 'a\tb', 'a\nb', 'a\u0000b', 'a\u007fb', 'a\u001fb'])('refuses %j', (key) => {
    expect(() => memcachedKey(key, plain)).toThrow(InvalidCacheKey);
  });

  it('refuses non-ASCII keys when allow_unicode_keys is false, unpaired surrogates always', () => {
    expect(() => memcachedKey(':1:é', { ...plain, allowUnicodeKeys: false })).toThrow(/allow_unicode_keys/);
    expect(() => memcachedKey(':1:\ud800', plain)).toThrow(InvalidCacheKey);
  });

  it('refuses whitespace that pymemcache key_prefix brings', () => {
    expect(() => memcachedKey(':1:k', { ...plain, clientKeyPrefix: Buffer.from('a ') })).toThrow(InvalidCacheKey);
  });
});

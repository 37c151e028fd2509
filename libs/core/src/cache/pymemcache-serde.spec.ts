/**
 * pymemcache.serde.pickle_serde, the serde of Django's PyMemcacheCache. The expected bytes and flags
 * are what Django 3.2 / pymemcache 3.5.2 stored (read back with a raw `get`); the interop spec
 * compares every type live against Django.
 */
import { describe, expect, it } from '@jest/globals';
import { PicklingError, SerializationError } from '../errors.js';
import { PyFloat } from '../serializers/pickle/python-values.js';
import { PYMEMCACHE_FLAGS, pymemcacheDeserialize, pymemcacheSerialize } from './pymemcache-serde.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('pymemcacheSerialize', () => {
  it('stores int, str and bytes unpickled with their flags, as pymemcache does', () => {
    expect(pymemcacheSerialize(12)).toEqual({ value: Buffer.from('12'), flags: 2 });
    expect(pymemcacheSerialize(2n ** 70n)).toEqual({ value: Buffer.from('1180591620717411303424'), flags: 2 });
    expect(pymemcacheSerialize('héllo')).toEqual({ value: Buffer.from('héllo', 'utf8'), flags: 16 });
    expect(pymemcacheSerialize(Buffer.from([0, 1]))).toEqual({ value: Buffer.from([0, 1]), flags: 0 });
    expect(pymemcacheSerialize(new Uint8Array([7]))).toEqual({ value: Buffer.from([7]), flags: 0 });
  });

  it('pickles everything else at protocol 5 (pickle.HIGHEST_PROTOCOL)', () => {
    // Django: cache.set('d', {'x': [1, 2.5, None, True]})
    expect(pymemcacheSerialize({ x: [1, 2.5, null, true] })).toEqual({ value: hex('80 05 95 19 00 00 00 00 00 00 00 7d 94 8c 01 78 94 5d 94 28 4b 01 47 40 04 00 00 00 00 00 00 4e 88 65 73 2e'), flags: 1 });
    expect(pymemcacheSerialize(true)).toEqual({ value: hex('80 05 88 2e'), flags: 1 }); // bool is not int for pymemcache
    expect(pymemcacheSerialize(null).flags).toBe(PYMEMCACHE_FLAGS.PICKLE);
    expect(pymemcacheSerialize(1.5).flags).toBe(1);
    expect(pymemcacheSerialize(new PyFloat(1)).flags).toBe(1);
    expect(pymemcacheSerialize(-0).flags).toBe(1); // -0.0 is a float
    expect(pymemcacheSerialize(2 ** 53).flags).toBe(1); // beyond safe integers a number is a float
  });

  it('honours pickle_version', () => {
    expect(pymemcacheSerialize([], { pickleProtocol: 2 }).value).toEqual(hex('80 02 5d 71 00 2e'));
  });

  it('refuses what Python could not store, before anything is sent', () => {
    expect(() => pymemcacheSerialize('\ud800')).toThrow(PicklingError);
    expect(() => pymemcacheSerialize(new Set([1]))).toThrow(PicklingError);
    expect(() => pymemcacheSerialize(() => 1)).toThrow(PicklingError);
  });
});

describe('pymemcacheDeserialize', () => {
  const read = (value: string | Buffer, flags: number) => pymemcacheDeserialize({ value: Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), flags });

  it('reads each flag as python_memcache_deserializer does', () => {
    expect(read(Buffer.from([0, 1]), 0)).toEqual(Buffer.from([0, 1]));
    expect(read('héllo', 16)).toBe('héllo');
    expect(read('\ufeffx', 16)).toBe('\ufeffx'); // a BOM is text, as bytes.decode('utf8') keeps it
    expect(read(' 12 ', 2)).toBe(12);
    expect(read('1180591620717411303424', 4)).toBe(2n ** 70n);
    expect(read(hex('80 05 88 2e'), 1)).toBe(true);
    expect(read(hex('80 05 95 19 00 00 00 00 00 00 00 7d 94 8c 01 78 94 5d 94 28 4b 01 47 40 04 00 00 00 00 00 00 4e 88 65 73 2e'), 1)).toEqual({ x: [1, 2.5, null, true] });
  });

  it('tests TEXT, then INTEGER/LONG, then PICKLE; other flags are bytes as stored', () => {
    expect(read('12', 16 | 2)).toBe('12');
    expect(read('12', 2 | 1)).toBe(12);
    expect(read('abc', 8)).toEqual(Buffer.from('abc')); // compressed: pickle_serde does not inflate
    expect(read('abc', 32)).toEqual(Buffer.from('abc'));
  });

  it('throws SerializationError where pymemcache raises or logs a pickle error', () => {
    expect(() => read(Buffer.from([0xff]), 16)).toThrow(SerializationError);
    expect(() => read('abc', 2)).toThrow(SerializationError);
    expect(() => read('abc', 1)).toThrow(SerializationError);
    expect(() => read(hex('80 05 63 6f 73 0a 73 79 73 74 65 6d 0a 2e'), 1)).toThrow(SerializationError); // a global outside the safe subset
  });
});

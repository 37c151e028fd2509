import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../../errors.js';
import { ExpandedSizeExceeded } from '../../limits/limit-errors.js';
import { phpSerialize } from './php-serialize.js';
import { phpUnserialize } from './php-unserialize.js';

describe('phpUnserialize', () => {
  it('reads scalars', () => {
    expect(phpUnserialize('N;')).toBeNull();
    expect(phpUnserialize('b:1;')).toBe(true);
    expect(phpUnserialize('b:0;')).toBe(false);
    expect(phpUnserialize('i:-42;')).toBe(-42);
    expect(phpUnserialize('i:+5;')).toBe(5); // PHP's grammar allows a sign and leading zeros
    expect(phpUnserialize('i:007;')).toBe(7);
    expect(phpUnserialize('i:9223372036854775807;')).toBe(9223372036854775807n);
    expect(phpUnserialize('i:-9223372036854775808;')).toBe(-9223372036854775808n);
    expect(phpUnserialize('d:0.5;')).toBe(0.5);
    expect(phpUnserialize('d:1.0E+25;')).toBe(1e25);
    expect(phpUnserialize('d:1e5;')).toBe(100000);
    expect(phpUnserialize('d:.5;')).toBe(0.5);
    expect(phpUnserialize('d:5.;')).toBe(5);
    expect(Object.is(phpUnserialize('d:-0;'), -0)).toBe(true);
    expect(phpUnserialize('d:INF;')).toBe(Infinity);
    expect(phpUnserialize('d:-INF;')).toBe(-Infinity);
    expect(phpUnserialize('d:NAN;')).toBeNaN();
  });

  it('reads strings by byte length; invalid UTF-8 stays bytes; a BOM is kept', () => {
    expect(phpUnserialize('s:2:"é";')).toBe('é');
    expect(phpUnserialize('s:7:"a";b:1;";')).toBe('a";b:1;');
    expect(phpUnserialize(Buffer.from('s:3:"\uFEFF";'))).toBe('\uFEFF');
    const raw = Buffer.concat([Buffer.from('s:2:"'), Buffer.from([0xc3, 0x28]), Buffer.from('";')]);
    expect(phpUnserialize(raw)).toEqual(Buffer.from([0xc3, 0x28]));
  });

  it('maps arrays keyed 0..n-1 in order to JS arrays, others to objects', () => {
    expect(phpUnserialize('a:2:{i:0;s:1:"a";i:1;s:1:"b";}')).toEqual(['a', 'b']);
    expect(phpUnserialize('a:0:{}')).toEqual([]);
    expect(phpUnserialize('a:2:{i:1;s:1:"a";i:0;s:1:"b";}')).toEqual({ '1': 'a', '0': 'b' });
    expect(phpUnserialize('a:1:{i:1;N;}')).toEqual({ '1': null });
    expect(phpUnserialize('a:1:{i:9223372036854775807;N;}')).toEqual({ '9223372036854775807': null });
    expect(phpUnserialize('a:2:{s:13:"_auth_user_id";s:1:"7";s:1:"l";a:2:{i:0;d:0.5;i:1;i:2;}}')).toEqual({ _auth_user_id: '7', l: [0.5, 2] });
  });

  it('treats canonical numeric string keys as ints, as PHP does', () => {
    expect(phpUnserialize('a:2:{s:1:"0";i:1;s:1:"1";i:2;}')).toEqual([1, 2]);
    expect(phpUnserialize('a:2:{i:0;i:1;s:1:"0";i:2;}')).toEqual([2]);
    expect(phpUnserialize('a:1:{s:2:"05";i:1;}')).toEqual({ '05': 1 });
  });

  it('keeps the first position and the last value of a repeated key, like PHP', () => {
    expect(phpUnserialize('a:2:{s:1:"k";i:1;s:1:"k";i:2;}')).toEqual({ k: 2 });
    expect(phpUnserialize('a:3:{s:1:"a";i:1;s:1:"b";i:2;s:1:"a";i:3;}')).toEqual({ a: 3, b: 2 });
    expect(Object.keys(phpUnserialize('a:3:{s:1:"a";i:1;s:1:"b";i:2;s:1:"a";i:3;}') as object)).toEqual(['a', 'b']);
    expect(phpUnserialize('a:2:{i:0;i:1;i:0;i:2;}')).toEqual([2]);
  });

  it('makes __proto__, constructor and friends own data properties', () => {
    const v = phpUnserialize('a:2:{s:9:"__proto__";a:1:{s:8:"polluted";b:1;}s:11:"constructor";i:1;}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('accepts strings and Uint8Array views', () => {
    const bytes = new Uint8Array(Buffer.from('xxi:5;xx')).subarray(2, 6);
    expect(phpUnserialize(bytes)).toBe(5);
  });

  it.each([
    ['object', 'O:8:"stdClass":0:{}'],
    ['Serializable', 'C:3:"Foo":0:{}'],
    ['reference', 'a:2:{i:0;i:1;i:1;R:2;}'],
    ['object reference', 'a:2:{i:0;i:1;i:1;r:2;}'],
    ['enum', 'E:7:"Foo:Bar";'],
    ['nested object', 'a:1:{s:1:"u";O:4:"User":1:{s:2:"id";i:1;}}'],
    ['string too long', 's:10:"abc";'],
    ['string too short', 's:1:"abc";'],
    ['missing open quote', 's:3:abc";'],
    ['missing close quote', 's:3:"abc;'],
    ['missing semicolon after string', 's:3:"abc"'],
    ['missing semicolon after int', 'i:1'],
    ['missing semicolon after null', 'N'],
    ['missing colon', 'i1;'],
    ['missing open brace', 'a:1:i:0;N;}'],
    ['missing close brace', 'a:1:{i:0;N;'],
    ['too few elements', 'a:2:{i:0;N;}'],
    ['too many elements', 'a:1:{i:0;N;i:1;N;}'],
    ['absurd count', 'a:99999999:{}'],
    ['negative count', 'a:-1:{}'],
    ['negative length', 's:-1:"";'],
    ['signed length', 's:+1:"a";'],
    ['huge length', 's:99999999999:"a";'],
    ['length beyond the data', 's:2147483647:"a";'],
    ['trailing data', 'i:1;i:2;'],
    ['trailing semicolon', 'a:0:{};'],
    ['bad bool', 'b:2;'],
    ['empty bool', 'b:;'],
    ['bad int', 'i:1x;'],
    ['empty int', 'i:;'],
    ['int overflow', 'i:9223372036854775808;'],
    ['int underflow', 'i:-9223372036854775809;'],
    ['bad float', 'd:1.2.3;'],
    ['empty float', 'd:;'],
    ['Python inf', 'd:inf;'],
    ['-NAN', 'd:-NAN;'],
    ['hex float', 'd:0x10;'],
    ['float key', 'a:1:{d:1.5;i:1;}'],
    ['bool key', 'a:1:{b:1;i:1;}'],
    ['null key', 'a:1:{N;i:1;}'],
    ['array key', 'a:1:{a:0:{}i:1;}'],
    ['non-UTF-8 key', Buffer.concat([Buffer.from('a:1:{s:1:"'), Buffer.from([0xff]), Buffer.from('";i:1;}')])],
    ['empty input', ''],
    ['unknown type', 'x:1;'],
    ['lower-case null', 'n;'],
    ['whitespace', ' N;'],
  ])('refuses %s', (_, text) => {
    expect(() => phpUnserialize(text)).toThrow(SerializationError);
  });

  it('refuses truncation at every byte of a valid value', () => {
    const full = phpSerialize({ _auth_user_id: '1', nested: [1, 'two', { x: null, é: 1.5, b: true }], big: 2n ** 60n, raw: Buffer.from([0xff]) });
    for (let i = 0; i < full.length; i++) expect(() => phpUnserialize(full.subarray(0, i))).toThrow(SerializationError);
    expect(phpUnserialize(full)).toBeDefined();
  });

  it('bounds nesting depth and input size', () => {
    const nest = (n: number) => 'a:1:{i:0;'.repeat(n) + 'N;' + '}'.repeat(n);
    expect(phpUnserialize(nest(64))).toBeDefined();
    expect(() => phpUnserialize(nest(65))).toThrow(/deeply/);
    expect(phpUnserialize(nest(80), { maxDepth: 80 })).toBeDefined();
    expect(() => phpUnserialize(nest(3), { maxDepth: 2 })).toThrow(SerializationError);
    expect(() => phpUnserialize('s:5:"abcde";', { maxSize: 5 })).toThrow(/larger/);
    expect(phpUnserialize('s:1:"a";', { maxSize: 8 })).toBe('a');
    // Even with the limit lifted, a stack overflow surfaces as a SerializationError.
    expect(() => phpUnserialize(nest(200_000), { maxDepth: Infinity, maxSize: Infinity })).toThrow(SerializationError);
  });

  it('stays fast on hostile input', () => {
    const started = Date.now();
    // No terminator anywhere: the field scan is bounded, not a walk of the whole input.
    for (let i = 0; i < 1000; i++) expect(() => phpUnserialize('i:' + '1'.repeat(100_000))).toThrow(SerializationError);
    expect(() => phpUnserialize('a:1000000:{' + 'i:0;N;'.repeat(10))).toThrow(SerializationError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('round-trips what phpSerialize writes', () => {
    const value = { _auth_user_id: '1', list: [1, -2.5, 'x', null, true, [[]]], map: { a: { b: 'ü😀' } }, big: -(2n ** 63n), raw: Buffer.from([0, 0xff]) };
    expect(phpUnserialize(phpSerialize(value))).toEqual(value);
  });
});

describe('phpUnserialize: the expansion budget', () => {
  it('measures the result as phpSerialize would write it back', () => {
    const text = 'a:2:{i:0;s:3:"abc";i:1;d:0.5;}';
    expect(phpUnserialize(text, { maxExpandedBytes: phpSerialize(['abc', 0.5]).length + 24 })).toEqual(['abc', 0.5]);
    expect(() => phpUnserialize(text, { maxExpandedBytes: 20 })).toThrow(ExpandedSizeExceeded);
    expect(() => phpUnserialize(text, { maxExpandedBytes: 20 })).toThrow(/PHP data would take more than 20 bytes when written as PHP serialize\(\)/);
  });

  it('can measure for a JSON writer instead, where control bytes grow sixfold', () => {
    const controls = `s:1000:"${'\u0001'.repeat(1000)}";`;
    expect(phpUnserialize(controls, { maxExpandedBytes: 1100 })).toHaveLength(1000);
    expect(() => phpUnserialize(controls, { maxExpandedBytes: 1100, expandedFormat: 'json' })).toThrow(ExpandedSizeExceeded);
  });

  it('refuses integer text PHP would clamp, however long, without reading it all', () => {
    expect(() => phpUnserialize('i:99999999999999999999999;')).toThrow(/out of range/);
    expect(() => phpUnserialize(`i:${'1'.repeat(1_000_000)};`)).toThrow(/unterminated field/);
  });
});


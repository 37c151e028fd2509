import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../errors.js';
import { pythonFloatRepr, pythonJsonDumps, pythonJsonLoads } from './python-json.js';

describe('pythonFloatRepr (Python repr(float))', () => {
  it.each([
    [0.1, '0.1'], [1.5, '1.5'], [-0.25, '-0.25'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'], [1.5e16, '1.5e+16'], [123456789.125, '123456789.125'], [1e300, '1e+300'], [5e-324, '5e-324'],
    [0, '0.0'], [-0, '-0.0'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [1e15, '1000000000000000.0'],
  ])('%p -> %s', (value, expected) => expect(pythonFloatRepr(value)).toBe(expected));
});

describe('pythonJsonDumps', () => {
  it('escapes like ensure_ascii=True and uses compact separators', () => {
    expect(pythonJsonDumps({ a: 'é😀\u007f\n"\\/', b: [1, 2.5, null, true] })).toBe('{"a":"\\u00e9\\ud83d\\ude00\\u007f\\n\\"\\\\/","b":[1,2.5,null,true]}');
  });
  it('keeps Map order, writes bigints as ints and unsafe integral numbers as floats', () => {
    expect(pythonJsonDumps(new Map<unknown, unknown>([['2', 1], ['1', 2]]))).toBe('{"2":1,"1":2}');
    expect(pythonJsonDumps(2n ** 70n)).toBe('1180591620717411303424');
    expect(pythonJsonDumps(1e21)).toBe('1e+21');
    expect(pythonJsonDumps(2 ** 53)).toBe('9007199254740992.0');
  });
  it('refuses what Python refuses', () => {
    expect(() => pythonJsonDumps(undefined)).toThrow(SerializationError);
    expect(() => pythonJsonDumps(new Date())).toThrow(SerializationError);
    expect(() => pythonJsonDumps(Buffer.from('x'))).toThrow(SerializationError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => pythonJsonDumps(loop)).toThrow(/Circular/);
  });
});

describe('pythonJsonLoads', () => {
  it('reads NaN/Infinity and big integers', () => {
    expect(pythonJsonLoads('[NaN,Infinity,-Infinity,12345678901234567890,1.5]')).toEqual([NaN, Infinity, -Infinity, 12345678901234567890n, 1.5]);
  });
  it('keeps __proto__ an own key', () => {
    const parsed = pythonJsonLoads('{"__proto__":{"polluted":1},"NaN":1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(parsed)).toEqual(['__proto__', 'NaN']);
  });
  it.each(['', '{', '{"a":}', '[1,]', '"\\x"', '"\u0001"', 'nan', '1 2', '{"a":1,}', '"\\u12"', '-', '[Infinity'])('rejects %p', (text) => {
    expect(() => pythonJsonLoads(text)).toThrow(SerializationError);
  });
  it('limits nesting on both paths', () => {
    expect(() => pythonJsonLoads('['.repeat(600) + ']'.repeat(600))).toThrow(/deeply/);
    expect(() => pythonJsonLoads('['.repeat(600) + 'NaN' + ']'.repeat(600))).toThrow(/deeply/);
    expect(pythonJsonLoads('[[1]]', { maxDepth: 2 })).toEqual([[1]]);
  });
});

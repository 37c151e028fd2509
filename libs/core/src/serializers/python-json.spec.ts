import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../errors.js';
import { IntegerTooLong } from '../limits/limit-errors.js';
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

describe('int_max_str_digits (json.loads / json.dumps of Python 3.11)', () => {
  const d = (n: number) => '1'.repeat(n);
  it('reads up to 4300 digits, sign aside, and refuses one more with Python\'s message', () => {
    expect(pythonJsonLoads(d(4300))).toBe(BigInt(d(4300)));
    expect(pythonJsonLoads(`[-${d(4300)}]`)).toEqual([-BigInt(d(4300))]);
    expect(() => pythonJsonLoads(d(4301))).toThrow(IntegerTooLong);
    expect(() => pythonJsonLoads(`{"a":[-${d(4301)}]}`)).toThrow('Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; use sys.set_int_max_str_digits() to increase the limit');
    expect(() => pythonJsonLoads(d(1_600_000))).toThrow(IntegerTooLong);
  });
  it('leaves floats with many digits alone, as float() is not limited', () => {
    expect(pythonJsonLoads(`0.${d(5000)}`)).toBeCloseTo(0.1111111, 6);
    expect(pythonJsonLoads(`${d(5000)}.0`)).toBe(Infinity);
    expect(pythonJsonLoads(`1${'0'.repeat(5000)}e-5000`)).toBe(1);
  });
  it('takes a per-call limit (0 = none; below 640 invalid)', () => {
    expect(() => pythonJsonLoads(d(641), { intMaxStrDigits: 640 })).toThrow(IntegerTooLong);
    expect(pythonJsonLoads(d(5000), { intMaxStrDigits: 0 })).toBe(BigInt(d(5000)));
    expect(() => pythonJsonLoads('1', { intMaxStrDigits: 639 })).toThrow(/640/);
  });
  it('refuses to write more digits than the limit, as json.dumps does', () => {
    expect(pythonJsonDumps([10n ** 4300n - 1n])).toBe(`[${'9'.repeat(4300)}]`);
    expect(() => pythonJsonDumps(10n ** 4300n)).toThrow('Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit');
    expect(() => pythonJsonDumps(new Map([[10n ** 4300n, 1]]))).toThrow(IntegerTooLong);
    expect(pythonJsonDumps(10n ** 4300n, { intMaxStrDigits: 0 })).toHaveLength(4301);
  });
  it('reads long strings with escapes on the slow path exactly', () => {
    const json = '[NaN,"' + 'a'.repeat(100_000) + '\\n\\u00e9\\"' + 'b'.repeat(10) + '"]';
    expect(pythonJsonLoads(json)).toEqual([NaN, 'a'.repeat(100_000) + '\n\u00e9"' + 'b'.repeat(10)]);
    expect(pythonJsonLoads('[NaN,"x\\ny\\u00e9\\"z"]')).toEqual([NaN, 'x\ny\u00e9"z']);
    expect(() => pythonJsonLoads('[NaN,"abc')).toThrow(/Unterminated/);
    expect(() => pythonJsonLoads('[NaN,"a\u0001"]')).toThrow(/control/);
  });
});


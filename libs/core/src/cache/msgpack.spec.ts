import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../errors.js';
import { NaiveDateTime, PyDate } from '../serializers/pickle/python-datetime.js';
import { PyFloat, PyTuple } from '../serializers/pickle/python-values.js';
import { msgpackDumps, msgpackLoads } from './msgpack.js';

const hex = (v: unknown) => msgpackDumps(v).toString('hex');
const load = (h: string) => msgpackLoads(Buffer.from(h, 'hex'));

// msgpack.dumps(v).hex() from msgpack-python 1.0.3.
const INTS: [number | bigint, string][] = [
  [0, '00'], [127, '7f'], [128, 'cc80'], [255, 'ccff'], [256, 'cd0100'], [65535, 'cdffff'], [65536, 'ce00010000'],
  [2 ** 32 - 1, 'ceffffffff'], [2 ** 32, 'cf0000000100000000'], [2n ** 53n, 'cf0020000000000000'], [2n ** 63n - 1n, 'cf7fffffffffffffff'],
  [2n ** 64n - 1n, 'cfffffffffffffffff'], [-1, 'ff'], [-32, 'e0'], [-33, 'd0df'], [-128, 'd080'], [-129, 'd1ff7f'], [-32768, 'd18000'],
  [-32769, 'd2ffff7fff'], [-(2 ** 31), 'd280000000'], [-(2 ** 31) - 1, 'd3ffffffff7fffffff'], [-(2n ** 53n), 'd3ffe0000000000000'], [-(2n ** 63n), 'd38000000000000000'],
];

describe('msgpackDumps (msgpack-python 1.0.3 bytes)', () => {
  it.each(INTS)('int %p', (value, expected) => {
    expect(hex(value)).toBe(expected);
    const back = load(expected);
    expect(back).toBe(typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value);
  });

  it('floats are float64, whole ones too when marked PyFloat; -0 and non-finite as Python writes them', () => {
    expect(hex(1.5)).toBe('cb3ff8000000000000');
    expect(hex(new PyFloat(1))).toBe('cb3ff0000000000000');
    expect(hex(-0)).toBe('cb8000000000000000');
    expect(hex(NaN)).toBe('cb7ff8000000000000');
    expect(hex(Infinity)).toBe('cb7ff0000000000000');
  });

  it('scalars, str and bin lengths, array and map headers', () => {
    expect([hex(true), hex(false), hex(null), hex(''), hex('é'), hex(Buffer.alloc(0))]).toEqual(['c3', 'c2', 'c0', 'a0', 'a2c3a9', 'c400']);
    expect(['a'.repeat(31), 'a'.repeat(32), 'a'.repeat(255), 'a'.repeat(256), 'a'.repeat(65535), 'a'.repeat(65536)].map((s) => hex(s).slice(0, 12))).toEqual(['bf6161616161', 'd92061616161', 'd9ff61616161', 'da0100616161', 'daffff616161', 'db0001000061']);
    expect([255, 256, 65536].map((n) => hex(Buffer.alloc(n, 'a')).slice(0, 12))).toEqual(['c4ff61616161', 'c50100616161', 'c60001000061']);
    const dict = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0]));
    expect([new Array(15).fill(0), new Array(16).fill(0), new Array(65536).fill(0)].map((a) => hex(a).slice(0, 12))).toEqual(['9f0000000000', 'dc0010000000', 'dd0001000000']);
    expect([hex(dict(15)).slice(0, 2), hex(dict(16)).slice(0, 6)]).toEqual(['8f', 'de0010']);
    expect(hex(new PyTuple([1, 2]))).toBe('920102');
    expect(hex(new Map([['a', 1]]))).toBe('81a16101');
  });

  it('refuses what Python refuses or Django could not read back', () => {
    for (const bad of [2n ** 64n, -(2n ** 63n) - 1n, new Date(0), new NaiveDateTime(2024, 1, 1), new PyDate(2024, 1, 1), '\ud800', new Map([[1, 2]]), new Set([1]), undefined, () => 1]) {
      expect(() => msgpackDumps(bad)).toThrow(SerializationError);
    }
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => msgpackDumps(cycle)).toThrow(SerializationError);
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => msgpackDumps(deep)).toThrow(SerializationError);
  });
});

describe('msgpackLoads (msgpack.loads(raw=False))', () => {
  it('reads float32, bin as Buffer, maps with str keys (last value wins), __proto__ as an own key', () => {
    expect(load('ca3f800000')).toBe(1);
    expect(load('c40200ff')).toEqual(Buffer.from([0, 255]));
    expect(load('82a16101a16102')).toEqual({ a: 2 });
    const proto = load('81a95f5f70726f746f5f5f01') as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(load('dc000101')).toEqual([1]);
  });

  // Each of these raises in msgpack-python (or gives a Timestamp/ExtType object, which is no plain data).
  it.each([
    ['810102', 'int map key (strict_map_key)'],
    ['81c4016b01', 'bytes map key (no JS equivalent)'],
    ['81c001', 'None map key'],
    ['a2c328', 'invalid UTF-8'],
    ['a3eda080', 'UTF-8 encoded surrogate'],
    ['d6ff00000001', 'Timestamp extension'],
    ['d40501', 'ExtType'],
    ['c1', 'reserved code'],
    ['0102', 'extra data'],
    ['9201', 'incomplete'],
    ['dd7fffffff', 'a count beyond the input'],
    ['', 'empty'],
  ])('%s: %s', (h) => {
    expect(() => load(h)).toThrow(SerializationError);
  });

  it('limits nesting and size', () => {
    expect(() => load('91'.repeat(200) + 'c0')).toThrow(SerializationError);
    expect(load('91'.repeat(100) + 'c0')).toBeDefined();
    expect(() => msgpackLoads(Buffer.alloc(10), { maxSize: 5 })).toThrow(SerializationError);
  });
});

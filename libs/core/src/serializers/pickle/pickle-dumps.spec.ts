import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, PicklingError, SerializationError } from '../../errors.js';
import { pickleDumps } from './pickle-dumps.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';
import { PyFloat, PyTuple } from './python-values.js';
import { unpickle } from './unpickle.js';

const hex = (value: unknown, protocol = 5, options = {}) => pickleDumps(value, { protocol, ...options }).toString('hex');
const intern = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

// Expected bytes are CPython 3.11's pickle.dumps; test/interop/pickle-writer.interop.spec.ts checks every run against the real one.
describe('pickleDumps writes what CPython writes', () => {
  it('a session-like dict (protocol 5: frame, MEMOIZE, SHORT_BINUNICODE, every int form, BINFLOAT, bytes)', () => {
    const session = { _auth_user_id: '42', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', n: [1, -1, 300, 70000, 2 ** 31, 2n ** 64n, 1.5, true, null], b: Buffer.from([0, 255]) };
    expect(hex(session)).toBe(
      '80059598000000000000007d94288c0d5f617574685f757365725f6964948c023432948c125f617574685f757365725f6261636b656e64948c29646a616e676f2e636f6e747269622e617574682e6261636b656e64732e4d6f64656c4261636b656e64948c016e945d94284b014affffffff4d2c014a701101008a0500000080008a09000000000000000001473ff8000000000000884e658c016294430200ff94752e',
    );
  });

  it('naive and aware datetimes and dates, sharing the datetime module name and the UTC tzinfo (protocol 4)', () => {
    const value = [new NaiveDateTime(2026, 3, 29, 2, 30, 0, 123456), new PyDate(2024, 2, 29), new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))];
    expect(hex(value, 4)).toBe(
      '80049584000000000000005d94288c086461746574696d65948c086461746574696d65949394430a07ea031d021e0001e240948594529468018c0464617465949394430407e8021d94859452946803430a07ea01020304050a58709468018c0874696d657a6f6e6594939468018c0974696d6564656c74619493944b004b004b00879452948594529486945294652e',
    );
  });

  it('protocol 2: bytes through _codecs.encode and bytes(), BINPUT/BINGET', () => {
    const value = [new NaiveDateTime(2026, 3, 29, 2, 30, 0, 123456), Buffer.alloc(0), Buffer.from('ab')];
    expect(hex(value, 2)).toBe(
      '80025d710028636461746574696d650a6461746574696d650a7101635f636f646563730a656e636f64650a7102580c00000007c3aa031d021e0001c3a240710358060000006c6174696e317104867105527106857107527108635f5f6275696c74696e5f5f0a62797465730a71092952710a680258020000006162710b680486710c52710d652e',
    );
  });

  it('tuples: EMPTY_TUPLE unmemoized, TUPLE1-3, MARK...TUPLE (protocol 3)', () => {
    const value = new PyTuple([new PyTuple(), new PyTuple([1]), new PyTuple([1, 2]), new PyTuple([1, 2, 3]), new PyTuple([1, 2, 3, 4])]);
    expect(hex(value, 3)).toBe('800328294b018571004b014b028671014b014b024b03877102284b014b024b034b047471037471042e');
  });

  it('pytz.utc when asked (Django 3.2)', () => {
    expect(hex(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), 5, { tzinfo: 'pytz.utc' })).toBe(
      '8005953d000000000000008c086461746574696d65948c086461746574696d65949394430a07ea01020304050a5870948c047079747a948c045f555443949394295294869452942e',
    );
  });

  it('a payload of 64 KiB or more outside any frame, a frame under 4 bytes unframed', () => {
    const out = pickleDumps(['x', 'a'.repeat(70000), 'y'], { protocol: 4 });
    expect(out.length).toBe(70039);
    expect(out.subarray(0, 25).toString('hex')).toBe('80049507000000000000005d94288c01789458701101006161');
    expect(out.subarray(-15).toString('hex')).toBe('0700000000000000948c017994652e');
    expect(hex(null, 4)).toBe('80044e2e');
    expect(hex(1000, 4)).toBe('80049504000000000000004de8032e');
    expect(hex(1, 4)).toBe('80044b012e');
  });

  it('batches of 1000: a full last dict batch adds an empty MARK SETITEMS, lists do not; LONG_BINGET past 255', () => {
    expect(pickleDumps(Object.fromEntries(intern(1000).map((k, i) => [k, i])), { protocol: 4 }).subarray(-12).toString('hex')).toBe('6b393939944de7037528752e');
    expect(pickleDumps(Array.from({ length: 1001 }, (_, i) => i), { protocol: 4 }).subarray(-8).toString('hex')).toBe('0365284de803652e');
    expect(pickleDumps([...intern(300), 'k299'], { protocol: 3 }).subarray(-8).toString('hex')).toBe('006a2c010000652e');
  });

  it('shares equal strings unless told not to, and CPython-cached short ones always', () => {
    expect(hex(['ab', 'ab'], 4)).toBe('8004950c000000000000005d94288c026162946801652e');
    expect(hex(['ab', 'ab', 'a', 'a'], 4, { shareStrings: false })).toBe('80049515000000000000005d94288c026162948c026162948c0161946803652e');
  });

  it('int encodings at their boundaries', () => {
    const body = (v: unknown) => hex(v, 2).slice(4, -2);
    expect([0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31 - 1].map(body)).toEqual(['4b00', '4bff', '4d0001', '4dffff', '4a00000100', '4affffffff', '4a00000080', '4affffff7f']);
    expect([2 ** 31, -(2 ** 31) - 1, -(2n ** 63n), 2n ** 63n, -(2n ** 39n)].map(body)).toEqual(['8a050000008000', '8a05ffffff7fff', '8a080000000000000080', '8a09000000000000008000', '8a050000000080']);
    expect(body(2n ** 2039n).slice(0, 10)).toBe('8b00010000');
    expect(body(-(2n ** 2039n)).slice(0, 4)).toBe('8aff');
    expect([-0, NaN, Infinity, new PyFloat(1)].map(body)).toEqual(['478000000000000000', '477ff8000000000000', '477ff0000000000000', '473ff0000000000000']);
    expect([2 ** 53, 5n].map(body)).toEqual(['474340000000000000', '4b05']);
  });
});

describe('pickleDumps round-trips through unpickle', () => {
  it('gives back the value in the reader’s own shapes', () => {
    const shared = { x: [1] };
    const value = {
      s: 'café 😀', n: -7, big: -(2n ** 100n), f: -0, nan: NaN, t: true, none: null, bytes: Buffer.from([1, 2, 3]),
      list: [shared, shared], tuple: new PyTuple([1, 'a']), map: new Map<unknown, unknown>([[1, 'one'], [2n ** 64n, 'big'], ['k', 'v']]),
      naive: new NaiveDateTime(1, 1, 1, 0, 0, 0, 1), date: new PyDate(9999, 12, 31), aware: new Date(Date.UTC(2026, 5, 1, 12, 0, 0, 999)), one: new PyFloat(1),
    };
    for (const protocol of [2, 3, 4, 5]) {
      const back = unpickle(pickleDumps(value, { protocol })) as Record<string, unknown>;
      expect(back).toEqual({ ...value, tuple: [1, 'a'], map: { 1: 'one', [String(2n ** 64n)]: 'big', k: 'v' }, one: 1 });
      expect((back.list as unknown[])[0]).toBe((back.list as unknown[])[1]);
      expect(Object.is(back.f, -0)).toBe(true);
    }
    const proto = JSON.parse('{"__proto__": 1}');
    expect(Object.keys(unpickle(pickleDumps(proto)) as object)).toEqual(['__proto__']);
  });

  it('writes at exactly maxDepth, as deep as the reader reads', () => {
    const nested = (n: number): unknown => (n === 1 ? [] : [nested(n - 1)]);
    expect(() => unpickle(pickleDumps(nested(128)))).not.toThrow();
    expect(() => unpickle(pickleDumps(nested(5), { maxDepth: 5 }), { maxDepth: 5 })).not.toThrow();
  });
});

describe('pickleDumps refuses what is outside the subset, with a PicklingError', () => {
  const cycle: unknown[] = [];
  cycle.push([cycle]);
  const cyclicMap = new Map<string, unknown>();
  cyclicMap.set('me', { m: cyclicMap });
  const deepShared = [[[[]]]]; // height 4
  const refused: [string, unknown, object?][] = [
    ['undefined', undefined], ['undefined in a list', [1, undefined]], ['a hole', [1, , 2]], ['a function', () => 1], ['a symbol', Symbol('x')],
    ['a Set', new Set([1])], ['a class instance', new (class Point {})()], ['a Uint16Array', new Uint16Array(2)], ['an ArrayBuffer', new ArrayBuffer(2)],
    ['a cycle', cycle], ['a cycle through a Map', cyclicMap], ['a lone surrogate', 'a\ud800'], ['a lone surrogate key', { '\udc00': 1 }],
    ['nesting past maxDepth', [[[[]]]], { maxDepth: 3 }], ['a shared subtree met too deep', [deepShared, [[deepShared]]], { maxDepth: 5 }],
    ['a float key', new Map([[1.5, 1]])], ['a bool key', new Map([[true, 1]])], ['an unsafe number key', new Map([[2 ** 60, 1]])],
    ['keys 1 and "1"', new Map<unknown, unknown>([[1, 'a'], ['1', 'b']])], ['keys 1 and 1n', new Map<unknown, unknown>([[1, 'a'], [1n, 'b']])],
    ['a symbol key', { [Symbol('s')]: 1 }], ['an invalid Date', new Date(NaN)], ['a Date in year 10000', new Date(253402300800000)],
    ['a Date before year 1', new Date(-62135596800001)], ['February 30', new PyDate(2024, 2, 30)], ['hour 24', new NaiveDateTime(2024, 1, 1, 24)],
    ['a fractional microsecond', new NaiveDateTime(2024, 1, 1, 0, 0, 0, 0.5)], ['a PyFloat of a string', new PyFloat('1' as unknown as number)],
  ];
  // One test, not it.each: Jest's titles would walk the cyclic rows.
  it('for each kind of value outside the subset', () => {
    const outcome = (value: unknown, options?: object) => {
      try {
        pickleDumps(value, options);
        return 'written';
      } catch (error) {
        return error instanceof PicklingError && error instanceof SerializationError ? 'PicklingError' : String(error);
      }
    };
    const outcomes = refused.map(([name, value, options]) => [name, outcome(value, options)]);
    expect(outcomes).toEqual(refused.map(([name]) => [name, 'PicklingError']));
  });

  it('refuses impossible options with ImproperlyConfigured', () => {
    for (const options of [{ protocol: 1 }, { protocol: 6 }, { protocol: 4.5 }, { maxDepth: 0 }, { tzinfo: 'zoneinfo' }]) {
      expect(() => pickleDumps(1, options as object)).toThrow(ImproperlyConfigured);
    }
  });
});

/**
 * pickleDumps against CPython's pickle.dumps (protocols 2-5) through the Django oracle: the same value
 * must give the same bytes, pickle.loads of ours must give the value back (types, order and sharing
 * included), and unpickle must read ours. Random values every run (the seed is printed), plus edges.
 */
import { describe, expect, it } from '@jest/globals';
import { NaiveDateTime, pickleDumps, PicklingError, PyDate, PyFloat, PyTuple, SerializationError, unpickle, type PickleDumpsOptions } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { pick, random, randomBytes, randomInt, randomText } from '../support/random.js';

const info = djangoInfo();
const PROTOCOLS = [2, 3, 4, 5];

type Options = Omit<PickleDumpsOptions, 'protocol'>;
interface Case { name: string; value: unknown; options?: Options }
interface Check { theirs: Buffer; where?: { offset: number; ours: string[]; theirs: string[] }; loads?: string | null }

function floatHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

/** The value as ops_pickle_write.py rebuilds it: tagged, an object seen before as {$ref}. */
function toNode(value: unknown, ids = new Map<object, number>()): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : { $float: floatHex(value) };
  if (typeof value === 'bigint') return { $int: String(value) };
  if (value instanceof PyFloat) return { $float: floatHex(value.value) };
  const obj = value as object;
  const seen = ids.get(obj);
  if (seen !== undefined) return { $ref: seen };
  let node: Record<string, unknown>;
  if (obj instanceof Uint8Array) node = { $bytes: Buffer.from(obj).toString('base64') };
  else if (obj instanceof NaiveDateTime) node = { $dt: [obj.year, obj.month, obj.day, obj.hour, obj.minute, obj.second, obj.microsecond] };
  else if (obj instanceof Date) node = { $dt: [obj.getUTCFullYear(), obj.getUTCMonth() + 1, obj.getUTCDate(), obj.getUTCHours(), obj.getUTCMinutes(), obj.getUTCSeconds(), obj.getUTCMilliseconds() * 1000], utc: true };
  else if (obj instanceof PyDate) node = { $date: [obj.year, obj.month, obj.day] };
  else if (Array.isArray(obj)) node = { $list: obj.map((v) => toNode(v, ids)) };
  else if (obj instanceof PyTuple) node = { $tuple: obj.items.map((v) => toNode(v, ids)) };
  else if (obj instanceof Map) node = { $dict: [...obj].map(([k, v]) => [toNode(k, ids), toNode(v, ids)]) };
  else node = { $dict: Object.keys(obj).map((k) => [k, toNode((obj as Record<string, unknown>)[k], ids)]) };
  ids.set(obj, ids.size);
  return { ...node, id: ids.get(obj) };
}

/** What unpickle returns for a value pickleDumps wrote: tuples as arrays, PyFloat as number, int keys as text. */
function readerShape(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyTuple) return value.items.map(readerShape);
  if (Array.isArray(value)) return value.map(readerShape);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), readerShape(v)]));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readerShape(v)]));
  }
  return value;
}

function request(value: unknown, options: Options, ours: Buffer[]) {
  return { op: 'pickle_write_check', value: toNode(value), protocols: PROTOCOLS, ours, share_strings: options.shareStrings ?? true, tzinfo: options.tzinfo ?? 'timezone.utc' };
}

/** Ours must be CPython's bytes, load in CPython as the value, and read back through unpickle. */
function expectCPythonBytes(cases: Case[]): void {
  const ours = cases.map((c) => PROTOCOLS.map((protocol) => pickleDumps(c.value, { ...c.options, protocol })));
  const results = djangoAll<Check[]>(cases.map((c, i) => request(c.value, c.options ?? {}, ours[i])));
  for (const [i, c] of cases.entries()) {
    for (const [j, protocol] of PROTOCOLS.entries()) {
      const { where = null, loads } = results[i][j];
      expect({ case: c.name, protocol, where, loads }).toEqual({ case: c.name, protocol, where: null, loads: null });
      expect(ours[i][j].equals(results[i][j].theirs)).toBe(true);
      expect([c.name, protocol, unpickle(ours[i][j], { maxDepth: c.options?.maxDepth })]).toEqual([c.name, protocol, readerShape(c.value)]);
    }
  }
}

// Strings that CPython also uses as module, class and argument names, so sharing with them is tested.
const NAMES = ['datetime', 'date', 'timezone', 'timedelta', 'latin1', 'pytz', '_UTC', '_codecs', 'encode', 'bytes', 'builtins'];
const INTS = [0, 1, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -1, -128, -256, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1)];
const BIGS = [2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n), -(2n ** 63n) - 1n, 2n ** 64n, -(2n ** 39n), 2n ** 2039n - 1n, 2n ** 2039n, -(2n ** 2039n), -(2n ** 2039n) - 1n];
const FLOATS = [-0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE, 0.1, 2 ** 53, 1e22, -1.5];

class Gen {
  /** Objects already made, to put in a second place (never inside themselves). */
  private readonly pool: object[] = [];

  constructor(private readonly readerShaped = false) {}

  text(): string {
    return pick([() => randomText(randomInt(2) ? 3 : 40), () => pick(NAMES), () => pick(['', 'a', 'é', '€', '😀', 'shared']), () => randomText(400)])();
  }

  number(): number | bigint | PyFloat {
    switch (randomInt(this.readerShaped ? 5 : 7)) {
      case 0: return randomInt(-1_000_000, 1_000_000);
      case 1: return pick(INTS);
      case 2: return pick(BIGS);
      case 3: return (random() < 0.5 ? -1n : 1n) * 2n ** BigInt(randomInt(54, 2100)) + BigInt(randomInt(-5, 5));
      case 4: return pick(FLOATS);
      case 5: return random() * 10 ** randomInt(-300, 300);
      default: return new PyFloat(pick([0, 1, -3, 2 ** 60]));
    }
  }

  leaf(): unknown {
    switch (randomInt(7)) {
      case 0: case 1: return this.text();
      case 2: return this.number();
      case 3: return pick([true, false, null]);
      case 4: return this.keep(randomBytes(pick([0, 1, 2, randomInt(300)])));
      case 5: return this.keep(pick([
        () => new NaiveDateTime(randomInt(1, 10000), randomInt(1, 13), randomInt(1, 29), randomInt(24), randomInt(60), randomInt(60), pick([0, randomInt(1_000_000)])),
        () => new PyDate(randomInt(1, 10000), randomInt(1, 13), randomInt(1, 29)),
        () => new Date(randomInt(-62135596800000, 253402300800000)),
      ])());
      default: return this.pool.length && randomInt(2) ? pick(this.pool) : this.text();
    }
  }

  value(depth = 0): unknown {
    if (depth > 3 || randomInt(3) === 0) return this.leaf();
    // Now and then a long one of leaves, to cross the 1000-item batches and 64 KiB frames.
    const long = depth === 0 && randomInt(8) === 0;
    const items = () => Array.from({ length: long ? randomInt(900, 2100) : randomInt(6) }, () => (long ? this.leaf() : this.value(depth + 1)));
    switch (randomInt(this.readerShaped ? 2 : 4)) {
      case 0: return this.keep(items());
      case 1: return this.keep(Object.fromEntries(items().map((v, i) => [`k${i}${this.text()}`, v])));
      case 2: return this.keep(new PyTuple(items().slice(0, randomInt(6))));
      default: return this.keep(new Map(items().map((v, i): [unknown, unknown] => [pick([i, -1n - BigInt(i), `s${i}`, 2n ** 70n + BigInt(i)]), v])));
    }
  }

  private keep<T extends object>(value: T): T {
    this.pool.push(value);
    return value;
  }
}

const options = (): Options => ({ shareStrings: random() < 0.7, tzinfo: info.features.pytz && random() < 0.3 ? 'pytz.utc' : 'timezone.utc' });

describe(`pickleDumps against CPython ${info.python}'s pickle.dumps (Django ${info.version})`, () => {
  it('writes random values byte for byte, in both string-sharing modes, and CPython loads them back', () => {
    const gen = new Gen();
    expectCPythonBytes(Array.from({ length: 120 }, (_, i) => ({ name: `random ${i}`, value: gen.value(), options: options() })));
  });

  it('rewrites CPython pickles of reader-shaped values byte for byte: pickleDumps(unpickle(x)) equals x', () => {
    const gen = new Gen(true);
    const values = Array.from({ length: 80 }, () => gen.value());
    const results = djangoAll<Check[]>(values.map((value) => request(value, {}, [])));
    for (const [i, checks] of results.entries()) {
      for (const [j, protocol] of PROTOCOLS.entries()) {
        const theirs = checks[j].theirs;
        expect([i, protocol, pickleDumps(unpickle(theirs), { protocol }).toString('hex')]).toEqual([i, protocol, theirs.toString('hex')]);
      }
    }
  });

  it('matches CPython on hand-picked edges: sizes, int encodings, floats, sharing, batches, frames, dates', () => {
    const shared = [1, 'x'];
    const bytes = Buffer.from('shared');
    const when = new NaiveDateTime(2026, 3, 29, 2, 30, 0, 123456);
    const instant = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const tuple = new PyTuple([1, 2]);
    const nested = (n: number): unknown => (n === 1 ? [] : [nested(n - 1)]);
    const many = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const cases: Case[] = [
      { name: 'empty containers', value: [[], {}, new Map(), new PyTuple(), '', Buffer.alloc(0), Buffer.alloc(0)] },
      ...[[], {}, new PyTuple(), '', Buffer.alloc(0), null, true, false].map((value, i) => ({ name: `bare empty ${i}`, value })),
      ...[255, 256, 65535, 65536, 65537].flatMap((n) => [
        { name: `${n}-byte str`, value: 'a'.repeat(n) },
        { name: `${n}-byte bytes`, value: Buffer.alloc(n, 7) },
        { name: `${n}-byte str among others`, value: ['x', 'b'.repeat(n), Buffer.alloc(n, 1), 'y'] },
      ]),
      { name: 'UTF-8 lengths around 255/256/65535/65536', value: ['é'.repeat(127) + 'a', 'é'.repeat(128), '中'.repeat(21845), '😀'.repeat(16384), '😀𝄞 non-BMP'] },
      { name: 'ints at every encoding boundary', value: [...INTS, ...INTS.filter((n) => n !== 0).map((n) => -n), ...BIGS, 2n ** 8000n, -(2n ** 8000n), 0n, 5n] },
      { name: 'floats', value: [...FLOATS, new PyFloat(1), new PyFloat(0), new PyFloat(-0), new PyFloat(2 ** 60), new PyFloat(NaN)] },
      { name: 'shared objects', value: [shared, shared, { a: shared, b: bytes }, bytes, when, when, instant, instant, tuple, [tuple], new Map([[1, shared]])] },
      { name: 'memo past 256 entries (LONG_BINPUT, LONG_BINGET)', value: [...many, ...many, many, many] },
      { name: 'unshared memo past 256', value: [...many, ...many], options: { shareStrings: false } },
      ...[999, 1000, 1001, 2000, 2001].flatMap((n) => [
        { name: `list of ${n}`, value: Array.from({ length: n }, (_, i) => i) },
        { name: `dict of ${n}`, value: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) },
      ]),
      { name: 'frames: many small items past 64 KiB', value: Array.from({ length: 300 }, (_, i) => `${i}`.padEnd(400 + (i % 7), '.')) },
      { name: 'frames: ints, floats and empty containers past 64 KiB', value: Array.from({ length: 30000 }, (_, i) => [i, -i - 0.5, [], {}][i % 4]) },
      // 254 items of 258 bytes after "]\x94(" fill a frame to 65535 bytes; a None makes it exactly 64 KiB.
      { name: 'frames: exactly 64 KiB at a boundary', value: [...Array.from({ length: 254 }, (_, i) => `${i}`.padEnd(255, 'x')), null, 'tail'] },
      { name: 'frames: one byte short of 64 KiB', value: [...Array.from({ length: 254 }, (_, i) => `${i}`.padEnd(255, 'x')), 'tail'] },
      { name: 'frames: mixed sizes', value: { a: 'x'.repeat(60000), b: Buffer.alloc(70000, 2), c: ['y'.repeat(5000), 'z'.repeat(65536)], d: 1 } },
      { name: 'nesting at the default maxDepth (128)', value: nested(128) },
      // Deeper trips the oracle's recursive JSON walk on Python 3.11.
      { name: 'nesting at maxDepth 200', value: nested(200), options: { maxDepth: 200 } },
      { name: 'tuples of 1 to 5', value: [1, 2, 3, 4, 5].map((n) => new PyTuple(Array.from({ length: n }, (_, i) => [i]))) },
      { name: 'date and datetime extremes', value: [new NaiveDateTime(1, 1, 1), new NaiveDateTime(9999, 12, 31, 23, 59, 59, 999999), new PyDate(1, 1, 1), new PyDate(9999, 12, 31), new PyDate(2024, 2, 29), new Date(-62135596800000), new Date(253402300799999), new Date(0)] },
      { name: 'int and str keys', value: new Map<unknown, unknown>([[1, 'a'], [-1, 'b'], [2n ** 70n, 'c'], ['x', 1], [0, 0], ['10', 2]]) },
      { name: '__proto__ key', value: JSON.parse('{"__proto__": 1, "a": {"__proto__": [2]}}') },
      ...[true, false].flatMap((shareStrings) => [
        { name: `names shared with globals, shareStrings ${shareStrings}`, value: [...NAMES, when, new PyDate(2020, 1, 1), instant, Buffer.from('x'), Buffer.alloc(0), ...NAMES], options: { shareStrings } },
        { name: `globals first, shareStrings ${shareStrings}`, value: [when, instant, Buffer.from('ab'), ...NAMES], options: { shareStrings } },
        { name: `one-byte bytes and one-character text, shareStrings ${shareStrings}`, value: [Buffer.from('a'), 'a', 'é', Buffer.from([0xe9]), Buffer.from('a'), '€', '€', 'ab', 'ab'], options: { shareStrings } },
      ]),
      ...(info.features.pytz ? [{ name: 'pytz.utc', value: [instant, new Date(0), 'pytz', '_UTC', { when: instant }], options: { tzinfo: 'pytz.utc' as const } }] : []),
    ];
    expectCPythonBytes(cases);
  });

  it(`${info.line === '3.2' ? "Django's cache session engine reads" : "Django's cache session engine and RedisSerializer read"} sessions written at HIGHEST_PROTOCOL`, () => {
    const gen = new Gen();
    // timezone.now()'s tzinfo: pytz.utc on 3.2, datetime.timezone.utc on 4.0+.
    const tzinfo = info.now_tz_module === 'pytz' ? 'pytz.utc' : 'timezone.utc';
    const sessions = Array.from({ length: 20 }, () => ({
      _auth_user_id: String(randomInt(1, 100000)),
      _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
      _auth_user_hash: randomBytes(32).toString('hex'),
      _session_expiry: new Date(Date.now() + randomInt(1, 14 * 86400) * 1000),
      extra: gen.value(),
    }));
    const requests = sessions.map((value) => ({ op: 'pickle_write_cache_session', value: toNode(value), tzinfo, ours: pickleDumps(value, { protocol: info.pickle_highest_protocol, tzinfo }) }));
    const redis = info.line === '3.2' ? 'absent' : null;
    expect(djangoAll(requests)).toEqual(sessions.map(() => ({ session: null, redis })));
  });

  it('refuses what the reader refuses, which CPython would write: lone surrogates, nesting past maxDepth', () => {
    const deep = (n: number): unknown => (n === 1 ? [] : [deep(n - 1)]);
    const refused = ['\ud800', ['ok', 'x\udc00y'], deep(129)];
    const results = djangoAll<Check[]>(refused.map((value) => request(value, {}, [])));
    for (const [i, value] of refused.entries()) {
      for (const [j, protocol] of PROTOCOLS.entries()) {
        expect(() => unpickle(results[i][j].theirs)).toThrow(SerializationError);
        expect(() => pickleDumps(value, { protocol })).toThrow(PicklingError);
      }
    }
  });
});

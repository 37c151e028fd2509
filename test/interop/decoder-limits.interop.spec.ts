/**
 * The decoders' limits against the real thing (test/django/ops_limits.py): the lenient base64 of
 * Django 3.2's pre-3.1 session format (and that line's SessionStore.decode itself), and CPython's
 * int_max_str_digits in json.loads / json.dumps, int() and the text pickle opcodes, at the same
 * boundary and under other limits. Random inputs are seeded (the seed is printed).
 */
import { describe, expect, it } from '@jest/globals';
import { decodeSessionData, DjangoBridgeError, pythonFloatRepr, pythonJsonDumps, pythonJsonLoads, SuspiciousSession, unpickle } from '@django-bridge/core';
import { parsePythonInt } from '../../libs/core/src/cache/python-int.js';
import { pythonB64Decode } from '../../libs/core/src/crypto/python-b64decode.js';
import { IntegerTooLong } from '../../libs/core/src/limits/limit-errors.js';
import { DEFAULT_INT_MAX_STR_DIGITS, INT_MAX_STR_DIGITS_THRESHOLD, validIntMaxStrDigits } from '../../libs/core/src/limits/int-max-str-digits.js';
import { django } from '../django/oracle.js';
import { pick, randomInt, randomString } from '../support/random.js';

type Attempt = { value?: unknown; raised?: string };

/** What our decoder gives, in the oracle's terms: the value, or that it refused. */
function ours(run: () => unknown): { value?: unknown; refused?: true } {
  try {
    return { value: run() };
  } catch (error) {
    // Only typed errors count as a refusal; anything else is a bug.
    if (!(error instanceof DjangoBridgeError)) throw error;
    return { refused: true };
  }
}

/** A loaded value as ops_limits.describe writes it: ints as {$int: text}, floats as {$float: json text}. */
function described(value: unknown): unknown {
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return { $int: value.toString() };
  if (typeof value === 'number') return { $float: pythonFloatRepr(value) };
  if (Array.isArray(value)) return value.map(described);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, described(v)]));
  return value;
}

function expectSame(theirs: Attempt[], mine: { value?: unknown; refused?: true }[], inputs: unknown[], map: (v: unknown) => unknown = described): void {
  theirs.forEach((t, i) => {
    const label = `input ${i}: ${String(inputs[i]).slice(0, 60)}${String(inputs[i]).length > 60 ? `... (${String(inputs[i]).length} chars)` : ''}`;
    if (t.raised !== undefined) expect({ label, refused: mine[i].refused === true }).toEqual({ label, refused: true });
    else expect({ label, value: mine[i].refused ? 'refused' : map(mine[i].value) }).toEqual({ label, value: t.value });
  });
}

const digits = (n: number) => '1'.repeat(n);

describe("base64.b64decode as Django 3.2's legacy session decoder calls it", () => {
  it('decodes or refuses exactly what CPython does (random texts over the alphabet, "=", junk and whitespace)', () => {
    const alphabet = 'ABCDxyz0189+/====  \n\t*-_.:~';
    const texts = Array.from({ length: 3000 }, () => randomString(alphabet, randomInt(0, 16)));
    texts.push('='.repeat(80_000) + 'x', 'YQ==' + '='.repeat(1000), 'é', 'YWJj\u0100');
    const theirs = django<Attempt[]>({ op: 'limits_b64decode', texts }, '3.2');
    expectSame(theirs, texts.map((t) => ours(() => pythonB64Decode(t))), texts, (v) => v);
  });

  it("reads legacy sessions as Django 3.2's SessionStore.decode does: genuine, padded with junk, or tampered", () => {
    const key = `django-insecure-${randomString('abcdef0123456789', 20)}`;
    const session = { _auth_user_id: String(randomInt(1, 1000)), note: randomString('abc xyz', randomInt(0, 30)) };
    const genuine = django<string>({ op: 'limits_legacy_encode', key, session }, '3.2');
    const variants = [
      genuine,
      genuine.replace(/(.{7})/g, '$1 \n'),
      `*${genuine}*`,
      genuine.endsWith('=') ? `${genuine}ignored after the padding` : `${genuine}====`,
      '='.repeat(randomInt(1, 50_000)) + 'x',
      genuine.slice(0, -4) + pick(['AAAA', 'BBBB', '////']),
      genuine.slice(1),
      'é' + genuine,
    ];
    const theirs = django<unknown[]>({ op: 'limits_legacy_decode', key, texts: variants }, '3.2');
    // The comparison must cover both outcomes: the genuine text reads, the tampered one is {}.
    expect(theirs[0]).toEqual(described(session));
    expect(theirs[5]).toEqual({});
    variants.forEach((text, i) => {
      let mine: unknown;
      try {
        mine = decodeSessionData(text, { secretKey: key, djangoVersion: '3.2' });
      } catch (error) {
        expect(error).toBeInstanceOf(SuspiciousSession);
        mine = {}; // Django logs "Session data corrupted" and gives an empty session
      }
      expect({ variant: i, session: described(mine) }).toEqual({ variant: i, session: theirs[i] });
    });
  });
});

describe('int_max_str_digits (the oracle line\'s CPython)', () => {
  it('has the default and threshold we use', () => {
    expect(django({ op: 'limits_int_info' })).toEqual({ default: DEFAULT_INT_MAX_STR_DIGITS, threshold: INT_MAX_STR_DIGITS_THRESHOLD });
  });

  it('accepts the same limits as sys.set_int_max_str_digits', () => {
    const limits = [-1, 0, 1, 639, 640, 641, 4300, 1_000_000];
    const theirs = django<Attempt[]>({ op: 'limits_set_limit', limits });
    expectSame(theirs, limits.map((l) => ours(() => validIntMaxStrDigits(l))), limits, (v) => v);
  });

  const around = (limit: number) => [limit - 1, limit, limit + 1, limit + randomInt(2, 5000)];

  it.each([undefined, 640, 1000, 0])('json.loads refuses the same integers (limit %p)', (limit) => {
    const sizes = around(limit || DEFAULT_INT_MAX_STR_DIGITS);
    const texts = sizes.flatMap((n) => [digits(n), `-${digits(n)}`, `[${digits(n)},"x"]`, `{"a":${digits(n)}.5}`, `${digits(n)}e1`]);
    const theirs = django<Attempt[]>({ op: 'limits_json_loads', texts, limit });
    expectSame(theirs, texts.map((t) => ours(() => pythonJsonLoads(t, { intMaxStrDigits: limit }))), texts);
  });

  it("refuses with json.loads's own message", () => {
    const [theirs] = django<Attempt[]>({ op: 'limits_json_loads', texts: [digits(4301)] });
    let mine = '';
    try {
      pythonJsonLoads(digits(4301));
    } catch (error) {
      expect(error).toBeInstanceOf(IntegerTooLong);
      mine = `ValueError: ${(error as Error).message}`;
    }
    expect(mine).toBe(theirs.raised);
  });

  it.each([undefined, 640, 0])('json.dumps refuses the same integers (limit %p)', (limit) => {
    const texts = around(limit || DEFAULT_INT_MAX_STR_DIGITS).flatMap((n) => [digits(n), `-${digits(n)}`]);
    const theirs = django<Attempt[]>({ op: 'limits_json_dumps_int', texts, limit });
    expectSame(theirs, texts.map((t) => ours(() => pythonJsonDumps(BigInt(t), { intMaxStrDigits: limit }))), texts, (v) => v);
  });

  it.each([undefined, 640, 0])('int(bytes) refuses the same texts (leading zeros count; sign, spaces, underscores do not) (limit %p)', (limit) => {
    const data = around(limit || DEFAULT_INT_MAX_STR_DIGITS).flatMap((n) => [digits(n), `+${digits(n)}`, ` ${'0'.repeat(n)}\n`, `${'1_'.repeat(n - 1)}1`, `-0${digits(n - 1)}`]);
    const theirs = django<Attempt[]>({ op: 'limits_int_parse', data: data.map((d) => Buffer.from(d)), limit });
    expectSame(theirs, data.map((d) => {
      const n = parsePythonInt(Buffer.from(d), limit);
      return n === null ? { refused: true as const } : { value: n };
    }), data);
  });

  it.each([undefined, 640, 0])('pickle.loads refuses the same INT and LONG text opcodes, and no LONG4 (limit %p)', (limit) => {
    const sizes = around(limit || DEFAULT_INT_MAX_STR_DIGITS);
    const pickles = sizes.flatMap((n) => [`I${digits(n)}\n.`, `I-${digits(n)}\n.`, `L${digits(n)}L\n.`, `(L-${digits(n)}L\nl.`].map((t) => Buffer.from(t, 'latin1')));
    // LONG4 of 4 KB: some 9,900 digits, which binary pickles may carry whatever the limit.
    pickles.push(Buffer.concat([Buffer.from([0x80, 0x02, 0x8b, 0x00, 0x10, 0x00, 0x00]), Buffer.alloc(4096, 0x21), Buffer.from('.')]));
    const theirs = django<Attempt[]>({ op: 'limits_pickle_loads', data: pickles, limit });
    expectSame(theirs, pickles.map((p) => ours(() => unpickle(p, { intMaxStrDigits: limit }))), pickles.map((p) => p.toString('latin1')));
  });
});

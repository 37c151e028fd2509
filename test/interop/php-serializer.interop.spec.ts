/**
 * PHP serialize() against ground truth: Python's phpserialize 1.3 (what django-php-bridge runs, via
 * the Django oracle, in the running line's Python), Python's repr(bytes), and real PHP (php-cli must
 * be installed: it is the only authority on PHP's own float text and integer-key rules). Random data
 * (seeded) every run.
 */
import { describe, expect, it } from '@jest/globals';
import { parsePythonBytesLiteral, phpSerialize, phpUnserialize } from '@django-bridge/core';
import { spawnSync } from 'node:child_process';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { randomBytes, randomInt, randomText } from '../support/random.js';

const info = djangoInfo();

/** A value as JS holds it, and the tagged form ops_php.py builds the same Python value from. */
type Pair = { js: unknown; wire: unknown };

const CANONICAL_INT_KEY = /^(?:0|-?[1-9][0-9]{0,18})$/;
const isPhpIntKey = (k: string) => CANONICAL_INT_KEY.test(k) && BigInt(k) >= -(2n ** 63n) && BigInt(k) < 2n ** 63n;

function floatHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

const FLOATS = [0.1, -2.5, 1e-7, 123456.789, Math.PI, 1e300, -1e-300, 2.5e-5, 1e25, 5e-324, 0.30000000000000004];

/** Random PHP-serializable data; `floats`/`bytes` off where the other side cannot match byte for byte. */
function randomPair(depth = 0, opts = { floats: true, bytes: true }): Pair {
  const kinds = depth > 2 ? 6 : 9;
  switch (randomInt(kinds)) {
    case 0:
    case 1: {
      const s = randomText(randomInt(2) ? 12 : 120);
      return { js: s, wire: s };
    }
    case 2: {
      const n = randomInt(-1_000_000, 1_000_000);
      return { js: n, wire: n };
    }
    case 3: {
      const big = (randomInt(2) ? 1n : -1n) * (2n ** 53n + BigInt(randomInt(1, 2 ** 40)) * 1000n);
      return { js: big, wire: { $int: big.toString() } };
    }
    case 4: {
      if (!opts.floats) return { js: true, wire: true };
      const f = FLOATS[randomInt(FLOATS.length)];
      return { js: f, wire: { $float: String(f) } };
    }
    case 5: {
      if (opts.bytes && randomInt(2)) {
        const b = randomBytes(randomInt(20));
        return { js: b, wire: b };
      }
      const v = [true, false, null][randomInt(3)];
      return { js: v, wire: v };
    }
    case 6: {
      const items = Array.from({ length: randomInt(4) }, () => randomPair(depth + 1, opts));
      return { js: items.map((p) => p.js), wire: items.map((p) => p.wire) };
    }
    default: {
      // Dict: text keys plus, sometimes, integer keys ("7") that PHP stores as ints.
      const js: Record<string, unknown> = {};
      const wire: [unknown, unknown][] = [];
      for (let i = randomInt(5); i > 0; i--) {
        const key = randomInt(4) === 0 ? String(randomInt(-50, 50)) : randomText(10);
        if (key in js) continue;
        const p = randomPair(depth + 1, opts);
        js[key] = p.js;
      }
      for (const [k, v] of Object.entries(js)) wire.push([isPhpIntKey(k) ? { $int: k } : k, wireOf(v)]);
      return { js, wire: { $dict: wire } };
    }
  }
}

/** Rebuilds the tagged form from a JS value (used where JS key order must be kept). */
function wireOf(v: unknown): unknown {
  if (typeof v === 'bigint') return { $int: v.toString() };
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? v : { $float: String(v) };
  if (Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(wireOf);
  if (v && typeof v === 'object') return { $dict: Object.entries(v).map(([k, x]) => [isPhpIntKey(k) ? { $int: k } : k, wireOf(x)]) };
  return v;
}

/** What phpUnserialize must return for a value: 0..n-1 arrays are lists, binary strings that are valid UTF-8 are text. */
function phpView(v: unknown): unknown {
  if (Buffer.isBuffer(v)) {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(v);
    } catch {
      return v;
    }
  }
  if (Array.isArray(v)) return v.map(phpView);
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.every(([k], i) => k === String(i))) return entries.map(([, x]) => phpView(x));
    return Object.fromEntries(entries.map(([k, x]) => [k, phpView(x)]));
  }
  return v;
}

/** What phpserialize.loads returns for our output, tagged as ops_php.describe does. */
function phpserializeView(v: unknown): unknown {
  if (typeof v === 'bigint') return { $int: v.toString() };
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? { $int: String(v) } : { $float: floatHex(v) };
  if (Array.isArray(v)) return { $dict: v.map((x, i) => [{ $int: String(i) }, phpserializeView(x)]) };
  if (v && typeof v === 'object') return { $dict: Object.entries(v).map(([k, x]) => [isPhpIntKey(k) ? { $int: k } : k, phpserializeView(x)]) };
  return v;
}

function session(): Pair {
  const extra = randomPair(1, { floats: false, bytes: false });
  const js: Record<string, unknown> = {
    _auth_user_id: String(randomInt(1, 100000)),
    _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    _auth_user_hash: randomBytes(32).toString('hex'),
    note: 'é中😀𝄞 "quoted" \\ ; } {',
    extra: extra.js,
  };
  return { js, wire: wireOf(js) };
}

function php(code: string, input: string): string {
  const run = spawnSync('php', ['-r', code], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error || run.status !== 0) throw new Error(`php-cli failed (${run.error ?? run.stderr}); install it: apt-get install -y php-cli`);
  return run.stdout;
}

describe(`PHP serialize interop (phpserialize and repr(bytes) on Python ${info.python}, beside Django ${info.version})`, () => {
  const pairs = [...Array.from({ length: 60 }, () => randomPair()), ...Array.from({ length: 10 }, session)];

  it('reads what phpserialize.dumps writes (str as UTF-8, lists as arrays, bytes raw)', () => {
    const dumped = djangoAll<Buffer>(pairs.map((p) => ({ op: 'php_bridge_dumps', value: p.wire })));
    for (const [i, bytes] of dumped.entries()) expect([i, phpUnserialize(bytes)]).toEqual([i, phpView(pairs[i].js)]);
  });

  it('writes byte-identically to phpserialize.dumps where PHP and phpserialize agree (no floats)', () => {
    // phpserialize writes floats with Python's str() ("1e-07", "inf"); PHP and we write PHP's text.
    const exact = [...Array.from({ length: 60 }, () => randomPair(0, { floats: false, bytes: true })), ...Array.from({ length: 10 }, session)];
    const dumped = djangoAll<Buffer>(exact.map((p) => ({ op: 'php_bridge_dumps', value: wireOf(p.js) })));
    for (const [i, bytes] of dumped.entries()) expect([i, phpSerialize(exact[i].js).toString('hex')]).toEqual([i, bytes.toString('hex')]);
  });

  it('phpserialize.loads(decode_strings=True) reads what we write, floats and big ints included', () => {
    const textOnly = [...Array.from({ length: 60 }, () => randomPair(0, { floats: true, bytes: false })), ...Array.from({ length: 10 }, session)];
    textOnly.push({ js: [Infinity, -Infinity, -0, 1e25, 1e-5, 2 ** 53], wire: null });
    const loaded = djangoAll(textOnly.map((p) => ({ op: 'php_bridge_loads', data: phpSerialize(p.js) })));
    for (const [i, value] of loaded.entries()) expect([i, value]).toEqual([i, phpserializeView(textOnly[i].js)]);
    // NaN cannot be compared with toEqual through the tagged form's hex; check it on its own.
    const [nan] = djangoAll<{ $float: string }>([{ op: 'php_bridge_loads', data: phpSerialize(NaN) }]);
    expect(Number.isNaN(Buffer.from(nan.$float, 'hex').readDoubleBE(0))).toBe(true);
  });

  it('real PHP re-serializes what we write to the very same bytes', () => {
    const values = [...pairs.map((p) => p.js), [NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 1e15, 1e17, 1e-5, 5e-324], { '9223372036854775807': 1, '-9223372036854775808': 2, '05': 3, '-0': 4 }];
    const ours = values.map((v) => phpSerialize(v).toString('hex'));
    const theirs = php('foreach (explode("\\n", trim(stream_get_contents(STDIN))) as $h) { $v = unserialize(hex2bin($h)); echo bin2hex(serialize($v)), "\\n"; }', ours.join('\n'));
    expect(theirs.trim().split('\n')).toEqual(ours);
  });

  it('reads what real PHP writes', () => {
    const text = php('echo serialize(["_auth_user_id" => "1", 5 => 1.5, "x" => [1, 2, [true, null]], "f" => 0.1 + 0.2, "neg" => -0.0, "big" => PHP_INT_MAX, "inf" => INF, "10" => "ten", "é" => "ü"]);', '');
    const value = phpUnserialize(text) as Record<string, unknown>;
    expect(value).toEqual({ _auth_user_id: '1', '5': 1.5, x: [1, 2, [true, null]], f: 0.30000000000000004, neg: -0, big: 9223372036854775807n, inf: Infinity, '10': 'ten', é: 'ü' });
    expect(Object.is(value.neg, -0)).toBe(true);
    expect(phpSerialize(value).toString()).not.toBe(text); // JS objects list integer keys first: order differs...
    expect(phpUnserialize(phpSerialize(value))).toEqual(value); // ...but the data is the same.
  });

  it('parses rows that Python 3 Django wrote through django-php-bridge (str(bytes))', () => {
    const samples: Buffer[] = [
      phpSerialize({ _auth_user_id: '1', note: "it's \"quoted\" \\ é\n\r\t" }),
      Buffer.from("only ' single quotes"), // repr switches to b"..."
      Buffer.from('both \' and " quotes'),
      Buffer.alloc(0),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      ...Array.from({ length: 40 }, () => randomBytes(randomInt(1, 200))),
    ];
    const reprs = djangoAll<string>(samples.map((data) => ({ op: 'php_bridge_bytes_repr', data })));
    expect(reprs[1].startsWith('b"')).toBe(true);
    for (const [i, text] of reprs.entries()) expect([i, parsePythonBytesLiteral(text)]).toEqual([i, samples[i]]);
  });
});

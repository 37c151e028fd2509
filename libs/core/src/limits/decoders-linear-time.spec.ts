/**
 * Every decoder on hostile input of growing size: the time at 16x the size must stay within a
 * generous linear bound of the time at 1x (64x plus 50 ms of slack for GC and a loaded machine).
 * The regressions this guards against were quadratic (256x: seconds, not milliseconds).
 * Real figures are in the issue 14 report; nothing here is an absolute timing.
 */
import { describe, expect, it } from '@jest/globals';
import { pythonB64Decode } from '../crypto/python-b64decode.js';
import { b64Decode } from '../crypto/base64.js';
import { parsePythonInt } from '../cache/python-int.js';
import { phpUnserialize } from '../serializers/php/php-unserialize.js';
import { unpickle } from '../serializers/pickle/unpickle.js';
import { pythonJsonLoads } from '../serializers/python-json.js';
import { decodeSessionData } from '../session/session-data.js';
import { checkExpandedSize } from './expanded-size.js';

const SMALL = 10_000;
const LARGE = 160_000;

function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    try {
      run();
    } catch {
      // refusals are what most of these inputs get; only the time matters here
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best;
}

function expectLinear(make: (n: number) => unknown, decode: (input: never) => unknown): void {
  const small = make(SMALL);
  const large = make(LARGE);
  fastest(() => decode(small as never)); // warm up the JIT
  const tSmall = fastest(() => decode(small as never));
  const tLarge = fastest(() => decode(large as never));
  expect(tLarge).toBeLessThan(64 * tSmall + 50);
}

const key = 'k'.repeat(50);
const u32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
const cases: [string, (n: number) => unknown, (input: never) => unknown][] = [
  ['b64Decode of "=" * n + "x"', (n) => '='.repeat(n) + 'x', b64Decode],
  ['pythonB64Decode of "=" * n + "x"', (n) => '='.repeat(n) + 'x', pythonB64Decode],
  ['a legacy 3.2 session of "=" * n + "x"', (n) => '='.repeat(n) + 'x', (t: string) => decodeSessionData(t, { secretKey: key, djangoVersion: '3.2' })],
  ['a legacy 3.2 session of ":" * n', (n) => ':'.repeat(n), (t: string) => decodeSessionData(t, { secretKey: key, djangoVersion: '3.2' })],
  ['pythonJsonLoads of an n-digit integer', (n) => '1'.repeat(n), pythonJsonLoads],
  ['pythonJsonLoads of a long string on the slow path', (n) => `[NaN,"${'a\\n'.repeat(n)}"]`, pythonJsonLoads],
  ['unpickle of FLOAT with n digits and a bad tail', (n) => Buffer.from(`F${'1'.repeat(n)}x\n.`), unpickle],
  ['unpickle of INT with n digits', (n) => Buffer.from(`I${'1'.repeat(n)}\n.`), unpickle],
  ['unpickle of LONG with n digits', (n) => Buffer.from(`L${'1'.repeat(n)}L\n.`), unpickle],
  ['unpickle of a 10n-byte BINSTRING', (n) => Buffer.concat([Buffer.from('T'), u32(10 * n), Buffer.alloc(10 * n, 0x61), Buffer.from('.')]), unpickle],
  ['unpickle of UNICODE with n escapes', (n) => Buffer.from(`V${'a\\u00e9'.repeat(n)}\n.`), unpickle],
  ['unpickle of n memo references to a 100 KB string', (n) => Buffer.concat([Buffer.from([0x80, 0x04, 0x58]), u32(100_000), Buffer.alloc(100_000, 0x61), Buffer.from([0x94, 0x30, 0x5d, 0x94, 0x28]), Buffer.alloc(2 * n).map((_, i) => (i % 2 ? 0 : 0x68)), Buffer.from('e.')]), unpickle],
  ['parsePythonInt of n spaces and a bad tail', (n) => ' '.repeat(n) + 'x', parsePythonInt],
  ['parsePythonInt of n digits with underscores and a bad tail', (n) => '1_'.repeat(n) + 'x', parsePythonInt],
  ['phpUnserialize of an n-item list', (n) => `a:${n}:{${Array.from({ length: n }, (_, i) => `i:${i};s:1:"x";`).join('')}}`, phpUnserialize],
  ['checkExpandedSize of n distinct short strings', (n) => Array.from({ length: n }, (_, i) => `s${i}\u00e9`), checkExpandedSize],
];

describe('decoders stay linear on hostile input', () => {
  it.each(cases)('%s', (_name, make, decode) => expectLinear(make, decode));
});

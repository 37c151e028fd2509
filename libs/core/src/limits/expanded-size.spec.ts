import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../errors.js';
import { phpSerialize } from '../serializers/php/php-serialize.js';
import { NaiveDateTime, PyDate } from '../serializers/pickle/python-datetime.js';
import { pythonJsonDumps } from '../serializers/python-json.js';
import { checkExpandedSize, DEFAULT_MAX_EXPANDED_BYTES } from './expanded-size.js';
import { ExpandedSizeExceeded } from './limit-errors.js';

const unlimited = { maxBytes: Infinity };

describe('checkExpandedSize', () => {
  const exact: unknown[] = [
    null, true, false, 0, -7, 123456789, '', 'plain', 'quote " back \\ slash', 'ctl \n\r\t\b\f \u0001 \u007f', 'é😀', '\ud800',
    [], [1], [1, 'two', [3, [4]], {}], {}, { a: 1 }, { a: [1, 2], 'é': { '': null }, '5': 'five', '05': 'x', '-0': 0 },
  ];

  it.each(exact.map((v) => [v]))('is exactly the JSON length of %j', (value) => {
    expect(checkExpandedSize(value, unlimited)).toBe(Buffer.byteLength(pythonJsonDumps(value)));
  });

  it.each(exact.filter((v) => typeof v !== 'string' || !v.includes('\ud800')).map((v) => [v]))('is exactly the PHP serialize() length of %j', (value) => {
    expect(checkExpandedSize(value, { ...unlimited, format: 'php' })).toBe(phpSerialize(value).length);
  });

  it('bounds what it does not compute exactly from above', () => {
    for (const f of [0.1, -2.2250738585072014e-308, 1e300, NaN, -Infinity, -0, 2 ** 53]) {
      expect(checkExpandedSize(f, unlimited)).toBeGreaterThanOrEqual(pythonJsonDumps(f).length);
      expect(checkExpandedSize(f, { ...unlimited, format: 'php' })).toBeGreaterThanOrEqual(phpSerialize(f).length);
    }
    expect(checkExpandedSize({ big: 9223372036854775807n }, { ...unlimited, format: 'php' })).toBeGreaterThanOrEqual(phpSerialize({ big: 9223372036854775807n }).length);
    for (const n of [2n ** 64n, -(10n ** 100n), 10n ** 4299n, 10n ** 4299n - 1n]) expect(checkExpandedSize(n, unlimited)).toBeGreaterThanOrEqual(n.toString().length);
    expect(checkExpandedSize(Buffer.alloc(10), unlimited)).toBe(62);
    expect(checkExpandedSize(Buffer.alloc(10), { ...unlimited, format: 'php' })).toBe(phpSerialize(Buffer.alloc(10)).length);
    for (const d of [new Date(), new PyDate(2026, 1, 2), new NaiveDateTime(2026, 1, 2, 3, 4, 5, 6)]) expect(checkExpandedSize(d, unlimited)).toBe(34);
  });

  it('counts a shared object at every reference, walking it once', () => {
    const s = 'x'.repeat(1000);
    let v: unknown = [s];
    // 2^40 references: the expansion (in the terabytes) is computed from 40 walked lists.
    for (let i = 0; i < 40; i++) v = [v, v];
    const size = checkExpandedSize(v, unlimited);
    expect(size).toBeGreaterThan(2 ** 40 * 1000);
    expect(() => checkExpandedSize(v, {})).toThrow(ExpandedSizeExceeded);
  });

  it('refuses once the running total passes the budget, as a SerializationError', () => {
    const list = new Array(2_000_000).fill('a'.repeat(100_000));
    const error = (() => {
      try {
        checkExpandedSize(list, { what: 'Pickle' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ExpandedSizeExceeded);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toBe(`Pickle would take more than ${DEFAULT_MAX_EXPANDED_BYTES} bytes when written as JSON (references expanded)`);
    expect(checkExpandedSize(['ab'], { maxBytes: 6 })).toBe(6);
    expect(() => checkExpandedSize(['ab'], { maxBytes: 5 })).toThrow(ExpandedSizeExceeded);
  });

  it('refuses cycles and bad budgets', () => {
    const loop: unknown[] = [];
    loop.push(loop);
    expect(() => checkExpandedSize(loop, unlimited)).toThrow(/cyclic/);
    expect(() => checkExpandedSize(1, { maxBytes: -1 })).toThrow(SerializationError);
  });
});

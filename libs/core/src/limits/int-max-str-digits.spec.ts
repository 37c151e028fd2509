import { afterEach, describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { checkParsedDigits, decimalText, DEFAULT_INT_MAX_STR_DIGITS, getIntMaxStrDigits, resolveIntMaxStrDigits, setIntMaxStrDigits, validIntMaxStrDigits } from './int-max-str-digits.js';
import { IntegerTooLong } from './limit-errors.js';

describe('int_max_str_digits (CPython 3.11 semantics; ground truth in test/interop/decoder-limits.interop.spec.ts)', () => {
  afterEach(() => setIntMaxStrDigits(DEFAULT_INT_MAX_STR_DIGITS));

  it('accepts 0 and limits from 640 up, as sys.set_int_max_str_digits does', () => {
    for (const ok of [0, 640, 641, 4300, 1_000_000]) expect(validIntMaxStrDigits(ok)).toBe(ok);
    for (const bad of [-1, 1, 639, 640.5, NaN, Infinity]) expect(() => validIntMaxStrDigits(bad)).toThrow(ImproperlyConfigured);
  });

  it('has a process-wide default that per-call limits override', () => {
    expect(getIntMaxStrDigits()).toBe(4300);
    setIntMaxStrDigits(1000);
    expect(resolveIntMaxStrDigits(undefined)).toBe(1000);
    expect(resolveIntMaxStrDigits(0)).toBe(0);
    expect(() => setIntMaxStrDigits(100)).toThrow(ImproperlyConfigured);
    expect(getIntMaxStrDigits()).toBe(1000);
  });

  it('refuses one digit past the limit when reading, with Python\'s message', () => {
    expect(() => checkParsedDigits(4300, 4300)).not.toThrow();
    expect(() => checkParsedDigits(4301, 4300)).toThrow(new IntegerTooLong('Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; use sys.set_int_max_str_digits() to increase the limit'));
    expect(() => checkParsedDigits(10 ** 9, 0)).not.toThrow();
    expect(new IntegerTooLong('x')).toBeInstanceOf(SerializationError);
  });

  it('writes at most the limit of digits (sign aside), refusing far larger values from their size alone', () => {
    const max = 10n ** 4300n - 1n;
    expect(decimalText(max, 4300)).toHaveLength(4300);
    expect(decimalText(-max, 4300)).toHaveLength(4301);
    expect(() => decimalText(max + 1n, 4300)).toThrow(/^Exceeds the limit \(4300 digits\) for integer string conversion; use sys.set_int_max_str_digits\(\) to increase the limit$/);
    expect(() => decimalText(-(max + 1n), 4300)).toThrow(IntegerTooLong);
    expect(() => decimalText(1n << 10_000_000n, 4300)).toThrow(IntegerTooLong);
    expect(decimalText(max + 1n, 0)).toHaveLength(4301);
    expect(decimalText(0n, 4300)).toBe('0');
  });
});

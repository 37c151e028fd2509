import { decimalText, resolveIntMaxStrDigits } from '../limits/int-max-str-digits.js';

/**
 * Python's base-10 `int()` of bytes and the digits of `"%d" % value`, shared by the cache codecs that
 * store an int as its digits (pymemcache's serde, Django's RedisSerializer, django-redis).
 *
 * int(bytes) takes ASCII whitespace around, one optional sign, digits with single underscores
 * between them, at most int_max_str_digits digits (CPython 3.11+, 4300 by default, see
 * limits/int-max-str-digits.ts; leading zeros count, sign and underscores do not); anything else
 * raises ValueError, which is null here.
 */
// Anchored, and each digit can be matched one way only: linear even on a failing match.
const PYTHON_INT = /^[ \t\n\v\f\r]*([+-]?)([0-9](?:_?[0-9])*)[ \t\n\v\f\r]*$/;

/** Whether a JS value is a Python int: a safe integer number (not -0, a float) or a bigint. Booleans are not. */
export function isPythonInt(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0));
}

/**
 * `("%d" % value).encode()`: the decimal digits, with "-" for a negative value. Like Python, refuses
 * (IntegerTooLong) an int of more than `maxDigits` digits (default getIntMaxStrDigits()).
 */
export function pythonIntBytes(value: number | bigint, maxDigits?: number): Buffer {
  const text = typeof value === 'bigint' ? decimalText(value, resolveIntMaxStrDigits(maxDigits)) : value.toString();
  return Buffer.from(text, 'ascii');
}

/**
 * `int(data)`: a safe integer as a number, a larger one as a bigint (as unpickle reads Python ints),
 * or null where Python raises. A string is read as bytes would be (non-ASCII never matches).
 */
export function parsePythonInt(data: Uint8Array | string, maxDigits?: number): number | bigint | null {
  const limit = resolveIntMaxStrDigits(maxDigits);
  const text = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const match = PYTHON_INT.exec(text);
  if (!match) return null;
  const digits = match[2].replace(/_/g, '');
  if (limit > 0 && digits.length > limit) return null;
  const big = BigInt(match[1] === '-' ? `-${digits}` : digits);
  const small = Number(big);
  return Number.isSafeInteger(small) ? (small === 0 ? 0 : small) : big;
}

import { ImproperlyConfigured } from '../errors.js';
import { IntegerTooLong } from './limit-errors.js';

/**
 * CPython's `int_max_str_digits` (3.11+, backported to 3.7-3.10 security releases): `int(text)`,
 * `json.loads` and the text pickle opcodes refuse integers of more than 4300 decimal digits, and
 * `str(int)` / `json.dumps` refuse to write one. The sign, surrounding whitespace and underscores do
 * not count; leading zeros do. Converting that many digits is quadratic in CPython and in V8 alike.
 */
export const DEFAULT_INT_MAX_STR_DIGITS = 4300;

/** `sys.int_info.str_digits_check_threshold`: the smallest limit other than 0 that Python accepts. */
export const INT_MAX_STR_DIGITS_THRESHOLD = 640;

let processLimit = DEFAULT_INT_MAX_STR_DIGITS;

/** Python's check: an integer, 0 (no limit) or at least 640. */
export function validIntMaxStrDigits(limit: number, name = 'intMaxStrDigits'): number {
  if (!Number.isSafeInteger(limit) || (limit !== 0 && limit < INT_MAX_STR_DIGITS_THRESHOLD)) {
    throw new ImproperlyConfigured(`${name} must be 0 or larger than ${INT_MAX_STR_DIGITS_THRESHOLD} (Python's "maxdigits must be 0 or larger than 640"), not ${String(limit)}`);
  }
  return limit;
}

/**
 * `sys.set_int_max_str_digits(limit)` for this process: the default of every decoder and writer
 * that takes an `intMaxStrDigits` option. Set it to what the Django site's Python runs with
 * (PYTHONINTMAXSTRDIGITS, -X int_max_str_digits or its own set_int_max_str_digits call).
 */
export function setIntMaxStrDigits(limit: number): void {
  processLimit = validIntMaxStrDigits(limit, 'setIntMaxStrDigits()');
}

/** `sys.get_int_max_str_digits()`. */
export function getIntMaxStrDigits(): number {
  return processLimit;
}

/** A per-call limit if one is given (validated), else the process-wide one. */
export function resolveIntMaxStrDigits(limit: number | undefined): number {
  return limit === undefined ? processLimit : validIntMaxStrDigits(limit);
}

/** Reading: refuses `digits` decimal digits beyond `limit` with Python's int() message. */
export function checkParsedDigits(digits: number, limit: number): void {
  if (limit > 0 && digits > limit) {
    throw new IntegerTooLong(`Exceeds the limit (${limit} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`);
  }
}

const LOG10_2 = Math.log10(2);

/**
 * Writing: the decimal text of `value`, refused with Python's str(int) message when it has more
 * than `limit` digits. A value far beyond the limit is refused from its bit length, before the
 * (super-linear) conversion is attempted.
 */
export function decimalText(value: bigint, limit: number): string {
  if (limit > 0) {
    const hexDigits = (value < 0n ? -value : value).toString(16).length;
    // |value| >= 16^(hexDigits-1) = 2^(4*hexDigits-4), so it has at least that many decimal digits.
    if (Math.floor((4 * hexDigits - 4) * LOG10_2) + 1 > limit) throw tooLongToWrite(limit);
  }
  const text = value.toString();
  if (limit > 0 && text.length - (value < 0n ? 1 : 0) > limit) throw tooLongToWrite(limit);
  return text;
}

function tooLongToWrite(limit: number): IntegerTooLong {
  return new IntegerTooLong(`Exceeds the limit (${limit} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`);
}

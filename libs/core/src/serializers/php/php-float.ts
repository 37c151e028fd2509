import { shortestDigits } from '../float-digits.js';

/**
 * PHP's `serialize()` float text (PHP >= 7.1, serialize_precision = -1): the shortest digits that
 * round-trip, fixed notation unless the decimal exponent is below -4 or above 15, exponent as
 * "E+n"/"E-n" with at least one fractional digit ("1.0E+25"), and INF, -INF, NAN.
 */
export function phpFloatText(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (value === Infinity) return 'INF';
  if (value === -Infinity) return '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const { sign, digits, exp } = shortestDigits(value);
  // php_gcvt with mode 0 and 17 digits: decpt = exp + 1; exponential if decpt < -3 or decpt > 17.
  const decpt = exp + 1;
  if (decpt < -3 || decpt > 17) {
    const frac = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${frac}E${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (digits.length <= decpt) return sign + digits.padEnd(decpt, '0');
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

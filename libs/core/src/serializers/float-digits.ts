/**
 * The shortest decimal digits that round-trip a finite non-zero double (what both Python's repr
 * and PHP >= 7.1 start from), in scientific form: |x| = d1.d2d3... * 10^exp.
 */
export function shortestDigits(value: number): { sign: string; digits: string; exp: number } {
  const [mantissa, expText] = Math.abs(value).toExponential().split('e');
  return { sign: value < 0 ? '-' : '', digits: mantissa.replace('.', ''), exp: Number(expText) };
}

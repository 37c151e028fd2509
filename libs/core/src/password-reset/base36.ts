/**
 * `django.utils.http.int_to_base36` / `base36_to_int` for the timestamps of password-reset tokens.
 * BigInt throughout: Django parses up to 13 digits (any 64-bit integer and more), past 2^53.
 */
const DIGITS = /^[0-9a-z]{1,13}$/;

export function intToBase36(value: bigint | number): string {
  const n = BigInt(value);
  if (n < 0n) throw new RangeError('Negative base36 conversion input');
  return n.toString(36);
}

/**
 * The value of a canonical base36 string, or null. Python's int(s, 36) also takes signs, spaces,
 * underscores and capitals, but a token carrying those can never equal the one Django rebuilds
 * from the number (int_to_base36 writes lower-case digits only), so refusing them here is the same.
 */
export function base36ToInt(text: string): bigint | null {
  if (!DIGITS.test(text)) return null;
  let n = 0n;
  for (const ch of text) n = n * 36n + BigInt(parseInt(ch, 36));
  return n;
}

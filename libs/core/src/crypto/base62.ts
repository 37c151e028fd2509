import { BadSignature } from '../errors.js';

/** Signing timestamps use digits, then upper case, then lower case (Django's BASE62_ALPHABET). */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `b62_encode` (3.2: `baseconv.base62.encode`): zero is "0", negatives get a leading "-". */
export function b62Encode(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError('base62 encodes safe integers only');
  if (value === 0) return '0';
  let n = Math.abs(value);
  let out = '';
  while (n > 0) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return value < 0 ? '-' + out : out;
}

/** Inverse of {@link b62Encode}; a bad digit or an absurd length is a bad signature. */
export function b62Decode(text: string): number {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  // 9 base62 digits already exceed 2^53; anything longer cannot be a real timestamp.
  if (digits.length === 0 || digits.length > 9) throw new BadSignature('Malformed timestamp');
  let n = 0;
  for (const ch of digits) {
    const d = ALPHABET.indexOf(ch);
    if (d < 0) throw new BadSignature('Malformed timestamp');
    n = n * 62 + d;
  }
  if (!Number.isSafeInteger(n)) throw new BadSignature('Malformed timestamp');
  return negative ? -n : n;
}

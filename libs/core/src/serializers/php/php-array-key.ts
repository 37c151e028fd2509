const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// Canonical decimal: no sign on zero, no leading zeros, no '+', no spaces ("05", "-0", " 1" stay strings).
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,18})$/;

/**
 * PHP stores an array key that is a canonical decimal integer within int64 as an int: "5" and 5
 * are the same key, both when PHP builds an array and when unserialize() reads `s:1:"5";`.
 * Returns that integer (a number when safe, else a BigInt), or null if the key stays a string.
 */
export function phpIntegerKey(key: string): number | bigint | null {
  if (!CANONICAL_INT.test(key)) return null;
  const big = BigInt(key);
  if (big < INT64_MIN || big > INT64_MAX) return null;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

export const PHP_INT_MIN = INT64_MIN;
export const PHP_INT_MAX = INT64_MAX;

/**
 * Python 3.11+ refuses to read an int of more than `sys.get_int_max_str_digits()` decimal digits
 * (4300 by default), so json.loads, and with it Django, refuses such a session. A value decoded
 * here with a longer integer is one Django itself would not have decoded.
 */
export const PYTHON_INT_MAX_STR_DIGITS = Number(process.env.FUZZ_INT_MAX_DIGITS ?? 4300);

// 10^4300 > 2^14284: only bigints at least that wide need their digits counted.
const MIN_BITS = Math.floor((PYTHON_INT_MAX_STR_DIGITS - 1) * Math.log2(10));

/** The first integer in `value` longer than Python's digit limit, described; undefined when none. */
export function longIntProblem(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  let steps = 0;
  while (stack.length > 0 && steps++ < 5_000_000) {
    const v = stack.pop();
    if (typeof v === 'bigint') {
      const abs = v < 0n ? -v : v;
      if (abs.toString(16).length * 4 >= MIN_BITS) {
        const digits = abs.toString().length;
        if (digits > PYTHON_INT_MAX_STR_DIGITS) return `integer of ${digits} digits accepted (Python refuses more than ${PYTHON_INT_MAX_STR_DIGITS})`;
      }
    } else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) for (const item of Object.values(v)) stack.push(item);
  }
  return undefined;
}

import { OP } from './pickle-opcodes.js';
import type { PickleOutput } from './pickle-output.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
// float('nan') as CPython packs it; a JS NaN may carry other bits.
const NAN = Buffer.from([OP.BINFLOAT, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]);

/** CPython's save_long: BININT1/BININT2 for small non-negatives, BININT within 32 bits, else LONG1/LONG4. */
export function writeInt(out: PickleOutput, value: number | bigint): void {
  const n = typeof value === 'number' ? value : value >= INT32_MIN && value <= INT32_MAX ? Number(value) : null;
  if (n !== null && n >= INT32_MIN && n <= INT32_MAX) {
    if (n >= 0 && n <= 0xff) out.opU8(OP.BININT1, n);
    else if (n >= 0 && n <= 0xffff) out.opU16(OP.BININT2, n);
    else out.opI32(OP.BININT, n);
    return;
  }
  const bytes = signedLittleEndian(BigInt(value));
  if (bytes.length < 256) out.opU8(OP.LONG1, bytes.length);
  else out.opU32(OP.LONG4, bytes.length);
  out.raw(bytes);
}

/** CPython's save_float: BINFLOAT, big-endian IEEE 754. */
export function writeFloat(out: PickleOutput, x: number): void {
  if (Number.isNaN(x)) out.raw(NAN);
  else out.opF64(OP.BINFLOAT, x);
}

/**
 * Two's complement, little-endian, in as few bytes as CPython uses: (bits of |v|) / 8 + 1, one
 * less for negatives whose top byte is pure sign (-(2 ** (8 * k - 1)) and only those). v is not 0.
 */
export function signedLittleEndian(v: bigint): Buffer {
  const bits = (v < 0n ? -v : v).toString(2).length;
  const n = (bits >> 3) + 1;
  const bytes = Buffer.from(BigInt.asUintN(n * 8, v).toString(16).padStart(n * 2, '0'), 'hex').reverse();
  if (v < 0n && n > 1 && bytes[n - 1] === 0xff && bytes[n - 2] & 0x80) return bytes.subarray(0, n - 1);
  return bytes;
}

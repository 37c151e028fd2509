/**
 * Traditional Unix crypt(3) ("DES crypt"): 25 chained DES encryptions of a zero block under a key
 * made of the password's first 8 bytes (7 bits each), with a 12-bit salt that swaps pairs of bits
 * in DES's E expansion. Output: the 2 salt characters + 11 characters of the 64-bit result.
 *
 * Node has no crypt(), so this is a plain bit-level DES. It is written for clarity, not speed:
 * one call is ~400 rounds of 48-bit work, well under a millisecond, so it never stalls the loop.
 */

// Standard DES tables (FIPS 46-3), 1-based bit positions.
const IP = [58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7];
const FP = [40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25];
const E = [32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
  16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4];
const PC2 = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const SBOX = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/** crypt's 64-character alphabet: `.` `/` digits, upper case, lower case (value = index). */
export const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

type Bits = Uint8Array<ArrayBuffer>;

function permute(input: Bits, table: readonly number[]): Bits {
  const out = new Uint8Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = input[table[i] - 1];
  return out;
}

function subkeys(key: Bits): Bits[] {
  const cd = permute(key, PC1);
  let c = Array.from(cd.subarray(0, 28));
  let d = Array.from(cd.subarray(28));
  return SHIFTS.map((shift) => {
    c = [...c.slice(shift), ...c.slice(0, shift)];
    d = [...d.slice(shift), ...d.slice(0, shift)];
    return permute(Uint8Array.from([...c, ...d]), PC2);
  });
}

/** DES encryption of one 64-bit block with a salted E table. */
function encryptBlock(block: Bits, keys: Bits[], expansion: readonly number[]): Bits {
  const data = permute(block, IP);
  let left = data.slice(0, 32);
  let right = data.slice(32);
  for (const k of keys) {
    const mixed = permute(right, expansion);
    for (let i = 0; i < 48; i++) mixed[i] ^= k[i];
    const sOut = new Uint8Array(32);
    for (let s = 0; s < 8; s++) {
      const b = mixed.subarray(s * 6, s * 6 + 6);
      const row = (b[0] << 1) | b[5];
      const col = (b[1] << 3) | (b[2] << 2) | (b[3] << 1) | b[4];
      const v = SBOX[s][row * 16 + col];
      for (let j = 0; j < 4; j++) sOut[s * 4 + j] = (v >> (3 - j)) & 1;
    }
    const f = permute(sOut, P);
    for (let i = 0; i < 32; i++) f[i] ^= left[i];
    left = right;
    right = f;
  }
  // The final swap: the output is R16 L16.
  const joined = new Uint8Array(64);
  joined.set(right, 0);
  joined.set(left, 32);
  return permute(joined, FP);
}

export function isDesCryptSalt(salt: string): boolean {
  return salt.length === 2 && CRYPT_ALPHABET.includes(salt[0]) && CRYPT_ALPHABET.includes(salt[1]);
}

/**
 * crypt(password, salt) for the traditional DES scheme. `password` is bytes (Python hands crypt
 * the UTF-8 encoding); only the first 8 bytes count and each loses its top bit. Callers must
 * refuse NUL bytes, which end a C string. `salt` is the first two characters of the setting.
 */
export function desCrypt(password: Uint8Array, salt: string): string {
  if (!isDesCryptSalt(salt)) throw new RangeError('DES crypt salt must be 2 characters of [./0-9A-Za-z]');
  const key = new Uint8Array(64);
  for (let i = 0; i < 8 && i < password.length; i++) {
    // Bits 6..0 of each byte fill key bits 8i..8i+6; bit 8i+7 (DES parity) stays 0.
    for (let j = 0; j < 7; j++) key[i * 8 + j] = (password[i] >> (6 - j)) & 1;
  }
  // Each set salt bit (first character's bits first, least significant first) swaps E outputs k and k+24.
  const expansion = [...E];
  const saltValue = CRYPT_ALPHABET.indexOf(salt[0]) | (CRYPT_ALPHABET.indexOf(salt[1]) << 6);
  for (let k = 0; k < 12; k++) {
    if ((saltValue >> k) & 1) [expansion[k], expansion[k + 24]] = [expansion[k + 24], expansion[k]];
  }
  const keys = subkeys(key);
  let block: Bits = new Uint8Array(64);
  for (let round = 0; round < 25; round++) block = encryptBlock(block, keys, expansion);
  // 64 bits + 2 zero bits read as eleven 6-bit characters, most significant first.
  let out = salt;
  for (let c = 0; c < 11; c++) {
    let v = 0;
    for (let j = 0; j < 6; j++) v = (v << 1) | (c * 6 + j < 64 ? block[c * 6 + j] : 0);
    out += CRYPT_ALPHABET[v];
  }
  return out;
}

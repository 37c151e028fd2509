/**
 * pymemcache's `murmur3_32` (pymemcache/client/murmur3.py), the hash its RendezvousHash ranks
 * servers with. That port runs over a Python str, not bytes: each character counts as one unit,
 * only its code point's low byte is hashed (`ord(c) & 0xff`), and the length mixed in at the end is
 * the number of characters. So "é" hashes as the byte 0xe9 and "Ā" and "😀" both as 0x00; this
 * function does the same so a key lands on the server pymemcache picks.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

export function murmur3_32(text: string, seed = 0): number {
  const units: number[] = [];
  for (const char of text) units.push(char.codePointAt(0)! & 0xff);
  const length = units.length;
  let h = seed | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    h ^= scramble(units[i] | (units[i + 1] << 8) | (units[i + 2] << 16) | (units[i + 3] << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k = units[whole + 2] << 16;
    if (tail >= 2) k |= units[whole + 1] << 8;
    k |= units[whole];
    h ^= scramble(k);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

import { SerializationError } from '../errors.js';

// Standard alphabet values; 64 marks a byte that is no base64 digit.
const VALUES = new Uint8Array(256).fill(64);
for (let i = 0; i < 64; i++) VALUES['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
const PAD = 0x3d;

/**
 * `base64.b64decode(text.encode('ascii'))` as Python 3 runs it without `validate`
 * (binascii.a2b_base64, non-strict), which Django 3.1/3.2's pre-3.1 session decoder uses: bytes
 * outside the alphabet are skipped, a "=" only counts once two digits of a quantum are in and
 * decoding stops when a quantum is complete (what follows is ignored), and the data must end on a
 * quantum boundary ("Incorrect padding", or a single dangling digit). Non-ASCII text fails like
 * `.encode('ascii')`. One pass, constant work per character.
 */
export function pythonB64Decode(text: string): Buffer {
  const out = Buffer.allocUnsafe(Math.floor((text.length * 3) / 4) + 3);
  let length = 0;
  let quadPos = 0;
  let pads = 0;
  let left = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new SerializationError('Invalid base64 data: not ASCII');
    if (code === PAD) {
      // Padding that completes a quantum ends the data; padding anywhere else is ignored.
      if (quadPos >= 2 && quadPos + ++pads >= 4) return out.subarray(0, length);
      continue;
    }
    const v = VALUES[code];
    if (v === 64) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        left = v;
        quadPos = 1;
        break;
      case 1:
        out[length++] = (left << 2) | (v >> 4);
        left = v & 0x0f;
        quadPos = 2;
        break;
      case 2:
        out[length++] = ((left << 4) | (v >> 2)) & 0xff;
        left = v & 0x03;
        quadPos = 3;
        break;
      default:
        out[length++] = ((left << 6) | v) & 0xff;
        quadPos = 0;
    }
  }
  if (quadPos === 1) throw new SerializationError('Invalid base64-encoded string: number of data characters cannot be 1 more than a multiple of 4');
  if (quadPos !== 0) throw new SerializationError('Incorrect padding');
  return out.subarray(0, length);
}

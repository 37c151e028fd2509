/**
 * Text encodings the pickle format uses for strings. Each decoder returns null for input that
 * CPython would refuse, so the caller can raise its own SerializationError.
 */

import { isWellFormedUtf16 } from '../php/utf8.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEX = /^[0-9a-fA-F]+$/;

/**
 * BINUNICODE & co.: UTF-8. CPython uses 'surrogatepass' and so accepts encoded lone surrogates;
 * we refuse them (null), as they are not valid UTF-8 and no session text contains them.
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * UNICODE (protocol 0): Python's raw-unicode-escape. Bytes are latin-1 characters, except that
 * \uXXXX and \UXXXXXXXX are escapes when preceded by an odd number of backslashes.
 */
export function decodeRawUnicodeEscape(bytes: Uint8Array): string | null {
  const parts: string[] = [];
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== 0x5c) {
      // The run up to the next backslash, as latin-1, in one piece.
      const next = buf.indexOf(0x5c, i);
      const end = next < 0 ? bytes.length : next;
      parts.push(buf.toString('latin1', i, end));
      i = end;
      continue;
    }
    const start = i;
    while (i < bytes.length && bytes[i] === 0x5c) i++;
    const u = bytes[i];
    const escape = (i - start) % 2 === 1 && (u === 0x75 || u === 0x55);
    parts.push('\\'.repeat(escape ? i - start - 1 : i - start));
    if (!escape) continue;
    const width = u === 0x75 ? 4 : 8;
    const hex = Buffer.from(bytes.subarray(i + 1, i + 1 + width)).toString('latin1');
    if (hex.length !== width || !HEX.test(hex)) return null;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return null;
    parts.push(String.fromCodePoint(code));
    i += 1 + width;
  }
  // \udc00-style escapes can spell a lone surrogate; refused like invalid UTF-8, so that every
  // decoded string can be written back (pickleDumps and phpSerialize refuse them).
  const text = parts.join('');
  return isWellFormedUtf16(text) ? text : null;
}

const SIMPLE: Record<number, number> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };

/**
 * STRING (protocol 0, Python 2 str): a quoted repr decoded with codecs.escape_decode, then, as
 * Python 3's pickle.loads does by default, as ASCII.
 */
export function decodeQuotedString(line: Uint8Array): string | null {
  const q = line[0];
  if (line.length < 2 || (q !== 0x27 && q !== 0x22) || line[line.length - 1] !== q) return null;
  const body = line.subarray(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0x5c) {
      out.push(body[i]);
      continue;
    }
    const c = body[++i];
    if (c === undefined) return null; // trailing backslash
    if (c in SIMPLE) out.push(SIMPLE[c]);
    else if (c === 0x0a) continue; // backslash-newline is a line continuation
    else if (c === 0x78) {
      const hex = Buffer.from(body.subarray(i + 1, i + 3)).toString('latin1');
      if (hex.length !== 2 || !HEX.test(hex)) return null;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (c >= 0x30 && c <= 0x37) {
      let value = c - 0x30;
      for (let n = 0; n < 2 && body[i + 1] >= 0x30 && body[i + 1] <= 0x37; n++) value = value * 8 + body[++i] - 0x30;
      out.push(value & 0xff);
    } else out.push(0x5c, c); // unknown escapes stay as written
  }
  return decodeAscii(out);
}

/** SHORT_BINSTRING / BINSTRING (Python 2 str), read as ASCII like Python 3's default. */
export function decodeAscii(bytes: ArrayLike<number>): string | null {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return null;
  // One conversion, not a character-by-character concatenation (a rope as long as the text).
  return Buffer.from(bytes as Uint8Array).toString('latin1');
}

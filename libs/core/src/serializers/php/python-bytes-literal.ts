import { SerializationError } from '../../errors.js';

const SIMPLE_ESCAPES: Record<string, number> = { '\\': 0x5c, "'": 0x27, '"': 0x22, n: 0x0a, r: 0x0d, t: 0x09 };

/**
 * Rows a Python 3 Django wrote through django-php-bridge hold `str(bytes)`, e.g. the text
 * `b'a:1:{s:3:"foo";i:1;}'`. Returns the bytes of such a literal, or null if `text` is not one.
 * A literal with a malformed escape is an error, not a guess.
 */
export function parsePythonBytesLiteral(text: string): Buffer | null {
  if (text.length < 3 || text[0] !== 'b' || (text[1] !== "'" && text[1] !== '"') || text[text.length - 1] !== text[1]) return null;
  const quote = text[1];
  const body = text.slice(2, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    const code = body.charCodeAt(i);
    if (ch === '\\') {
      const next = body[i + 1];
      if (next === 'x') {
        const hex = body.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new SerializationError('Malformed \\x escape in bytes literal');
        out.push(parseInt(hex, 16));
        i += 3;
      } else if (next !== undefined && next in SIMPLE_ESCAPES) {
        out.push(SIMPLE_ESCAPES[next]);
        i += 1;
      } else {
        throw new SerializationError('Malformed escape in bytes literal');
      }
    } else if (ch === quote || code < 0x20 || code > 0x7e) {
      throw new SerializationError('Malformed bytes literal');
    } else {
      out.push(code);
    }
  }
  return Buffer.from(out);
}

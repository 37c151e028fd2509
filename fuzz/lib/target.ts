/** What one fuzz target is: its seeds and dictionary, and how one input reaches the code under test. */
export interface RunResult {
  /** The decoded value, when the target decodes; its re-encoding is checked against the budget. */
  value?: unknown;
  /** Bytes of serialized data behind any signature (the base of the expansion budget). */
  serializedBytes: number;
  /** Re-encodes `value` in the serializer the data came in (what a session save does). */
  reencode?: (value: unknown) => Uint8Array | string;
  /** A property the target itself checks failed (wrong result shape, round trip mismatch). */
  problem?: string;
}

export interface Target {
  name: string;
  /** Initial corpus: valid inputs (from real Django where it matters) plus hand-made edge cases. */
  seeds(): Buffer[];
  /** Format tokens for the mutator. */
  dictionary: readonly Buffer[];
  /** Longest input the mutator makes. */
  maxLength: number;
  /** Fixed part of the time bound, when the target's work is not proportional to its size (hashes). */
  timeBaseMs?: number;
  run(input: Buffer): RunResult | Promise<RunResult>;
}

/** Byte that introduces one UTF-16 code unit (two bytes, big-endian) in {@link fuzzText}. */
export const CODE_UNIT_ESCAPE = 0xf8;

/**
 * Input bytes as a JS string: latin-1, except that 0xF8 hi lo is the code unit 0xhilo, so text
 * targets also see characters beyond latin-1, lone surrogates included.
 */
export function fuzzText(input: Buffer): string {
  if (!input.includes(CODE_UNIT_ESCAPE)) return input.toString('latin1');
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === CODE_UNIT_ESCAPE && i + 2 < input.length) {
      out += String.fromCharCode((input[i + 1] << 8) | input[i + 2]);
      i += 2;
    } else out += String.fromCharCode(b);
  }
  return out;
}

/** Inverse of {@link fuzzText} (for seeds and dictionary tokens). */
export function textBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || c === CODE_UNIT_ESCAPE) out.push(CODE_UNIT_ESCAPE, c >> 8, c & 0xff);
    else out.push(c);
  }
  return Buffer.from(out);
}

/** Tokens of binary formats: strings are latin-1 bytes. */
export const tokens = (...items: (string | number[])[]): Buffer[] => items.map((t) => (typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t)));
/** Tokens of text targets (read with fuzzText): any character. */
export const textTokens = (...items: string[]): Buffer[] => items.map(textBytes);

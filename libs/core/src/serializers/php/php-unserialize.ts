import { SerializationError } from '../../errors.js';

export interface PhpUnserializeOptions {
  /** Deepest array nesting accepted (default 64). */
  maxDepth?: number;
  /** Largest input accepted, in bytes (default 4 MiB). */
  maxSize?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_SIZE = 4 * 1024 * 1024;
const INT = /^[+-]?[0-9]+$/;
const FLOAT = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF|-INF|NAN)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * PHP's `unserialize()` restricted to plain data: null, bool, int, float, string and array.
 * Objects (O:, C:), references (r:, R:) and enums (E:) are refused, never instantiated; so is any
 * malformed, truncated or trailing input. A PHP array becomes a JS array when its keys are exactly
 * 0..n-1 in order, else a plain object. Strings that are not valid UTF-8 come back as Buffers.
 */
export function phpUnserialize(input: Buffer | Uint8Array | string, options: PhpUnserializeOptions = {}): unknown {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (bytes.length > maxSize) throw new SerializationError(`PHP data is larger than ${maxSize} bytes`);
  const reader = new Reader(bytes, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) reader.fail('trailing data');
  return value;
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw new SerializationError(`Invalid PHP serialized data: ${what} at byte ${this.pos}`);
  }

  private expect(char: string): void {
    if (this.buf[this.pos] !== char.charCodeAt(0)) this.fail(`expected "${char}"`);
    this.pos++;
  }

  /** Reads up to (not including) `terminator`, as ASCII. */
  private until(terminator: string, maxLength = 32): string {
    const end = this.buf.indexOf(terminator.charCodeAt(0), this.pos);
    if (end < 0 || end - this.pos > maxLength) this.fail(`unterminated field`);
    const text = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return text;
  }

  value(depth: number): unknown {
    const type = String.fromCharCode(this.buf[this.pos] ?? 0);
    switch (type) {
      case 'N':
        this.pos++;
        this.expect(';');
        return null;
      case 'b': {
        this.pos++;
        this.expect(':');
        const v = this.until(';', 1);
        if (v !== '0' && v !== '1') this.fail('bad boolean');
        return v === '1';
      }
      case 'i':
        this.pos++;
        this.expect(':');
        return this.integer(this.until(';'));
      case 'd': {
        this.pos++;
        this.expect(':');
        const text = this.until(';', 64);
        if (!FLOAT.test(text)) this.fail('bad float');
        return text === 'INF' ? Infinity : text === '-INF' ? -Infinity : text === 'NAN' ? NaN : Number(text);
      }
      case 's':
        return this.string();
      case 'a':
        if (depth >= this.maxDepth) this.fail('nested too deeply');
        return this.array(depth + 1);
      case 'O':
      case 'C':
        return this.fail('PHP objects are not accepted');
      case 'r':
      case 'R':
        return this.fail('PHP references are not accepted');
      case 'E':
        return this.fail('PHP enums are not accepted');
      default:
        return this.fail(this.pos >= this.buf.length ? 'unexpected end' : `unknown type "${type}"`);
    }
  }

  private integer(text: string): number | bigint {
    if (!INT.test(text)) this.fail('bad integer');
    const big = BigInt(text);
    if (big < INT64_MIN || big > INT64_MAX) this.fail('integer out of range');
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big;
  }

  private length(): number {
    const text = this.until(':', 10);
    if (!/^[0-9]+$/.test(text)) this.fail('bad length');
    return Number(text);
  }

  private rawString(): Buffer {
    this.pos++;
    this.expect(':');
    const len = this.length();
    this.expect('"');
    if (this.pos + len > this.buf.length) this.fail('string longer than the data');
    const bytes = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    this.expect('"');
    this.expect(';');
    return bytes;
  }

  private string(): string | Buffer {
    const bytes = this.rawString();
    try {
      return utf8.decode(bytes);
    } catch {
      return Buffer.from(bytes);
    }
  }

  private key(): string | number {
    const type = String.fromCharCode(this.buf[this.pos] ?? 0);
    if (type === 'i') {
      this.pos++;
      this.expect(':');
      const n = this.integer(this.until(';'));
      return typeof n === 'bigint' ? n.toString() : n;
    }
    if (type === 's') {
      const bytes = this.rawString();
      try {
        return utf8.decode(bytes);
      } catch {
        return this.fail('array key is not UTF-8');
      }
    }
    return this.fail('array keys must be integers or strings');
  }

  private array(depth: number): unknown[] | Record<string, unknown> {
    this.pos++;
    this.expect(':');
    const count = this.length();
    // Each entry takes at least 6 bytes ("i:0;N;"), so a larger count cannot be true.
    if (count > (this.buf.length - this.pos) / 6) this.fail('element count larger than the data');
    this.expect('{');
    const entries = new Map<string, unknown>();
    let isList = true;
    for (let i = 0; i < count; i++) {
      const key = this.key();
      if (key !== i) isList = false;
      // Like PHP, a repeated key keeps its first position and takes the last value.
      entries.set(String(key), this.value(depth));
    }
    this.expect('}');
    if (isList) return [...entries.values()];
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }
}

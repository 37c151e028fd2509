import { SerializationError } from '../../errors.js';
import { checkExpandedSize, resolveMaxExpandedBytes, type ExpansionFormat } from '../../limits/expanded-size.js';
import { PHP_INT_MAX, PHP_INT_MIN, phpIntegerKey } from './php-array-key.js';
import { decodeUtf8OrNull } from './utf8.js';

export interface PhpUnserializeOptions {
  /** Deepest array nesting accepted (default 64). */
  maxDepth?: number;
  /** Largest input accepted, in bytes (default 4 MiB). */
  maxSize?: number;
  /**
   * Most bytes the result may take when written back (default 16 MiB, DEFAULT_MAX_EXPANDED_BYTES;
   * Infinity for no limit), measured in `expandedFormat`: a larger one is ExpandedSizeExceeded.
   * References are refused, so PHP data cannot amplify, but re-encoding can still grow it (a float
   * text, or JSON's \u escapes): this keeps decode-then-save within the budget.
   */
  maxExpandedBytes?: number;
  /** The writer `maxExpandedBytes` is measured for: php (phpSerialize, default) or json. */
  expandedFormat?: ExpansionFormat;
}

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_SIZE = 4 * 1024 * 1024;
// PHP's unserialize grammar: iv = [+-]?[0-9]+, floats as iv, dnum or either with an exponent.
const INT = /^[+-]?[0-9]+$/;
const FLOAT = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF|-INF|NAN)$/;
const LENGTH = /^[0-9]+$/;
const SEMICOLON = 0x3b;
const COLON = 0x3a;

/**
 * PHP's `unserialize()` restricted to plain data: null, bool, int, float, string and array.
 * Objects (O:, C:), references (r:, R:) and enums (E:) are refused, never instantiated. So are
 * malformed, truncated and trailing input (PHP itself ignores trailing bytes; we do not).
 *
 * A PHP array becomes a JS array when its keys are exactly 0..n-1 in order, else an object whose
 * keys are own data properties (so "__proto__" is just a key). Strings that are not valid UTF-8
 * come back as Buffers. Integers beyond 2^53 come back as BigInt.
 */
export function phpUnserialize(input: Buffer | Uint8Array | string, options: PhpUnserializeOptions = {}): unknown {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const maxExpandedBytes = resolveMaxExpandedBytes(options.maxExpandedBytes);
  if (bytes.length > maxSize) throw new SerializationError(`PHP data is larger than ${maxSize} bytes`);
  const reader = new PhpReader(bytes, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  try {
    const value = reader.value(0);
    if (reader.pos !== bytes.length) reader.fail('trailing data');
    if (maxExpandedBytes !== Infinity) checkExpandedSize(value, { maxBytes: maxExpandedBytes, format: options.expandedFormat ?? 'php', what: 'PHP data' });
    return value;
  } catch (error) {
    // A maxDepth set far above the default can still exhaust the JS stack; fail closed.
    if (error instanceof RangeError) throw new SerializationError('PHP data nested too deeply');
    throw error;
  }
}

class PhpReader {
  pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw new SerializationError(`Invalid PHP serialized data: ${what} at byte ${this.pos}`);
  }

  private expect(byte: number): void {
    if (this.buf[this.pos] !== byte) this.fail(this.pos >= this.buf.length ? 'unexpected end' : `expected "${String.fromCharCode(byte)}"`);
    this.pos++;
  }

  /** The ASCII text up to `terminator` (consumed), which must come within `maxLength` bytes. */
  private field(terminator: number, maxLength: number): string {
    // A bounded scan: a missing terminator never walks the whole input.
    const limit = Math.min(this.buf.length, this.pos + maxLength + 1);
    let end = this.pos;
    while (end < limit && this.buf[end] !== terminator) end++;
    if (end === limit) this.fail(this.pos >= this.buf.length ? 'unexpected end' : 'unterminated field');
    const text = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return text;
  }

  /** Skips a type letter and its colon, e.g. "i:". */
  private tag(): void {
    this.pos++;
    this.expect(COLON);
  }

  value(depth: number): unknown {
    const type = this.pos < this.buf.length ? String.fromCharCode(this.buf[this.pos]) : '';
    switch (type) {
      case 'N':
        this.pos++;
        this.expect(SEMICOLON);
        return null;
      case 'b': {
        this.tag();
        const v = this.field(SEMICOLON, 1);
        if (v !== '0' && v !== '1') this.fail('bad boolean');
        return v === '1';
      }
      case 'i':
        this.tag();
        return this.integer(this.field(SEMICOLON, 32));
      case 'd':
        this.tag();
        return this.float(this.field(SEMICOLON, 400));
      case 's': {
        const bytes = this.rawString();
        return decodeUtf8OrNull(bytes) ?? Buffer.from(bytes);
      }
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
      case '':
        return this.fail('unexpected end');
      default:
        return this.fail(`unknown type "${type}"`);
    }
  }

  private integer(text: string): number | bigint {
    if (!INT.test(text)) this.fail('bad integer');
    // Up to 15 digits is always a safe integer; "-0" reads as 0.
    if (text.length <= 15) return Number(text) + 0;
    const big = BigInt(text);
    // PHP clamps with a warning; a value it cannot hold is refused here.
    if (big < PHP_INT_MIN || big > PHP_INT_MAX) this.fail('integer out of range');
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big;
  }

  private float(text: string): number {
    if (!FLOAT.test(text)) this.fail('bad float');
    if (text === 'INF') return Infinity;
    if (text === '-INF') return -Infinity;
    if (text === 'NAN') return NaN;
    return Number(text);
  }

  private length(): number {
    const text = this.field(COLON, 10);
    if (!LENGTH.test(text)) this.fail('bad length');
    return Number(text);
  }

  /** `s:<n>:"<n raw bytes>";` */
  private rawString(): Buffer {
    this.tag();
    const len = this.length();
    this.expect(0x22);
    if (len > this.buf.length - this.pos) this.fail('string longer than the data');
    const bytes = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    this.expect(0x22);
    this.expect(SEMICOLON);
    return bytes;
  }

  /** An array key: an int, or a string (which PHP turns into an int when it is canonical). */
  private key(): string | number {
    const type = this.buf[this.pos];
    if (type === 0x69) {
      this.tag();
      const n = this.integer(this.field(SEMICOLON, 32));
      return typeof n === 'bigint' ? n.toString() : n;
    }
    if (type === 0x73) {
      const text = decodeUtf8OrNull(this.rawString());
      // A JS object key must be a string; a binary key has no faithful one.
      if (text === null) this.fail('array key is not UTF-8');
      const asInt = phpIntegerKey(text);
      return typeof asInt === 'number' ? asInt : text;
    }
    return this.fail(this.pos >= this.buf.length ? 'unexpected end' : 'array keys must be integers or strings');
  }

  private array(depth: number): unknown[] | Record<string, unknown> {
    this.tag();
    const count = this.length();
    // Each entry takes at least 6 bytes ("i:0;N;"), so a larger count cannot be true.
    if (count > (this.buf.length - this.pos) / 6) this.fail('element count larger than the data');
    this.expect(0x7b);
    // Like PHP, a repeated key keeps its first position and takes the last value.
    const out: Record<string, unknown> = {};
    const order: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = String(this.key());
      const value = this.value(depth);
      if (!Object.prototype.hasOwnProperty.call(out, key)) order.push(key);
      // Assignment would hit Object.prototype's __proto__ setter; that one key is defined instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    this.expect(0x7d);
    // JS objects list integer keys first, so list-ness is judged on PHP's own (insertion) order.
    return isList(order) ? order.map((k) => out[k]) : out;
  }
}

/** True when the keys are exactly "0", "1", ... in that order (what a JS array can hold). */
function isList(keys: Iterable<string>): boolean {
  let i = 0;
  for (const key of keys) if (key !== String(i++)) return false;
  return true;
}

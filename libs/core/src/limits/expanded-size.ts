import { SerializationError } from '../errors.js';
import { phpIntegerKey } from '../serializers/php/php-array-key.js';
import { NaiveDateTime, PyDate } from '../serializers/pickle/python-datetime.js';
import { ExpandedSizeExceeded } from './limit-errors.js';

/**
 * How big a decoded value gets when it is written back. Pickle memo GETs (and, were they accepted,
 * PHP references) let a few bytes name one object many times; the writers expand every reference,
 * so a 5 KB pickle whose list holds one 100 KB string 1.9 million times decodes fast and then takes
 * 190 GB to save. The decoders measure their result in the format it will be written in and refuse
 * it once the budget is spent.
 *
 * The measure is the byte length of the writer's output, exact for strings, containers, keys,
 * null, booleans and safe integers; an upper bound for the rest: 24 bytes for a float (the longest
 * repr, "-2.2250738585072014e-308"), the decimal digits a bigint's bit length allows, 6 bytes per
 * byte of a Buffer, 34 bytes for a date or datetime (JSON writes neither: the writer refuses them
 * later). Values JSON or PHP cannot write at all count as 2 bytes; the writer refuses them.
 *
 * Linear: each container is walked once (its size memoised by identity, so a list shared a
 * million ways costs one lookup per reference) and every byte counted is counted as it is reached,
 * so the walk stops as soon as the running total passes the budget, before scanning what comes next.
 */

/** `json`: pythonJsonDumps (Django's JSONSerializer); `php`: phpSerialize (the php_serialize handler). */
export type ExpansionFormat = 'json' | 'php';

/**
 * Default budget: 16 MiB, the same as the largest decompressed payload signing accepts
 * (DEFAULT_MAX_DECOMPRESSED_SIZE), so a decoded pickle or PHP session can never cost more to save
 * than the largest JSON session the bridge reads. Real sessions are far smaller (cookie sessions
 * ~4 KB, database rows rarely 1 MB); re-encoding 16 MiB takes well under a second.
 */
export const DEFAULT_MAX_EXPANDED_BYTES = 16 * 1024 * 1024;

export interface ExpandedSizeOptions {
  /** Most bytes the value may take when written (default DEFAULT_MAX_EXPANDED_BYTES; Infinity for no limit). */
  maxBytes?: number;
  /** The format it will be written in (default json). */
  format?: ExpansionFormat;
  /** Names the value in the error ("Pickle", "PHP data"...). */
  what?: string;
}

/** A budget option as given: a non-negative number (Infinity allowed), else a SerializationError. */
export function resolveMaxExpandedBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return DEFAULT_MAX_EXPANDED_BYTES;
  if (typeof maxBytes !== 'number' || Number.isNaN(maxBytes) || maxBytes < 0) throw new SerializationError(`maxExpandedBytes must be a non-negative number, not ${String(maxBytes)}`);
  return maxBytes;
}

/** The size of `value` written in `format` (see above), or ExpandedSizeExceeded once it passes `maxBytes`. */
export function checkExpandedSize(value: unknown, options: ExpandedSizeOptions = {}): number {
  const maxBytes = resolveMaxExpandedBytes(options.maxBytes);
  const meter = new Meter(maxBytes, options.format ?? 'json', options.what ?? 'Decoded value');
  try {
    return meter.size(value);
  } catch (error) {
    // Decoded values are depth-limited; a caller's own deeper value must still fail closed.
    if (error instanceof RangeError) throw new SerializationError(`${options.what ?? 'Decoded value'} nested too deeply to measure`);
    throw error;
  }
}

const FLOAT_BOUND = 24;
const DATE_BOUND = 34;
const UNWRITABLE = 2;
const LOG10_2 = Math.log10(2);
// Characters that Python's json.dumps (ensure_ascii) writes as themselves.
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

class Meter {
  private spent = 0;
  private readonly sizes = new WeakMap<object, number>();
  private readonly open = new Set<object>();

  constructor(
    private readonly maxBytes: number,
    private readonly format: ExpansionFormat,
    private readonly what: string,
  ) {}

  private spend(bytes: number): number {
    this.spent += bytes;
    if (this.spent > this.maxBytes) {
      throw new ExpandedSizeExceeded(`${this.what} would take more than ${this.maxBytes} bytes when written as ${this.format === 'json' ? 'JSON' : 'PHP serialize()'} (references expanded)`);
    }
    return bytes;
  }

  size(value: unknown): number {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        return this.spend(this.number(value));
      case 'bigint':
        return this.spend(bigintDigitsBound(value) + (this.format === 'php' ? 3 : 0));
      case 'boolean':
        return this.spend(this.format === 'php' ? 4 : value ? 4 : 5);
      case 'object':
        if (value === null) return this.spend(this.format === 'php' ? 2 : 4);
        return this.object(value);
      default:
        return this.spend(UNWRITABLE);
    }
  }

  private number(value: number): number {
    const int = Number.isSafeInteger(value) && !Object.is(value, -0);
    if (this.format === 'php') return (int ? String(value).length : FLOAT_BOUND) + 3;
    return int ? String(value).length : FLOAT_BOUND;
  }

  /** The bytes a string takes, counted before it is scanned so that the scan never runs past the budget. */
  private string(text: string): number {
    if (this.format === 'php') {
      // s:<bytes>:"<bytes>"; with at least one byte per UTF-16 unit, at most three.
      this.spend(text.length + 6);
      const bytes = Buffer.byteLength(text, 'utf8');
      return text.length + 6 + this.spend(bytes - text.length + decimalLength(bytes));
    }
    this.spend(text.length + 2);
    if (JSON_PLAIN.test(text)) return text.length + 2;
    let extra = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x22 || code === 0x5c || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x08 || code === 0x0c) extra += 1;
      else if (code < 0x20 || code > 0x7e) extra += 5;
    }
    return text.length + 2 + this.spend(extra);
  }

  private bytes(length: number): number {
    return this.spend(this.format === 'php' ? length + decimalLength(length) + 6 : 6 * length + 2);
  }

  private object(value: object): number {
    if (value instanceof Uint8Array) return this.bytes(value.byteLength);
    if (value instanceof Date || value instanceof NaiveDateTime || value instanceof PyDate) return this.spend(this.format === 'php' ? UNWRITABLE : DATE_BOUND);
    const known = this.sizes.get(value);
    if (known !== undefined) return this.spend(known);
    if (this.open.has(value)) throw new SerializationError(`${this.what} holds a cyclic structure`);
    let total: number;
    this.open.add(value);
    if (Array.isArray(value)) total = this.list(value);
    else if (value instanceof Map) total = this.entries(value.entries(), value.size);
    else if (isPlainObject(value)) total = this.entries(Object.entries(value).values(), undefined);
    else total = this.spend(UNWRITABLE);
    this.open.delete(value);
    this.sizes.set(value, total);
    return total;
  }

  private list(items: unknown[]): number {
    const php = this.format === 'php';
    // JSON: [a,b]; PHP: a:<n>:{i:0;<a>i:1;<b>}
    let total = this.spend(php ? decimalLength(items.length) + 5 : Math.max(2, items.length + 1));
    for (let i = 0; i < items.length; i++) {
      if (php) total += this.spend(decimalLength(i) + 3);
      total += this.size(items[i]);
    }
    return total;
  }

  private entries(entries: Iterator<[unknown, unknown]>, knownCount: number | undefined): number {
    const php = this.format === 'php';
    let total = 0;
    let count = 0;
    for (let next = entries.next(); !next.done; next = entries.next()) {
      const [key, value] = next.value;
      // JSON: "key":value plus a comma; PHP: the key as i:<n>; or s:<len>:"<key>";
      total += php ? this.phpKey(String(key)) : this.string(String(key)) + this.spend(count > 0 ? 2 : 1);
      total += this.size(value);
      count++;
    }
    const n = knownCount ?? count;
    return total + this.spend(php ? decimalLength(n) + 5 : 2);
  }

  private phpKey(key: string): number {
    const asInt = phpIntegerKey(key);
    return asInt === null ? this.string(key) : this.spend(String(asInt).length + 3);
  }
}

/** An upper bound on the decimal text of a bigint, sign included: |v| < 16^hexDigits. */
function bigintDigitsBound(value: bigint): number {
  const negative = value < 0n;
  const hexDigits = (negative ? -value : value).toString(16).length;
  return Math.floor(4 * hexDigits * LOG10_2) + 1 + (negative ? 1 : 0);
}

function decimalLength(n: number): number {
  return String(n).length;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

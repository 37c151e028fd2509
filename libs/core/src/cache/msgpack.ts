import { SerializationError } from '../errors.js';
import { isWellFormedUtf16 } from '../serializers/php/utf8.js';
import { NaiveDateTime, PyDate } from '../serializers/pickle/python-datetime.js';
import { PyFloat, PyTuple } from '../serializers/pickle/python-values.js';

/**
 * MessagePack as django-redis's MSGPackSerializer uses it: `msgpack.dumps(value)` and
 * `msgpack.loads(value, raw=False)` of msgpack-python 1.0 (use_bin_type, strict_map_key, no
 * datetime, no ext types), byte for byte, for the plain-data subset.
 *
 * Written here rather than taken from npm: the JS libraries cannot write a whole-number float as
 * float64 (Python's 1.0), decode invalid UTF-8 leniently where Python raises, turn the timestamp
 * extension into Date where Python gives a Timestamp object, and accept non-str map keys that
 * Python refuses. The subset is small enough to own outright.
 */

export interface MsgpackLoadsOptions {
  /** Largest input accepted, in bytes (default 4 MiB). */
  maxSize?: number;
  /** Deepest container nesting accepted (default 128, as unpickle). */
  maxDepth?: number;
}

const DEFAULT_MAX_SIZE = 4 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 128;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);

// ------------------------------------------------------------------------------------- dumps

class Writer {
  private chunks: Buffer[] = [];
  private readonly open = new Set<object>();

  constructor(private readonly maxDepth: number) {}

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private push(...parts: (Buffer | number[])[]): void {
    for (const p of parts) this.chunks.push(Buffer.isBuffer(p) ? p : Buffer.from(p));
  }

  private header(fix: number, fixMax: number, codes: [number, number, number] | [number, number], length: number): void {
    // fix* form, then 8-bit (when the type has one), 16-bit and 32-bit lengths, as msgpack-python picks them.
    if (length <= fixMax) return this.push([fix | length]);
    const [c8, c16, c32] = codes.length === 3 ? codes : [undefined, codes[0], codes[1]];
    if (c8 !== undefined && length <= 0xff) return this.push([c8, length]);
    if (length <= 0xffff) return this.push([c16, length >> 8, length & 0xff]);
    if (length <= 0xffffffff) {
      const b = Buffer.alloc(5);
      b[0] = c32;
      b.writeUInt32BE(length, 1);
      return this.push(b);
    }
    throw new SerializationError('msgpack cannot hold more than 2^32-1 items or bytes');
  }

  private int(value: bigint): void {
    if (value > UINT64_MAX || value < INT64_MIN) throw new SerializationError('Integer value out of range for msgpack (64 bits)');
    const n = value;
    if (n >= 0n) {
      if (n <= 0x7fn) return this.push([Number(n)]);
      if (n <= 0xffn) return this.push([0xcc, Number(n)]);
      if (n <= 0xffffn) return this.sized(0xcd, 2, n);
      if (n <= 0xffffffffn) return this.sized(0xce, 4, n);
      return this.sized(0xcf, 8, n);
    }
    if (n >= -32n) return this.push([Number(n) & 0xff]);
    if (n >= -0x80n) return this.sized(0xd0, 1, n);
    if (n >= -0x8000n) return this.sized(0xd1, 2, n);
    if (n >= -0x80000000n) return this.sized(0xd2, 4, n);
    return this.sized(0xd3, 8, n);
  }

  /** A type code and the value's two's-complement in `size` big-endian bytes. */
  private sized(code: number, size: number, n: bigint): void {
    const scratch = Buffer.alloc(8);
    scratch.writeBigUInt64BE(BigInt.asUintN(64, n));
    this.push([code], scratch.subarray(8 - size));
  }

  private float(value: number): void {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(value, 1);
    this.push(b);
  }

  private str(value: string): void {
    if (!isWellFormedUtf16(value)) throw new SerializationError("'utf-8' codec can't encode a lone surrogate: msgpack refuses it");
    const utf8 = Buffer.from(value, 'utf8');
    this.header(0xa0, 31, [0xd9, 0xda, 0xdb], utf8.length);
    this.push(utf8);
  }

  write(value: unknown, depth: number): void {
    if (value === null) return this.push([0xc0]);
    switch (typeof value) {
      case 'boolean':
        return this.push([value ? 0xc3 : 0xc2]);
      case 'number':
        return Number.isSafeInteger(value) && !Object.is(value, -0) ? this.int(BigInt(value)) : this.float(value);
      case 'bigint':
        return this.int(value);
      case 'string':
        return this.str(value);
      case 'object':
        break;
      default:
        throw new SerializationError(`can not serialize '${typeof value}' object with msgpack`);
    }
    const obj = value as object;
    if (obj instanceof PyFloat) return this.float(obj.value);
    if (obj instanceof Uint8Array) {
      this.header(0, -1, [0xc4, 0xc5, 0xc6], obj.byteLength);
      return this.push(Buffer.from(obj));
    }
    if (obj instanceof Date || obj instanceof NaiveDateTime || obj instanceof PyDate) {
      throw new SerializationError("can not serialize a datetime with msgpack (django-redis's MSGPackSerializer has no datetime support)");
    }
    if (depth >= this.maxDepth) throw new SerializationError(`Value nested deeper than ${this.maxDepth}`);
    if (this.open.has(obj)) throw new SerializationError('Circular reference: msgpack cannot write it');
    this.open.add(obj);
    try {
      if (Array.isArray(obj) || obj instanceof PyTuple) {
        const items = Array.isArray(obj) ? obj : obj.items;
        this.header(0x90, 15, [0xdc, 0xdd], items.length);
        for (const item of items) this.write(item, depth + 1);
        return;
      }
      let entries: [unknown, unknown][];
      if (obj instanceof Map) entries = [...obj.entries()];
      else if (isPlainObject(obj)) entries = Object.entries(obj);
      else throw new SerializationError(`can not serialize '${obj.constructor?.name ?? 'object'}' object with msgpack`);
      this.header(0x80, 15, [0xde, 0xdf], entries.length);
      for (const [k, v] of entries) {
        // msgpack.loads(strict_map_key=True) refuses any other key: Django could not read the entry back.
        if (typeof k !== 'string') throw new SerializationError(`msgpack map keys must be str for Django to read them, not ${typeof k}`);
        this.str(k);
        this.write(v, depth + 1);
      }
    } finally {
      this.open.delete(obj);
    }
  }
}

function isPlainObject(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  return proto === Object.prototype || proto === null;
}

/**
 * `msgpack.dumps(value)` (msgpack-python 1.0 defaults): null, booleans, numbers (safe integers as
 * int, others as float64), bigint (64-bit range), PyFloat, strings, Uint8Array (bin), arrays and
 * PyTuple (array), plain objects and Maps with string keys (map). Datetimes, other keys and other
 * objects are a SerializationError, as Python refuses them or Django could not read them back.
 */
export function msgpackDumps(value: unknown, maxDepth = DEFAULT_MAX_DEPTH): Buffer {
  const writer = new Writer(maxDepth);
  writer.write(value, 0);
  return writer.bytes();
}

// ------------------------------------------------------------------------------------- loads

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  private at = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly maxDepth: number,
  ) {}

  private fail(what: string): never {
    throw new SerializationError(`Invalid msgpack data: ${what}`);
  }

  private take(n: number): Buffer {
    if (this.at + n > this.buf.length) this.fail('incomplete input');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  private u8(): number {
    return this.take(1)[0];
  }

  private length(bytes: 1 | 2 | 4): number {
    const b = this.take(bytes);
    return bytes === 1 ? b[0] : bytes === 2 ? b.readUInt16BE(0) : b.readUInt32BE(0);
  }

  private text(n: number): string {
    try {
      return strictUtf8.decode(this.take(n));
    } catch {
      return this.fail("'utf-8' codec can't decode a string");
    }
  }

  private int(value: bigint): number | bigint {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }

  end(): void {
    if (this.at !== this.buf.length) this.fail('extra data after the value');
  }

  read(depth: number): unknown {
    const code = this.u8();
    if (code <= 0x7f) return code;
    if (code >= 0xe0) return code - 0x100;
    if ((code & 0xe0) === 0xa0) return this.text(code & 0x1f);
    if ((code & 0xf0) === 0x90) return this.array(code & 0x0f, depth);
    if ((code & 0xf0) === 0x80) return this.map(code & 0x0f, depth);
    switch (code) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return Buffer.from(this.take(this.length(1)));
      case 0xc5: return Buffer.from(this.take(this.length(2)));
      case 0xc6: return Buffer.from(this.take(this.length(4)));
      case 0xca: return this.take(4).readFloatBE(0);
      case 0xcb: return this.take(8).readDoubleBE(0);
      case 0xcc: return this.take(1)[0];
      case 0xcd: return this.take(2).readUInt16BE(0);
      case 0xce: return this.take(4).readUInt32BE(0);
      case 0xcf: return this.int(this.take(8).readBigUInt64BE(0));
      case 0xd0: return this.take(1).readInt8(0);
      case 0xd1: return this.take(2).readInt16BE(0);
      case 0xd2: return this.take(4).readInt32BE(0);
      case 0xd3: return this.int(this.take(8).readBigInt64BE(0));
      case 0xd9: return this.text(this.length(1));
      case 0xda: return this.text(this.length(2));
      case 0xdb: return this.text(this.length(4));
      case 0xdc: return this.array(this.length(2), depth);
      case 0xdd: return this.array(this.length(4), depth);
      case 0xde: return this.map(this.length(2), depth);
      case 0xdf: return this.map(this.length(4), depth);
      case 0xc1: return this.fail('reserved code 0xc1');
      default:
        // 0xc7-0xc9 and 0xd4-0xd8: extension types (Timestamp, ExtType), which are no plain data.
        return this.fail(`extension type (code 0x${code.toString(16)}) is not plain data`);
    }
  }

  private enter(depth: number, count: number): void {
    if (depth >= this.maxDepth) this.fail(`nested deeper than ${this.maxDepth}`);
    // Every element takes at least one byte: a count beyond the input is a lie, not a reason to allocate.
    if (count > this.buf.length - this.at) this.fail('incomplete input');
  }

  private array(count: number, depth: number): unknown[] {
    this.enter(depth, count);
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(this.read(depth + 1));
    return out;
  }

  private map(count: number, depth: number): Record<string, unknown> {
    this.enter(depth, count * 2);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const key = this.read(depth + 1);
      if (typeof key !== 'string') this.fail(`${Buffer.isBuffer(key) ? 'bytes' : key === null ? 'None' : typeof key} map keys are not plain data here (Python's are str only, or bytes)`);
      const value = this.read(depth + 1);
      // Python keeps the first position of a repeated key and its last value, as assignment does.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
}

/**
 * `msgpack.loads(data, raw=False)`: str -> string (strict UTF-8), bin -> Buffer, array -> array,
 * map -> object (str keys only), ints -> number (BigInt beyond 2^53), floats -> number. Extension
 * types, bytes keys, trailing data, truncation and the limits are a SerializationError.
 */
export function msgpackLoads(data: Uint8Array, options: MsgpackLoadsOptions = {}): unknown {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (buf.length > maxSize) throw new SerializationError(`msgpack data is larger than ${maxSize} bytes`);
  const reader = new Reader(buf, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const value = reader.read(0);
  reader.end();
  return value;
}

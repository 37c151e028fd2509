import { SerializationError } from '../../errors.js';
import { GlobalRef, SAFE_REDUCERS } from './pickle-globals.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';

export interface UnpickleOptions {
  /** Largest pickle accepted, in bytes (default 4 MiB). */
  maxSize?: number;
  /** Deepest container nesting accepted in the result (default 128). */
  maxDepth?: number;
}

const MARK = Symbol('mark');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a Python pickle (protocols 0 to 5) restricted to plain data: dict, list, tuple (as an
 * array), str, bytes (Buffer), int (number, or BigInt beyond 2^53), float, bool, None (null), and
 * datetime/date with their time zones. Any other global or opcode is a SerializationError; nothing
 * named in the pickle is ever imported or executed. Cyclic structures are refused.
 */
export function unpickle(data: Buffer | Uint8Array, options: UnpickleOptions = {}): unknown {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const maxSize = options.maxSize ?? 4 * 1024 * 1024;
  if (buf.length > maxSize) throw new SerializationError(`Pickle is larger than ${maxSize} bytes`);
  const value = new Unpickler(buf).load();
  checkShape(value, options.maxDepth ?? 128, 0, new Set());
  return value;
}

function checkShape(value: unknown, maxDepth: number, depth: number, open: Set<object>): void {
  if (value === null || typeof value !== 'object') return;
  if (Buffer.isBuffer(value) || value instanceof Date || value instanceof NaiveDateTime || value instanceof PyDate) return;
  const container = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype;
  // Globals, time zones and timedeltas may only appear as arguments of an allowed call.
  if (!container) throw new SerializationError('Pickle holds a value outside the safe subset');
  if (open.has(value)) throw new SerializationError('Pickle holds a cyclic structure');
  if (depth >= maxDepth) throw new SerializationError('Pickle nested too deeply');
  open.add(value);
  for (const v of Object.values(value)) checkShape(v, maxDepth, depth + 1, open);
  open.delete(value);
}

class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private marks: number[] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(private readonly buf: Buffer) {}

  private fail(what: string): never {
    throw new SerializationError(`Invalid pickle: ${what} at byte ${this.pos}`);
  }

  private take(n: number): Buffer {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.buf.length) this.fail('truncated data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private u8 = () => this.take(1)[0];
  private u32 = () => this.take(4).readUInt32LE(0);
  private u64(): number {
    const n = this.take(8).readBigUInt64LE(0);
    if (n > BigInt(this.buf.length)) this.fail('length larger than the data');
    return Number(n);
  }

  private line(): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('unterminated line');
    const text = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return text;
  }

  private pop(): unknown {
    if (this.stack.length === 0 || (this.marks.length && this.stack.length <= this.marks[this.marks.length - 1])) this.fail('stack underflow');
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const at = this.marks.pop();
    if (at === undefined) this.fail('missing MARK');
    return this.stack.splice(at);
  }

  private text(bytes: Buffer): string {
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('string is not UTF-8');
    }
  }

  private setItems(target: unknown, items: unknown[]): void {
    if (!isDict(target) || items.length % 2) this.fail('SETITEM(S) on a non-dict');
    for (let i = 0; i < items.length; i += 2) {
      let key = items[i];
      if (typeof key === 'number' || typeof key === 'bigint') key = String(key);
      if (typeof key !== 'string') this.fail('dict key is not a string or int');
      Object.defineProperty(target, key, { value: items[i + 1], enumerable: true, writable: true, configurable: true });
    }
  }

  private append(target: unknown, items: unknown[]): void {
    if (!Array.isArray(target) || FROZEN.has(target)) this.fail('APPEND(S) on a non-list');
    target.push(...items);
  }

  private tuple(items: unknown[]): unknown[] {
    FROZEN.add(items);
    return items;
  }

  private integer(big: bigint): number | bigint {
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big;
  }

  private long(bytes: Buffer): number | bigint {
    if (bytes.length === 0) return 0;
    let big = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) big = (big << 8n) | BigInt(bytes[i]);
    if (bytes[bytes.length - 1] & 0x80) big -= 1n << BigInt(bytes.length * 8);
    return this.integer(big);
  }

  load(): unknown {
    for (;;) {
      if (this.pos >= this.buf.length) this.fail('no STOP opcode');
      const op = this.buf[this.pos++];
      switch (op) {
        case 0x80: { // PROTO
          const proto = this.u8();
          if (proto > 5) this.fail(`unsupported protocol ${proto}`);
          break;
        }
        case 0x95: // FRAME: framing is only a read-ahead hint
          this.u64();
          break;
        case 0x2e: // STOP
          return this.pop();
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          break;
        case 0x30: // POP
          if (this.marks.length && this.marks[this.marks.length - 1] === this.stack.length) this.marks.pop();
          else this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.stack.push(this.top());
          break;
        case 0x4e: // NONE
          this.stack.push(null);
          break;
        case 0x88: // NEWTRUE
          this.stack.push(true);
          break;
        case 0x89: // NEWFALSE
          this.stack.push(false);
          break;
        case 0x49: { // INT (text); I00/I01 are False/True
          const t = this.line();
          if (t === '00' || t === '01') this.stack.push(t === '01');
          else if (/^[+-]?\d+$/.test(t)) this.stack.push(this.integer(BigInt(t)));
          else this.fail('bad INT');
          break;
        }
        case 0x4c: { // LONG (text)
          const t = this.line().replace(/L$/, '');
          if (!/^[+-]?\d+$/.test(t)) this.fail('bad LONG');
          this.stack.push(this.integer(BigInt(t)));
          break;
        }
        case 0x4a: // BININT
          this.stack.push(this.take(4).readInt32LE(0));
          break;
        case 0x4b: // BININT1
          this.stack.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.stack.push(this.take(2).readUInt16LE(0));
          break;
        case 0x8a: // LONG1
          this.stack.push(this.long(this.take(this.u8())));
          break;
        case 0x8b: { // LONG4
          const n = this.take(4).readInt32LE(0);
          if (n < 0) this.fail('negative LONG4 length');
          this.stack.push(this.long(this.take(n)));
          break;
        }
        case 0x46: { // FLOAT (text repr)
          const t = this.line();
          if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|inf|nan)$/i.test(t)) this.fail('bad FLOAT');
          this.stack.push(/inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(t) ? NaN : Number(t));
          break;
        }
        case 0x47: // BINFLOAT
          this.stack.push(this.take(8).readDoubleBE(0));
          break;
        case 0x56: // UNICODE (raw-unicode-escape text)
          this.stack.push(rawUnicodeEscape(this.line(), () => this.fail('bad UNICODE escape')));
          break;
        case 0x58: // BINUNICODE
          this.stack.push(this.text(this.take(this.u32())));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.stack.push(this.text(this.take(this.u8())));
          break;
        case 0x8d: // BINUNICODE8
          this.stack.push(this.text(this.take(this.u64())));
          break;
        case 0x43: // SHORT_BINBYTES
          this.stack.push(Buffer.from(this.take(this.u8())));
          break;
        case 0x42: // BINBYTES
          this.stack.push(Buffer.from(this.take(this.u32())));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.stack.push(Buffer.from(this.take(this.u64())));
          break;
        case 0x7d: // EMPTY_DICT
          this.stack.push(newDict());
          break;
        case 0x64: { // DICT
          const d = newDict();
          this.setItems(d, this.popMark());
          this.stack.push(d);
          break;
        }
        case 0x5d: // EMPTY_LIST
          this.stack.push([]);
          break;
        case 0x6c: // LIST
          this.stack.push(this.popMark());
          break;
        case 0x29: // EMPTY_TUPLE
          this.stack.push(this.tuple([]));
          break;
        case 0x74: // TUPLE
          this.stack.push(this.tuple(this.popMark()));
          break;
        case 0x85: // TUPLE1
          this.stack.push(this.tuple([this.pop()]));
          break;
        case 0x86: { // TUPLE2
          const b = this.pop();
          this.stack.push(this.tuple([this.pop(), b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.stack.push(this.tuple([this.pop(), b, c]));
          break;
        }
        case 0x61: { // APPEND
          const v = this.pop();
          this.append(this.top(), [v]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }
        case 0x73: { // SETITEM
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x70: // PUT
          this.put(Number(this.decimal(this.line())));
          break;
        case 0x71: // BINPUT
          this.put(this.u8());
          break;
        case 0x72: // LONG_BINPUT
          this.put(this.u32());
          break;
        case 0x94: // MEMOIZE
          this.put(this.memo.size);
          break;
        case 0x67: // GET
          this.get(Number(this.decimal(this.line())));
          break;
        case 0x68: // BINGET
          this.get(this.u8());
          break;
        case 0x6a: // LONG_BINGET
          this.get(this.u32());
          break;
        case 0x63: { // GLOBAL "module\nname\n"
          const module = this.line();
          this.stack.push(this.global(module, this.line()));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x52: { // REDUCE: only allow-listed callables, with validated arguments
          const args = this.pop();
          const callable = this.pop();
          if (!(callable instanceof GlobalRef) || !Array.isArray(args) || !FROZEN.has(args)) this.fail('REDUCE needs a global and a tuple');
          this.stack.push(this.call(callable.name, args));
          break;
        }
        default:
          this.fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not allowed`);
      }
    }
  }

  private decimal(text: string): string {
    if (!/^\d+$/.test(text)) this.fail('bad memo index');
    return text;
  }

  private put(index: number): void {
    if (this.memo.size >= this.buf.length) this.fail('memo too large');
    this.memo.set(index, this.top());
  }

  private get(index: number): void {
    if (!this.memo.has(index)) this.fail(`memo ${index} not found`);
    this.stack.push(this.memo.get(index));
  }

  private global(module: string, name: string): GlobalRef {
    const full = `${module}.${name}`;
    if (!SAFE_REDUCERS.has(full) && !LOOKUP_ONLY.has(full)) this.fail(`global ${full} is not allowed`);
    return new GlobalRef(full);
  }

  private call(name: string, args: unknown[]): unknown {
    if (GETATTR.has(name)) {
      // Python pickles ZoneInfo's classmethod as getattr(ZoneInfo, '_unpickle'); nothing else.
      const [owner, attribute] = args;
      if (args.length === 2 && owner instanceof GlobalRef && owner.name === 'zoneinfo.ZoneInfo' && attribute === '_unpickle') {
        return new GlobalRef('zoneinfo.ZoneInfo._unpickle');
      }
      this.fail('getattr is allowed only for zoneinfo.ZoneInfo._unpickle');
    }
    const reducer = SAFE_REDUCERS.get(name);
    if (!reducer) this.fail(`${name} cannot be called`);
    return reducer(args);
  }
}

/** Globals a pickle may name but not call directly. */
const GETATTR = new Set(['builtins.getattr', '__builtin__.getattr']);
const LOOKUP_ONLY = new Set([...GETATTR, 'zoneinfo.ZoneInfo']);

/** Tuples are arrays that APPEND may not grow and REDUCE may take as arguments. */
const FROZEN = new WeakSet<unknown[]>();

function newDict(): Record<string, unknown> {
  return {};
}

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python's raw-unicode-escape: \uXXXX and \UXXXXXXXX escapes, every other byte is latin-1. */
function rawUnicodeEscape(text: string, fail: () => never): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\[uU]/g, (m, four: string, eight: string) => {
    if (four) return String.fromCharCode(parseInt(four, 16));
    if (eight) {
      const cp = parseInt(eight, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : fail();
    }
    return fail();
  });
}

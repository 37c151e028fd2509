import { SerializationError } from '../../errors.js';
import { checkExpandedSize, resolveMaxExpandedBytes } from '../../limits/expanded-size.js';
import { checkParsedDigits, resolveIntMaxStrDigits } from '../../limits/int-max-str-digits.js';
import { PickleCursor } from './pickle-cursor.js';
import { callGlobal, GlobalRef, lookupGlobal } from './pickle-globals.js';
import { decodeAscii, decodeQuotedString, decodeRawUnicodeEscape, decodeUtf8 } from './pickle-text.js';
import { checkResultShape } from './result-shape.js';

export interface UnpickleOptions {
  /** Largest pickle accepted, in bytes (default 4 MiB). */
  maxSize?: number;
  /** Deepest container nesting accepted in the result (default 128). */
  maxDepth?: number;
  /** Most memo entries (PUT/MEMOIZE) accepted (default 1,000,000; CPython memoizes nearly every container and string). */
  maxMemo?: number;
  /** Most container elements (list/tuple items plus dict entries, summed) accepted (default 2,000,000). */
  maxElements?: number;
  /**
   * Most bytes the result may take written as JSON, every memo reference expanded (default 16 MiB,
   * DEFAULT_MAX_EXPANDED_BYTES; Infinity for no limit): a larger one is ExpandedSizeExceeded, so
   * that writing it back (a session save, a cache set) stays within the budget. See expanded-size.ts.
   */
  maxExpandedBytes?: number;
  /**
   * Longest INT/LONG text opcode accepted, in decimal digits (sign aside): Python's
   * int_max_str_digits, default getIntMaxStrDigits() (4300); 0 for none. Binary LONG1/LONG4 are not
   * limited, as in Python.
   */
  intMaxStrDigits?: number;
}

const HIGHEST_PROTOCOL = 5;
const DECIMAL = /^[+-]?(?:0|[1-9][0-9]*)$/;
// One way to match each text ([0-9]+\.?[0-9]* could split a digit run anywhere: quadratic).
const FLOAT_TEXT = /^[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|nan)$/;

/**
 * Reads a Python pickle (protocols 0 to 5) restricted to plain data, like Django's PickleSerializer
 * sessions and cache values: dict -> object (own data properties, str and int keys), list and
 * tuple -> array, str -> string, bytes -> Buffer, int -> number (BigInt beyond 2^53), float,
 * bool, None -> null, naive datetime -> NaiveDateTime, aware datetime -> Date (microseconds
 * truncated to milliseconds), date -> PyDate.
 *
 * Only the globals in pickle-globals.ts may be named, and they are JS functions that build data:
 * nothing in the pickle is ever imported or executed. Every other global or opcode (objects,
 * BUILD, sets, persistent ids, extension codes, out-of-band buffers, bytearray) is a
 * SerializationError, as are cycles, truncation, trailing bytes and exceeded limits.
 */
export function unpickle(data: Buffer | Uint8Array, options: UnpickleOptions = {}): unknown {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const maxSize = options.maxSize ?? 4 * 1024 * 1024;
  const maxExpandedBytes = resolveMaxExpandedBytes(options.maxExpandedBytes);
  const intMaxStrDigits = resolveIntMaxStrDigits(options.intMaxStrDigits);
  if (buf.length > maxSize) throw new SerializationError(`Pickle is larger than ${maxSize} bytes`);
  const value = new Unpickler(buf, options.maxMemo ?? 1_000_000, options.maxElements ?? 2_000_000, intMaxStrDigits).load();
  checkResultShape(value, options.maxDepth ?? 128);
  if (maxExpandedBytes !== Infinity) checkExpandedSize(value, { maxBytes: maxExpandedBytes, format: 'json', what: 'Pickle' });
  return value;
}

/** Tuples are arrays that APPEND may not grow and that REDUCE accepts as arguments. */
type Tuple = unknown[] & { readonly __tuple: unique symbol };

class Unpickler {
  private readonly in: PickleCursor;
  /** The current stack; MARK saves it on `metastack` and starts a new one, as CPython does. */
  private stack: unknown[] = [];
  private readonly metastack: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly tuples = new WeakSet<unknown[]>();
  private elements = 0;

  constructor(
    buf: Buffer,
    private readonly maxMemo: number,
    private readonly maxElements: number,
    private readonly intMaxStrDigits: number,
  ) {
    this.in = new PickleCursor(buf);
  }

  private fail(what: string): never {
    return this.in.fail(what);
  }

  load(): unknown {
    for (;;) {
      if (this.in.atEnd) this.fail('no STOP opcode');
      const op = this.in.u8();
      if (op === 0x2e) return this.stop();
      this.step(op);
    }
  }

  private stop(): unknown {
    // CPython tolerates leftovers here; a pickle.dumps() output never has any, so we refuse them.
    if (this.metastack.length > 0) this.fail('unclosed MARK at STOP');
    if (this.stack.length !== 1) this.fail(this.stack.length === 0 ? 'empty stack at STOP' : 'extra values on the stack at STOP');
    if (!this.in.atEnd) this.fail('trailing data after STOP');
    return this.stack[0];
  }

  private step(op: number): void {
    const i = this.in;
    switch (op) {
      // Framing and protocol
      case 0x80: { // PROTO
        const proto = i.u8();
        if (proto > HIGHEST_PROTOCOL) this.fail(`unsupported pickle protocol ${proto}`);
        return;
      }
      case 0x95: // FRAME: a read-ahead hint; its announced bytes must all be there.
        i.u64Length();
        return;
      // Stack manipulation
      case 0x28: // MARK
        this.metastack.push(this.stack);
        this.stack = [];
        return;
      case 0x30: // POP: the top item, or an empty mark
        if (this.stack.length === 0 && this.metastack.length > 0) this.popMark();
        else this.pop();
        return;
      case 0x31: // POP_MARK
        this.popMark();
        return;
      case 0x32: // DUP
        return this.push(this.top());
      // Constants
      case 0x4e: return this.push(null); // NONE
      case 0x88: return this.push(true); // NEWTRUE
      case 0x89: return this.push(false); // NEWFALSE
      // Integers
      case 0x49: return this.push(this.textInt(i.asciiLine(), true)); // INT (I01/I00 are True/False)
      case 0x4c: return this.push(this.textInt(i.asciiLine().replace(/L$/, ''), false)); // LONG
      case 0x4a: return this.push(i.i32()); // BININT
      case 0x4b: return this.push(i.u8()); // BININT1
      case 0x4d: return this.push(i.u16()); // BININT2
      case 0x8a: return this.push(littleEndianInt(i.take(i.u8()))); // LONG1
      case 0x8b: return this.push(littleEndianInt(i.take(this.nonNegative(i.i32())))); // LONG4
      // Floats
      case 0x46: return this.push(this.textFloat(i.asciiLine())); // FLOAT
      case 0x47: return this.push(i.f64be()); // BINFLOAT
      // Text (str)
      case 0x56: return this.push(this.text(decodeRawUnicodeEscape(i.line()))); // UNICODE
      case 0x58: return this.push(this.text(i.utf8(i.u32(), decodeUtf8))); // BINUNICODE
      case 0x8c: return this.push(this.text(i.utf8(i.u8(), decodeUtf8))); // SHORT_BINUNICODE
      case 0x8d: return this.push(this.text(i.utf8(i.u64Length(), decodeUtf8))); // BINUNICODE8
      // Python 2 str, decoded as ASCII like Python 3's pickle.loads default
      case 0x53: return this.push(this.text(decodeQuotedString(i.line()))); // STRING
      case 0x54: return this.push(this.text(decodeAscii(i.take(this.nonNegative(i.i32()))))); // BINSTRING
      case 0x55: return this.push(this.text(decodeAscii(i.take(i.u8())))); // SHORT_BINSTRING
      // bytes
      case 0x43: return this.push(Buffer.from(i.take(i.u8()))); // SHORT_BINBYTES
      case 0x42: return this.push(Buffer.from(i.take(i.u32()))); // BINBYTES
      case 0x8e: return this.push(Buffer.from(i.take(i.u64Length()))); // BINBYTES8
      // Containers
      case 0x7d: return this.push(newDict()); // EMPTY_DICT
      case 0x64: { // DICT
        const d = newDict();
        this.setItems(d, this.popMark());
        return this.push(d);
      }
      case 0x5d: return this.push([]); // EMPTY_LIST
      case 0x6c: return this.push(this.counted(this.popMark())); // LIST
      case 0x29: return this.push(this.tuple([])); // EMPTY_TUPLE
      case 0x74: return this.push(this.tuple(this.popMark())); // TUPLE
      case 0x85: return this.push(this.tuple(this.popN(1))); // TUPLE1
      case 0x86: return this.push(this.tuple(this.popN(2))); // TUPLE2
      case 0x87: return this.push(this.tuple(this.popN(3))); // TUPLE3
      case 0x61: { // APPEND
        const v = this.pop();
        return this.append(this.top(), [v]);
      }
      case 0x65: { // APPENDS
        const items = this.popMark();
        return this.append(this.top(), items);
      }
      case 0x73: { // SETITEM
        const pair = this.popN(2);
        return this.setItems(this.top(), pair);
      }
      case 0x75: { // SETITEMS
        const items = this.popMark();
        return this.setItems(this.top(), items);
      }
      // Memo
      case 0x70: return this.put(this.memoIndex(i.asciiLine())); // PUT
      case 0x71: return this.put(i.u8()); // BINPUT
      case 0x72: return this.put(i.u32()); // LONG_BINPUT
      case 0x94: return this.put(this.memo.size); // MEMOIZE
      case 0x67: return this.get(this.memoIndex(i.asciiLine())); // GET
      case 0x68: return this.get(i.u8()); // BINGET
      case 0x6a: return this.get(i.u32()); // LONG_BINGET
      // Globals: only allow-listed names, only called through REDUCE
      case 0x63: { // GLOBAL "module\nname\n"
        const module = i.asciiLine();
        return this.push(lookupGlobal(module, i.asciiLine()));
      }
      case 0x93: { // STACK_GLOBAL
        const [module, name] = this.popN(2);
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        return this.push(lookupGlobal(module, name));
      }
      case 0x52: { // REDUCE
        const [callable, args] = this.popN(2);
        if (!(callable instanceof GlobalRef) || !Array.isArray(args) || !this.tuples.has(args)) this.fail('REDUCE needs an allowed global and a tuple');
        return this.push(callGlobal(callable, args));
      }
      default:
        // BUILD, INST, OBJ, NEWOBJ(_EX), PERSID, BINPERSID, EXT1/2/4, EMPTY_SET, ADDITEMS,
        // FROZENSET, BYTEARRAY8, NEXT_BUFFER, READONLY_BUFFER, and bytes that are no opcode.
        this.in.pos--;
        this.fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not allowed`);
    }
  }

  private push(value: unknown): void {
    this.stack.push(value);
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack.pop();
  }

  /** The item `below` places under the top of the current stack (never across a MARK). */
  private top(below = 0): unknown {
    if (this.stack.length <= below) this.fail('stack underflow');
    return this.stack[this.stack.length - 1 - below];
  }

  private popN(n: number): unknown[] {
    if (this.stack.length < n) this.fail('stack underflow');
    return this.stack.splice(this.stack.length - n, n);
  }

  private popMark(): unknown[] {
    const saved = this.metastack.pop();
    if (saved === undefined) this.fail('MARK missing');
    const items = this.stack;
    this.stack = saved;
    return items;
  }

  private counted(items: unknown[]): unknown[] {
    this.elements += items.length;
    if (this.elements > this.maxElements) this.fail(`more than ${this.maxElements} container elements`);
    return items;
  }

  private tuple(items: unknown[]): Tuple {
    this.tuples.add(this.counted(items));
    return items as Tuple;
  }

  private append(target: unknown, items: unknown[]): void {
    if (!Array.isArray(target) || this.tuples.has(target)) this.fail('APPEND(S) on something that is not a list');
    for (const item of this.counted(items)) target.push(item);
  }

  private setItems(target: unknown, items: unknown[]): void {
    if (!isDict(target)) this.fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) this.fail('odd number of dict items');
    this.counted(items.slice(0, items.length / 2));
    for (let k = 0; k < items.length; k += 2) {
      // JS keys are strings: Python int keys become their decimal text ({1: x} -> {"1": x}).
      const key = items[k];
      if (typeof key !== 'string' && !(typeof key === 'number' && Number.isInteger(key)) && typeof key !== 'bigint') {
        this.fail('dict keys must be str or int');
      }
      setOwn(target, String(key), items[k + 1]);
    }
  }

  private put(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= this.maxMemo) this.fail(`more than ${this.maxMemo} memo entries`);
    this.memo.set(index, this.top());
  }

  private get(index: number): void {
    if (!this.memo.has(index)) this.fail(`memo key ${index} not found`);
    this.push(this.memo.get(index));
  }

  private memoIndex(text: string): number {
    if (!/^[0-9]{1,15}$/.test(text)) this.fail('bad memo index');
    return Number(text);
  }

  private nonNegative(n: number): number {
    if (n < 0) this.fail('negative length');
    return n;
  }

  private textInt(text: string, allowBool: boolean): number | bigint | boolean {
    if (allowBool && (text === '00' || text === '01')) return text === '01';
    if (!DECIMAL.test(text)) this.fail('bad integer text');
    // Python's unpickler calls int() on the text, which refuses more than int_max_str_digits digits.
    checkParsedDigits(text.length - (text[0] === '-' || text[0] === '+' ? 1 : 0), this.intMaxStrDigits);
    return safeOrBig(BigInt(text));
  }

  private textFloat(text: string): number {
    if (!FLOAT_TEXT.test(text)) this.fail('bad float text');
    if (text.endsWith('inf')) return text.startsWith('-') ? -Infinity : Infinity;
    if (text.endsWith('nan')) return NaN;
    return Number(text);
  }

  private text(decoded: string | null): string {
    if (decoded === null) this.fail('badly encoded string');
    return decoded;
  }
}

function safeOrBig(big: bigint): number | bigint {
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** LONG1/LONG4: two's-complement little-endian; zero bytes mean 0. */
function littleEndianInt(bytes: Buffer): number | bigint {
  if (bytes.length === 0) return 0;
  const big = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
  return safeOrBig(bytes[bytes.length - 1] & 0x80 ? big - (1n << BigInt(bytes.length * 8)) : big);
}

/** Assignment would call Object.prototype's __proto__ setter; that one key is defined instead. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function newDict(): Record<string, unknown> {
  return {};
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

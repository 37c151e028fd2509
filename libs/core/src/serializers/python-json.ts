import { SerializationError } from '../errors.js';
import { checkParsedDigits, decimalText, resolveIntMaxStrDigits } from '../limits/int-max-str-digits.js';
import { shortestDigits } from './float-digits.js';

/**
 * JSON exactly as Python's `json` module writes and reads it with Django's settings
 * (`separators=(',', ':')`, `ensure_ascii=True`, `allow_nan=True`).
 *
 * Why not JSON.stringify/parse: Django escapes every non-ASCII character (it decodes the bytes as
 * latin-1), formats floats with `repr`, writes NaN/Infinity, and keeps integers of any size.
 */

export interface PythonJsonLoadOptions {
  /** Deepest nesting accepted (Python would hit its recursion limit near 1000). */
  maxDepth?: number;
  /**
   * Longest integer accepted, in decimal digits (sign aside): Python's int_max_str_digits, default
   * the process-wide getIntMaxStrDigits() (4300); 0 for no limit. Longer ones are IntegerTooLong.
   */
  intMaxStrDigits?: number;
}

export interface PythonJsonDumpOptions {
  /** Longest integer written, as for loads: json.dumps refuses a longer one (IntegerTooLong). */
  intMaxStrDigits?: number;
}

const DEFAULT_MAX_DEPTH = 512;

// ---------------------------------------------------------------- dumps

/** A JSON string as Python's json.dumps writes it with ensure_ascii (the default). */
export function escapeString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code >= 0x20 && code <= 0x7e) out += value[i];
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code === 0x08) out += '\\b';
    else if (code === 0x0c) out += '\\f';
    // Everything else, surrogate halves included, as lower-case \uXXXX like Python.
    else out += '\\u' + code.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** Python's `repr(float)`: shortest round-trip digits, scientific outside 1e-4 <= |x| < 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const { sign, digits, exp } = shortestDigits(value);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1) || '0';
    return `${sign}${intPart}.${frac}`;
  }
  const rest = digits.length > 1 ? '.' + digits.slice(1) : '';
  const expAbs = String(Math.abs(exp)).padStart(2, '0');
  return `${sign}${digits[0]}${rest}e${exp < 0 ? '-' : '+'}${expAbs}`;
}

function dumpNumber(value: number): string {
  // JS cannot tell 1 from 1.0: safe integers are written as Python ints (Django reads them back
  // equal). Beyond 2^53 a number can only have been a float; Python ints that large load as BigInt.
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  return pythonFloatRepr(value);
}

function dumpValue(value: unknown, seen: Set<object>, digits: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return escapeString(value);
    case 'number':
      return dumpNumber(value);
    case 'bigint':
      return decimalText(value, digits);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new SerializationError(`Object of type ${typeof value} is not JSON serializable`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new SerializationError('Circular reference detected');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return '[' + obj.map((v) => dumpValue(v, seen, digits)).join(',') + ']';
    // A Map keeps insertion order for integer-like keys, which a plain object cannot.
    const entries: [unknown, unknown][] = obj instanceof Map ? [...obj.entries()] : isPlainObject(obj) ? Object.entries(obj) : unsupported(obj);
    return '{' + entries.map(([k, v]) => escapeString(dumpKey(k, digits)) + ':' + dumpValue(v, seen, digits)).join(',') + '}';
  } finally {
    seen.delete(obj);
  }
}

function dumpKey(key: unknown, digits: number): string {
  // Python converts int, float, bool and None keys to strings; others are an error.
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return dumpNumber(key);
  if (typeof key === 'bigint') return decimalText(key, digits);
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (key === null) return 'null';
  throw new SerializationError(`keys must be str, int, float, bool or None, not ${typeof key}`);
}

function isPlainObject(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  return proto === Object.prototype || proto === null;
}

function unsupported(obj: object): never {
  throw new SerializationError(`Object of type ${obj.constructor?.name ?? 'object'} is not JSON serializable`);
}

/** `json.dumps(value, separators=(',', ':'))`: ASCII-only text, byte for byte as Python writes it. */
export function pythonJsonDumps(value: unknown, options: PythonJsonDumpOptions = {}): string {
  return dumpValue(value, new Set(), resolveIntMaxStrDigits(options.intMaxStrDigits));
}

// ---------------------------------------------------------------- loads

// Values that JSON.parse would get wrong: NaN/Infinity tokens and integers beyond 2^53.
const NEEDS_SLOW_PATH = /NaN|Infinity|\d{16,}/;

/**
 * `json.loads`: accepts NaN/Infinity, returns integers beyond 2^53 as BigInt, last duplicate key
 * wins. Any syntax error is a SerializationError.
 */
export function pythonJsonLoads(text: string, options: PythonJsonLoadOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxDigits = resolveIntMaxStrDigits(options.intMaxStrDigits);
  if (!NEEDS_SLOW_PATH.test(text)) {
    try {
      return checkDepth(JSON.parse(text), maxDepth);
    } catch (err) {
      if (err instanceof SerializationError) throw err;
      throw new SerializationError(`Invalid JSON: ${(err as Error).message}`);
    }
  }
  return new Parser(text, maxDepth, maxDigits).parseDocument();
}

function checkDepth(value: unknown, maxDepth: number, depth = 0): unknown {
  if (value !== null && typeof value === 'object') {
    if (depth >= maxDepth) throw new SerializationError('JSON nested too deeply');
    for (const v of Object.values(value)) checkDepth(v, maxDepth, depth + 1);
  }
  return value;
}

const WS = new Set([' ', '\t', '\n', '\r']);
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = new Map([['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly maxDigits: number,
  ) {}

  parseDocument(): unknown {
    this.skipWs();
    const value = this.parseValue(0);
    this.skipWs();
    if (this.pos !== this.text.length) this.fail('Extra data');
    return value;
  }

  private fail(message: string): never {
    throw new SerializationError(`Invalid JSON: ${message} at position ${this.pos}`);
  }

  private skipWs(): void {
    while (WS.has(this.text[this.pos])) this.pos++;
  }

  private parseValue(depth: number): unknown {
    const ch = this.text[this.pos];
    if (ch === '{' || ch === '[') {
      if (depth >= this.maxDepth) this.fail('nested too deeply');
      return ch === '{' ? this.parseObject(depth + 1) : this.parseArray(depth + 1);
    }
    if (ch === '"') return this.parseString();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.parseNumber();
  }

  private parseObject(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail('Expecting property name enclosed in double quotes');
      const key = this.parseString();
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail("Expecting ':' delimiter");
      this.pos++;
      this.skipWs();
      // defineProperty keeps "__proto__" an ordinary own key, as JSON.parse does.
      Object.defineProperty(out, key, { value: this.parseValue(depth), enumerable: true, writable: true, configurable: true });
      this.skipWs();
      const sep = this.text[this.pos++];
      if (sep === '}') return out;
      if (sep !== ',') this.fail("Expecting ',' delimiter");
    }
  }

  private parseArray(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.parseValue(depth));
      this.skipWs();
      const sep = this.text[this.pos++];
      if (sep === ']') return out;
      if (sep !== ',') this.fail("Expecting ',' delimiter");
    }
  }

  private parseString(): string {
    const text = this.text;
    this.pos++;
    // Runs of plain characters are copied as one slice: appending one character at a time would
    // build a rope of millions of nodes for a long string.
    let out = '';
    let run = this.pos;
    for (;;) {
      const code = text.charCodeAt(this.pos);
      if (code === 0x22 || code === 0x5c || code < 0x20 || Number.isNaN(code)) {
        out += text.slice(run, this.pos);
        if (Number.isNaN(code)) this.fail('Unterminated string');
        if (code === 0x22) break;
        if (code < 0x20) this.fail('Invalid control character');
        // Python's escapes are JSON's: \uXXXX (surrogate halves kept as they are) and eight single letters.
        const next = text[this.pos + 1];
        if (next === 'u') {
          const hex = text.slice(this.pos + 2, this.pos + 6);
          if (!HEX4.test(hex)) this.fail('Invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          const simple = next === undefined ? undefined : SIMPLE_ESCAPES.get(next);
          if (simple === undefined) this.fail('Invalid \\escape');
          out += simple;
          this.pos += 2;
        }
        run = this.pos;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return out;
  }

  private parseNumber(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('Expecting value');
    const literal = match[0];
    this.pos += literal.length;
    if (/^-?\d+$/.test(literal)) {
      // json.loads calls int() on the digits, which refuses more than int_max_str_digits of them.
      checkParsedDigits(literal.length - (literal[0] === '-' ? 1 : 0), this.maxDigits);
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  }
}

const LITERALS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

import { SerializationError } from '../../errors.js';
import { phpFloatText } from './php-float.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * PHP's `serialize()`, the `php_serialize` session handler format. Strings are written as UTF-8
 * with their length in bytes; Buffers as raw bytes; JS arrays as PHP lists (keys 0..n-1); objects
 * and Maps as PHP arrays, with integer-like keys written as ints the way PHP itself normalises them.
 */
export function phpSerialize(value: unknown): Buffer {
  const parts: Buffer[] = [];
  write(value, parts, new Set());
  return Buffer.concat(parts);
}

function write(value: unknown, out: Buffer[], seen: Set<object>): void {
  if (value === null || value === undefined) {
    out.push(Buffer.from('N;'));
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(Buffer.from(value ? 'b:1;' : 'b:0;'));
      return;
    case 'number':
      out.push(Buffer.from(Number.isSafeInteger(value) && !Object.is(value, -0) ? `i:${value};` : `d:${phpFloatText(value)};`));
      return;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) throw new SerializationError('Integer out of PHP int range');
      out.push(Buffer.from(`i:${value};`));
      return;
    case 'string':
      writeString(Buffer.from(value, 'utf8'), out);
      return;
    case 'object':
      break;
    default:
      throw new SerializationError(`Cannot PHP-serialize a ${typeof value}`);
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    writeString(Buffer.from(value), out);
    return;
  }
  const obj = value as object;
  if (seen.has(obj)) throw new SerializationError('Circular reference detected');
  const entries = Array.isArray(obj)
    ? obj.map((v, i) => [i, v] as [unknown, unknown])
    : obj instanceof Map
      ? [...obj.entries()]
      : isPlainObject(obj)
        ? Object.entries(obj)
        : unsupported(obj);
  seen.add(obj);
  out.push(Buffer.from(`a:${entries.length}:{`));
  for (const [key, v] of entries) {
    writeKey(key, out);
    write(v, out, seen);
  }
  out.push(Buffer.from('}'));
  seen.delete(obj);
}

// PHP stores "5" and 5 as the same integer key; "05", "-0" and "1.5" stay strings.
const PHP_INT_KEY = /^(0|-?[1-9][0-9]*)$/;

function writeKey(key: unknown, out: Buffer[]): void {
  if (typeof key === 'number' && Number.isSafeInteger(key)) out.push(Buffer.from(`i:${key};`));
  else if (typeof key === 'string' && PHP_INT_KEY.test(key) && Number.isSafeInteger(Number(key))) out.push(Buffer.from(`i:${key};`));
  else if (typeof key === 'string') writeString(Buffer.from(key, 'utf8'), out);
  else throw new SerializationError(`PHP array keys must be strings or integers, not ${typeof key}`);
}

function writeString(bytes: Buffer, out: Buffer[]): void {
  out.push(Buffer.from(`s:${bytes.length}:"`), bytes, Buffer.from('";'));
}

function isPlainObject(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  return proto === Object.prototype || proto === null;
}

function unsupported(obj: object): never {
  throw new SerializationError(`Cannot PHP-serialize a ${obj.constructor?.name ?? 'object'}`);
}

import { SerializationError } from '../../errors.js';
import { PHP_INT_MAX, PHP_INT_MIN, phpIntegerKey } from './php-array-key.js';
import { phpFloatText } from './php-float.js';
import { isWellFormedUtf16 } from './utf8.js';

/**
 * PHP's `serialize()`, the `php_serialize` session handler format.
 *
 * null -> `N;`, booleans -> `b:`, safe integers and BigInts (int64) -> `i:`, other numbers -> `d:`
 * (PHP >= 7.1 text), strings -> UTF-8 with their byte length, Buffers/Uint8Arrays -> raw bytes,
 * JS arrays -> PHP arrays keyed 0..n-1, plain objects -> PHP arrays whose canonical integer keys
 * ("5", not "05") are written as ints, as PHP itself stores them. Anything else (undefined, Date,
 * Map, Set, class instances, functions, symbols, cycles) is a SerializationError.
 */
export function phpSerialize(value: unknown): Buffer {
  const out = new Output();
  try {
    write(value, out, new Set());
  } catch (error) {
    // Absurdly deep input can exhaust the JS stack; report it like any other unserializable value.
    if (error instanceof RangeError) throw new SerializationError('Value nested too deeply to PHP-serialize');
    throw error;
  }
  return out.finish();
}

/** Collects text (encoded to UTF-8 once, at the end) and raw byte strings, in order. */
class Output {
  private readonly chunks: Buffer[] = [];
  private text: string[] = [];

  add(text: string): void {
    this.text.push(text);
  }

  addBytes(bytes: Uint8Array): void {
    this.flush();
    this.chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private flush(): void {
    if (this.text.length) this.chunks.push(Buffer.from(this.text.join(''), 'utf8'));
    this.text = [];
  }
}

function write(value: unknown, out: Output, open: Set<object>): void {
  switch (typeof value) {
    case 'boolean':
      out.add(value ? 'b:1;' : 'b:0;');
      return;
    case 'number':
      // JS cannot tell 1 from 1.0: safe integers are PHP ints, everything else a PHP float.
      out.add(Number.isSafeInteger(value) && !Object.is(value, -0) ? `i:${value};` : `d:${phpFloatText(value)};`);
      return;
    case 'bigint':
      if (value < PHP_INT_MIN || value > PHP_INT_MAX) throw new SerializationError('Integer out of PHP int range');
      out.add(`i:${value};`);
      return;
    case 'string':
      writeText(value, out);
      return;
    case 'object':
      if (value === null) {
        out.add('N;');
        return;
      }
      break;
    default:
      throw new SerializationError(`Cannot PHP-serialize a ${typeof value}`);
  }
  if (value instanceof Uint8Array) {
    out.add(`s:${value.byteLength}:"`);
    out.addBytes(value);
    out.add('";');
    return;
  }
  if (open.has(value)) throw new SerializationError('Circular reference detected');
  open.add(value);
  if (Array.isArray(value)) {
    out.add(`a:${value.length}:{`);
    // Index loop, not map(): holes read as undefined and are refused, never skipped.
    for (let i = 0; i < value.length; i++) {
      out.add(`i:${i};`);
      write(value[i], out, open);
    }
  } else if (isPlainObject(value)) {
    const entries = Object.entries(value);
    out.add(`a:${entries.length}:{`);
    for (const [key, v] of entries) {
      const asInt = phpIntegerKey(key);
      if (asInt === null) writeText(key, out);
      else out.add(`i:${asInt};`);
      write(v, out, open);
    }
  } else {
    throw new SerializationError(`Cannot PHP-serialize a ${value.constructor?.name ?? 'object'}`);
  }
  out.add('}');
  open.delete(value);
}

function writeText(text: string, out: Output): void {
  // Node would silently turn a lone surrogate into U+FFFD; Python and PHP never see such text.
  if (!isWellFormedUtf16(text)) throw new SerializationError('String has an unpaired surrogate and is not valid UTF-8');
  out.add(`s:${Buffer.byteLength(text, 'utf8')}:"${text}";`);
}

function isPlainObject(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  return proto === Object.prototype || proto === null;
}

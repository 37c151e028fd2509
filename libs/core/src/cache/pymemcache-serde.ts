import { ImproperlyConfigured, PicklingError, SerializationError } from '../errors.js';
import { pickleDumps } from '../serializers/pickle/pickle-dumps.js';
import { unpickle, type UnpickleOptions } from '../serializers/pickle/unpickle.js';
import { isWellFormedUtf16 } from '../serializers/php/utf8.js';
import { isPythonInt, parsePythonInt, pythonIntBytes } from './python-int.js';

/** pymemcache.serde's flags: the type of a value, kept in memcached's per-item flags field. */
export const PYMEMCACHE_FLAGS = {
  BYTES: 0,
  PICKLE: 1 << 0,
  INTEGER: 1 << 1,
  LONG: 1 << 2,
  /** Set only by pymemcache 4's CompressedSerde, which Django does not use; pickle_serde returns such bytes as they are. */
  COMPRESSED: 1 << 3,
  TEXT: 1 << 4,
} as const;

/** One memcached item: its bytes and its flags. */
export interface MemcachedEntry {
  value: Buffer;
  flags: number;
}

export interface PymemcacheSerdeOptions {
  /** PickleSerde's pickle_version: pymemcache's default is pickle.HIGHEST_PROTOCOL, 5 on Python 3.8+ (4 on 3.6/3.7). */
  pickleProtocol?: number;
  /** Limits for reading pickled values. */
  unpickle?: UnpickleOptions;
  /**
   * Python's int_max_str_digits for entries flagged as integers, read and written (default
   * getIntMaxStrDigits(), 4300; 0 for none); pickled values take theirs from `unpickle`.
   */
  intMaxStrDigits?: number;
}

// fatal: bad UTF-8 raises, as bytes.decode('utf8') does; ignoreBOM: a leading U+FEFF is text there too.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `pymemcache.serde.pickle_serde.serialize`, the serde Django's PyMemcacheCache configures: bytes
 * (Buffer/Uint8Array) as they are with flags 0; str as UTF-8 with TEXT; an int (a safe integer
 * number, or a bigint) as its decimal digits with INTEGER; anything else (None, bool, float, dict,
 * list...) pickled with PICKLE. Python checks exact types, so True is pickled, not an int; a number
 * that is not a safe integer is a float, as pickleDumps writes it. What pickleDumps refuses, and
 * strings with unpaired surrogates, are a PicklingError.
 */
export function pymemcacheSerialize(value: unknown, options: PymemcacheSerdeOptions = {}): MemcachedEntry {
  const protocol = options.pickleProtocol ?? 5;
  if (!Number.isInteger(protocol) || protocol < 2 || protocol > 5) throw new ImproperlyConfigured(`pickle_version must be 2 to 5, not ${String(protocol)}`);
  if (value instanceof Uint8Array) return { value: Buffer.from(value), flags: PYMEMCACHE_FLAGS.BYTES };
  if (typeof value === 'string') {
    if (!isWellFormedUtf16(value)) throw new PicklingError('Cannot store a string with an unpaired surrogate (Python cannot encode it to UTF-8)');
    return { value: Buffer.from(value, 'utf8'), flags: PYMEMCACHE_FLAGS.TEXT };
  }
  if (isPythonInt(value)) return { value: pythonIntBytes(value, options.intMaxStrDigits), flags: PYMEMCACHE_FLAGS.INTEGER };
  return { value: pickleDumps(value, { protocol }), flags: PYMEMCACHE_FLAGS.PICKLE };
}

/**
 * `pymemcache.serde.python_memcache_deserializer`: flags 0 are bytes (a Buffer); otherwise TEXT,
 * then INTEGER or LONG, then PICKLE decide, in that order; any other flags give the bytes as they
 * are. Where pymemcache raises (bad UTF-8, bad digits) or, for a bad pickle, logs and returns None,
 * this throws SerializationError: the caller treats the entry as unreadable, never as a value.
 */
export function pymemcacheDeserialize(entry: MemcachedEntry, options: PymemcacheSerdeOptions = {}): unknown {
  const { value, flags } = entry;
  if (flags === 0) return Buffer.from(value);
  if (flags & PYMEMCACHE_FLAGS.TEXT) {
    try {
      return utf8.decode(value);
    } catch {
      throw new SerializationError('A memcached entry flagged as text is not valid UTF-8');
    }
  }
  if (flags & (PYMEMCACHE_FLAGS.INTEGER | PYMEMCACHE_FLAGS.LONG)) {
    const int = parsePythonInt(value, options.intMaxStrDigits);
    if (int === null) throw new SerializationError('A memcached entry flagged as an integer is not one');
    return int;
  }
  if (flags & PYMEMCACHE_FLAGS.PICKLE) {
    try {
      return unpickle(value, options.unpickle);
    } catch (err) {
      if (err instanceof SerializationError) throw err;
      throw new SerializationError(`A pickled memcached entry does not unpickle: ${(err as Error).message}`);
    }
  }
  return Buffer.from(value);
}

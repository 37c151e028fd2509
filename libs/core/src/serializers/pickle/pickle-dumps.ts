import { ImproperlyConfigured, PicklingError } from '../../errors.js';
import { PickleLeaves, type UtcTzinfo } from './pickle-leaves.js';
import { writeFloat, writeInt } from './pickle-numbers.js';
import { OP } from './pickle-opcodes.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';
import { PyFloat, PyTuple } from './python-values.js';

export interface PickleDumpsOptions {
  /**
   * 2 to 5 (default 5, `pickle.HIGHEST_PROTOCOL` since Python 3.8: Django's RedisCache,
   * PyMemcacheCache through pymemcache's serde, and its db, file and locmem caches). django-redis
   * 5.1+ uses `pickle.DEFAULT_PROTOCOL`: 4 up to Python 3.13, 5 from 3.14.
   */
  protocol?: number;
  /**
   * Equal strings are one Python object, written once and then referenced (default), as CPython
   * writes interned strings: literals, identifiers, names. `false`: each occurrence is its own
   * object, as strings CPython builds at run time (decoded from JSON, a database, a pickle) are,
   * except the empty string and one-character Latin-1 strings, which CPython keeps one of each.
   */
  shareStrings?: boolean;
  /** The tzinfo of `Date` values: `datetime.timezone.utc` (default; Django 4.0+'s `timezone.now()`) or `pytz.utc` (Django 3.2's). */
  tzinfo?: UtcTzinfo;
  /** Deepest container nesting written (default 128, the reader's default `maxDepth`). */
  maxDepth?: number;
}

const BATCH = 1000; // CPython's BATCHSIZE for APPENDS and SETITEMS
type DictKey = string | number | bigint;

/**
 * Writes `value` as CPython's `pickle.dumps(value, protocol)` would, byte for byte, for the safe
 * subset unpickle reads: null, booleans, numbers (safe integers as int, the rest as float), bigint,
 * strings, Uint8Array/Buffer (bytes), arrays (list), PyTuple, PyFloat, plain objects and Maps with
 * str or int keys (dict), NaiveDateTime and PyDate, and Date (an aware datetime in UTC). Shared
 * objects are memo references, as in CPython; anything else, cycles, lone surrogates and nesting
 * beyond `maxDepth` are a PicklingError, and nothing is written.
 *
 * Only the pickle: Django's RedisCache and django-redis store an `int` as a plain Redis integer,
 * and pymemcache stores int, str and bytes unpickled with their own flags; callers handle those.
 */
export function pickleDumps(value: unknown, options: PickleDumpsOptions = {}): Buffer {
  const protocol = options.protocol ?? 5;
  const maxDepth = options.maxDepth ?? 128;
  const tzinfo = options.tzinfo ?? 'timezone.utc';
  if (!Number.isInteger(protocol) || protocol < 2 || protocol > 5) throw new ImproperlyConfigured(`pickle protocol must be 2 to 5, not ${protocol}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new ImproperlyConfigured(`maxDepth must be a positive integer, not ${maxDepth}`);
  if (tzinfo !== 'timezone.utc' && tzinfo !== 'pytz.utc') throw new ImproperlyConfigured(`tzinfo must be 'timezone.utc' or 'pytz.utc', not ${String(tzinfo)}`);
  try {
    return new Pickler(protocol, options.shareStrings ?? true, tzinfo, maxDepth).dump(value);
  } catch (error) {
    if (error instanceof RangeError) throw new PicklingError(`Cannot pickle this value: ${error.message}`);
    throw error;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** CPython's C pickler for the containers and scalars; the memoized leaves come from PickleLeaves. */
class Pickler extends PickleLeaves {
  /** Containers being written: meeting one again is a cycle. */
  private readonly open = new Set<object>();

  constructor(
    protocol: number,
    shareStrings: boolean,
    tzinfo: UtcTzinfo,
    private readonly maxDepth: number,
  ) {
    super(protocol, shareStrings, tzinfo);
  }

  dump(value: unknown): Buffer {
    this.out.opU8(OP.PROTO, this.protocol);
    if (this.protocol >= 4) this.out.startFraming();
    this.save(value, 0);
    this.out.op(OP.STOP);
    return this.out.finish();
  }

  /** Writes one value at nesting `depth`; returns its height (containers nested in it, itself included). */
  private save(value: unknown, depth: number): number {
    this.out.boundary();
    switch (typeof value) {
      case 'string':
        this.saveUserText(value);
        return 0;
      case 'number':
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) writeInt(this.out, value);
        else writeFloat(this.out, value);
        return 0;
      case 'bigint':
        writeInt(this.out, value);
        return 0;
      case 'boolean':
        this.out.op(value ? OP.NEWTRUE : OP.NEWFALSE);
        return 0;
      case 'object':
        if (value === null) {
          this.out.op(OP.NONE);
          return 0;
        }
        return this.saveObject(value, depth);
      default:
        throw new PicklingError(`Cannot pickle a value of type ${typeof value}`);
    }
  }

  private saveObject(value: object, depth: number): number {
    if (value instanceof PyFloat) {
      if (typeof value.value !== 'number') throw new PicklingError('PyFloat holds a non-number');
      writeFloat(this.out, value.value);
      return 0;
    }
    if (this.open.has(value)) throw new PicklingError('Cannot pickle a cyclic structure (the reader refuses cycles)');
    const known = this.memo.objects.get(value);
    if (known) {
      if (depth + known.height > this.maxDepth) throw this.tooDeep();
      this.memo.get(known.index);
      return known.height;
    }
    if (value instanceof Uint8Array) {
      this.saveBytes(value);
      return 0;
    }
    if (value instanceof NaiveDateTime || value instanceof PyDate || value instanceof Date) {
      this.saveDateTime(value);
      return 0;
    }
    const isDict = value instanceof Map || isPlainObject(value);
    if (!Array.isArray(value) && !(value instanceof PyTuple) && !isDict) {
      throw new PicklingError(`Cannot pickle a value of type ${value.constructor?.name ?? 'object'}: outside the safe pickle subset`);
    }
    if (depth >= this.maxDepth) throw this.tooDeep();
    this.open.add(value);
    const height = Array.isArray(value) ? this.saveList(value, depth) : value instanceof PyTuple ? this.saveTuple(value, depth) : this.saveDict(value, dictEntries(value), depth);
    this.open.delete(value);
    return height;
  }

  private tooDeep(): PicklingError {
    return new PicklingError(`Value nested deeper than maxDepth (${this.maxDepth})`);
  }

  private saveList(list: readonly unknown[], depth: number): number {
    this.out.op(OP.EMPTY_LIST);
    const index = this.memo.put();
    let below = 0;
    if (list.length === 1) {
      below = this.save(list[0], depth + 1);
      this.out.op(OP.APPEND);
    } else if (list.length > 1) {
      for (let start = 0; start < list.length; start += BATCH) {
        this.out.op(OP.MARK);
        for (let i = start; i < Math.min(start + BATCH, list.length); i++) below = Math.max(below, this.save(list[i], depth + 1));
        this.out.op(OP.APPENDS);
      }
    }
    this.memo.objects.set(list, { index, height: below + 1 });
    return below + 1;
  }

  private saveTuple(tuple: PyTuple, depth: number): number {
    const { items } = tuple;
    // The empty tuple is one object in CPython and is never memoized.
    if (items.length === 0) {
      this.out.op(OP.EMPTY_TUPLE);
      return 1;
    }
    if (items.length > 3) this.out.op(OP.MARK);
    let below = 0;
    for (const item of items) below = Math.max(below, this.save(item, depth + 1));
    this.out.op(items.length > 3 ? OP.TUPLE : [OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][items.length - 1]);
    this.memo.objects.set(tuple, { index: this.memo.put(), height: below + 1 });
    return below + 1;
  }

  private saveDict(dict: object, entries: [DictKey, unknown][], depth: number): number {
    this.out.op(OP.EMPTY_DICT);
    const index = this.memo.put();
    let below = 0;
    const saveEntry = ([key, value]: [DictKey, unknown]) => {
      this.save(key, depth + 1);
      below = Math.max(below, this.save(value, depth + 1));
    };
    if (entries.length === 1) {
      saveEntry(entries[0]);
      this.out.op(OP.SETITEM);
    } else if (entries.length > 1) {
      // CPython's batch_dict_exact: a dict whose last batch is full ends with an empty MARK SETITEMS.
      let pos = 0;
      let count: number;
      do {
        this.out.op(OP.MARK);
        for (count = 0; pos < entries.length && count < BATCH; count++) saveEntry(entries[pos++]);
        this.out.op(OP.SETITEMS);
      } while (count === BATCH);
    }
    this.memo.objects.set(dict, { index, height: below + 1 });
    return below + 1;
  }
}

/** A dict's items in order: a Map's as inserted (str or int keys), an object's own enumerable string keys. */
function dictEntries(value: object): [DictKey, unknown][] {
  if (!(value instanceof Map)) {
    if (Object.getOwnPropertySymbols(value).some((s) => Object.prototype.propertyIsEnumerable.call(value, s))) {
      throw new PicklingError('Cannot pickle an object with symbol keys');
    }
    return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
  }
  // The reader turns int keys into their decimal text: 1 and '1' (or 1 and 1n) would become one key.
  const seen = new Set<string>();
  const entries: [DictKey, unknown][] = [];
  for (const [key, item] of value) {
    if (typeof key !== 'string' && typeof key !== 'bigint' && !(typeof key === 'number' && Number.isSafeInteger(key))) {
      throw new PicklingError('dict keys must be str or int (a string, a safe integer or a bigint)');
    }
    const text = String(key);
    if (seen.has(text)) throw new PicklingError(`Map has two keys that read back as "${text}"`);
    seen.add(text);
    entries.push([key, item]);
  }
  return entries;
}

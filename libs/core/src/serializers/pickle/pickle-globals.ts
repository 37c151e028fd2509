import { SerializationError } from '../../errors.js';
import { assertTimeZone } from '../../time/time-zone.js';
import { decodeDateState, decodeDateTimeState } from './datetime-state.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';
import { wallTimeToInstant as zoneWallTimeToInstant } from '../../time/time-zone.js';

/**
 * The globals a pickle may name. Each one is a plain JS function that validates its arguments and
 * builds data; no Python name is ever resolved to code. This is the whole trust boundary.
 */

/** A global named by GLOBAL/STACK_GLOBAL, waiting for REDUCE. Never part of a result. */
export class GlobalRef {
  constructor(readonly name: string) {}
}

/** A tzinfo: a fixed offset (microseconds east of UTC) or an IANA zone read through Intl. Never part of a result. */
export class TzRef {
  constructor(
    readonly offsetMicros: number | null,
    readonly zone: string | null = null,
  ) {}
}

/** A timedelta, allowed only as the offset of `datetime.timezone`. Never part of a result. */
export class TimedeltaRef {
  constructor(readonly micros: number) {}
}

type Reducer = (args: unknown[]) => unknown;

const UTC = new TzRef(0);
const MAX_OFFSET_MICROS = 86_400_000_000; // Python requires |offset| < 1 day.
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function fail(what: string): never {
  throw new SerializationError(`Invalid pickle: ${what}`);
}

/** datetime(state[, tzinfo]): naive -> NaiveDateTime, aware -> the exact instant as a JS Date (ms). */
function datetimeReducer(args: unknown[]): NaiveDateTime | Date {
  if (args.length < 1 || args.length > 2) fail('datetime takes (state[, tzinfo])');
  const { wall, fold } = decodeDateTimeState(args[0]);
  const tz = args[1] ?? null;
  if (tz === null) return wall;
  if (!(tz instanceof TzRef)) fail('datetime tzinfo is not an allowed time zone');
  // Whole seconds first; the microseconds are added exactly and then truncated to milliseconds.
  const wallSeconds = new NaiveDateTime(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second).wallClockMs();
  if (tz.offsetMicros === null) {
    const instant = zoneWallTimeToInstant(tz.zone as string, wallSeconds, fold);
    return new Date(instant + Math.floor(wall.microsecond / 1000));
  }
  return new Date(wallSeconds + Math.floor((wall.microsecond - tz.offsetMicros) / 1000));
}

function dateReducer(args: unknown[]): PyDate {
  if (args.length !== 1) fail('date takes (state)');
  return decodeDateState(args[0]);
}

function timedeltaReducer(args: unknown[]): TimedeltaRef {
  const [days = 0, seconds = 0, micros = 0] = args;
  if (args.length > 3 || !isInt(days) || !isInt(seconds) || !isInt(micros) || Math.abs(days) > 999_999_999) fail('bad timedelta');
  return new TimedeltaRef(days * 86_400_000_000 + seconds * 1_000_000 + micros);
}

function offsetChecked(micros: number): number {
  if (!Number.isSafeInteger(micros) || Math.abs(micros) >= MAX_OFFSET_MICROS) fail('time zone offset out of range');
  return micros;
}

/** datetime.timezone(offset[, name]); timezone.utc pickles as timezone(timedelta(0)). */
function timezoneReducer(args: unknown[]): TzRef {
  const [delta, name] = args;
  if (args.length < 1 || args.length > 2 || !(delta instanceof TimedeltaRef) || (name !== undefined && typeof name !== 'string')) fail('bad datetime.timezone');
  return new TzRef(offsetChecked(delta.micros));
}

/**
 * pytz pickles zones as _p(zone[, utcoffset, dst, tzname]) (seconds). With an offset, that offset
 * is exactly what the datetime had (pytz localized it); without, the zone is static.
 */
function pytzReducer(args: unknown[]): TzRef {
  const [zone, utcoffset, dst, tzname] = args;
  if (typeof zone !== 'string' || (args.length !== 1 && args.length !== 4)) fail('bad pytz._p arguments');
  if (args.length === 4) {
    if (!isInt(utcoffset) || !isInt(dst) || typeof tzname !== 'string') fail('bad pytz._p offset');
    return new TzRef(offsetChecked(utcoffset * 1_000_000));
  }
  return zoneRef(zone);
}

/** zoneinfo.ZoneInfo._unpickle(key, from_cache). */
function zoneInfoReducer(args: unknown[]): TzRef {
  const [key, fromCache] = args;
  if (args.length !== 2 || typeof key !== 'string' || !isInt(fromCache)) fail('bad ZoneInfo._unpickle arguments');
  return zoneRef(key);
}

function zoneRef(zone: string): TzRef {
  if (zone === 'UTC') return UTC;
  try {
    return new TzRef(null, assertTimeZone(zone));
  } catch {
    return fail(`unknown time zone "${zone}"`);
  }
}

/** Protocols 0-2 write bytes as _codecs.encode(latin-1 text, 'latin1'). */
function codecsEncodeReducer(args: unknown[]): Buffer {
  const [text, encoding] = args;
  if (args.length !== 2 || typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) fail('_codecs.encode is allowed only for latin1 bytes');
  if (/[^\u0000-\u00ff]/.test(text)) fail('latin1 bytes text out of range');
  return Buffer.from(text, 'latin1');
}

/** ... and empty bytes as bytes(). */
function emptyBytesReducer(args: unknown[]): Buffer {
  if (args.length !== 0) fail('bytes() is allowed only without arguments');
  return Buffer.alloc(0);
}

/** Python pickles ZoneInfo's classmethod as getattr(ZoneInfo, '_unpickle'): that call and no other. */
function getattrReducer(args: unknown[]): GlobalRef {
  const [owner, attribute] = args;
  if (args.length === 2 && owner instanceof GlobalRef && owner.name === 'zoneinfo.ZoneInfo' && attribute === '_unpickle') {
    return new GlobalRef('zoneinfo.ZoneInfo._unpickle');
  }
  return fail('getattr is allowed only for zoneinfo.ZoneInfo._unpickle');
}

const REDUCERS = new Map<string, Reducer>([
  ['datetime.datetime', datetimeReducer],
  ['datetime.date', dateReducer],
  ['datetime.timedelta', timedeltaReducer],
  ['datetime.timezone', timezoneReducer],
  ['pytz._UTC', (args) => (args.length === 0 ? UTC : fail('pytz._UTC takes no arguments'))],
  ['pytz._p', pytzReducer],
  ['zoneinfo.ZoneInfo._unpickle', zoneInfoReducer],
  ['_codecs.encode', codecsEncodeReducer],
  ['builtins.bytes', emptyBytesReducer],
  ['builtins.getattr', getattrReducer],
]);

/** Names that may appear only as an argument (getattr's owner), never be called. */
const NAME_ONLY = new Set(['zoneinfo.ZoneInfo']);

// Protocols 0-2 spell Python 3's builtins module the Python 2 way (fix_imports).
const MODULE_ALIASES: Record<string, string> = { __builtin__: 'builtins' };

/** GLOBAL / STACK_GLOBAL: a reference to an allowed name, or a SerializationError. */
export function lookupGlobal(module: string, name: string): GlobalRef {
  const full = `${MODULE_ALIASES[module] ?? module}.${name}`;
  if (!REDUCERS.has(full) && !NAME_ONLY.has(full)) fail(`global ${module}.${name} is not allowed`);
  return new GlobalRef(full);
}

/** REDUCE: call an allowed global with a tuple of already-built arguments. */
export function callGlobal(ref: GlobalRef, args: unknown[]): unknown {
  const reducer = REDUCERS.get(ref.name);
  if (!reducer) fail(`${ref.name} cannot be called`);
  return reducer(args);
}

import { SerializationError } from '../../errors.js';
import { assertTimeZone, wallTimeToInstant } from '../../time/time-zone.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';

/** A global named by GLOBAL/STACK_GLOBAL; only the allow-listed ones below can ever be called. */
export class GlobalRef {
  constructor(readonly name: string) {}
}

/** A tzinfo seen while unpickling: a fixed offset, or an IANA zone resolved through Intl. */
export class TzRef {
  constructor(
    readonly offsetSeconds: number | null,
    readonly zone: string | null = null,
  ) {}

  /** Offset in minutes east of UTC for a wall-clock time in this zone. */
  offsetMinutesAt(wall: NaiveDateTime): number {
    if (this.offsetSeconds !== null) return this.offsetSeconds / 60;
    const wallMs = wall.wallClockMs();
    return (wallMs - wallTimeToInstant(this.zone as string, wallMs)) / 60_000;
  }
}

class TimedeltaRef {
  constructor(readonly totalSeconds: number) {}
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function stateBytes(v: unknown, length: number, what: string): Buffer {
  if (!Buffer.isBuffer(v) || v.length !== length) throw new SerializationError(`Bad ${what} state in pickle`);
  return v;
}

function tzArg(v: unknown): TzRef | null {
  if (v === undefined || v === null) return null;
  if (v instanceof TzRef) return v;
  throw new SerializationError('Unsupported tzinfo in pickle');
}

function makeDateTime(args: unknown[]): NaiveDateTime | Date {
  if (args.length < 1 || args.length > 2) throw new SerializationError('Bad datetime arguments in pickle');
  const s = stateBytes(args[0], 10, 'datetime');
  // The month byte carries the fold flag in its high bit (protocol 4+).
  const wall = new NaiveDateTime(s[0] * 256 + s[1], s[2] & 0x7f, s[3], s[4], s[5], s[6], (s[7] << 16) | (s[8] << 8) | s[9]);
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > 31 || wall.hour > 23 || wall.minute > 59 || wall.second > 59 || wall.microsecond > 999_999) {
    throw new SerializationError('Out-of-range datetime in pickle');
  }
  const tz = tzArg(args[1]);
  return tz ? wall.toDate(tz.offsetMinutesAt(wall)) : wall;
}

function makeDate(args: unknown[]): PyDate {
  if (args.length !== 1) throw new SerializationError('Bad date arguments in pickle');
  const s = stateBytes(args[0], 4, 'date');
  const date = new PyDate(s[0] * 256 + s[1], s[2], s[3]);
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) throw new SerializationError('Out-of-range date in pickle');
  return date;
}

function makeTimedelta(args: unknown[]): TimedeltaRef {
  const [days = 0, seconds = 0, micro = 0] = args;
  if (args.length > 3 || !isInt(days) || !isInt(seconds) || !isInt(micro)) throw new SerializationError('Bad timedelta in pickle');
  return new TimedeltaRef(days * 86_400 + seconds + micro / 1e6);
}

function makeTimezone(args: unknown[]): TzRef {
  const [delta, name] = args;
  if (!(delta instanceof TimedeltaRef) || args.length > 2 || (name !== undefined && typeof name !== 'string')) throw new SerializationError('Bad timezone in pickle');
  if (Math.abs(delta.totalSeconds) >= 86_400) throw new SerializationError('Out-of-range timezone in pickle');
  return new TzRef(delta.totalSeconds);
}

function makePytz(args: unknown[]): TzRef {
  const [zone, utcoffset] = args;
  if (typeof zone !== 'string' || args.length > 4) throw new SerializationError('Bad pytz zone in pickle');
  if (utcoffset !== undefined) {
    if (!isInt(utcoffset) || Math.abs(utcoffset) >= 86_400) throw new SerializationError('Bad pytz offset in pickle');
    return new TzRef(utcoffset);
  }
  return zone === 'UTC' ? new TzRef(0) : new TzRef(null, checkedZone(zone));
}

function makeZoneInfo(args: unknown[]): TzRef {
  const [key] = args;
  if (typeof key !== 'string' || args.length > 2) throw new SerializationError('Bad zoneinfo key in pickle');
  return key === 'UTC' ? new TzRef(0) : new TzRef(null, checkedZone(key));
}

function checkedZone(zone: string): string {
  try {
    return assertTimeZone(zone);
  } catch {
    throw new SerializationError(`Unknown time zone "${zone}" in pickle`);
  }
}

function makeBytesFromText(args: unknown[]): Buffer {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1') || args.length !== 2) throw new SerializationError('Bad _codecs.encode call in pickle');
  return Buffer.from(text, 'latin1');
}

function makeEmptyBytes(args: unknown[]): Buffer {
  if (args.length !== 0) throw new SerializationError('Bad bytes() call in pickle');
  return Buffer.alloc(0);
}

/**
 * The only callables a pickle may name: those that rebuild dates, times and time zones, and the
 * way protocols 0-2 spell bytes. Each validates its arguments; nothing else is ever invoked.
 */
export const SAFE_REDUCERS: ReadonlyMap<string, (args: unknown[]) => unknown> = new Map<string, (args: unknown[]) => unknown>([
  ['datetime.datetime', makeDateTime],
  ['datetime.date', makeDate],
  ['datetime.timedelta', makeTimedelta],
  ['datetime.timezone', makeTimezone],
  ['pytz._UTC', (args) => (args.length === 0 ? new TzRef(0) : makePytz(args))],
  ['pytz._p', makePytz],
  ['zoneinfo.ZoneInfo._unpickle', makeZoneInfo],
  ['_codecs.encode', makeBytesFromText],
  ['builtins.bytes', makeEmptyBytes],
  ['__builtin__.bytes', makeEmptyBytes],
]);

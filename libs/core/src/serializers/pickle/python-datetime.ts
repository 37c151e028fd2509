/**
 * Python's `datetime.date` and naive `datetime.datetime`, which JS has no type for. Aware
 * datetimes read from pickles become plain JS Dates instead (an instant needs no extra type).
 */

/** Python `datetime.date`: a calendar day without time or zone. */
export class PyDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** `date.isoformat()`: YYYY-MM-DD. */
  toISOString(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }

  toJSON(): string {
    return this.toISOString();
  }
}

/**
 * A naive Python `datetime` (no tzinfo): a wall-clock time whose zone the reader must decide
 * (Django: TIME_ZONE when USE_TZ is False). Keeps Python's microsecond precision.
 */
export class NaiveDateTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
  ) {}

  /** `datetime.isoformat()`: the fraction only when non-zero, always six digits, as Python writes it. */
  toISOString(): string {
    const base = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}T${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    return this.microsecond ? `${base}.${pad(this.microsecond, 6)}` : base;
  }

  toJSON(): string {
    return this.toISOString();
  }

  /**
   * The instant this wall time denotes at a fixed UTC offset (minutes east of UTC, e.g. 60 for
   * +01:00). A JS Date has millisecond precision: the microseconds are truncated.
   */
  toDate(offsetMinutes = 0): Date {
    return new Date(this.wallClockMs() - offsetMinutes * 60_000);
  }

  /** Milliseconds of the wall time read as if it were UTC (years 0-99 included). */
  wallClockMs(): number {
    const d = new Date(0);
    d.setUTCFullYear(this.year, this.month - 1, this.day);
    d.setUTCHours(this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000));
    return d.getTime();
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

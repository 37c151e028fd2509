/** Python `datetime.date`, which has no JS equivalent. */
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

/** A naive Python `datetime` (no tzinfo): a wall-clock time whose zone the site's settings decide. */
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

  /** `datetime.isoformat()`: microseconds only when non-zero, as Python writes them. */
  toISOString(): string {
    const base = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}T${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    return this.microsecond ? `${base}.${pad(this.microsecond, 6)}` : base;
  }

  toJSON(): string {
    return this.toISOString();
  }

  /** The instant this wall time denotes at a UTC offset (minutes east of UTC). */
  toDate(offsetMinutes = 0): Date {
    return new Date(this.wallClockMs() - offsetMinutes * 60_000);
  }

  /** Milliseconds of the wall time read as if it were UTC. */
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

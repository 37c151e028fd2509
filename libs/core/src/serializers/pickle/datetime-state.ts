import { SerializationError } from '../../errors.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';

/**
 * The byte states CPython pickles dates with (`date.__reduce__`, `datetime.__reduce_ex__`):
 * date = year hi, year lo, month, day; datetime adds hour, minute, second and a 3-byte
 * big-endian microsecond. From protocol 4 on, the month byte's high bit is PEP 495's fold.
 */

export function decodeDateState(state: unknown): PyDate {
  const s = stateBytes(state, 4, 'date');
  const [year, month, day] = [s[0] * 256 + s[1], s[2], s[3]];
  checkDay(year, month, day);
  return new PyDate(year, month, day);
}

export function decodeDateTimeState(state: unknown): { wall: NaiveDateTime; fold: 0 | 1 } {
  const s = stateBytes(state, 10, 'datetime');
  const [year, month, day] = [s[0] * 256 + s[1], s[2] & 0x7f, s[3]];
  checkDay(year, month, day);
  const microsecond = (s[7] << 16) | (s[8] << 8) | s[9];
  if (s[4] > 23 || s[5] > 59 || s[6] > 59 || microsecond > 999_999) throw new SerializationError('Out-of-range time in pickled datetime');
  return { wall: new NaiveDateTime(year, month, day, s[4], s[5], s[6], microsecond), fold: s[2] & 0x80 ? 1 : 0 };
}

function stateBytes(value: unknown, length: number, what: string): Buffer {
  if (!Buffer.isBuffer(value) || value.length !== length) throw new SerializationError(`Bad ${what} state in pickle`);
  return value;
}

// Stricter than CPython, which trusts the day byte and can build an impossible date from a crafted pickle.
function checkDay(year: number, month: number, day: number): void {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new SerializationError('Out-of-range date in pickle');
  }
}

/** Days in a month of the proleptic Gregorian calendar Python's datetime uses (shared with the writer). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

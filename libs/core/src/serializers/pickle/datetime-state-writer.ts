import { PicklingError } from '../../errors.js';
import { daysInMonth } from './datetime-state.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';

/**
 * The byte states CPython pickles dates and datetimes with (the inverse of datetime-state.ts).
 * pickleDumps writes PEP 495's fold as 0: NaiveDateTime has none and UTC has no repeated hour.
 */

export function dateState(date: PyDate): Buffer {
  checkDate(date.year, date.month, date.day);
  return Buffer.from([date.year >> 8, date.year & 0xff, date.month, date.day]);
}

export function naiveDateTimeState(dt: NaiveDateTime): Buffer {
  checkDate(dt.year, dt.month, dt.day);
  const us = dt.microsecond;
  if (!inRange(dt.hour, 0, 23) || !inRange(dt.minute, 0, 59) || !inRange(dt.second, 0, 59) || !inRange(us, 0, 999_999)) {
    throw new PicklingError(`NaiveDateTime has an out-of-range time: ${dt.hour}:${dt.minute}:${dt.second}.${us}`);
  }
  return Buffer.from([dt.year >> 8, dt.year & 0xff, dt.month, dt.day, dt.hour, dt.minute, dt.second, us >> 16, (us >> 8) & 0xff, us & 0xff]);
}

/** A JS Date as the UTC wall time of an aware datetime (its milliseconds as microseconds). */
export function utcDateTimeState(date: Date): Buffer {
  if (Number.isNaN(date.getTime())) throw new PicklingError('Cannot pickle an invalid Date');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new PicklingError(`Date year ${year} is outside Python's 1..9999`);
  const wall = new NaiveDateTime(year, date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds() * 1000);
  return naiveDateTimeState(wall);
}

function checkDate(year: number, month: number, day: number): void {
  if (!inRange(year, 1, 9999) || !inRange(month, 1, 12) || !inRange(day, 1, daysInMonth(year, month))) {
    throw new PicklingError(`Out-of-range date: ${year}-${month}-${day}`);
  }
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

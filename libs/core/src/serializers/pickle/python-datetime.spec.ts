import { describe, expect, it } from '@jest/globals';
import { NaiveDateTime, PyDate } from './python-datetime.js';

describe('PyDate', () => {
  it('formats like date.isoformat()', () => {
    expect(new PyDate(2026, 2, 28).toISOString()).toBe('2026-02-28');
    expect(new PyDate(1, 1, 1).toISOString()).toBe('0001-01-01');
    expect(JSON.stringify({ d: new PyDate(999, 12, 31) })).toBe('{"d":"0999-12-31"}');
  });
});

describe('NaiveDateTime', () => {
  it('formats like datetime.isoformat()', () => {
    expect(new NaiveDateTime(2026, 12, 6, 2, 1, 53, 778659).toISOString()).toBe('2026-12-06T02:01:53.778659');
    expect(new NaiveDateTime(2026, 12, 6, 2, 1, 53, 1).toISOString()).toBe('2026-12-06T02:01:53.000001');
    expect(new NaiveDateTime(2026, 1, 2).toISOString()).toBe('2026-01-02T00:00:00');
    expect(new NaiveDateTime(5, 1, 2, 3, 4, 5).toISOString()).toBe('0005-01-02T03:04:05');
    expect(JSON.stringify([new NaiveDateTime(2026, 1, 2, 3)])).toBe('["2026-01-02T03:00:00"]');
  });

  it('converts to an instant at a fixed offset, truncating microseconds', () => {
    expect(new NaiveDateTime(2026, 1, 2, 12).toDate().toISOString()).toBe('2026-01-02T12:00:00.000Z');
    expect(new NaiveDateTime(2026, 1, 2, 12).toDate(60).toISOString()).toBe('2026-01-02T11:00:00.000Z');
    expect(new NaiveDateTime(2026, 1, 2, 12).toDate(-330).toISOString()).toBe('2026-01-02T17:30:00.000Z');
    expect(new NaiveDateTime(2026, 1, 2, 12, 0, 0, 999999).toDate().toISOString()).toBe('2026-01-02T12:00:00.999Z');
    expect(new NaiveDateTime(50, 3, 1).toDate().toISOString()).toBe('0050-03-01T00:00:00.000Z');
  });
});

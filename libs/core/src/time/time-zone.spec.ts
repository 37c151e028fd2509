import { describe, expect, it } from '@jest/globals';
import { wallTimeToInstant as zoneWallTimeToInstant } from './time-zone.js';

const at = (zone: string, wall: string, fold: 0 | 1) => new Date(zoneWallTimeToInstant(zone, Date.parse(wall + 'Z'), fold)).toISOString();

// Expected values are what CPython's zoneinfo gives for datetime(..., fold=f, tzinfo=ZoneInfo(zone)).
describe('zoneWallTimeToInstant (PEP 495)', () => {
  it('is unambiguous outside transitions', () => {
    expect(at('Europe/Paris', '2026-07-14T10:30:00', 0)).toBe('2026-07-14T08:30:00.000Z');
    expect(at('Europe/Paris', '2026-07-14T10:30:00', 1)).toBe('2026-07-14T08:30:00.000Z');
    expect(at('America/New_York', '2026-01-15T00:00:00', 0)).toBe('2026-01-15T05:00:00.000Z');
    expect(at('UTC', '2026-01-15T00:00:00', 1)).toBe('2026-01-15T00:00:00.000Z');
  });

  it('picks the first or second occurrence of a repeated hour', () => {
    expect(at('Europe/Berlin', '2026-10-25T02:30:00', 0)).toBe('2026-10-25T00:30:00.000Z');
    expect(at('Europe/Berlin', '2026-10-25T02:30:00', 1)).toBe('2026-10-25T01:30:00.000Z');
    expect(at('America/New_York', '2026-11-01T01:30:00', 0)).toBe('2026-11-01T05:30:00.000Z');
    expect(at('America/New_York', '2026-11-01T01:30:00', 1)).toBe('2026-11-01T06:30:00.000Z');
  });

  it('applies the offset before (fold=0) or after (fold=1) a skipped hour', () => {
    expect(at('Europe/Berlin', '2026-03-29T02:30:00', 0)).toBe('2026-03-29T01:30:00.000Z');
    expect(at('Europe/Berlin', '2026-03-29T02:30:00', 1)).toBe('2026-03-29T00:30:00.000Z');
    expect(at('America/New_York', '2026-03-08T02:30:00', 0)).toBe('2026-03-08T07:30:00.000Z');
    expect(at('America/New_York', '2026-03-08T02:30:00', 1)).toBe('2026-03-08T06:30:00.000Z');
  });
});

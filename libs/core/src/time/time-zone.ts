import { ImproperlyConfigured } from '../errors.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new ImproperlyConfigured(`Unknown time zone "${zone}"`);
    }
    formats.set(zone, format);
  }
  return format;
}

/** Throws ImproperlyConfigured for a zone name the platform does not know. */
export function assertTimeZone(zone: string): string {
  formatFor(zone);
  return zone;
}

/** UTC offset of an IANA zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(zone: string, instantMs: number): number {
  const parts = Object.fromEntries(formatFor(zone).formatToParts(new Date(instantMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the wall clock of IANA `zone` shows `wallMs` (a wall time encoded as if it
 * were UTC), following PEP 495 as zoneinfo does: in a repeated hour (fall back) fold=0 is the first
 * occurrence and fold=1 the second; in a skipped hour (spring forward) fold=0 applies the offset in
 * force before the transition and fold=1 the one after.
 */
export function wallTimeToInstant(zone: string, wallMs: number, fold: 0 | 1 = 0): number {
  // Offsets a day either side bracket any single transition near this wall time.
  const before = zoneOffsetMinutes(zone, wallMs - DAY_MS);
  const after = zoneOffsetMinutes(zone, wallMs + DAY_MS);
  const candidates = [...new Set([before, after, zoneOffsetMinutes(zone, wallMs)])];
  const valid = candidates
    .map((offset) => wallMs - offset * 60_000)
    .filter((instant) => wallMs - zoneOffsetMinutes(zone, instant) * 60_000 === instant)
    .sort((a, b) => a - b);
  if (valid.length > 0) return fold === 0 ? valid[0] : valid[valid.length - 1];
  // A wall time that never happened (inside a gap).
  return wallMs - (fold === 0 ? before : after) * 60_000;
}

/** The wall clock of `zone` at an instant, encoded as if UTC (for naive DATETIME columns). */
export function instantToWallTime(zone: string, instantMs: number): number {
  return instantMs + zoneOffsetMinutes(zone, instantMs) * 60_000;
}

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

/**
 * The instant at which the wall clock of `zone` shows `wallMs` (a wall time encoded as if UTC).
 * On a DST overlap this takes the earlier instant (Python's fold=0).
 */
export function wallTimeToInstant(zone: string, wallMs: number): number {
  const first = zoneOffsetMinutes(zone, wallMs);
  const second = zoneOffsetMinutes(zone, wallMs - first * 60_000);
  return wallMs - second * 60_000;
}

/** The wall clock of `zone` at an instant, encoded as if UTC (for naive DATETIME columns). */
export function instantToWallTime(zone: string, instantMs: number): number {
  return instantMs + zoneOffsetMinutes(zone, instantMs) * 60_000;
}

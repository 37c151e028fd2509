import { zoneOffsetMinutes } from '../../time/time-zone.js';

const DAY_MS = 86_400_000;

/**
 * The instant at which the wall clock of IANA `zone` shows `wallMs` (a wall time encoded as if it
 * were UTC), following PEP 495 as zoneinfo does: in a repeated hour (fall back) fold=0 is the first
 * occurrence and fold=1 the second; in a skipped hour (spring forward) fold=0 applies the offset in
 * force before the transition and fold=1 the one after.
 */
export function zoneWallTimeToInstant(zone: string, wallMs: number, fold: 0 | 1): number {
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

import { ImproperlyConfigured } from '../errors.js';

/** 30 days: memcached reads a larger expiration time as an absolute Unix time. */
export const MEMCACHED_MAX_RELATIVE_EXPIRY = 60 * 60 * 24 * 30;

/**
 * `BaseMemcachedCache.get_backend_timeout`: the exptime Django sends for a timeout in seconds.
 * null (never expires) is 0; a timeout that truncates to 0 is -1 and any negative one stays
 * negative (stored already expired, so `add` still answers as if it stored); up to 30 days it is
 * relative, beyond that the current Unix time is added. Fractions are truncated, as int() does.
 */
export function memcachedExpiry(timeout: number | null, nowMs: number = Date.now()): number {
  if (timeout === null) return 0;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout)) throw new ImproperlyConfigured(`A cache timeout must be a finite number of seconds or null, not ${String(timeout)}`);
  let seconds = timeout;
  if (Math.trunc(seconds) === 0) seconds = -1;
  if (seconds > MEMCACHED_MAX_RELATIVE_EXPIRY) seconds += Math.floor(nowMs / 1000);
  return Math.trunc(seconds);
}

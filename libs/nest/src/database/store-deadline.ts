import { within } from '../errors/deadline.js';
import { guardDatabase } from './database-unavailable.js';

/**
 * Default bound on one call into a store of the application's own (a userStore, a SessionBackend
 * given as sessionEngine, a ready DjangoCache), in milliseconds. Such a store may make several
 * round trips (an HTTP API, a cache then a database), so it gets more than one statement's 3 s,
 * yet stays below the 10-30 s after which proxies and users give up.
 */
export const DEFAULT_STORE_TIMEOUT = 5_000;

/**
 * guardDatabase with a bound: a store that has not settled within `timeoutMs` counts as
 * unavailable (DjangoDatabaseUnavailable, a 503), whatever it does later. The bridge cannot cancel
 * work it does not own, so a late result is ignored; a store that must not write after answering
 * should bound its own I/O below this.
 */
export function guardStore<T>(timeoutMs: number | undefined, what: string, operation: () => Promise<T>): Promise<T> {
  if (timeoutMs === undefined) return guardDatabase(operation);
  return guardDatabase(() => within(timeoutMs, what, operation));
}

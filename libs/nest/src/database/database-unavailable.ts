import { CacheUnavailable, SessionInterrupted } from '@django-bridge/core';

/**
 * A query on Django's tables failed (database down, connection lost, schema mismatch). The bridge
 * turns it into a 503: a broken database must never look like a login decision or leak a trace.
 */
export class DjangoDatabaseUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super('The Django database is unavailable');
    this.name = 'DjangoDatabaseUnavailable';
  }
}

/**
 * Runs a store operation, wrapping any failure in DjangoDatabaseUnavailable; a cache's own
 * CacheUnavailable and Django's SessionInterrupted keep their meaning.
 */
export async function guardDatabase<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw err instanceof DjangoDatabaseUnavailable || err instanceof CacheUnavailable || err instanceof SessionInterrupted ? err : new DjangoDatabaseUnavailable(err);
  }
}

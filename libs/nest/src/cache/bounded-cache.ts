import { CacheUnavailable, type DjangoCache } from '@django-bridge/core';
import { within } from '../errors/deadline.js';

/**
 * A ready DjangoCache of the application's own, each call bounded by `timeoutMs` (the bridge's
 * `storeTimeout`): past it the call fails with CacheUnavailable, which the engines treat as a cache
 * failure (a 503, or cached_db's fall-back to the database), so a hung cache cannot hang requests.
 * The caches the bridge builds bound their own I/O (connectTimeout, commandTimeout) and are not wrapped.
 */
export function boundedCache(cache: DjangoCache, alias: string, timeoutMs: number): DjangoCache {
  const bound = <T>(what: string, call: () => Promise<T>): Promise<T> => within(timeoutMs, () => new CacheUnavailable(`Cache "${alias}" did not answer ${what} within ${timeoutMs} ms`), call);
  return {
    get: (key) => bound('get', () => cache.get(key)),
    set: (key, value, timeout) => bound('set', () => cache.set(key, value, timeout)),
    add: (key, value, timeout) => bound('add', () => cache.add(key, value, timeout)),
    delete: (key) => bound('delete', () => cache.delete(key)),
    has: (key) => bound('has', () => cache.has(key)),
    close: () => cache.close(),
  };
}

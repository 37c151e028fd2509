import { type MemcachedEntry } from './pymemcache-serde.js';

/**
 * One memcached server as PyMemcacheDjangoCache needs it; the network client behind it is the
 * caller's. Every method throws CacheUnavailable when the server is down or does not answer in
 * time, and a `store` of a value the server finds too large throws CacheValueTooLarge.
 */
export interface MemcachedConnection {
  /** The item under key, or null when there is none (or it expired). */
  get(key: Buffer): Promise<MemcachedEntry | null>;
  /**
   * memcached's `set` or `add` with the exptime pymemcache would send (memcachedExpiry): 0 never
   * expires, negative is already expired, up to 30 days relative, beyond an absolute Unix time.
   * Resolves whether the item was stored (`add`: false when the key is taken).
   */
  store(command: 'set' | 'add', key: Buffer, entry: MemcachedEntry, exptime: number): Promise<boolean>;
  /** Whether an item went. */
  delete(key: Buffer): Promise<boolean>;
  close(): Promise<void>;
}

import { type DjangoCache } from '../cache/django-cache.js';
import { SerializationError } from '../errors.js';
import { asCachedSession } from './cache-session-backend.js';
import { type ExpiringSessionBackend, type SessionBackend, type SessionDict, type SessionExpiry } from './session-backend.js';

/** `django.contrib.sessions.backends.cached_db.KEY_PREFIX`. */
export const CACHED_DB_SESSION_KEY_PREFIX = 'django.contrib.sessions.cached_db';

export interface CachedDbSessionBackendOptions {
  /**
   * Django 5.1+ logs a failed cache write after a save and carries on (the database has the
   * session); earlier lines let the error through. Default false (let it through).
   */
  tolerateCacheWriteErrors?: boolean;
  /** Told about tolerated cache failures and undecodable cache entries. */
  onCacheError?: (error: unknown) => void;
  /** Clock in milliseconds, for the refill timeout. */
  now?: () => number;
}

/**
 * `django.contrib.sessions.backends.cached_db`: the db engine with a write-through cache in front.
 * Reads try the cache, fall back to the database and refill the cache; writes and deletes go to
 * both, the database first. A cache that fails on read is skipped as Django skips it (the
 * database answers); the cache entry must go on delete, or the other side would keep serving a
 * logged-out session from its cache, so a failed cache delete throws (503) rather than pass.
 */
export class CachedDbSessionBackend implements SessionBackend {
  readonly maxKeyLength: number | undefined;

  constructor(
    readonly db: ExpiringSessionBackend,
    readonly cache: DjangoCache,
    private readonly options: CachedDbSessionBackendOptions = {},
  ) {
    this.maxKeyLength = db.maxKeyLength;
  }

  cacheKey(sessionKey: string): string {
    return CACHED_DB_SESSION_KEY_PREFIX + sessionKey;
  }

  async load(sessionKey: string): Promise<SessionDict | null> {
    const key = this.cacheKey(sessionKey);
    let cached: SessionDict | null = null;
    try {
      const value = await this.cache.get(key);
      cached = asCachedSession(value);
      if (cached === null && value !== undefined && value !== null) this.options.onCacheError?.(new SerializationError('The cached session is not a dict'));
    } catch (err) {
      // Django: any failure of the cache read means "not cached"; the database decides.
      this.options.onCacheError?.(err);
    }
    if (cached !== null) return cached;
    const row = await this.db.loadWithExpiry(sessionKey);
    if (row === null) return null;
    // get_expiry_age(expiry=expire_date): whole seconds until the stored expiry.
    const age = Math.floor((row.expireDate.getTime() - (this.options.now?.() ?? Date.now())) / 1000);
    await this.cache.set(key, row.session, age);
    return row.session;
  }

  async exists(sessionKey: string): Promise<boolean> {
    return (await this.cache.has(this.cacheKey(sessionKey))) || this.db.exists(sessionKey);
  }

  async create(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    const stored = await this.db.create(sessionKey, session, expiry);
    if (stored !== null) await this.writeCache(stored, session, expiry);
    return stored;
  }

  async update(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    const stored = await this.db.update(sessionKey, session, expiry);
    if (stored !== null) await this.writeCache(stored, session, expiry);
    return stored;
  }

  private async writeCache(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<void> {
    try {
      await this.cache.set(this.cacheKey(sessionKey), session, expiry.age);
    } catch (err) {
      if (!this.options.tolerateCacheWriteErrors) throw err;
      this.options.onCacheError?.(err);
    }
  }

  async delete(sessionKey: string): Promise<void> {
    await this.db.delete(sessionKey);
    await this.cache.delete(this.cacheKey(sessionKey));
  }

  clearExpired(): Promise<number> {
    return this.db.clearExpired();
  }
}

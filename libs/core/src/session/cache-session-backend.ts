import { type DjangoCache } from '../cache/django-cache.js';
import { SerializationError } from '../errors.js';
import { type SessionBackend, type SessionDict, type SessionExpiry } from './session-backend.js';

/** `django.contrib.sessions.backends.cache.KEY_PREFIX`: prefixed to the session key before the cache's own make_key. */
export const CACHE_SESSION_KEY_PREFIX = 'django.contrib.sessions.cache';

/** A value read from a cache that can be a session: a dict, nothing else (a garbled entry is a miss). */
export function asCachedSession(value: unknown): SessionDict | null {
  if (value === null || value === undefined || typeof value !== 'object') return null;
  if (Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Date || value instanceof Map) return null;
  return value as SessionDict;
}

/** Reads one cache entry; a value that does not decode, or is not a dict, is no session. */
export async function readCachedSession(cache: DjangoCache, key: string, onCorrupt?: (error: Error) => void): Promise<SessionDict | null> {
  let value: unknown;
  try {
    value = await cache.get(key);
  } catch (err) {
    // Unreachable caches propagate (503); only undecodable data is Django's "reset the session".
    if (!(err instanceof SerializationError)) throw err;
    onCorrupt?.(err);
    return null;
  }
  const session = asCachedSession(value);
  if (session === null && value !== undefined && value !== null) onCorrupt?.(new SerializationError('The cached session is not a dict'));
  return session;
}

export interface CacheSessionBackendOptions {
  /** Told when a cached entry cannot be a session (Django resets such a session silently). */
  onCorrupt?: (error: Error) => void;
}

/**
 * `django.contrib.sessions.backends.cache`: the session dict stored in a Django cache under
 * "django.contrib.sessions.cache" + key, the cache's serializer doing the encoding, the expiry age
 * as timeout. No database; `clearsessions` has nothing to do (the cache expires entries).
 *
 * Unlike Django, an unreachable cache is not taken for "no session" (which would log everyone out
 * and hand out new keys while the cache is down): it throws, and the request gets a 503.
 */
export class CacheSessionBackend implements SessionBackend {
  constructor(
    readonly cache: DjangoCache,
    private readonly options: CacheSessionBackendOptions = {},
    private readonly keyPrefix = CACHE_SESSION_KEY_PREFIX,
  ) {}

  cacheKey(sessionKey: string): string {
    return this.keyPrefix + sessionKey;
  }

  load(sessionKey: string): Promise<SessionDict | null> {
    return readCachedSession(this.cache, this.cacheKey(sessionKey), this.options.onCorrupt);
  }

  exists(sessionKey: string): Promise<boolean> {
    return this.cache.has(this.cacheKey(sessionKey));
  }

  async create(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return (await this.cache.add(this.cacheKey(sessionKey), session, expiry.age)) ? sessionKey : null;
  }

  /** Django checks that the entry is still there (get) before overwriting it (set). */
  async update(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    const key = this.cacheKey(sessionKey);
    if ((await readCachedSession(this.cache, key)) === null) return null;
    await this.cache.set(key, session, expiry.age);
    return sessionKey;
  }

  async delete(sessionKey: string): Promise<void> {
    await this.cache.delete(this.cacheKey(sessionKey));
  }

  async clearExpired(): Promise<number> {
    return 0;
  }
}

/**
 * The part of Django's cache API (`django.core.cache.backends.base.BaseCache`) that the session
 * engines use, as one interface every cache backend implements: Django's RedisCache, django-redis,
 * PyMemcacheCache, or an in-memory one for tests.
 *
 * Keys are the ones given to Django's cache: the implementation applies KEY_PREFIX, VERSION and
 * KEY_FUNCTION (`make_key`) and its own value format, so entries are shared with Django. Values are
 * Python values as the safe pickle reader gives them (a dict is a plain object).
 *
 * Timeouts are Django's: seconds, `null` for "never expires", 0 or less for "already expired" (the
 * entry is removed or never stored).
 *
 * Failures: an unreachable or slow cache throws CacheUnavailable; a stored value that cannot be
 * decoded throws SerializationError (the session engines treat it as a miss, like Django).
 */
export interface DjangoCache {
  /** The value under key, or undefined on a miss. */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, timeout: number | null): Promise<void>;
  /** Stores only when the key is free; whether it stored (Django's `add`). */
  add(key: string, value: unknown, timeout: number | null): Promise<boolean>;
  /** Whether an entry went (Django 3.1+'s `delete` return value). */
  delete(key: string): Promise<boolean>;
  /** Django's `has_key` (`key in cache`). */
  has(key: string): Promise<boolean>;
  /** Closes connections; the cache is unusable afterwards. */
  close(): Promise<void>;
}

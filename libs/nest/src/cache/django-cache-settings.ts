import { type CacheKeyFunction } from '@django-bridge/core';

/** The cache BACKENDs the bridge speaks, by Django's dotted path. */
export const DJANGO_CACHE_BACKENDS = ['django.core.cache.backends.redis.RedisCache', 'django_redis.cache.RedisCache', 'django.core.cache.backends.memcached.PyMemcacheCache'] as const;
export type DjangoCacheBackendName = (typeof DJANGO_CACHE_BACKENDS)[number];

/** Default bounds on every cache I/O, in milliseconds. */
export const DEFAULT_CACHE_CONNECT_TIMEOUT = 2_000;
export const DEFAULT_CACHE_COMMAND_TIMEOUT = 1_000;

/**
 * One entry of Django's CACHES, in camelCase: copy BACKEND, LOCATION, KEY_PREFIX, VERSION and
 * OPTIONS from settings.py. The bridge writes and reads entries exactly where and how that Django
 * backend does, so both sides share them.
 */
export interface DjangoCacheSettings {
  /** BACKEND. */
  backend: DjangoCacheBackendName;
  /**
   * LOCATION. Redis: redis://, rediss:// (TLS), unix://, one redis+sentinel:// entry per Sentinel,
   * or a list (a primary then its replicas; with `options.cluster`, a Redis Cluster's seed nodes).
   * Memcached: "host:port", "unix:/path" or a list of them. See the README.
   */
  location: string | string[];
  /** KEY_PREFIX; default "". */
  keyPrefix?: string;
  /** VERSION; default 1. */
  version?: number;
  /** KEY_FUNCTION; default Django's "<prefix>:<version>:<key>". */
  keyFunction?: CacheKeyFunction;
  /** OPTIONS of the backend (serializer, compressor, credentials, TLS, Sentinel, Cluster...). */
  options?: Record<string, unknown>;
  /** Milliseconds to establish a connection before the cache counts as down; default 2000. */
  connectTimeout?: number;
  /** Milliseconds a command may take before the cache counts as down; default 1000. */
  commandTimeout?: number;
}

import { ImproperlyConfigured, type DjangoCache } from '@django-bridge/core';
import { DJANGO_CACHE_BACKENDS, type DjangoCacheSettings } from './django-cache-settings.js';
import { createPyMemcacheCache } from './memcached/create-pymemcache-cache.js';
import { createRedisCache } from './redis/create-redis-cache.js';

/** The module's maxExpandedBytes and intMaxStrDigits, which every value a cache reads is held to. */
export interface CacheDecodeLimits {
  maxExpandedBytes?: number;
  intMaxStrDigits?: number;
}

/** The DjangoCache for one CACHES entry; ImproperlyConfigured names what is wrong with it. */
export function createDjangoCache(alias: string, settings: DjangoCacheSettings, limits: CacheDecodeLimits = {}): DjangoCache {
  if (!settings || typeof settings !== 'object') throw new ImproperlyConfigured(`caches.${alias} must be a cache's settings or a DjangoCache`);
  switch (settings.backend) {
    case 'django.core.cache.backends.redis.RedisCache':
    case 'django_redis.cache.RedisCache':
      return createRedisCache(alias, settings, limits);
    case 'django.core.cache.backends.memcached.PyMemcacheCache':
      return createPyMemcacheCache(alias, settings, limits);
    default:
      throw new ImproperlyConfigured(`caches.${alias}.backend "${String((settings as { backend?: unknown }).backend)}" is not one of ${DJANGO_CACHE_BACKENDS.join(', ')}`);
  }
}

/** Whether a value is a ready DjangoCache rather than settings to build one from. */
export function isDjangoCache(value: unknown): value is DjangoCache {
  const v = value as Partial<DjangoCache> | null;
  return !!v && typeof v === 'object' && typeof v.get === 'function' && typeof v.set === 'function' && typeof v.add === 'function' && typeof v.delete === 'function' && typeof v.has === 'function';
}

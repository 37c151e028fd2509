import { DjangoRedisCache, DjangoRedisCodec, ImproperlyConfigured, RedisCache, RedisSerializer, djangoRedisCompressor, djangoRedisSerializer, pickleProtocolOf, type DjangoCache } from '@django-bridge/core';
import type { CacheDecodeLimits } from '../create-django-cache.js';
import { DEFAULT_CACHE_COMMAND_TIMEOUT, DEFAULT_CACHE_CONNECT_TIMEOUT, type DjangoCacheSettings } from '../django-cache-settings.js';
import { checkRedisCacheOptions } from './redis-cache-options.js';
import { redisConnections } from './redis-clients.js';
import { parseRedisLocation } from './redis-location.js';

const BUILTIN = 'django.core.cache.backends.redis.RedisCache';
const DJANGO_REDIS = 'django_redis.cache.RedisCache';

function bound(alias: string, name: 'connectTimeout' | 'commandTimeout', value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new ImproperlyConfigured(`caches.${alias}.${name} must be a positive number of milliseconds`);
  return value;
}

/**
 * Django's RedisCache or django-redis for one CACHES entry: everything is checked here (a wrong
 * setting stops the application at start-up); no connection opens before the first command.
 */
export function createRedisCache(alias: string, settings: DjangoCacheSettings, limits: CacheDecodeLimits = {}): DjangoCache {
  if (settings.backend !== DJANGO_REDIS && settings.backend !== BUILTIN) throw new ImproperlyConfigured(`caches.${alias}.backend "${String(settings.backend)}" is no Redis cache (${BUILTIN} or ${DJANGO_REDIS})`);
  const djangoRedis = settings.backend === DJANGO_REDIS;
  const options = checkRedisCacheOptions(settings.options, djangoRedis, `caches.${alias}.options`);
  // Django's RedisCache splits a LOCATION string on "," and ";", django-redis on "," only.
  const topology = parseRedisLocation(settings.location, djangoRedis ? /,/ : /[;,]/, options.cluster === true, `caches.${alias}.location`);
  const usesTls = topology.kind === 'sentinel' ? topology.tls : (topology.kind === 'servers' ? topology.servers : topology.seeds).some((e) => e.tls);
  if (options.tls && !usesTls) throw new ImproperlyConfigured(`caches.${alias}.options.tls needs a TLS location (rediss:// or rediss+sentinel://)`);
  if (settings.version !== undefined && !Number.isSafeInteger(settings.version)) throw new ImproperlyConfigured(`caches.${alias}.version must be a whole number`);
  if (settings.keyPrefix !== undefined && typeof settings.keyPrefix !== 'string') throw new ImproperlyConfigured(`caches.${alias}.keyPrefix must be a string`);
  if (settings.keyFunction !== undefined && typeof settings.keyFunction !== 'function') throw new ImproperlyConfigured(`caches.${alias}.keyFunction must be a function (key, keyPrefix, version) => string`);
  const bounds = {
    connectTimeout: bound(alias, 'connectTimeout', settings.connectTimeout, DEFAULT_CACHE_CONNECT_TIMEOUT),
    commandTimeout: bound(alias, 'commandTimeout', settings.commandTimeout, DEFAULT_CACHE_COMMAND_TIMEOUT),
  };
  const prefix = `caches.${alias}.options`;
  const codec = djangoRedis
    ? new DjangoRedisCodec(
        djangoRedisSerializer(options.serializer ?? 'pickle', { pickleVersion: pickleProtocolOf(options.pickleVersion, `${prefix}.pickleVersion`), ...limits }, `${prefix}.serializer`),
        djangoRedisCompressor(options.compressor ?? 'none', undefined, `${prefix}.compressor`),
        limits,
      )
    : null;
  const common = { servers: redisConnections(topology, options, bounds), keyPrefix: settings.keyPrefix, version: settings.version, keyFunction: settings.keyFunction };
  // RedisSerializer's defaults (protocol 5) with the module's decode limits.
  return codec ? new DjangoRedisCache(common, codec) : new RedisCache(common, new RedisSerializer(5, limits));
}

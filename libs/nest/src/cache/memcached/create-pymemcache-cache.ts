import { ImproperlyConfigured, parseMemcachedServer, PyMemcacheDjangoCache, splitMemcachedLocation, type MemcachedConnection } from '@django-bridge/core';
import type { CacheDecodeLimits } from '../create-django-cache.js';
import { DEFAULT_CACHE_COMMAND_TIMEOUT, DEFAULT_CACHE_CONNECT_TIMEOUT, type DjangoCacheSettings } from '../django-cache-settings.js';
import { MemjsConnection } from './memjs-connection.js';
import { parsePymemcacheOptions } from './pymemcache-options.js';

function milliseconds(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ImproperlyConfigured(`${where} must be a positive number of milliseconds`);
  return value;
}

function withContext<T>(where: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ImproperlyConfigured) throw new ImproperlyConfigured(`${where}: ${err.message}`);
    throw err;
  }
}

/**
 * Django's PyMemcacheCache for one CACHES entry: the servers of LOCATION ("host:port", "unix:/path"
 * or "/path", several in a list or split on ";" and ","), KEY_PREFIX, VERSION, KEY_FUNCTION and
 * pymemcache's OPTIONS (see pymemcache-options.ts). Connections open on first use. Every command is
 * bounded: connectTimeout (or OPTIONS connect_timeout) to connect, commandTimeout (or OPTIONS
 * timeout) for the reply; past them it throws CacheUnavailable.
 */
export function createPyMemcacheCache(alias: string, settings: DjangoCacheSettings, limits: CacheDecodeLimits = {}): PyMemcacheDjangoCache {
  const where = `caches.${alias}`;
  const options = parsePymemcacheOptions(settings.options, where);
  const connectTimeout = milliseconds(settings.connectTimeout, `${where}.connectTimeout`) ?? options.connectTimeout ?? DEFAULT_CACHE_CONNECT_TIMEOUT;
  const commandTimeout = milliseconds(settings.commandTimeout, `${where}.commandTimeout`) ?? options.commandTimeout ?? DEFAULT_CACHE_COMMAND_TIMEOUT;
  if (settings.keyPrefix !== undefined && typeof settings.keyPrefix !== 'string') throw new ImproperlyConfigured(`${where}.keyPrefix must be a string`);
  if (settings.version !== undefined && !Number.isSafeInteger(settings.version)) throw new ImproperlyConfigured(`${where}.version must be an integer`);
  if (settings.keyFunction !== undefined && typeof settings.keyFunction !== 'function') throw new ImproperlyConfigured(`${where}.keyFunction must be a function`);
  const servers = withContext(`${where}.location`, () => splitMemcachedLocation(settings.location).map(parseMemcachedServer));
  const connections = new Map<string, MemcachedConnection>();
  for (const server of servers) {
    connections.set(server.node, new MemjsConnection({ server, connectTimeout, commandTimeout, noDelay: options.noDelay, keepAliveDelay: options.keepAliveDelay, label: where }));
  }
  return withContext(where, () => new PyMemcacheDjangoCache({
    servers: [...connections].map(([node, connection]) => ({ node, connection })),
    keyPrefix: settings.keyPrefix,
    version: settings.version,
    keyFunction: settings.keyFunction,
    allowUnicodeKeys: options.allowUnicodeKeys,
    clientKeyPrefix: options.clientKeyPrefix,
    pickleProtocol: options.pickleProtocol,
    unpickle: { maxExpandedBytes: limits.maxExpandedBytes, intMaxStrDigits: limits.intMaxStrDigits },
    intMaxStrDigits: limits.intMaxStrDigits,
  }));
}

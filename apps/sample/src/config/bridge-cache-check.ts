import { ImproperlyConfigured, type DjangoCache } from '@django-bridge/core';
import { createDjangoCache } from '@django-bridge/nest';
import { redactLocation } from './cache-location.js';
import { SampleConfigError } from './sample-config-error.js';
import type { SampleCacheSettings } from './session-engine-settings.js';

/** How the bridge builds one CACHES entry: synchronously, every setting checked, no connection opened. */
export type CacheBuilder = (alias: string, settings: SampleCacheSettings) => DjangoCache;

/** Which variable set each field of the bridge's `caches.default` settings. */
const VARIABLES: [RegExp, string][] = [
  [/^caches\.default\.location\b/, 'DJANGO_CACHE_URL'],
  [/^caches\.default\.options\.serializer\b/, 'DJANGO_REDIS_SERIALIZER'],
  [/^caches\.default\.options\.compressor\b/, 'DJANGO_REDIS_COMPRESSOR'],
  [/^caches\.default\.options\.cluster\b/, 'DJANGO_CACHE_CLUSTER'],
  [/^caches\.default\.keyPrefix\b/, 'DJANGO_CACHE_KEY_PREFIX'],
  [/^caches\.default\.version\b/, 'DJANGO_CACHE_VERSION'],
  [/^caches\.default\.connectTimeout\b/, 'DJANGO_CACHE_CONNECT_TIMEOUT_MS'],
  [/^caches\.default\.commandTimeout\b/, 'DJANGO_CACHE_COMMAND_TIMEOUT_MS'],
  [/^caches\.default\.backend\b/, 'DJANGO_CACHE_BACKEND'],
];

/** The bridge's refusal of a cache setting, as the sample's error for the variable behind it. */
export function cacheConfigError(err: ImproperlyConfigured): SampleConfigError {
  const message = err.message;
  const match = VARIABLES.find(([field]) => field.test(message));
  // A refusal of the entry as a whole: about its servers, or about the backend itself.
  const variable = match?.[1] ?? (/location|server|url/i.test(message) ? 'DJANGO_CACHE_URL' : 'DJANGO_CACHE_BACKEND');
  const problem = message.replace(/^caches\.default(?:\.[\w.]+)?:?\s*/, '').replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => redactLocation(url));
  return new SampleConfigError(variable, `is not usable: ${problem}`);
}

/**
 * Has the bridge build CACHES["default"] as it will at start-up (nothing connects), so a value it
 * refuses stops start-up here, naming the variable, before any database is opened.
 */
export function checkCacheWithBridge(settings: SampleCacheSettings, build: CacheBuilder = createDjangoCache): void {
  let cache: DjangoCache;
  try {
    cache = build('default', settings);
  } catch (err) {
    if (err instanceof ImproperlyConfigured) throw cacheConfigError(err);
    throw err;
  }
  void cache.close().catch(() => undefined);
}

import { DJANGO_CACHE_BACKENDS, DJANGO_REDIS_COMPRESSORS, DJANGO_REDIS_SERIALIZERS, SESSION_ENGINES, sessionEngineName, type DjangoCacheBackendName, type DjangoCacheSettings, type SessionEngineName } from '@django-bridge/nest';
import { SampleConfigError } from './sample-config-error.js';
import { checkCacheLocation } from './cache-location.js';
import { checkCacheWithBridge, type CacheBuilder } from './bridge-cache-check.js';

/** CACHES["default"] as the bridge's `caches` option takes it (Django's entry in camelCase). */
export type SampleCacheSettings = DjangoCacheSettings;
export type SampleCacheBackend = DjangoCacheBackendName;
/** SESSION_ENGINE, by the last part of Django's dotted path. */
export type SampleSessionEngine = SessionEngineName;

/** The engines that keep sessions in CACHES[SESSION_CACHE_ALIAS]. */
export const CACHE_SESSION_ENGINES: readonly SampleSessionEngine[] = ['cache', 'cached_db'];

export const DJANGO_REDIS: SampleCacheBackend = 'django_redis.cache.RedisCache';

/** django-redis's OPTIONS SERIALIZER and COMPRESSOR, by short name and by the class path settings.py names (the bridge's own tables). */
const SERIALIZERS: Readonly<Record<string, string>> = DJANGO_REDIS_SERIALIZERS;
const COMPRESSORS: Readonly<Record<string, string>> = DJANGO_REDIS_COMPRESSORS;

/** Every variable that only means something with DJANGO_CACHE_BACKEND. */
const CACHE_VARIABLES = ['DJANGO_CACHE_URL', 'DJANGO_CACHE_KEY_PREFIX', 'DJANGO_CACHE_VERSION', 'DJANGO_CACHE_CLUSTER', 'DJANGO_REDIS_SERIALIZER', 'DJANGO_REDIS_COMPRESSOR', 'DJANGO_CACHE_CONNECT_TIMEOUT_MS', 'DJANGO_CACHE_COMMAND_TIMEOUT_MS'];

export interface SampleSessionSettings {
  /** DJANGO_SESSION_ENGINE. */
  sessionEngine: SampleSessionEngine;
  /** CACHES['default'] from the DJANGO_CACHE_* variables; null when DJANGO_CACHE_BACKEND is not set. */
  cache: SampleCacheSettings | null;
}

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw new SampleConfigError(name, `must be a positive whole number of milliseconds, not "${raw}"`);
  return Number(raw);
}

function choice(table: Record<string, string>, name: string, raw: string, listed: string): string {
  const value = table[raw] ?? table[raw.toLowerCase()];
  if (value === undefined) throw new SampleConfigError(name, `must be one of ${listed} (or django-redis's class path), not "${raw}"`);
  return value;
}

function sessionEngine(env: NodeJS.ProcessEnv): SampleSessionEngine {
  const raw = text(env, 'DJANGO_SESSION_ENGINE') ?? 'db';
  const name = sessionEngineName(raw.toLowerCase());
  if (name === null) throw new SampleConfigError('DJANGO_SESSION_ENGINE', `must be one of ${SESSION_ENGINES.join(', ')} (or django.contrib.sessions.backends.<name>), not "${raw}"`);
  return name;
}

/** CACHES['default'] as the Django site's settings.py has it, from the DJANGO_CACHE_* variables. */
function cacheSettings(env: NodeJS.ProcessEnv, engine: SampleSessionEngine, build?: CacheBuilder): SampleCacheSettings | null {
  const backend = text(env, 'DJANGO_CACHE_BACKEND');
  if (backend === undefined) {
    if (CACHE_SESSION_ENGINES.includes(engine)) {
      throw new SampleConfigError('DJANGO_CACHE_BACKEND', `is required with DJANGO_SESSION_ENGINE=${engine} (the BACKEND of the Django site's CACHES["default"]: one of ${DJANGO_CACHE_BACKENDS.join(', ')})`);
    }
    // A cache variable without a backend would be ignored; say so rather than start without it.
    const stray = CACHE_VARIABLES.find((name) => env[name] !== undefined && env[name]!.trim() !== '');
    if (stray) throw new SampleConfigError(stray, 'is set but DJANGO_CACHE_BACKEND is not: set the BACKEND of CACHES["default"] too');
    return null;
  }
  if (!(DJANGO_CACHE_BACKENDS as readonly string[]).includes(backend)) throw new SampleConfigError('DJANGO_CACHE_BACKEND', `must be one of ${DJANGO_CACHE_BACKENDS.join(', ')}, not "${backend}"`);
  const settings: SampleCacheSettings = { backend: backend as SampleCacheBackend, location: checkCacheLocation(backend as SampleCacheBackend, text(env, 'DJANGO_CACHE_URL')) };
  const memcached = backend.endsWith('PyMemcacheCache');

  // KEY_PREFIX is taken as given: whitespace is part of a Django key too.
  const keyPrefix = env.DJANGO_CACHE_KEY_PREFIX ?? '';
  // Django warns of such keys and pymemcache refuses them: every session operation would fail.
  if (memcached && /[\x00-\x20\x7f]/.test(keyPrefix)) throw new SampleConfigError('DJANGO_CACHE_KEY_PREFIX', 'has spaces or control characters, which Memcached keys cannot hold');
  if (keyPrefix !== '') settings.keyPrefix = keyPrefix;

  const rawVersion = text(env, 'DJANGO_CACHE_VERSION');
  if (rawVersion !== undefined) {
    if (!/^-?\d{1,15}$/.test(rawVersion)) throw new SampleConfigError('DJANGO_CACHE_VERSION', `must be a whole number (the cache's VERSION), not "${rawVersion}"`);
    settings.version = Number(rawVersion);
  }

  const options: Record<string, unknown> = {};
  const cluster = (text(env, 'DJANGO_CACHE_CLUSTER') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(cluster)) throw new SampleConfigError('DJANGO_CACHE_CLUSTER', `must be "true" or "false", not "${cluster}"`);
  if (cluster === 'true' || cluster === '1') {
    if (memcached) throw new SampleConfigError('DJANGO_CACHE_CLUSTER', `is for Redis Cluster; ${backend} spreads keys over its servers itself`);
    options.cluster = true;
  }
  const serializer = text(env, 'DJANGO_REDIS_SERIALIZER');
  const compressor = text(env, 'DJANGO_REDIS_COMPRESSOR');
  for (const [name, value] of [['DJANGO_REDIS_SERIALIZER', serializer], ['DJANGO_REDIS_COMPRESSOR', compressor]] as const) {
    // Django would ignore an OPTIONS key its backend does not know: the sites would disagree silently.
    if (value !== undefined && backend !== DJANGO_REDIS) throw new SampleConfigError(name, `only applies to DJANGO_CACHE_BACKEND=${DJANGO_REDIS} (django-redis's OPTIONS), not ${backend}`);
  }
  if (serializer !== undefined) options.serializer = choice(SERIALIZERS, 'DJANGO_REDIS_SERIALIZER', serializer, 'pickle, json, msgpack');
  if (compressor !== undefined) options.compressor = choice(COMPRESSORS, 'DJANGO_REDIS_COMPRESSOR', compressor, 'none, zlib');
  if (Object.keys(options).length) settings.options = options;

  const connectTimeout = milliseconds(env, 'DJANGO_CACHE_CONNECT_TIMEOUT_MS');
  const commandTimeout = milliseconds(env, 'DJANGO_CACHE_COMMAND_TIMEOUT_MS');
  if (connectTimeout !== undefined) settings.connectTimeout = connectTimeout;
  if (commandTimeout !== undefined) settings.commandTimeout = commandTimeout;
  checkCacheWithBridge(settings, build);
  return settings;
}

/**
 * DJANGO_SESSION_ENGINE and CACHES["default"]. As in Django, a cache may be configured with any
 * engine; the sample only connects to it when the engine keeps sessions there.
 */
export function loadSessionSettings(env: NodeJS.ProcessEnv, sessionSerializer: string, build?: CacheBuilder): SampleSessionSettings {
  const engine = sessionEngine(env);
  // The php serializer is django-php-bridge's own db engine; a signed cookie holds JSON.
  if (engine === 'signed_cookies' && sessionSerializer !== 'json') throw new SampleConfigError('DJANGO_SESSION_SERIALIZER', `must be "json" with DJANGO_SESSION_ENGINE=signed_cookies, not "${sessionSerializer}"`);
  return { sessionEngine: engine, cache: cacheSettings(env, engine, build) };
}

/** The cache the session engine keeps sessions in (SESSION_CACHE_ALIAS "default"), or null when it uses none. */
export function sessionCache(settings: SampleSessionSettings): SampleCacheSettings | null {
  return CACHE_SESSION_ENGINES.includes(settings.sessionEngine) ? settings.cache : null;
}

/** Where sessions live, for the start-up banner; names variables rather than printing URLs (they may hold passwords). */
export function describeSessionStorage(settings: SampleSessionSettings): string[] {
  const { sessionEngine, cache } = settings;
  const where: Record<SampleSessionEngine, string> = {
    db: 'the django_session table (usersandsessions)',
    cache: 'CACHES["default"] only',
    cached_db: 'the django_session table, read through CACHES["default"]',
    signed_cookies: 'the signed cookie itself (logout cannot revoke a copied cookie, as in Django)',
  };
  const lines = [`Sessions (SESSION_ENGINE ${sessionEngine}): ${where[sessionEngine]}`];
  if (cache) lines.push(sessionCache(settings) ? `Cache "default": ${cache.backend} at DJANGO_CACHE_URL` : `Cache "default" (${cache.backend}) is configured but SESSION_ENGINE ${sessionEngine} does not use it: not connected`);
  return lines;
}

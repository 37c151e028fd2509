import { assertTimeZone, DJANGO_VERSIONS, isDjangoVersion, LATEST_DJANGO_VERSION, type DjangoVersion } from '@django-bridge/core';
import { dataSourceOptionsFromUrl } from '@django-bridge/nest';

import { SampleConfigError } from './sample-config-error.js';
import { loadPasswordSettings, type SamplePasswordSettings } from './password-settings.js';
import { loadSessionSettings, type SampleCacheSettings, type SampleSessionEngine } from './session-engine-settings.js';

export { SampleConfigError };

export interface SampleConfig {
  /** The Django database (users and sessions): alias "usersandsessions". */
  djangoDatabaseUrl: string;
  /** Read replicas of the Django database. */
  djangoReplicaUrls: string[];
  /** The app's own database (notes, the admin's local auth tables): alias "default". */
  appDatabaseUrl: string;
  /** True when DJANGO_DATABASE_URL was not set: the embedded SQLite demo database is used. */
  embedded: boolean;
  secretKey: string;
  secretKeyFallbacks: string[];
  sessionCookieName: string;
  sessionSerializer: 'json' | 'php';
  /** DJANGO_SESSION_ENGINE: SESSION_ENGINE by its short name. */
  sessionEngine: SampleSessionEngine;
  /**
   * CACHES["default"] from DJANGO_CACHE_BACKEND, DJANGO_CACHE_URL and the other DJANGO_CACHE_* /
   * DJANGO_REDIS_* variables; null without DJANGO_CACHE_BACKEND. Connected only when the engine
   * keeps sessions in it (cache, cached_db).
   */
  cache: SampleCacheSettings | null;
  djangoVersion: DjangoVersion;
  /** USE_TZ: false when the Django site (or PHP writing the session table) keeps naive local times. */
  useTz: boolean;
  /** TIME_ZONE: the zone of naive datetimes when useTz is false. */
  timeZone: string;
  port: number;
  host: string;
  /** HTTP_ADAPTER: the Nest HTTP platform the sample runs on. */
  httpAdapter: 'express' | 'fastify';
  /** DJANGO_PASSWORD_HASHERS, the work factors and DJANGO_PASSWORD_UPGRADE. */
  passwords: SamplePasswordSettings;
  /** DATABASE_POOL_SIZE: connections per MySQL/PostgreSQL database per process; null for the driver's 10. */
  databasePoolSize: number | null;
  /** SAMPLE_WORKER_HEADER: answer with X-Sample-Worker (the process id), for tests and benchmarks only. */
  workerHeader: boolean;
  /**
   * DJANGO_AUTHENTICATION: the credentials GET /api/me accepts, in order (DRF's
   * DEFAULT_AUTHENTICATION_CLASSES); default "session,token,jwt". "token" needs DRF's authtoken
   * app on the Django site, "jwt" SimpleJWT's token_blacklist app.
   */
  authentication: SampleCredential[];
  /**
   * VERIFIED_SESSION_CACHE_TTL_MS (0: off, the default) and VERIFIED_SESSION_CACHE_MAX_ENTRIES
   * (default 10000): the bridge's verifiedSessionCache.
   */
  verifiedSessionCache: { ttl: number; maxEntries: number } | false;
}

/** The credentials the sample can accept (DJANGO_AUTHENTICATION). */
export const SAMPLE_CREDENTIALS = ['session', 'token', 'jwt'] as const;
export type SampleCredential = (typeof SAMPLE_CREDENTIALS)[number];

/** The embedded SQLite files, relative to the working directory. */
export const EMBEDDED_DJANGO_DATABASE_URL = 'sqlite:var/django.sqlite3';
export const EMBEDDED_APP_DATABASE_URL = 'sqlite:var/app.sqlite3';
/** The demo's SECRET_KEY: fine for a local demo database, refused for a real Django database. */
export const DEMO_SECRET_KEY = 'django-bridge-sample-demo-secret-key-not-for-production';

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function databaseUrl(name: string, url: string): string {
  try {
    dataSourceOptionsFromUrl(url, name);
  } catch (err) {
    throw new SampleConfigError(name, `is not usable: ${(err as Error).message.replace(`${name} `, '')}`);
  }
  return url;
}

/**
 * Reads the sample's settings from the environment. Every variable is checked here, before any
 * database is opened, so a typo stops start-up with the variable's name rather than a stack trace.
 */
export function loadSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const djangoUrl = text(env, 'DJANGO_DATABASE_URL');
  const embedded = djangoUrl === undefined;
  const secretKey = text(env, 'DJANGO_SECRET_KEY') ?? (embedded ? DEMO_SECRET_KEY : undefined);
  if (!secretKey) throw new SampleConfigError('DJANGO_SECRET_KEY', 'is required with DJANGO_DATABASE_URL: it must be the SECRET_KEY of that Django site');
  if (secretKey.length < 8) throw new SampleConfigError('DJANGO_SECRET_KEY', 'is too short to be a Django SECRET_KEY');

  const djangoVersion = text(env, 'DJANGO_VERSION') ?? LATEST_DJANGO_VERSION;
  if (!isDjangoVersion(djangoVersion)) throw new SampleConfigError('DJANGO_VERSION', `must be one of ${DJANGO_VERSIONS.join(', ')}, not "${djangoVersion}"`);

  const fallbacks = (text(env, 'DJANGO_SECRET_KEY_FALLBACKS') ?? '').split(',').map((k) => k.trim());
  const secretKeyFallbacks = fallbacks.length === 1 && fallbacks[0] === '' ? [] : fallbacks;
  if (secretKeyFallbacks.some((k) => k === '')) throw new SampleConfigError('DJANGO_SECRET_KEY_FALLBACKS', 'has an empty entry (comma-separated keys, newest first)');
  if (secretKeyFallbacks.length && ['3.2', '4.0'].includes(djangoVersion)) throw new SampleConfigError('DJANGO_SECRET_KEY_FALLBACKS', `needs Django 4.1 or newer (DJANGO_VERSION is ${djangoVersion})`);

  const sessionCookieName = text(env, 'DJANGO_SESSION_COOKIE_NAME') ?? 'sessionid';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(sessionCookieName)) throw new SampleConfigError('DJANGO_SESSION_COOKIE_NAME', `"${sessionCookieName}" is not a valid cookie name`);

  const serializer = (text(env, 'DJANGO_SESSION_SERIALIZER') ?? 'json').toLowerCase();
  if (serializer !== 'json' && serializer !== 'php') throw new SampleConfigError('DJANGO_SESSION_SERIALIZER', `must be "json" or "php", not "${serializer}"`);

  const session = loadSessionSettings(env, serializer);

  const rawUseTz = (text(env, 'DJANGO_USE_TZ') ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(rawUseTz)) throw new SampleConfigError('DJANGO_USE_TZ', `must be "true" or "false", not "${rawUseTz}"`);
  const timeZone = text(env, 'DJANGO_TIME_ZONE') ?? 'UTC';
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new SampleConfigError('DJANGO_TIME_ZONE', `"${timeZone}" is not a known IANA time zone`);
  }

  const rawPort = text(env, 'PORT') ?? '3000';
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!Number.isInteger(port) || port > 65535) throw new SampleConfigError('PORT', `must be a port number (0-65535), not "${rawPort}"`);

  const httpAdapter = (text(env, 'HTTP_ADAPTER') ?? 'express').toLowerCase();
  if (httpAdapter !== 'express' && httpAdapter !== 'fastify') throw new SampleConfigError('HTTP_ADAPTER', `must be "express" or "fastify", not "${httpAdapter}"`);

  const passwords = loadPasswordSettings(env, djangoVersion);

  const rawPool = text(env, 'DATABASE_POOL_SIZE');
  const databasePoolSize = rawPool === undefined ? null : /^\d{1,4}$/.test(rawPool) && Number(rawPool) >= 1 ? Number(rawPool) : NaN;
  if (Number.isNaN(databasePoolSize)) throw new SampleConfigError('DATABASE_POOL_SIZE', `must be a whole number of connections (1-9999), not "${rawPool}"`);

  const authentication = (text(env, 'DJANGO_AUTHENTICATION') ?? SAMPLE_CREDENTIALS.join(',')).split(',').map((c) => c.trim().toLowerCase());
  const unknownCredential = authentication.find((c) => !(SAMPLE_CREDENTIALS as readonly string[]).includes(c));
  if (unknownCredential !== undefined) throw new SampleConfigError('DJANGO_AUTHENTICATION', `"${unknownCredential}" is not one of ${SAMPLE_CREDENTIALS.join(', ')} (comma-separated)`);
  if (new Set(authentication).size !== authentication.length) throw new SampleConfigError('DJANGO_AUTHENTICATION', 'names a credential twice');
  const wholeNumber = (name: string, fallback: number, min: number): number => {
    const raw = text(env, name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) throw new SampleConfigError(name, `must be a whole number of at least ${min}, not "${raw}"`);
    return Number(raw);
  };
  const cacheTtl = wholeNumber('VERIFIED_SESSION_CACHE_TTL_MS', 0, 0);
  const cacheEntries = wholeNumber('VERIFIED_SESSION_CACHE_MAX_ENTRIES', 10_000, 1);
  const rawWorkerHeader = (text(env, 'SAMPLE_WORKER_HEADER') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(rawWorkerHeader)) throw new SampleConfigError('SAMPLE_WORKER_HEADER', `must be "true" or "false", not "${rawWorkerHeader}"`);

  const replicas = (text(env, 'DJANGO_DATABASE_REPLICA_URLS') ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  return {
    djangoDatabaseUrl: databaseUrl('DJANGO_DATABASE_URL', djangoUrl ?? EMBEDDED_DJANGO_DATABASE_URL),
    djangoReplicaUrls: replicas.map((url) => databaseUrl('DJANGO_DATABASE_REPLICA_URLS', url)),
    appDatabaseUrl: databaseUrl('APP_DATABASE_URL', text(env, 'APP_DATABASE_URL') ?? EMBEDDED_APP_DATABASE_URL),
    embedded,
    secretKey,
    secretKeyFallbacks,
    sessionCookieName,
    sessionSerializer: serializer,
    sessionEngine: session.sessionEngine,
    cache: session.cache,
    djangoVersion,
    useTz: rawUseTz === 'true' || rawUseTz === '1',
    timeZone,
    port,
    host: text(env, 'HOST') ?? '127.0.0.1',
    httpAdapter,
    passwords,
    databasePoolSize,
    workerHeader: rawWorkerHeader === 'true' || rawWorkerHeader === '1',
    authentication: authentication as SampleCredential[],
    verifiedSessionCache: cacheTtl > 0 ? { ttl: cacheTtl, maxEntries: cacheEntries } : false,
  };
}

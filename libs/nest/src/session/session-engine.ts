import { CachedDbSessionBackend, CacheSessionBackend, PickleSerializer, resolveSessionSerializer, SessionCodec, SignedCookieSessionBackend, type SessionBackend } from '@django-bridge/core';
import { Logger } from '@nestjs/common';
import type { DjangoCaches } from '../cache/django-caches.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { TypeOrmSessionStore } from './typeorm-session.store.js';
import { MonitoredSessionCodec } from './monitored-session-codec.js';
import { isSignatureFailure, type SecretKeyMonitor } from '../startup/secret-key-monitor.js';

/** SESSION_ENGINE values, by the last part of Django's dotted path. */
export const SESSION_ENGINES = ['db', 'cache', 'cached_db', 'signed_cookies'] as const;
export type SessionEngineName = (typeof SESSION_ENGINES)[number];

/** "cache" or "django.contrib.sessions.backends.cache" to "cache"; null for anything else. */
export function sessionEngineName(value: unknown): SessionEngineName | null {
  if (typeof value !== 'string') return null;
  const name = value.startsWith('django.contrib.sessions.backends.') ? value.slice('django.contrib.sessions.backends.'.length) : value;
  return (SESSION_ENGINES as readonly string[]).includes(name) ? (name as SessionEngineName) : null;
}

/** Whether a value can serve as a session store of the application's own. */
export function isSessionBackend(value: unknown): value is SessionBackend {
  const v = value as Partial<SessionBackend> | null;
  return !!v && typeof v === 'object' && ['load', 'exists', 'create', 'update', 'delete', 'clearExpired'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
}

const logger = new Logger('DjangoSession');

/**
 * The session store `sessionEngine` names, built over the site's databases and caches. With a
 * SecretKeyMonitor, signature checks of session data are counted (a wrong secretKey is noticed).
 */
export function createSessionStore(options: ResolvedBridgeOptions, caches: DjangoCaches, monitor?: SecretKeyMonitor): SessionBackend {
  const engine = options.sessionEngine;
  if (typeof engine !== 'string') return engine;
  const o = options;
  // The decode limits bound what a row may decode to; the same intMaxStrDigits bounds what a save writes.
  const codecOptions = { secretKey: o.secretKey, fallbackKeys: o.secretKeyFallbacks, serializer: o.sessionSerializer, salt: o.sessionSalt, djangoVersion: o.djangoVersion, maxExpandedBytes: o.maxExpandedBytes, intMaxStrDigits: o.intMaxStrDigits };
  const report = (err: Error) => logger.warn(err.message);
  // PHP session data carries no signature, so its decodes say nothing about the key.
  const codec = monitor && o.sessionSerializer !== 'php' ? new MonitoredSessionCodec(codecOptions, report, monitor) : new SessionCodec(codecOptions, report);
  const db = () => new TypeOrmSessionStore(o.databases!, { useTz: o.useTz, timeZone: o.timeZone, codec, timeout: o.databaseTimeout });
  const onCorrupt = (err: unknown) => logger.warn(`Session data corrupted in the cache: ${(err as Error)?.message ?? String(err)}`);
  switch (engine) {
    case 'db':
      return db();
    case 'cache':
      return new CacheSessionBackend(caches.get(o.sessionCacheAlias), { onCorrupt });
    case 'cached_db':
      return new CachedDbSessionBackend(db(), caches.get(o.sessionCacheAlias), {
        // Django 5.1+ logs a failed cache write after saving to the database and carries on.
        tolerateCacheWriteErrors: !['3.2', '4.0', '4.1', '4.2', '5.0'].includes(o.djangoVersion),
        onCacheError: (err) => logger.warn(`Session cache failed; the database answered: ${(err as Error)?.message ?? String(err)}`),
      });
    case 'signed_cookies': {
      const serializer = resolveSessionSerializer(o.sessionSerializer);
      if (serializer === PickleSerializer) logger.warn('signed_cookies sessions are pickled (PickleSerializer): Django unpickles any cookie signed with SECRET_KEY, so a leaked key is remote code execution on the Django side (this bridge only reads plain data); move the site to JSONSerializer');
      return new SignedCookieSessionBackend({
        secretKey: o.secretKey,
        fallbackKeys: o.secretKeyFallbacks,
        serializer,
        cookieAge: o.sessionCookieAge,
        djangoVersion: o.djangoVersion,
        cookieName: o.sessionCookieName,
        maxExpandedBytes: o.maxExpandedBytes,
        intMaxStrDigits: o.intMaxStrDigits,
        // Anyone can send a bad cookie: debug level, so refusals cannot flood the log (Django logs none).
        onCorrupt: (err) => {
          if (isSignatureFailure(err)) monitor?.failed('session data');
          logger.debug(`Session cookie refused: ${err.message}`);
        },
        // Django writes it anyway and browsers drop it: the user is silently logged out, which the operator must see.
        onOversize: (c) => logger.warn(`A signed_cookies session cookie of ${c.size} bytes exceeds browsers' ${c.limit}-byte limit and will be dropped; keep less in the session`),
      });
    }
  }
}

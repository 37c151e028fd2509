import { assertTimeZone, DEFAULT_MAX_EXPANDED_BYTES, getIntMaxStrDigits, INT_MAX_STR_DIGITS_THRESHOLD, type DjangoCache, type SessionBackend, DJANGO_VERSIONS, djangoDefaults, PASSWORD_UPGRADE_POLICIES, PHP_SESSION_KEY_PATTERN, ImproperlyConfigured, isDjangoVersion, LATEST_DJANGO_VERSION, PasswordHashers, type DjangoVersion, type PasswordHashersOptions, type PasswordUpgradePolicy, type SessionSerializerName } from '@django-bridge/core';
import type { DataSource } from 'typeorm';
import type { DatabaseRouter } from './routing/database-router.js';
import { DjangoDatabases } from './routing/django-databases.js';
import { defaultDatabaseHints, type HintRequest } from './routing/database-hints.middleware.js';
import { resolveUserModel, type ResolvedUserModel, type UserModelOptions } from './users/user-model.js';
import type { DjangoUserStore } from './users/django-user-store.js';
import { DJANGO_CACHE_BACKENDS, type DjangoCacheSettings } from './cache/django-cache-settings.js';
import { isDjangoCache } from './cache/create-django-cache.js';
import { isSessionBackend, SESSION_ENGINES, sessionEngineName, type SessionEngineName } from './session/session-engine.js';
import { resolveVerifiedSessionCache, type VerifiedSessionCacheOptions } from './auth/verified-session-cache.js';
import { DEFAULT_DATABASE_TIMEOUT } from './database/bounded-query.js';
import { DEFAULT_STORE_TIMEOUT } from './database/store-deadline.js';
import { resolveStartupChecks, type ResolvedStartupChecks, type StartupCheckOptions } from './startup/startup-check-options.js';
import { PasswordHashingOptionError, resolvePasswordHashingOptions, type PasswordHashingOptions, type ResolvedPasswordHashingOptions } from './auth/password-hashing-limiter.js';
import { resolvePasswordResetOptions, type PasswordResetOptions, type ResolvedPasswordResetOptions } from './password-reset/password-reset-options.js';
import { resolveDrfTokenOptions, type DrfTokenOptions, type ResolvedDrfTokenOptions } from './drf-token/drf-token-options.js';
import { resolveSimpleJwtOptions, type ResolvedSimpleJwtOptions, type SimpleJwtOptions } from './simple-jwt/simple-jwt.options.js';
import { resolveSignedCookiesOptions, type ResolvedSignedCookiesOptions, type SignedCookiesOptions } from './signed-cookies/signed-cookies-options.js';

/**
 * Options of DjangoBridgeModule. Names are Django's settings in camelCase, so values can be copied
 * from settings.py (SESSION_COOKIE_AGE -> sessionCookieAge).
 */
export interface DjangoBridgeOptions {
  /** SECRET_KEY of the Django site. Required. */
  secretKey: string;
  /** SECRET_KEY_FALLBACKS (Django 4.1+): old keys still accepted, newest first. */
  secretKeyFallbacks?: string[];
  /** The Django line the site runs: sets work factors and what legacy data is accepted. Default: the newest (6.1). */
  djangoVersion?: DjangoVersion;
  /**
   * The TypeORM DataSource holding Django's tables (inject it with forRootAsync). Required unless
   * `databases` is given.
   */
  dataSource?: DataSource;
  /**
   * DATABASES: DataSources by alias, for sites that split tables over databases (with
   * `databaseRouters`). Must hold "default". Give this or `dataSource`, not both.
   */
  databases?: Record<string, DataSource>;
  /** DATABASE_ROUTERS: decide which alias reads and writes Django's models (see AppLabelRouter). */
  databaseRouters?: DatabaseRouter[];
  /** Request-scoped hints handed to the routers; default `{ path, method }` of the request. */
  databaseHints?: (req: HintRequest) => Record<string, unknown>;
  /**
   * SESSION_ENGINE: 'db' (default), 'cache', 'cached_db' or 'signed_cookies' (Django's dotted paths
   * are accepted too), or a SessionBackend of the application's own.
   */
  sessionEngine?: SessionEngineName | `django.contrib.sessions.backends.${SessionEngineName}` | SessionBackend;
  /**
   * CACHES: each alias's BACKEND, LOCATION, KEY_PREFIX, VERSION and OPTIONS as in settings.py (see
   * DjangoCacheSettings), or a ready DjangoCache. Needed by the cache and cached_db engines.
   */
  caches?: Record<string, DjangoCacheSettings | DjangoCache>;
  /** SESSION_CACHE_ALIAS; default "default". */
  sessionCacheAlias?: string;
  /** A user store of the application's own (see DjangoUserStore); default TypeORM over the site's database. */
  userStore?: DjangoUserStore;
  /**
   * Milliseconds one statement on Django's database may take, from asking the pool for a connection
   * to the last row; default 3000. Past it the request is a 503 and the connection is destroyed (a
   * connection still being acquired is handed back unused, its statement never sent). While a
   * database is stalled, one statement at a time probes it and the others are a 503 at once; the
   * first answer ends the stall. SQLite is bounded by its busy `timeout` instead (it runs in-process).
   */
  databaseTimeout?: number;
  /**
   * Milliseconds one call into a store of the application's own may take (`userStore`, a
   * SessionBackend as `sessionEngine`, a ready DjangoCache in `caches`); default 5000. Past it the
   * request is a 503; the store's late result is ignored.
   */
  storeTimeout?: number;
  /**
   * Most bytes a decoded session or cache value may take when written back (as Django JSON, or PHP
   * serialize() for the php serializer), pickle memo references expanded. Default 16 MiB
   * (DEFAULT_MAX_EXPANDED_BYTES); Infinity for no limit. A larger value is corrupted data: the
   * session is empty (the user anonymous), the cache entry unreadable.
   */
  maxExpandedBytes?: number;
  /**
   * Python's int_max_str_digits (`sys.set_int_max_str_digits`, PYTHONINTMAXSTRDIGITS) of the site:
   * integers with more decimal digits are refused in sessions and cache values, read or written, as
   * the site's Python refuses them. Default getIntMaxStrDigits() (4300); 0 for no limit; else 640 or more.
   */
  intMaxStrDigits?: number;
  /** SESSION_COOKIE_NAME; default "sessionid" (django-php-bridge sites use "PHPSESSID"). */
  sessionCookieName?: string;
  /** SESSION_COOKIE_AGE in seconds; default 1209600 (two weeks). */
  sessionCookieAge?: number;
  /** SESSION_COOKIE_DOMAIN; default none (host-only). */
  sessionCookieDomain?: string | null;
  /** SESSION_COOKIE_PATH; default "/". */
  sessionCookiePath?: string;
  /** SESSION_COOKIE_SECURE; default false. */
  sessionCookieSecure?: boolean;
  /** SESSION_COOKIE_HTTPONLY; default true. */
  sessionCookieHttpOnly?: boolean;
  /** SESSION_COOKIE_SAMESITE: 'Lax' (default), 'Strict', 'None' or false. */
  sessionCookieSameSite?: 'Lax' | 'Strict' | 'None' | false;
  /** SESSION_SAVE_EVERY_REQUEST; default false. */
  sessionSaveEveryRequest?: boolean;
  /**
   * When a request's session is read. 'lazy' (default, as Django): on first use, by a guard,
   * `@CurrentSession()`, `@LoadSession()`, `DjangoSessionService.load` or CSRF_USE_SESSIONS, so a
   * route that never uses the session costs no query even with a cookie. 'eager': before every
   * handler whenever a session cookie is present, for code that reads
   * `DjangoSessionService.forRequest(req)` synchronously.
   */
  sessionLoading?: SessionLoading;
  /** SESSION_EXPIRE_AT_BROWSER_CLOSE; default false. */
  sessionExpireAtBrowserClose?: boolean;
  /** SESSION_SERIALIZER: 'json' (default), 'php' (django-php-bridge) or 'pickle' (read-only). */
  sessionSerializer?: SessionSerializerName;
  /** `__qualname__` of a custom SessionStore class (the signing salt); default "SessionStore". */
  sessionStoreClass?: string;
  /**
   * Accepted shape of cookie session keys, on top of Django's 8-40 characters. Default: printable
   * ASCII; with `sessionSerializer: 'php'`, PHP's id alphabet (PHP_SESSION_KEY_PATTERN), so ids
   * PHP generates are accepted and nothing else. Keys created here are always Django's 32 a-z0-9.
   */
  sessionKeyPattern?: RegExp;
  /** AUTHENTICATION_BACKENDS: `_auth_user_backend` must be one of these. Default ModelBackend. */
  authenticationBackends?: string[];
  /**
   * The credentials DjangoAuthGuard accepts, tried in this order (DRF's
   * DEFAULT_AUTHENTICATION_CLASSES): 'session' (the cookie), 'token' (DRF's `Authorization: Token`,
   * see `drfToken`), 'jwt' (SimpleJWT's bearer tokens, see `simpleJwt`), or a name registered with
   * DjangoCredentials.register. Default ['session']. A route narrows it with @AuthenticateWith.
   */
  authentication?: string[];
  /** DRF's TokenAuthentication (the 'token' credential): `keyword` (default 'Token'), `table` (default 'authtoken_token'), or a `store` of the application's own. */
  drfToken?: DrfTokenOptions;
  /**
   * SimpleJWT (the 'jwt' credential, SimpleJwtService): SIMPLE_JWT in camelCase (signingKey,
   * algorithm, audience, issuer, leeway, lifetimes in seconds, userIdField/userIdClaim,
   * authHeaderTypes, rotateRefreshTokens, blacklistAfterRotation, updateLastLogin, ...) and
   * `blacklist: true` when token_blacklist is installed. Needs the package "jose". Default off.
   */
  simpleJwt?: SimpleJwtOptions;
  /** PASSWORD_HASHERS by algorithm name, preferred first; default that of `djangoVersion`. */
  passwordHashers?: string[];
  /**
   * Work factors that differ from `djangoVersion`'s (a site whose hasher subclasses change them, or
   * a Django line the bridge does not list yet): PBKDF2 `iterations`, `argon2` { timeCost,
   * memoryCost, parallelism, hashLength }, `bcryptRounds`, `scrypt` { workFactor, blockSize, parallelism }.
   */
  passwordWorkFactors?: Pick<PasswordHashersOptions, 'iterations' | 'argon2' | 'bcryptRounds' | 'scrypt'>;
  /**
   * Which outdated password hashes a login here rewrites. 'django' (default): none; the Django site
   * upgrades them at its own logins, so two sides configured differently never rewrite each other's
   * hashes (each rewrite would log the user out on the other side). 'stronger': only raises (see
   * PasswordUpgradePolicy). 'always': Django's own rule, for a service that is the only writer.
   */
  passwordUpgrade?: PasswordUpgradePolicy;
  /**
   * Bounds on the password hashes computed at once (logins, the dummy hash for unknown users,
   * upgrades): `concurrency` (default min(UV_THREADPOOL_SIZE or 4, cores)), `queueLimit` (default
   * 16 x concurrency) and `queueTimeout` ms (default 10000). A login past them is a 503 with Retry-After.
   */
  passwordHashing?: PasswordHashingOptions;
  /**
   * Trust a session verified in the last `ttl` ms without reading the session and user again
   * (in-process, at most `maxEntries` sessions). Off by default. A change made by Django or another
   * process (logout, password change, deactivation, permissions) is seen at most `ttl` later; a
   * logout, login or password change made through this process's bridge at once.
   */
  verifiedSessionCache?: VerifiedSessionCacheOptions | false;
  /** USE_TZ: how naive datetime columns are read and written; default true. */
  useTz?: boolean;
  /** TIME_ZONE: the zone of naive datetimes when useTz is false; default "UTC". */
  timeZone?: string;
  /** The AUTH_USER_MODEL's table and columns; default auth.User. */
  userModel?: UserModelOptions;
  /** CSRF_COOKIE_NAME; default "csrftoken". */
  csrfCookieName?: string;
  /** CSRF_COOKIE_AGE in seconds; default 31449600 (52 weeks). */
  csrfCookieAge?: number;
  /** CSRF_COOKIE_DOMAIN; default none. */
  csrfCookieDomain?: string | null;
  /** CSRF_COOKIE_PATH; default "/". */
  csrfCookiePath?: string;
  /** CSRF_COOKIE_SECURE; default false. */
  csrfCookieSecure?: boolean;
  /** CSRF_COOKIE_HTTPONLY; default false (JavaScript reads the cookie to send the header). */
  csrfCookieHttpOnly?: boolean;
  /** CSRF_COOKIE_SAMESITE; default 'Lax'. */
  csrfCookieSameSite?: 'Lax' | 'Strict' | 'None' | false;
  /** The request header carrying the token (CSRF_HEADER_NAME); default "X-CSRFToken". */
  csrfHeaderName?: string;
  /** CSRF_TRUSTED_ORIGINS with scheme, e.g. "https://*.example.com". */
  csrfTrustedOrigins?: string[];
  /** CSRF_USE_SESSIONS: keep the secret in the session instead of a cookie; default false. */
  csrfUseSessions?: boolean;
  /**
   * Checks at start-up that each DataSource is initialized and answers, and that the tables the
   * stores read exist (Django's `migrate` ran). Default true, with the retry policy of
   * StartupCheckOptions (5 attempts within 10 s); false for apps that must start with the database down.
   */
  startupChecks?: boolean | StartupCheckOptions;
  /** Django's password-reset links (PASSWORD_RESET_TIMEOUT, the e-mail field, 3.2's algorithm). */
  passwordReset?: PasswordResetOptions;
  /** get_signed_cookie / set_signed_cookie: the salt format of the site's release. */
  signedCookies?: SignedCookiesOptions;
}

export interface ResolvedBridgeOptions extends Required<Omit<DjangoBridgeOptions, 'sessionCookieDomain' | 'csrfCookieDomain' | 'userModel' | 'passwordHashers' | 'passwordWorkFactors' | 'sessionKeyPattern' | 'databases' | 'databaseRouters' | 'sessionEngine' | 'userStore' | 'dataSource' | 'drfToken' | 'simpleJwt' | 'startupChecks' | 'passwordReset' | 'signedCookies'>> {
  drfToken: ResolvedDrfTokenOptions;
  /** Null when `simpleJwt` is not given. */
  simpleJwt: ResolvedSimpleJwtOptions | null;
  passwordReset: ResolvedPasswordResetOptions;
  signedCookies: ResolvedSignedCookiesOptions;
  startupChecks: ResolvedStartupChecks;
  /** The engine by short name, or the application's own store. */
  sessionEngine: SessionEngineName | SessionBackend;
  userStore: DjangoUserStore | null;
  /**
   * The routed databases; a single `dataSource` becomes the "default" alias. Null only when no
   * store needs one (a userStore of the application's own with the cache or signed_cookies engine).
   */
  databases: DjangoDatabases | null;
  dataSource: DataSource | null;
  sessionCookieDomain: string | null;
  csrfCookieDomain: string | null;
  sessionKeyPattern: RegExp | undefined;
  userModel: ResolvedUserModel;
  hashers: PasswordHashers;
  passwordHashing: ResolvedPasswordHashingOptions;
  /** "django.contrib.sessions." + sessionStoreClass. */
  sessionSalt: string;
}

const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';

function fail(option: string, problem: string): never {
  throw new ImproperlyConfigured(`DjangoBridgeModule option "${option}" ${problem}`);
}

function resolveDatabases(options: DjangoBridgeOptions, needed: boolean): DjangoDatabases | null {
  const ds = options.dataSource as DataSource | undefined;
  if (!needed && ds === undefined && options.databases === undefined && !options.databaseRouters?.length) return null;
  if (options.databases !== undefined) {
    if (ds !== undefined) fail('dataSource', 'and "databases" are both set; give the DataSource as databases.default instead');
    if (!options.databases || typeof options.databases !== 'object') fail('databases', 'must map aliases to TypeORM DataSources');
    try {
      return new DjangoDatabases({ databases: options.databases, routers: options.databaseRouters });
    } catch (err) {
      fail('databases', (err as Error).message);
    }
  }
  if (!ds || typeof ds.query !== 'function' || !ds.options) fail('dataSource', 'must be a TypeORM DataSource holding the Django tables (or give userStore and a sessionEngine that keeps no rows)');
  if (options.databaseRouters?.length) fail('databaseRouters', 'need "databases" with the aliases they route to');
  return DjangoDatabases.single(ds);
}

class WorkFactorError extends Error {
  constructor(
    readonly field: string,
    problem = 'must be a positive whole number',
  ) {
    super(problem);
  }
}

/** The work factors given, each a positive whole number (a typo must not silently mean Django's default). */
function workFactors(given: DjangoBridgeOptions['passwordWorkFactors']): DjangoBridgeOptions['passwordWorkFactors'] {
  if (given === undefined) return {};
  const check = (field: string, value: unknown) => {
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) throw new WorkFactorError(field);
  };
  const allowed: Record<string, readonly string[] | null> = { iterations: null, bcryptRounds: null, argon2: ['timeCost', 'memoryCost', 'parallelism', 'hashLength'], scrypt: ['workFactor', 'blockSize', 'parallelism'] };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(key in allowed)) throw new WorkFactorError(key, `is not a work factor (use iterations, argon2, bcryptRounds or scrypt)`);
    const fields = allowed[key];
    if (fields === null) check(key, value);
    else if (!value || typeof value !== 'object') throw new WorkFactorError(key, `must be an object of ${fields.join(', ')}`);
    else for (const [field, v] of Object.entries(value)) {
      if (!fields.includes(field)) throw new WorkFactorError(`${key}.${field}`, `is not one of ${fields.join(', ')}`);
      check(`${key}.${field}`, v);
    }
  }
  return given;
}

/** A bound in milliseconds: a positive whole number, as a typo must never mean "wait forever". */
function timeoutOption(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) fail(option, 'must be a positive whole number of milliseconds');
  return value as number;
}

/** The ways sessions load (see DjangoBridgeOptions.sessionLoading). */
export const SESSION_LOADING = ['lazy', 'eager'] as const;
export type SessionLoading = (typeof SESSION_LOADING)[number];

function resolveSessionLoading(value: unknown): SessionLoading {
  if (value === undefined) return 'lazy';
  if (!SESSION_LOADING.includes(value as SessionLoading)) fail('sessionLoading', `must be 'lazy' or 'eager', not ${JSON.stringify(value)}`);
  return value as SessionLoading;
}

function resolveSessionEngine(options: DjangoBridgeOptions): SessionEngineName | SessionBackend {
  const engine = options.sessionEngine ?? 'db';
  if (isSessionBackend(engine)) return engine;
  const name = sessionEngineName(engine);
  if (name === null) fail('sessionEngine', `must be one of ${SESSION_ENGINES.map((e) => `'${e}'`).join(', ')} (or django.contrib.sessions.backends.<name>), or a SessionBackend`);
  return name;
}

function resolveCaches(options: DjangoBridgeOptions): Record<string, DjangoCacheSettings | DjangoCache> {
  const caches = options.caches ?? {};
  if (!caches || typeof caches !== 'object' || Array.isArray(caches)) fail('caches', 'must map aliases to cache settings (like CACHES) or DjangoCache objects');
  for (const [alias, entry] of Object.entries(caches)) {
    if (isDjangoCache(entry)) continue;
    const settings = entry as DjangoCacheSettings;
    if (!settings || typeof settings !== 'object') fail(`caches.${alias}`, 'must be cache settings ({ backend, location, ... }) or a DjangoCache');
    if (!(DJANGO_CACHE_BACKENDS as readonly string[]).includes(settings.backend)) fail(`caches.${alias}.backend`, `must be one of ${DJANGO_CACHE_BACKENDS.join(', ')}`);
    const locations = Array.isArray(settings.location) ? settings.location : [settings.location];
    if (locations.length === 0 || locations.some((l) => typeof l !== 'string' || l.trim() === '')) fail(`caches.${alias}.location`, 'must be a non-empty string or list of strings');
    if (settings.keyPrefix !== undefined && typeof settings.keyPrefix !== 'string') fail(`caches.${alias}.keyPrefix`, 'must be a string');
    if (settings.version !== undefined && !Number.isSafeInteger(settings.version)) fail(`caches.${alias}.version`, 'must be a whole number');
    if (settings.keyFunction !== undefined && typeof settings.keyFunction !== 'function') fail(`caches.${alias}.keyFunction`, 'must be a function (key, keyPrefix, version) => string');
    for (const field of ['connectTimeout', 'commandTimeout'] as const) {
      const v = settings[field];
      if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) fail(`caches.${alias}.${field}`, 'must be a positive number of milliseconds');
    }
    if (settings.options !== undefined && (!settings.options || typeof settings.options !== 'object' || Array.isArray(settings.options))) fail(`caches.${alias}.options`, 'must be an object');
  }
  return caches;
}

/** Validates options and fills Django's defaults; an invalid value stops start-up naming the option. */
export function resolveBridgeOptions(options: DjangoBridgeOptions): ResolvedBridgeOptions {
  if (!options || typeof options !== 'object') fail('options', 'must be an object');
  if (typeof options.secretKey !== 'string' || options.secretKey.length === 0) fail('secretKey', 'is required (the Django SECRET_KEY)');
  const fallbacks = options.secretKeyFallbacks ?? [];
  if (!Array.isArray(fallbacks) || fallbacks.some((k) => typeof k !== 'string' || k.length === 0)) fail('secretKeyFallbacks', 'must be a list of non-empty strings');
  const djangoVersion = options.djangoVersion ?? LATEST_DJANGO_VERSION;
  if (!isDjangoVersion(djangoVersion)) fail('djangoVersion', `"${String(djangoVersion)}" is not one of ${DJANGO_VERSIONS.join(', ')}; for another line, give the nearest one and set passwordWorkFactors to your line's work factors`);
  if (fallbacks.length && !djangoDefaults(djangoVersion).supportsSecretKeyFallbacks) fail('secretKeyFallbacks', `is not supported by Django ${djangoVersion} (4.1+)`);
  const hints = options.databaseHints ?? defaultDatabaseHints;
  if (typeof hints !== 'function') fail('databaseHints', 'must be a function of the request');
  const cookieName = options.sessionCookieName ?? 'sessionid';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) fail('sessionCookieName', `"${cookieName}" is not a valid cookie name`);
  const age = options.sessionCookieAge ?? 1_209_600;
  if (!Number.isInteger(age) || age <= 0) fail('sessionCookieAge', 'must be a positive number of seconds');
  const sameSite = options.sessionCookieSameSite ?? 'Lax';
  if (sameSite !== false && !['Lax', 'Strict', 'None'].includes(sameSite)) fail('sessionCookieSameSite', "must be 'Lax', 'Strict', 'None' or false");
  const serializer = options.sessionSerializer ?? 'json';
  if (!['json', 'php', 'pickle'].includes(serializer)) fail('sessionSerializer', "must be 'json', 'php' or 'pickle'");
  const sessionEngine = resolveSessionEngine(options);
  const caches = resolveCaches(options);
  const sessionCacheAlias = options.sessionCacheAlias ?? 'default';
  if (typeof sessionCacheAlias !== 'string' || !sessionCacheAlias) fail('sessionCacheAlias', 'must be a cache alias');
  if ((sessionEngine === 'cache' || sessionEngine === 'cached_db') && !(sessionCacheAlias in caches)) fail('caches', `has no "${sessionCacheAlias}" cache, which sessionEngine '${sessionEngine}' needs (SESSION_CACHE_ALIAS is sessionCacheAlias)`);
  if (sessionEngine === 'signed_cookies' && serializer !== 'json' && !(serializer === 'pickle' && ['3.2', '4.0', '4.1', '4.2'].includes(djangoVersion))) fail('sessionSerializer', `must be 'json' with sessionEngine 'signed_cookies'${serializer === 'pickle' ? ` on Django ${djangoVersion} (PickleSerializer went in 5.0; 'pickle' works on 3.2 to 4.2)` : ''}`);
  const startupChecks = resolveStartupChecks(options.startupChecks);
  const databaseTimeout = timeoutOption('databaseTimeout', options.databaseTimeout, DEFAULT_DATABASE_TIMEOUT);
  const storeTimeout = timeoutOption('storeTimeout', options.storeTimeout, DEFAULT_STORE_TIMEOUT);
  const maxExpandedBytes = options.maxExpandedBytes ?? DEFAULT_MAX_EXPANDED_BYTES;
  if (typeof maxExpandedBytes !== 'number' || !(maxExpandedBytes === Infinity || (Number.isSafeInteger(maxExpandedBytes) && maxExpandedBytes > 0))) fail('maxExpandedBytes', 'must be a positive whole number of bytes, or Infinity for no limit');
  const intMaxStrDigits = options.intMaxStrDigits ?? getIntMaxStrDigits();
  if (!Number.isSafeInteger(intMaxStrDigits) || (intMaxStrDigits !== 0 && intMaxStrDigits < INT_MAX_STR_DIGITS_THRESHOLD)) fail('intMaxStrDigits', `must be 0 (no limit) or a whole number of at least ${INT_MAX_STR_DIGITS_THRESHOLD}, as Python's sys.set_int_max_str_digits requires`);
  const userStore = options.userStore ?? null;
  if (userStore !== null && (typeof userStore !== 'object' || typeof userStore.findById !== 'function' || typeof userStore.findByUsername !== 'function')) fail('userStore', 'must implement DjangoUserStore');
  // Users and the db/cached_db engines live in Django's tables; only custom stores do without them.
  const databases = resolveDatabases(options, userStore === null || sessionEngine === 'db' || sessionEngine === 'cached_db');
  const storeClass = options.sessionStoreClass ?? 'SessionStore';
  if (!/^[A-Za-z_][\w.<>]*$/.test(storeClass)) fail('sessionStoreClass', 'must be a Python class __qualname__');
  const authentication = options.authentication ?? ['session'];
  if (!Array.isArray(authentication) || authentication.length === 0 || authentication.some((name) => typeof name !== 'string' || !name) || new Set(authentication).size !== authentication.length) fail('authentication', 'must be a non-empty list of distinct credential names (session, token, jwt)');
  const drfToken = resolveDrfTokenOptions(options.drfToken);
  if (authentication.includes('token') && !drfToken.store && !databases) fail('drfToken', 'needs the authtoken_token table: give dataSource or databases, or drfToken.store');
  const backends = options.authenticationBackends ?? [MODEL_BACKEND];
  if (!Array.isArray(backends) || backends.length === 0 || backends.some((b) => typeof b !== 'string' || !b)) fail('authenticationBackends', 'must be a non-empty list of dotted paths');
  const timeZone = options.timeZone ?? 'UTC';
  try {
    assertTimeZone(timeZone);
  } catch {
    fail('timeZone', `"${timeZone}" is not a known IANA time zone`);
  }
  const csrfCookieName = options.csrfCookieName ?? 'csrftoken';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(csrfCookieName)) fail('csrfCookieName', `"${csrfCookieName}" is not a valid cookie name`);
  const csrfAge = options.csrfCookieAge ?? 31_449_600;
  if (!Number.isInteger(csrfAge) || csrfAge <= 0) fail('csrfCookieAge', 'must be a positive number of seconds');
  const csrfSameSite = options.csrfCookieSameSite ?? 'Lax';
  if (csrfSameSite !== false && !['Lax', 'Strict', 'None'].includes(csrfSameSite)) fail('csrfCookieSameSite', "must be 'Lax', 'Strict', 'None' or false");
  const trusted = options.csrfTrustedOrigins ?? [];
  for (const origin of trusted) {
    // Django 4.0+ requires the scheme (system check 4_0.E001).
    if (typeof origin !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/./i.test(origin)) fail('csrfTrustedOrigins', `entry "${String(origin)}" must start with a scheme, e.g. "https://example.com"`);
  }
  let hashers: PasswordHashers;
  try {
    hashers = new PasswordHashers({ djangoVersion, hashers: options.passwordHashers, ...workFactors(options.passwordWorkFactors) });
  } catch (err) {
    fail(err instanceof WorkFactorError ? `passwordWorkFactors.${err.field}` : 'passwordHashers', (err as Error).message);
  }
  const passwordUpgrade = options.passwordUpgrade ?? 'django';
  if (!PASSWORD_UPGRADE_POLICIES.includes(passwordUpgrade)) fail('passwordUpgrade', `must be one of ${PASSWORD_UPGRADE_POLICIES.map((p) => `'${p}'`).join(', ')}`);
  let passwordHashing: ResolvedPasswordHashingOptions;
  try {
    passwordHashing = resolvePasswordHashingOptions(options.passwordHashing);
  } catch (err) {
    if (!(err instanceof PasswordHashingOptionError)) throw err;
    fail(err.option, err.problem);
  }
  let userModel: ResolvedUserModel;
  try {
    userModel = resolveUserModel(options.userModel);
  } catch (err) {
    fail('userModel', (err as Error).message);
  }
  const simpleJwt = resolveSimpleJwtOptions(options.simpleJwt, { secretKey: options.secretKey, djangoVersion, userModel });
  if (authentication.includes('jwt') && !simpleJwt) fail('simpleJwt', "is needed by the 'jwt' credential in authentication (give {} for SimpleJWT's defaults)");
  if (simpleJwt?.blacklist && !simpleJwt.blacklistStore && !databases) fail('simpleJwt.blacklist', 'needs the token_blacklist tables: give dataSource or databases, or simpleJwt.blacklistStore');
  return {
    secretKey: options.secretKey,
    secretKeyFallbacks: fallbacks,
    djangoVersion,
    dataSource: databases?.default ?? null,
    databases,
    databaseHints: hints,
    sessionCookieName: cookieName,
    sessionCookieAge: age,
    sessionCookieDomain: options.sessionCookieDomain ?? null,
    sessionCookiePath: options.sessionCookiePath ?? '/',
    sessionCookieSecure: options.sessionCookieSecure ?? false,
    sessionCookieHttpOnly: options.sessionCookieHttpOnly ?? true,
    sessionCookieSameSite: sameSite,
    sessionSaveEveryRequest: options.sessionSaveEveryRequest ?? false,
    sessionLoading: resolveSessionLoading(options.sessionLoading),
    sessionExpireAtBrowserClose: options.sessionExpireAtBrowserClose ?? false,
    sessionSerializer: serializer,
    sessionEngine,
    caches,
    sessionCacheAlias,
    userStore,
    databaseTimeout,
    storeTimeout,
    maxExpandedBytes,
    intMaxStrDigits,
    sessionStoreClass: storeClass,
    sessionKeyPattern: options.sessionKeyPattern ?? (serializer === 'php' ? PHP_SESSION_KEY_PATTERN : undefined),
    authenticationBackends: backends,
    authentication: [...authentication],
    drfToken,
    simpleJwt,
    useTz: options.useTz ?? true,
    timeZone,
    userModel,
    hashers,
    passwordUpgrade,
    passwordHashing,
    verifiedSessionCache: resolveVerifiedSessionCache(options.verifiedSessionCache),
    passwordReset: resolvePasswordResetOptions(options.passwordReset, djangoVersion),
    signedCookies: resolveSignedCookiesOptions(options.signedCookies, djangoVersion),
    sessionSalt: `django.contrib.sessions.${storeClass}`,
    csrfCookieName,
    csrfCookieAge: csrfAge,
    csrfCookieDomain: options.csrfCookieDomain ?? null,
    csrfCookiePath: options.csrfCookiePath ?? '/',
    csrfCookieSecure: options.csrfCookieSecure ?? false,
    csrfCookieHttpOnly: options.csrfCookieHttpOnly ?? false,
    csrfCookieSameSite: csrfSameSite,
    csrfHeaderName: options.csrfHeaderName ?? 'X-CSRFToken',
    csrfTrustedOrigins: trusted,
    csrfUseSessions: options.csrfUseSessions ?? false,
    startupChecks,
  };
}

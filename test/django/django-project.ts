/**
 * Drives the real Django test project in test/django/project from the integration tests, on any
 * installed Django line (3.2 is Debian's python3-django; 4.2, 5.2, 6.1 see django-line.ts): Django's own `migrate` on SQLite, MariaDB/MySQL or PostgreSQL, users, groups
 * and permissions, logging in through Django's views, and asking Django who a cookie belongs to,
 * under any SESSION_ENGINE (db, cache, cached_db, signed_cookies) with Redis (Django's RedisCache or
 * django-redis) or Memcached (PyMemcacheCache) caches: Django's own session store answers every
 * question, so a cache engine is read from the cache, never from the table.
 *
 * Every call is one `/usr/bin/python3 bridge_cli.py` process with one JSON request on stdin and one
 * JSON answer on stdout. Any Python error throws, with Django's traceback; nothing is ever skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pythonFor, type DjangoLine } from './django-line.js';

export const DJANGO_PROJECT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'project');
const CLI = join(DJANGO_PROJECT_DIR, 'bridge_cli.py');

export type DjangoEngine = 'sqlite' | 'mysql' | 'postgres';

export interface DjangoProjectEnv {
  engine: DjangoEngine;
  /** The Django line that runs the project; default DJANGO_LINE (5.2). */
  line?: DjangoLine;
  /** SQLite file path, or the database name ([A-Za-z0-9_]+) on MySQL/PostgreSQL. */
  name: string;
  /** Defaults: 127.0.0.1; 3306 / 5432; root / postgres; empty password. */
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  secretKey: string;
  /** SECRET_KEY_FALLBACKS (Django 4.1+; the project refuses it on 3.2). */
  secretKeyFallbacks?: string[];
  /** DEFAULT_HASHING_ALGORITHM, Django 3.1/3.2 only (the project refuses it on 4.0+). */
  defaultHashingAlgorithm?: 'sha1' | 'sha256';
  /** USE_TZ; default true. */
  useTz?: boolean;
  /** TIME_ZONE; default UTC. */
  timeZone?: string;
  /** SESSION_COOKIE_NAME; default sessionid. */
  sessionCookieName?: string;
  /** json (default), php (django-php-bridge's db backend) or pickle. */
  sessionSerializer?: 'json' | 'php' | 'pickle';
  /** PASSWORD_HASHERS class paths; default the running line's own list (global_settings). */
  hashers?: string[];
  /** CSRF_TRUSTED_ORIGINS (4.0+ entries carry a scheme); default none. */
  csrfTrustedOrigins?: string[];
  /** SESSION_ENGINE, by the last part of its dotted path; default db. */
  sessionEngine?: DjangoSessionEngine;
  /** SESSION_COOKIE_AGE in seconds; default 1209600. */
  sessionCookieAge?: number;
  /** CACHES['default'] BACKEND (the cache and cached_db engines need one); the built-in RedisCache is refused on 3.2. */
  cacheBackend?: DjangoCacheBackend;
  /** LOCATION: redis://host:port/db or host:port (Memcached); several as a list. */
  cacheLocation?: string | string[];
  /** KEY_PREFIX; default "". */
  cacheKeyPrefix?: string;
  /** VERSION; default 1. */
  cacheVersion?: number;
  /** django-redis only: OPTIONS SERIALIZER (default pickle). */
  redisSerializer?: 'pickle' | 'json' | 'msgpack';
  /** django-redis only: OPTIONS COMPRESSOR (default none). */
  redisCompressor?: 'none' | 'zlib';
  /** PASSWORD_RESET_TIMEOUT in seconds; default Django's (259200). */
  passwordResetTimeout?: number;
  /** SIMPLE_JWT (the DJANGO_JWT_* variables); unset keys keep SimpleJWT's defaults. */
  jwt?: DjangoJwtSettings;
}

/** SimpleJWT settings the project takes from the environment (bridge_site/settings.py). */
export interface DjangoJwtSettings {
  algorithm?: string;
  /** Default SECRET_KEY; PEM for RS/ES. */
  signingKey?: string;
  verifyingKey?: string;
  audience?: string;
  issuer?: string;
  leeway?: number;
  /** Seconds. */
  accessLifetime?: number;
  refreshLifetime?: number;
  rotateRefreshTokens?: boolean;
  blacklistAfterRotation?: boolean;
  updateLastLogin?: boolean;
  userIdField?: string;
  userIdClaim?: string;
  authHeaderTypes?: string[];
  tokenTypeClaim?: string;
  jtiClaim?: string;
  /** SimpleJWT 5.3+ (4.2, 5.2, 6.1); the project refuses them on 3.2's 5.2.2. */
  checkRevokeToken?: boolean;
  revokeTokenClaim?: string;
}

const JWT_ENV: Record<keyof DjangoJwtSettings, string> = {
  algorithm: 'DJANGO_JWT_ALGORITHM',
  signingKey: 'DJANGO_JWT_SIGNING_KEY',
  verifyingKey: 'DJANGO_JWT_VERIFYING_KEY',
  audience: 'DJANGO_JWT_AUDIENCE',
  issuer: 'DJANGO_JWT_ISSUER',
  leeway: 'DJANGO_JWT_LEEWAY',
  accessLifetime: 'DJANGO_JWT_ACCESS_LIFETIME',
  refreshLifetime: 'DJANGO_JWT_REFRESH_LIFETIME',
  rotateRefreshTokens: 'DJANGO_JWT_ROTATE_REFRESH_TOKENS',
  blacklistAfterRotation: 'DJANGO_JWT_BLACKLIST_AFTER_ROTATION',
  updateLastLogin: 'DJANGO_JWT_UPDATE_LAST_LOGIN',
  userIdField: 'DJANGO_JWT_USER_ID_FIELD',
  userIdClaim: 'DJANGO_JWT_USER_ID_CLAIM',
  authHeaderTypes: 'DJANGO_JWT_AUTH_HEADER_TYPES',
  tokenTypeClaim: 'DJANGO_JWT_TOKEN_TYPE_CLAIM',
  jtiClaim: 'DJANGO_JWT_JTI_CLAIM',
  checkRevokeToken: 'DJANGO_JWT_CHECK_REVOKE_TOKEN',
  revokeTokenClaim: 'DJANGO_JWT_REVOKE_TOKEN_CLAIM',
};

/** The DJANGO_JWT_* variables of a SimpleJWT configuration. */
export function jwtProcessEnv(jwt: DjangoJwtSettings = {}): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(jwt) as [keyof DjangoJwtSettings, unknown][]) {
    if (value === undefined) continue;
    vars[JWT_ENV[key]] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return vars;
}

export type DjangoSessionEngine = 'db' | 'cache' | 'cached_db' | 'signed_cookies';
export type DjangoCacheBackend = 'django.core.cache.backends.redis.RedisCache' | 'django_redis.cache.RedisCache' | 'django.core.cache.backends.memcached.PyMemcacheCache';

/** Where a cache engine keeps a session (bridge_cli `session_cache_key`). */
export interface SessionCacheKey {
  /** The key the session store hands the cache ("django.contrib.sessions.cache" + session key). */
  key: string;
  /** The key in the server, after the cache's make_key (KEY_PREFIX:VERSION:key by default). */
  made_key: string;
}

/** A command's answer, or the exception Django raised running it (bridge_cli `attempt`). */
export type Attempt<T> = { ok: T; raised?: undefined } | { ok?: undefined; raised: string };

/** Where Nest/TypeORM should connect to reach the same database Django uses. */
export interface DjangoConnection {
  type: 'better-sqlite3' | 'mysql' | 'postgres';
  database: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
}

export type Cookies = Record<string, string>;

export interface CreateUserOptions {
  username: string;
  /** null or omitted: an unusable password. */
  password?: string | null;
  email?: string;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
  isActive?: boolean;
  /** Group names; missing groups are created (without permissions). */
  groups?: string[];
  /** "app_label.codename", e.g. "notes.add_note". */
  permissions?: string[];
  /** Hash with this algorithm of PASSWORD_HASHERS instead of the preferred one. */
  hasher?: string;
  /** PBKDF2 only: this many iterations instead of the line's (an outdated hash on purpose). */
  iterations?: number;
}

/** What `version` reports: the running Django and the defaults it applies. */
export interface DjangoVersionInfo {
  /** django.get_version(), e.g. "6.1.1". */
  version: string;
  /** "6.1" */
  line: string;
  python: string;
  /** The PASSWORD_HASHERS in effect, as algorithm names, preferred first. */
  password_hashers: string[];
  /** django.conf.global_settings.PASSWORD_HASHERS as algorithm names. */
  default_password_hashers: string[];
  pbkdf2_iterations: number;
  pbkdf2_sha1_iterations: number;
  /** null before Django 4.0 (no ScryptPasswordHasher). */
  scrypt: { n: number; r: number; p: number } | null;
  /** hash_len: argon2.DEFAULT_HASH_LENGTH of the installed argon2-cffi. */
  argon2: { t: number; m: number; p: number; hash_len: number; argon2_cffi: string | null } | null;
  bcrypt_rounds: number;
  bcrypt: string | null;
  features: { secret_key_fallbacks: boolean; default_hashing_algorithm: boolean; pickle_serializer: boolean; csrf_cookie_masked_by_default: boolean };
}

export interface PasswordCheck {
  /** django.contrib.auth.hashers.check_password(password, stored) (no setter: nothing rewritten). */
  ok: boolean;
  algorithm: string | null;
  /** Whether Django's own login would rewrite this hash (other preferred hasher or work factors). */
  must_update: boolean;
  password_hash: string;
}

/** One bridge_cli command for DjangoProject.batch(), with how its answer is read. */
export interface DjangoCall<T> {
  command: string;
  args: Record<string, unknown>;
  parse: (raw: unknown) => T;
}

type BatchResults<C extends readonly DjangoCall<unknown>[]> = { -readonly [K in keyof C]: C[K] extends DjangoCall<infer T> ? T : never };

function call<T>(command: string, args: Record<string, unknown> = {}, parse: (raw: unknown) => T = (raw) => raw as T): DjangoCall<T> {
  return { command, args, parse };
}

function createUserArgs(options: CreateUserOptions): Record<string, unknown> {
  return {
    username: options.username,
    password: options.password ?? null,
    email: options.email ?? '',
    first_name: options.firstName ?? '',
    last_name: options.lastName ?? '',
    is_staff: options.isStaff ?? false,
    is_superuser: options.isSuperuser ?? false,
    is_active: options.isActive ?? true,
    groups: options.groups ?? [],
    permissions: options.permissions ?? [],
    ...(options.hasher === undefined ? {} : { hasher: options.hasher }),
    ...(options.iterations === undefined ? {} : { iterations: options.iterations }),
  };
}

/**
 * Commands to run together through DjangoProject.batch(): one Python process and one Django
 * start-up for all of them, answers in order, typed as the methods of the same name return them.
 */
export const djangoCalls = {
  migrate: () => call<{ created_database: boolean; output: string }>('migrate'),
  version: () => call<DjangoVersionInfo>('version'),
  createUser: (options: CreateUserOptions) => call('create_user', createUserArgs(options), (raw) => {
    const r = raw as { id: number; password_hash: string };
    return { id: r.id, passwordHash: r.password_hash };
  }),
  createGroup: (name: string, permissions: string[] = []) => call<{ id: number; name: string }>('create_group', { name, permissions }),
  setPassword: (username: string, password: string | null) => call('set_password', { username, password }, (raw) => {
    const r = raw as { id: number; password_hash: string };
    return { id: r.id, passwordHash: r.password_hash };
  }),
  checkPassword: (username: string, password: string) => call<PasswordCheck>('check_password', { username, password }),
  permissions: (username: string) => call<string[]>('permissions', { username }),
  getUser: (username: string) => call<DjangoUserRow>('get_user', { username }),
  login: (username: string, password: string, cookies: Cookies = {}) => call('login', { username, password, cookies }, (raw) => toResponse(raw as DjangoResponse<WhoAmI | { error: string }> & { set_cookie: string[] })),
  whoami: (cookies: Cookies) => call<WhoAmI & SessionExists>('whoami', { cookies }),
  logout: (cookies: Cookies) => call('logout', { cookies }, (raw) => toResponse(raw as DjangoResponse<{ ok: boolean }> & { set_cookie: string[] })),
  decodeSession: (sessionKey: string) => call<Record<string, unknown>>('decode_session', { session_key: sessionKey }),
  /** GET /csrf/ (get_token): body.token is a masked token, cookies.csrftoken the cookie Django set. */
  csrfToken: (cookies: Cookies = {}) => call('csrf_token', { cookies }, (raw) => toResponse(raw as DjangoResponse<{ token: string }> & { set_cookie: string[] })),
  /**
   * POST /csrf/post/ through Django's CsrfViewMiddleware, enforced: the token in X-CSRFToken
   * (`token`) or the csrfmiddlewaretoken form field (`formToken`). 200 {ok, user} or 403 {reason}.
   */
  csrfPost: (cookies: Cookies, options: { token?: string; formToken?: string; headers?: Record<string, string> } = {}) =>
    call('csrf_post', { cookies, token: options.token ?? null, form_token: options.formToken ?? null, headers: options.headers ?? {} }, (raw) =>
      toResponse(raw as DjangoResponse<{ ok: true; user: WhoAmI } | { error: string; reason: string }> & { set_cookie: string[] }),
    ),
  dropDatabase: () => call<{ dropped: boolean }>('drop_database'),
  setActive: (username: string, isActive: boolean) => call<{ id: number; is_active: boolean }>('set_active', { username, is_active: isActive }),
  deleteUser: (username: string) => call<{ id: number }>('delete_user', { username }),
  sessionRow: (sessionKey: string) => call<SessionRow | null>('session_data', { session_key: sessionKey }),
  /** One SQL statement (%s placeholders): rows or rowcount. */
  sql: (sql: string, params: unknown[] = []) => call<{ rows?: Record<string, unknown>[]; rowcount?: number }>('sql', { sql, params }),
  /** A new anonymous session holding `data`, saved by the configured engine; its key (signed_cookies: the cookie value). */
  createSession: (data: Record<string, unknown>) => call<string>('create_session', { data }),
  /** Where the cache or cached_db engine keeps this session in the cache; null for db and signed_cookies. */
  sessionCacheKey: (sessionKey: string) => call<SessionCacheKey | null>('session_cache_key', { session_key: sessionKey }),
  /**
   * Runs one call and answers what it returned or the exception Django raised ("Class: message"),
   * so a batch can hold calls that are expected to fail (a cache that is down).
   */
  attempt: <T>(inner: DjangoCall<T>) => call<Attempt<T>>('attempt', { sub: { ...inner.args, command: inner.command } }, (raw) => {
    const r = raw as { ok?: unknown; raised?: string };
    return r.raised !== undefined ? { raised: r.raised } : { ok: inner.parse(r.ok) };
  }),
};

/** Whether the cookie's session exists in the configured engine (SessionStore.exists; false for signed_cookies). */
export interface SessionExists {
  /** null when exists() itself raised (a cache that is down; the view still answered). */
  session_exists: boolean | null;
  session_exists_raised?: string;
}

export interface WhoAmI {
  authenticated: boolean;
  id: number | null;
  username: string | null;
  is_staff: boolean;
  is_superuser: boolean;
  permissions: string[];
  groups: string[];
}

export interface DjangoResponse<B = unknown> {
  status: number;
  body: B;
  /** Every cookie the Django test client holds after the response (deleted ones as ""). */
  cookies: Cookies;
  /** The response's Set-Cookie header values. */
  setCookie: string[];
}

export interface SessionRow {
  session_key: string;
  session_data: string;
  /** The column rendered as text by the database itself (PostgreSQL: in the connection's TimeZone). */
  expire_date: string;
  /** str() of the value the Python driver returned. */
  expire_date_driver: string;
  /** isoformat() of Django's ORM value (aware UTC when USE_TZ, naive local otherwise). */
  expire_date_orm: string;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  primary_key: boolean;
  extra?: string;
}

export interface DjangoUserRow {
  id: number;
  password: string;
  last_login: string | null;
  is_superuser: boolean;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: string;
  groups: string[];
}

let counter = 0;

/** A database name nobody else uses: prefix + pid + time + counter. */
export function uniqueDatabaseName(prefix = 'djb_test'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`.toLowerCase();
}

export class DjangoProject {
  readonly env: Readonly<DjangoProjectEnv>;
  private readonly tempDir?: string;

  constructor(env: DjangoProjectEnv, tempDir?: string) {
    if (env.engine !== 'sqlite' && !/^[A-Za-z0-9_]+$/.test(env.name)) {
      throw new Error(`database name must be [A-Za-z0-9_]+, not ${JSON.stringify(env.name)}`);
    }
    this.env = Object.freeze({ ...env });
    this.tempDir = tempDir;
  }

  /**
   * A project on a throwaway database: a temp-dir SQLite file, or a uniquely named MySQL/PostgreSQL
   * database. Call migrate() to create it and dropDatabase() to remove it (and the temp dir).
   */
  static throwaway(engine: DjangoEngine, env: Partial<Omit<DjangoProjectEnv, 'engine'>> = {}): DjangoProject {
    const base = { secretKey: 'django-bridge-integration-secret-key', ...env, engine };
    if (engine === 'sqlite') {
      if (env.name) return new DjangoProject({ ...base, name: env.name });
      const dir = mkdtempSync(join(tmpdir(), 'djb-django-'));
      return new DjangoProject({ ...base, name: join(dir, 'db.sqlite3') }, dir);
    }
    return new DjangoProject({ ...base, name: env.name ?? uniqueDatabaseName() });
  }

  /**
   * The same database under other settings (another session engine or cache, say): one migrated
   * database serves several configurations. dropDatabase() belongs to the original project.
   */
  withSettings(changes: Partial<Omit<DjangoProjectEnv, 'engine' | 'name'>>): DjangoProject {
    return new DjangoProject({ ...this.env, ...changes });
  }

  get sessionCookieName(): string {
    return this.env.sessionCookieName ?? 'sessionid';
  }

  /** The DJANGO_* variables the project reads. */
  processEnv(): Record<string, string> {
    const e = this.env;
    const vars: Record<string, string | undefined> = {
      DJANGO_DB_ENGINE: e.engine,
      DJANGO_DB_NAME: e.name,
      DJANGO_DB_HOST: e.host,
      DJANGO_DB_PORT: e.port === undefined ? undefined : String(e.port),
      DJANGO_DB_USER: e.user,
      DJANGO_DB_PASSWORD: e.password,
      DJANGO_SECRET_KEY: e.secretKey,
      DJANGO_SECRET_KEY_FALLBACKS: e.secretKeyFallbacks?.join(','),
      DJANGO_DEFAULT_HASHING_ALGORITHM: e.defaultHashingAlgorithm,
      DJANGO_USE_TZ: e.useTz === undefined ? undefined : String(e.useTz),
      DJANGO_TIME_ZONE: e.timeZone,
      DJANGO_SESSION_COOKIE_NAME: e.sessionCookieName,
      DJANGO_SESSION_SERIALIZER: e.sessionSerializer,
      DJANGO_HASHERS: e.hashers?.join(','),
      DJANGO_CSRF_TRUSTED_ORIGINS: e.csrfTrustedOrigins?.join(','),
      DJANGO_SESSION_ENGINE: e.sessionEngine,
      DJANGO_SESSION_COOKIE_AGE: e.sessionCookieAge === undefined ? undefined : String(e.sessionCookieAge),
      DJANGO_CACHE_BACKEND: e.cacheBackend,
      DJANGO_CACHE_LOCATION: Array.isArray(e.cacheLocation) ? e.cacheLocation.join(',') : e.cacheLocation,
      DJANGO_CACHE_KEY_PREFIX: e.cacheKeyPrefix,
      DJANGO_CACHE_VERSION: e.cacheVersion === undefined ? undefined : String(e.cacheVersion),
      DJANGO_REDIS_SERIALIZER: e.redisSerializer,
      DJANGO_REDIS_COMPRESSOR: e.redisCompressor,
      DJANGO_PASSWORD_RESET_TIMEOUT: e.passwordResetTimeout === undefined ? undefined : String(e.passwordResetTimeout),
      ...jwtProcessEnv(e.jwt),
    };
    return Object.fromEntries(Object.entries(vars).filter((kv): kv is [string, string] => kv[1] !== undefined));
  }

  /** Connection settings for TypeORM (same defaults as the Django settings). */
  connection(): DjangoConnection {
    const e = this.env;
    switch (e.engine) {
      case 'sqlite':
        return { type: 'better-sqlite3', database: e.name };
      case 'mysql':
        return { type: 'mysql', database: e.name, host: e.host ?? '127.0.0.1', port: e.port ?? 3306, username: e.user ?? 'root', password: e.password ?? '' };
      case 'postgres':
        return { type: 'postgres', database: e.name, host: e.host ?? '127.0.0.1', port: e.port ?? 5432, username: e.user ?? 'postgres', password: e.password ?? '' };
    }
  }

  /** The Django line this project runs on. */
  get line(): DjangoLine {
    return pythonFor(this.env.line).line;
  }

  /** Runs one bridge_cli.py command; throws with Django's stderr if Python fails. */
  run<T = unknown>(command: string, args: Record<string, unknown> = {}): T {
    const python = pythonFor(this.env.line);
    // Keep only what Python needs from the parent environment; DJANGO_* always come from this.env,
    // and the line's own PYTHONPATH / PYTHONHOME from its runner.
    // PYTHONDONTWRITEBYTECODE would keep the runner's bytecode cache empty.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DJANGO_') && k !== 'PYTHONPATH' && k !== 'PYTHONHOME' && k !== 'PYTHONDONTWRITEBYTECODE'));
    const run = spawnSync(python.command[0], [...python.command.slice(1), CLI], {
      input: JSON.stringify({ ...args, command }),
      encoding: 'utf8',
      cwd: DJANGO_PROJECT_DIR,
      env: { ...inherited, ...python.env, ...this.processEnv(), PYTHONIOENCODING: 'utf-8' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const where = `Django ${python.line} (${this.env.engine} ${this.env.name}) ${command}`;
    if (run.error) throw new Error(`${where}: could not run ${python.command.join(' ')}: ${run.error.message}`);
    let answer: { ok?: T; error?: string } | undefined;
    try {
      answer = JSON.parse(run.stdout) as { ok?: T; error?: string };
    } catch {
      answer = undefined;
    }
    if (run.status !== 0 || !answer || answer.error !== undefined) {
      throw new Error(`${where} failed (exit ${run.status}${run.signal ? `, ${run.signal}` : ''}): ${answer?.error ?? run.stdout}\n${run.stderr}`);
    }
    return answer.ok as T;
  }

  /**
   * Several commands in ONE Python process (Django starts once; each call costs 0.2-0.5 s of
   * start-up alone): the answers in order. The first failing command fails the batch.
   */
  batch<const C extends readonly DjangoCall<unknown>[]>(calls: C): BatchResults<C> {
    const raw = this.run<unknown[]>('batch', { commands: calls.map((c) => ({ ...c.args, command: c.command })) });
    return calls.map((c, i) => c.parse(raw[i])) as BatchResults<C>;
  }

  /** The running Django's version and the password hasher defaults it applies. */
  version(): DjangoVersionInfo {
    return this.run('version');
  }

  /** Django's check_password against the user's stored hash; nothing is rewritten. */
  checkPassword(username: string, password: string): PasswordCheck {
    return this.run('check_password', { username, password });
  }

  /** Creates the database if needed (MySQL/PostgreSQL) and runs `manage.py migrate --noinput`. */
  migrate(): { created_database: boolean; output: string } {
    return this.run('migrate');
  }

  /** Drops the MySQL/PostgreSQL database, or deletes the SQLite file (and a temp dir made by throwaway()). */
  dropDatabase(): { dropped: boolean } {
    const result = this.run<{ dropped: boolean }>('drop_database');
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    return result;
  }

  createUser(options: CreateUserOptions): { id: number; passwordHash: string } {
    const r = this.run<{ id: number; password_hash: string }>('create_user', createUserArgs(options));
    return { id: r.id, passwordHash: r.password_hash };
  }

  /** Creates the group (or finds it) and sets its permissions to exactly these. */
  createGroup(name: string, permissions: string[] = []): { id: number; name: string } {
    return this.run('create_group', { name, permissions });
  }

  /** null: an unusable password. */
  setPassword(username: string, password: string | null): { id: number; passwordHash: string } {
    const r = this.run<{ id: number; password_hash: string }>('set_password', { username, password });
    return { id: r.id, passwordHash: r.password_hash };
  }

  setActive(username: string, isActive: boolean): void {
    this.run('set_active', { username, is_active: isActive });
  }

  deleteUser(username: string): void {
    this.run('delete_user', { username });
  }

  /** The auth_user row through Django's ORM (datetimes as isoformat()). */
  getUser(username: string): DjangoUserRow {
    return this.run('get_user', { username });
  }

  /** sorted(user.get_all_permissions()). */
  permissions(username: string): string[] {
    return this.run('permissions', { username });
  }

  /** POST /login/ through Django's test client: 200 with the session cookie, or 401. */
  login(username: string, password: string, cookies: Cookies = {}): DjangoResponse<WhoAmI | { error: string }> {
    const r = this.run<DjangoResponse<WhoAmI | { error: string }> & { set_cookie: string[] }>('login', { username, password, cookies });
    return toResponse(r);
  }

  /** GET /whoami/ with these cookies, plus whether the cookie's session exists in the configured engine (always false for signed_cookies). */
  whoami(cookies: Cookies): WhoAmI & SessionExists {
    return this.run('whoami', { cookies });
  }

  /** POST /logout/ with these cookies (flushes the session). */
  logout(cookies: Cookies): DjangoResponse<{ ok: boolean }> {
    return toResponse(this.run<DjangoResponse<{ ok: boolean }> & { set_cookie: string[] }>('logout', { cookies }));
  }

  /** GET /csrf/ (get_token): body.token is a masked token, cookies.csrftoken the cookie Django set. */
  csrfToken(cookies: Cookies = {}) {
    return this.batch([djangoCalls.csrfToken(cookies)])[0];
  }

  /** POST /csrf/post/ through Django's CsrfViewMiddleware, enforced (see djangoCalls.csrfPost). */
  csrfPost(cookies: Cookies, options: { token?: string; formToken?: string; headers?: Record<string, string> } = {}) {
    return this.batch([djangoCalls.csrfPost(cookies, options)])[0];
  }

  /** The raw django_session row, or null. */
  sessionRow(sessionKey: string): SessionRow | null {
    return this.run('session_data', { session_key: sessionKey });
  }

  /** SessionStore(session_key).load() with the configured engine/serializer ({} if missing or bad). */
  decodeSession(sessionKey: string): Record<string, unknown> {
    return this.run('decode_session', { session_key: sessionKey });
  }

  /** Where the cache or cached_db engine keeps this session in the cache; null for db and signed_cookies. */
  sessionCacheKey(sessionKey: string): SessionCacheKey | null {
    return this.run('session_cache_key', { session_key: sessionKey });
  }

  /** `manage.py sqlmigrate app_label migration_name` for this database. */
  sqlmigrate(appLabel: string, migrationName: string): string {
    return this.run('sqlmigrate', { app_label: appLabel, migration_name: migrationName });
  }

  /** The table's columns as the database reports them. */
  columns(table: string): ColumnInfo[] {
    return this.run('columns', { table });
  }

  /** One SQL statement through Django's connection (%s placeholders): rows (values str()-ed) or rowcount. */
  sql(sql: string, params: unknown[] = []): { rows?: Record<string, unknown>[]; rowcount?: number } {
    return this.run('sql', { sql, params });
  }
}

const versionInfos = new Map<DjangoLine, DjangoVersionInfo>();

/**
 * `version()` of a line with the project's default settings (the line's own PASSWORD_HASHERS),
 * asked once per line and process; no database is touched.
 */
export function djangoVersionInfo(line?: DjangoLine): DjangoVersionInfo {
  const resolved = pythonFor(line).line;
  let info = versionInfos.get(resolved);
  if (!info) {
    info = new DjangoProject({ engine: 'sqlite', name: join(tmpdir(), 'djb-version-never-created.sqlite3'), secretKey: 'django-bridge-version-probe', line: resolved }).version();
    versionInfos.set(resolved, info);
  }
  return info;
}

function toResponse<B>(r: Omit<DjangoResponse<B>, 'setCookie'> & { set_cookie: string[] }): DjangoResponse<B> {
  return { status: r.status, body: r.body, cookies: r.cookies, setCookie: r.set_cookie };
}

/** "a=1; b=2" for a Cookie request header. */
export function cookieHeader(cookies: Cookies): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

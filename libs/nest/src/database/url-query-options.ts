import { readFileSync } from 'node:fs';
import { ImproperlyConfigured } from '@django-bridge/core';

/**
 * The query string of a database URL, read as dj-database-url reads it and turned into the
 * TypeORM/driver options that mean the same thing.
 *
 * dj-database-url hands every query parameter to Django's OPTIONS, which Django passes to the
 * driver (psycopg: libpq keywords; mysqlclient: connect() arguments). The same URL must mean the
 * same connection here, so each parameter either maps to its node driver equivalent or is refused
 * with an error naming it: dropping one silently could, for example, lose TLS (`sslmode=require`).
 * Like dj-database-url, when a key is repeated the last value wins.
 */

export type UrlDriver = 'postgres' | 'mysql' | 'better-sqlite3';

/** django-environ reads these from the URL as Django settings (CONN_MAX_AGE...): they change nothing in how the bridge connects. */
export const DJANGO_SETTING_PARAMETERS = ['conn_max_age', 'conn_health_checks', 'atomic_requests', 'autocommit', 'disable_server_side_cursors'] as const;

export const SUPPORTED_PARAMETERS: Record<UrlDriver, readonly string[]> = {
  postgres: ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout', 'application_name', 'options', 'currentSchema'],
  mysql: ['ssl', 'ssl-ca', 'ssl_mode', 'charset', 'connect_timeout'],
  'better-sqlite3': ['timeout'],
};

const DRIVER_LABEL: Record<UrlDriver, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', 'better-sqlite3': 'SQLite' };

/**
 * Connect timeout of MySQL/MariaDB and PostgreSQL URLs without `connect_timeout`, in milliseconds.
 * node-postgres would wait forever (libpq's default) and mysql2 10 s; a connection attempt to a
 * stalled server holds a pool slot meanwhile (for node-postgres this also bounds the wait for a
 * free slot). Requests are bounded on their own by `databaseTimeout`; this keeps the pool sound.
 */
export const DEFAULT_CONNECT_TIMEOUT = 5_000;

/** Options to spread into the DataSourceOptions; `extra` goes to the driver's pool as it is. */
export type UrlQueryOptions = Record<string, unknown> & { extra?: Record<string, unknown> };

class Reader {
  constructor(
    private readonly params: Map<string, string>,
    private readonly variable: string,
  ) {}

  fail(message: string): never {
    throw new ImproperlyConfigured(`${this.variable}: ${message}`);
  }

  take(key: string): string | undefined {
    const value = this.params.get(key);
    this.params.delete(key);
    return value;
  }

  /** Whole seconds (libpq and mysqlclient take integers), as milliseconds. */
  seconds(key: string, fractional = false): number | undefined {
    const value = this.take(key);
    if (value === undefined) return undefined;
    const pattern = fractional ? /^\d+(\.\d+)?$/ : /^\d+$/;
    if (!pattern.test(value)) this.fail(`query option ${key}="${value}" must be a number of seconds`);
    return Math.round(Number(value) * 1000);
  }

  /** true/false as dj-database-url coerces them (case-insensitive); 1/0 as the drivers read them. */
  flag(key: string): boolean | undefined {
    const value = this.take(key);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return this.fail(`query option ${key}="${value}" must be true or false`);
  }

  file(key: string): string | undefined {
    const path = this.take(key);
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      return this.fail(`query option ${key}: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  /** Refuses what is left: nothing given is ever dropped. */
  finish(driver: UrlDriver): void {
    for (const key of DJANGO_SETTING_PARAMETERS) this.params.delete(key);
    const [unknown] = this.params.keys();
    if (unknown !== undefined) {
      this.fail(`query option "${unknown}" is not supported for ${DRIVER_LABEL[driver]} (supported: ${SUPPORTED_PARAMETERS[driver].join(', ') || 'none'}; ignored as Django settings: ${DJANGO_SETTING_PARAMETERS.join(', ')})`);
    }
  }
}

/** libpq's verify-ca checks the chain but not the host name. */
const skipHostCheck = () => undefined;

function postgresOptions(r: Reader): UrlQueryOptions {
  const out: UrlQueryOptions = {};
  const extra: Record<string, unknown> = {};
  const mode = r.take('sslmode');
  const ca = r.file('sslrootcert');
  const cert = r.file('sslcert');
  const key = r.file('sslkey');
  const files = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  if (mode === 'allow' || mode === 'prefer') {
    r.fail(`query option sslmode=${mode} is not supported: node-postgres cannot fall back between TLS and plain text; say sslmode=require (or verify-full) or sslmode=disable`);
  } else if (mode === 'disable') {
    if (Object.keys(files).length) r.fail('query option sslmode=disable contradicts sslrootcert/sslcert/sslkey');
    out.ssl = false;
  } else if (mode === 'require') {
    // libpq: require with a root certificate verifies the chain, as verify-ca.
    out.ssl = ca ? { ...files, rejectUnauthorized: true, checkServerIdentity: skipHostCheck } : { ...files, rejectUnauthorized: false };
  } else if (mode === 'verify-ca') {
    out.ssl = { ...files, rejectUnauthorized: true, checkServerIdentity: skipHostCheck };
  } else if (mode === 'verify-full') {
    out.ssl = { ...files, rejectUnauthorized: true };
  } else if (mode !== undefined) {
    r.fail(`query option sslmode="${mode}" must be disable, require, verify-ca or verify-full`);
  } else if (Object.keys(files).length) {
    r.fail('query options sslrootcert/sslcert/sslkey need an sslmode (require, verify-ca or verify-full)');
  }
  // libpq waits forever by default; a pool slot stuck connecting to a stalled server would stay stuck.
  out.connectTimeoutMS = r.seconds('connect_timeout') ?? DEFAULT_CONNECT_TIMEOUT;
  const name = r.take('application_name');
  if (name !== undefined) out.applicationName = name;
  const options = r.take('options');
  const schema = r.take('currentSchema');
  if (options !== undefined && schema !== undefined) r.fail('query options "options" and "currentSchema" cannot be combined (dj-database-url would drop "options")');
  // dj-database-url turns currentSchema into libpq options; unqualified table names then resolve there.
  if (schema !== undefined) extra.options = `-c search_path=${schema}`;
  else if (options !== undefined) extra.options = options;
  if (Object.keys(extra).length) out.extra = extra;
  return out;
}

const MYSQL_SSL_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'];

function mysqlOptions(r: Reader): UrlQueryOptions {
  const out: UrlQueryOptions = {};
  const ssl = r.flag('ssl');
  // dj-database-url's one special case: mysql://...?ssl-ca=path becomes OPTIONS ssl = {ca: path}.
  const ca = r.file('ssl-ca');
  const modeGiven = r.take('ssl_mode');
  const mode = modeGiven?.toUpperCase();
  if (mode !== undefined && !MYSQL_SSL_MODES.includes(mode)) r.fail(`query option ssl_mode="${modeGiven}" must be one of ${MYSQL_SSL_MODES.join(', ')}`);
  if (mode !== undefined && ssl !== undefined) r.fail('query options ssl and ssl_mode cannot be combined; keep ssl_mode');
  if (mode === 'PREFERRED') r.fail('query option ssl_mode=PREFERRED is not supported: mysql2 cannot fall back between TLS and plain text; say REQUIRED (or VERIFY_IDENTITY) or DISABLED');
  const effective = mode ?? (ssl === false ? 'DISABLED' : ssl === true || ca ? 'VERIFY_IDENTITY' : undefined);
  const files = ca ? { ca } : {};
  if (effective === 'DISABLED') {
    if (ca) r.fail('query option ssl-ca contradicts disabled TLS');
  } else if (effective === 'REQUIRED') {
    out.ssl = ca ? { ...files, rejectUnauthorized: true, checkServerIdentity: skipHostCheck } : { rejectUnauthorized: false };
  } else if (effective === 'VERIFY_CA') {
    out.ssl = { ...files, rejectUnauthorized: true, checkServerIdentity: skipHostCheck };
  } else if (effective === 'VERIFY_IDENTITY') {
    out.ssl = { ...files, rejectUnauthorized: true };
  }
  const charset = r.take('charset');
  if (charset !== undefined) {
    if (!/^[A-Za-z0-9_]+$/.test(charset)) r.fail(`query option charset="${charset}" is not a character set name`);
    out.charset = charset;
  }
  out.connectTimeout = r.seconds('connect_timeout') ?? DEFAULT_CONNECT_TIMEOUT;
  return out;
}

function sqliteOptions(r: Reader): UrlQueryOptions {
  // Python's sqlite3.connect(timeout=seconds): how long to wait for a locked database.
  const timeout = r.seconds('timeout', true);
  return timeout === undefined ? {} : { timeout };
}

/** The driver options a URL's query string asks for; throws ImproperlyConfigured naming any parameter it cannot honour. */
export function urlQueryOptions(driver: UrlDriver, query: string, variable = 'database URL'): UrlQueryOptions {
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(query)) params.set(key, value);
  const reader = new Reader(params, variable);
  const options = driver === 'postgres' ? postgresOptions(reader) : driver === 'mysql' ? mysqlOptions(reader) : sqliteOptions(reader);
  reader.finish(driver);
  return options;
}

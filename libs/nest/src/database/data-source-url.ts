import { ImproperlyConfigured } from '@django-bridge/core';
import type { DataSourceOptions } from 'typeorm';
import { urlQueryOptions } from './url-query-options.js';

/**
 * TypeORM connection options from a database URL, as dj-database-url reads them:
 * `mysql://user:pass@host:3306/name` (also `mariadb://`), `postgres://...` (also `postgresql://`),
 * `sqlite:relative/path.db`, `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or `sqlite::memory:`.
 * The query string keeps its meaning (`?sslmode=require`, `?connect_timeout=5`, `?charset=utf8mb4`...): see
 * url-query-options.ts; a parameter the bridge cannot honour is refused by name, never dropped.
 * Without `connect_timeout`, MySQL/MariaDB and PostgreSQL connections are bounded by
 * DEFAULT_CONNECT_TIMEOUT (5 s), never unbounded.
 */
/** The URL as it may appear in a message: any password replaced by ***. */
function shown(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^@/]*@/i, '$1:***@');
}

export function dataSourceOptionsFromUrl(url: string, variable = 'database URL'): DataSourceOptions {
  if (typeof url !== 'string' || url.length === 0) throw new ImproperlyConfigured(`${variable} is empty`);
  if (url.startsWith('sqlite:')) {
    const queryAt = url.indexOf('?');
    let database = url.slice('sqlite:'.length, queryAt === -1 ? undefined : queryAt);
    const options = urlQueryOptions('better-sqlite3', queryAt === -1 ? '' : url.slice(queryAt + 1), variable);
    // dj-database-url: sqlite:///relative.db and sqlite:////absolute.db.
    if (database.startsWith('///')) database = database.slice(3);
    else if (database.startsWith('//')) database = database.slice(2);
    if (database === '') throw new ImproperlyConfigured(`${variable} "${url}" names no SQLite file`);
    return { type: 'better-sqlite3', database, ...options } as DataSourceOptions;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImproperlyConfigured(`${variable} "${shown(url)}" is not a URL (mysql://, postgres:// or sqlite:)`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const type = scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : null;
  if (!type) throw new ImproperlyConfigured(`${variable} has unsupported scheme "${scheme}" (use mysql://, postgres:// or sqlite:)`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new ImproperlyConfigured(`${variable} "${shown(url)}" names no database`);
  const options = urlQueryOptions(type, parsed.search.replace(/^\?/, ''), variable);
  return {
    type,
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : type === 'mysql' ? 3306 : 5432,
    username: decodeURIComponent(parsed.username) || (type === 'mysql' ? 'root' : 'postgres'),
    password: decodeURIComponent(parsed.password),
    database,
    ...options,
  } as DataSourceOptions;
}

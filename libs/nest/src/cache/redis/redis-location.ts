import { ImproperlyConfigured } from '@django-bridge/core';

/**
 * LOCATION of a Redis cache, read as redis-py's `from_url` reads each URL (Django's RedisCache and
 * django-redis both hand theirs to it), plus the two forms the bridge adds for Sentinel and Cluster:
 *
 * - `redis://[[user]:[password]@]host[:port][/db]`, `rediss://...` (TLS), `unix:///path.sock[?db=N]`;
 *   `?db=`, `?password=`, `?username=` and `?ssl_cert_reqs=none|optional|required` as in redis-py.
 *   Several servers (a list, or one string split as the backend splits it): the first takes the
 *   writes, reads go to one of the others (a primary and its replicas).
 * - `redis+sentinel://[[user]:[password]@]host[:port]/<master name>[/db]` (`rediss+sentinel://` for
 *   TLS to the Sentinels and the master): one entry per Sentinel, all naming the same master, db
 *   and credentials (which are the master's; Sentinel's own are OPTIONS sentinelUsername/Password).
 * - Cluster: OPTIONS `cluster: true` and the seed nodes as redis:// or rediss:// entries (db 0).
 */

export interface RedisEndpoint {
  /** How the endpoint appears in messages: the URL without its password. */
  label: string;
  host?: string;
  port?: number;
  /** unix:// socket path. */
  path?: string;
  tls: boolean;
  db?: number;
  username?: string;
  password?: string;
  /** ?ssl_cert_reqs=none. */
  skipVerify?: boolean;
}

export type RedisTopology =
  | { kind: 'servers'; servers: RedisEndpoint[] }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; masterName: string; db?: number; username?: string; password?: string; tls: boolean; label: string }
  | { kind: 'cluster'; seeds: RedisEndpoint[] };

/** Query parameters redis-py tunes its own sockets and pools with; the bridge has its own bounds. */
const IGNORED_QUERY = new Set(['socket_timeout', 'socket_connect_timeout', 'socket_keepalive', 'retry_on_timeout', 'max_connections', 'health_check_interval', 'client_name', 'ssl_check_hostname']);

function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@]*?:)[^/@]*@/i, '$1***@');
}

function decode(part: string, what: string, fail: (m: string) => never): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(`has a badly %-encoded ${what}`);
  }
}

function dbNumber(text: string, fail: (m: string) => never): number {
  if (!/^\d{1,9}$/.test(text)) fail(`names database "${text}", which is not a whole number`);
  return Number(text);
}

function parseUrl(entry: string, option: string): { url: URL; fail: (m: string) => never } {
  const shown = redact(entry.trim());
  const fail = (message: string): never => {
    throw new ImproperlyConfigured(`${option}: "${shown}" ${message}`);
  };
  let url: URL;
  try {
    url = new URL(entry.trim());
  } catch {
    return fail('is not a URL (redis://host:port/db, rediss://, unix:///path, redis+sentinel://host:port/master/db)');
  }
  return { url, fail };
}

/** One redis://, rediss:// or unix:// URL. */
export function parseRedisUrl(entry: string, option: string): RedisEndpoint {
  const { url, fail } = parseUrl(entry, option);
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'redis' && scheme !== 'rediss' && scheme !== 'unix') fail(`has the scheme ${scheme}://, not redis://, rediss:// or unix://`);
  const endpoint: RedisEndpoint = { label: redact(entry.trim()), tls: scheme === 'rediss' };
  if (url.username) endpoint.username = decode(url.username, 'username', fail);
  if (url.password) endpoint.password = decode(url.password, 'password', fail);
  for (const [name, value] of url.searchParams) {
    if (name === 'db') endpoint.db = dbNumber(value, fail);
    else if (name === 'password') endpoint.password ??= value;
    else if (name === 'username') endpoint.username ??= value;
    else if (name === 'ssl_cert_reqs') {
      if (!endpoint.tls) fail('sets ssl_cert_reqs without TLS (use rediss://)');
      if (!['none', 'optional', 'required'].includes(value.toLowerCase())) fail(`has ssl_cert_reqs=${value}; redis-py takes none, optional or required`);
      endpoint.skipVerify = value.toLowerCase() === 'none';
    } else if (!IGNORED_QUERY.has(name)) fail(`has the query parameter "${name}", which the bridge does not know (db, password, username, ssl_cert_reqs)`);
  }
  if (scheme === 'unix') {
    if (!url.pathname || url.pathname === '/') fail('names no socket path (unix:///path/to/redis.sock)');
    if (url.hostname) fail('has a host; a unix:// URL is unix:///path/to/redis.sock');
    endpoint.path = decode(url.pathname, 'path', fail);
    return endpoint;
  }
  endpoint.host = url.hostname ? decode(url.hostname.replace(/^\[(.*)\]$/, '$1'), 'host', fail) : 'localhost';
  endpoint.port = url.port ? Number(url.port) : 6379;
  const path = url.pathname.replace(/\//g, '');
  if (path !== '' && endpoint.db === undefined) endpoint.db = dbNumber(decode(path, 'database', fail), fail);
  return endpoint;
}

/** The entries of LOCATION: a list as given, a string split as the backend splits it. */
export function locationEntries(location: unknown, separator: RegExp, option: string): string[] {
  const entries = typeof location === 'string' ? location.split(separator) : Array.isArray(location) ? location : null;
  if (!entries || entries.length === 0 || entries.some((e) => typeof e !== 'string' || e.trim() === '')) {
    throw new ImproperlyConfigured(`${option} must be a URL or a non-empty list of URLs, with no empty entry`);
  }
  return entries.map((e: string) => e.trim());
}

function parseSentinel(entries: string[], option: string): RedisTopology {
  let first: Extract<RedisTopology, { kind: 'sentinel' }> | undefined;
  for (const entry of entries) {
    const { url, fail } = parseUrl(entry, option);
    const scheme = url.protocol.slice(0, -1);
    if (scheme !== 'redis+sentinel' && scheme !== 'rediss+sentinel') fail('mixes a Sentinel location with other URLs: every entry must be redis+sentinel:// (one per Sentinel)');
    if (url.search) fail('has a query string; a Sentinel entry is redis+sentinel://[user:password@]host:port/<master name>[/db]');
    const [masterName, db, ...rest] = url.pathname.split('/').filter(Boolean).map((p) => decode(p, 'path', fail));
    if (!masterName || rest.length) fail('must name the master, and then optionally the db: redis+sentinel://host:port/<master name>[/db]');
    if (!url.hostname) fail('names no Sentinel host');
    const parsed: Extract<RedisTopology, { kind: 'sentinel' }> = {
      kind: 'sentinel',
      sentinels: [{ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 26379 }],
      masterName,
      tls: scheme === 'rediss+sentinel',
      label: redact(entry),
    };
    if (db !== undefined) parsed.db = dbNumber(db, fail);
    if (url.username) parsed.username = decode(url.username, 'username', fail);
    if (url.password) parsed.password = decode(url.password, 'password', fail);
    if (!first) {
      first = parsed;
      continue;
    }
    for (const field of ['masterName', 'db', 'username', 'password', 'tls'] as const) {
      if (first[field] !== parsed[field]) fail(`differs from the first Sentinel entry in its ${field === 'masterName' ? 'master name' : field}; all entries describe one master`);
    }
    first.sentinels.push(...parsed.sentinels);
  }
  first!.label = `the Sentinel master "${first!.masterName}" via ${first!.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`;
  return first!;
}

/**
 * The topology LOCATION describes. `separator` is how the backend splits a string (Django's
 * RedisCache: "," and ";"; django-redis: ","), `cluster` whether OPTIONS asked for Cluster.
 */
export function parseRedisLocation(location: unknown, separator: RegExp, cluster: boolean, option: string): RedisTopology {
  const entries = locationEntries(location, separator, option);
  if (entries.some((e) => /^rediss?\+sentinel:/i.test(e))) {
    if (cluster) throw new ImproperlyConfigured(`${option}: a Sentinel location cannot also be a Cluster (options.cluster)`);
    return parseSentinel(entries, option);
  }
  const endpoints = entries.map((e) => parseRedisUrl(e, option));
  if (!cluster) return { kind: 'servers', servers: endpoints };
  for (const seed of endpoints) {
    if (seed.path) throw new ImproperlyConfigured(`${option}: "${seed.label}" is a unix socket; Cluster seeds are redis:// or rediss:// host:port URLs`);
    if (seed.db) throw new ImproperlyConfigured(`${option}: "${seed.label}" names database ${seed.db}; a Redis Cluster has database 0 only`);
    if (seed.tls !== endpoints[0].tls) throw new ImproperlyConfigured(`${option}: Cluster seeds mix redis:// and rediss://`);
  }
  return { kind: 'cluster', seeds: endpoints };
}

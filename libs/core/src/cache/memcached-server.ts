import { ImproperlyConfigured } from '../errors.js';
import { parsePythonInt } from './python-int.js';

/** One memcached server of a LOCATION, and the name pymemcache's HashClient ranks it by. */
export type MemcachedServer =
  | { kind: 'tcp'; host: string; port: number; node: string }
  | { kind: 'unix'; path: string; node: string };

/** Django's BaseMemcachedCache: a LOCATION string is split on ";" and ","; a list is taken as it is. */
export function splitMemcachedLocation(location: string | readonly string[]): string[] {
  if (typeof location === 'string') return location.split(/[;,]/);
  if (Array.isArray(location) && location.every((entry) => typeof entry === 'string')) return [...location];
  throw new ImproperlyConfigured('A memcached LOCATION must be a string or a list of strings');
}

/**
 * pymemcache's `normalize_server_spec` and HashClient's `_make_client_key`: "unix:/path" and
 * "/path" are sockets named by their path; otherwise "host:port" split at the last colon (no
 * colon, or a bracketed IPv6 address without port: 11211), brackets stripped, and the name is
 * "<host>:<port>" with the port as Python's int() reads it ("h:011211" is "h:11211"). Entries
 * Python would only fail on at the first command (empty, spaces, bad port) are refused here.
 */
export function parseMemcachedServer(spec: string): MemcachedServer {
  if (typeof spec !== 'string') throw new ImproperlyConfigured('A memcached server must be a string');
  const path = spec.startsWith('unix:') ? spec.slice(5) : spec.startsWith('/') ? spec : null;
  if (path !== null) {
    if (path === '') throw new ImproperlyConfigured(`Memcached server "${spec}" names no socket path`);
    return { kind: 'unix', path, node: path };
  }
  let host: string;
  let port: number;
  if (!spec.includes(':') || spec.endsWith(']')) {
    host = spec;
    port = 11211;
  } else {
    const at = spec.lastIndexOf(':');
    host = spec.slice(0, at);
    const parsed = parsePythonInt(Buffer.from(spec.slice(at + 1), 'utf8'));
    if (typeof parsed !== 'number' || parsed < 1 || parsed > 65535) throw new ImproperlyConfigured(`Memcached server "${spec}" has no valid port`);
    port = parsed;
  }
  if (host.startsWith('[')) host = host.replace(/^[[\]]+|[[\]]+$/g, '');
  if (host === '' || /\s/.test(host)) throw new ImproperlyConfigured(`Memcached server "${spec}" has no valid host`);
  return { kind: 'tcp', host, port, node: `${host}:${port}` };
}

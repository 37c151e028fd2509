import { SampleConfigError } from './sample-config-error.js';
import type { SampleCacheBackend } from './session-engine-settings.js';

const REDIS_SCHEMES = ['redis:', 'rediss:', 'unix:', 'redis+sentinel:', 'rediss+sentinel:'];

/** An entry as it may appear in a message: the password of a URL masked. */
export function redactLocation(entry: string): string {
  return entry.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@]*?:)[^/@]*@/i, '$1***@');
}

function refuse(problem: string): never {
  throw new SampleConfigError('DJANGO_CACHE_URL', problem);
}

/**
 * LOCATION of CACHES["default"]. Only its kind is checked here, to name the likely mistake (the
 * address of the other kind of server); the value goes to the bridge as given, which reads it as
 * the backend does (Redis URLs, Sentinel and Cluster forms; Memcached host:port lists) and
 * checks the rest.
 */
export function checkCacheLocation(backend: SampleCacheBackend, raw: string | undefined): string {
  if (raw === undefined) refuse(`is required with DJANGO_CACHE_BACKEND=${backend} (the LOCATION of CACHES["default"])`);
  if (backend.endsWith('PyMemcacheCache')) {
    // Django splits a Memcached LOCATION on "," and ";".
    const entries = raw.split(/[;,]/).map((e) => e.trim());
    if (entries.some((e) => e === '')) refuse('has an empty entry (servers are separated by commas or semicolons)');
    for (const entry of entries) {
      if (entry.includes('://')) refuse(`"${redactLocation(entry)}" is a URL, but ${backend} takes Memcached servers as host:port (comma-separated)`);
    }
    return raw;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1].toLowerCase();
  const shown = redactLocation(raw.split(/[;,]/)[0].trim());
  if (scheme === undefined) refuse(`"${shown}" is not a URL: ${backend} takes ${REDIS_SCHEMES.map((s) => `${s}//`).join(', ')} URLs (a bare host:port is Memcached's form)`);
  if (!REDIS_SCHEMES.includes(`${scheme}:`)) refuse(`"${shown}" has the scheme ${scheme}://; ${backend} takes ${REDIS_SCHEMES.map((s) => `${s}//`).join(', ')}`);
  return raw;
}

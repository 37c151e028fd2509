import { ImproperlyConfigured } from '../errors.js';
import { UrlParseError, urlParse } from './python-urlparse.js';

/**
 * CSRF_TRUSTED_ORIGINS pre-parsed the way CsrfViewMiddleware caches it (4.0+), so a guard parses
 * its setting once instead of on every request.
 */
export interface CsrfTrustedOrigins {
  /** Entries without "*": an Origin header must equal one of them character for character. */
  readonly exact: ReadonlySet<string>;
  /** Entries with "*", by scheme: Origin hosts matched with is_same_domain against netloc minus leading "*". */
  readonly subdomains: ReadonlyMap<string, readonly string[]>;
  /** Every entry's netloc minus leading "*", scheme ignored: hosts a Referer may come from. */
  readonly refererHosts: readonly string[];
}

export function isCsrfTrustedOrigins(value: unknown): value is CsrfTrustedOrigins {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as CsrfTrustedOrigins).exact instanceof Set;
}

/**
 * Parses CSRF_TRUSTED_ORIGINS. An entry without "://" is what Django's system check 4_0.E001 flags
 * (a 3.2-style bare host, which 4.0+ silently never matches) and an entry urllib cannot parse makes
 * Django fail every request; both throw ImproperlyConfigured here, at configuration time.
 */
export function parseCsrfTrustedOrigins(entries: readonly string[] | CsrfTrustedOrigins = []): CsrfTrustedOrigins {
  if (isCsrfTrustedOrigins(entries)) return entries;
  const exact = new Set<string>();
  const subdomains = new Map<string, string[]>();
  const refererHosts: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || !entry.includes('://')) {
      throw new ImproperlyConfigured(`CSRF_TRUSTED_ORIGINS entries need a scheme since Django 4.0 (e.g. "https://example.com"); got ${JSON.stringify(entry)}`);
    }
    let parsed;
    try {
      parsed = urlParse(entry);
    } catch (err) {
      if (err instanceof UrlParseError) throw new ImproperlyConfigured(`CSRF_TRUSTED_ORIGINS entry ${JSON.stringify(entry)} is not a valid URL: ${err.message}`);
      throw err;
    }
    const host = parsed.netloc.replace(/^\*+/, '');
    refererHosts.push(host);
    if (!entry.includes('*')) exact.add(entry);
    else subdomains.set(parsed.scheme, [...(subdomains.get(parsed.scheme) ?? []), host]);
  }
  return { exact, subdomains, refererHosts };
}

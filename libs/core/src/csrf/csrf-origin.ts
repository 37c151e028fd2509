import { CSRF_OK, csrfReject, type CsrfCheckResult } from './csrf-check-result.js';
import { REASON_BAD_ORIGIN } from './csrf-reasons.js';
import { parseCsrfTrustedOrigins, type CsrfTrustedOrigins } from './csrf-trusted-origins.js';
import { isSameDomain } from './is-same-domain.js';
import { urlParse } from './python-urlparse.js';

export interface CsrfOriginOptions {
  /** The Origin request header, exactly as received (it may be the string "null"). */
  origin: string;
  /** request.is_secure(): HTTPS, directly or through SECURE_PROXY_SSL_HEADER. */
  isSecure: boolean;
  /** request.get_host() (with its port, as sent), or null when ALLOWED_HOSTS refuses the host. */
  host: string | null;
  /** CSRF_TRUSTED_ORIGINS with schemes ("https://example.com", "https://*.example.com"), or pre-parsed. */
  trustedOrigins?: readonly string[] | CsrfTrustedOrigins;
}

/**
 * `_origin_verified` (4.0+), run for every unsafe request that carries an Origin header: it must be
 * this site's own origin (scheme from isSecure plus the Host, compared as raw strings), an exact
 * trusted origin, or a subdomain of a wildcard entry with the same scheme. "null" (sandboxed
 * frames, file: pages, some redirects) can never pass.
 */
export function checkCsrfOrigin({ origin, isSecure, host, trustedOrigins }: CsrfOriginOptions): CsrfCheckResult {
  const trusted = parseCsrfTrustedOrigins(trustedOrigins);
  if (host !== null && origin === `${isSecure ? 'https' : 'http'}://${host}`) return CSRF_OK;
  if (trusted.exact.has(origin)) return CSRF_OK;
  let parsed;
  try {
    parsed = urlParse(origin);
  } catch {
    return csrfReject(REASON_BAD_ORIGIN(origin));
  }
  const patterns = trusted.subdomains.get(parsed.scheme) ?? [];
  return patterns.some((p) => isSameDomain(parsed.netloc, p)) ? CSRF_OK : csrfReject(REASON_BAD_ORIGIN(origin));
}

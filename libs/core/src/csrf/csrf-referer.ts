import { CSRF_OK, csrfReject, type CsrfCheckResult } from './csrf-check-result.js';
import { REASON_BAD_REFERER, REASON_INSECURE_REFERER, REASON_MALFORMED_REFERER, REASON_NO_REFERER } from './csrf-reasons.js';
import { parseCsrfTrustedOrigins, type CsrfTrustedOrigins } from './csrf-trusted-origins.js';
import { isSameDomain } from './is-same-domain.js';
import { urlParse, urlSplit, urlUnparse, urlUnsplit } from './python-urlparse.js';

export interface CsrfRefererOptions {
  /** The Referer request header; undefined or null when absent. */
  referer?: string | null;
  /** request.is_secure(). Django checks the Referer only on HTTPS requests without Origin; plain HTTP passes. */
  isSecure: boolean;
  /** request.get_host() (with port), or null when ALLOWED_HOSTS refuses the host. */
  host: string | null;
  /** CSRF_TRUSTED_ORIGINS (their hosts count, whatever their scheme), or pre-parsed. */
  trustedOrigins?: readonly string[] | CsrfTrustedOrigins;
  /** CSRF_COOKIE_DOMAIN, or SESSION_COOKIE_DOMAIN when CSRF_USE_SESSIONS. Replaces the Host as the good referer. */
  cookieDomain?: string | null;
  /** request.get_port() (SERVER_PORT, or X-Forwarded-Port with USE_X_FORWARDED_PORT). Read only with cookieDomain. */
  serverPort?: string | number;
  /**
   * Show the Referer in the "does not match" reason as `urlsplit(referer).geturl()`, as Django does
   * since it moved from urlparse to urlsplit (ticket #35467; 5.2 and 6.1 do, 4.2 does not): an empty
   * `;` params part stays ("https://x/a;"). Default: urlparse's form. Only the wording changes.
   */
  refererAsSplit?: boolean;
}

/**
 * `_check_referer` (4.0+): on HTTPS, a request without Origin must carry an https Referer whose
 * host is a trusted origin's host, else the cookie domain (with the port unless 80/443), else
 * exactly this Host. Guards against a man in the middle posting from http:// to https://.
 */
export function checkCsrfReferer({ referer, isSecure, host, trustedOrigins, cookieDomain = null, serverPort = '443', refererAsSplit = false }: CsrfRefererOptions): CsrfCheckResult {
  if (!isSecure) return CSRF_OK;
  const trusted = parseCsrfTrustedOrigins(trustedOrigins);
  if (referer === undefined || referer === null) return csrfReject(REASON_NO_REFERER);
  let parsed;
  try {
    parsed = urlParse(referer);
  } catch {
    return csrfReject(REASON_MALFORMED_REFERER);
  }
  if (parsed.scheme === '' || parsed.netloc === '') return csrfReject(REASON_MALFORMED_REFERER);
  if (parsed.scheme !== 'https') return csrfReject(REASON_INSECURE_REFERER);
  if (trusted.refererHosts.some((h) => isSameDomain(parsed.netloc, h))) return CSRF_OK;
  const bad = csrfReject(REASON_BAD_REFERER(refererAsSplit ? urlUnsplit(urlSplit(referer)) : urlUnparse(parsed)));
  let good: string;
  if (cookieDomain === null || cookieDomain === undefined) {
    if (host === null) return bad;
    good = host;
  } else {
    const port = String(serverPort);
    good = port === '443' || port === '80' ? cookieDomain : `${cookieDomain}:${port}`;
  }
  return isSameDomain(parsed.netloc, good) ? CSRF_OK : bad;
}

import { REASON_BAD_ORIGIN, REASON_BAD_REFERER, REASON_INSECURE_REFERER, REASON_MALFORMED_REFERER, REASON_NO_REFERER } from './csrf-constants.js';
import { isSameDomain, urlSplit } from './python-urlsplit.js';

export type CsrfCheckResult = { ok: true } | { ok: false; reason: string };
const OK: CsrfCheckResult = { ok: true };
const reject = (reason: string): CsrfCheckResult => ({ ok: false, reason });

export interface CsrfOriginOptions {
  /** The Origin request header. */
  origin: string;
  /** request.is_secure(): HTTPS, directly or per SECURE_PROXY_SSL_HEADER. */
  isSecure: boolean;
  /** request.get_host() (with port), or null when ALLOWED_HOSTS refuses it. */
  host: string | null;
  /** CSRF_TRUSTED_ORIGINS, with scheme (Django 4.0+): "https://example.com", "https://*.example.com". */
  trustedOrigins?: readonly string[];
}

/** `_origin_verified` (Django 4.0+): same origin, an exact trusted origin, or a wildcard subdomain of the same scheme. */
export function checkCsrfOrigin({ origin, isSecure, host, trustedOrigins = [] }: CsrfOriginOptions): CsrfCheckResult {
  if (host !== null && origin === `${isSecure ? 'https' : 'http'}://${host}`) return OK;
  if (trustedOrigins.some((t) => !t.includes('*') && t === origin)) return OK;
  let parsed;
  try {
    parsed = urlSplit(origin);
  } catch {
    return reject(REASON_BAD_ORIGIN(origin));
  }
  const matches = trustedOrigins
    .filter((t) => t.includes('*'))
    .map((t) => safeSplit(t))
    .some((t) => t !== null && t.scheme === parsed.scheme && isSameDomain(parsed.netloc, stripStars(t.netloc)));
  return matches ? OK : reject(REASON_BAD_ORIGIN(origin));
}

export interface CsrfRefererOptions {
  /** The Referer request header, or undefined when absent. */
  referer?: string | null;
  /** request.get_host(), or null when ALLOWED_HOSTS refuses it. */
  host: string | null;
  trustedOrigins?: readonly string[];
  /** CSRF_COOKIE_DOMAIN (or SESSION_COOKIE_DOMAIN with CSRF_USE_SESSIONS). */
  cookieDomain?: string | null;
  /** request.get_port() as a string, e.g. "443". */
  serverPort?: string;
}

/** `_check_referer` (HTTPS requests without Origin): a secure Referer from a trusted host. */
export function checkCsrfReferer({ referer, host, trustedOrigins = [], cookieDomain = null, serverPort = '443' }: CsrfRefererOptions): CsrfCheckResult {
  if (referer === undefined || referer === null) return reject(REASON_NO_REFERER);
  let parsed;
  try {
    parsed = urlSplit(referer);
  } catch {
    return reject(REASON_MALFORMED_REFERER);
  }
  if (parsed.scheme === '' || parsed.netloc === '') return reject(REASON_MALFORMED_REFERER);
  if (parsed.scheme !== 'https') return reject(REASON_INSECURE_REFERER);
  const trustedHosts = trustedOrigins.map((t) => stripStars(safeSplit(t)?.netloc ?? ''));
  if (trustedHosts.some((h) => isSameDomain(parsed.netloc, h))) return OK;
  let good: string;
  if (cookieDomain !== null && cookieDomain !== undefined) {
    good = serverPort === '443' || serverPort === '80' ? cookieDomain : `${cookieDomain}:${serverPort}`;
  } else {
    if (host === null) return reject(REASON_BAD_REFERER(referer));
    good = host;
  }
  return isSameDomain(parsed.netloc, good) ? OK : reject(REASON_BAD_REFERER(referer));
}

function safeSplit(url: string) {
  try {
    return urlSplit(url);
  } catch {
    return null;
  }
}

function stripStars(netloc: string): string {
  return netloc.replace(/^\*+/, '');
}

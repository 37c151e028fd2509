import type { BytesLike } from '../crypto/bytes.js';
import type { HmacAlgorithm } from '../crypto/salted-hmac.js';
import { LATEST_DJANGO_VERSION, type DjangoVersion } from '../django-version.js';
import { BadSignature, SignatureExpired } from '../errors.js';
import { getCookieSigner } from './cookie-signer.js';

/**
 * How `set_signed_cookie` / `get_signed_cookie` derive the signer's salt from (name, salt):
 * 'legacy' is `name + salt` (every release before the fix for CVE-2026-6873); 'v2' is
 * `"django.http.cookies.v2:<len(salt)>:<salt><name>"` (5.2.15+ and the 6.x lines), which can
 * no longer collide between pairs.
 */
export type SignedCookieSaltFormat = 'v2' | 'legacy';

// Lines whose current releases sign with the v2 salt (5.2 since 5.2.15; 6.0 and 6.1 carry the fix).
const V2_LINES: ReadonlySet<string> = new Set(['5.2', '6.0', '6.1']);

/** The salt format of a line's current release (a 5.2 site older than 5.2.15 needs 'legacy'). */
export function defaultSignedCookieSaltFormat(version: DjangoVersion = LATEST_DJANGO_VERSION): SignedCookieSaltFormat {
  return V2_LINES.has(version) ? 'v2' : 'legacy';
}

/**
 * SIGNED_COOKIE_LEGACY_SALT_FALLBACK's default: True on 5.2 (read off 5.2.18) and 6.0, False on
 * 6.1 (read off 6.1.1), where cookies signed the old way are no longer read unless a site asks.
 */
export function defaultLegacySaltFallback(version: DjangoVersion = LATEST_DJANGO_VERSION): boolean {
  return V2_LINES.has(version) && version !== '6.1';
}

/** The signer salt for a cookie, in either format. */
export function signedCookieSalt(name: string, salt = '', format: SignedCookieSaltFormat = 'v2'): string {
  // Python's len() counts code points, not UTF-16 units.
  return format === 'v2' ? `django.http.cookies.v2:${Array.from(salt).length}:${salt}${name}` : name + salt;
}

/** The keys behind `get_cookie_signer()`: SECRET_KEY, SECRET_KEY_FALLBACKS and 3.2's algorithms. */
export interface SignedCookieKeys {
  key: BytesLike;
  fallbackKeys?: readonly BytesLike[];
  /** DEFAULT_HASHING_ALGORITHM on 3.1/3.2; default sha256. */
  algorithm?: HmacAlgorithm;
  /** 3.1/3.2 also accept sha1 signatures: 'sha1' there. */
  legacyAlgorithm?: HmacAlgorithm | null;
  /** Current time in seconds (tests freeze it). */
  clock?: () => number;
}

export interface SignedCookieValueOptions extends SignedCookieKeys {
  /** The `salt` argument of set_signed_cookie / get_signed_cookie; default ''. */
  salt?: string;
  /** Default 'v2' (see {@link defaultSignedCookieSaltFormat} for a line's). */
  saltFormat?: SignedCookieSaltFormat;
}

export interface UnsignCookieValueOptions extends SignedCookieValueOptions {
  /** `max_age` in seconds: an older signature raises SignatureExpired. */
  maxAge?: number | null;
  /**
   * SIGNED_COOKIE_LEGACY_SALT_FALLBACK (v2 only; default true, see {@link defaultLegacySaltFallback}): a cookie that does not verify under
   * the v2 salt is tried under the legacy one (cookies from before the upgrade), unless it merely expired.
   */
  legacySaltFallback?: boolean;
}

function signer(salt: string, { key, fallbackKeys, algorithm, legacyAlgorithm, clock }: SignedCookieKeys) {
  // An empty salt stays empty, and the Signer then uses its class default, as Django's does.
  return getCookieSigner({ key, fallbackKeys, algorithm, legacyAlgorithm, clock, salt });
}

/** The value `HttpResponse.set_signed_cookie(name, value, salt=...)` puts in the cookie. */
export function signCookieValue(name: string, value: string, options: SignedCookieValueOptions): string {
  if (typeof value !== 'string') throw new TypeError('A signed cookie value must be a string');
  return signer(signedCookieSalt(name, options.salt, options.saltFormat), options).sign(value);
}

/**
 * What `HttpRequest.get_signed_cookie(name, salt=..., max_age=...)` returns for a cookie value:
 * the original string, or BadSignature / SignatureExpired.
 */
export function unsignCookieValue(name: string, signedValue: string, options: UnsignCookieValueOptions): string {
  const format = options.saltFormat ?? 'v2';
  try {
    return signer(signedCookieSalt(name, options.salt, format), options).unsign(signedValue, options.maxAge);
  } catch (err) {
    if (format !== 'v2' || options.legacySaltFallback === false || !(err instanceof BadSignature) || err instanceof SignatureExpired) throw err;
    return signer(signedCookieSalt(name, options.salt, 'legacy'), options).unsign(signedValue, options.maxAge);
  }
}

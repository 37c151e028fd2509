import { httpDate } from './cookies.js';
import { quoteCookieValue } from './cookie-value-quote.js';

/** The arguments of Django's `HttpResponse.set_cookie`, in camelCase. */
export interface SetCookieOptions {
  /** Seconds (`max_age`); also writes Expires. Cannot be combined with a Date `expires`. */
  maxAge?: number | null;
  /** A Date (turned into max_age, as Django does) or a ready "expires" string written as given. */
  expires?: Date | string | null;
  /** Default "/". */
  path?: string | null;
  domain?: string | null;
  secure?: boolean;
  httpOnly?: boolean;
  /** 'Lax' | 'Strict' | 'None' (any case, as Django accepts); false or null to omit. */
  sameSite?: string | false | null;
  /** Clock in epoch ms. */
  now?: number;
}

const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;

/**
 * One Set-Cookie value as `response.set_cookie(name, value, ...)` writes it: the value quoted as
 * Python's http.cookies does, the attributes in Morsel's (sorted) order: Domain, expires,
 * HttpOnly, Max-Age, Path, SameSite, Secure.
 */
export function setCookieHeader(name: string, value: string, options: SetCookieOptions = {}): string {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`Invalid cookie name "${name}"`);
  const now = options.now ?? Date.now();
  let maxAge = options.maxAge ?? null;
  let expires: string | null = null;
  if (options.expires instanceof Date) {
    if (maxAge !== null) throw new TypeError("'expires' and 'max_age' can't be used together.");
    const ms = options.expires.getTime();
    if (!Number.isFinite(ms)) throw new TypeError('expires is an invalid Date');
    // Django adds a second so that the date it writes back matches (timedelta loses the fraction).
    maxAge = Math.max(0, Math.floor((ms - now) / 1000) + 1);
  } else if (typeof options.expires === 'string' && options.expires !== '') {
    expires = options.expires;
  }
  if (maxAge !== null) {
    if (!Number.isFinite(maxAge)) throw new TypeError('maxAge must be a finite number of seconds');
    expires ??= httpDate(now + maxAge * 1000);
  }
  let sameSite: string | null = null;
  if (options.sameSite) {
    if (!['lax', 'none', 'strict'].includes(String(options.sameSite).toLowerCase())) throw new TypeError('samesite must be "lax", "none", or "strict".');
    sameSite = String(options.sameSite);
  }
  // Python 3.13's Morsel refuses control characters anywhere in the line (a header split); so does this.
  for (const text of [options.path, options.domain, expires]) if (typeof text === 'string' && /[\x00-\x1f\x7f]/.test(text)) throw new TypeError('Control characters are not allowed in cookies');
  const parts = [`${name}=${quoteCookieValue(value)}`];
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (expires !== null) parts.push(`expires=${expires}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (maxAge !== null) parts.push(`Max-Age=${Math.trunc(maxAge)}`);
  const path = options.path === undefined ? '/' : options.path;
  if (path) parts.push(`Path=${path}`);
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Cookie header parsing and Set-Cookie formatting as Django does them (`parse_cookie`,
 * `HttpResponse.set_cookie` / `delete_cookie`), so Django and Node set the same cookies.
 */

/** Django's `parse_cookie`: ";"-separated, "=" optional, whitespace trimmed, last duplicate wins. */
export function parseCookieHeader(header: string | string[] | undefined | null): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const text = Array.isArray(header) ? header.join(';') : header ?? '';
  for (const chunk of text.split(';')) {
    const eq = chunk.indexOf('=');
    const key = (eq < 0 ? '' : chunk.slice(0, eq)).trim();
    const value = (eq < 0 ? chunk : chunk.slice(eq + 1)).trim();
    if (key || value) out[key] = unquote(value);
  }
  return out;
}

/** `http.cookies._unquote`: strips surrounding quotes and undoes backslash escapes. */
function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value.slice(1, -1).replace(/\\(?:([0-3][0-7][0-7])|(.))/g, (_, octal: string, ch: string) => (octal ? String.fromCharCode(parseInt(octal, 8)) : ch));
}

export interface CookieOptions {
  /** Seconds; also sets Expires, as Django does. Omit for a browser-session cookie. */
  maxAge?: number | null;
  path?: string;
  domain?: string | null;
  secure?: boolean;
  httpOnly?: boolean;
  /** 'Lax' | 'Strict' | 'None'; false or null to omit. */
  sameSite?: 'Lax' | 'Strict' | 'None' | false | null;
  /** Clock in ms, for Expires. */
  now?: number;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `http_date`: RFC 7231 IMF-fixdate. */
export function httpDate(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}

const SAFE_VALUE = /^[!#-+\--:<-[\]-~]*$/;

/** A Set-Cookie value exactly as Django writes it (Python's Morsel sorts attributes: Domain, expires, HttpOnly, Max-Age, Path, SameSite, Secure). */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new TypeError(`Invalid cookie name "${name}"`);
  if (!SAFE_VALUE.test(value)) throw new TypeError('Cookie value has characters that need quoting');
  const parts = [`${name}=${value}`];
  const now = options.now ?? Date.now();
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (options.maxAge !== undefined && options.maxAge !== null) parts.push(`expires=${httpDate(now + options.maxAge * 1000)}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.maxAge !== undefined && options.maxAge !== null) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  parts.push(`Path=${options.path ?? '/'}`);
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** `delete_cookie`: an empty value that expired at the epoch, on the same path and domain. */
export function deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain' | 'sameSite'> = {}): string {
  const parts = [`${name}=""`];
  if (options.domain) parts.push(`Domain=${options.domain}`);
  parts.push('expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Max-Age=0', `Path=${options.path ?? '/'}`);
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  // Browsers drop SameSite=None cookies without Secure, and "__Secure-"/"__Host-" names need it too.
  if (options.sameSite === 'None' || /^__(Secure|Host)-/.test(name)) parts.push('Secure');
  return parts.join('; ');
}

import { type BytesLike, toBytes } from '../crypto/bytes.js';
import { TimestampSigner, type TimestampSignerOptions } from './timestamp-signer.js';

const COOKIE_KEY_PREFIX = Buffer.from('django.http.cookies');

function cookieKey(key: BytesLike): Buffer {
  return Buffer.concat([COOKIE_KEY_PREFIX, toBytes(key)]);
}

export interface CookieSignerOptions extends Omit<TimestampSignerOptions, 'salt'> {
  salt?: string;
}

/**
 * `get_cookie_signer()`: the signer behind `response.set_signed_cookie` / `request.get_signed_cookie`.
 * Its keys are "django.http.cookies" + each secret. For `get_signed_cookie` / `set_signed_cookie`
 * use signCookieValue / unsignCookieValue (./signed-cookie.ts): the salt they derive from the cookie
 * name and salt changed with the fix for CVE-2026-6873 (5.2.15+).
 */
export function getCookieSigner(options: CookieSignerOptions): TimestampSigner {
  const { key, fallbackKeys = [], salt = 'django.core.signing.get_cookie_signer', ...rest } = options;
  return new TimestampSigner({ ...rest, key: cookieKey(key), fallbackKeys: fallbackKeys.map(cookieKey), salt });
}

import { djangoDefaults, type DjangoVersion } from '../django-version.js';
import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH } from './csrf-constants.js';
import { maskCipherSecret, unmaskCipherToken } from './csrf-mask.js';
import { REASON_INCORRECT_LENGTH, REASON_INVALID_CHARACTERS } from './csrf-reasons.js';
import { getNewCsrfSecret } from './csrf-secret.js';
import { checkCsrfTokenFormat, isCsrfString } from './csrf-token-format.js';

/**
 * The secret behind a CSRF cookie value, as every line from 3.2 to 6.0 reads it (`_sanitize_token`,
 * later `_get_secret`): 64 characters are a masked token (what 3.2/4.0 wrote), 32 are the bare
 * secret (4.1+). Null for anything else: Django then makes a new secret and resets the cookie.
 */
export function csrfSecretFromCookie(cookieValue: unknown): string | null {
  try {
    checkCsrfTokenFormat(cookieValue);
  } catch {
    return null;
  }
  return cookieValue.length === CSRF_TOKEN_LENGTH ? unmaskCipherToken(cookieValue) : cookieValue;
}

export interface CsrfCookieValueOptions {
  /** Write a 64-char masked token (3.2/4.0, or CSRF_COOKIE_MASKED=True on 4.1/4.2). Wins over djangoVersion. */
  masked?: boolean;
  /** Write what this Django line writes by default (masked up to 4.0, the secret from 4.1). */
  djangoVersion?: DjangoVersion;
}

/**
 * The value to store in the cookie (or session) for `secret`. Defaults to the 4.1+ form, the bare
 * secret; every line reads both forms, so this only matters for what older nodes write themselves.
 */
export function csrfCookieValue(secret: string, options: CsrfCookieValueOptions = {}): string {
  const value: unknown = secret;
  if (!isCsrfString(value, CSRF_SECRET_LENGTH)) {
    const wrongLength = typeof value !== 'string' || value.length !== CSRF_SECRET_LENGTH;
    throw new InvalidCsrfTokenFormat(`CSRF secret ${wrongLength ? REASON_INCORRECT_LENGTH : REASON_INVALID_CHARACTERS}`);
  }
  const masked = options.masked ?? (options.djangoVersion !== undefined && !djangoDefaults(options.djangoVersion).csrfCookieIsSecret);
  return masked ? maskCipherSecret(secret) : secret;
}

/**
 * `rotate_token` (called on login): a brand-new secret and the cookie value to send for it. The
 * caller must set the cookie (or session key) so that tokens issued before login stop working.
 */
export function rotateCsrfSecret(options: CsrfCookieValueOptions = {}): { secret: string; cookieValue: string } {
  const secret = getNewCsrfSecret();
  return { secret, cookieValue: csrfCookieValue(secret, options) };
}

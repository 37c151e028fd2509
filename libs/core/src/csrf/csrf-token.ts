import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { getRandomString } from '../crypto/random-string.js';
import { djangoDefaults, type DjangoVersion } from '../django-version.js';
import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, REASON_INCORRECT_LENGTH, REASON_INVALID_CHARACTERS } from './csrf-constants.js';

const N = CSRF_ALLOWED_CHARS.length;
const VALID = /^[a-zA-Z0-9]*$/;

/** A new 32-char secret (what Django 4.1+ stores in the cookie or session). */
export function getNewCsrfSecret(): string {
  return getRandomString(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS);
}

/**
 * `_mask_cipher_secret`: a random mask followed by the secret shifted by it, character by
 * character. Every page gets a different token for the same secret (BREACH mitigation).
 */
export function maskCipherSecret(secret: string, mask: string = getNewCsrfSecret()): string {
  if (secret.length !== CSRF_SECRET_LENGTH || !VALID.test(secret)) throw new InvalidCsrfTokenFormat(`CSRF secret ${secret.length !== CSRF_SECRET_LENGTH ? REASON_INCORRECT_LENGTH : REASON_INVALID_CHARACTERS}`);
  if (mask.length !== CSRF_SECRET_LENGTH || !VALID.test(mask)) throw new InvalidCsrfTokenFormat(`CSRF mask ${mask.length !== CSRF_SECRET_LENGTH ? REASON_INCORRECT_LENGTH : REASON_INVALID_CHARACTERS}`);
  let cipher = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    cipher += CSRF_ALLOWED_CHARS[(CSRF_ALLOWED_CHARS.indexOf(secret[i]) + CSRF_ALLOWED_CHARS.indexOf(mask[i])) % N];
  }
  return mask + cipher;
}

/** `_unmask_cipher_token`: the secret inside a 64-char masked token. */
export function unmaskCipherToken(token: string): string {
  checkCsrfTokenFormat(token);
  if (token.length !== CSRF_TOKEN_LENGTH) throw new InvalidCsrfTokenFormat(`CSRF token ${REASON_INCORRECT_LENGTH}`);
  let secret = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const diff = CSRF_ALLOWED_CHARS.indexOf(token[CSRF_SECRET_LENGTH + i]) - CSRF_ALLOWED_CHARS.indexOf(token[i]);
    secret += CSRF_ALLOWED_CHARS[(diff + N) % N];
  }
  return secret;
}

/** A masked token for a form or header (`get_token`); a new secret when none is given. */
export function getCsrfToken(secret: string = getNewCsrfSecret()): string {
  return maskCipherSecret(secret);
}

/** `_check_token_format` (4.0+): 32 or 64 characters of a-zA-Z0-9, else InvalidCsrfTokenFormat with Django's reason. */
export function checkCsrfTokenFormat(token: unknown): asserts token is string {
  if (typeof token !== 'string' || (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH)) {
    throw new InvalidCsrfTokenFormat(REASON_INCORRECT_LENGTH);
  }
  if (!VALID.test(token)) throw new InvalidCsrfTokenFormat(REASON_INVALID_CHARACTERS);
}

/**
 * The secret behind a stored cookie (or CSRF_USE_SESSIONS) value, as Django 4.1+'s `_get_secret`
 * reads it: a 64-char value is a masked token (what 3.2/4.0 wrote), a 32-char value is the secret.
 * Null for anything else: Django then issues a new secret and resets the cookie.
 */
export function csrfSecretFromCookie(cookieValue: unknown): string | null {
  try {
    checkCsrfTokenFormat(cookieValue);
  } catch {
    return null;
  }
  return cookieValue.length === CSRF_TOKEN_LENGTH ? unmaskCipherToken(cookieValue) : cookieValue;
}

/**
 * The value to store in the cookie for a secret: the secret itself (4.1+), or a masked token as
 * Django 3.2/4.0 write it (`masked: true`, or `djangoVersion: '3.2' | '4.0'`; CSRF_COOKIE_MASKED on
 * 4.1/4.2). Every line reads both.
 */
export function csrfCookieValue(secret: string, options: { masked?: boolean; djangoVersion?: DjangoVersion } = {}): string {
  checkCsrfTokenFormat(secret);
  if (secret.length !== CSRF_SECRET_LENGTH) throw new InvalidCsrfTokenFormat(`CSRF secret ${REASON_INCORRECT_LENGTH}`);
  const masked = options.masked ?? (options.djangoVersion ? !djangoDefaults(options.djangoVersion).csrfCookieIsSecret : false);
  return masked ? maskCipherSecret(secret) : secret;
}

/**
 * Does a request token (form field or X-CSRFToken header) match the stored cookie value? Both may
 * be a 32-char secret or a 64-char masked token, as every Django from 3.2 to 6.0 accepts. Malformed
 * input is simply false; the comparison is constant-time.
 */
export function checkCsrfToken(cookieValue: unknown, requestToken: unknown): boolean {
  const secret = csrfSecretFromCookie(cookieValue);
  const candidate = csrfSecretFromCookie(requestToken);
  if (secret === null || candidate === null) return false;
  return constantTimeCompare(candidate, secret);
}

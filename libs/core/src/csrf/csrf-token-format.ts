import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH } from './csrf-constants.js';
import { REASON_INCORRECT_LENGTH, REASON_INVALID_CHARACTERS } from './csrf-reasons.js';

/** ASCII letters and digits only: a Unicode-aware test would let "é" or "٣" through. */
const ALLOWED = /^[a-zA-Z0-9]*$/;

/** True for strings of exactly `length` characters from CSRF_ALLOWED_CHARS. */
export function isCsrfString(value: unknown, length: number): value is string {
  return typeof value === 'string' && value.length === length && ALLOWED.test(value);
}

/**
 * `_check_token_format` (4.0+): a cookie value or request token must be 32 (a bare secret) or 64 (a
 * masked token) allowed characters. Length is checked first, as Django does, so the reason matches.
 * The error's message is the bare reason ("has incorrect length" / "has invalid characters").
 */
export function checkCsrfTokenFormat(token: unknown): asserts token is string {
  if (typeof token !== 'string' || (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH)) {
    throw new InvalidCsrfTokenFormat(REASON_INCORRECT_LENGTH);
  }
  if (!ALLOWED.test(token)) throw new InvalidCsrfTokenFormat(REASON_INVALID_CHARACTERS);
}

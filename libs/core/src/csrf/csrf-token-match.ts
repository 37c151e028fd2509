import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { csrfSecretFromCookie } from './csrf-cookie.js';

/**
 * Does a request token (form field or X-CSRFToken header) belong to the cookie's secret? Either side
 * may be a 32-char secret or a 64-char masked token: Django 3.2 through 6.0 all accept exactly these
 * combinations. Malformed input on either side is false, never an exception; the final comparison
 * is constant-time.
 */
export function checkCsrfToken(cookieValue: unknown, requestToken: unknown): boolean {
  const secret = csrfSecretFromCookie(cookieValue);
  // A request token obeys the same 32-or-64 format rule and unmasks the same way as a cookie value.
  const candidate = csrfSecretFromCookie(requestToken);
  if (secret === null || candidate === null) return false;
  return constantTimeCompare(candidate, secret);
}

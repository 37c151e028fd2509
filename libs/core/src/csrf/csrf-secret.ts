import { maskCipherSecret } from './csrf-mask.js';
import { getNewCsrfString } from './csrf-random-string.js';

/** A new secret: what 4.1+ stores in the cookie or the session. */
export function getNewCsrfSecret(): string {
  return getNewCsrfString();
}

/** `_get_new_csrf_token`: a new secret, masked (what 3.2/4.0 store in the cookie). */
export function getNewCsrfToken(): string {
  return maskCipherSecret(getNewCsrfString());
}

/**
 * The token to hand to a page for `secret` (what `get_token` returns): freshly masked on every
 * call, so two renders never show the same string. A new secret when none is given.
 */
export function getCsrfToken(secret: string = getNewCsrfSecret()): string {
  return maskCipherSecret(secret);
}

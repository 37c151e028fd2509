import { getRandomString } from '../crypto/random-string.js';
import { CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH } from './csrf-constants.js';

/** `_get_new_csrf_string`: 32 CSPRNG characters of the CSRF alphabet, used for secrets and masks alike. */
export function getNewCsrfString(): string {
  return getRandomString(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS);
}

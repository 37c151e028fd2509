import { getRandomString } from '../crypto/random-string.js';

/** Django's VALID_KEY_CHARS: keys it creates are 32 characters of a-z0-9. */
export const VALID_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const SESSION_KEY_LENGTH = 32;
/** Django treats shorter keys as no session at all (`_validate_session_key`). */
export const MIN_SESSION_KEY_LENGTH = 8;
/** django_session.session_key is varchar(40). */
export const MAX_SESSION_KEY_LENGTH = 40;

/**
 * Session ids as PHP generates them: `session.sid_bits_per_character` 4, 5 or 6 draw from
 * 0-9a-f, 0-9a-v or 0-9a-zA-Z plus "," and "-". Django's own keys (a-z0-9) fit it too.
 */
export const PHP_SESSION_KEY_PATTERN = /^[0-9a-zA-Z,-]+$/;

export function newSessionKey(): string {
  return getRandomString(SESSION_KEY_LENGTH, VALID_KEY_CHARS);
}

/**
 * Whether a cookie value can name a session. Django only checks the length; this also refuses
 * anything outside printable ASCII or longer than the column, so odd input never reaches the database.
 * `maxLength` is the engine's (signed_cookies keys are the whole cookie). `pattern` narrows it further (PHP's session id alphabets, for instance).
 */
export function isValidSessionKey(key: unknown, pattern: RegExp = /^[\x21-\x7e]+$/, maxLength = MAX_SESSION_KEY_LENGTH): key is string {
  return typeof key === 'string' && key.length >= MIN_SESSION_KEY_LENGTH && key.length <= maxLength && pattern.test(key);
}

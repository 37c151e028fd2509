import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH } from './csrf-constants.js';
import { REASON_INCORRECT_LENGTH, REASON_INVALID_CHARACTERS } from './csrf-reasons.js';
import { getNewCsrfString } from './csrf-random-string.js';

const BASE = CSRF_ALLOWED_CHARS.length;
const INDEX: ReadonlyMap<string, number> = new Map([...CSRF_ALLOWED_CHARS].map((c, i) => [c, i]));

/** Indexes of a string's characters in the alphabet; throws when the length or a character is wrong. */
function indexes(value: string, length: number, what: string): number[] {
  if (typeof value !== 'string' || value.length !== length) throw new InvalidCsrfTokenFormat(`${what} ${REASON_INCORRECT_LENGTH}`);
  const out: number[] = [];
  for (const ch of value) {
    const i = INDEX.get(ch);
    if (i === undefined) throw new InvalidCsrfTokenFormat(`${what} ${REASON_INVALID_CHARACTERS}`);
    out.push(i);
  }
  return out;
}

/**
 * `_mask_cipher_secret`: the token is a 32-char mask followed by the secret with each character
 * shifted by the mask's (mod 62). A fresh mask per page keeps the secret out of compressed
 * responses (BREACH). `mask` is only for tests and interop; omit it in production.
 */
export function maskCipherSecret(secret: string, mask: string = getNewCsrfString()): string {
  const s = indexes(secret, CSRF_SECRET_LENGTH, 'CSRF secret');
  const m = indexes(mask, CSRF_SECRET_LENGTH, 'CSRF mask');
  let cipher = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) cipher += CSRF_ALLOWED_CHARS[(s[i] + m[i]) % BASE];
  return mask + cipher;
}

/** `_unmask_cipher_token`: the secret inside a 64-char masked token (a true modulo: negatives wrap). */
export function unmaskCipherToken(token: string): string {
  const t = indexes(token, CSRF_TOKEN_LENGTH, 'CSRF token');
  let secret = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) secret += CSRF_ALLOWED_CHARS[(t[CSRF_SECRET_LENGTH + i] - t[i] + BASE) % BASE];
  return secret;
}

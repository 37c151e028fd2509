import { SerializationError } from '../errors.js';

const URLSAFE = /^[A-Za-z0-9_-]*$/;
const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;

/** URL-safe base64 with the padding stripped, as `django.core.signing.b64_encode` writes it. */
export function b64UrlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/**
 * Strict inverse of {@link b64UrlEncode}. Node's own decoder silently skips bad characters, which
 * would let a tampered value decode to something; this one rejects them.
 */
export function b64UrlDecode(text: string): Buffer {
  if (!URLSAFE.test(text) || text.length % 4 === 1) {
    throw new SerializationError('Invalid base64url data');
  }
  return Buffer.from(text, 'base64url');
}

/** Standard base64 with padding (PBKDF2, scrypt, the pre-3.1 session format). */
export function b64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Strict standard-alphabet decoder; padding optional (argon2 strings carry none). */
export function b64Decode(text: string): Buffer {
  // STANDARD allows at most two "=" and only at the end; counting them is linear, where a
  // /=+$/ search restarts at every "=" of a long run (quadratic on "=".repeat(n) + "x").
  if (!STANDARD.test(text)) throw new SerializationError('Invalid base64 data');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  if (end % 4 === 1 || (end !== text.length && text.length % 4 !== 0)) throw new SerializationError('Invalid base64 data');
  return Buffer.from(text.slice(0, end), 'base64');
}

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
  const unpadded = text.replace(/=+$/, '');
  if (!STANDARD.test(text) || unpadded.length % 4 === 1 || (text.length !== unpadded.length && text.length % 4 !== 0)) {
    throw new SerializationError('Invalid base64 data');
  }
  return Buffer.from(unpadded, 'base64');
}

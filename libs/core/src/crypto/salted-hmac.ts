import { createHash, createHmac } from 'node:crypto';
import { ImproperlyConfigured } from '../errors.js';
import { type BytesLike, toBytes } from './bytes.js';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
const ALGORITHMS: ReadonlySet<string> = new Set(['sha1', 'sha256', 'sha512']);

export function assertHmacAlgorithm(algorithm: string): asserts algorithm is HmacAlgorithm {
  if (!ALGORITHMS.has(algorithm)) {
    throw new ImproperlyConfigured(`Unsupported HMAC algorithm "${algorithm}" (use sha256 or sha1)`);
  }
}

/**
 * `django.utils.crypto.salted_hmac`: the HMAC key is H(keySalt || secret), with no separator,
 * using the same hash as the HMAC. Returns the raw digest; callers pick hex or base64.
 */
export function saltedHmac(keySalt: BytesLike, value: BytesLike, secret: BytesLike, algorithm: HmacAlgorithm = 'sha1'): Buffer {
  assertHmacAlgorithm(algorithm);
  const key = createHash(algorithm).update(toBytes(keySalt)).update(toBytes(secret)).digest();
  return createHmac(algorithm, key).update(toBytes(value)).digest();
}

import { pbkdf2 as nodePbkdf2 } from 'node:crypto';
import { type BytesLike, toBytes } from './bytes.js';

export type Pbkdf2Digest = 'sha1' | 'sha256' | 'sha512';
const DIGEST_SIZE: Record<Pbkdf2Digest, number> = { sha1: 20, sha256: 32, sha512: 64 };

/**
 * `django.utils.crypto.pbkdf2` on Node's thread pool, so hashing never blocks the event loop.
 * `dklen` 0 means the digest size, as in Django.
 */
export function pbkdf2(password: BytesLike, salt: BytesLike, iterations: number, dklen = 0, digest: Pbkdf2Digest = 'sha256'): Promise<Buffer> {
  const length = dklen || DIGEST_SIZE[digest];
  return new Promise((resolve, reject) => {
    nodePbkdf2(toBytes(password), toBytes(salt), iterations, length, digest, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { type BytesLike, toBytes } from './bytes.js';

/**
 * `django.utils.crypto.constant_time_compare`. Both sides are hashed first so that inputs of
 * different lengths take the same time and `timingSafeEqual` never throws.
 */
export function constantTimeCompare(a: BytesLike, b: BytesLike): boolean {
  const left = toBytes(a);
  const right = toBytes(b);
  const equalDigests = timingSafeEqual(createHash('sha256').update(left).digest(), createHash('sha256').update(right).digest());
  return equalDigests && left.length === right.length;
}

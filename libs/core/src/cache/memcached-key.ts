import { isWellFormedUtf16 } from '../serializers/php/utf8.js';
import { InvalidCacheKey } from './cache-errors.js';

/** `django.core.cache.backends.base.MEMCACHE_MAX_KEY_LENGTH`, also memcached's own limit in bytes. */
export const MEMCACHE_MAX_KEY_LENGTH = 250;

// Django's memcache_key_warnings: control characters, space and DEL.
const DJANGO_REFUSED = /[\x00-\x20\x7f]/;
// pymemcache's check_key_helper: bytes.split() whitespace and NUL, over key_prefix + key.
const PYMEMCACHE_REFUSED = new Set([0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);

export interface MemcachedKeyOptions {
  /** pymemcache's allow_unicode_keys (Django sets it to true): false refuses non-ASCII keys. */
  allowUnicodeKeys: boolean;
  /** pymemcache's key_prefix: bytes put before every key on the wire (not in the server choice). */
  clientKeyPrefix: Uint8Array;
}

function refuse(reason: string, key: string): never {
  throw new InvalidCacheKey(`Cache key ${JSON.stringify(key.length > 80 ? key.slice(0, 80) + '...' : key)} ${reason}; Django's memcached backends refuse it`);
}

/**
 * The bytes sent for a key Django made (make_key), after the checks that make Django raise
 * InvalidCacheKey (BaseMemcachedCache.validate_key) and pymemcache raise MemcacheIllegalInputError
 * (check_key_helper). Any of them is an InvalidCacheKey here, and nothing is sent.
 */
export function memcachedKey(key: string, options: MemcachedKeyOptions): Buffer {
  if ([...key].length > MEMCACHE_MAX_KEY_LENGTH) refuse(`is longer than ${MEMCACHE_MAX_KEY_LENGTH} characters`, key);
  if (DJANGO_REFUSED.test(key)) refuse('contains a control character, a space or DEL', key);
  if (!isWellFormedUtf16(key)) refuse('contains an unpaired surrogate (not encodable in UTF-8)', key);
  if (!options.allowUnicodeKeys && /[^\x00-\x7f]/.test(key)) refuse('is not ASCII and OPTIONS allow_unicode_keys is false', key);
  const bytes = Buffer.concat([options.clientKeyPrefix, Buffer.from(key, 'utf8')]);
  if (bytes.length > MEMCACHE_MAX_KEY_LENGTH) refuse(`is longer than ${MEMCACHE_MAX_KEY_LENGTH} bytes with pymemcache's key_prefix, in UTF-8`, key);
  if (bytes.length === 0) refuse('is empty', key);
  if (bytes.some((b) => PYMEMCACHE_REFUSED.has(b))) refuse("contains whitespace or NUL with pymemcache's key_prefix", key);
  return bytes;
}

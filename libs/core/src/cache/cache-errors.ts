import { DjangoBridgeError } from '../errors.js';

/**
 * A key Django's memcached backends refuse (`InvalidCacheKey`): longer than 250 characters or
 * bytes, with a control character, a space or DEL, or non-ASCII while allow_unicode_keys is off.
 * The bridge never sends such a key.
 */
export class InvalidCacheKey extends DjangoBridgeError {}

/** The cache refused a value as too large (memcached's item size limit, `-I`, 1 MiB by default). */
export class CacheValueTooLarge extends DjangoBridgeError {}

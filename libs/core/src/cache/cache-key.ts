/** Django's KEY_FUNCTION signature: the key given to the cache, KEY_PREFIX and VERSION to the stored key. */
export type CacheKeyFunction = (key: string, keyPrefix: string, version: number) => string;

/** `django.core.cache.backends.base.default_key_func`: "<KEY_PREFIX>:<VERSION>:<key>". */
export const defaultKeyFunction: CacheKeyFunction = (key, keyPrefix, version) => `${keyPrefix}:${version}:${key}`;

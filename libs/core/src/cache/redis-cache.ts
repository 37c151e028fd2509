import { type CacheValueCodec } from './cache-value-codec.js';
import { checkTimeout, RedisBackedCache, type RedisCacheOptions } from './redis-cache-base.js';
import { RedisSerializer } from './redis-serializer.js';

/**
 * `django.core.cache.backends.redis.RedisCache` (Django 4.0+), over RedisCommands: values in
 * RedisSerializer's format, whole seconds (EX) as `get_backend_timeout` makes them: None keeps
 * the entry forever, anything under one second removes it (set) or never keeps it (add).
 */
export class RedisCache extends RedisBackedCache {
  constructor(options: RedisCacheOptions, codec: CacheValueCodec = new RedisSerializer()) {
    super(options, codec);
  }

  /** `get_backend_timeout`: `None if timeout is None else max(0, int(timeout))`. */
  static backendTimeout(timeout: number | null): bigint | null {
    checkTimeout(timeout);
    return timeout === null ? null : BigInt(Math.max(0, Math.trunc(timeout)));
  }

  async set(key: string, value: unknown, timeout: number | null): Promise<void> {
    const made = this.makeKey(key);
    const data = this.codec.encode(value);
    const seconds = RedisCache.backendTimeout(timeout);
    const server = this.server(true);
    if (seconds === 0n) await server.del(made);
    else await server.set(made, data, seconds === null ? {} : { ex: seconds });
  }

  async add(key: string, value: unknown, timeout: number | null): Promise<boolean> {
    const made = this.makeKey(key);
    const data = this.codec.encode(value);
    const seconds = RedisCache.backendTimeout(timeout);
    const server = this.server(true);
    if (seconds === 0n) {
      // Django stores it and deletes it again: the answer says whether the key was free.
      const stored = await server.set(made, data, { nx: true });
      if (stored) await server.del(made);
      return stored;
    }
    return server.set(made, data, seconds === null ? { nx: true } : { ex: seconds, nx: true });
  }
}

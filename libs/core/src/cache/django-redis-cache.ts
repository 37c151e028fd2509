import { type CacheValueCodec } from './cache-value-codec.js';
import { DjangoRedisCodec } from './django-redis-codec.js';
import { djangoRedisCompressor } from './django-redis-compressors.js';
import { djangoRedisSerializer } from './django-redis-serializers.js';
import { checkTimeout, RedisBackedCache, type RedisCacheOptions } from './redis-cache-base.js';

/**
 * `django_redis.cache.RedisCache` with its DefaultClient (django-redis 5.x), over RedisCommands:
 * values in its serializer-then-compressor format (pickle and no compression by default),
 * timeouts in milliseconds (PX, `int(timeout * 1000)`). A timeout that comes to 0 ms or less
 * deletes the entry on set; on add it stores nothing and answers whether the key was free.
 */
export class DjangoRedisCache extends RedisBackedCache {
  constructor(options: RedisCacheOptions, codec: CacheValueCodec = new DjangoRedisCodec(djangoRedisSerializer(), djangoRedisCompressor())) {
    super(options, codec);
  }

  /** Milliseconds as DefaultClient.set computes them; null for "no expiry". */
  static backendTimeout(timeout: number | null): bigint | null {
    checkTimeout(timeout);
    return timeout === null ? null : BigInt(Math.trunc(timeout * 1000));
  }

  /** DefaultClient.set: whether it stored (or, for a non-positive timeout, deleted / found the key free). */
  private async store(key: string, value: unknown, timeout: number | null, nx: boolean): Promise<boolean> {
    const made = this.makeKey(key);
    const data = this.codec.encode(value);
    const ms = DjangoRedisCache.backendTimeout(timeout);
    const server = this.server(true);
    if (ms !== null && ms <= 0n) {
      // Negative timeouts with nx must not delete an existing value; without nx the key goes.
      return nx ? (await server.exists(made)) === 0 : (await server.del(made)) > 0;
    }
    return server.set(made, data, ms === null ? { nx } : { px: ms, nx });
  }

  async set(key: string, value: unknown, timeout: number | null): Promise<void> {
    await this.store(key, value, timeout, false);
  }

  async add(key: string, value: unknown, timeout: number | null): Promise<boolean> {
    return this.store(key, value, timeout, true);
  }
}

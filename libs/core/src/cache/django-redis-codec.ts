import { type CacheValueCodec } from './cache-value-codec.js';
import { type DjangoRedisCompressor } from './django-redis-compressors.js';
import { type DecodeLimits } from '../limits/decode-limits.js';
import { type DjangoRedisSerializer } from './django-redis-serializers.js';
import { isPythonInt, parsePythonInt, pythonIntBytes } from './python-int.js';

/**
 * `django_redis.client.DefaultClient.encode` / `decode`: an int (not a bool) is stored as its
 * digits; anything else is serialized, then compressed. Reading tries `int()` first, then
 * decompresses (bytes that do not decompress are taken as stored uncompressed), then deserializes.
 */
export class DjangoRedisCodec implements CacheValueCodec {
  constructor(
    readonly serializer: DjangoRedisSerializer,
    readonly compressor: DjangoRedisCompressor,
    /** intMaxStrDigits bounds the digits of stored ints (the serializer is given its own limits). */
    private readonly limits: DecodeLimits = {},
  ) {}

  encode(value: unknown): Buffer {
    return isPythonInt(value) ? pythonIntBytes(value, this.limits.intMaxStrDigits) : this.compressor.compress(this.serializer.dumps(value));
  }

  decode(data: Buffer): unknown {
    const int = parsePythonInt(data, this.limits.intMaxStrDigits);
    if (int !== null) return int;
    return this.serializer.loads(this.compressor.decompress(data) ?? data);
  }
}

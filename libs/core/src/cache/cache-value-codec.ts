/**
 * How a cache backend turns a Python value into the bytes it stores and back: Django's
 * RedisSerializer, django-redis's serializer and compressor pair, pymemcache's serde.
 * `decode` throws SerializationError for bytes it cannot read; `encode` for values outside the
 * plain-data subset the bridge can write so that Django reads them back.
 */
export interface CacheValueCodec {
  encode(value: unknown): Buffer;
  decode(data: Buffer): unknown;
}
